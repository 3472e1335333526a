/**
 * The binder: parses every file, resolves imports (relative to the importing
 * file, never outside the root), detects import cycles, collects every
 * declaration into a symbol with its `///` doc comment, and reports duplicate
 * names among files that see each other. Name *uses* are resolved by the
 * checker through `Binding.lookup`. `bind` runs the steps, one file each:
 * fileDecls.ts (what a file declares), builtinSymbols.ts, imports.ts,
 * cycles.ts, visibility.ts, binding.ts (the name groups, `lookup`),
 * duplicates.ts.
 *
 * What a file declares depends on that file alone, so it is computed once per
 * parse result (`fileDecls`) and reused by every later binding while the file
 * is unchanged; a binding after an edit only re-links the name tables.
 */
import { parse, type ParseResult } from "../syntax/parse.js";
import type { WorkspaceInput } from "../workspace.js";
import { guarded, internalErrorDiagnostic } from "../diagnostics/internalError.js";
import { normalizePath } from "./paths.js";
import { Binding } from "./binding.js";
import { fileDecls } from "./fileDecls.js";
import { addBuiltins } from "./builtinSymbols.js";
import { resolveImports } from "./imports.js";
import { reportCycles } from "./cycles.js";
import { computeVisibility } from "./visibility.js";
import { reportDuplicates } from "./duplicates.js";

// What the rest of the core imports from the binder.
export { Binding, GROUP_OF, MemberTable, SymbolTable, type Group } from "./binding.js";
export { fileDecls, typeText, type FileDecls } from "./fileDecls.js";
export { KIND_WORDS } from "./kindWords.js";
export { removeFix } from "./removeFix.js";

/** Parses (or reuses unchanged parse results) and binds a workspace. */
export function bind(input: WorkspaceInput, previous?: { files: ReadonlyMap<string, ParseResult>; binding?: Binding }): Binding {
  const root = normalizePath(input.root);
  const b = new Binding(root);
  const uris: string[] = [];
  for (const f of input.files) {
    const uri = normalizePath(f.uri);
    if (b.files.has(uri)) continue;
    // Parse results are immutable: an unchanged text reuses the previous tree.
    const prev = previous?.files.get(uri);
    // The guard per file (core/diagnostics/internalError.ts) starts here: a file whose parse or
    // declarations throw is bound as an empty file with one CR9001, and every other file binds as usual.
    const given = f.parsed && f.parsed.lines.text === f.text && f.parsed.file.uri === uri ? f.parsed : undefined;
    const pr = given ?? (prev && prev.lines.text === f.text ? prev : guarded("read", uri, () => parse(f.text, uri), (e) => unreadable(b, uri, e)));
    b.files.set(uri, pr);
    uris.push(uri);
  }
  uris.sort();
  addBuiltins(b);
  for (const uri of uris) {
    const pr = b.files.get(uri)!;
    const d = pr.lines.text === "" ? fileDecls(pr, uri) : guarded("read", uri, () => fileDecls(pr, uri), (e) => {
      b.files.set(uri, unreadable(b, uri, e));
      return fileDecls(b.files.get(uri)!, uri);
    });
    b.decls.set(uri, d);
    for (const id of d.duplicateIds) b.duplicates.add(id);
  }
  const edges = resolveImports(b, uris);
  reportCycles(b, uris, edges);
  computeVisibility(b, uris, edges);
  b.linkNames(uris, previous?.binding?.root === root ? previous.binding : undefined);
  reportDuplicates(b, uris);
  return b;
}

/** What a file that failed to parse or to declare is bound as: an empty file, and one CR9001 on it. */
function unreadable(b: Binding, uri: string, e: unknown): ParseResult {
  b.diagnostics.push(internalErrorDiagnostic(uri, "read", e));
  return parse("", uri);
}
