/**
 * Bulk replay for `simulate --events` and `diff --events`: an event log
 * (docs/event-log.md) streamed through the rules, with progress on stderr.
 */
import { createReadStream, statSync, type ReadStream } from "node:fs";
import * as path from "node:path";
import type { Readable, Writable } from "node:stream";
import { Presets, SingleBar } from "cli-progress";
import type { WorkspaceCheck, SourceFile } from "../core/workspace.js";
import { groupLeadChunks, LeadReplayError, readLineChunks, replayLeadRun, replayLog, type BulkSummary, type DataProblem, type LeadRun, type LineError, type NumberedLine, type RulesSpec, type ReplayLogResult, type ReplayLogOptions } from "../runtime/bulk/index.js";
import { DuckDBUnavailable, isJsonLinesLog, isMapping, dataSource, SourceError } from "../runtime/data/index.js";
import type { RowSource } from "../runtime/bulk/protocol.js";
import type { Schema } from "../core/data/coerce.js";
import { validateRecord } from "../core/data/validate.js";
import type { LogRecord } from "../core/engine/bulk/records.js";
import type { CompiledRules } from "../core/engine/index.js";
import { UsageError } from "./exit.js";
import { escapeControls } from "./output/safe.js";
import type { LeadOutcome } from "../core/engine/bulk/replay.js";
import { replayShared, routesToTeams, shareTeams, type SharedRun } from "../core/engine/bulk/sharedReplay.js";
import { displayPath, ioMessage, toPosix } from "./files.js";
import { plural } from "../core/text/words.js";

export interface LogInput {
  /** The name to use in messages. */
  name: string;
  /** A JSON Lines log (or `chunks`). */
  stream?: Readable;
  /** The JSON Lines log's file (not standard input): bulk-replay workers read their own parts of it. */
  file?: string;
  /** A source in the log's own shape read through DuckDB: bulk-replay workers read their own rows of it. */
  source?: RowSource;
  /** Records a data source gives (runtime/data: Parquet, CSV, JSON, DuckDB, SQL), numbered by row. */
  chunks?: (schema?: Schema) => AsyncGenerator<NumberedLine[]>;
  /** Bytes of the file (undefined for standard input and data sources). */
  size?: number;
}

/** The numbered record lines of an input, whichever kind it is. */
export function chunksOf(input: LogInput, schema?: Schema): AsyncIterable<NumberedLine[]> {
  return input.chunks ? input.chunks(schema) : readLineChunks(input.stream!);
}

/** A source's problems (a missing file, no DuckDB, a missing column) are usage errors (exit code 2). */
async function* usageErrors<T>(it: AsyncIterable<T>): AsyncGenerator<T> {
  try {
    yield* it;
  } catch (e) {
    if (e instanceof SourceError || e instanceof DuckDBUnavailable) throw new UsageError(e.message);
    throw e;
  }
}

/**
 * `--events ARG`: a JSON Lines log (`-` is standard input) read by the JSON Lines reader, or any
 * other data source (docs/data.md) read through DuckDB.
 */
export function openLog(arg: string, cwd: string): LogInput {
  if (arg === "-") return { name: "standard input", stream: process.stdin };
  if (!isJsonLinesLog(arg)) {
    let source;
    try {
      source = dataSource(arg, cwd);
    } catch (e) {
      if (e instanceof SourceError) throw new UsageError(e.message);
      throw e;
    }
    return { name: source.name, chunks: (schema) => usageErrors(source.chunks(schema)) as AsyncGenerator<NumberedLine[]>, ...(isMapping(arg) ? {} : { source: { arg, cwd, name: source.name } }) };
  }
  const file = path.resolve(cwd, arg);
  let size: number;
  try {
    const st = statSync(file);
    if (st.isDirectory()) throw new UsageError(`${arg} is a folder, not an event log`);
    size = st.size;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`${arg} ${ioMessage(e)}`);
  }
  // The stream is opened only when read (on workers, each reads its own parts of the file).
  let stream: ReadStream | undefined;
  return {
    name: displayPath(file, cwd),
    file,
    get stream() {
      return (stream ??= createReadStream(file));
    },
    size,
  };
}


/** The file whose visible declarations a log is replayed through: `--from`, else the file that sees the most files. */
export function rulesFile(check: WorkspaceCheck, from: string | undefined, cwd: string): string {
  if (from) {
    const uri = toPosix(path.resolve(cwd, from));
    if (!check.files.has(uri)) throw new UsageError(`\`--from ${from}\` is not a .crmrules file of the workspace`);
    return uri;
  }
  let best: string | undefined;
  let most = -1;
  for (const uri of [...check.files.keys()].sort()) {
    const n = check.visibleFiles(uri).length;
    if (n > most) {
      most = n;
      best = uri;
    }
  }
  if (!best) throw new UsageError("the workspace has no .crmrules files to replay the log through");
  return best;
}

/** Malformed lines and data problems shown in full on standard error; the rest are counted. */
export const MAX_SHOWN_ERRORS = 20;

/** Reports malformed lines on stderr (the first 20 in full), returning a function that prints the remainder count. */
export function lineErrorReporter(name: string): { onError: (e: LineError) => void; finish: (total?: number) => number } {
  let count = 0;
  return {
    onError(e) {
      count++;
      if (count <= MAX_SHOWN_ERRORS) process.stderr.write(`crmrules: ${escapeControls(e.where ?? `${name}:${e.line}`)} ${escapeControls(e.reason)}; ${e.where ? "record" : "line"} skipped\n`);
    },
    // `total`: the count when only the first errors were passed (a merge of shard parts).
    finish(total = count) {
      if (total > MAX_SHOWN_ERRORS) process.stderr.write(`crmrules: ${name}: ${total - MAX_SHOWN_ERRORS} more malformed lines skipped (${total} in all)\n`);
      return total;
    },
  };
}

/** How a data problem's value is shown: JSON, cut at 60 characters. */
function shownValue(v: unknown): string {
  const s = v === undefined ? "" : JSON.stringify(v);
  return s.length > 60 ? s.slice(0, 57) + "…" : s;
}

/** `events.jsonl:12 fields.country`, `contacts.csv row 4 Country/Region`. */
export function problemPlace(name: string, p: { line: number; where?: string; column: string }): string {
  return `${p.where ?? `${name}:${p.line}`} ${p.column}`;
}

/**
 * Reports the schema check's problems on stderr (the first 20 in full, then a count) and counts
 * them per kind, for the summary.
 */
export function problemReporter(name: string): { onProblem: (p: DataProblem) => void; finish: (total?: number) => { count: number; perKind: Record<string, number> } } {
  let count = 0;
  const perKind: Record<string, number> = {};
  return {
    onProblem(p) {
      count++;
      perKind[p.kind] = (perKind[p.kind] ?? 0) + 1;
      if (count <= MAX_SHOWN_ERRORS) process.stderr.write(`crmrules: ${escapeControls(problemPlace(name, p))}: ${escapeControls(p.reason)} [${p.kind}]\n`);
    },
    // `total`: the count when only the first problems were passed (a merge of shard parts).
    finish(total = count) {
      if (total > MAX_SHOWN_ERRORS) process.stderr.write(`crmrules: ${name}: ${total - MAX_SHOWN_ERRORS} more problems with the data (${total} in all; \`crmrules validate\` lists them)\n`);
      return { count, perKind: Object.fromEntries(Object.entries(perKind).sort(([a], [b]) => (a < b ? -1 : 1))) };
    },
  };
}

/** A progress bar on a terminal (by bytes read), plain lines at most once a second otherwise. */
export function progressReporter(input: LogInput): { update: (p: { lines: number; leads: number; errors: number; bytes?: number }) => void; stop: () => void } {
  const tty = Boolean(process.stderr.isTTY) && input.size !== undefined && !process.env.CI;
  if (tty) {
    const bar = new SingleBar(
      { format: "replaying {bar} {percentage}% | {lines} lines | {leads} leads | {errors} malformed", stream: process.stderr, hideCursor: true, clearOnComplete: true },
      Presets.shades_classic,
    );
    bar.start(Math.max(1, input.size!), 0, { lines: 0, leads: 0, errors: 0 });
    return {
      update: (p) => bar.update(Math.min(input.size!, p.bytes ?? (input.file !== undefined ? 0 : ((input.stream as ReadStream).bytesRead ?? 0))), p),
      stop: () => {
        bar.update(input.size!);
        bar.stop();
      },
    };
  }
  let last = Date.now();
  return {
    update: (p) => {
      const now = Date.now();
      if (now - last < 1000) return;
      last = now;
      process.stderr.write(`progress: ${p.lines} lines, ${p.leads} leads, ${p.errors} malformed\n`);
    },
    stop: () => undefined,
  };
}

/** Where a replay's outcomes go (cli/outcomeOutput.ts): JSON lines on `stream`, or `onOutcome` per lead; only a complete output is committed. */
export interface OutcomesOut {
  stream?: Writable;
  onOutcome?: (o: LeadOutcome) => void;
  commit(): Promise<void>;
  abort(): void;
  failed(): Error | undefined;
}

export async function replay(spec: RulesSpec, input: LogInput, opts: { workers?: number; seed?: number; out?: OutcomesOut; workerScript?: string; schema?: Schema; keepLead?: (lead: string) => boolean; leadlessErrors?: boolean; onOutcome?: (o: LeadOutcome, firstLine?: number) => Promise<void>; onSharedRun?: ReplayLogOptions["onSharedRun"]; onProblem?: (p: DataProblem) => void }): Promise<ReplayLogResult & { malformed: number; problems: { count: number; perKind: Record<string, number> } }> {
  const errors = lineErrorReporter(input.name);
  const problems = problemReporter(input.name);
  const progress = progressReporter(input);
  let result: ReplayLogResult;
  try {
    // A JSON Lines file is handed over by name: on workers, each reads, checks and replays its own parts.
    // A DuckDB source in the log's shape is handed over too: on workers, each reads its own rows.
    const onProblem = opts.onProblem ? (p: DataProblem) => (problems.onProblem(p), opts.onProblem!(p)) : problems.onProblem;
    const onOutcome = opts.onOutcome ?? opts.out?.onOutcome;
    result = await replayLog({ rules: spec, ...(input.file !== undefined ? { file: input.file } : { chunks: chunksOf(input, opts.schema), source: input.source }), workers: opts.workers, seed: opts.seed, outcomes: opts.out?.stream, ...(onOutcome ? { onOutcome } : {}), onError: errors.onError, onProblem, onProgress: progress.update, workerScript: opts.workerScript, keepLead: opts.keepLead, leadlessErrors: opts.leadlessErrors, ...(opts.onSharedRun ? { onSharedRun: opts.onSharedRun } : {}) });
  } catch (e) {
    const failed = opts.out?.failed();
    opts.out?.abort();
    if (!failed && (e instanceof SourceError || e instanceof DuckDBUnavailable)) throw new UsageError(e.message);
    // A lead whose replay failed (a bug): named with its place in the source.
    if (!failed && e instanceof LeadReplayError) throw new UsageError(`${input.name}:${e.firstLine}: ${e.message}; this is a bug in crmrules, not in the data: please report it with this lead's records`);
    throw failed ?? e;
  } finally {
    progress.stop();
  }
  // Only a complete file reaches the target path (a write error is a UsageError: exit code 2).
  if (opts.out) await opts.out.commit();
  return { ...result, malformed: errors.finish(), problems: problems.finish() };
}

/** What `simulate --events` reports at the end (and `merge`, from the parts): one definition of its shape. */
export interface BulkReport {
  rules: string;
  rulesGiven: boolean;
  internalActions: string[];
  lines: number;
  malformedLines: number;
  dataProblems: { count: number; perKind: Record<string, number> };
  summary: BulkSummary;
  errors: LineError[];
}

/** The report as text (`renderSummaryText`) or as the JSON document of `--format json`. */
export function bulkReportText(r: BulkReport, format: "text" | "json"): string {
  if (format === "json") return JSON.stringify({ rules: r.rules, rulesGiven: r.rulesGiven, internalActions: r.internalActions, lines: r.lines, malformedLines: r.malformedLines, dataProblems: r.dataProblems, summary: r.summary, errors: r.errors }, null, 2) + "\n";
  return renderSummaryText(r.summary, r.lines, r.malformedLines, { file: r.rules, given: r.rulesGiven }, new Set(r.internalActions), r.dataProblems);
}

/** Which rules a log went through, for the summary: the file and how it was chosen. */
export interface RulesChoice {
  /** The file, as displayed. */
  file: string;
  /** True when `--from` named it; false when it was picked as the file that sees the most. */
  given: boolean;
}

/**
 * The text summary of a bulk replay. `internal` names the internal actions (tasks, alerts), which
 * are listed apart from the contact actions that reach the person.
 */
export function renderSummaryText(s: BulkSummary, lines: number, malformed: number, rules?: RulesChoice, internal: ReadonlySet<string> = new Set(), problems?: { count: number; perKind: Record<string, number> }): string {
  const out: string[] = [`replayed ${plural(s.leads, "lead")} (${s.records} records from ${lines} lines${malformed ? `, ${malformed} malformed lines skipped` : ""})`];
  if (problems?.count) out.push(`${plural(problems.count, "problem")} with the data (invalid values and records are not used): ${Object.entries(problems.perKind).map(([k, v]) => `${v} ${k}`).join(", ")} (\`crmrules validate\` lists them)`);
  if (rules) out.push(`rules: ${rules.file} and the files it imports${rules.given ? " (--from)" : " (the file that sees the most files; --from picks another)"}`);
  const pick = (m: Record<string, number>, keep: (k: string) => boolean) => Object.fromEntries(Object.entries(m).filter(([k]) => keep(k)));
  const section = (title: string, m: Record<string, number>) => {
    const entries = Object.entries(m).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    if (!entries.length) return;
    out.push("", title);
    const w = Math.max(...entries.map(([, v]) => String(v).length));
    for (const [k, v] of entries) out.push(`  ${String(v).padStart(w)}  ${k}${s.leads && title.startsWith("leads") ? `  (${((v / s.leads) * 100).toFixed(1)}%)` : ""}`);
  };
  section("leads per stage", s.perStage);
  section("leads per assignment", s.perAssignment);
  section("contact actions sent", pick(s.sentPerAction, (k) => !internal.has(k)));
  section("internal actions done", pick(s.sentPerAction, (k) => internal.has(k)));
  section("contact actions blocked, per action", s.blockedPerAction);
  section("contact actions blocked, per consent clause", s.blockedPerClause);
  // Round-robin load (teams shared across leads): per member and per team, the total with the busiest day.
  const perDay = (title: string, m: Record<string, Record<string, number>> | undefined) => {
    const entries = Object.entries(m ?? {}).map(([k, days]) => {
      const ds = Object.entries(days);
      const busiest = ds.reduce((x, y) => (y[1] > x[1] ? y : x), ds[0]!);
      return { k, total: ds.reduce((a, [, v]) => a + v, 0), busiest, days: ds.length };
    });
    if (!entries.length) return;
    entries.sort((a, b) => b.total - a.total || (a.k < b.k ? -1 : 1));
    out.push("", title);
    const w = Math.max(...entries.map((e) => String(e.total).length));
    for (const e of entries) out.push(`  ${String(e.total).padStart(w)}  ${e.k}  (${plural(e.days, "day")}; most in a day: ${e.busiest[1]}, ${e.busiest[0]})`);
  };
  perDay("team assignments per member", s.perMemberDay);
  perDay("cap overflows per team (every member at the cap)", s.capOverflows);
  if (s.leadsWithProblems) out.push("", `${plural(s.leadsWithProblems, "lead")} had records out of order (see the per-lead output, --out)`);
  return out.join("\n") + "\n";
}

/** Problems counted, per kind. */
export interface ProblemCount {
  count: number;
  perKind: Record<string, number>;
}

/** One side of a two-version replay: the compiled rules (from a check the caller keeps, for the causes). */
export interface ReplaySide {
  rules: CompiledRules;
}

/** One lead under two versions of the rules. `retrace` replays it again on both with the trace on (for the causes of what changed). */
export interface LeadPair {
  lead: string;
  before: LeadRun;
  after: LeadRun;
  retrace: () => { before: LeadRun; after: LeadRun };
}

/** Replays a log through two rule sets in this thread, lead by lead, handing each lead's two runs to `onLead`. */
/** The teams' seed of a two-version replay (bulk replay's default). */
const SEED = 0;

export async function replayBoth(base: ReplaySide, head: ReplaySide, input: LogInput, onLead: (p: LeadPair) => void): Promise<{ leads: number; lines: number; malformed: number; problems: ProblemCount; oldSchema: ProblemCount }> {
  const errors = lineErrorReporter(input.name);
  // Records are checked against the new version's schema (the one the change puts in place).
  const problems = problemReporter(input.name);
  const progress = progressReporter(input);
  // The old version replays only what its own schema accepts too: a value the change makes valid (a new field, enum value or event) is never used by the old rules.
  const oldSchema: ProblemCount = { count: 0, perKind: {} };
  const forBase = (records: LogRecord[]): LogRecord[] => {
    const out: LogRecord[] = [];
    for (const r of records) {
      const c = validateRecord(base.rules, r);
      for (const p of c.problems) {
        oldSchema.count++;
        oldSchema.perKind[p.kind] = (oldSchema.perKind[p.kind] ?? 0) + 1;
      }
      if (c.record) out.push(c.record);
    }
    return out;
  };
  let leads = 0;
  let lines = 0;
  // With teams in the rules, the leads share them (docs/language.md §8 "Teams across leads"): every lead is
  // replayed first with provisional team answers under both versions, the team passes settle each version's
  // answers at the end of the log, then each lead is replayed again with its settled answers, which is its
  // true replay; the log's records are kept in memory until then.
  const shared = routesToTeams(base.rules) || routesToTeams(head.rules);
  const kept: { lead: string; old: LogRecord[]; records: LogRecord[] }[] = [];
  const firstBase: SharedRun[] = [];
  const firstHead: SharedRun[] = [];
  try {
    for await (const gs of groupLeadChunks(chunksOf(input, head.rules), { schema: head.rules, onProblem: problems.onProblem, onError: errors.onError, onLine: (n) => (lines = n) })) for (const g of gs) {
      const old = forBase(g.records);
      leads++;
      if (shared) {
        kept.push({ lead: g.lead, old, records: g.records });
        firstBase.push(replayShared(base.rules, g.lead, old, SEED));
        firstHead.push(replayShared(head.rules, g.lead, g.records, SEED));
      } else {
        const before = replayLeadRun(base.rules, g.lead, old);
        const after = replayLeadRun(head.rules, g.lead, g.records);
        onLead({ lead: g.lead, before, after, retrace: () => ({ before: replayLeadRun(base.rules, g.lead, old, { trace: true }), after: replayLeadRun(head.rules, g.lead, g.records, { trace: true }) }) });
      }
      if (leads % 1000 === 0) progress.update({ lines, leads, errors: 0 });
    }
    if (shared) {
      const b = shareTeams(base.rules.teams, SEED, firstBase, (i, script) => replayShared(base.rules, kept[i]!.lead, kept[i]!.old, SEED, script));
      const h = shareTeams(head.rules.teams, SEED, firstHead, (i, script) => replayShared(head.rules, kept[i]!.lead, kept[i]!.records, SEED, script));
      firstBase.length = 0;
      firstHead.length = 0;
      kept.forEach(({ lead, old, records }, i) => {
        const sb = b.script(i);
        const sh = h.script(i);
        const before = replayShared(base.rules, lead, old, SEED, sb);
        const after = replayShared(head.rules, lead, records, SEED, sh);
        onLead({ lead, before, after, retrace: () => ({ before: replayShared(base.rules, lead, old, SEED, sb, true), after: replayShared(head.rules, lead, records, SEED, sh, true) }) });
      });
    }
  } finally {
    progress.stop();
  }
  oldSchema.perKind = Object.fromEntries(Object.entries(oldSchema.perKind).sort(([a], [b]) => (a < b ? -1 : 1)));
  return { leads, lines, malformed: errors.finish(), problems: problems.finish(), oldSchema };
}

export type { RulesSpec, SourceFile };
