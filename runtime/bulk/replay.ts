/**
 * `replayLog`: streams a JSON Lines event log (docs/event-log.md) through the
 * rules, on worker threads or in this thread, with progress, per-lead outcomes
 * (in log order) and every malformed line reported with its number. When the
 * rules route to teams, the leads share them (`sharedLog.ts`): outcomes come
 * after the team passes, at the end of the log.
 */
import { once } from "node:events";
import { availableParallelism } from "node:os";
import type { Writable } from "node:stream";
import { createReadStream } from "node:fs";
import { replayLead, addOutcome, emptySummary, mergeSummaries, sortSummary, type BulkSummary, type LeadOutcome } from "../../core/engine/bulk/replay.js";
import { readLineChunks, type LineSource, type NumberedLine } from "./lines.js";
import { groupLeadChunks, type DataProblem, type LineError, type LeadRecords } from "./group.js";
import { compileSpec, type RulesSpec } from "./rules.js";
import { WorkerPool, type WorkerBatchResult } from "./pool.js";
import { replayFileParts, replayRowParts, type PartsSink } from "./partition.js";
import type { RowSource } from "./protocol.js";
import { nativeSource } from "../data/index.js";
import { SharedLog } from "./sharedLog.js";
import { mayReplayAgain, replayShared, routesToTeams, type SharedRun } from "../../core/engine/bulk/sharedReplay.js";
import type { LogRecord } from "../../core/engine/bulk/records.js";
import { guarded } from "../../core/diagnostics/internalError.js";
import type { CompiledRules } from "../../core/engine/compile.js";

export interface BulkProgress {
  lines: number;
  leads: number;
  errors: number;
  /** Bytes of a `file` replayed on workers, up to the last part taken (a stream's reader knows its own). */
  bytes?: number;
}

/** How a replay ran (for benchmarks and tests). */
export interface ReplayShape {
  /** `parts`: workers read their own parts of the file; `batches`: this thread read and sent lines; `thread`: no workers. */
  mode: "parts" | "batches" | "thread";
  /** Parts the file was cut into, and parts replayed again because a lead reappeared in a later part. */
  parts?: number;
  replayedAgain?: number;
  /** Bytes of the set of lead ids met (`LeadIds`), in this thread. */
  leadIdBytes?: number;
}

export interface ReplayLogOptions {
  rules: RulesSpec;
  /**
   * A JSON Lines log file. With workers, each worker reads, checks and replays its own parts of it
   * (runtime/bulk/partition.ts); in this thread it is read as `input` would be.
   */
  file?: string;
  /**
   * A data source in the log's own shape read through DuckDB (runtime/data `nativeSource`): with
   * workers, each opens DuckDB and reads, checks and replays its own rows; in this thread, give
   * its `chunks` too.
   */
  source?: RowSource;
  /** Parts of a `source` on workers (default: one per worker). */
  rowParts?: number;
  /** A JSON Lines log (standard input, lines in memory); or give `file` or `chunks`. */
  input?: LineSource;
  /** Record lines already numbered (a data source read through DuckDB, runtime/data), instead of `input`. */
  chunks?: AsyncIterable<NumberedLine[]>;
  /** Worker threads; 0 replays in this thread. Default: min(2, available cores). */
  workers?: number;
  seed?: number;
  /**
   * `shared` (default): every lead routed to a team shares its turns and caps, in time order
   * across leads (docs/language.md §8 "Teams across leads"). `per-lead`: each lead on its own, as
   * if it were the only one (seeded from its id), the replay before shared teams (benchmarks).
   */
  routing?: "shared" | "per-lead";
  /** Leads per batch sent to a worker (default 200), for `input` and `chunks`. */
  batchSize?: number;
  /** Bytes per part of a `file` replayed on workers (default: the file over 8 parts per worker, 256 KiB to 16 MiB). */
  partBytes?: number;
  maxRecordsPerLead?: number;
  /** Longer lines are reported and skipped (default 1 000 000 characters). */
  maxLineLength?: number;
  /**
   * Called for every lead, in log order, with the line (or row) of the lead's first record
   * (undefined only from a `file` or `source` on workers, where the outcome is read back from the
   * JSON text the worker wrote, the same text `outcomes` gets). Awaited when it returns a promise.
   */
  onOutcome?: (o: LeadOutcome, firstLine?: number) => unknown;
  /**
   * Replay only the leads it accepts (a shard of the log, cli/shard.ts). The others' lines are
   * scanned to keep the grouping exact, but not checked: their errors and data problems are
   * reported by the shard that keeps them (runtime/bulk/group.ts). A `file` or `source` is then
   * read by this thread (workers replay batches).
   */
  keepLead?: (lead: string) => boolean;
  /** With `keepLead`: report the lines whose lead cannot be read (default true; one shard of N does). */
  leadlessErrors?: boolean;
  /**
   * With teams shared: each lead's first replay (its provisional outcome and team requests, in log
   * order), with its records when the team passes may replay it again (else none), instead of
   * settling them here: a shard leaves the passes to `crmrules merge`. Awaited when it returns a
   * promise; `onOutcome` and `outcomes` get nothing then.
   */
  onSharedRun?: (run: SharedRun, records: LogRecord[] | string[], firstLine: number) => unknown;
  /** Per-lead outcomes as JSON Lines. */
  outcomes?: Writable;
  onError?: (e: LineError) => void;
  /**
   * Check every record against the rules' schema (docs/data.md, "Validation"): each problem goes
   * to `onProblem`, and invalid values are never replayed. Default: on.
   */
  validate?: boolean;
  onProblem?: (p: DataProblem) => void;
  onProgress?: (p: BulkProgress) => void;
  /** Errors kept in the result (all are passed to `onError`); default 10 000. */
  keepErrors?: number;
  workerScript?: string;
}

export interface ReplayLogResult {
  summary: BulkSummary;
  errors: LineError[];
  errorCount: number;
  lines: number;
  /** Values and records the schema check did not accept (each was passed to `onProblem`). */
  problemCount: number;
  shape: ReplayShape;
  /** With teams shared: the team passes run and the leads replayed again (null: no pass, the rules route to no team or `routing` is `per-lead`). */
  teams: { passes: number; replayedAgain: number } | null;
}

/**
 * Workers by default: none on two cores or fewer, otherwise two. Workers reading their own parts
 * (runtime/bulk/partition.ts) leave this thread almost idle, but each worker starts by checking
 * and compiling the rules, and the parts cost some CPU of their own (counting line breaks, the
 * outcomes' text), so two workers need more CPU time in all than one thread: measured by
 * `npm run bench -- --only bulk` on the 2-core machine shared with other sessions (a 10,280,216-
 * record examples/acme log): 22.7 s of CPU and 24.4 s in this thread, 31.3 s of CPU and 38.1 s on
 * two workers, which on a machine whose cores are already busy is slower. With more cores than
 * two, two workers (not more: each adds about 60 MB of peak memory).
 */
export function defaultWorkers(cores: number): number {
  return cores <= 2 ? 0 : 2;
}

/** Errors kept in a result by default (all are passed to `onError`). */
export const KEPT_ERRORS = 10_000;

/** A lead whose replay threw (a bug in the engine): the error names the lead and the line of its first record. */
export class LeadReplayError extends Error {
  constructor(
    readonly lead: string,
    readonly firstLine: number,
    override readonly cause: unknown,
  ) {
    super(`internal error while replaying lead \`${lead}\` (its first record is at line or row ${firstLine} of the source): ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = "LeadReplayError";
  }
}

/** One lead's replay under the guard (and the test-only fault hook, `simulate:log:LEAD`). */
function guardedLead<T>(g: LeadRecords, step: () => T): T {
  return guarded("simulate", `log:${g.lead}`, step, (e) => {
    throw new LeadReplayError(g.lead, g.firstLine, e);
  });
}

export async function replayLog(opts: ReplayLogOptions): Promise<ReplayLogResult> {
  const held: { shared: SharedLog | null } = { shared: null };
  try {
    return await replayLogWith(opts, held);
  } finally {
    // The team passes' temporary files, whatever happened.
    held.shared?.close();
  }
}

async function replayLogWith(opts: ReplayLogOptions, held: { shared: SharedLog | null }): Promise<ReplayLogResult> {
  const workers = opts.workers ?? defaultWorkers(availableParallelism());
  const batchSize = Math.max(1, opts.batchSize ?? 200);
  const keep = opts.keepErrors ?? KEPT_ERRORS;
  const seed = opts.seed ?? 0;
  let summary = emptySummary();
  const errors: LineError[] = [];
  let errorCount = 0;
  let lines = 0;
  let leads = 0;
  let bytes: number | undefined;
  // With teams shared, the leads share them: every lead is replayed once, then the team passes settle the outcomes.
  let compiled: CompiledRules | null = null;
  let shared: SharedLog | null = null;
  if (opts.routing !== "per-lead") {
    compiled = compileSpec(opts.rules);
    if (routesToTeams(compiled)) held.shared = shared = new SharedLog(compiled, seed);
  }
  // With teams shared, a lead counts once replayed the first time (outcomes come at the end).
  const progress = () => {
    const n = shared ? Math.max(leads, shared.leads) : leads;
    opts.onProgress?.(bytes === undefined ? { lines, leads: n, errors: errorCount } : { lines, leads: n, errors: errorCount, bytes });
  };
  const onError = (e: LineError) => {
    errorCount++;
    if (errors.length < keep) errors.push(e);
    opts.onError?.(e);
  };
  const emit = async (o: LeadOutcome, firstLine?: number) => {
    addOutcome(summary, o);
    leads++;
    const taken = opts.onOutcome?.(o, firstLine);
    if (taken instanceof Promise) await taken;
    const out = opts.outcomes;
    if (out) {
      // A failed output (a full disk) ends the replay with its error instead of waiting for a drain that never comes.
      if (out.destroyed) throw out.errored ?? new Error("the output stream was closed");
      if (!out.write(JSON.stringify(o) + "\n")) await once(out, "drain");
    }
  };
  // The team passes at the end of the log; then every settled outcome, in log order.
  const settle = async (log: SharedLog): Promise<NonNullable<ReplayLogResult["teams"]>> => {
    const stats = { passes: 0, replayed: 0 };
    leads = 0;
    for await (const o of log.finish(stats)) await emit(o);
    return { passes: stats.passes, replayedAgain: stats.replayed };
  };
  if (!opts.chunks && !opts.input && !opts.file && !opts.source) throw new Error("replayLog needs `file`, `source`, `input` or `chunks`");
  let problemCount = 0;
  if ((opts.file !== undefined || opts.source !== undefined) && workers > 0 && !opts.keepLead) {
    // Every worker reads, checks and replays its own parts of the file; this thread puts them in order.
    const pool = await WorkerPool.start(workers, opts.rules, seed, opts.workerScript, shared !== null);
    try {
      const out = opts.outcomes;
      const partsOptions = { validate: opts.validate !== false, maxRecordsPerLead: opts.maxRecordsPerLead, maxLineLength: opts.maxLineLength, partBytes: opts.partBytes, rowParts: opts.rowParts };
      const sink: PartsSink = {
        async outcomes(text, r) {
          if (shared) {
            // Provisional outcomes: kept for the team passes (the summary comes from the settled ones).
            if (!r.shared) throw new Error("internal error: a worker replaying with shared teams sent no team requests");
            const kept = new Map(r.shared.kept);
            const os = text ? text.slice(0, -1).split("\n") : [];
            os.forEach((line, i) => shared!.add({ outcome: JSON.parse(line) as LeadOutcome, ...r.shared!.routings[i]! }, kept.get(i) ?? []));
            return;
          }
          summary = mergeSummaries(summary, r.summary);
          if (opts.onOutcome && text) for (const line of text.slice(0, -1).split("\n")) opts.onOutcome(JSON.parse(line) as LeadOutcome);
          if (out && text) {
            if (out.destroyed) throw out.errored ?? new Error("the output stream was closed");
            if (!out.write(text)) await once(out, "drain");
          }
        },
        event(e) {
          if ("error" in e) onError(e.error);
          else {
            problemCount++;
            opts.onProblem?.(e.problem);
          }
        },
        progress(l, n, b) {
          lines = l;
          leads = n;
          if (opts.source === undefined) bytes = b;
          progress();
        },
      };
      const parts = opts.source !== undefined ? await replayRowParts(pool, opts.source, partsOptions, sink) : await replayFileParts(pool, opts.file!, partsOptions, sink);
      lines = parts.lines;
      const teams = shared ? await settle(shared) : null;
      progress();
      return { summary: sortSummary(summary), errors, errorCount, lines, problemCount, shape: { mode: "parts", parts: parts.parts, replayedAgain: parts.replayedAgain, leadIdBytes: parts.leadIdBytes }, teams };
    } finally {
      await pool.close();
    }
  }
  // Lines and leads travel in chunks: one await per input chunk, not per line.
  const fileStream = opts.file !== undefined && !opts.chunks && !opts.input ? createReadStream(opts.file) : undefined;
  const input = opts.input ?? fileStream;
  // The reading thread checks values against the schema (compiled once here; workers compile their own).
  const schema = opts.validate === false ? undefined : (compiled ?? compileSpec(opts.rules));
  const onProblem = (p: DataProblem) => {
    problemCount++;
    opts.onProblem?.(p);
  };
  const chunks = opts.chunks ?? (opts.source && !input ? nativeSource(opts.source.arg, opts.source.cwd).chunks() : undefined);
  const groups = groupLeadChunks(chunks ?? readLineChunks(input!, opts.maxLineLength), { maxRecordsPerLead: opts.maxRecordsPerLead, linesOnly: workers > 0, schema, onProblem, onError, keepLead: opts.keepLead, leadlessErrors: opts.leadlessErrors, onLine: (n) => { lines = n; if (n % 10_000 === 0) { if (fileStream) bytes = fileStream.bytesRead; progress(); } } });

  if (workers <= 0) {
    const rules = schema ?? compiled ?? compileSpec(opts.rules);
    for await (const gs of groups) {
      for (const g of gs) {
        if (shared && opts.onSharedRun) {
          const run = guardedLead(g, () => replayShared(rules, g.lead, g.records, seed));
          const taken = opts.onSharedRun(run, mayReplayAgain(rules.teams, run) ? g.records : [], g.firstLine);
          if (taken instanceof Promise) await taken;
          leads++;
        } else if (shared) shared.add(guardedLead(g, () => replayShared(rules, g.lead, g.records, seed)), g.records);
        else await emit(guardedLead(g, () => replayLead(rules, g.lead, g.records, { seed })), g.firstLine);
        if ((shared?.leads ?? leads) % 1000 === 0) progress();
      }
    }
  } else {
    const pool = await WorkerPool.start(workers, opts.rules, seed, opts.workerScript, shared !== null);
    try {
      // Batches are dispatched as they fill; results are emitted in log order.
      const queue: { result: Promise<WorkerBatchResult>; lines: string[][]; firstLines: number[] }[] = [];
      const maxInFlight = pool.size * 2;
      let batch: LeadRecords[] = [];
      const flush = () => {
        if (batch.length === 0) return;
        const p = pool.run(batch.map((b) => ({ lead: b.lead, lines: b.lines! })));
        p.catch(() => undefined); // awaited in order below; this only avoids an early unhandled rejection
        queue.push({ result: p, lines: shared ? batch.map((b) => b.lines!) : [], firstLines: batch.map((b) => b.firstLine) });
        batch = [];
      };
      const drainOne = async () => {
        const { result, lines: batchLines, firstLines } = queue.shift()!;
        const { outcomes: outs, routings } = await result;
        if (shared) {
          if (!routings) throw new Error("internal error: a worker replaying with shared teams sent no team requests");
          if (opts.onSharedRun) {
            for (let i = 0; i < outs.length; i++) {
              const run = { outcome: outs[i]!, ...routings[i]! };
              const taken = opts.onSharedRun(run, mayReplayAgain(compiled!.teams, run) ? batchLines[i]! : [], firstLines[i]!);
              if (taken instanceof Promise) await taken;
              leads++;
            }
          } else outs.forEach((o, i) => shared!.add({ outcome: o, ...routings[i]! }, batchLines[i]!));
        } else for (let i = 0; i < outs.length; i++) await emit(outs[i]!, firstLines[i]!);
        progress();
      };
      for await (const gs of groups) {
        for (const g of gs) {
          batch.push(g);
          if (batch.length >= batchSize) flush();
          while (queue.length >= maxInFlight) await drainOne();
        }
      }
      flush();
      while (queue.length) await drainOne();
    } finally {
      await pool.close();
    }
  }
  if (fileStream) bytes = fileStream.bytesRead;
  const teams = shared && !opts.onSharedRun ? await settle(shared) : null;
  progress();
  return { summary: sortSummary(summary), errors, errorCount, lines, problemCount, shape: { mode: workers > 0 ? "batches" : "thread" }, teams };
}
