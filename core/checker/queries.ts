/** Queries the language server and CLI ask of a finished check. */
import type { CrmSymbol, Reference, WorkspaceCheck } from "../workspace.js";
import type { CheckResult } from "./check.js";
import { maxScoreOf, type MaxScore } from "./analyses/unreachableStages.js";
import type * as A from "../syntax/ast.js";

/** The symbol declared or referenced at `offset` in `uri` (the name under the cursor), if any. */
export function symbolAt(check: WorkspaceCheck, uri: string, offset: number): CrmSymbol | undefined {
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
    if (found) return check.symbols.get(found.symbolId);
  }
  for (const s of idx.declsByUri.get(uri) ?? []) if (s.range.start.offset <= offset && offset <= s.range.end.offset) return s;
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
}

const indexes = new WeakMap<WorkspaceCheck, Index>();

function indexOf(check: WorkspaceCheck): Index {
  let idx = indexes.get(check);
  if (idx) return idx;
  idx = { refsByUri: new Map(), refsBySymbol: new Map(), declsByUri: new Map() };
  for (const r of check.references) {
    push(idx.refsByUri, r.uri, r);
    push(idx.refsBySymbol, r.symbolId, r);
  }
  for (const list of idx.refsByUri.values()) list.sort((a, b) => a.range.start.offset - b.range.start.offset);
  for (const s of check.symbols.values()) if (!s.builtin) push(idx.declsByUri, s.uri, s);
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
