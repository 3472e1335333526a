/**
 * A seeded generator of realistic synthetic event logs (docs/event-log.md):
 * any number of leads, deterministic for a seed, grouped by lead and in time
 * order. Lead fields and events follow the workspace schema. Optionally mixes
 * in malformed lines (for tests of the reader).
 */
import type { FieldInfo, EventInfo } from "../../core/engine/compile.js";
import type { Value } from "../../core/engine/trace.js";

export interface GenerateOptions {
  seed: number;
  leads: number;
  schema: { fields: Map<string, FieldInfo>; events: Map<string, EventInfo> };
  /** Insert a malformed line after every N good lines (0 = never). */
  malformedEvery?: number;
  /** `offsets` (default): `at` is a day offset; `iso`: ISO times from this date. */
  time?: "offsets" | { isoFrom: string };
  /** Average events per lead (default 12). */
  eventsPerLead?: number;
}

/** mulberry32: small, fast, deterministic. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const COUNTRIES: [string, number][] = [["NO", 8], ["SE", 8], ["DK", 5], ["FI", 4], ["DE", 10], ["AT", 3], ["FR", 6], ["GB", 7], ["NL", 4], ["ES", 4], ["US", 15], ["CA", 6], ["JP", 4], ["SG", 2], ["BR", 2]];
const DOMAINS = ["fjord-marine.example", "nordyard.example", "hafen-werft.example", "gmail.com", "outlook.com", "seto-marine.example", "halifax-yachts.example", "astillero.example"];
const NAMES = ["kari", "lars", "anna", "ben", "sofia", "marco", "dana", "kenji", "lucia", "sam", "ingrid", "mia", "ole", "emma"];
const URLS = ["/pricing", "/pricing/enterprise", "/blog/radar-basics", "/docs/setup", "/products/chartplotter", "/careers", "/contact"];
const TOPICS = ["Navigation 101", "Autopilot deep dive", "Radar for workboats"];

export function* generateLog(opts: GenerateOptions): Generator<string> {
  const r = rng(opts.seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const weighted = (xs: [string, number][]) => {
    const total = xs.reduce((a, [, w]) => a + w, 0);
    let x = r() * total;
    for (const [v, w] of xs) if ((x -= w) < 0) return v;
    return xs[0]![0];
  };
  const iso = typeof opts.time === "object" ? Date.parse(opts.time.isoFrom) : null;
  const at = (minutes: number): number | string => (iso !== null ? new Date(iso + minutes * 60000).toISOString() : Math.round((minutes / 1440) * 10000) / 10000);
  const valueFor = (f: FieldInfo, name: string): Value => {
    switch (f.type) {
      case "email":
        return `${pick(NAMES)}.${Math.floor(r() * 1000)}@${pick(DOMAINS)}`;
      case "country":
        return weighted(COUNTRIES);
      case "number":
        return /size|employees/.test(name) ? Math.floor(Math.exp(r() * 9)) : Math.floor(r() * 100000) / 100;
      case "boolean":
        return r() < 0.5;
      case "enum":
        return f.values.length ? pick(f.values) : null;
      case "date":
        return `2026-${String(1 + Math.floor(r() * 12)).padStart(2, "0")}-${String(1 + Math.floor(r() * 28)).padStart(2, "0")}`;
      case "list":
        return f.values.length ? [pick(f.values)] : [];
      default:
        return name === "url" ? pick(URLS) : name === "topic" ? pick(TOPICS) : `${name}-${Math.floor(r() * 50)}`;
    }
  };
  const userEvents = [...opts.schema.events.values()].filter((e) => !e.builtin).sort((a, b) => (a.name < b.name ? -1 : 1));
  const purposes = ["email_marketing", "sales_contact"];
  const mean = opts.eventsPerLead ?? 12;
  const every = opts.malformedEvery ?? 0;
  let good = 0;
  let bad = 0;
  const MALFORMED = [
    (id: string) => `{"type":"event","lead":"${id}","at":1,"event":"page_view"`,
    () => `this is not json`,
    (id: string) => `{"type":"visit","lead":"${id}","at":2}`,
    (id: string) => `{"type":"event","lead":"${id}","event":"page_view"}`,
    (id: string) => `{"type":"event","lead":"${id}","at":"yesterday","event":"x"}`,
    () => `[1,2,3]`,
    (id: string) => `{"type":"lead","lead":"${id}","at":0,"fields":{"size":{"nested":true}}}`,
  ];
  function* out(line: string, id: string): Generator<string> {
    yield line;
    good++;
    if (every > 0 && good % every === 0) yield MALFORMED[bad++ % MALFORMED.length]!(id);
  }
  for (let i = 0; i < opts.leads; i++) {
    const id = `L${String(i + 1).padStart(6, "0")}`;
    const fields: Record<string, Value> = {};
    for (const [name, f] of [...opts.schema.fields.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) if (r() > 0.04) fields[name] = valueFor(f, name);
    yield* out(JSON.stringify({ type: "lead", lead: id, at: at(0), fields }), id);
    let t = Math.floor(r() * 600);
    if (r() < 0.7) {
      const method = fields["country"] === "DE" || fields["country"] === "AT" ? (r() < 0.6 ? "double_opt_in" : "checkbox") : r() < 0.2 ? "double_opt_in" : "checkbox";
      yield* out(JSON.stringify({ type: "event", lead: id, at: at(t), event: "consent_given", payload: { purpose: pick(purposes), method } }), id);
    }
    const n = Math.max(1, Math.floor(-Math.log(1 - r()) * mean));
    for (let k = 0; k < n; k++) {
      t += Math.floor(-Math.log(1 - r()) * 60 * 24 * (r() < 0.7 ? 1 : 12));
      const u = r();
      let rec: object;
      if (u < 0.02) rec = { type: "event", lead: id, at: at(t), event: "unsubscribed", payload: {} };
      else if (u < 0.025) rec = { type: "event", lead: id, at: at(t), event: "erasure_requested", payload: {} };
      else if (u < 0.08) rec = { type: "event", lead: id, at: at(t), event: "sales_activity", payload: { kind: pick(["call", "email", "meeting"]) } };
      else if (u < 0.1 && opts.schema.fields.size) {
        const [name, f] = pick([...opts.schema.fields.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
        rec = { type: "update", lead: id, at: at(t), fields: { [name]: valueFor(f, name) } };
      } else if (userEvents.length) {
        const e = pick(userEvents);
        const payload: Record<string, Value> = {};
        for (const [name, f] of [...e.fields.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) payload[name] = valueFor(f, name);
        rec = { type: "event", lead: id, at: at(t), event: e.name, payload };
      } else rec = { type: "event", lead: id, at: at(t), event: "sales_activity", payload: { kind: "call" } };
      yield* out(JSON.stringify(rec), id);
    }
  }
}
