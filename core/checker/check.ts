/**
 * `checkWorkspace`: parse → bind → resolve and type → analyses, producing the
 * `WorkspaceCheck` contract of core/workspace.ts. Pure: no IO, no clock.
 *
 * Incremental by construction. Each file is checked as a *unit*: its name
 * uses, types, structure and analyses, against the declarations it sees (its
 * own and those of the files it imports, transitively). A unit's result is a
 * function of the texts of exactly those files, so a later check reuses it
 * while every one of them is the same parse result (`previous`): after an
 * edit, only the edited file and the files that import it are checked again.
 * What depends on the workspace as a whole (imports, duplicate names across
 * files, unused declarations, one lead per view, circular sets) is cheap and
 * recomputed every time. A check with `previous` gives exactly what a fresh
 * check gives (test/checker/incremental.test.ts).
 *
 * Within a file, each top-level declaration is checked on its own (`DeclResult`):
 * its types, names, structure and analyses depend on its own text and on the
 * names it looks up (the binding records them, `Binding.recorder`), and on
 * nothing else. So when only the file itself changed and its new parse keeps
 * the untouched declarations as the same nodes (the editor's incremental
 * reparse, core/syntax/incremental.ts, which moves them in place), a
 * declaration whose node is kept, and none of whose names is declared by a
 * changed declaration, keeps its result, its positions moved by the edit:
 * a one-line edit of a 1 MB file checks one declaration and its dependents
 * (test/checker/incrementalDecls.test.ts: random edits, incremental == fresh).
 */
import type { CrmSymbol, Reference, WorkspaceCheck, WorkspaceInput } from "../workspace.js";
import { compareDiagnostics, type Diagnostic } from "../diagnostics/diagnostic.js";
import { limitCascade } from "../diagnostics/cascade.js";
import { bind, type Binding } from "../binder/bind.js";
import type { ParseResult } from "../syntax/parse.js";
import { Checker } from "./checker.js";
import { checkFile } from "./declarations.js";
import { mayBeUnused, unusedDeclarations } from "./unused.js";
import { declStructure, fileWideStructure, workspaceStructure } from "./structure.js";
import type * as A from "../syntax/ast.js";
import type { Position } from "../text/positions.js";
import { analysesOf } from "./analyses/index.js";
import { maxOfScore, type MaxScore } from "../binder/scoreMaximum.js";
import { guarded, internalErrorDiagnostic } from "../diagnostics/internalError.js";

/** One file checked against what it sees. */
export interface UnitResult {
  /** The parse result of every file the unit saw (itself included), by uri: the unit stays valid while all of them are unchanged. */
  readonly seen: ReadonlyMap<string, ParseResult>;
  /** Types, structure and analyses of the file (not its syntax errors, not workspace-wide findings). */
  readonly diagnostics: readonly Diagnostic[];
  /** Resolved name uses in the file, sorted by position, each once. */
  readonly references: readonly Reference[];
  /** The distinct ids of the declarations the file refers to that are reported when unused. */
  readonly used: readonly string[];
  /** @internal each top-level declaration's part, in file order (absent after an internal error). */
  readonly decls?: readonly DeclResult[];
}

/**
 * One top-level declaration's part of its file's result: what its check
 * reported and used, the names it read, and where it was when checked.
 * @internal
 */
export interface DeclResult {
  readonly decl: A.Decl;
  /** Start and end offsets and start line of the declaration when it was checked (the tree moves under later edits). */
  readonly start: number;
  readonly end: number;
  readonly line: number;
  /** The names its check looked up (`group name`) and the groups it listed (`group *`). */
  readonly deps: ReadonlySet<string>;
  /** Its diagnostics, with positions of their own (copied: the tree's positions move in place). */
  readonly diagnostics: readonly Diagnostic[];
  /** Offsets in the file, outside the declaration, that its diagnostics point at (a fix or a related place elsewhere). */
  readonly outside: readonly number[];
  /** A message names a line or column (`the clause on line 12`): the result cannot be moved to other lines. */
  readonly namesLines: boolean;
  /** Its references: ranges are the tree's own (they move with it); ids as when checked, to be moved by `shifts` (both replaced once the ids are moved). */
  refs: readonly Reference[];
  shifts: readonly Shift[];
  /** Ids it uses that are reported when unused (current). */
  readonly used: readonly string[];
}

/** Positions at or after `from` (an offset of the file) moved by `by` offsets and `lines` lines. */
interface Shift {
  readonly from: number;
  readonly by: number;
  readonly lines: number;
}

/** The full result, with the internal model the queries and analyses use. */
export interface CheckResult extends WorkspaceCheck {
  /** @internal binder state (symbol tables, visibility). */
  readonly binding: Binding;
  /** @internal each file's own result, reused by the next check while the files it saw are unchanged. */
  readonly units: ReadonlyMap<string, UnitResult>;
  /** The most each score can ever hold, by score symbol id (see `maxPossibleScore`). */
  readonly maxScores: ReadonlyMap<string, MaxScore>;
  /** The diagnostics of one file, sorted (what an editor publishes for it). */
  diagnosticsOf(uri: string): Diagnostic[];
  /** Files checked afresh by this check (the others reused the previous check's results); sorted. */
  readonly rechecked: readonly string[];
}

export interface CheckOptions {
  /** A previous check of the same workspace: unchanged files reuse its parse results, and files whose view is unchanged reuse their whole result (editors re-check on every keystroke). */
  previous?: WorkspaceCheck;
  /**
   * Keep each top-level declaration's result (`DeclResult`: the names it read, its diagnostics
   * copied) so that the next check, after an incremental reparse, checks again only the declarations
   * an edit touches and those that read a name they declare. Costs a full check about a tenth more:
   * for editors (the language server), not for one-off checks.
   */
  keepDeclarations?: boolean;
}

export function checkWorkspace(input: WorkspaceInput, options: CheckOptions = {}): CheckResult {
  const previous = options.previous as Partial<CheckResult> | undefined;
  const b = bind(input, previous && { files: previous.files!, ...(previous.binding ? { binding: previous.binding } : {}) });
  const reuse = previous?.units && previous.root === b.root ? previous.units : undefined;
  const units = new Map<string, UnitResult>();
  const rechecked: string[] = [];
  for (const uri of [...b.files.keys()].sort()) {
    const old = reuse?.get(uri);
    if (old && sameView(b, uri, old.seen)) units.set(uri, old);
    else {
      units.set(uri, checkUnit(b, uri, old, options.keepDeclarations === true));
      rechecked.push(uri);
    }
  }
  const uses = useCounts(previous instanceof Check && reuse ? previous : undefined, units);
  // The rules across files are guarded one by one; a failure is reported on the first file (there is no better place).
  const first = [...b.files.keys()].sort()[0] ?? b.root;
  const across = (step: () => Diagnostic[]): Diagnostic[] => guarded("workspace", first, step, (e) => [internalErrorDiagnostic(first, "workspace", e)]);
  const workspaceWide: Diagnostic[] = [...b.diagnostics, ...across(() => unusedDeclarations(b, uses)), ...across(() => workspaceStructure(b))];
  return new Check(b, units, workspaceWide, rechecked, uses);
}

/**
 * How many files use each declaration that may be unused. After an edit the
 * previous check's counts are taken over and corrected by the units that
 * changed (a check hands its counts on once; a second check from the same
 * previous one counts afresh).
 */
function useCounts(previous: Check | undefined, units: ReadonlyMap<string, UnitResult>): Map<string, number> {
  const add = (counts: Map<string, number>, u: UnitResult, by: 1 | -1) => {
    for (const id of u.used) {
      const n = (counts.get(id) ?? 0) + by;
      if (n > 0) counts.set(id, n);
      else counts.delete(id);
    }
  };
  const taken = previous?.takeUseCounts();
  if (!taken) {
    const counts = new Map<string, number>();
    for (const u of units.values()) add(counts, u, 1);
    return counts;
  }
  for (const [uri, old] of previous!.units) if (units.get(uri) !== old) add(taken, old, -1);
  for (const [uri, u] of units) if (previous!.units.get(uri) !== u) add(taken, u, 1);
  return taken;
}

/**
 * Checks one file: names and types, then structure and analyses. An internal
 * error (a bug, a stack overflow) is one CR9001 on the file, and the other
 * files are checked as usual (the guard per file, core/diagnostics/internalError.ts).
 */
function checkUnit(b: Binding, uri: string, old: UnitResult | undefined, keep: boolean): UnitResult {
  return guarded("check", uri, () => checkUnitUnguarded(b, uri, old, keep), (e) => ({
    seen: seenBy(b, uri),
    diagnostics: [internalErrorDiagnostic(uri, "check", e)],
    references: [],
    // What the file uses is unknown: count everything it sees as used, so its failure adds no "unused" warnings elsewhere.
    used: [...seenBy(b, uri).keys()].flatMap((v) => [...(b.decls.get(v)?.byId.values() ?? [])].filter((s) => mayBeUnused(s.kind)).map((s) => s.id)),
  }));
}

function seenBy(b: Binding, uri: string): Map<string, ParseResult> {
  const seen = new Map<string, ParseResult>();
  for (const v of b.visible.get(uri) ?? [uri]) seen.set(v, b.files.get(v)!);
  return seen;
}

function checkUnitUnguarded(b: Binding, uri: string, old: UnitResult | undefined, keep: boolean): UnitResult {
  const pr = b.files.get(uri)!;
  const c = new Checker(b, uri);
  const plan = keep && old?.decls ? reusePlan(b, uri, pr, old, old.decls) : undefined;
  const decls: DeclResult[] = [];
  const analyses = analysesOf(b, uri);
  // One `checkFile` for the whole file (its helpers made once), handed the declarations to check one
  // by one: each is started before it is handed over and finished when the next one is asked for.
  function* toCheck(): Generator<A.Decl> {
    for (const d of pr.file.decls) {
      const kept = plan?.(d);
      if (kept) {
        decls.push(kept);
        continue;
      }
      const deps = new Set<string>();
      b.recorder = keep ? deps : undefined;
      c.startDecl(d);
      try {
        yield d;
        decls.push(finishDecl(c, uri, d, keep, deps, [...declStructure(b, uri, [d]), ...analyses([d])]));
      } finally {
        b.recorder = undefined;
      }
    }
  }
  checkFile(c, uri, { decls: toCheck() });
  const fileWide = fileWideStructure(b, uri).filter((d) => d.uri === uri);
  return unitOf(uri, seenBy(b, uri), decls, fileWide, keep);
}

function unitOf(uri: string, seen: Map<string, ParseResult>, decls: DeclResult[], fileWide: Diagnostic[], keep: boolean): UnitResult {
  const diagnostics: Diagnostic[] = [];
  const used = new Set<string>();
  for (const r of decls) {
    for (const d of r.diagnostics) diagnostics.push(d);
    for (const id of r.used) used.add(id);
  }
  for (const d of fileWide) diagnostics.push(d);
  let references: Reference[] | undefined;
  return {
    seen,
    diagnostics,
    used: [...used],
    ...(keep ? { decls } : {}),
    // Built on first use: the editor's diagnostics need none of them.
    get references(): Reference[] {
      if (!references) {
        references = [];
        for (const r of decls) for (const ref of refsOf(r, uri)) references.push(ref);
      }
      return references;
    },
  };
}

/**
 * The result of one top-level declaration once its names and types are checked (`c`) and `extra`
 * holds its own structure and analyses; with `keep`, its diagnostics are copied (the tree's
 * positions move under later edits) for the next check to reuse, with the names it read (`deps`).
 */
function finishDecl(c: Checker, uri: string, d: A.Decl, keep: boolean, deps: Set<string>, extra: Diagnostic[]): DeclResult {
  const start = d.range.start.offset;
  const end = d.range.end.offset;
  const diagnostics: Diagnostic[] = [];
  const outside: number[] = [];
  const own = (p: Position): Position => {
    if (p.offset < start || p.offset > end) outside.push(p.offset);
    return { line: p.line, character: p.character, offset: p.offset };
  };
  for (const x of [...c.diagnostics, ...extra]) if (x.uri === uri) diagnostics.push(keep ? mapPositions(x, uri, own) : x);
  // Sorted by position; a use recorded twice (an expression typed twice, e.g. to learn its type first) is kept once.
  const sorted = c.refs.slice().sort((x, y) => x.range.start.offset - y.range.start.offset || x.range.end.offset - y.range.end.offset || (x.symbolId < y.symbolId ? -1 : x.symbolId > y.symbolId ? 1 : 0));
  const refs = sorted.filter((r, i) => {
    const p = sorted[i - 1];
    return !p || p.range.start.offset !== r.range.start.offset || p.range.end.offset !== r.range.end.offset || p.symbolId !== r.symbolId;
  });
  const namesLines = diagnostics.some((x) => /\b(line|column)s? \d/.test(x.message));
  return { decl: d, start, end, line: d.range.start.line, deps, diagnostics, outside, namesLines, refs, shifts: [], used: [...c.used] };
}

/** A copy of a diagnostic with every position in `uri` (its range, related places, fix edits) mapped by `f`. */
function mapPositions(d: Diagnostic, uri: string, f: (p: Position) => Position): Diagnostic {
  const range = (u: string, r: Diagnostic["range"]) => (u === uri ? { start: f(r.start), end: f(r.end) } : r);
  const out: Diagnostic = { ...d, range: range(d.uri, d.range) };
  if (d.related) out.related = d.related.map((x) => ({ ...x, range: range(x.uri, x.range) }));
  if (d.fixes) out.fixes = d.fixes.map((fx) => ({ ...fx, edits: fx.edits.map((e) => ({ ...e, range: range(e.uri, e.range) })) }));
  return out;
}

/** A symbol id (`uri#offset`) of the file `prefix` names, moved by `shift`. */
function shiftId(id: string, prefix: string, shift: Shift): string {
  if (!id.startsWith(prefix) || id.length === prefix.length || id.indexOf("#", prefix.length) >= 0) return id;
  const offset = Number(id.slice(prefix.length));
  return offset >= shift.from ? prefix + (offset + shift.by) : id;
}

/** A declaration's references with the ids moved by its pending shifts (the ranges moved with the tree); kept moved. */
function refsOf(r: DeclResult, uri: string): readonly Reference[] {
  if (!r.shifts.length) return r.refs;
  const prefix = `${uri}#`;
  const shifts = r.shifts;
  r.refs = r.refs.map((ref) => {
    let id = ref.symbolId;
    for (const sh of shifts) id = shiftId(id, prefix, sh);
    return id === ref.symbolId ? ref : { uri: ref.uri, range: ref.range, symbolId: id };
  });
  r.shifts = [];
  return r.refs;
}

/** Pending shifts of a declaration's references are applied once they are this many (edits without a request for references). */
const MAX_PENDING_SHIFTS = 8;

/**
 * How the previous check of a file's declarations can be reused, or undefined
 * when it cannot: every other file the file sees must be unchanged, and the new
 * parse must keep a prefix and a suffix of the declarations as the same nodes,
 * the suffix moved by one offset and line delta (what the incremental reparse
 * gives). The declarations in between are the changed ones; a kept
 * declaration is checked again when it reads a name one of them declares (or
 * declared), lists a group one of them has names in, points at a place among
 * them, or directly follows them (the text before it, e.g. its doc comment,
 * may have changed).
 */
function reusePlan(b: Binding, uri: string, pr: ParseResult, old: UnitResult, oldDecls: readonly DeclResult[]): ((d: A.Decl) => DeclResult | undefined) | undefined {
  const vis = b.visible.get(uri) ?? new Set([uri]);
  if (vis.size !== old.seen.size) return undefined;
  for (const v of vis) if (v !== uri && old.seen.get(v) !== b.files.get(v)) return undefined;
  if (!old.seen.has(uri)) return undefined;
  const now = pr.file.decls;
  const n = now.length;
  const m = oldDecls.length;
  let p = 0;
  while (p < n && p < m && now[p] === oldDecls[p]!.decl && now[p]!.range.start.offset === oldDecls[p]!.start && now[p]!.range.start.line === oldDecls[p]!.line) p++;
  let s = 0;
  let by = 0;
  let lines = 0;
  while (s < n - p && s < m - p) {
    const d = now[n - 1 - s]!;
    const r = oldDecls[m - 1 - s]!;
    if (d !== r.decl) break;
    const db = d.range.start.offset - r.start;
    const dl = d.range.start.line - r.line;
    if (s === 0) (by = db), (lines = dl);
    else if (db !== by || dl !== lines) break;
    s++;
  }
  if (p === 0 && s === 0) return undefined;
  const spanStart = p < m ? oldDecls[p]!.start : Infinity;
  const suffixStart = s > 0 ? oldDecls[m - s]!.start : Infinity;
  const changed = new Set<string>();
  for (let i = p; i < m - s; i++) declNames(oldDecls[i]!.decl, changed);
  for (let i = p; i < n - s; i++) declNames(now[i]!, changed);
  const reuse = new Map<A.Decl, { r: DeclResult; suffix: boolean }>();
  for (let i = 0; i < p; i++) reuse.set(oldDecls[i]!.decl, { r: oldDecls[i]!, suffix: false });
  // The first kept declaration after the changed ones is checked again (the text before it changed).
  for (let i = m - s + 1; i < m; i++) reuse.set(oldDecls[i]!.decl, { r: oldDecls[i]!, suffix: true });
  const shift: Shift = { from: suffixStart, by, lines };
  const prefix = `${uri}#`;
  const moveP = (q: Position): Position => (q.offset >= shift.from ? { line: q.line + shift.lines, character: q.character, offset: q.offset + shift.by } : q);
  return (d) => {
    const hit = reuse.get(d);
    if (!hit) return undefined;
    const { r, suffix } = hit;
    for (const k of r.deps) if (changed.has(k)) return undefined;
    for (const o of r.outside) if (o >= spanStart && o < suffixStart) return undefined;
    if (!suffix || (by === 0 && lines === 0)) return r;
    if (r.namesLines && lines !== 0) return undefined;
    if (r.shifts.length >= MAX_PENDING_SHIFTS) refsOf(r, uri);
    return {
      decl: r.decl,
      start: r.start + by,
      end: r.end + by,
      line: r.line + lines,
      deps: r.deps,
      diagnostics: r.diagnostics.map((x) => mapPositions(x, uri, moveP)),
      outside: r.outside.map((o) => (o >= shift.from ? o + by : o)),
      namesLines: r.namesLines,
      refs: r.refs,
      shifts: [...r.shifts, shift],
      used: r.used.map((id) => shiftId(id, prefix, shift)),
    };
  };
}

/** The names a top-level declaration declares, as `group name` and `group *` (what `Binding.recorder` records). */
function declNames(d: A.Decl, out: Set<string>): void {
  const add = (group: string, name: string | undefined) => {
    out.add(group + " *");
    if (name !== undefined) out.add(group + " " + name);
  };
  switch (d.kind) {
    case "Lead":
      for (const f of d.fields) add("field", f.name?.text);
      break;
    case "Event":
      add("event", d.name?.text);
      break;
    case "Set":
    case "Score":
    case "Grade":
      add("value", d.name?.text);
      break;
    case "Stage":
      add("stage", d.name?.text);
      break;
    case "Owner":
    case "Queue":
    case "Team":
      add("target", d.name?.text);
      break;
    case "Route":
      add("route", d.name?.text);
      break;
    case "Consent":
      add("consent", d.name?.text);
      break;
    case "Action":
      add("action", d.name?.text);
      break;
    case "Workflow":
      add("workflow", d.name?.text);
      break;
    case "Journey":
      add("journey", d.name?.value);
      break;
    case "Reenter":
      break;
  }
}

/** Whether a file sees exactly the same files, with the same texts, as when `seen` was recorded. */
function sameView(b: Binding, uri: string, seen: ReadonlyMap<string, ParseResult>): boolean {
  const vis = b.visible.get(uri) ?? new Set([uri]);
  if (vis.size !== seen.size) return false;
  for (const v of vis) if (seen.get(v) !== b.files.get(v)) return false;
  return true;
}

class Check implements CheckResult {
  readonly root: string;
  readonly files: Map<string, ParseResult>;
  readonly symbols: ReadonlyMap<string, CrmSymbol>;
  private readonly workspaceByUri = new Map<string, Diagnostic[]>();
  private readonly perFile = new Map<string, Diagnostic[]>();
  private readonly dependentsMemo = new Map<string, string[]>();
  private all: Diagnostic[] | undefined;
  private refs: Reference[] | undefined;
  private maxima: Map<string, MaxScore> | undefined;

  constructor(
    readonly binding: Binding,
    readonly units: ReadonlyMap<string, UnitResult>,
    workspaceWide: Diagnostic[],
    readonly rechecked: readonly string[],
    private useCountsToHandOn: Map<string, number> | undefined,
  ) {
    this.root = binding.root;
    this.files = binding.files;
    this.symbols = binding.symbols;
    for (const d of workspaceWide) {
      const l = this.workspaceByUri.get(d.uri);
      if (l) l.push(d);
      else this.workspaceByUri.set(d.uri, [d]);
    }
  }

  /** @internal the use counts, for the next check to correct; once. */
  takeUseCounts(): Map<string, number> | undefined {
    const c = this.useCountsToHandOn;
    this.useCountsToHandOn = undefined;
    return c;
  }

  diagnosticsOf(uri: string): Diagnostic[] {
    const hit = this.perFile.get(uri);
    if (hit) return hit;
    const out: Diagnostic[] = [];
    const pr = this.files.get(uri);
    if (pr) out.push(...pr.diagnostics);
    const decls = this.binding.decls.get(uri);
    if (decls) out.push(...decls.diagnostics);
    const unit = this.units.get(uri);
    if (unit) out.push(...unit.diagnostics);
    out.push(...(this.workspaceByUri.get(uri) ?? []));
    out.sort(compareDiagnostics);
    // After a syntax error: the first 20 and a count, without the findings that echo it.
    const limited = limitCascade(out);
    this.perFile.set(uri, limited);
    return limited;
  }

  /** Every diagnostic of every file, sorted (built on first use). */
  get diagnostics(): Diagnostic[] {
    if (this.all) return this.all;
    const uris = new Set<string>([...this.files.keys(), ...this.workspaceByUri.keys()]);
    const out: Diagnostic[] = [];
    for (const uri of [...uris].sort()) out.push(...this.diagnosticsOf(uri));
    return (this.all = out);
  }

  /** Every resolved name use, file by file in uri order, by position within a file (built on first use). */
  get references(): Reference[] {
    if (this.refs) return this.refs;
    const out: Reference[] = [];
    for (const uri of [...this.units.keys()].sort()) out.push(...this.units.get(uri)!.references);
    return (this.refs = out);
  }

  get maxScores(): ReadonlyMap<string, MaxScore> {
    if (this.maxima) return this.maxima;
    const m = new Map<string, MaxScore>();
    for (const s of this.symbols.values()) if (s.kind === "score" && !s.builtin) m.set(s.id, maxOfScore(s));
    return (this.maxima = m);
  }

  visibleFiles(uri: string): string[] {
    return [...(this.binding.visible.get(uri) ?? (this.files.has(uri) ? [uri] : []))].sort();
  }

  dependents(uri: string): string[] {
    const memo = this.dependentsMemo.get(uri);
    if (memo) return memo;
    const seen = new Set<string>([uri]);
    const queue = [uri];
    while (queue.length) for (const i of this.binding.importers.get(queue.pop()!) ?? []) if (!seen.has(i)) (seen.add(i), queue.push(i));
    const out = [...seen].filter((u) => this.files.has(u)).sort();
    this.dependentsMemo.set(uri, out);
    return out;
  }
}
