/**
 * Import resolution over the workspace's files: each import of a file
 * (resolved against its path in fileDecls.ts) must stay inside the root
 * (CR2004) and name a file of the workspace (CR2003, with a did-you-mean);
 * the imports that resolve make the import graph.
 */
import type * as A from "../syntax/ast.js";
import { makeDiagnostic } from "../diagnostics/catalogue.js";
import { relativeImport, relativeTo } from "./paths.js";
import { suggest } from "../text/didYouMean.js";
import type { Binding } from "./binding.js";

/** The import graph: for each file, the files its imports resolve to, with the import that names each. */
export type ImportEdges = Map<string, { to: string; node: A.ImportDecl }[]>;

/** Resolves every file's imports, reporting the ones that do not resolve; fills `b.imports` and `b.importers` and returns the graph. */
export function resolveImports(b: Binding, uris: string[]): ImportEdges {
  const edges: ImportEdges = new Map();
  for (const uri of uris) {
    const list: { to: string; node: A.ImportDecl }[] = [];
    edges.set(uri, list);
    for (const { node: imp, spec, target, climbs } of b.decls.get(uri)!.imports) {
      if (climbs || !(target === b.root || target.startsWith(b.root === "/" ? "/" : b.root + "/"))) {
        b.diagnostics.push(makeDiagnostic("CR2004", uri, imp.path!.range, `\`${spec}\` points outside the workspace folder; imports must stay inside it`));
        continue;
      }
      if (!b.files.has(target)) {
        // Did-you-mean over the workspace's files, compared as paths relative to the root.
        const rel = relativeTo(b.root, target);
        const best = suggest(rel, uris.map((u) => relativeTo(b.root, u)))[0];
        const fixes = best ? [{ title: `import \`${best}\``, preferred: true, edits: [{ uri, range: imp.path!.range, newText: JSON.stringify(relativeImport(uri, b.root + "/" + best)) }] }] : [];
        b.diagnostics.push(makeDiagnostic("CR2003", uri, imp.path!.range, `no workspace file \`${rel}\` to import (paths are relative to this file)${best ? `; did you mean \`${best}\`?` : ""}`, { fixes }));
        continue;
      }
      list.push({ to: target, node: imp });
      let own = b.imports.get(uri);
      if (!own) b.imports.set(uri, (own = []));
      if (!own.includes(target)) own.push(target);
      let r = b.importers.get(target);
      if (!r) b.importers.set(target, (r = new Set()));
      r.add(uri);
    }
  }
  return edges;
}
