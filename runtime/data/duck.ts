/**
 * One DuckDB connection for reading data sources (and writing outcomes): sources attached as
 * needed, column lists for the mapping's checks, rows streamed in chunks.
 */
import { loadDuckDB } from "./duckdb.js";
import { relationOf, SourceError, type SourceSpec } from "./source.js";
import type { DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";

export interface Column {
  name: string;
  /** DuckDB's type name: `VARCHAR`, `BIGINT`, `TIMESTAMP WITH TIME ZONE`, `STRUCT(…)`… */
  type: string;
}

/** DuckDB's message without its SQL excerpt (the first line, which says what is wrong). */
export function duckMessage(e: unknown): string {
  const m = ((e as Error)?.message ?? String(e)).split("\n")[0]!.trim();
  return m.replace(/^(IO|Invalid Input|Binder|Parser|Conversion|Catalog) Error: /, "");
}

export class Duck {
  private attached = new Map<string, string>();
  private constructor(
    private readonly instance: DuckDBInstance,
    readonly conn: DuckDBConnection,
  ) {}

  /** `threads`: DuckDB's own threads (a bulk-replay worker, one of several, uses one). */
  static async open(opts: { threads?: number } = {}): Promise<Duck> {
    const duck = loadDuckDB();
    const instance = await duck.DuckDBInstance.create(":memory:", opts.threads ? { threads: String(opts.threads) } : undefined);
    const conn = await instance.connect();
    // Times are written and compared in UTC; rows come in the order the files hold them.
    await conn.run("SET TimeZone = 'UTC'; SET preserve_insertion_order = true;");
    return new Duck(instance, conn);
  }

  /** The relation of a source (attaching its database file the first time). */
  async relation(spec: SourceSpec, native = false): Promise<string> {
    if (spec.kind === "database" && !this.attached.has(spec.path)) {
      const alias = `src${this.attached.size + 1}`;
      try {
        await this.conn.run(`ATTACH '${spec.path.replace(/'/g, "''")}' AS ${alias} (READ_ONLY)`);
      } catch (e) {
        throw new SourceError(`${spec.path} cannot be opened as a DuckDB database: ${duckMessage(e)}`);
      }
      this.attached.set(spec.path, alias);
    }
    return relationOf(spec, (p) => this.attached.get(p)!, native);
  }

  async columns(relation: string, what: string): Promise<Column[]> {
    try {
      const r = await this.conn.runAndReadAll(`DESCRIBE SELECT * FROM ${relation}`);
      return r.getRowObjectsJS().map((o) => ({ name: String(o["column_name"]), type: String(o["column_type"]) }));
    } catch (e) {
      throw new SourceError(`${what} cannot be read: ${duckMessage(e)}`);
    }
  }

  /** The rows of a query, a chunk at a time, each row an array of JS values (one per column). */
  async *rows(sql: string, what: string): AsyncGenerator<unknown[][]> {
    let result;
    try {
      result = await this.conn.stream(sql);
    } catch (e) {
      throw new SourceError(`${what} cannot be read: ${duckMessage(e)}`);
    }
    // The next chunk is fetched (on DuckDB's side) while this one is converted and used.
    let next = result.fetchChunk();
    for (;;) {
      let chunk;
      try {
        chunk = await next;
      } catch (e) {
        throw new SourceError(`${what} cannot be read: ${duckMessage(e)}`);
      }
      if (!chunk || chunk.rowCount === 0) return;
      next = result.fetchChunk();
      next.catch(() => undefined); // awaited above on the next turn
      yield chunk.getRows() as unknown[][];
    }
  }

  close(): void {
    this.conn.closeSync();
    this.instance.closeSync();
  }
}

/** Types DuckDB reads as times: they are turned into ISO text in UTC before the mapping sees them. */
export function isTimeType(t: string): boolean {
  return /^(TIMESTAMP|DATE)/.test(t);
}

/**
 * `SELECT *` with every time column written as ISO text (`2026-01-05T10:00:00.000Z`; a `DATE` as
 * `2026-01-05`): `TIMESTAMP` without a zone is taken as UTC, as Parquet writers store it.
 */
export function selectWithIsoTimes(columns: Column[], relation: string, extra: string[] = []): string {
  const q = (n: string) => `"${n.replace(/"/g, '""')}"`;
  const times = columns.filter((c) => isTimeType(c.type));
  const replace = times.map((c) => (c.type === "DATE" ? `strftime(${q(c.name)}, '%Y-%m-%d') AS ${q(c.name)}` : `strftime(${q(c.name)}${c.type.includes("TIME ZONE") ? "" : "::TIMESTAMPTZ"}, '%Y-%m-%dT%H:%M:%S.%gZ') AS ${q(c.name)}`));
  return `SELECT *${replace.length ? ` REPLACE (${replace.join(", ")})` : ""}${extra.length ? ", " + extra.join(", ") : ""} FROM ${relation}`;
}
