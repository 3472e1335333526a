/**
 * Definition, references, document highlight: read from the check's symbols
 * and references (core/checker/queries.ts). Resolution is the checker's, so it
 * is import-aware: a name a file uses without importing its declaration is an
 * error there and has nothing to navigate to.
 */
import * as L from "vscode-languageserver";
import { range } from "./convert.js";
import type { Snapshot } from "./workspace.js";
import { pathToUri } from "./uri.js";
import { occurrenceAt, referencesIn, referencesTo, type Occurrence } from "../../core/checker/queries.js";
import type { CrmSymbol } from "../../core/workspace.js";
import type { CheckResult } from "../../core/checker/check.js";

/** The name under the cursor, with the check it was resolved in. */
export function nameAt(snap: Snapshot, path: string, offset: number): (Occurrence & { check: CheckResult }) | undefined {
  const check = snap.checkOf(path);
  const o = check && occurrenceAt(check, path, offset);
  return o && check ? { ...o, check } : undefined;
}

/** Every place a symbol is written: its declaration (unless built in) and every use, by file then position, each once. */
export function occurrencesOf(check: CheckResult, s: CrmSymbol, includeDeclaration: boolean): { uri: string; range: CrmSymbol["range"]; declaration: boolean }[] {
  const out = referencesTo(check, s.id).map((r) => ({ uri: r.uri, range: r.range, declaration: false }));
  if (includeDeclaration && !s.builtin) out.push({ uri: s.uri, range: s.range, declaration: true });
  return out.sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : a.range.start.offset - b.range.start.offset));
}

export function definition(snap: Snapshot, path: string, offset: number): L.LocationLink[] {
  const o = nameAt(snap, path, offset);
  if (!o || o.symbol.builtin) return [];
  const s = o.symbol;
  return [{ originSelectionRange: range(o.range), targetUri: pathToUri(s.uri), targetRange: range(s.declRange), targetSelectionRange: range(s.range) }];
}

/** A LocationLink as a plain Location, for a client without `definition.linkSupport`. */
export function asLocations(links: L.LocationLink[]): L.Location[] {
  return links.map((l) => ({ uri: l.targetUri, range: l.targetSelectionRange }));
}

export function references(snap: Snapshot, path: string, offset: number, includeDeclaration: boolean): L.Location[] {
  const o = nameAt(snap, path, offset);
  if (!o) return [];
  return occurrencesOf(o.check, o.symbol, includeDeclaration).map((x) => ({ uri: pathToUri(x.uri), range: range(x.range) }));
}

export function highlights(snap: Snapshot, path: string, offset: number): L.DocumentHighlight[] {
  const o = nameAt(snap, path, offset);
  if (!o) return [];
  const out: L.DocumentHighlight[] = [];
  if (o.symbol.uri === path && !o.symbol.builtin) out.push({ range: range(o.symbol.range), kind: L.DocumentHighlightKind.Write });
  // Uses in this file only: one walk over the file's references, not the symbol's across the workspace.
  for (const r of referencesIn(o.check, path)) if (r.symbolId === o.symbol.id) out.push({ range: range(r.range), kind: L.DocumentHighlightKind.Read });
  return out.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
}
