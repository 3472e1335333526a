/**
 * Per-lead outcomes (`LeadOutcome`, core/engine/bulk/replay.ts) written through DuckDB as a
 * Parquet file, a CSV file or a table of a DuckDB database (docs/data.md, "Outcomes"), with
 * exactly the JSON outcome's columns. JSON Lines outcomes need no DuckDB (the CLI writes them as
 * text).
 *
 * The rows go through DuckDB's appender into a stage table of a DuckDB database file on disk
 * (nested values as their JSON text), so memory stays bounded by DuckDB's `memory_limit`
 * whatever the number of leads; when the replay is complete one `COPY … TO` (or `CREATE TABLE …
 * AS`) turns the JSON text into typed columns and writes the output. Which file names to use is
 * the caller's (the CLI writes to a temporary name beside the target and renames it when
 * complete, cli/atomicWrite.ts).
 */
import { unlinkSync } from "node:fs";
import type { DuckDBAppender, DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import type { LeadOutcome } from "../../core/engine/bulk/replay.js";
import { loadDuckDB, type DuckDBUse } from "./duckdb.js";
import { duckMessage } from "./duck.js";
import { ident, quote } from "./source.js";

export type OutcomeFormat = "jsonl" | "parquet" | "csv" | "duckdb";

/** What DuckDB is needed for when outcomes are written (the message when it is missing). */
export const WRITING: DuckDBUse = {
  needs: "Writing outcomes as Parquet, CSV or a DuckDB table",
  instead: "write them as JSON Lines (`--out outcomes.jsonl`), which needs no DuckDB, and load that file where it is needed",
};

/** An output target: the format, and for a DuckDB database the table. */
export interface OutcomeTarget {
  format: OutcomeFormat;
  /** The file as given (for `out.duckdb#outcomes`, `out.duckdb`). */
  file: string;
  /** The table of a DuckDB database (`outcomes`, or `schema.outcomes`). */
  table?: string;
}

/** A target that cannot be written in words (the CLI makes it a usage error). */
export class TargetError extends Error {}

const DATABASE = /\.(duckdb|ddb|db)$/i;
const FORMATS = "`.jsonl` (or `.ndjson`) for JSON Lines, `.parquet`, `.csv`, or `FILE.duckdb#TABLE` for a table of a DuckDB database";

/** What `--out ARG` names, from its extension (`-` is JSON Lines on standard output). */
export function outcomeTarget(arg: string): OutcomeTarget {
  if (arg === "-") return { format: "jsonl", file: arg };
  const hash = arg.lastIndexOf("#");
  if (hash > 0 && DATABASE.test(arg.slice(0, hash))) {
    const table = arg.slice(hash + 1);
    if (!/^[A-Za-z_][\w$]*(\.[A-Za-z_][\w$]*)?$/.test(table)) throw new TargetError(`\`${table}\` is not a table name (write \`${arg.slice(0, hash)}#outcomes\`)`);
    return { format: "duckdb", file: arg.slice(0, hash), table };
  }
  if (DATABASE.test(arg)) throw new TargetError(`${arg} is a DuckDB database: name the table to write as \`${arg}#outcomes\``);
  if (/\.(jsonl|ndjson)$/i.test(arg)) return { format: "jsonl", file: arg };
  if (/\.parquet$/i.test(arg)) return { format: "parquet", file: arg };
  if (/\.csv$/i.test(arg)) return { format: "csv", file: arg };
  throw new TargetError(`${arg}: the format of the outcomes is taken from the extension: ${FORMATS}`);
}

/** The score and grade names of the rules: the members of the `scores` and `grades` columns. */
export interface OutcomeNames {
  scores: readonly string[];
  grades: readonly string[];
}

/** One column of the outcomes: its name (the JSON outcome's key) and its DuckDB type in Parquet and DuckDB tables. */
export interface OutcomeColumn {
  name: keyof LeadOutcome;
  type: string;
  /** Nested (a struct, map or list): JSON text in CSV and in the stage table. */
  nested: boolean;
}

const sqlName = (n: string) => ident(n);
const BLOCKED = "STRUCT(action VARCHAR, purpose VARCHAR, clause VARCHAR, \"at\" VARCHAR, reason VARCHAR)[]";
const TEAM_PICKS = "STRUCT(team VARCHAR, member VARCHAR, \"day\" VARCHAR)[]";

/** The type of each column, keyed by the JSON outcome's keys (a new key of `LeadOutcome` does not compile until it has a column here). */
type ColumnTypes = { [K in keyof LeadOutcome]-?: { type: string; nested: boolean } };

/**
 * The columns of the outcomes, in the JSON outcome's order. `scores` is a struct with one
 * DOUBLE member per score and `grades` one VARCHAR member per grade (a MAP when the rules have
 * none: a struct needs a member); `sentActions` is a MAP (only the actions sent are keys);
 * `blocked` and `teamPicks` lists of structs; `problems` a list of texts.
 */
export function outcomeColumns(names: OutcomeNames): OutcomeColumn[] {
  const struct = (members: readonly string[], type: string) => (members.length ? `STRUCT(${members.map((m) => `${sqlName(m)} ${type}`).join(", ")})` : `MAP(VARCHAR, ${type})`);
  const scalar = (type: string) => ({ type, nested: false });
  const nested = (type: string) => ({ type, nested: true });
  const types: ColumnTypes = {
    lead: scalar("VARCHAR"),
    records: scalar("INTEGER"),
    last: scalar("VARCHAR"),
    stage: scalar("VARCHAR"),
    assignment: scalar("VARCHAR"),
    routedBy: scalar("VARCHAR"),
    scores: nested(struct(names.scores, "DOUBLE")),
    grades: nested(struct(names.grades, "VARCHAR")),
    sent: scalar("INTEGER"),
    sentActions: nested("MAP(VARCHAR, INTEGER)"),
    blocked: nested(BLOCKED),
    escalations: scalar("INTEGER"),
    erased: scalar("BOOLEAN"),
    problems: nested("VARCHAR[]"),
    teamPicks: nested(TEAM_PICKS),
  };
  return (Object.keys(types) as (keyof LeadOutcome)[]).map((name) => ({ name, ...types[name] }));
}

/** The stage column's type: nested values as their JSON text. */
const stageType = (c: OutcomeColumn) => (c.nested ? "VARCHAR" : c.type);

/** The typed column from the stage's JSON text (`from_json` with the column's type). */
function typedColumn(c: OutcomeColumn): string {
  if (!c.nested) return sqlName(c.name);
  return `CAST(${sqlName(c.name)}::JSON AS ${c.type}) AS ${sqlName(c.name)}`;
}

/** Where the output goes: `output` is the file to write (a temporary name the caller renames), `stage` a scratch database file. */
export interface OutcomeWriterOptions {
  format: Exclude<OutcomeFormat, "jsonl">;
  names: OutcomeNames;
  /** The scratch database file of the stage table (created; the caller removes it, its `.wal` and its `.tmp` spill folder). */
  stage: string;
  /** The Parquet or CSV file, or the DuckDB database file, to write. */
  output: string;
  /** With format `duckdb`: the table. */
  table?: string;
  /**
   * With format `duckdb`: `output` is an existing database, which gets the table (replacing one
   * of that name) in one transaction; otherwise `output` must not exist and is created.
   */
  existing?: boolean;
  /** DuckDB's memory limit for the stage and the write (default `64MB`; DuckDB keeps the rest on disk). */
  memoryLimit?: string;
}

/** Leads held in the appender before they are flushed to the stage table. */
const FLUSH_ROWS = 16_384;

/** A failure of DuckDB while writing, in words. */
export class WriteError extends Error {}

/** Writes outcomes: `add` each lead's (in order), then `finish`; `close` always. */
export class OutcomeWriter {
  private rows = 0;
  private closed = false;
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly conn: DuckDBConnection,
    private appender: DuckDBAppender | null,
    private readonly columns: OutcomeColumn[],
    private readonly opts: OutcomeWriterOptions,
  ) {}

  /** Opens the stage (and, for a DuckDB table, the database: one that cannot be opened fails here, before any work). */
  static async open(opts: OutcomeWriterOptions): Promise<OutcomeWriter> {
    const duck = loadDuckDB(undefined, undefined, WRITING);
    const columns = outcomeColumns(opts.names);
    let instance: DuckDBInstance;
    try {
      // One thread and a small memory limit: the stage is flushed to disk as it grows, and the COPY keeps one row group in memory at a time.
      instance = await duck.DuckDBInstance.create(opts.stage, { memory_limit: opts.memoryLimit ?? "64MB", threads: "1" });
    } catch (e) {
      throw new WriteError(`a scratch database beside it cannot be created: ${duckMessage(e)}`);
    }
    const conn = await instance.connect();
    try {
      await conn.run(`SET preserve_insertion_order = true; CREATE TABLE outcomes (${columns.map((c) => `${sqlName(c.name)} ${stageType(c)}`).join(", ")})`);
      if (opts.format === "duckdb") {
        // A new database is created at `output`; an existing one is opened now, so that a file that is no database (or one in use) fails before the replay.
        if (!opts.existing) unlinkQuietly(opts.output);
        try {
          await conn.run(`ATTACH ${quote(opts.output)} AS target`);
        } catch (e) {
          throw new WriteError(`cannot be opened as a DuckDB database: ${duckMessage(e)}`);
        }
      }
      const appender = await conn.createAppender("outcomes");
      return new OutcomeWriter(instance, conn, appender, columns, opts);
    } catch (e) {
      conn.closeSync();
      instance.closeSync();
      throw e instanceof WriteError ? e : new WriteError(`cannot be written: ${duckMessage(e)}`);
    }
  }

  /** Appends one lead's outcome (DuckDB flushes the appender's rows to the stage in chunks). */
  add(o: LeadOutcome): void {
    const a = this.appender;
    if (!a) throw new Error("outcomes added after the writer finished");
    for (const c of this.columns) {
      const v = o[c.name];
      if (c.nested) a.appendVarchar(JSON.stringify(v));
      else if (v === null || v === undefined) a.appendNull();
      else if (c.type === "INTEGER") a.appendInteger(v as number);
      else if (c.type === "BOOLEAN") a.appendBoolean(v as boolean);
      else a.appendVarchar(v as string);
    }
    a.endRow();
    // The appender's rows go to the stage (on disk, within DuckDB's memory limit) every FLUSH_ROWS leads.
    if (++this.rows % FLUSH_ROWS === 0) a.flushSync();
  }

  /** Leads added so far. */
  get count(): number {
    return this.rows;
  }

  /** Writes the output from the stage: the Parquet or CSV file, or the table. */
  async finish(): Promise<void> {
    if (this.appender) {
      this.appender.closeSync();
      this.appender = null;
    }
    const typed = `SELECT ${this.columns.map(typedColumn).join(", ")} FROM outcomes`;
    const o = this.opts;
    try {
      // Straight into `output` (DuckDB would otherwise write a `tmp_` file of its own beside it, which no cleanup knows).
      if (o.format === "parquet") await this.conn.run(`COPY (${typed}) TO ${quote(o.output)} (FORMAT parquet, ROW_GROUP_SIZE 32768, USE_TMP_FILE false)`);
      // CSV has no nested values: those columns hold the JSON outcome's text for them.
      else if (o.format === "csv") await this.conn.run(`COPY (SELECT * FROM outcomes) TO ${quote(o.output)} (FORMAT csv, HEADER true, USE_TMP_FILE false)`);
      else {
        const table = `target.${o.table!.split(".").map(ident).join(".")}`;
        // One transaction: the table appears whole or not at all (a run killed here leaves the database as it was).
        await this.conn.run(`BEGIN TRANSACTION; CREATE OR REPLACE TABLE ${table} AS ${typed}; COMMIT`);
        await this.conn.run("DETACH target");
      }
    } catch (e) {
      throw new WriteError(`cannot be written: ${duckMessage(e)}`);
    }
  }

  /** Closes DuckDB (idempotent); the stage's files stay for the caller to remove. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.appender?.closeSync();
    } catch {
      // a failed appender has nothing left to flush
    }
    this.conn.closeSync();
    this.instance.closeSync();
  }
}

function unlinkQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // not there
  }
}
