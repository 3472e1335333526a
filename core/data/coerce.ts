/**
 * Text cells read as the schema's types. A CSV has no types: `5000` in a number column is how a
 * number is written there, so a mapped CSV's text is read as a number, a boolean or a list item
 * where the schema declares one (and only when the whole text is one: `5,000` or `5000 ` stay text
 * and the schema check reports them). JSON, Parquet and DuckDB values keep their own types: there a
 * text `"5000"` for a number field is a type error.
 */
import type { FieldInfo, EventInfo } from "../engine/compile.js";
import type { Value } from "../engine/trace.js";
import type { LogRecord } from "../engine/bulk/records.js";

export interface Schema {
  fields: Map<string, FieldInfo>;
  events: Map<string, EventInfo>;
  consents: Map<string, unknown>;
}

const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?$/;

function coerceOne(v: Value, type: string): Value {
  if (typeof v !== "string") return v;
  if (type === "number" && NUMBER.test(v)) return Number(v);
  if (type === "boolean") {
    const l = v.toLowerCase();
    if (l === "true") return true;
    if (l === "false") return false;
  }
  return v;
}

function coerceValue(v: Value, f: FieldInfo | undefined): Value {
  if (!f) return v;
  if (f.type === "list") return Array.isArray(v) ? v.map((x) => coerceOne(x as Value, f.element ?? "text")) : v;
  return coerceOne(v, f.type);
}

function coerceMap(m: Record<string, Value>, fields: Map<string, FieldInfo> | undefined): Record<string, Value> {
  if (!fields) return m;
  let out: Record<string, Value> | null = null;
  for (const [k, v] of Object.entries(m)) {
    const c = coerceValue(v, fields.get(k));
    if (c !== v) (out ??= { ...m })[k] = c;
  }
  return out ?? m;
}

/** A record of text cells with its values read as the schema's types. */
export function coerceTextRecord(schema: Schema, r: LogRecord): LogRecord {
  if (r.type === "event") {
    const payload = coerceMap(r.payload, schema.events.get(r.event)?.fields);
    return payload === r.payload ? r : { ...r, payload };
  }
  const fields = coerceMap(r.fields, schema.fields);
  return fields === r.fields ? r : { ...r, fields };
}
