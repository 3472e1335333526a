/**
 * Every record checked against the workspace's schema (docs/data.md, "Validation"): field and
 * payload types, enum values, ISO 3166-1 country codes, emails and dates, unknown fields, events,
 * payload fields and consent purposes, consent methods, and, per lead, duplicate lead records,
 * records before the lead's record and leads without one. Pure: records in, problems and the
 * record to replay out. An invalid value is never used: it is left out (a lead or event field) or
 * made missing (an update), an unusable event is left out, and a withdrawal whose purpose cannot be
 * read withdraws every purpose (consent never fails open).
 */
import type { FieldInfo } from "../engine/compile.js";
import type { Value } from "../engine/trace.js";
import type { LogRecord } from "../engine/bulk/records.js";
import { COUNTRY_CODES } from "../checker/countries.js";
import { CONSENT_METHODS } from "../vocabulary.js";
import { nearest } from "./names.js";
import type { Schema } from "./coerce.js";

/** The kinds of problem, each a stable id (reports group by it; SARIF rule ids). */
export const PROBLEM_KINDS = {
  malformed: "a record that cannot be read (not JSON, a missing or invalid `type`, `lead`, `at`…); skipped",
  "invalid-type": "a value of the wrong type (text for a number, a list for one value…)",
  "invalid-enum": "a value that is not one of the enum's values",
  "invalid-country": "a country that is not an ISO 3166-1 alpha-2 code (`DE`)",
  "invalid-email": "an email address without one `@` between a name and a domain",
  "invalid-date": "a date that is not `YYYY-MM-DD` or does not exist",
  "unknown-field": "a lead field the schema does not declare",
  "unknown-event": "an event the schema does not declare",
  "unknown-payload-field": "a payload field the event does not declare",
  "unknown-purpose": "a consent purpose the rules do not declare (or none)",
  "invalid-consent-method": "a consent method that is not checkbox, double_opt_in, purchase, inquiry or import",
  "duplicate-lead": "a second lead record for the same lead",
  "before-lead": "records of a lead before its lead record",
  "no-lead": "a lead whose records have no lead record",
} as const;

export type ProblemKind = keyof typeof PROBLEM_KINDS;

export interface RecordProblem {
  kind: ProblemKind;
  /** Where in the record: `fields.country`, `payload.purpose`, `event`, `type`; a source column when the adapter knows it. */
  column: string;
  value: unknown;
  reason: string;
}

const TYPE_WORDS: Record<string, string> = { text: "text", number: "a number", boolean: "true or false", date: "a date (`YYYY-MM-DD`)", email: "an email address", country: "a country code (`DE`)", enum: "one of its values", list: "a list" };

function kindOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "string") return "text";
  if (typeof v === "number") return "a number";
  if (typeof v === "boolean") return v ? "`true`" : "`false`";
  return "an object";
}

function show(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? s.slice(0, 57) + "…" : s;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const EMAIL = /^[^\s@]+@[^\s@]+$/;

/** Why `v` is not a valid value of a field of type `f`, or null. */
export function valueProblem(f: Pick<FieldInfo, "type" | "values" | "element">, v: Value): { kind: ProblemKind; reason: string } | null {
  if (f.type === "list") {
    if (!Array.isArray(v)) return { kind: "invalid-type", reason: `${show(v)} is ${kindOf(v)}; the field is a list (write [${show(v)}])` };
    for (const x of v) {
      const p = valueProblem({ type: f.element ?? "text", values: f.values, element: null }, x as Value);
      if (p) return { kind: p.kind, reason: `item ${show(x)}: ${p.reason}` };
    }
    return null;
  }
  if (Array.isArray(v)) return { kind: f.type === "country" ? "invalid-country" : "invalid-type", reason: `${show(v)} is a list; the field takes ${TYPE_WORDS[f.type] ?? "one value"}, not a list` };
  switch (f.type) {
    case "number":
      if (typeof v === "number") return null;
      return { kind: "invalid-type", reason: typeof v === "string" && /^\s*-?[\d.,]+\s*$/.test(v) ? `${show(v)} is text; the field is a number (write ${v.trim().replace(/,/g, "")} without quotes${/,/.test(v) ? " or separators" : ""})` : `${show(v)} is ${kindOf(v)}; the field is a number` };
    case "boolean":
      return typeof v === "boolean" ? null : { kind: "invalid-type", reason: `${show(v)} is ${kindOf(v)}; the field is true or false` };
    case "text":
      return typeof v === "string" ? null : { kind: "invalid-type", reason: `${show(v)} is ${kindOf(v)}; the field is text` };
    case "email":
      if (typeof v !== "string") return { kind: "invalid-type", reason: `${show(v)} is ${kindOf(v)}; the field is an email address` };
      return EMAIL.test(v) ? null : { kind: "invalid-email", reason: `${show(v)} is not an email address (a name, one \`@\`, a domain, no spaces)` };
    case "date": {
      if (typeof v !== "string") return { kind: "invalid-type", reason: `${show(v)} is ${kindOf(v)}; the field is a date (\`YYYY-MM-DD\`)` };
      const m = DATE.exec(v);
      if (!m) return { kind: "invalid-date", reason: `${show(v)} is not a date written \`YYYY-MM-DD\`` };
      const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
      return mo >= 1 && mo <= 12 && d >= 1 && d <= new Date(Date.UTC(y, mo, 0)).getUTCDate() ? null : { kind: "invalid-date", reason: `${show(v)} is not a date that exists` };
    }
    case "country": {
      if (typeof v !== "string") return { kind: "invalid-country", reason: `${show(v)} is ${kindOf(v)}; a country is an ISO 3166-1 alpha-2 code (\`DE\`)` };
      if (COUNTRY_CODES.has(v)) return null;
      const t = v.trim();
      if (t !== v && COUNTRY_CODES.has(t.toUpperCase())) return { kind: "invalid-country", reason: `${show(v)} has spaces around the code; write ${show(t.toUpperCase())}` };
      if (COUNTRY_CODES.has(v.toUpperCase())) return { kind: "invalid-country", reason: `${show(v)} is not a country code: codes are upper case (${show(v.toUpperCase())})` };
      if (/^[A-Za-z]{2}$/.test(v)) return { kind: "invalid-country", reason: `${show(v)} is not an ISO 3166-1 alpha-2 country code` };
      return { kind: "invalid-country", reason: `${show(v)} is not a country code (ISO 3166-1 alpha-2, \`DE\`); an export's country names are mapped to codes in a mapping (docs/data.md)` };
    }
    case "enum": {
      if (typeof v === "string" && f.values.includes(v)) return null;
      const near = typeof v === "string" ? (f.values.find((x) => x.toLowerCase() === v.trim().toLowerCase()) ?? nearest(v, f.values)) : undefined;
      return { kind: typeof v === "string" ? "invalid-enum" : "invalid-type", reason: `${show(v)} is not one of ${f.values.map((x) => `\`${x}\``).join(", ")}${near ? `; did you mean \`${near}\`?` : ""}` };
    }
    default:
      return null;
  }
}

export interface Checked {
  /** The record to replay (invalid values left out or made missing), or null when it is left out. */
  record: LogRecord | null;
  problems: RecordProblem[];
}

/** Checks one record's values against the schema. */
export function validateRecord(schema: Schema, r: LogRecord): Checked {
  const problems: RecordProblem[] = [];
  if (r.type !== "event") {
    let fields: Record<string, Value> | null = null;
    for (const [k, v] of Object.entries(r.fields)) {
      const f = schema.fields.get(k);
      let drop = false;
      if (!f) {
        const near = nearest(k, [...schema.fields.keys()]);
        problems.push({ kind: "unknown-field", column: `fields.${k}`, value: v, reason: `the schema has no lead field \`${k}\`${near ? `; did you mean \`${near}\`?` : ""}; the value is not used` });
        drop = true;
      } else if (v !== null) {
        const p = valueProblem(f, v);
        if (p) {
          problems.push({ kind: p.kind, column: `fields.${k}`, value: v, reason: `${p.reason}; ${r.type === "update" ? "the field is missing from this record on" : "the value is not used"}` });
          drop = true;
        }
      }
      if (drop) {
        fields ??= { ...r.fields };
        if (r.type === "update" && f) fields[k] = null;
        else delete fields[k];
      }
    }
    return { record: fields ? { ...r, fields } : r, problems };
  }
  const e = schema.events.get(r.event);
  if (!e) {
    const near = nearest(r.event, [...schema.events.keys()]);
    return { record: null, problems: [{ kind: "unknown-event", column: "event", value: r.event, reason: `the schema has no event \`${r.event}\`${near ? `; did you mean \`${near}\`?` : ""}; the record is left out` }] };
  }
  if (r.event === "consent_given" || r.event === "consent_withdrawn") {
    const purpose = r.payload["purpose"];
    const known = typeof purpose === "string" && schema.consents.has(purpose);
    if (!known) {
      const near = typeof purpose === "string" ? nearest(purpose, [...schema.consents.keys()]) : undefined;
      const what = purpose === undefined || purpose === null ? "has no purpose" : `names the purpose ${show(purpose)}, which the rules do not declare${near ? ` (did you mean \`${near}\`?)` : ""}`;
      if (r.event === "consent_given") return { record: null, problems: [{ kind: "unknown-purpose", column: "payload.purpose", value: purpose ?? null, reason: `this consent ${what}; it is not taken as consent for anything` }] };
      // A withdrawal that cannot be matched to a purpose withdraws them all: never keep sending to someone who said stop.
      return { record: { type: "event", lead: r.lead, at: r.at, event: "unsubscribed", payload: {} }, problems: [{ kind: "unknown-purpose", column: "payload.purpose", value: purpose ?? null, reason: `this withdrawal ${what}; it withdraws every purpose (as \`unsubscribed\`)` }] };
    }
    if (r.event === "consent_given" && r.payload["method"] !== undefined && r.payload["method"] !== null && !(typeof r.payload["method"] === "string" && CONSENT_METHODS.includes(r.payload["method"]))) {
      const m = r.payload["method"];
      const near = typeof m === "string" ? nearest(m, CONSENT_METHODS) : undefined;
      return { record: null, problems: [{ kind: "invalid-consent-method", column: "payload.method", value: m, reason: `${show(m)} is not a consent method (${CONSENT_METHODS.join(", ")})${near ? `; did you mean \`${near}\`?` : ""}; the consent is not taken (an unknown method could be implied consent)` }] };
    }
  }
  let payload: Record<string, Value> | null = null;
  for (const [k, v] of Object.entries(r.payload)) {
    const f = e.fields.get(k);
    let drop = false;
    if (!f) {
      const near = nearest(k, [...e.fields.keys()]);
      problems.push({ kind: "unknown-payload-field", column: `payload.${k}`, value: v, reason: `the event \`${r.event}\` has no payload field \`${k}\`${near ? `; did you mean \`${near}\`?` : ""}; the value is not used` });
      drop = true;
    } else if (v !== null && !(k === "purpose" && e.builtin)) {
      const p = valueProblem(f, v);
      if (p) {
        problems.push({ kind: p.kind, column: `payload.${k}`, value: v, reason: `${p.reason}; the value is not used` });
        drop = true;
      }
    }
    if (drop) delete (payload ??= { ...r.payload })[k];
  }
  return { record: payload ? { ...r, payload } : r, problems };
}

/** The checks over one lead's records as they come (duplicate lead records, records before it, none). */
export class LeadRecordChecks {
  private hasLead = false;
  private before = 0;
  private firstWhere = "";

  constructor(readonly lead: string) {}

  /** A record of this lead, in order: its problems, and whether it is used. */
  next(r: LogRecord, where: string): { use: boolean; problem: RecordProblem | null } {
    if (r.type !== "lead") {
      if (!this.hasLead && this.before++ === 0) this.firstWhere = where;
      return { use: true, problem: null };
    }
    if (this.hasLead) return { use: false, problem: { kind: "duplicate-lead", column: "type", value: "lead", reason: `lead \`${this.lead}\` already has a lead record; this one is left out` } };
    this.hasLead = true;
    if (this.before > 0) return { use: true, problem: { kind: "before-lead", column: "type", value: "lead", reason: `${this.before} record${this.before === 1 ? "" : "s"} of lead \`${this.lead}\` ${this.before === 1 ? "comes" : "come"} before its lead record (the first at ${this.firstWhere}): they were replayed before its fields were known (so with an unknown country)` } };
    return { use: true, problem: null };
  }

  /** At the lead's end: a problem when it had no lead record. */
  end(): RecordProblem | null {
    if (this.hasLead) return null;
    return { kind: "no-lead", column: "type", value: null, reason: `lead \`${this.lead}\` has no lead record: its ${this.before} record${this.before === 1 ? " is" : "s are"} replayed with no fields (so with an unknown country)` };
  }
}
