/**
 * Queries the language server and CLI ask of a finished check. They read only
 * the check's symbols and references (plus, when present, the binder's tables
 * for speed): name resolution happens once, in the binder and checker, and is
 * import-aware — a name a file uses without importing its declaration has no
 * symbol here.
 */
import type { CrmSymbol, Reference, SymbolKind, WorkspaceCheck } from "../workspace.js";
import type { CheckResult } from "./check.js";
import { maxScoreOf, type MaxScore } from "./analyses/unreachableStages.js";
import { GROUP_OF } from "../binder/bind.js";
import type * as A from "../syntax/ast.js";
import type { Range } from "../text/positions.js";

/** A name in the source: the symbol it stands for, where it is written, and whether it is the declaration itself. */
export interface Occurrence {
  symbol: CrmSymbol;
  range: Range;
  declaration: boolean;
}

/** The name under the cursor at `offset` in `uri` (a resolved use or a declared name), if any. */
export function occurrenceAt(check: WorkspaceCheck, uri: string, offset: number): Occurrence | undefined {
  const idx = indexOf(check);
  const refs = idx.refsByUri.get(uri);
  if (refs) {
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
  for (const s of idx.declsByUri.get(uri) ?? []) if (s.range.start.offset <= offset && offset <= s.range.end.offset) return { symbol: s, range: s.range, declaration: true };
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
  const idx = indexOf(check);
  if (kinds.length === 1) return idx.byKind.get(kinds[0]!) ?? [];
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
    if (res.binding)
      for (const m of res.binding.members.values()) {
        const first = m.get(sym.name);
        if (first && (first.id === sym.id || (first.uri === sym.uri && first.container === sym.container && first.kind === sym.kind))) return m.get(newName);
      }
    for (const s of check.symbols.values()) if (s.name === newName && s.kind === sym.kind && s.uri === sym.uri && s.container === sym.container) return s;
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

/** Every use of a symbol (declarations excluded; add `symbol.range` for rename). */
export function referencesTo(check: WorkspaceCheck, symbolId: string): Reference[] {
  return indexOf(check).refsBySymbol.get(symbolId) ?? [];
}

/** Every resolved name use in a file, sorted by position (what semantic tokens and document highlights walk). */
export function referencesIn(check: WorkspaceCheck, uri: string): Reference[] {
  return indexOf(check).refsByUri.get(uri) ?? [];
}

/** Every declaration in a file (top-level and members), in no particular order. */
export function declarationsIn(check: WorkspaceCheck, uri: string): CrmSymbol[] {
  return indexOf(check).declsByUri.get(uri) ?? [];
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
  return res.maxScores?.get(sym.id) ?? maxScoreOf(sym.node as A.ScoreDecl);
}

interface Index {
  refsByUri: Map<string, Reference[]>;
  refsBySymbol: Map<string, Reference[]>;
  declsByUri: Map<string, CrmSymbol[]>;
  byKind: Map<SymbolKind, CrmSymbol[]>;
}

const indexes = new WeakMap<WorkspaceCheck, Index>();

function indexOf(check: WorkspaceCheck): Index {
  let idx = indexes.get(check);
  if (idx) return idx;
  idx = { refsByUri: new Map(), refsBySymbol: new Map(), declsByUri: new Map(), byKind: new Map() };
  // A use may be recorded more than once (an expression typed twice); each is kept once.
  const seen = new Set<string>();
  for (const r of check.references) {
    const key = `${r.uri}#${r.range.start.offset}#${r.range.end.offset}#${r.symbolId}`;
    if (seen.has(key)) continue;
    seen.add(key);
    push(idx.refsByUri, r.uri, r);
    push(idx.refsBySymbol, r.symbolId, r);
  }
  for (const list of idx.refsByUri.values()) list.sort((a, b) => a.range.start.offset - b.range.start.offset);
  for (const s of check.symbols.values()) {
    if (!s.builtin) push(idx.declsByUri, s.uri, s);
    push(idx.byKind, s.kind, s);
  }
  indexes.set(check, idx);
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
