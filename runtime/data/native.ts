/**
 * A data source in the event log's own shape (docs/event-log.md): columns `type`, `lead`, `at`,
 * `event`, `fields`, `payload`, one row per record, in the order the source holds them. Each row
 * becomes the record the JSON Lines line would be, so a Parquet, CSV, JSON or DuckDB copy of a log
 * replays exactly as the log does (the same grouping rules, errors and outcomes).
 */
import type { NumberedLine } from "../bulk/lines.js";
import { nearest } from "../../core/data/names.js";
import { selectWithIsoTimes, type Column, type Duck } from "./duck.js";
import { SourceError } from "./source.js";

const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

const COLUMNS = ["type", "lead", "at", "event", "fields", "payload"] as const;

/**
 * A DuckDB value as plain JavaScript: `chunk.getRows()` gives structs, maps and lists as
 * `@duckdb/node-api` value objects (`DuckDBStructValue { entries }`, `DuckDBMapValue { entries:
 * [{ key, value }] }`, `DuckDBListValue { items }`); other values (numbers, text, booleans) are
 * plain already, and any other value object is taken as its text (`toString`).
 */
export function plainValue(v: unknown): unknown {
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) return v.map(plainValue);
  const kind = (v as { constructor?: { name?: string } }).constructor?.name;
  if (kind === "DuckDBStructValue") return Object.fromEntries(Object.entries((v as { entries: Record<string, unknown> }).entries).map(([k, x]) => [k, plainValue(x)]));
  if (kind === "DuckDBMapValue") return Object.fromEntries((v as { entries: { key: unknown; value: unknown }[] }).entries.map((e) => [String(plainValue(e.key)), plainValue(e.value)]));
  if (kind === "DuckDBListValue" || kind === "DuckDBArrayValue") return (v as { items: unknown[] }).items.map(plainValue);
  if (kind === "Object" || kind === undefined) return v;
  return String(v);
}

/** The value of a `fields`/`payload` cell as the record takes it: JSON text parsed, a struct's null members left out. */
function mapCell(raw: unknown, type: string): unknown {
  const v = plainValue(raw);
  if (v === null || v === undefined) return undefined;
  if (typeof v === "string" && !type.startsWith("STRUCT") && !type.startsWith("MAP")) {
    try {
      return JSON.parse(v);
    } catch {
      return v; // the record check says it is not an object
    }
  }
  if (type.startsWith("STRUCT") && typeof v === "object" && !Array.isArray(v)) return Object.fromEntries(Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== null));
  return v;
}

/** Checks that the source has the log's columns (did-you-mean against the real ones). */
export function checkNativeColumns(columns: Column[], what: string): void {
  const names = columns.map((c) => c.name);
  for (const need of ["type", "lead", "at"]) {
    if (names.includes(need)) continue;
    const near = nearest(need, names);
    throw new SourceError(`${what} has no column \`${need}\`${near ? `; did you mean \`${near}\`?` : ""} (columns: ${names.map((n) => `\`${n}\``).join(", ")}). Without a mapping (--map, docs/data.md) a source must have the event log's columns: type, lead, at, event, fields, payload`);
  }
}

/** A value as the row's JSON text would give it back (`JSON.parse(JSON.stringify(v))`): what the log's own JSON Lines form holds. */
function asJson(v: unknown): unknown {
  if (typeof v === "number") return Number.isFinite(v) ? (v === 0 ? 0 : v) : null;
  if (v === null || typeof v !== "object") return v;
  return JSON.parse(JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? Number(x) : x)));
}

/** The query of a native source's rows (with their row number `rn`, 1-based, in the source's order), and how a row becomes a record. */
export async function nativeQuery(duck: Duck, relation: string, what: string): Promise<{ sql: string; record: (row: unknown[]) => Record<string, unknown>; columns: number }> {
  const columns = await duck.columns(relation, what);
  checkNativeColumns(columns, what);
  const present = COLUMNS.filter((c) => columns.some((x) => x.name === c));
  const types = new Map(columns.map((c) => [c.name, c.type]));
  // Each column is read by one or two expressions and one reader. Text costs most to hand over
  // (one decode per value), so a `type` is handed over as a small number and a JSON `at` that is a
  // number as a DOUBLE; anything else keeps its text and is read as before.
  const exprs: string[] = [];
  const readers: ((row: unknown[], o: Record<string, unknown>) => void)[] = [];
  const TYPES = [undefined, "lead", "event", "update"] as const;
  const NUMERIC = "('UBIGINT', 'BIGINT', 'DOUBLE')";
  for (const c of present) {
    const t = types.get(c)!;
    const i = exprs.length;
    if (c === "type" && t === "VARCHAR") {
      exprs.push(`CASE "type" WHEN 'lead' THEN 1 WHEN 'event' THEN 2 WHEN 'update' THEN 3 ELSE 0 END::UTINYINT`, `CASE WHEN "type" IN ('lead', 'event', 'update') THEN NULL ELSE "type" END`);
      readers.push((row, o) => {
        const v = TYPES[row[i] as number] ?? row[i + 1];
        if (v !== null && v !== undefined) o["type"] = v;
      });
    } else if (c === "at" && t.startsWith("JSON")) {
      exprs.push(`CASE WHEN json_type("at") IN ${NUMERIC} THEN CAST("at" AS DOUBLE) END`, `CASE WHEN json_type("at") NOT IN ${NUMERIC} THEN CAST("at" AS VARCHAR) END`);
      readers.push((row, o) => {
        const v = row[i] !== null ? row[i] : typeof row[i + 1] === "string" ? JSON.parse(row[i + 1] as string) : undefined;
        if (v !== undefined && v !== null) o["at"] = asJson(v);
      });
    } else if (c === "fields" || c === "payload") {
      exprs.push(t.startsWith("JSON") ? `CAST("${c}" AS VARCHAR)` : `"${c}"`);
      readers.push((row, o) => {
        // JSON text parses to JSON values already; a struct or map from DuckDB goes through its JSON form.
        const parsed = typeof row[i] === "string";
        const v = mapCell(row[i], t);
        if (v !== undefined) o[c] = parsed ? v : asJson(v);
      });
    } else {
      exprs.push(c === "lead" ? `CAST("lead" AS VARCHAR)` : `"${c}"`);
      readers.push((row, o) => {
        let v = row[i];
        // CSV has text only: a day offset is written as a number's text.
        if (c === "at" && t === "VARCHAR" && typeof v === "string" && NUMBER.test(v)) v = Number(v);
        else if (typeof v === "bigint") v = Number(v);
        else if (typeof v === "object") v = plainValue(v);
        if (v !== null && v !== undefined) o[c] = asJson(v);
      });
    }
  }
  // `row_number() OVER ()` streams (DuckDB's streaming window) and keeps the source's order.
  const sql = `SELECT ${exprs.join(", ")}, rn FROM (SELECT *, row_number() OVER () AS rn FROM (${selectWithIsoTimes(columns, relation)}))`;
  const record = (row: unknown[]) => {
    const o: Record<string, unknown> = {};
    for (const r of readers) r(row, o);
    return o;
  };
  return { sql, record, columns: exprs.length };
}

/**
 * The rows of a native source as numbered records (row N is "line" N; `where` names the row), each
 * row's values handed over as they are (no JSON text in between). `rows` limits them to rows
 * `[start, end)` (a part replayed by a worker, runtime/bulk/part.ts).
 */
export async function* nativeChunks(duck: Duck, relation: string, what: string, rows?: { start: number; end: number }): AsyncGenerator<NumberedLine[]> {
  const q = await nativeQuery(duck, relation, what);
  const sql = rows ? `SELECT * FROM (${q.sql}) WHERE rn >= ${rows.start} AND rn < ${rows.end} LIMIT ${rows.end - rows.start}` : q.sql;
  for await (const batch of duck.rows(sql, what)) {
    const out: NumberedLine[] = new Array(batch.length);
    for (let j = 0; j < batch.length; j++) {
      const row = batch[j]!;
      const n = Number(row[q.columns] as bigint);
      out[j] = { n, text: "", record: q.record(row), where: `${what} row ${n}` };
    }
    yield out;
  }
}

/** The number of rows of a source. */
export async function rowCount(duck: Duck, relation: string, what: string): Promise<number> {
  for await (const batch of duck.rows(`SELECT count(*) FROM ${relation}`, what)) return Number(batch[0]![0] as bigint);
  return 0;
}

/**
 * The first row at or after row `t` (1-based) whose lead differs from the lead of the row before
 * it (looking at most 100,000 rows ahead), or -1: where a part may start.
 */
export async function rowLeadBoundary(duck: Duck, relation: string, what: string, t: number): Promise<number> {
  let prev: string | null = null;
  for await (const batch of duck.rows(`SELECT rn, lead FROM (SELECT row_number() OVER () AS rn, CAST("lead" AS VARCHAR) AS lead FROM ${relation}) WHERE rn >= ${t - 1} LIMIT 100001`, what)) {
    for (const [rn, lead] of batch as [bigint, string | null][]) {
      if (lead === null || lead === "") continue;
      if (prev !== null && lead !== prev && Number(rn) >= t) return Number(rn);
      prev = lead;
    }
  }
  return -1;
}
