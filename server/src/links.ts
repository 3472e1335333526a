/**
 * Import paths as links: `textDocument/documentLink` for every `import "…"`
 * the checker resolved to a workspace file, and the definition of an import
 * path (the start of the imported file). An import that finds no file (or
 * leads outside the workspace) gets nothing: the checker reports it.
 */
import * as L from "vscode-languageserver";
import type * as A from "../../core/syntax/ast.js";
import type { ParseResult } from "../../core/syntax/parse.js";
import type { CheckResult } from "../../core/checker/check.js";
import { resolveImport, relativeTo } from "../../core/binder/paths.js";
import type { Range } from "../../core/text/positions.js";
import { range } from "./convert.js";
import { pathToUri } from "./uri.js";
import type { Snapshot } from "./workspace.js";

/** The text between the quotes of a string literal (without the closing quote when it is missing). */
export function innerRange(pr: ParseResult, s: A.StringLit): Range {
  const { start, end } = s.range;
  const image = pr.lines.text.slice(start.offset, end.offset);
  const closed = image.length >= 2 && /^"(?:[^"\\\r\n]|\\.)*"$/.test(image);
  return pr.lines.range(start.offset + 1, closed ? end.offset - 1 : end.offset);
}

export interface ResolvedImport {
  node: A.ImportDecl;
  path: A.StringLit;
  /** The imported file (absolute path). */
  target: string;
  /** The path's text without its quotes. */
  inner: Range;
}

/** The imports of a file that the checker resolved to a workspace file, in written order. */
export function resolvedImports(check: CheckResult | undefined, pr: ParseResult | undefined, path: string): ResolvedImport[] {
  if (!check || !pr) return [];
  const found = check.binding.imports.get(path);
  if (!found?.length) return [];
  const out: ResolvedImport[] = [];
  for (const node of pr.file.imports) {
    if (!node.path) continue;
    const target = resolveImport(path, node.path.value);
    if (found.includes(target)) out.push({ node, path: node.path, target, inner: innerRange(pr, node.path) });
  }
  return out;
}

export function documentLinks(snap: Snapshot, path: string): L.DocumentLink[] {
  const check = snap.checkOf(path);
  return resolvedImports(check, snap.file(path), path).map((i) => ({
    range: range(i.inner),
    target: pathToUri(i.target),
    tooltip: `Open ${check ? relativeTo(check.root, i.target) : i.target}`,
  }));
}

/** The resolved import whose path (quotes included) holds `offset`. */
export function importAt(snap: Snapshot, path: string, offset: number): ResolvedImport | undefined {
  return resolvedImports(snap.checkOf(path), snap.file(path), path).find((i) => i.path.range.start.offset <= offset && offset <= i.path.range.end.offset);
}

/** Definition of an import path: the start of the imported file. */
export function importDefinition(snap: Snapshot, path: string, offset: number): L.LocationLink[] | undefined {
  const i = importAt(snap, path, offset);
  if (!i) return undefined;
  const start = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  return [{ originSelectionRange: range(i.inner), targetUri: pathToUri(i.target), targetRange: start, targetSelectionRange: start }];
}
