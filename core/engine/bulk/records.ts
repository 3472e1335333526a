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

/**
 * ISO 8601 as the log takes it: a calendar date (`2026-01-05`, 00:00 UTC) or a date-time with
 * minutes and a zone (`2026-01-05T10:00Z`, `2026-01-05T10:00:00.000+01:00`). A date-time without
 * a zone would be read in the machine's own zone, so it is not accepted; nor is anything else
 * `Date.parse` guesses at (`March 7`).
 */
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}(?::?\d{2})?))?$/;

/** The stated range of ISO times in a log: years 1900 to 2199 (a two-digit or mistyped year is caught). */
export const ISO_YEARS = { from: 1900, to: 2199 } as const;

/** Milliseconds since 1970 of an ISO time as the log takes it, or why it is not one. */
export function parseIsoTime(at: string): number | string {
  const m = ISO.exec(at);
  if (!m && /^[+-]\d{6}-\d{2}-\d{2}/.test(at)) return `\`at\`: \`${at}\` is outside the years a log may use (${ISO_YEARS.from} to ${ISO_YEARS.to})`;
  if (!m) return /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(at) ? `\`at\`: \`${at}\` has no time zone; add one (\`Z\` for UTC, or an offset such as \`+01:00\`)` : `\`at\` is not an ISO date-time: \`${at}\``;
  const [y, mo, d, h, mi, sec] = [m[1], m[2], m[3], m[4] ?? "0", m[5] ?? "0", m[6] ?? "0"].map(Number) as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > new Date(Date.UTC(y, mo, 0)).getUTCDate() || h > 23 || mi > 59 || sec > 59) return `\`at\`: \`${at}\` is not a date that exists`;
  if (y < ISO_YEARS.from || y > ISO_YEARS.to) return `\`at\`: \`${at}\` is outside the years a log may use (${ISO_YEARS.from} to ${ISO_YEARS.to})`;
  const z = m[7];
  const zone = z === undefined || z === "Z" ? (z ?? "") : z.length === 3 ? `${z}:00` : z.length === 5 ? `${z.slice(0, 3)}:${z.slice(3)}` : z;
  const ms = Date.parse(z === undefined ? at : at.slice(0, at.length - z.length).replace(" ", "T") + zone);
  return Number.isNaN(ms) ? `\`at\` is not an ISO date-time: \`${at}\`` : ms;
}

/** Parses one line. Blank lines are not records (the caller skips them). */
export function parseRecord(line: string): ParsedLine {
  let j: unknown;
  try {
    j = JSON.parse(line);
  } catch (e) {
    return { ok: false, reason: `not valid JSON (${(e as Error).message.replace(/^JSON\.parse: /, "")})` };
  }
  return recordFromObject(j);
}

/** A record from a JSON value (a parsed line, or a row that a data source gives in the log's own shape). */
export function recordFromObject(j: unknown): ParsedLine {
  if (typeof j !== "object" || j === null || Array.isArray(j)) return { ok: false, reason: "a record must be a JSON object" };
  const o = j as Record<string, unknown>;
  if (o["type"] !== "lead" && o["type"] !== "event" && o["type"] !== "update") return { ok: false, reason: '`type` must be "lead", "event" or "update"' };
  if (typeof o["lead"] !== "string" || o["lead"] === "") return { ok: false, reason: "`lead` must be a non-empty text id" };
  const at = o["at"];
  if (typeof at === "number") {
    if (!Number.isFinite(at) || at < 0) return { ok: false, reason: "`at` must be a day offset >= 0 or an ISO date-time" };
    if (at > MAX_DAY) return { ok: false, reason: `\`at\`: ${outOfRangeDay(at, "the lead's day 0, or write an ISO date-time")}` };
  } else if (typeof at === "string") {
    const ms = parseIsoTime(at);
    if (typeof ms === "string") return { ok: false, reason: ms };
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
  return Math.max(0, Math.floor((isoMs(at) - (epochMs ?? 0)) / 60000));
}

/**
 * Why a record's time (minutes since the lead's day 0, from `minutesOf`) cannot be used, or null:
 * an ISO time more than `MAX_DAY` days after the lead's first record.
 */
export function timeProblem(minutes: number, at: number | string): string | null {
  if (minutes <= MAX_MINUTE) return null;
  return `\`at\`: ${typeof at === "string" ? `\`${at}\` is ${Math.floor(minutes / 1440)} days after the lead's first record, beyond the last day the clock counts (day ${MAX_DAY.toLocaleString("en-US")}, about 2,700 years)` : outOfRangeDay(at, "the lead's day 0, or write an ISO date-time")}`;
}

/** The milliseconds of an ISO time `parseRecord` accepted (a date-time with a space instead of `T` included). */
function isoMs(at: string): number {
  const ms = parseIsoTime(at);
  return typeof ms === "number" ? ms : NaN;
}

export function epochOf(first: number | string): number | null {
  if (typeof first === "number") return null;
  const d = new Date(isoMs(first));
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
  if (typeof parseIsoTime(at) === "string") return null;
  return { type, lead: m[2]!, at };
}
