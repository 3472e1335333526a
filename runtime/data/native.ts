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

/** The value of a `fields`/`payload` cell as the record takes it: JSON text parsed, a struct's null members left out. */
function mapCell(v: unknown, type: string): unknown {
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

/** The rows of a native source as numbered record lines (row N is "line" N; `where` names the row). */
export async function* nativeChunks(duck: Duck, relation: string, what: string): AsyncGenerator<NumberedLine[]> {
  const columns = await duck.columns(relation, what);
  checkNativeColumns(columns, what);
  const present = COLUMNS.filter((c) => columns.some((x) => x.name === c));
  const types = new Map(columns.map((c) => [c.name, c.type]));
  const sql = `SELECT ${present.map((c) => (c === "lead" ? `CAST("lead" AS VARCHAR)` : c === "at" || c === "fields" || c === "payload" ? (types.get(c)?.startsWith("JSON") ? `CAST("${c}" AS VARCHAR)` : `"${c}"`) : `"${c}"`)).join(", ")} FROM (${selectWithIsoTimes(columns, relation)})`;
  const jsonAt = types.get("at")?.startsWith("JSON") ?? false;
  const textAt = types.get("at") === "VARCHAR";
  let n = 0;
  for await (const rows of duck.rows(sql, what)) {
    const out: NumberedLine[] = [];
    for (const row of rows) {
      n++;
      const o: Record<string, unknown> = {};
      present.forEach((c, i) => {
        let v = row[i];
        if (c === "fields" || c === "payload") v = mapCell(v, types.get(c)!);
        else if (c === "at" && jsonAt && typeof v === "string") v = JSON.parse(v);
        // CSV has text only: a day offset is written as a number's text.
        else if (c === "at" && textAt && typeof v === "string" && NUMBER.test(v)) v = Number(v);
        else if (typeof v === "bigint") v = Number(v);
        else if (v === null) v = undefined;
        if (v !== undefined) o[c] = v;
      });
      out.push({ n, text: JSON.stringify(o), where: `${what} row ${n}` });
    }
    yield out;
  }
}
