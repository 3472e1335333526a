/** Definition, references, document highlight. */
import * as L from "vscode-languageserver";
import { range } from "./convert.js";
import type { Occurrence } from "./index.js";
import type { Snapshot } from "./workspace.js";
import { pathToUri } from "./uri.js";
import { referencesTo, symbolAt } from "../../core/checker/queries.js";
import type { CrmSymbol } from "../../core/workspace.js";

/** Where the name index has nothing, the checker's binding may (e.g. a name only the binder resolves). */
export function checkerSymbolAt(snap: Snapshot, path: string, offset: number): CrmSymbol | undefined {
  const check = snap.checkOf(path);
  const s = check ? symbolAt(check, path, offset) : undefined;
  return s && !s.builtin ? s : undefined;
}

export function occurrenceAt(snap: Snapshot, path: string, offset: number): Occurrence | undefined {
  return snap.index.occurrenceAt(path, offset);
}

export function definition(snap: Snapshot, path: string, offset: number): L.LocationLink[] {
  const o = occurrenceAt(snap, path, offset);
  if (!o) {
    const s = checkerSymbolAt(snap, path, offset);
    return s ? [{ targetUri: pathToUri(s.uri), targetRange: range(s.declRange), targetSelectionRange: range(s.range) }] : [];
  }
  const all = (snap.index.decls.get(o.key) ?? []).filter((d) => snap.sameFolder(path, d.uri));
  // Prefer the declarations this file can see (itself and its imports).
  const visible = new Set(snap.checkOf(path)?.visibleFiles(path) ?? []);
  const seen = all.filter((d) => visible.has(d.uri));
  return (seen.length ? seen : all).map((d) => ({
    originSelectionRange: range(o.range),
    targetUri: pathToUri(d.uri),
    targetRange: range(d.declRange),
    targetSelectionRange: range(d.range),
  }));
}

export function references(snap: Snapshot, path: string, offset: number, includeDeclaration: boolean): L.Location[] {
  const o = occurrenceAt(snap, path, offset);
  if (!o) {
    const s = checkerSymbolAt(snap, path, offset);
    const check = snap.checkOf(path);
    if (!s || !check) return [];
    const refs = referencesTo(check, s.id).map((r) => ({ uri: r.uri, range: r.range }));
    if (includeDeclaration) refs.unshift({ uri: s.uri, range: s.range });
    return refs.map((r) => ({ uri: pathToUri(r.uri), range: range(r.range) }));
  }
  return (snap.index.byKey.get(o.key) ?? [])
    .filter((x) => (includeDeclaration || !x.isDecl) && snap.sameFolder(path, x.uri))
    .sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : a.range.start.offset - b.range.start.offset))
    .map((x) => ({ uri: pathToUri(x.uri), range: range(x.range) }));
}

export function highlights(snap: Snapshot, path: string, offset: number): L.DocumentHighlight[] {
  const o = occurrenceAt(snap, path, offset);
  if (!o) return [];
  return (snap.index.byKey.get(o.key) ?? [])
    .filter((x) => x.uri === path)
    .sort((a, b) => a.range.start.offset - b.range.start.offset)
    .map((x) => ({ range: range(x.range), kind: x.isDecl ? L.DocumentHighlightKind.Write : L.DocumentHighlightKind.Read }));
}
