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
 */
import type { CrmSymbol, Reference, WorkspaceCheck, WorkspaceInput } from "../workspace.js";
import { compareDiagnostics, type Diagnostic } from "../diagnostics/diagnostic.js";
import { limitCascade } from "../diagnostics/cascade.js";
import { bind, type Binding } from "../binder/bind.js";
import type { ParseResult } from "../syntax/parse.js";
import { Checker } from "./checker.js";
import { checkFile } from "./declarations.js";
import { mayBeUnused, unusedDeclarations } from "./unused.js";
import { fileStructure, workspaceStructure } from "./structure.js";
import { fileAnalyses } from "./analyses/index.js";
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
      units.set(uri, checkUnit(b, uri));
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
function checkUnit(b: Binding, uri: string): UnitResult {
  return guarded("check", uri, () => checkUnitUnguarded(b, uri), (e) => ({
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

function checkUnitUnguarded(b: Binding, uri: string): UnitResult {
  const pr = b.files.get(uri)!;
  const c = new Checker(b, uri);
  checkFile(c, uri, pr.file);
  const diagnostics = [...c.diagnostics, ...fileStructure(b, uri), ...fileAnalyses(b, uri)].filter((d) => d.uri === uri);
  // Sorted by position; a use recorded twice (an expression typed twice, e.g. to learn its type first) is kept once.
  const sorted = c.refs.slice().sort((x, y) => x.range.start.offset - y.range.start.offset || x.range.end.offset - y.range.end.offset || (x.symbolId < y.symbolId ? -1 : x.symbolId > y.symbolId ? 1 : 0));
  const references = sorted.filter((r, i) => {
    const p = sorted[i - 1];
    return !p || p.range.start.offset !== r.range.start.offset || p.range.end.offset !== r.range.end.offset || p.symbolId !== r.symbolId;
  });
  const used = [...c.used];
  return { seen: seenBy(b, uri), diagnostics, references, used };
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
