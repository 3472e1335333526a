/**
 * Event-log records (docs/event-log.md): one JSON object per line.
 * Pure parsing and validation; the line reader lives in runtime/bulk.
 */
import type { Value } from "../trace.js";
import { MAX_DAY, MAX_MINUTE, outOfRangeDay } from "../../time.js";

export type LogRecord =
  | { type: "lead"; lead: string; at: number | string; fields: Record<string, Value> }
  | { type: "update"; lead: string; at: number | string; fields: Record<string, Value> }
  | { type: "event"; lead: string; at: number | string; event: string; payload: Record<string, Value> };

export type ParsedLine = { ok: true; record: LogRecord } | { ok: false; reason: string };

function isValue(v: unknown): v is Value {
  if (v === null || typeof v === "string" || typeof v === "boolean") return true;
  if (typeof v === "number") return Number.isFinite(v);
  if (Array.isArray(v)) return v.every(isValue);
  return false;
}

function valueMap(v: unknown, what: string): Record<string, Value> | string {
  if (v === undefined) return {};
  if (typeof v !== "object" || v === null || Array.isArray(v)) return `\`${what}\` must be an object of field values`;
  // A parsed object is fresh: validate it in place instead of copying (a `__proto__` key still needs the copy).
  const o = v as Record<string, unknown>;
  let copy = false;
  for (const k of Object.keys(o)) {
    if (!isValue(o[k])) return `\`${what}.${k}\` must be text, a number, true/false, null or a list of those`;
    if (k === "__proto__") copy = true;
  }
  if (!copy && Object.getPrototypeOf(o) === Object.prototype) return o as Record<string, Value>;
  const out: Record<string, Value> = {};
  for (const [k, x] of Object.entries(o)) out[k] = x as Value;
  return out;
}

/** Parses one line. Blank lines are not records (the caller skips them). */
export function parseRecord(line: string): ParsedLine {
  let j: unknown;
  try {
    j = JSON.parse(line);
  } catch (e) {
    return { ok: false, reason: `not valid JSON (${(e as Error).message.replace(/^JSON\.parse: /, "")})` };
  }
  if (typeof j !== "object" || j === null || Array.isArray(j)) return { ok: false, reason: "a record must be a JSON object" };
  const o = j as Record<string, unknown>;
  if (o["type"] !== "lead" && o["type"] !== "event" && o["type"] !== "update") return { ok: false, reason: '`type` must be "lead", "event" or "update"' };
  if (typeof o["lead"] !== "string" || o["lead"] === "") return { ok: false, reason: "`lead` must be a non-empty text id" };
  const at = o["at"];
  if (typeof at === "number") {
    if (!Number.isFinite(at) || at < 0) return { ok: false, reason: "`at` must be a day offset >= 0 or an ISO date-time" };
    if (at > MAX_DAY) return { ok: false, reason: `\`at\`: ${outOfRangeDay(at, "the lead's day 0, or write an ISO date-time")}` };
  } else if (typeof at === "string") {
    if (Number.isNaN(Date.parse(at))) return { ok: false, reason: `\`at\` is not an ISO date-time: \`${at}\`` };
  } else return { ok: false, reason: "`at` is missing (a day offset like 3.5 or an ISO date-time)" };
  if (o["type"] === "event") {
    if (typeof o["event"] !== "string" || o["event"] === "") return { ok: false, reason: "`event` must name the event" };
    const payload = valueMap(o["payload"], "payload");
    if (typeof payload === "string") return { ok: false, reason: payload };
    return { ok: true, record: { type: "event", lead: o["lead"], at, event: o["event"], payload } };
  }
  const fields = valueMap(o["fields"], "fields");
  if (typeof fields === "string") return { ok: false, reason: fields };
  return { ok: true, record: { type: o["type"], lead: o["lead"], at, fields } };
}

/**
 * Converts record times to minutes since the lead's day 0. Numbers are day
 * offsets; ISO times count from 00:00 UTC of the date of the lead's first record.
 */
export function minutesOf(at: number | string, epochMs: number | null): number {
  if (typeof at === "number") return Math.round(at * 1440);
  return Math.max(0, Math.floor((Date.parse(at) - (epochMs ?? 0)) / 60000));
}

/**
 * Why a record's time (minutes since the lead's day 0, from `minutesOf`) cannot be used, or null:
 * an ISO time more than `MAX_DAY` days after the lead's first record.
 */
export function timeProblem(minutes: number, at: number | string): string | null {
  if (minutes <= MAX_MINUTE) return null;
  return `\`at\`: ${typeof at === "string" ? `\`${at}\` is ${Math.floor(minutes / 1440)} days after the lead's first record, beyond the last day the clock counts (day ${MAX_DAY.toLocaleString("en-US")}, about 2,700 years)` : outOfRangeDay(at, "the lead's day 0, or write an ISO date-time")}`;
}

export function epochOf(first: number | string): number | null {
  if (typeof first === "number") return null;
  const d = new Date(Date.parse(first));
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
}

// A strict subset of the record syntax (the shape JSON.stringify writes: keys type, lead, at, then event,
// then payload or fields; plain strings without escapes, plain numbers, flat lists). Any line it accepts,
// `parseRecord` accepts with the same type, lead and time; anything else goes to `parseRecord`.
const S = '[^"\\\\\\u0000-\\u001f]';
const NUM = "-?(?:0|[1-9]\\d{0,15})(?:\\.\\d{1,20})?";
const SV = `(?:"${S}*"|${NUM}|true|false|null)`;
const V = `(?:${SV}|\\[(?:${SV}(?:,${SV})*)?\\])`;
const MAP = `\\{(?:"${S}*":${V}(?:,"${S}*":${V})*)?\\}`;
const SIMPLE = new RegExp(`^\\{"type":"(lead|event|update)","lead":"(${S}+)","at":(?:((?:0|[1-9]\\d{0,15})(?:\\.\\d{1,20})?)|"(${S}+)")(?:,"event":"(${S}+)")?(?:,"(?:payload|fields)":${MAP})?\\}$`);

/**
 * A fast check for well-formed simple lines: returns the record's type, lead
 * and time without building the record, or null when the line needs
 * `parseRecord` (which decides whether it is valid and why not).
 */
export function scanRecord(line: string): { type: LogRecord["type"]; lead: string; at: number | string } | null {
  const m = SIMPLE.exec(line);
  if (!m) return null;
  const type = m[1] as LogRecord["type"];
  if (type === "event" && m[5] === undefined) return null;
  if (m[3] !== undefined) {
    const at = Number(m[3]);
    // Out of range: `parseRecord` says why.
    return at > MAX_DAY ? null : { type, lead: m[2]!, at };
  }
  const at = m[4]!;
  if (Number.isNaN(Date.parse(at))) return null;
  return { type, lead: m[2]!, at };
}
