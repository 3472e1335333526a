/**
 * Baselines (b), "peers": the same scoring and routing rules in
 * json-rules-engine and @gorules/zen-engine. Each engine decides which rules
 * match (fit rules per lead, engagement rules per event, the first routing
 * rule); what neither can express is done by the shared glue below, in plain
 * TypeScript, and is the same for both:
 *   - the windowed count `at least 3 times within 1 day` is precomputed and
 *     handed to the engine as a fact (`docsInLastDay`);
 *   - frequency limits (`limit 3 per 7 days`), cap/floor clamping, stages and
 *     "route once, on entering mql" are per-lead state kept by the glue.
 */
import { Engine } from "json-rules-engine";
import { ZenEngine, type ZenDecision } from "@gorules/zen-engine";
import type { Outcome, SimEvent, SimLead, SimLog } from "./model.js";
import { emailDomain, STAGES } from "./handwritten.js";

export interface Fired {
  rule: string;
  points: number;
}

export interface LeadFacts {
  role?: string;
  company_size?: number;
  domain?: string;
  country?: string;
  industry?: string;
}

export interface EventFacts {
  event: string;
  url?: string;
  form?: string;
  docsInLastDay: number;
}

export interface PeerEvaluator {
  name: string;
  fit(l: LeadFacts): Promise<Fired[]>;
  engagement(e: EventFacts): Promise<Fired[]>;
  route(l: LeadFacts): Promise<{ rule: string; target: string }>;
}

const DAY = 1440;
const WEEK = 7 * DAY;
/** `limit N per D` of the engagement rules (state the peers cannot hold). */
const LIMITS: Record<string, { count: number; per: number }> = { pricing: { count: 3, per: WEEK }, docs_binge: { count: 1, per: WEEK } };

export function leadFacts(l: SimLead): LeadFacts {
  return { role: l.role, company_size: l.company_size, domain: emailDomain(l.email), country: l.country, industry: l.industry };
}

/** Replays the log through a peer engine plus the shared glue. */
export async function runPeer(ev: PeerEvaluator, log: SimLog): Promise<Outcome[]> {
  const n = log.leads.length;
  const facts = log.leads.map(leadFacts);
  const fit: (number | null)[] = [];
  for (const f of facts) {
    const fired = await ev.fit(f);
    fit.push(fired.length ? Math.max(-50, Math.min(50, fired.reduce((s, x) => s + x.points, 0))) : null);
  }
  const eng: (number | null)[] = new Array(n).fill(null);
  const stage = new Uint8Array(n);
  const lastDemo = new Array<number>(n).fill(-Infinity);
  const docsViews: number[][] = Array.from({ length: n }, () => []);
  const firings = new Map<string, number[]>();
  const routed: ({ rule: string; target: string } | undefined)[] = new Array(n);

  for (const e of log.events as SimEvent[]) {
    const i = e.lead;
    const at = e.at;
    let docsInLastDay = 0;
    if (e.name === "page_view" && e.payload["url"]!.startsWith("/docs")) {
      const v = docsViews[i]!;
      v.push(at);
      while (v.length && v[0]! < at - DAY) v.shift();
      docsInLastDay = v.length;
    }
    const fired = await ev.engagement({ event: e.name, url: e.payload["url"], form: e.payload["form"], docsInLastDay });
    for (const f of fired) {
      const lim = LIMITS[f.rule];
      if (lim) {
        const key = `${i}:${f.rule}`;
        const times = firings.get(key) ?? [];
        const recent = times.filter((t) => t >= at - lim.per);
        if (recent.length >= lim.count) continue;
        recent.push(at);
        firings.set(key, recent);
      }
      eng[i] = Math.max(0, Math.min(100, (eng[i] ?? 0) + f.points));
    }
    if (e.name === "demo_requested") lastDemo[i] = at;
    if (stage[i] === 0) {
      const f = fit[i];
      const g = eng[i];
      if (f !== null && f !== undefined && f >= 20 && g !== null && g !== undefined && g >= 40) {
        stage[i] = 1;
        routed[i] = await ev.route(facts[i]!);
      }
    }
    if (stage[i] === 1 && lastDemo[i]! >= at - 2 * WEEK) stage[i] = 2;
  }
  return log.leads.map((_, i) => ({
    fit: fit[i] ?? null,
    engagement: eng[i] ?? null,
    stage: STAGES[stage[i]!]!,
    routedTo: routed[i]?.target ?? null,
    routeRule: routed[i]?.rule ?? null,
  }));
}

// ------------------------------------------------------------ json-rules-engine

export function jsonRulesEngine(): PeerEvaluator {
  const opts = { allowUndefinedFacts: true };
  const startsWith = (a: unknown, b: unknown) => typeof a === "string" && typeof b === "string" && a.startsWith(b);
  const fit = new Engine([], opts);
  const engagement = new Engine([], opts);
  const route = new Engine([], opts);
  for (const e of [fit, engagement, route]) e.addOperator("startsWith", startsWith);
  const ev = (rule: string, points: number) => ({ type: "fired", params: { rule, points } });
  fit.addRule({ name: "decision_maker", conditions: { all: [{ fact: "role", operator: "in", value: ["executive", "director"] }] }, event: ev("decision_maker", 20) });
  fit.addRule({ name: "enterprise", conditions: { all: [{ fact: "company_size", operator: "greaterThanInclusive", value: 1000 }] }, event: ev("enterprise", 15) });
  fit.addRule({
    name: "mid_market",
    conditions: { all: [{ fact: "company_size", operator: "greaterThanInclusive", value: 100 }, { fact: "company_size", operator: "lessThanInclusive", value: 999 }] },
    event: ev("mid_market", 5),
  });
  fit.addRule({ name: "student", conditions: { all: [{ fact: "role", operator: "equal", value: "student" }] }, event: ev("student", -30) });
  fit.addRule({ name: "free_mail_penalty", conditions: { all: [{ fact: "domain", operator: "in", value: ["gmail.com", "outlook.com", "yahoo.com"] }] }, event: ev("free_mail_penalty", -10) });

  engagement.addRule({
    name: "pricing",
    conditions: { all: [{ fact: "event", operator: "equal", value: "page_view" }, { fact: "url", operator: "startsWith", value: "/pricing" }] },
    event: ev("pricing", 10),
  });
  engagement.addRule({
    name: "docs_binge",
    conditions: {
      all: [
        { fact: "event", operator: "equal", value: "page_view" },
        { fact: "url", operator: "startsWith", value: "/docs" },
        { fact: "docsInLastDay", operator: "greaterThanInclusive", value: 3 },
      ],
    },
    event: ev("docs_binge", 5),
  });
  engagement.addRule({ name: "webinar", conditions: { all: [{ fact: "event", operator: "equal", value: "webinar_attended" }] }, event: ev("webinar", 15) });
  engagement.addRule({
    name: "contact_form",
    conditions: { all: [{ fact: "event", operator: "equal", value: "form_submitted" }, { fact: "form", operator: "equal", value: "contact" }] },
    event: ev("contact_form", 25),
  });
  engagement.addRule({ name: "demo", conditions: { all: [{ fact: "event", operator: "equal", value: "demo_requested" }] }, event: ev("demo", 40) });

  // Routing: first match in written order = highest priority first.
  const target = (rule: string, t: string) => ({ type: "route", params: { rule, target: t } });
  const routeRules: [string, string, object[]][] = [
    ["enterprise_nordics", "owner kari", [{ fact: "country", operator: "in", value: ["NO", "SE", "DK", "FI", "IS"] }, { fact: "company_size", operator: "greaterThanInclusive", value: 1000 }]],
    ["dach", "owner anna", [{ fact: "country", operator: "in", value: ["DE", "AT", "CH"] }]],
    ["finance_enterprise", "owner ben", [{ fact: "industry", operator: "equal", value: "finance" }, { fact: "company_size", operator: "greaterThanInclusive", value: 500 }]],
    ["americas", "owner carlos", [{ fact: "country", operator: "in", value: ["US", "CA", "MX", "BR"] }]],
    ["students", "queue students", [{ fact: "role", operator: "equal", value: "student" }]],
  ];
  routeRules.forEach(([name, t, all], k) => route.addRule({ name, priority: 100 - k, conditions: { all }, event: target(name, t) } as never));

  const fired = (events: { params?: Record<string, unknown> }[]): Fired[] => events.map((e) => ({ rule: e.params!["rule"] as string, points: e.params!["points"] as number }));
  return {
    name: "json-rules-engine",
    async fit(l) {
      return fired((await fit.run({ ...l })).events);
    },
    async engagement(e) {
      return fired((await engagement.run({ ...e })).events);
    },
    async route(l) {
      const r = await route.run({ ...l });
      // Success results come in priority order; the first is the first rule in written order.
      const best = r.results.sort((a, b) => (b.priority ?? 1) - (a.priority ?? 1))[0];
      if (!best) return { rule: "otherwise", target: "queue unrouted" };
      const p = best.event!.params!;
      return { rule: p["rule"] as string, target: p["target"] as string };
    },
  };
}

// ------------------------------------------------------------ @gorules/zen-engine

type Cell = Record<string, string>;

function table(hitPolicy: "collect" | "first", inputs: string[], outputs: string[], rows: Cell[]): object {
  const node = {
    id: "table",
    type: "decisionTableNode",
    name: "rules",
    position: { x: 0, y: 0 },
    content: {
      hitPolicy,
      inputs: inputs.map((f) => ({ id: `in_${f}`, type: "expression", field: f, name: f })),
      outputs: outputs.map((f) => ({ id: `out_${f}`, type: "expression", field: f, name: f })),
      rules: rows.map((row, k) => {
        const r: Record<string, string> = { _id: `row${k}` };
        for (const f of inputs) r[`in_${f}`] = row[f] ?? "";
        for (const f of outputs) r[`out_${f}`] = row[f] ?? "";
        return r;
      }),
    },
  };
  return {
    contentType: "application/vnd.gorules.decision",
    nodes: [{ id: "in", type: "inputNode", name: "Request", position: { x: 0, y: 0 } }, node, { id: "out", type: "outputNode", name: "Response", position: { x: 0, y: 0 } }],
    edges: [
      { id: "e1", type: "edge", sourceId: "in", targetId: "table" },
      { id: "e2", type: "edge", sourceId: "table", targetId: "out" },
    ],
  };
}

export function zenEngine(): PeerEvaluator & { dispose(): void } {
  const engine = new ZenEngine();
  const s = (x: string) => JSON.stringify(x);
  const fit: ZenDecision = engine.createDecision(
    table("collect", ["role", "company_size", "domain"], ["rule", "points"], [
      { role: `${s("executive")}, ${s("director")}`, rule: s("decision_maker"), points: "20" },
      { company_size: ">= 1000", rule: s("enterprise"), points: "15" },
      { company_size: "[100..999]", rule: s("mid_market"), points: "5" },
      { role: s("student"), rule: s("student"), points: "-30" },
      { domain: `${s("gmail.com")}, ${s("outlook.com")}, ${s("yahoo.com")}`, rule: s("free_mail_penalty"), points: "-10" },
    ]),
  );
  const engagement: ZenDecision = engine.createDecision(
    table("collect", ["event", "url", "form", "docsInLastDay"], ["rule", "points"], [
      { event: s("page_view"), url: `startsWith($, ${s("/pricing")})`, rule: s("pricing"), points: "10" },
      { event: s("page_view"), url: `startsWith($, ${s("/docs")})`, docsInLastDay: ">= 3", rule: s("docs_binge"), points: "5" },
      { event: s("webinar_attended"), rule: s("webinar"), points: "15" },
      { event: s("form_submitted"), form: s("contact"), rule: s("contact_form"), points: "25" },
      { event: s("demo_requested"), rule: s("demo"), points: "40" },
    ]),
  );
  const route: ZenDecision = engine.createDecision(
    table("first", ["country", "company_size", "industry", "role"], ["rule", "target"], [
      { country: ["NO", "SE", "DK", "FI", "IS"].map(s).join(", "), company_size: ">= 1000", rule: s("enterprise_nordics"), target: s("owner kari") },
      { country: ["DE", "AT", "CH"].map(s).join(", "), rule: s("dach"), target: s("owner anna") },
      { industry: s("finance"), company_size: ">= 500", rule: s("finance_enterprise"), target: s("owner ben") },
      { country: ["US", "CA", "MX", "BR"].map(s).join(", "), rule: s("americas"), target: s("owner carlos") },
      { role: s("student"), rule: s("students"), target: s("queue students") },
      { rule: s("otherwise"), target: s("queue unrouted") },
    ]),
  );
  // Zen reads a missing field as null; pass null explicitly (undefined is not valid JSON).
  const clean = <T extends object>(o: T): T => {
    const r: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) r[k] = v === undefined ? null : v;
    return r as T;
  };
  return {
    name: "@gorules/zen-engine",
    async fit(l) {
      return (await fit.evaluate(clean(l))).result as Fired[];
    },
    async engagement(e) {
      return (await engagement.evaluate(clean(e))).result as Fired[];
    },
    async route(l) {
      return (await route.evaluate(clean(l))).result as { rule: string; target: string };
    },
    dispose() {
      engine.dispose();
    },
  };
}
