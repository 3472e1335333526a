import type { BulkSummary, LeadOutcome } from "../../core/engine/bulk/replay.js";
import type { DataProblem, LineError } from "./group.js";
import type { RulesSpec } from "./rules.js";
import type { SharedRun } from "../../core/engine/bulk/sharedReplay.js";

export type WorkerRequest =
  /** `shared`: replay with the teams shared across leads (provisional answers; the requests go back with the outcomes). */
  | { type: "init"; spec: RulesSpec; seed: number; shared?: boolean }
  /**
   * Leads and their record lines, already validated by the reader: `text` is every
   * line of the batch joined with NUL (which no valid record line contains),
   * `counts[i]` lines belong to `leads[i]`. One string copies far faster than
   * parsed objects or thousands of small strings. (Logs read from standard input.)
   */
  | { type: "batch"; id: number; leads: string[]; counts: number[]; text: string }
  /** One part of a log the worker reads, checks and replays itself (runtime/bulk/part.ts). */
  | { type: "part"; id: number; task: PartTask };

export interface WorkerLead {
  lead: string;
  lines: string[];
}

/**
 * A part of a JSON Lines log file: the bytes `[start, end)` (whole lines), whose first line is
 * line `firstLine` of the file. `done` holds the leads replayed before this part that it may
 * meet, with their first lines (empty for a first, optimistic pass: see runtime/bulk/partition.ts).
 */
export interface PartTask {
  file: string;
  /**
   * A data source in the log's own shape read through DuckDB (runtime/data/native.ts) instead of
   * the file: `start`/`end` are then row numbers (1-based, `end` excluded) and `name` names the
   * source in messages (`events.parquet row 12`). The worker opens DuckDB itself.
   */
  rows?: RowSource;
  start: number;
  end: number;
  firstLine: number;
  done: [string, number][];
  validate: boolean;
  maxRecordsPerLead?: number;
  maxLineLength?: number;
}

/** A source argument (`events.parquet`, `crm.duckdb#events`, `sql:…`), the folder it is relative to, and its name in messages. */
export interface RowSource {
  arg: string;
  cwd: string;
  name: string;
}

/** A line's error or a record's problem, in the order the part's reading met them. */
export type PartEvent = { error: LineError } | { problem: DataProblem };

/** What a worker hands back for a part: compact (outcomes as their JSON Lines text). */
export interface PartResult {
  /** The outcomes of the leads that started in the part, in log order, as JSON Lines (each line ends with a newline). */
  text: string;
  summary: BulkSummary;
  /** Each lead that started in the part and its first line, in order. */
  leads: string[];
  leadLines: number[];
  /** Leads of `done` that the part met (as split records). */
  hits: string[];
  events: PartEvent[];
  /** `events[0, firstStart)` came before the part's first lead started (all of them when no lead started). */
  firstStart: number;
  /** True when the last event is the end problem of the part's last lead (`no-lead`), raised at the end of the part. */
  tailEnd: boolean;
  /** The number of the part's last line (`firstLine - 1` when it has none). */
  lastLine: number;
  /** The byte after the part (its task's `end`). */
  end: number;
  /**
   * With teams shared: each lead's team requests (parallel to the outcomes; `summary` is then
   * provisional), and the records (as JSON lines) of the leads that may be replayed again, by
   * their place among the part's outcomes.
   */
  shared?: { routings: Omit<SharedRun, "outcome">[]; kept: [number, string[]][] };
}

export type WorkerResponse =
  | { type: "ready" }
  | { type: "result"; id: number; outcomes: LeadOutcome[]; routings?: Omit<SharedRun, "outcome">[] }
  | { type: "part"; id: number; result: PartResult }
  | { type: "error"; id: number; message: string };
