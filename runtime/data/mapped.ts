/**
 * Reading a mapped source (docs/data.md, "Mappings"): the mapping file with each problem at its
 * line and column, its columns checked against the sources' real ones (did-you-mean), and the
 * rows of the lead and event tables merged by lead id, each lead's records in time order, as
 * numbered record lines for the replay (`where` names the source row).
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { jsonPlaces, pathKey } from "../../core/data/jsonPlaces.js";
import type { NumberedLine } from "../bulk/lines.js";
import { checkColumns, eventRow, leadRows, parseMapping, type EventTable, type JsonPath, type LeadTable, type Mapping, type MappingProblem, type Row, type RowProblem } from "../../core/data/mapping.js";
import { minutesOf, epochOf, type LogRecord } from "../../core/engine/bulk/records.js";
import type { Schema } from "../../core/data/coerce.js";
import { ident, describeSource, resolveSource, SourceError, type SourceSpec } from "./source.js";
import { selectWithIsoTimes, type Duck } from "./duck.js";

/** A mapping file's problems, each `FILE:LINE:COLUMN: message` (1-based), as one error. */
export class MappingError extends SourceError {
  constructor(readonly problems: string[]) {
    super(problems.length === 1 ? problems[0]! : `the mapping has ${problems.length} problems:\n  ${problems.join("\n  ")}`);
  }
}

export interface MappingFile {
  file: string;
  /** As messages name it. */
  shown: string;
  mapping: Mapping;
  /** `FILE:LINE:COLUMN` of a JSON path of the file. */
  place(p: JsonPath, key?: boolean): string;
}

function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  return `${before.split("\n").length}:${offset - before.lastIndexOf("\n")}`;
}

/** `FILE:LINE:COLUMN` of a path: its key when the problem is an unknown key, else its value, else the nearest enclosing value. */
function placeIn(text: string, shown: string): (p: JsonPath, key?: boolean) => string {
  const places = jsonPlaces(text);
  return (p, key) => {
    let offset = (key ? places.get("key:" + pathKey(p)) : undefined) ?? places.get(pathKey(p));
    for (let k = p.length - 1; offset === undefined && k >= 0; k--) offset = places.get(pathKey(p.slice(0, k)));
    return `${shown}:${lineColumn(text, offset ?? 0)}`;
  };
}

/** Reads and checks a mapping file (`--map FILE`); every problem in one `MappingError`. */
export function loadMapping(arg: string, cwd: string): MappingFile {
  const file = path.resolve(cwd, arg);
  const shown = path.relative(cwd, file) || arg;
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new SourceError(`the mapping ${arg} ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "does not exist" : "cannot be read"}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const pos = /position (\d+)/.exec(msg);
    throw new MappingError([`${shown}:${pos ? lineColumn(text, Number(pos[1])) : "1:1"}: not valid JSON (${msg.replace(/^JSON\.parse: /, "").replace(/ in JSON at position \d+.*$/, "")})`]);
  }
  const place = placeIn(text, shown);
  const { mapping, problems } = parseMapping(json);
  if (!mapping) throw new MappingError(problems.map((p) => `${place(p.path, p.key)}: ${p.message}`));
  return { file, shown, mapping, place };
}

interface TablePlan {
  table: LeadTable | EventTable;
  spec: SourceSpec;
  name: string;
  relation: string;
  /** CSV cells are text (the schema's types are read from it). */
  text: boolean;
  /** The source column behind each place of a record (`fields.country` → `Country/Region`), for reports. */
  columns: Record<string, string>;
  select: string;
  key: string;
}

/** A mapped table's source: `from` is a source argument, `{"sql": …}` or `{"database": …, "table": …}`, relative to the mapping file. */
function sourceOf(from: unknown, base: string, where: string): SourceSpec {
  if (typeof from === "string") return resolveSource(from, base);
  if (from && typeof from === "object") {
    const o = from as Record<string, unknown>;
    if (typeof o["sql"] === "string") return resolveSource(`sql:${o["sql"]}`, base);
    if (typeof o["database"] === "string" && typeof o["table"] === "string") return resolveSource(`${o["database"]}#${o["table"]}`, base);
  }
  throw new SourceError(`${where}: \`from\` must be a file, folder or glob, {"sql": "SELECT …"} or {"database": "crm.duckdb", "table": "contacts"}`);
}

/** The records a mapped source gives, lead by lead (each lead's in time order), as numbered lines. */
export async function* mappedChunks(duck: Duck, m: MappingFile, cwd: string, opts: { coerce?: (r: LogRecord) => LogRecord; schema?: Schema } = {}): AsyncGenerator<NumberedLine[]> {
  const base = path.dirname(m.file);
  const plans: TablePlan[] = [];
  const problems: string[] = [];
  for (const [key, table] of [["leads", m.mapping.leads], ["events", m.mapping.events]] as const) {
    if (!table) continue;
    let spec: SourceSpec;
    try {
      spec = sourceOf(table.from, base, m.place([key, "from"]));
    } catch (e) {
      problems.push(`${m.place([key, "from"])}: ${(e as Error).message}`);
      continue;
    }
    const name = describeSource(spec, cwd);
    const relation = await duck.relation(spec);
    const columns = await duck.columns(relation, name);
    for (const p of checkColumns(table, columns.map((c) => c.name), name) as MappingProblem[]) problems.push(`${m.place(p.path)}: ${p.message}`);
    const keyColumn = "id" in table ? table.id.column : table.lead.column;
    plans.push({ table, spec, name, relation, text: spec.kind === "files" && spec.format === "csv", columns: placesOf(table), select: selectWithIsoTimes(columns, relation), key: keyColumn });
  }
  if (problems.length) throw new MappingError(problems);
  // One stream ordered by lead id: lead rows first, then event rows, each in the source's order.
  const parts = plans.map((p, i) => `SELECT CAST(${ident(p.key)} AS VARCHAR) AS k, ${i} AS side, row_number() OVER () AS rn, CAST(to_json(__row) AS VARCHAR) AS j FROM (${p.select}) AS __row`);
  const sql = `SELECT k, side, rn, j FROM (${parts.join(" UNION ALL ")}) ORDER BY k, side, rn`;
  let n = 0;
  let cur: string | null = null;
  let pending: { record: LogRecord; where: string; order: number; columns: Record<string, string> }[] = [];
  const out: NumberedLine[] = [];
  const problemLine = (where: string, p: RowProblem): NumberedLine => ({ n: ++n, text: "", error: `\`${p.column}\`: ${p.reason}`, where });
  const flush = () => {
    // A lead's records in time order (stable: lead rows first at the same time, then the source's order).
    const epoch = pending.length ? epochOf(pending.reduce((a, b) => (minutesOf(b.record.at, null) < minutesOf(a.record.at, null) ? b : a)).record.at) : null;
    pending.sort((a, b) => minutesOf(a.record.at, epoch) - minutesOf(b.record.at, epoch) || a.order - b.order);
    for (const p of pending) out.push({ n: ++n, text: JSON.stringify(p.record), where: p.where, columns: p.columns });
    pending = [];
  };
  let order = 0;
  for await (const rows of duck.rows(sql, plans.map((p) => p.name).join(" and "))) {
    for (const [k, side, rn, j] of rows as [string | null, number, bigint | number, string][]) {
      const plan = plans[side]!;
      const where = `${plan.name} row ${rn}`;
      if (k === null || k === "") {
        out.push(problemLine(where, { column: plan.key, value: null, reason: "the row has no lead id; it is skipped" }));
        continue;
      }
      if (k !== cur) {
        flush();
        cur = k;
      }
      const row = JSON.parse(j) as Row;
      const r = "id" in plan.table ? leadRows(plan.table, row, k, plan.text) : (({ record, problems: ps }) => ({ records: record ? [record] : [], problems: ps }))(eventRow(plan.table, row, k, plan.text, opts.schema ? (e) => opts.schema!.events.get(e)?.fields : undefined));
      for (const p of r.problems) out.push(problemLine(where, p));
      for (const record of r.records) pending.push({ record: opts.coerce && plan.text ? opts.coerce(record) : record, where, order: order++, columns: plan.columns });
    }
    if (out.length >= 4096) {
      yield out.splice(0);
    }
  }
  flush();
  if (out.length) yield out;
}

/** The source column behind each place of a table's records. */
function placesOf(t: LeadTable | EventTable): Record<string, string> {
  const out: Record<string, string> = {};
  const col = (s: { kind: string; column?: string }) => (s.kind === "column" ? s.column! : "(a constant of the mapping)");
  if ("id" in t) {
    for (const [f, s] of t.fields) out[`fields.${f}`] = col(s);
    for (const d of t.events) for (const [f, s] of d.payload) out[`payload.${f}`] = col(s);
  } else {
    out["event"] = col(t.event);
    for (const [f, s] of t.payload) out[`payload.${f}`] = col(s);
  }
  return out;
}
