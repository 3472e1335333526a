/**
 * Hand-written DuckDB SQL for the benchmark rules (bench/sql/: common.sql, then window.sql or
 * fold.sql) against our replay (runtime/bulk `replayLog`, in this thread and on two workers) on
 * the same generated log, written once as JSON Lines and once as Parquet. Each run happens in a
 * fresh process (the section's child), so its peak resident memory is its own; it writes each
 * lead's outcome (fit, engagement, stage, assignment) to a file, and the parent counts the leads
 * on which every run agrees with our in-thread replay of the JSON Lines log.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from "node:fs";
import path from "node:path";
import { replayLog } from "../../../runtime/bulk/replay.js";
import { loadDuckDB } from "../../../runtime/data/duckdb.js";
import { generateLog, type SimLog } from "./model.js";
import { leadRecord, RULES_URI } from "./ours.js";
import { outcomeOfBulk } from "./bulk.js";

export interface SqlSize {
  seed: number;
  leads: number;
  events: number;
}

/** 10M events at full size (issue 14 item 7); `CRMRULES_BENCH_SQL_EVENTS` sets another size (leads: one per 50 events). */
export const SQL_FULL: SqlSize = { seed: 2207, leads: 200_000, events: 10_000_000 };
export const SQL_QUICK: SqlSize = { seed: 2207, leads: 4_000, events: 200_000 };

export function sqlSize(quick: boolean, env: NodeJS.ProcessEnv = process.env): SqlSize {
  const given = env["CRMRULES_BENCH_SQL_EVENTS"];
  if (given !== undefined) {
    const events = Number(given);
    if (!Number.isInteger(events) || events < 1000) throw new Error(`CRMRULES_BENCH_SQL_EVENTS=${given}: give a whole number of events, 1000 or more`);
    return { seed: SQL_FULL.seed, leads: Math.max(20, Math.round(events / 50)), events };
  }
  return quick ? SQL_QUICK : SQL_FULL;
}

/** The runs compared: our replay (JSON Lines or Parquet, in this thread or on two workers) and the two SQL forms over each file. */
export const MODES = ["ours:jsonl:0", "ours:jsonl:2", "ours:parquet:0", "ours:parquet:2", "sql:window:parquet", "sql:fold:parquet", "sql:window:jsonl", "sql:fold:jsonl"] as const;
export type Mode = (typeof MODES)[number];

export interface LogFiles {
  jsonl: string;
  parquet: string;
  events: number;
  leads: number;
}

/**
 * The types DuckDB reads the log with (and the Parquet file keeps): fields and payload as JSON,
 * as a warehouse's properties columns often are (struct columns are not used: our reader on main
 * took a struct cell for an object with an `entries` key, see the report of 2026-12-04).
 */
const COLUMNS = `{'type': 'VARCHAR', 'lead': 'VARCHAR', 'at': 'DOUBLE', 'event': 'VARCHAR', 'fields': 'JSON', 'payload': 'JSON'}`;
const q = (s: string) => `'${s.replace(/'/g, "''")}'`;

async function duck(): Promise<{ run: (sql: string) => Promise<void>; rows: (sql: string) => Promise<Record<string, unknown>[]>; close: () => void }> {
  const d = loadDuckDB();
  const instance = await d.DuckDBInstance.create(":memory:");
  const conn = await instance.connect();
  return {
    run: async (sql) => void (await conn.run(sql)),
    rows: async (sql) => (await conn.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[],
    close: () => {
      conn.closeSync();
      instance.closeSync();
    },
  };
}

/**
 * The generated log as JSON Lines (docs/event-log.md: each lead's record, then its events in time
 * order, times as day offsets) and as Parquet (the same rows, fields and payload as JSON), in
 * `dir`; reused when they are there for the same size.
 */
export async function prepareLogFiles(size: SqlSize, dir: string): Promise<LogFiles> {
  mkdirSync(dir, { recursive: true });
  const base = path.join(dir, `log-${size.seed}-${size.leads}-${size.events}`);
  const files: LogFiles = { jsonl: `${base}.jsonl`, parquet: `${base}.parquet`, events: 0, leads: size.leads };
  const meta = `${base}.json`;
  if (existsSync(meta) && existsSync(files.jsonl) && existsSync(files.parquet)) return { ...files, events: (JSON.parse(readFileSync(meta, "utf8")) as { events: number }).events };
  const log = generateLog(size);
  files.events = log.events.length;
  writeJsonLines(log, `${files.jsonl}.part`);
  renameSync(`${files.jsonl}.part`, files.jsonl);
  const db = await duck();
  try {
    // One thread: `seq` is each row's place in the file, in the order it is read.
    await db.run(`SET threads = 1; COPY (SELECT * FROM read_json(${q(files.jsonl)}, format = 'newline_delimited', columns = ${COLUMNS})) TO ${q(`${files.parquet}.part`)} (FORMAT parquet)`);
  } finally {
    db.close();
  }
  renameSync(`${files.parquet}.part`, files.parquet);
  writeFileSync(meta, JSON.stringify({ events: files.events }));
  return files;
}

/** Lead by lead (counting sort of the time-ordered events by lead), in chunks: no array of every line. */
function writeJsonLines(log: SimLog, file: string): void {
  const n = log.leads.length;
  const start = new Int32Array(n + 1);
  for (const e of log.events) start[e.lead + 1]!++;
  for (let i = 0; i < n; i++) start[i + 1]! += start[i]!;
  const order = new Int32Array(log.events.length);
  const next = start.slice(0, n);
  log.events.forEach((e, k) => (order[next[e.lead]!++] = k));
  const fd = openSync(file, "w");
  let buf: string[] = [];
  let size = 0;
  const put = (line: string) => {
    buf.push(line);
    size += line.length;
    if (size > 1 << 20) {
      writeSync(fd, buf.join("\n") + "\n");
      buf = [];
      size = 0;
    }
  };
  for (let i = 0; i < n; i++) {
    const l = log.leads[i]!;
    put(JSON.stringify({ type: "lead", lead: l.id, at: 0, fields: leadRecord(l) }));
    for (let j = start[i]!; j < start[i + 1]!; j++) {
      const e = log.events[order[j]!]!;
      put(JSON.stringify({ type: "event", lead: l.id, at: e.at / 1440, event: e.name, payload: e.payload }));
    }
  }
  if (buf.length) writeSync(fd, buf.join("\n") + "\n");
  closeSync(fd);
}

/** One lead's outcome as compared: fit, engagement, stage and assignment. */
const key = (fit: unknown, engagement: unknown, stage: unknown, routedTo: unknown) => `${fit === null || fit === undefined ? "null" : Number(fit)}|${engagement === null || engagement === undefined ? "null" : Number(engagement)}|${String(stage)}|${routedTo ?? "null"}`;

/** The relation `{{log}}` of bench/sql/: the log with `seq`, each row's place in the file. */
function logRelation(files: LogFiles, format: "jsonl" | "parquet"): string {
  if (format === "parquet") return `(SELECT *, file_row_number AS seq FROM read_parquet(${q(files.parquet)}, file_row_number = true))`;
  return `(SELECT *, row_number() OVER () AS seq FROM read_json(${q(files.jsonl)}, format = 'newline_delimited', columns = ${COLUMNS}))`;
}

/** Runs one mode, timing the replay or the query alone (not the process start or loading the rules); returns each lead's outcome key. */
export async function runMode(mode: Mode, files: LogFiles, repo: string): Promise<{ ms: number; outcomes: Map<string, string> }> {
  const outcomes = new Map<string, string>();
  const [kind, a, b] = mode.split(":") as [string, string, string];
  if (kind === "ours") {
    const text = readFileSync(path.join(repo, "bench", "sim", "rules.crmrules"), "utf8");
    const workers = Number(b);
    const source = a === "parquet" ? { source: { arg: files.parquet, cwd: repo, name: path.basename(files.parquet) } } : { file: files.jsonl };
    const t0 = performance.now();
    const res = await replayLog({
      rules: { root: "/bench/sim", files: [{ uri: RULES_URI, text }], fromUri: RULES_URI },
      ...source,
      workers,
      workerScript: path.join(repo, "bench", ".out", "worker.cjs"),
      onOutcome: (o) => {
        const x = outcomeOfBulk(o);
        outcomes.set(o.lead, key(x.fit, x.engagement, x.stage, x.routedTo));
      },
    });
    const ms = performance.now() - t0;
    if (res.errorCount || res.problemCount) throw new Error(`${mode}: the replay reported ${res.errorCount} malformed records and ${res.problemCount} data problems; first: ${JSON.stringify(res.errors[0])}`);
    return { ms, outcomes };
  }
  const relation = logRelation(files, b as "jsonl" | "parquet");
  const read = (f: string) => readFileSync(path.join(repo, "bench", "sql", f), "utf8").split("{{log}}").join(relation);
  const db = await duck();
  try {
    const t0 = performance.now();
    await db.run(read("common.sql"));
    const rows = await db.rows(read(`${a}.sql`));
    const ms = performance.now() - t0;
    for (const r of rows) outcomes.set(String(r["lead"]), key(r["fit"], r["engagement"], r["stage"], r["routed_to"]));
    return { ms, outcomes };
  } finally {
    db.close();
  }
}

/** Leads of `reference` whose outcome `other` gives exactly. */
export function agreement(reference: Map<string, string>, other: Map<string, string>): number {
  let n = 0;
  for (const [lead, k] of reference) if (other.get(lead) === k) n++;
  return n;
}
