/**
 * A seeded generator of realistic synthetic event logs (docs/event-log.md):
 * any number of leads, deterministic for a seed, grouped by lead and in time
 * order. Lead fields and events follow the workspace schema, consent events its
 * consent purposes, and text and number values often take the literals its rules
 * test (`url starts_with "/pricing"` gives `/pricing…` urls), so that a log made
 * for a workspace exercises its rules. Optionally mixes in malformed lines (for
 * tests of the reader).
 */
import type { FieldInfo, EventInfo } from "../../core/engine/compile.js";
import type { Value } from "../../core/engine/trace.js";
import type * as A from "../../core/syntax/ast.js";
import { CONSENT_METHODS } from "../../core/vocabulary.js";
import { Rng } from "../../core/rng.js";

/** What the rules test, per field name (`url`, `role`, `email.domain` for `lead.email.domain`). */
export interface RuleLiterals {
  /** Text values that make a test true: `/pricing` for `starts_with "/pricing"` (kept with the operator). */
  text: Map<string, { op: string; value: string }[]>;
  numbers: Map<string, number[]>;
  /** Consent methods the rules name (`implied 6 months after inquiry`). */
  methods: string[];
}

export interface GenerateOptions {
  seed: number;
  leads: number;
  /** The workspace's schema; `consents` (its consent purposes) decide the purposes of `consent_given` events. */
  schema: { fields: Map<string, FieldInfo>; events: Map<string, EventInfo>; consents?: Map<string, unknown> };
  /** The literals the rules test (`ruleLiterals`); without them, values are generic. */
  literals?: RuleLiterals;
  /** Insert a malformed line after every N good lines (0 = never). */
  malformedEvery?: number;
  /** `offsets` (default): `at` is a day offset; `iso`: ISO times from this date. */
  time?: "offsets" | { isoFrom: string };
  /** Average events per lead (default 12). */
  eventsPerLead?: number;
}

/** core/rng.ts's generator as a function, seeded with the seed as given. */
export function rng(seed: number): () => number {
  const g = new Rng(seed);
  return () => g.next();
}

const COUNTRIES: [string, number][] = [["NO", 8], ["SE", 8], ["DK", 5], ["FI", 4], ["DE", 10], ["AT", 3], ["FR", 6], ["GB", 7], ["NL", 4], ["ES", 4], ["US", 15], ["CA", 6], ["JP", 4], ["SG", 2], ["BR", 2]];
const DOMAINS = ["fjord-marine.example", "nordyard.example", "hafen-werft.example", "gmail.com", "outlook.com", "seto-marine.example", "halifax-yachts.example", "astillero.example"];
const NAMES = ["kari", "lars", "anna", "ben", "sofia", "marco", "dana", "kenji", "lucia", "sam", "ingrid", "mia", "ole", "emma"];
const TEXT_OPS = new Set(["==", "!=", "starts_with", "ends_with", "contains", "matches", "in", "not in"]);
const NUMBER_OPS = new Set(["==", "!=", "<", "<=", ">", ">="]);

/** The field a path names: `lead.role` → `role`, `lead.email.domain` → `email.domain`, a payload field `url` → `url`. */
function fieldKey(p: A.PathExpr): string | null {
  if (p.head.text === "lead") return p.segments.length ? p.segments.map((x) => x.text).join(".") : null;
  return [p.head.text, ...p.segments.map((x) => x.text)].join(".");
}

/** Every node under `n`, with an explicit stack: operator chains are left-deep trees as deep as they are long (core/syntax/walk.ts). */
function walk(n: unknown, visit: (n: A.Node) => void): void {
  const stack: unknown[] = [n];
  while (stack.length) {
    const x = stack.pop();
    if (!x || typeof x !== "object") continue;
    if (Array.isArray(x)) {
      for (let i = x.length - 1; i >= 0; i--) stack.push(x[i]);
      continue;
    }
    const node = x as A.Node;
    if (typeof node.kind !== "string") continue;
    visit(node);
    for (const [k, v] of Object.entries(node)) if (k !== "range" && k !== "opRange" && k !== "keyword" && k !== "reachRange") stack.push(v);
  }
}

/** The literals the rules of these files test, for `generateLog`. */
export function ruleLiterals(files: A.CrmFile[]): RuleLiterals {
  const sets = new Map<string, A.Expr>();
  for (const f of files) for (const d of f.decls) if (d.kind === "Set" && d.name && d.value) sets.set(d.name.text, d.value);
  const text = new Map<string, { op: string; value: string }[]>();
  const numbers = new Map<string, number[]>();
  const methods = new Set<string>();
  const strings = (e: A.Expr | undefined, depth = 0): string[] => {
    if (!e || depth > 8) return [];
    if (e.kind === "String") return [e.value];
    if (e.kind === "List") return e.items.flatMap((x) => strings(x, depth + 1));
    if (e.kind === "Paren") return strings(e.inner, depth + 1);
    if (e.kind === "Binary" && e.op === "+") return [...strings(e.left, depth + 1), ...strings(e.right, depth + 1)];
    if (e.kind === "Path" && e.segments.length === 0 && sets.has(e.head.text)) return strings(sets.get(e.head.text), depth + 1);
    return [];
  };
  const addText = (k: string, op: string, value: string) => {
    const l = text.get(k) ?? [];
    if (!l.some((x) => x.op === op && x.value === value)) l.push({ op, value });
    text.set(k, l);
  };
  for (const f of files) {
    walk(f.decls, (n) => {
      if (n.kind === "ConsentBasis") {
        const anchor = (n as A.ConsentBasis).anchor?.text;
        if (anchor && CONSENT_METHODS.includes(anchor)) methods.add(anchor);
        return;
      }
      if (n.kind !== "Binary") return;
      const b = n as A.BinaryExpr;
      for (const [side, other] of [
        [b.left, b.right],
        [b.right, b.left],
      ] as const) {
        if (side?.kind !== "Path") continue;
        const k = fieldKey(side);
        if (!k) continue;
        if (TEXT_OPS.has(b.op) && side === b.left) for (const v of strings(other)) addText(k, b.op === "not in" ? "in" : b.op, v);
        if (NUMBER_OPS.has(b.op) && other?.kind === "Number") {
          const l = numbers.get(k) ?? [];
          if (!l.includes(other.value)) l.push(other.value);
          numbers.set(k, l);
        }
      }
    });
  }
  return { text, numbers, methods: [...methods].sort() };
}

/** A value that passes the test `op value` (for `matches`, the glob with its wildcards filled in). */
function satisfying(op: string, value: string, word: string): string {
  switch (op) {
    case "starts_with":
      return value + (word ? `/${word}` : "");
    case "ends_with":
      return word + value;
    case "contains":
      return `${word}${value}${word}`;
    case "matches":
      return value.replace(/\*/g, word || "x").replace(/\?/g, "a");
    default:
      return value;
  }
}

const WORDS = ["overview", "enterprise", "basics", "setup", "team", "news"];

export function* generateLog(opts: GenerateOptions): Generator<string> {
  const r = rng(opts.seed);
  const lits = opts.literals;
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
      case "email": {
        // A domain the rules test (`lead.email.domain in free_mail`, `ends_with "@acme.example"`) half of the time.
        const tested = [...(lits?.text.get(`${name}.domain`) ?? []).map((x) => satisfying(x.op, x.value, "mail")), ...(lits?.text.get(name) ?? []).filter((x) => x.op === "ends_with" && x.value.includes("@")).map((x) => x.value.slice(x.value.indexOf("@") + 1))];
        const domain = tested.length && r() < 0.5 ? pick(tested) : pick(DOMAINS);
        return `${pick(NAMES)}.${Math.floor(r() * 1000)}@${domain}`;
      }
      case "country":
        return weighted(COUNTRIES);
      case "number": {
        // Near a number the rules compare the field with (`company_size >= 1000`) a third of the time.
        const tested = lits?.numbers.get(name);
        if (tested?.length && r() < 0.35) return pick(tested) + pick([-1, 0, 0, 1]);
        return /size|employees/.test(name) ? Math.floor(Math.exp(r() * 9)) : Math.floor(r() * 100000) / 100;
      }
      case "boolean":
        return r() < 0.5;
      case "enum":
        return f.values.length ? pick(f.values) : null;
      case "date":
        return `2026-${String(1 + Math.floor(r() * 12)).padStart(2, "0")}-${String(1 + Math.floor(r() * 28)).padStart(2, "0")}`;
      case "list":
        return f.values.length ? [pick(f.values)] : [];
      default: {
        // A text the rules test (`url starts_with "/pricing"`) most of the time, else a generic one.
        const tested = lits?.text.get(name);
        if (tested?.length && r() < 0.6) {
          const t = pick(tested);
          return satisfying(t.op, t.value, r() < 0.5 ? "" : pick(WORDS));
        }
        return /url|path|page/.test(name) ? `/${pick(WORDS)}-${Math.floor(r() * 50)}` : `${name}-${Math.floor(r() * 50)}`;
      }
    }
  };
  const userEvents = [...opts.schema.events.values()].filter((e) => !e.builtin).sort((a, b) => (a.name < b.name ? -1 : 1));
  // The workspace's own consent purposes (none: no consent events), with the methods its rules name.
  const purposes = [...(opts.schema.consents?.keys() ?? [])].sort();
  const extraMethods = (lits?.methods ?? []).filter((m) => m !== "checkbox" && m !== "double_opt_in");
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
    if (purposes.length && r() < 0.7) {
      let method = fields["country"] === "DE" || fields["country"] === "AT" ? (r() < 0.6 ? "double_opt_in" : "checkbox") : r() < 0.2 ? "double_opt_in" : "checkbox";
      if (extraMethods.length && r() < 0.25) method = pick(extraMethods);
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
