/**
 * Queries the language server and CLI ask of a finished check. They read only
 * the check's symbols and references (plus, when present, the binder's tables
 * for speed): name resolution happens once, in the binder and checker, and is
 * import-aware — a name a file uses without importing its declaration has no
 * symbol here.
 */
import type { CrmSymbol, Reference, SymbolKind, WorkspaceCheck } from "../workspace.js";
import type { CheckResult } from "./check.js";
import { maxOfScore, type MaxScore } from "../binder/scoreMaximum.js";
import { GROUP_OF } from "../binder/bind.js";
import type { Range } from "../text/positions.js";

/** A name in the source: the symbol it stands for, where it is written, and whether it is the declaration itself. */
export interface Occurrence {
  symbol: CrmSymbol;
  range: Range;
  declaration: boolean;
}

/** The name under the cursor at `offset` in `uri` (a resolved use or a declared name), if any. */
export function occurrenceAt(check: WorkspaceCheck, uri: string, offset: number): Occurrence | undefined {
  const refs = referencesIn(check, uri);
  if (refs.length) {
    // Binary search by start offset over references sorted by position.
    let lo = 0;
    let hi = refs.length - 1;
    let found: Reference | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const r = refs[mid]!;
      if (r.range.start.offset <= offset) {
        if (offset <= r.range.end.offset) found = r;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    const s = found && check.symbols.get(found.symbolId);
    if (found && s) return { symbol: s, range: found.range, declaration: false };
  }
  for (const s of declarationsIn(check, uri)) if (s.range.start.offset <= offset && offset <= s.range.end.offset) return { symbol: s, range: s.range, declaration: true };
  return undefined;
}

/** The symbol declared or referenced at `offset` in `uri` (the name under the cursor), if any. */
export function symbolAt(check: WorkspaceCheck, uri: string, offset: number): CrmSymbol | undefined {
  return occurrenceAt(check, uri, offset)?.symbol;
}

/**
 * The declaration of `name` among `kinds` that `uri` sees (its own file, its
 * imports, built-in events), as name resolution picks it; undefined when the
 * file does not see one.
 */
export function lookup(check: WorkspaceCheck, uri: string, name: string, kinds: readonly SymbolKind[]): CrmSymbol | undefined {
  const res = check as Partial<CheckResult>;
  const groups = kinds.map((k) => GROUP_OF[k]);
  if (res.binding && groups.every((g) => g !== undefined)) {
    for (const g of new Set(groups)) {
      const s = res.binding.lookup(uri, g!, name);
      if (s && kinds.includes(s.kind)) return s;
    }
    return undefined;
  }
  const visible = new Set(check.visibleFiles(uri));
  for (const s of declarationsOf(check, kinds)) if (s.name === name && (s.builtin || visible.has(s.uri))) return s;
  return undefined;
}

/**
 * Every declaration of the given kinds in the whole check (members and
 * built-ins included, in the check's order: file by file, in source order), whether or not a given
 * file sees it: what an editor offers to import.
 */
export function declarationsOf(check: WorkspaceCheck, kinds: readonly SymbolKind[]): CrmSymbol[] {
  if (kinds.length === 1) return kindIndexOf(check).byKind.get(kinds[0]!) ?? [];
  const out: CrmSymbol[] = [];
  for (const s of check.symbols.values()) if (kinds.includes(s.kind)) out.push(s);
  return out;
}

/**
 * The declaration that renaming `symbolId` to `newName` would collide with:
 * for a member (a rule, a payload field, a grade letter, an enum value, a
 * parameter), another member of the same declaration; for a top-level name or
 * a lead field, a declaration of the same namespace visible from the renamed
 * one's file or from any file that sees it (built-in events included).
 */
export function renameConflict(check: WorkspaceCheck, symbolId: string, newName: string): CrmSymbol | undefined {
  const sym = check.symbols.get(symbolId);
  if (!sym || sym.name === newName) return undefined;
  const res = check as Partial<CheckResult>;
  const group = GROUP_OF[sym.kind];
  if (!group) {
    // A member clashes with its siblings: the members of the same container.
    if (res.binding && sym.containerId !== undefined) return res.binding.members.get(sym.containerId)?.get(newName);
    for (const s of check.symbols.values()) if (s.name === newName && s.kind === sym.kind && s.uri === sym.uri && (sym.containerId !== undefined ? s.containerId === sym.containerId : s.container === sym.container)) return s;
    return undefined;
  }
  const seers = check.dependents(sym.uri);
  if (res.binding) {
    for (const f of seers) {
      const s = res.binding.lookup(f, group, newName);
      if (s && s.id !== sym.id) return s;
    }
    return undefined;
  }
  for (const s of check.symbols.values()) {
    if (s.name !== newName || GROUP_OF[s.kind] !== group || s.id === sym.id) continue;
    if (s.builtin || seers.some((f) => check.visibleFiles(f).includes(s.uri))) return s;
  }
  return undefined;
}

/**
 * Every use of a symbol (declarations excluded; add `symbol.range` for
 * rename), file by file, by position. Only the files that see the symbol's
 * file are read (no other file can refer to it).
 */
export function referencesTo(check: WorkspaceCheck, symbolId: string): Reference[] {
  if (!(check as Partial<CheckResult>).units) return refIndexOf(check).bySymbol.get(symbolId) ?? [];
  const sym = check.symbols.get(symbolId);
  if (!sym) return [];
  const files = sym.builtin ? [...check.files.keys()].sort() : check.dependents(sym.uri);
  const out: Reference[] = [];
  for (const f of files) for (const r of referencesIn(check, f)) if (r.symbolId === symbolId) out.push(r);
  return out;
}

/** Every resolved name use in a file, sorted by position, each once (what semantic tokens and document highlights walk). Reads that file only. */
export function referencesIn(check: WorkspaceCheck, uri: string): readonly Reference[] {
  const units = (check as Partial<CheckResult>).units;
  if (!units) return refIndexOf(check).byUri.get(uri) ?? [];
  return units.get(uri)?.references ?? [];
}

/** Every declaration in a file (top-level and members, built-ins never), in no particular order. Reads that file only. */
export function declarationsIn(check: WorkspaceCheck, uri: string): CrmSymbol[] {
  const binding = (check as Partial<CheckResult>).binding;
  if (!binding) return kindIndexOf(check).byUri.get(uri) ?? [];
  const decls = binding.decls.get(uri);
  if (!decls) return [];
  let out = declarationLists.get(decls);
  if (!out) declarationLists.set(decls, (out = [...decls.byId.values()]));
  return out;
}

/**
 * The most the named score can ever hold (Infinity when unbounded), with the
 * reason in words, or undefined when no such score exists. `uri` picks the
 * declaration visible from that file when names repeat across unrelated files.
 */
export function maxPossibleScore(check: WorkspaceCheck, scoreName: string, uri?: string): MaxScore | undefined {
  let sym: CrmSymbol | undefined;
  const res = check as Partial<CheckResult>;
  if (uri && res.binding) {
    const s = res.binding.lookup(uri, "value", scoreName);
    if (s?.kind === "score") sym = s;
  }
  if (!sym) for (const s of check.symbols.values()) if (s.kind === "score" && s.name === scoreName) (sym ??= s);
  if (!sym) return undefined;
  // From the declaration alone (memoized per declaration), not through `maxScores`, which covers every score.
  return maxOfScore(sym);
}

/** A file's declarations as a list (built once per file's declarations). */
const declarationLists = new WeakMap<object, CrmSymbol[]>();

/** Symbols by kind and by file (built once per check, from the symbols alone). */
interface KindIndex {
  byKind: Map<SymbolKind, CrmSymbol[]>;
  byUri: Map<string, CrmSymbol[]>;
}

const kindIndexes = new WeakMap<WorkspaceCheck, KindIndex>();

function kindIndexOf(check: WorkspaceCheck): KindIndex {
  let idx = kindIndexes.get(check);
  if (idx) return idx;
  idx = { byKind: new Map(), byUri: new Map() };
  for (const s of check.symbols.values()) {
    if (!s.builtin) push(idx.byUri, s.uri, s);
    push(idx.byKind, s.kind, s);
  }
  kindIndexes.set(check, idx);
  return idx;
}

/** References by file and by symbol, from `check.references` (for checks without per-file parts). */
interface RefIndex {
  byUri: Map<string, Reference[]>;
  bySymbol: Map<string, Reference[]>;
}

const refIndexes = new WeakMap<WorkspaceCheck, RefIndex>();

function refIndexOf(check: WorkspaceCheck): RefIndex {
  let idx = refIndexes.get(check);
  if (idx) return idx;
  idx = { byUri: new Map(), bySymbol: new Map() };
  for (const r of check.references) {
    push(idx.byUri, r.uri, r);
    push(idx.bySymbol, r.symbolId, r);
  }
  for (const list of idx.byUri.values()) list.sort((a, b) => a.range.start.offset - b.range.start.offset);
  refIndexes.set(check, idx);
  return idx;
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}

/**
 * Declarations visible from `uri` (its own and those of every file it imports,
 * plus built-in events), optionally of some kinds: what completion offers.
 */
export function namesInScope(check: WorkspaceCheck, uri: string, kinds?: readonly CrmSymbol["kind"][]): CrmSymbol[] {
  const visible = new Set(check.visibleFiles(uri));
  const out: CrmSymbol[] = [];
  for (const s of check.symbols.values()) {
    if (kinds && !kinds.includes(s.kind)) continue;
    if (s.container !== undefined && s.kind !== "field") continue;
    if (s.builtin ? s.kind === "event" : visible.has(s.uri)) out.push(s);
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Members of a declaration (payload fields of an event, rules of a score or route, letters of a grade, enum values of a field, parameters of an action). */
export function membersOf(check: WorkspaceCheck, symbolId: string): CrmSymbol[] {
  const res = check as Partial<CheckResult>;
  return [...(res.binding?.members.get(symbolId)?.values() ?? [])];
}
