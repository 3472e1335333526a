/**
 * The mapping from a data source's shape to the workspace's schema (docs/data.md, "Mappings"):
 * `crmrules.map.json`, declared once beside the rules. Pure: the JSON value in, the mapping and
 * its problems out (each with the JSON path it is about, which the adapter turns into a line and
 * column), and rows converted to event-log records.
 */
import type { Value } from "../engine/trace.js";
import type { LogRecord } from "../engine/bulk/records.js";
import { nearest } from "./names.js";

export type JsonPath = (string | number)[];

export interface MappingProblem {
  path: JsonPath;
  message: string;
  /** The problem is the key at `path` itself (an unknown key), not its value. */
  key?: boolean;
}

/** How a time column is written. */
export type TimeFormat =
  | { kind: "iso" }
  | { kind: "epoch_s" }
  | { kind: "epoch_ms" }
  | { kind: "days" }
  /** A pattern of `YYYY`, `MM`/`M`, `DD`/`D`, `HH`/`H`, `mm`, `ss` and literal characters, in `zone`. */
  | { kind: "pattern"; pattern: string; zone: number };

export interface TimeSpec {
  column: string;
  format: TimeFormat;
  path: JsonPath;
}

/** A value from a column (optionally mapped, split into a list), or a constant. */
export type ValueSpec =
  | { kind: "column"; column: string; values: Map<string, Value> | null; split: string | null; format: TimeFormat | null; path: JsonPath }
  | { kind: "constant"; value: Value; path: JsonPath };

/** An event made from a lead row (a consent column of a contacts export). */
export interface DerivedEvent {
  event: string;
  /** The row gives the event when this column has a value (and, with `equals`, one of those). */
  when: { column: string; equals: string[] | null; path: JsonPath };
  time: TimeSpec | null;
  payload: Map<string, ValueSpec>;
  path: JsonPath;
}

export interface LeadTable {
  from: unknown;
  id: { column: string; path: JsonPath };
  time: TimeSpec;
  fields: Map<string, ValueSpec>;
  events: DerivedEvent[];
}

export interface EventTable {
  from: unknown;
  lead: { column: string; path: JsonPath };
  time: TimeSpec;
  event: ValueSpec;
  payload: Map<string, ValueSpec>;
  /** A column of JSON properties (text or a struct), with key renames. */
  properties: { column: string; names: Map<string, string>; path: JsonPath } | null;
}

export interface Mapping {
  leads: LeadTable | null;
  events: EventTable | null;
}

const TOP = ["$schema", "leads", "events"];
const LEADS = ["from", "id", "time", "fields", "events"];
const EVENTS = ["from", "lead", "time", "event", "payload", "properties"];

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Reads a mapping file's JSON value; every problem is listed (the mapping is null when any is found). */
export function parseMapping(json: unknown): { mapping: Mapping | null; problems: MappingProblem[] } {
  const problems: MappingProblem[] = [];
  const bad = (path: JsonPath, message: string) => void problems.push({ path, message });
  const keys = (o: Record<string, unknown>, allowed: string[], path: JsonPath) => {
    for (const k of Object.keys(o))
      if (!allowed.includes(k)) {
        const near = nearest(k, allowed);
        problems.push({ path: [...path, k], message: `unknown key \`${k}\`${near ? `; did you mean \`${near}\`?` : ""} (allowed: ${allowed.join(", ")})`, key: true });
      }
  };
  const column = (v: unknown, path: JsonPath, what: string): string | null => {
    if (typeof v === "string" && v !== "") return v;
    bad(path, `${what} must name a column (a non-empty text)`);
    return null;
  };
  const timeFormat = (v: unknown, zone: unknown, path: JsonPath): TimeFormat | null => {
    if (v === undefined || v === "iso") return { kind: "iso" };
    if (v === "epoch_s" || v === "epoch_ms" || v === "days") return { kind: v };
    if (typeof v === "string" && /YYYY/.test(v) && /M/.test(v) && /D/.test(v)) {
      const z = zone === undefined ? 0 : parseZone(zone);
      if (z === null) {
        bad([...path.slice(0, -1), "zone"], '`zone` must be "UTC" or an offset such as "+01:00"');
        return null;
      }
      return { kind: "pattern", pattern: v, zone: z };
    }
    bad(path, '`format` must be "iso", "epoch_s", "epoch_ms", "days" or a pattern such as "YYYY-MM-DD HH:mm" or "M/D/YYYY"');
    return null;
  };
  const time = (v: unknown, path: JsonPath): TimeSpec | null => {
    if (typeof v === "string") return v ? { column: v, format: { kind: "iso" }, path } : (bad(path, "`time` must name a column"), null);
    if (!isObj(v)) return bad(path, '`time` must name a column, or be {"column": …, "format": …}'), null;
    keys(v, ["column", "format", "zone"], path);
    const c = column(v["column"], [...path, "column"], "`time.column`");
    const f = timeFormat(v["format"], v["zone"], [...path, "format"]);
    return c && f ? { column: c, format: f, path: [...path, "column"] } : null;
  };
  const value = (v: unknown, path: JsonPath): ValueSpec | null => {
    if (typeof v === "string") return v ? { kind: "column", column: v, values: null, split: null, format: null, path } : (bad(path, "a column name must not be empty"), null);
    if (!isObj(v)) return bad(path, 'must name a column, or be {"column": …, "values": {…}} or {"value": …}'), null;
    if ("value" in v) {
      keys(v, ["value"], path);
      const c = v["value"];
      if (c === null || typeof c === "string" || typeof c === "number" || typeof c === "boolean") return { kind: "constant", value: c, path: [...path, "value"] };
      return bad([...path, "value"], "`value` must be text, a number, true or false"), null;
    }
    keys(v, ["column", "values", "split", "format", "zone"], path);
    const c = column(v["column"], [...path, "column"], "`column`");
    let values: Map<string, Value> | null = null;
    if (v["values"] !== undefined) {
      if (!isObj(v["values"])) bad([...path, "values"], '`values` must map the data\'s values to the schema\'s: {"Germany": "DE"}');
      else {
        values = new Map();
        for (const [k, x] of Object.entries(v["values"])) {
          if (x === null || typeof x === "string" || typeof x === "number" || typeof x === "boolean") values.set(k, x);
          else bad([...path, "values", k], "a mapped value must be text, a number, true, false or null");
        }
      }
    }
    const split = v["split"] === undefined ? null : typeof v["split"] === "string" && v["split"] !== "" ? v["split"] : (bad([...path, "split"], "`split` must be the separator of a list's items, such as \";\""), null);
    const format = v["format"] === undefined ? null : timeFormat(v["format"], v["zone"], [...path, "format"]);
    return c ? { kind: "column", column: c, values, split, format, path: [...path, "column"] } : null;
  };
  const valueMap = (v: unknown, path: JsonPath, what: string): Map<string, ValueSpec> => {
    const out = new Map<string, ValueSpec>();
    if (v === undefined) return out;
    if (!isObj(v)) return bad(path, `\`${what}\` must map the schema's names to columns: {"email": "Email"}`), out;
    for (const [k, x] of Object.entries(v)) {
      const s = value(x, [...path, k]);
      if (s) out.set(k, s);
    }
    return out;
  };
  if (!isObj(json)) return { mapping: null, problems: [{ path: [], message: 'a mapping is a JSON object with "leads" and/or "events"' }] };
  keys(json, TOP, []);
  let leads: LeadTable | null = null;
  let events: EventTable | null = null;
  const l = json["leads"];
  if (l !== undefined) {
    if (!isObj(l)) bad(["leads"], "`leads` must be an object");
    else {
      keys(l, LEADS, ["leads"]);
      if (l["from"] === undefined) bad(["leads"], "`leads` needs `from`: the source of the lead rows");
      const id = column(l["id"], ["leads", "id"], "`leads.id`");
      const t = time(l["time"], ["leads", "time"]);
      const fields = valueMap(l["fields"], ["leads", "fields"], "fields");
      const derived: DerivedEvent[] = [];
      if (l["events"] !== undefined) {
        if (!Array.isArray(l["events"])) bad(["leads", "events"], "`leads.events` must be a list of events made from lead rows");
        else
          l["events"].forEach((e, i) => {
            const p: JsonPath = ["leads", "events", i];
            if (!isObj(e)) return bad(p, 'each must be {"event": …, "when": …}');
            keys(e, ["event", "when", "time", "payload"], p);
            const name = typeof e["event"] === "string" && e["event"] ? e["event"] : (bad([...p, "event"], "`event` must name the event"), null);
            let when: DerivedEvent["when"] | null = null;
            const w = e["when"];
            if (typeof w === "string" && w) when = { column: w, equals: null, path: [...p, "when"] };
            else if (isObj(w)) {
              keys(w, ["column", "equals"], [...p, "when"]);
              const c = column(w["column"], [...p, "when", "column"], "`when.column`");
              const eq = w["equals"];
              const list = eq === undefined ? null : Array.isArray(eq) && eq.every((x) => typeof x === "string") ? (eq as string[]) : typeof eq === "string" ? [eq] : (bad([...p, "when", "equals"], "`equals` must be a text or a list of texts"), null);
              if (c) when = { column: c, equals: list, path: [...p, "when", "column"] };
            } else bad([...p, "when"], '`when` must name a column (the event happens where it has a value), or be {"column": …, "equals": […]}');
            const tt = e["time"] === undefined ? null : time(e["time"], [...p, "time"]);
            const payload = valueMap(e["payload"], [...p, "payload"], "payload");
            if (name && when) derived.push({ event: name, when, time: tt, payload, path: p });
          });
      }
      if (id && t) leads = { from: l["from"], id: { column: id, path: ["leads", "id"] }, time: t, fields, events: derived };
    }
  }
  const e = json["events"];
  if (e !== undefined) {
    if (!isObj(e)) bad(["events"], "`events` must be an object");
    else {
      keys(e, EVENTS, ["events"]);
      if (e["from"] === undefined) bad(["events"], "`events` needs `from`: the source of the event rows");
      const lead = column(e["lead"], ["events", "lead"], "`events.lead`");
      const t = time(e["time"], ["events", "time"]);
      const ev = e["event"] === undefined ? (bad(["events"], "`events` needs `event`: the column of the event's name"), null) : value(e["event"], ["events", "event"]);
      const payload = valueMap(e["payload"], ["events", "payload"], "payload");
      let properties: EventTable["properties"] = null;
      const pr = e["properties"];
      if (typeof pr === "string" && pr) properties = { column: pr, names: new Map(), path: ["events", "properties"] };
      else if (isObj(pr)) {
        keys(pr, ["column", "names"], ["events", "properties"]);
        const c = column(pr["column"], ["events", "properties", "column"], "`properties.column`");
        const names = new Map<string, string>();
        if (pr["names"] !== undefined) {
          if (!isObj(pr["names"])) bad(["events", "properties", "names"], '`names` must rename properties to payload fields: {"page_url": "url"}');
          else for (const [k, x] of Object.entries(pr["names"])) typeof x === "string" && x ? names.set(k, x) : bad(["events", "properties", "names", k], "a payload field name must be a non-empty text");
        }
        if (c) properties = { column: c, names, path: ["events", "properties", "column"] };
      } else if (pr !== undefined) bad(["events", "properties"], '`properties` must name a column of JSON properties, or be {"column": …, "names": {…}}');
      if (lead && t && ev) events = { from: e["from"], lead: { column: lead, path: ["events", "lead"] }, time: t, event: ev, payload, properties };
    }
  }
  if (l === undefined && e === undefined) bad([], 'a mapping needs "leads", "events" or both');
  return { mapping: problems.length ? null : { leads, events }, problems };
}

function parseZone(z: unknown): number | null {
  if (z === "UTC" || z === "Z") return 0;
  if (typeof z !== "string") return null;
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(z);
  if (!m) return null;
  return (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}

/** Every column a table of the mapping reads, with the JSON path that names it (for the did-you-mean check). */
export function columnsOf(t: LeadTable | EventTable): { column: string; path: JsonPath }[] {
  const out: { column: string; path: JsonPath }[] = [];
  const add = (s: ValueSpec) => s.kind === "column" && out.push({ column: s.column, path: s.path });
  if ("id" in t) {
    out.push(t.id, t.time);
    t.fields.forEach(add);
    for (const d of t.events) {
      out.push(d.when);
      if (d.time) out.push(d.time);
      d.payload.forEach(add);
    }
  } else {
    out.push(t.lead, t.time);
    add(t.event);
    t.payload.forEach(add);
    if (t.properties) out.push(t.properties);
  }
  return out;
}

/** Problems of a table's columns against the columns the source has: did-you-mean for each missing one. */
export function checkColumns(t: LeadTable | EventTable, have: readonly string[], source: string): MappingProblem[] {
  const problems: MappingProblem[] = [];
  for (const { column, path } of columnsOf(t)) {
    if (have.includes(column)) continue;
    const near = nearest(column, have);
    problems.push({ path, message: `${source} has no column \`${column}\`${near ? `; did you mean \`${near}\`?` : ""} (its columns: ${have.map((c) => `\`${c}\``).join(", ")})` });
  }
  return problems;
}

// ---------------------------------------------------------------- rows to records

/** A row as DuckDB's JSON gives it: column name to a JSON value. */
export type Row = Record<string, unknown>;

/** A problem with one row: the column, the value and why it was not used. */
export interface RowProblem {
  column: string;
  value: unknown;
  reason: string;
}

/** Milliseconds since 1970 of a time cell, or why it cannot be read. */
export function timeOf(v: unknown, f: TimeFormat): number | string {
  if (v === null || v === undefined || v === "") return "no time";
  switch (f.kind) {
    case "epoch_s":
    case "epoch_ms": {
      const n = typeof v === "number" ? v : typeof v === "string" && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : NaN;
      if (!Number.isFinite(n)) return `\`${show(v)}\` is not a number of ${f.kind === "epoch_s" ? "seconds" : "milliseconds"} since 1970`;
      const ms = f.kind === "epoch_s" ? n * 1000 : n;
      // Milliseconds before March 1973 are far more likely seconds.
      if (f.kind === "epoch_ms" && Math.abs(n) < 1e11) return `\`${show(v)}\` is in the year ${new Date(ms).getUTCFullYear()} as milliseconds since 1970; it looks like seconds (format "epoch_s")`;
      const y = new Date(ms).getUTCFullYear();
      if (Number.isNaN(y) || y < 1900 || y > 2199) return `\`${show(v)}\` is ${Number.isNaN(y) ? "not a time" : `in the year ${y}`} as ${f.kind === "epoch_s" ? "seconds" : "milliseconds"} since 1970${f.kind === "epoch_s" && y > 2199 ? "; it looks like milliseconds (format \"epoch_ms\")" : f.kind === "epoch_ms" && y < 1971 ? '; it looks like seconds (format "epoch_s")' : ""}`;
      return ms;
    }
    case "days":
      return "day offsets are not a time of their own"; // handled by the caller
    case "iso": {
      if (typeof v !== "string") return `\`${show(v)}\` is not an ISO date-time (a time column with format "iso" holds text or timestamps)`;
      const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(Z|UTC|[+-]\d{2}(?::?\d{2})?)?)?$/.exec(v.trim() === v ? v : "");
      if (!m) return `\`${v}\` is not an ISO date-time (as \`2026-01-05T10:00:00Z\`)`;
      if (m[4] !== undefined && m[8] === undefined) return `\`${v}\` has no time zone; add one to the data, or give the column a pattern format with a \`zone\``;
      const zone = m[8] === undefined || m[8] === "Z" || m[8] === "UTC" ? 0 : parseZone(m[8].length === 3 ? `${m[8]}:00` : m[8])!;
      return partsToMs(v, [m[1], m[2], m[3], m[4], m[5], m[6], m[7]], zone);
    }
    case "pattern": {
      if (typeof v !== "string") return `\`${show(v)}\` is not text written as \`${f.pattern}\``;
      const { re, order } = patternRegex(f.pattern);
      const m = re.exec(v);
      if (!m) return `\`${v}\` is not written as \`${f.pattern}\``;
      const parts: (string | undefined)[] = [undefined, undefined, undefined, undefined, undefined, undefined, undefined];
      order.forEach((k, i) => (parts[k] = m[i + 1]));
      return partsToMs(v, parts, f.zone);
    }
  }
}

function partsToMs(v: string, p: (string | undefined)[], zoneMinutes: number): number | string {
  const [y, mo, d, h, mi, s] = p.slice(0, 6).map((x) => Number(x ?? 0)) as [number, number, number, number, number, number];
  const frac = p[6] ? Number(`0.${p[6]}`) * 1000 : 0;
  if (mo < 1 || mo > 12 || d < 1 || d > new Date(Date.UTC(y, mo, 0)).getUTCDate() || h > 23 || mi > 59 || s > 59) return `\`${v}\` is not a date that exists`;
  if (y < 1900 || y > 2199) return `\`${v}\` is outside the years a log may use (1900 to 2199)`;
  return Date.UTC(y, mo - 1, d, h, mi, s) + Math.floor(frac) - zoneMinutes * 60000;
}

const TOKENS: [string, number, string][] = [
  ["YYYY", 0, "(\\d{4})"],
  ["MM", 1, "(\\d{2})"],
  ["M", 1, "(\\d{1,2})"],
  ["DD", 2, "(\\d{2})"],
  ["D", 2, "(\\d{1,2})"],
  ["HH", 3, "(\\d{2})"],
  ["H", 3, "(\\d{1,2})"],
  ["mm", 4, "(\\d{2})"],
  ["ss", 5, "(\\d{2})"],
];
const patterns = new Map<string, { re: RegExp; order: number[] }>();

function patternRegex(pattern: string): { re: RegExp; order: number[] } {
  const hit = patterns.get(pattern);
  if (hit) return hit;
  let src = "";
  const order: number[] = [];
  for (let i = 0; i < pattern.length; ) {
    const t = TOKENS.find(([tok]) => pattern.startsWith(tok, i));
    if (t) {
      src += t[2];
      order.push(t[1]);
      i += t[0].length;
    } else {
      src += pattern[i]!.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      i++;
    }
  }
  const out = { re: new RegExp(`^${src}$`), order };
  patterns.set(pattern, out);
  return out;
}

function show(v: unknown): string {
  const s = typeof v === "string" ? v : JSON.stringify(v);
  return s.length > 60 ? s.slice(0, 57) + "…" : s;
}

/** A cell as a record value: JSON values as they are; text from a CSV (`text`) stays text (the schema check converts). */
function cellValue(v: unknown): Value | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
  if (Array.isArray(v)) return v.map((x) => (x === null || typeof x === "string" || typeof x === "number" || typeof x === "boolean" ? x : JSON.stringify(x))) as Value;
  return JSON.stringify(v);
}

/** The value a spec gives for a row (undefined: no value), with its value map applied. */
export function valueOf(s: ValueSpec, row: Row, textCells: boolean): Value | undefined {
  if (s.kind === "constant") return s.value;
  let v = cellValue(row[s.column]);
  if (v === undefined || (textCells && v === "")) return undefined;
  const map = (x: Value): Value => (s.values && typeof x === "string" && s.values.has(x) ? s.values.get(x)! : s.values && typeof x !== "object" && x !== null && s.values.has(String(x)) ? s.values.get(String(x))! : x);
  if (s.split !== null && typeof v === "string") return v.split(s.split).map((x) => x.trim()).filter((x) => x !== "").map(map);
  if (Array.isArray(v)) return v.map(map);
  v = map(v);
  if (s.format && v !== null) {
    const ms = timeOf(v, s.format);
    if (typeof ms === "number") return new Date(ms).toISOString().slice(0, 10);
  }
  return v;
}

/** The record `at` of a time cell (an ISO time in UTC, or a day offset), or a problem. */
export function atOf(t: TimeSpec, row: Row): number | string | RowProblem {
  const v = row[t.column];
  if (t.format.kind === "days") {
    const n = typeof v === "number" ? v : typeof v === "string" && /^\d+(\.\d+)?$/.test(v) ? Number(v) : NaN;
    return Number.isFinite(n) && n >= 0 ? n : { column: t.column, value: v ?? null, reason: `\`${show(v)}\` is not a day offset (a number of days from the lead's day 0)` };
  }
  const ms = timeOf(v, t.format);
  if (typeof ms === "string") return { column: t.column, value: v ?? null, reason: ms };
  return new Date(ms).toISOString();
}

/** One lead row as a `lead` record plus the events it makes (`leads.events`), or the problems that keep it out. */
export function leadRows(t: LeadTable, row: Row, lead: string, textCells: boolean): { records: LogRecord[]; problems: RowProblem[] } {
  const problems: RowProblem[] = [];
  const at = atOf(t.time, row);
  if (typeof at === "object") return { records: [], problems: [at] };
  const fields: Record<string, Value> = {};
  for (const [name, s] of t.fields) {
    const v = valueOf(s, row, textCells);
    if (v !== undefined) fields[name] = v;
  }
  const records: LogRecord[] = [{ type: "lead", lead, at, fields }];
  for (const d of t.events) {
    const w = cellValue(row[d.when.column]);
    if (w === undefined || w === "" || (d.when.equals && !d.when.equals.includes(String(w)))) continue;
    let eat: number | string = at;
    if (d.time) {
      const x = atOf(d.time, row);
      if (typeof x === "object") {
        problems.push({ ...x, reason: `${x.reason}; the \`${d.event}\` event of this row is left out` });
        continue;
      }
      eat = x;
    }
    const payload: Record<string, Value> = {};
    for (const [name, s] of d.payload) {
      const v = valueOf(s, row, textCells);
      if (v !== undefined) payload[name] = v;
    }
    records.push({ type: "event", lead, at: eat, event: d.event, payload });
  }
  return { records, problems };
}

/** One event row as an `event` record, or the problem that keeps it out. */
export function eventRow(t: EventTable, row: Row, lead: string, textCells: boolean, declared?: (event: string) => { has(field: string): boolean } | undefined): { record: LogRecord | null; problems: RowProblem[] } {
  const at = atOf(t.time, row);
  if (typeof at === "object") return { record: null, problems: [at] };
  const name = valueOf(t.event, row, textCells);
  if (typeof name !== "string" || name === "") return { record: null, problems: [{ column: t.event.kind === "column" ? t.event.column : "event", value: name ?? null, reason: "the event has no name" }] };
  const payload: Record<string, Value> = {};
  const problems: RowProblem[] = [];
  if (t.properties) {
    let p = row[t.properties.column];
    if (typeof p === "string" && p !== "") {
      try {
        p = JSON.parse(p);
      } catch {
        problems.push({ column: t.properties.column, value: p, reason: "the properties are not valid JSON; none are used" });
        p = undefined;
      }
    }
    if (p !== null && p !== undefined && p !== "") {
      if (typeof p !== "object" || Array.isArray(p)) problems.push({ column: t.properties.column, value: p, reason: "the properties must be a JSON object; none are used" });
      else
        for (const [k, x] of Object.entries(p as Record<string, unknown>)) {
          const v = cellValue(x);
          if (v !== undefined) payload[t.properties.names.get(k) ?? k] = v;
        }
    }
  }
  // Payload columns belong to the events that declare their field (a wide table has columns for every event).
  const has = declared?.(name);
  for (const [field, s] of t.payload) {
    if (has && !has.has(field)) continue;
    const v = valueOf(s, row, textCells);
    if (v !== undefined) payload[field] = v;
  }
  return { record: { type: "event", lead, at, event: name, payload }, problems };
}
