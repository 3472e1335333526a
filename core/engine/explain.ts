/**
 * Explanations of outcomes that did not happen ("why not"): why a score rule did not fire
 * (spec §6: `where`, `at least`, `when`, `limit`, cap and floor), why the lead is not in a
 * stage (§7: forward order, detours, reentry), why a route did not send the lead somewhere
 * (§8: triggers, once per lead, first match), in the order of §14.
 *
 * Computed after the fact and off the hot path: the inputs are replayed through an ordinary
 * `Simulation`, and at each moment that matters the condition is compiled again part by part
 * (from `CompiledExpr.node` and `.scope`) and evaluated against the state of that moment.
 * The simulation itself is unchanged and does no extra work.
 */
import type * as A from "../syntax/ast.js";
import { MAX_DAY } from "../time.js";
import { inflect } from "../text/words.js";
import type { CEventRule, CInactivityRule, CRoute, CScoreRule, CompiledRules, CTarget } from "./compile.js";
import { compileExpr, type CompiledExpr, type EvalCtx, type HistoryItem, truth } from "./expr.js";
import { Simulation, RoutingPool, formatDurationShort } from "./sim.js";
import { formatTime, type Bindings, type JourneyResult, type EscalationEntry, type RouteEntry, type SourceRef, type TargetValue, type TraceEntry, type Value } from "./trace.js";
import { recordValues, showTarget, showValue } from "./run.js";
import { journeyLeadDecls } from "./runLeads.js";
import { advanceLeads } from "./leads.js";
import { suggest } from "../text/didYouMean.js";
import type { Range } from "../text/positions.js";

// ------------------------------------------------------------------ subjects: a journey or a lead

/**
 * One input of a replay, at its time in minutes since day 0. `who`: in a subject with company
 * (a lead of a journey with several leads), the index of the lead it goes to (absent: the subject's own).
 */
export type SubjectInput = (
  | { kind: "event"; at: number; event: string; payload: Record<string, Value>; source: SourceRef }
  | { kind: "update"; at: number; fields: Record<string, Value>; source: SourceRef }
  /** The clock moves on (an `expect` step: its timers run). */
  | { kind: "advance"; at: number; source: SourceRef }
  | { kind: "note"; message: string; source: SourceRef }
) & { who?: number };

/** What is replayed: a lead's fields at day 0 and its inputs in time order. */
export interface Subject {
  /** `journey "…"` or `lead …`, for headings. */
  name: string;
  seed: number;
  source: SourceRef;
  lead: Record<string, Value>;
  leadSource: SourceRef;
  inputs: SubjectInput[];
  /**
   * One lead of a journey with several leads (docs/language.md §11): every lead of the journey in
   * written order, `focus` the subject's own. All of them are replayed on one clock and one routing
   * pool (`advanceLeads`), as `runJourney` runs them, so that team turns and caps are those of the
   * journey; the explanation looks at the subject's lead only.
   */
  company?: { leads: { name: string; lead: Record<string, Value>; leadSource: SourceRef }[]; focus: number };
}

/**
 * A lead of a journey with several leads as a subject (`lead`: its name; default the first lead),
 * or undefined when the journey has no lead of that name.
 */
export function journeyLeadSubject(rules: CompiledRules, journey: A.JourneyDecl, lead: string | undefined, seed?: number): Subject | undefined {
  const uri = rules.journeys.find((j) => j.journey === journey)?.uri ?? rules.fromUri;
  const src = (n: A.Node): SourceRef => ({ uri, range: n.range });
  const decls = journeyLeadDecls(journey);
  const focus = lead === undefined ? 0 : decls.findIndex((l) => l.name!.text === lead);
  if (focus < 0 || !decls[focus]) return undefined;
  const index = new Map(decls.map((l, i) => [l.name!.text, i]));
  const leads = decls.map((l) => ({ name: l.name!.text, lead: recordValues(l.fields), leadSource: src(l.fields ?? l) }));
  const inputs: SubjectInput[] = [];
  let now = 0;
  for (const step of journey.steps) {
    const who = step.lead ? index.get(step.lead.text) : undefined;
    if (step.time?.day) {
      const day = step.time.day.value;
      if (day > MAX_DAY || !Number.isFinite(day)) continue;
      const t = day * 1440 + (step.time.timeOfDay?.minutes ?? 0);
      if (t >= now) now = t;
    }
    // A step that names no declared lead is not run (CR3043, CR3045).
    if (who === undefined) continue;
    const mine = who === focus ? {} : { who };
    if (step.kind === "EventStep") {
      if (step.event) inputs.push({ kind: "event", at: now, event: step.event.text, payload: recordValues(step.payload), source: src(step), ...mine });
    } else if (step.kind === "UpdateStep") inputs.push({ kind: "update", at: now, fields: recordValues(step.values), source: src(step), ...mine });
    else inputs.push({ kind: "advance", at: now, source: src(step), ...mine });
  }
  const me = leads[focus]!;
  return { name: `journey ${JSON.stringify(journey.name?.value ?? "")}, lead ${me.name}`, seed: seed ?? journey.seed?.value ?? 0, source: src(journey), lead: me.lead, leadSource: me.leadSource, inputs, company: { leads, focus } };
}

/**
 * A journey as a subject: its steps in the order and at the times `runJourney` runs them. A
 * journey with several leads is the subject of its first lead (`journeyLeadSubject` for another).
 */
export function journeySubject(rules: CompiledRules, journey: A.JourneyDecl, seed?: number): Subject {
  if (journey.leads?.length) {
    const first = journeyLeadSubject(rules, journey, undefined, seed);
    if (first) return first;
  }
  const uri = rules.journeys.find((j) => j.journey === journey)?.uri ?? rules.fromUri;
  const src = (n: A.Node): SourceRef => ({ uri, range: n.range });
  const inputs: SubjectInput[] = [];
  let now = 0;
  for (const step of journey.steps) {
    if (step.time?.day) {
      const day = step.time.day.value;
      if (day > MAX_DAY || !Number.isFinite(day)) {
        inputs.push({ kind: "note", message: `this step is written for day ${step.time.day.text}, beyond the last day the clock counts (day ${MAX_DAY}); it is not run`, source: src(step) });
        continue;
      }
      const t = day * 1440 + (step.time.timeOfDay?.minutes ?? 0);
      if (t < now) inputs.push({ kind: "note", message: `this step is written for ${formatTime(t)}, before the previous step; it happens at ${formatTime(now)}`, source: src(step) });
      else now = t;
    }
    if (step.kind === "EventStep") {
      if (step.event) inputs.push({ kind: "event", at: now, event: step.event.text, payload: recordValues(step.payload), source: src(step) });
    } else if (step.kind === "UpdateStep") inputs.push({ kind: "update", at: now, fields: recordValues(step.values), source: src(step) });
    else inputs.push({ kind: "advance", at: now, source: src(step) });
  }
  return { name: `journey ${JSON.stringify(journey.name?.value ?? "")}`, seed: seed ?? journey.seed?.value ?? 0, source: src(journey), lead: recordValues(journey.lead), leadSource: src(journey.lead ?? journey), inputs };
}

/** Feeds one input to a simulation. */
function feed(sim: Simulation, i: SubjectInput): void {
  if (i.kind === "event") sim.event(i.at, i.event, i.payload, i.source);
  else if (i.kind === "update") sim.update(i.at, i.fields, i.source);
  else if (i.kind === "advance") sim.advanceTo(i.at);
  else sim.note(i.message, i.source);
}

function timeOf(i: SubjectInput): number | null {
  return i.kind === "note" ? null : i.at;
}

/**
 * Replays a subject (the trace on) and returns its result as a journey's (no expectations):
 * what `crmrules eval` shows for one lead.
 */
export function runSubject(rules: CompiledRules, subject: Subject): JourneyResult {
  const sim = new Simulation(rules, { seed: subject.seed, pool: new RoutingPool(subject.seed) });
  sim.start(subject.lead, subject.leadSource);
  for (const i of subject.inputs) feed(sim, i);
  return { journey: subject.name, seed: subject.seed, source: subject.source, trace: sim.trace, expectations: [], final: sim.final(), passed: true };
}

// ------------------------------------------------------------------ conditions, part by part

/** A condition, or a part of one, with its value at a moment and the values it read. */
export interface ConditionPart {
  text: string;
  /** null: unknown (a value it needs is missing, §12.3). */
  value: boolean | null;
  /** The operands it read (`lead.country` → `"DE"`; missing values are null). */
  values: Bindings;
  /** Labels of the operands that were missing or unscored. */
  missing: string[];
  /** `and` / `or` / `not`: the parts (each explained); empty for a single comparison. */
  op: "and" | "or" | "not" | null;
  parts: ConditionPart[];
  /** A remark: `on E` is true only while E is processed; `E within D` names the last E. */
  note?: string;
  /** Where the part is written (in the file of the rule it belongs to), when known. */
  range?: Range;
}

function partValue(v: Value | undefined): boolean | null {
  const t = truth(v);
  return t === undefined ? null : t;
}

/** Explains a compiled condition against `ctx`: its value, and each `and`/`or`/`not` part's. */
export function explainCondition(ce: CompiledExpr, ctx: EvalCtx): ConditionPart {
  if (!ce.node || !ce.scope) return leaf(ce, ctx, ce.text);
  return explainNode(ce.node, { ...ce.scope, problems: [] }, ctx);
}

function leaf(ce: CompiledExpr, ctx: EvalCtx, text: string, node?: A.Expr): ConditionPart {
  const values: Bindings = {};
  const missing: string[] = [];
  for (const o of ce.operands) {
    const v = o.ev(ctx);
    values[o.label] = v === undefined ? null : v;
    if (v === undefined || v === null) missing.push(o.label);
  }
  const part: ConditionPart = { text, value: partValue(ce.ev(ctx)), values, missing, op: null, parts: [], ...(node ? { range: node.range } : {}) };
  if (node?.kind === "On" && node.event) {
    const name = node.event.text;
    const h = ctx.history(name);
    const last = h[h.length - 1];
    part.note = `\`on ${name}\` is true only while a ${name} event is processed; ${last ? `the last was on ${formatTime(last.at)}` : `no ${name} event has happened`}`;
  } else if (node?.kind === "Within") {
    const name = node.event.text;
    const h = ctx.history(name);
    const last = h[h.length - 1];
    part.note = last ? `the last ${name} was on ${formatTime(last.at)}` : `no ${name} event has happened`;
  }
  return part;
}

type ScopeOf = NonNullable<CompiledExpr["scope"]>;

function explainNode(node: A.Expr, scope: ScopeOf, ctx: EvalCtx): ConditionPart {
  const text = scope.text(node.range);
  if (node.kind === "Paren" && node.inner) return { ...explainNode(node.inner, scope, ctx), text, range: node.range };
  if (node.kind === "Unary" && node.op === "not" && node.operand) {
    const inner = explainNode(node.operand, scope, ctx);
    return { text, value: inner.value === null ? null : !inner.value, values: inner.values, missing: inner.missing, op: "not", parts: [inner], range: node.range };
  }
  if (node.kind === "Binary" && (node.op === "and" || node.op === "or")) {
    // A chain is left-deep: gather its operands in a loop (nesting is bounded, chains are not).
    const operands: (A.Expr | undefined)[] = [];
    let cur: A.Expr | undefined = node;
    while (cur?.kind === "Binary" && cur.op === node.op) {
      operands.push(cur.right);
      cur = cur.left;
    }
    operands.push(cur);
    operands.reverse();
    const parts = operands.map((o) => (o ? explainNode(o, scope, ctx) : { text: "?", value: null, values: {}, missing: [], op: null, parts: [] } as ConditionPart));
    const value = partValue(compileExpr(node, scope).ev(ctx));
    const values: Bindings = {};
    const missing: string[] = [];
    for (const p of parts) {
      Object.assign(values, p.values);
      for (const m of p.missing) if (!missing.includes(m)) missing.push(m);
    }
    return { text, value, values, missing, op: node.op, parts, range: node.range };
  }
  return leaf(compileExpr(node, scope), ctx, text, node);
}

/** The parts that decided a condition's value (for an `and` that failed: its false or unknown parts). */
export function decisive(p: ConditionPart): ConditionPart[] {
  if (p.op === "and" && p.value !== true) return p.parts.filter((x) => x.value !== true);
  if (p.op === "or" && p.value === true) return p.parts.filter((x) => x.value === true);
  return p.parts;
}

/** A condition part as text lines: `✗ lead.country in nordics: false [lead.country = "DE"]`, its deciding parts below. */
export function conditionLines(p: ConditionPart, indent = ""): string[] {
  const mark = p.value === true ? "✓" : p.value === false ? "✗" : "?";
  const word = p.value === true ? "true" : p.value === false ? "false" : `unknown (${p.missing.length ? p.missing.map((m) => `${m} is missing`).join(", ") : "a value is missing"})`;
  const own = p.op === null ? Object.entries(p.values) : [];
  const vals = own.length ? ` [${own.map(([k, v]) => `${k} = ${v === null ? "missing" : showValue(v)}`).join(", ")}]` : "";
  const out = [`${indent}${mark} ${p.text}: ${word}${vals}${p.note ? ` (${p.note})` : ""}`];
  if (p.op !== null) for (const x of decisive(p)) out.push(...conditionLines(x, indent + "  "));
  return out;
}

// ------------------------------------------------------------------ why not

/** A target as written after `routed to`: `owner ingrid`, `team sdr`, `queue unrouted`, `discard`. */
export interface TargetQuery {
  kind: "owner" | "team" | "queue" | "discard";
  name: string | null;
}

/**
 * What to explain. `until`: the moment (minutes since day 0, inclusive); absent, the end of the inputs.
 * `rule`: `score.rule` or a rule name found in one score; `route`: a route or `route.rule`.
 */
export type WhyNotQuery =
  | { kind: "rule"; name: string; until?: number }
  | { kind: "stage"; name: string; until?: number }
  | { kind: "route"; name: string; until?: number }
  | { kind: "routed"; target: TargetQuery; until?: number };

/** One finding of an answer: a check that passed, failed or held the outcome back. */
export interface WhyNotStep {
  /** When it was decided (null: at no particular moment, e.g. a rule's order). */
  time: string | null;
  at: number | null;
  /** What was checked, in words: `where url starts_with "/prices"`, `limit 1 per 30 days`. */
  text: string;
  result: "passed" | "failed" | "unknown" | "held back" | "happened" | "never happened";
  /** What it saw, in words (`2 matching page_view events in the 14 days up to day 3`). */
  detail: string;
  /** The condition part by part, when the check is a condition. */
  condition: ConditionPart | null;
  /** The declaration or input it is about. */
  source: SourceRef | null;
  /** Nested steps (a route's trigger stage, explained). */
  steps: WhyNotStep[];
}

export interface WhyNotAnswer {
  /** `rule engagement.price_pages`, `route sql_to_seller`, `stage mql`, `routed to team sdr`. */
  question: string;
  /** Up to when (`the end (day 9)` or `day 3`). */
  moment: string;
  /** True when the outcome did happen (the summary says so and when). */
  happened: boolean;
  summary: string;
  steps: WhyNotStep[];
}

/** A name the query uses that the rules do not have, with the names it may have meant; null when all are known. */
export function whyNotProblem(rules: CompiledRules, q: WhyNotQuery): string | null {
  const unknown = (what: string, name: string, names: Iterable<string>) => {
    const near = suggest(name, names, 1)[0];
    return `there is no ${what} named \`${name}\`${near ? `; did you mean \`${near}\`?` : ""}`;
  };
  if (q.kind === "rule") {
    const found = findRules(rules, q.name);
    if (found.length === 0) {
      const full = rules.scores.flatMap((s) => s.rules.map((r) => `${s.name}.${r.name}`));
      const near = suggest(q.name, full, 1)[0] ?? full.find((f) => f.endsWith(`.${suggest(q.name, full.map((x) => x.slice(x.indexOf(".") + 1)), 1)[0]}`));
      return `there is no score rule named \`${q.name}\`${near ? `; did you mean \`${near}\`?` : ""}`;
    }
    if (found.length > 1) return `\`${q.name}\` is a rule of ${found.length} scores (${found.map((f) => `\`${f.score}.${f.rule.name}\``).join(", ")}); name one as SCORE.RULE`;
    return null;
  }
  if (q.kind === "stage") return rules.stages.some((s) => s.name === q.name) ? null : unknown("stage", q.name, rules.stages.map((s) => s.name));
  if (q.kind === "route") {
    const [route, rule] = splitName(q.name);
    const r = rules.routes.find((x) => x.name === route);
    if (!r) {
      const byRule = rules.routes.filter((x) => x.rules.some((y) => y.name === q.name));
      if (byRule.length === 1) return null;
      if (byRule.length > 1) return `\`${q.name}\` is a rule of ${byRule.length} routes (${byRule.map((x) => `\`${x.name}.${q.name}\``).join(", ")}); name one as ROUTE.RULE`;
      return unknown("route", route, [...rules.routes.map((x) => x.name), ...rules.routes.flatMap((x) => x.rules.map((y) => `${x.name}.${y.name}`))]);
    }
    if (rule !== null && rule !== "otherwise" && !r.rules.some((y) => y.name === rule)) return unknown(`rule in route \`${route}\``, rule, r.rules.map((y) => y.name));
    if (rule === "otherwise" && !r.fallback) return `route \`${route}\` has no \`otherwise\``;
    return null;
  }
  const t = q.target;
  if (t.kind === "discard") return null;
  const names = t.kind === "owner" ? [...rules.owners.keys()] : t.kind === "team" ? [...rules.teams.keys()] : [...rules.queues.keys()];
  return t.name !== null && names.includes(t.name) ? null : unknown(t.kind, t.name ?? "", names);
}

function splitName(name: string): [string, string | null] {
  const dot = name.indexOf(".");
  return dot < 0 ? [name, null] : [name.slice(0, dot), name.slice(dot + 1)];
}

function findRules(rules: CompiledRules, name: string): { score: string; rule: CScoreRule }[] {
  const [a, b] = splitName(name);
  const out: { score: string; rule: CScoreRule }[] = [];
  for (const s of rules.scores) for (const r of s.rules) if (b === null ? r.name === a : s.name === a && r.name === b) out.push({ score: s.name, rule: r });
  return out;
}

/** An EvalCtx for the moment an event rule decides: the event is in the history and current, scores are as before it. */
class PendingEventCtx implements EvalCtx {
  payload: Record<string, Value> | null = null;
  constructor(
    private readonly sim: Simulation,
    readonly current: string,
    private readonly item: HistoryItem,
  ) {}
  get now(): number {
    return this.sim.now;
  }
  get fields(): Map<string, Value> {
    return this.sim.fields;
  }
  get stageIndex(): number {
    return this.sim.stageIndex;
  }
  get stageName(): string | null {
    return this.sim.stageName;
  }
  score(name: string): number | null {
    return this.sim.score(name);
  }
  scoreAt(slot: number): number | null {
    return this.sim.scoreAt(slot);
  }
  gradeRank(name: string): number | null {
    return this.sim.gradeRank(name);
  }
  gradeLetter(name: string): string | null {
    return this.sim.gradeLetter(name);
  }
  history(event: string): readonly HistoryItem[] {
    const h = this.sim.history(event);
    return event === this.current ? [...h, this.item] : h;
  }
}

interface Hooks {
  /** Before an input is fed (timers up to its time have run). */
  before?(i: SubjectInput, sim: Simulation): void;
  /** After timers up to an input's time, and after the input: the trace entries that came of it. */
  after?(entries: TraceEntry[], sim: Simulation, i: SubjectInput | null): void;
}

/** Replays the subject up to `until` (inclusive), calling the hooks; returns the simulation at that moment. */
function replayUntil(rules: CompiledRules, subject: Subject, until: number, hooks: Hooks): Simulation {
  if (subject.company) return replayCompanyUntil(rules, subject, subject.company, until, hooks);
  const sim = new Simulation(rules, { seed: subject.seed, pool: new RoutingPool(subject.seed) });
  let seen = 0;
  const flush = (i: SubjectInput | null) => {
    const t = sim.trace;
    if (t.length > seen) {
      hooks.after?.(t.slice(seen), sim, i);
      seen = t.length;
    }
  };
  sim.start(subject.lead, subject.leadSource);
  flush(null);
  for (const i of subject.inputs) {
    const at = timeOf(i);
    if (at !== null && at > until) break;
    if (at !== null) {
      sim.advanceTo(at);
      flush(null);
    }
    hooks.before?.(i, sim);
    feed(sim, i);
    flush(i);
  }
  if (until !== Infinity) {
    sim.advanceTo(until);
    flush(null);
  }
  return sim;
}

/** `replayUntil` for a lead of a journey with several leads: every lead replayed, the hooks shown the subject's lead only. */
function replayCompanyUntil(rules: CompiledRules, subject: Subject, company: NonNullable<Subject["company"]>, until: number, hooks: Hooks): Simulation {
  const pool = new RoutingPool(subject.seed);
  const sims = company.leads.map((_, i) => new Simulation(rules, { seed: subject.seed, pool, trace: i === company.focus }));
  const sim = sims[company.focus]!;
  let seen = 0;
  const flush = (i: SubjectInput | null) => {
    const t = sim.trace;
    if (t.length > seen) {
      hooks.after?.(t.slice(seen), sim, i);
      seen = t.length;
    }
  };
  company.leads.forEach((l, k) => sims[k]!.start(k === company.focus ? subject.lead : l.lead, k === company.focus ? subject.leadSource : l.leadSource));
  flush(null);
  for (const i of subject.inputs) {
    const at = timeOf(i);
    if (at !== null && at > until) break;
    if (at !== null) {
      advanceLeads(sims, at);
      flush(null);
    }
    const target = i.who === undefined ? sim : sims[i.who];
    if (!target) continue;
    if (target === sim) hooks.before?.(i, sim);
    feed(target, i);
    if (target === sim) flush(i);
  }
  if (until !== Infinity) {
    advanceLeads(sims, until);
    flush(null);
  }
  return sim;
}

function endOf(subject: Subject): number {
  let t = 0;
  for (const i of subject.inputs) t = Math.max(t, timeOf(i) ?? 0);
  return t;
}

function momentText(q: WhyNotQuery, sim: Simulation): string {
  if (q.until === undefined) return `the end, ${formatTime(sim.now)}`;
  return q.until % 1440 === 1439 ? `the end of day ${Math.floor(q.until / 1440)}` : formatTime(q.until);
}

const step = (s: Partial<WhyNotStep> & Pick<WhyNotStep, "text" | "result" | "detail">): WhyNotStep => ({ time: null, at: null, condition: null, source: null, steps: [], ...s });

/** Explains why an outcome did not happen up to the moment of the query (or that it did, and when). */
export function whyNot(rules: CompiledRules, subject: Subject, q: WhyNotQuery): WhyNotAnswer {
  const problem = whyNotProblem(rules, q);
  if (problem) throw new Error(problem);
  const until = q.until ?? Infinity;
  switch (q.kind) {
    case "rule":
      return whyNotRule(rules, subject, q, until);
    case "stage":
      return whyNotStage(rules, subject, q.name, until, q);
    case "route":
      return whyNotRoute(rules, subject, q, until);
    case "routed":
      return whyNotRouted(rules, subject, q, until);
  }
}

// --- score rules

function whyNotRule(rules: CompiledRules, subject: Subject, q: Extract<WhyNotQuery, { kind: "rule" }>, until: number): WhyNotAnswer {
  const { score, rule } = findRules(rules, q.name)[0]!;
  const full = `${score}.${rule.name}`;
  const question = `rule ${full}`;
  const fired: TraceEntry[] = [];
  const isMine = (e: TraceEntry) => (e.kind === "score" || e.kind === "suppressed") && e.score === score && e.rule === rule.name;
  if (rule.kind === "event") {
    const occurrences: WhyNotStep[] = [];
    const pastMatches: { at: number; payload: Record<string, Value> }[] = [];
    let pending: { i: Extract<SubjectInput, { kind: "event" }>; step: WhyNotStep; passed: boolean } | null = null;
    const sim = replayUntil(rules, subject, until, {
      before(i, sim) {
        if (i.kind !== "event" || i.event !== rule.event) return;
        pending = explainEventRule(rule, i, sim, pastMatches);
      },
      after(entries, _sim, i) {
        const mine = entries.filter(isMine);
        fired.push(...mine.filter((e) => e.kind === "score"));
        if (!pending || i !== pending.i) return;
        const p = pending;
        pending = null;
        const s = mine.find((e) => e.kind === "suppressed");
        const f = mine.find((e) => e.kind === "score");
        if (s && s.kind === "suppressed") p.step.steps.push(step({ text: s.detail, result: "held back", detail: `the rule fired as often as \`${s.detail}\` allows; this one was suppressed`, time: s.time, at: s.at, source: rule.source }));
        else if (f && f.kind === "score") {
          p.step.result = "happened";
          if (f.applied !== f.points) p.step.steps.push(step({ text: "cap and floor", result: "held back", detail: `it fired for ${f.points} but ${f.applied === 0 ? "changed nothing" : `changed the score by ${f.applied}`}: ${score} was ${f.before ?? "unscored"}, within cap and floor`, time: f.time, at: f.at, source: rule.source }));
        }
        occurrences.push(p.step);
      },
    });
    const mom = momentText(q, sim);
    const missed = occurrences.filter((o) => o.result !== "happened" || o.steps.some((x) => x.result === "held back"));
    const happened = fired.some((e) => e.kind === "score" && e.applied !== 0);
    let summary: string;
    if (occurrences.length === 0) summary = `\`${full}\` never fired by ${mom}: it listens for \`${rule.event}\`, and no ${rule.event} event happened`;
    else if (missed.length === 0) summary = `\`${full}\` fired on every ${rule.event} (${occurrences.length}) by ${mom}`;
    else summary = `\`${full}\` did not fire (or was held back) on ${missed.length} of ${occurrences.length} ${rule.event} ${inflect(occurrences.length, "event")} by ${mom}: ${missed.map((o) => `${o.time} (${firstReason(o)})`).join("; ")}`;
    return { question, moment: mom, happened, summary, steps: occurrences };
  }
  if (rule.kind === "attribute") {
    const sim = replayUntil(rules, subject, until, { after: (entries) => fired.push(...entries.filter(isMine)) });
    const mom = momentText(q, sim);
    const cond = explainCondition(rule.when, sim);
    const history = fired.filter((e) => e.kind === "score").map((e) => step({ text: `${e.kind === "score" ? e.cause : ""}`, result: "happened", detail: e.kind === "score" ? `${e.cause === "attribute-on" ? "switched on" : "switched off"} (${e.applied >= 0 ? "+" : ""}${e.applied})` : "", time: e.time, at: e.at, source: e.source }));
    const on = cond.value === true;
    const steps = [step({ text: `when ${cond.text}`, result: on ? "passed" : cond.value === false ? "failed" : "unknown", detail: on ? "the condition is true" : "the condition is not true", condition: cond, time: formatTime(sim.now), at: sim.now, source: rule.source }), ...history];
    const summary = on ? `\`${full}\` is on at ${mom}: its condition is true` : `\`${full}\` is off at ${mom}: \`${cond.text}\` is ${cond.value === false ? "false" : "unknown"}${reasonOf(cond)}`;
    return { question, moment: mom, happened: on, summary, steps };
  }
  return whyNotInactivity(rules, subject, q, until, score, rule, fired, isMine);
}

function whyNotInactivity(rules: CompiledRules, subject: Subject, q: WhyNotQuery, until: number, score: string, rule: CInactivityRule, fired: TraceEntry[], isMine: (e: TraceEntry) => boolean): WhyNotAnswer {
  const full = `${score}.${rule.name}`;
  let last = 0;
  const sim = replayUntil(rules, subject, until, {
    before(i) {
      if (i.kind === "event" && rule.events.includes(i.event)) last = i.at;
    },
    after: (entries) => fired.push(...entries.filter(isMine)),
  });
  const mom = momentText(q, sim);
  const due = last + rule.after;
  const happened = fired.length > 0;
  const words = rule.events.join(" or ");
  const detail = `${last === 0 ? "counting from day 0" : `the last ${words} was on ${formatTime(last)}`}; it is due ${formatDurationShort(rule.after)} after that, on ${formatTime(due)}`;
  const summary = happened ? `\`${full}\` fired on ${fired.map((e) => e.time).join(", ")}` : `\`${full}\` has not fired by ${mom}: ${detail}`;
  return { question: `rule ${full}`, moment: mom, happened, summary, steps: [step({ text: `after ${formatDurationShort(rule.after)} without ${words}`, result: happened ? "happened" : "failed", detail, time: formatTime(sim.now), at: sim.now, source: rule.source })] };
}

function explainEventRule(rule: CEventRule, i: Extract<SubjectInput, { kind: "event" }>, sim: Simulation, pastMatches: { at: number; payload: Record<string, Value> }[]): { i: typeof i; step: WhyNotStep; passed: boolean } {
  const ctx = new PendingEventCtx(sim, i.event, { at: i.at, seq: Number.MAX_SAFE_INTEGER, payload: i.payload });
  const shown = Object.keys(i.payload).length ? ` (${Object.entries(i.payload).map(([k, v]) => `${k} = ${showValue(v)}`).join(", ")})` : "";
  const s = step({ text: `${i.event} on ${formatTime(i.at)}${shown}`, result: "failed", detail: "", time: formatTime(i.at), at: i.at, source: i.source });
  const checks: WhyNotStep[] = [];
  let ok = true;
  if (rule.where) {
    ctx.payload = i.payload;
    const c = explainCondition(rule.where, ctx);
    ctx.payload = null;
    const pass = c.value === true;
    checks.push(step({ text: `where ${c.text}`, result: pass ? "passed" : c.value === false ? "failed" : "unknown", detail: pass ? "the event matches the filter" : `the event does not match the filter${reasonOf(c)}`, condition: c, time: s.time, at: i.at, source: rule.source }));
    ok = pass;
    if (pass) pastMatches.push({ at: i.at, payload: i.payload });
  } else pastMatches.push({ at: i.at, payload: i.payload });
  if (ok && rule.times !== null) {
    const from = rule.within !== null ? i.at - rule.within : -Infinity;
    const n = pastMatches.filter((m) => m.at >= from).length;
    const pass = n >= rule.times;
    const window = rule.within !== null ? ` within ${formatDurationShort(rule.within)}` : "";
    checks.push(step({ text: `at least ${rule.times} times${window}`, result: pass ? "passed" : "failed", detail: `${n} matching ${i.event} ${inflect(n, "event")}${rule.within !== null ? ` from ${formatTime(Math.max(0, from))} to ${formatTime(i.at)}` : " so far"}, this one included`, time: s.time, at: i.at, source: rule.source }));
    ok = pass;
  }
  if (ok && rule.when) {
    const c = explainCondition(rule.when, ctx);
    const pass = c.value === true;
    checks.push(step({ text: `when ${c.text}`, result: pass ? "passed" : c.value === false ? "failed" : "unknown", detail: pass ? "the condition is true" : `the condition is not true${reasonOf(c)}`, condition: c, time: s.time, at: i.at, source: rule.source }));
    ok = pass;
  }
  s.steps = checks;
  s.detail = ok ? "every condition held" : checks.find((c) => c.result !== "passed")?.detail ?? "";
  return { i, step: s, passed: ok };
}

function firstReason(o: WhyNotStep): string {
  const held = o.steps.find((x) => x.result === "held back");
  if (held) return `held back by ${held.text}`;
  const f = o.steps.find((x) => x.result === "failed" || x.result === "unknown");
  return f ? `${f.text}: ${f.result === "unknown" ? "unknown" : "false"}` : o.detail;
}

function reasonOf(c: ConditionPart): string {
  if (c.value === null && c.missing.length) return ` (${c.missing.map((m) => `${m} is missing`).join(", ")})`;
  const bad = decisive(c).filter((x) => x.value !== true);
  const leaves = bad.length ? bad : [c];
  const vals = leaves.flatMap((l) => Object.entries(l.values)).map(([k, v]) => `${k} = ${v === null ? "missing" : showValue(v)}`);
  return vals.length ? ` (${[...new Set(vals)].join(", ")})` : "";
}

// --- stages

function whyNotStage(rules: CompiledRules, subject: Subject, name: string, until: number, q: WhyNotQuery): WhyNotAnswer {
  const st = rules.stages.find((s) => s.name === name)!;
  const moves: TraceEntry[] = [];
  const sim = replayUntil(rules, subject, until, { after: (entries) => moves.push(...entries.filter((e) => e.kind === "stage")) });
  const mom = momentText(q, sim);
  const question = `stage ${name}`;
  if (sim.stageName === name) {
    const entered = [...moves].reverse().find((e) => e.kind === "stage" && e.to === name);
    return { question, moment: mom, happened: true, summary: `the lead is in \`${name}\` at ${mom}${entered ? ` (since ${entered.time})` : ""}`, steps: [] };
  }
  const steps: WhyNotStep[] = [];
  const cur = rules.stages[sim.stageIndex];
  const history = moves.map((e) => (e.kind === "stage" ? `${e.time}: ${e.from ?? "none"} -> ${e.to}` : "")).join(", ");
  const was = moves.filter((e) => e.kind === "stage" && e.to === name);
  if (was.length) steps.push(step({ text: `entered ${name}`, result: "happened", detail: `the lead entered \`${name}\` on ${was.map((e) => e.time).join(", ")} and moved on (${history})`, time: was[0]!.time, at: was[0]!.at, source: st.source }));
  let summary: string | null = null;
  if (cur) {
    if (!cur.detour && !st.detour && st.index < cur.index) {
      summary = `the lead is in \`${cur.name}\`, declared after \`${name}\`, and stages move forward only (§7)`;
      steps.push(step({ text: "forward order", result: "held back", detail: `${summary}; its stages: ${history || "none"}`, source: st.source }));
    } else if (cur.detour && !st.detour) {
      const re = rules.reenters.filter((r) => r.stage === st.index && r.from === cur.index);
      const enteredAt = [...moves].reverse().find((e) => e.kind === "stage" && e.to === cur.name)?.at ?? 0;
      if (re.length === 0) {
        summary = `the lead is in the detour \`${cur.name}\`, and no \`reenter ${name} from ${cur.name}\` leads out of it (§7)`;
        steps.push(step({ text: `reenter ${name} from ${cur.name}`, result: "never happened", detail: summary, source: cur.source }));
      } else {
        const r = re[0]!;
        const allowed = enteredAt + r.after;
        if (sim.now < allowed) {
          summary = `the lead is in the detour \`${cur.name}\` since ${formatTime(enteredAt)}; \`reenter ${name} from ${cur.name} after ${formatDurationShort(r.after)}\` allows it from ${formatTime(allowed)}`;
          steps.push(step({ text: `reenter after ${formatDurationShort(r.after)}`, result: "held back", detail: summary, source: r.source, time: formatTime(enteredAt), at: enteredAt }));
        }
      }
    } else if (cur.detour && st.detour && st.index < cur.index) {
      summary = `the lead is in the detour \`${cur.name}\`; from a detour only detours declared after it can be entered (§7)`;
      steps.push(step({ text: "detour order", result: "held back", detail: summary, source: st.source }));
    }
  }
  if (!st.when) {
    steps.push(step({ text: `stage ${name}`, result: "never happened", detail: `\`${name}\` has no \`when\`: a stage without a condition is entered only as the initial stage`, source: st.source }));
    summary ??= `\`${name}\` has no condition, so only a lead starting there is in it`;
  } else {
    const c = explainCondition(st.when, sim);
    steps.push(step({ text: `when ${c.text}`, result: c.value === true ? "passed" : c.value === false ? "failed" : "unknown", detail: c.value === true ? "the condition is true now" : `the condition is not true at ${mom}${reasonOf(c)}`, condition: c, time: formatTime(sim.now), at: sim.now, source: st.source }));
    summary ??= `the lead is in \`${cur?.name ?? "no stage"}\` at ${mom}: \`${name}\` needs \`${c.text}\`, which is ${c.value === true ? "true now but was not when stages were evaluated" : c.value === false ? "false" : "unknown"}${c.value === true ? "" : reasonOf(c)}`;
  }
  return { question, moment: mom, happened: false, summary, steps };
}

// --- routes

interface RouteRun {
  entry: RouteEntry;
  /** Each rule's condition at the moment the route ran (state after that input). */
  conditions: Map<string, ConditionPart>;
}

function routeRuns(rules: CompiledRules, subject: Subject, until: number, routes: Set<string>): { sim: Simulation; runs: Map<string, RouteRun>; triggers: Map<string, WhyNotStep[]>; stages: TraceEntry[]; escalations: EscalationEntry[] } {
  const runs = new Map<string, RouteRun>();
  const triggers = new Map<string, WhyNotStep[]>();
  const stages: TraceEntry[] = [];
  const escalations: EscalationEntry[] = [];
  const sim = replayUntil(rules, subject, until, {
    before(i, sim) {
      if (i.kind !== "event") return;
      for (const r of rules.routes) {
        if (!routes.has(r.name) || runs.has(r.name) || r.trigger.kind !== "event" || r.trigger.event !== i.event) continue;
        const list = triggers.get(r.name) ?? [];
        if (r.trigger.where) {
          const ctx = new PendingEventCtx(sim, i.event, { at: i.at, seq: Number.MAX_SAFE_INTEGER, payload: i.payload });
          ctx.payload = i.payload;
          const c = explainCondition(r.trigger.where, ctx);
          list.push(step({ text: `${i.event} on ${formatTime(i.at)}: where ${c.text}`, result: c.value === true ? "passed" : c.value === false ? "failed" : "unknown", detail: c.value === true ? "the event triggers the route" : `the event does not match the route's filter${reasonOf(c)}`, condition: c, time: formatTime(i.at), at: i.at, source: i.source }));
        } else list.push(step({ text: `${i.event} on ${formatTime(i.at)}`, result: "passed", detail: "the event triggers the route", time: formatTime(i.at), at: i.at, source: i.source }));
        triggers.set(r.name, list);
      }
    },
    after(entries, sim) {
      for (const e of entries) {
        if (e.kind === "stage") stages.push(e);
        if (e.kind === "escalation") escalations.push(e);
        if (e.kind !== "route" || !routes.has(e.route) || runs.has(e.route)) continue;
        const r = rules.routes.find((x) => x.name === e.route)!;
        const conditions = new Map<string, ConditionPart>();
        for (const rr of r.rules) conditions.set(rr.name, explainCondition(rr.when, sim));
        runs.set(e.route, { entry: e, conditions });
      }
    },
  });
  return { sim, runs, triggers, stages, escalations };
}

function ruleSteps(r: CRoute, run: RouteRun, only: string | null): WhyNotStep[] {
  const out: WhyNotStep[] = [];
  const chosen = run.entry.rule;
  for (const rr of r.rules) {
    const c = run.conditions.get(rr.name)!;
    const isChosen = rr.name === chosen;
    if (only !== null && rr.name !== only && !isChosen) continue;
    const res = isChosen ? "passed" : c.value === true ? "passed" : c.value === false ? "failed" : "unknown";
    const detail = isChosen ? `matched first: the lead went to ${showTarget(run.entry.target)}` : c.value === true ? `true, but rule \`${chosen}\` comes first` : `not true${reasonOf(c)}`;
    out.push(step({ text: `rule ${rr.name}: when ${c.text} -> ${targetWords(rr.target)}`, result: res, detail, condition: c, time: run.entry.time, at: run.entry.at, source: rr.source }));
    if (isChosen && only !== null) break;
    if (isChosen) break;
  }
  if (r.fallback && chosen === "otherwise") out.push(step({ text: `otherwise -> ${targetWords(r.fallback.target)}`, result: "passed", detail: "no rule matched", time: run.entry.time, at: run.entry.at, source: r.fallback.source }));
  return out;
}

function targetWords(t: CTarget | TargetQuery): string {
  return t.kind === "discard" ? "discard" : `${t.kind} ${t.name ?? "?"}`;
}

function explainRoute(rules: CompiledRules, subject: Subject, r: CRoute, only: string | null, data: ReturnType<typeof routeRuns>, until: number, q: WhyNotQuery): { happened: boolean; summary: string; steps: WhyNotStep[] } {
  const run = data.runs.get(r.name);
  const label = only === null ? `route \`${r.name}\`` : `\`${r.name}.${only}\``;
  if (run) {
    const steps = ruleSteps(r, run, only);
    const chosen = run.entry.rule;
    if (only === null) {
      if (run.entry.target) return { happened: true, summary: `route \`${r.name}\` ran on ${run.entry.time} (${run.entry.reason}): ${chosen === "otherwise" ? "no rule matched, `otherwise`" : `rule \`${chosen}\``} sent the lead to ${showTarget(run.entry.target)}`, steps };
      return { happened: false, summary: `route \`${r.name}\` ran on ${run.entry.time} (${run.entry.reason}) but no rule matched and it has no \`otherwise\`: the lead stayed unrouted by it`, steps: ruleSteps(r, run, null).length ? r.rules.map((rr) => step({ text: `rule ${rr.name}: when ${run.conditions.get(rr.name)!.text}`, result: run.conditions.get(rr.name)!.value === false ? "failed" : "unknown", detail: `not true${reasonOf(run.conditions.get(rr.name)!)}`, condition: run.conditions.get(rr.name)!, time: run.entry.time, at: run.entry.at, source: rr.source })) : [] };
    }
    if (chosen === only) return { happened: true, summary: `${label} matched on ${run.entry.time}: the lead went to ${showTarget(run.entry.target)}`, steps };
    const c = only === "otherwise" ? null : run.conditions.get(only)!;
    const order = r.rules.findIndex((x) => x.name === only) - r.rules.findIndex((x) => x.name === chosen);
    const summary =
      only === "otherwise"
        ? `route \`${r.name}\` ran on ${run.entry.time} and rule \`${chosen}\` matched, so \`otherwise\` was not needed`
        : chosen !== null && chosen !== "otherwise" && order > 0
          ? `route \`${r.name}\` ran on ${run.entry.time} and rule \`${chosen}\`, written before \`${only}\`, matched first (first match wins, §8)${c!.value === true ? "" : `; \`${only}\` was not true either${reasonOf(c!)}`}`
          : `route \`${r.name}\` ran on ${run.entry.time}, and \`${only}\`'s condition \`${c!.text}\` was ${c!.value === false ? "false" : "unknown"}${reasonOf(c!)}`;
    return { happened: false, summary, steps };
  }
  // Never ran: explain the trigger.
  const mom = formatTime(until === Infinity ? data.sim.now : until);
  if (r.trigger.kind === "stage") {
    const st = rules.stages[r.trigger.stage];
    const stName = st?.name ?? "?";
    const entered = data.stages.some((e) => e.kind === "stage" && e.to === stName);
    if (entered) return { happened: false, summary: `${label}: route \`${r.name}\` runs when the lead enters \`${stName}\`, which it did, but the route did not run (it had run before or the lead was erased)`, steps: [] };
    const inner = st ? whyNotStage(rules, subject, stName, until, q) : null;
    return {
      happened: false,
      summary: `${label} never ran by ${mom}: route \`${r.name}\` runs when the lead enters stage \`${stName}\`, and it never did — ${inner?.summary ?? ""}`,
      steps: [step({ text: `on stage ${stName}`, result: "never happened", detail: `the lead never entered \`${stName}\``, source: r.source, steps: inner?.steps ?? [] })],
    };
  }
  const trig = data.triggers.get(r.name) ?? [];
  if (trig.length === 0) return { happened: false, summary: `${label} never ran by ${mom}: route \`${r.name}\` runs on \`${r.trigger.event}\`, and no ${r.trigger.event} event happened`, steps: [step({ text: `on ${r.trigger.event}`, result: "never happened", detail: `no ${r.trigger.event} event`, source: r.source })] };
  return { happened: false, summary: `${label} never ran by ${mom}: no ${r.trigger.event} event matched the route's filter`, steps: trig };
}

function whyNotRoute(rules: CompiledRules, subject: Subject, q: Extract<WhyNotQuery, { kind: "route" }>, until: number): WhyNotAnswer {
  let [routeName, only] = splitName(q.name);
  let r = rules.routes.find((x) => x.name === routeName);
  if (!r) {
    // A bare rule name, unique across routes.
    r = rules.routes.find((x) => x.rules.some((y) => y.name === q.name))!;
    only = q.name;
    routeName = r.name;
  }
  const data = routeRuns(rules, subject, until, new Set([routeName]));
  const a = explainRoute(rules, subject, r, only, data, until, q);
  return { question: `route ${only === null ? routeName : `${routeName}.${only}`}`, moment: momentText(q, data.sim), ...a };
}

function matchesTarget(rules: CompiledRules, t: CTarget, want: TargetQuery): boolean {
  if (want.kind === "discard") return t.kind === "discard";
  if (t.kind === want.kind && t.name === want.name) return true;
  // An owner is also reached through a team with that member.
  return want.kind === "owner" && t.kind === "team" && t.name !== null && (rules.teams.get(t.name)?.members.some((m) => m.owner === want.name) ?? false);
}

function currentIs(t: TargetValue | null, want: TargetQuery): boolean {
  if (!t) return false;
  if (want.kind === "discard") return t.kind === "discard";
  if (want.kind === "owner") return (t.kind === "owner" && t.name === want.name) || (t.kind === "team" && t.member === want.name);
  return t.kind === want.kind && t.name === want.name;
}

function whyNotRouted(rules: CompiledRules, subject: Subject, q: Extract<WhyNotQuery, { kind: "routed" }>, until: number): WhyNotAnswer {
  const want = q.target;
  const words = targetWords(want);
  const candidates: { route: CRoute; rule: string }[] = [];
  for (const r of rules.routes) {
    for (const rr of r.rules) if (matchesTarget(rules, rr.target, want)) candidates.push({ route: r, rule: rr.name });
    if (r.fallback && matchesTarget(rules, r.fallback.target, want)) candidates.push({ route: r, rule: "otherwise" });
  }
  const escalations = rules.routes.flatMap((r) => [...r.rules.flatMap((rr) => rr.escalations.map((e) => ({ rule: rr.name, e }))), ...(r.fallback?.escalations ?? []).map((e) => ({ rule: "otherwise", e }))].filter((x) => matchesTarget(rules, x.e.target, want)).map((x) => ({ route: r, ...x })));
  const data = routeRuns(rules, subject, until, new Set([...candidates.map((c) => c.route.name), ...escalations.map((x) => x.route.name)]));
  const sim = data.sim;
  const mom = momentText(q, sim);
  const question = `routed to ${words}`;
  if (currentIs(sim.assignment, want)) return { question, moment: mom, happened: true, summary: `the lead is routed to ${showTarget(sim.assignment)} at ${mom} (by ${sim.assignedBy ?? "?"})`, steps: [] };
  const now = sim.assignment ? `the lead is with ${showTarget(sim.assignment)} (by ${sim.assignedBy ?? "?"})` : "the lead is not routed";
  if (candidates.length === 0 && escalations.length === 0) return { question, moment: mom, happened: false, summary: `${now} at ${mom}; no route rule, \`otherwise\` or escalation sends leads to ${words}`, steps: [] };
  const steps: WhyNotStep[] = [];
  const reasons: string[] = [];
  for (const c of candidates) {
    const a = explainRoute(rules, subject, c.route, c.rule, data, until, q);
    steps.push(step({ text: `${c.route.name}.${c.rule} -> ${words}`, result: a.happened ? "happened" : "failed", detail: a.summary, source: c.rule === "otherwise" ? (c.route.fallback?.source ?? c.route.source) : (c.route.rules.find((x) => x.name === c.rule)?.source ?? c.route.source), steps: a.steps }));
    reasons.push(a.summary);
  }
  for (const { route, rule, e } of escalations) {
    const ran = data.runs.get(route.name);
    const seen = data.escalations.filter((x) => x.route === route.name && targetWords({ kind: x.target.kind, name: x.target.name }) === targetWords(e.target));
    const last = seen[seen.length - 1];
    const detail = !ran
      ? `route \`${route.name}\` never ran`
      : ran.entry.rule !== rule
        ? `route \`${route.name}\` ran on ${ran.entry.time} with ${ran.entry.rule === null ? "no rule" : `\`${ran.entry.rule}\``}; this escalation belongs to \`${rule}\``
        : !last
          ? `it was not scheduled`
          : last.status === "cancelled"
            ? `it was cancelled on ${last.time} (${last.reason})`
            : last.status === "scheduled"
              ? `it is scheduled for ${formatTime(last.due)}, after ${mom}`
              : `it fired on ${last.time}, and a later decision replaced it`;
    steps.push(step({ text: `${route.name}.${rule}: escalate after ${formatDurationShort(e.after)} to ${words}`, result: last?.status === "escalated" ? "happened" : "never happened", detail, source: e.source }));
  }
  const n = candidates.length;
  const what = n ? `${n === 1 ? "the one rule" : `none of the ${n} rules`} that ${inflect(n, "sends", "send")} leads to ${words} ${n === 1 ? "did not" : "did"}: ${candidates.map((c) => `\`${c.route.name}.${c.rule}\``).join(", ")}` : `only escalations send leads to ${words}`;
  return { question, moment: mom, happened: false, summary: `${now} at ${mom}; ${what}`, steps };
}

/** The end of a subject's inputs (minutes). */
export function subjectEnd(subject: Subject): number {
  return endOf(subject);
}

// ------------------------------------------------------------------ failed expectations (`test --explain`)

export interface ExpectationExplanation {
  /** The trace entries before the expectation that decided what it saw (stage moves, score changes, routing, the action's calls). */
  entries: TraceEntry[];
  /** For `stage == S` and `routed to T`: why not, at the expectation's moment. */
  whyNot: WhyNotAnswer | null;
  /** What `entries` would have held, said when it is empty (`no workflow step called send_email`). */
  kinds: string;
}

/**
 * Explains a failed expectation of a journey run with its whole trace: the entries that decided
 * the value it saw and, where the expectation names an outcome that did not happen, why not.
 */
export function explainExpectation(rules: CompiledRules, journey: A.JourneyDecl, result: JourneyResult, x: { source: SourceRef; at: number }): ExpectationExplanation {
  const off = x.source.range.start.offset;
  const step = journey.steps.find((s): s is A.ExpectStep => s.kind === "ExpectStep" && s.range.start.offset === off);
  const e = step?.expectation;
  const end = result.trace.findIndex((t) => t.kind === "expect" && t.source.uri === x.source.uri && t.source.range.start.offset === off);
  // In a journey with several leads: the entries of the expectation's lead only, and its lead as the subject.
  const lead = journey.leads?.length ? step?.lead?.text : undefined;
  const before = (end < 0 ? result.trace.filter((t) => t.at <= x.at) : result.trace.slice(0, end)).filter((t) => t.leadName === lead);
  if (!e) return { entries: [], whyNot: null, kinds: "" };
  const subject = () => (lead !== undefined ? journeyLeadSubject(rules, journey, lead, result.seed) : undefined) ?? journeySubject(rules, journey, result.seed);
  switch (e.kind) {
    case "ExpectStage": {
      const name = e.stage?.text;
      // The stage moves, and the changes of the scores (and grades' scores) the wanted stage's condition reads.
      const when = rules.stages.find((s) => s.name === name)?.when;
      const read = new Set((when?.operands ?? []).map((o) => rules.grades.find((g) => g.name === o.label)?.score ?? o.label));
      const entries = before.filter((t) => t.kind === "stage" || ((t.kind === "score" || t.kind === "suppressed") && read.has(t.score)));
      const ask = name !== undefined && (e.op ?? "==") === "==" && rules.stages.some((s) => s.name === name);
      return { entries, whyNot: ask ? whyNot(rules, subject(), { kind: "stage", name, until: x.at }) : null, kinds: "no stage move" };
    }
    case "ExpectScore":
    case "ExpectGrade": {
      const score = e.kind === "ExpectScore" ? e.score?.text : rules.grades.find((g) => g.name === e.grade?.text)?.score;
      return { entries: before.filter((t) => (t.kind === "score" || t.kind === "suppressed") && t.score === score), whyNot: null, kinds: `no rule changed \`${score ?? "?"}\`` };
    }
    case "ExpectRouted": {
      const entries = before.filter((t) => t.kind === "route" || t.kind === "escalation");
      const t = e.target;
      const target: TargetQuery | null = !t || !t.targetKind ? null : t.targetKind === "discard" ? { kind: "discard", name: null } : t.ref ? { kind: t.targetKind, name: t.ref.text } : null;
      const ask = target !== null && !e.negated && !e.escalated && whyNotProblem(rules, { kind: "routed", target }) === null;
      return { entries, whyNot: ask ? whyNot(rules, subject(), { kind: "routed", target: target!, until: x.at }) : null, kinds: "no route ran and no escalation happened" };
    }
    case "ExpectAction": {
      const name = e.call?.action?.text;
      return { entries: before.filter((t) => t.kind === "action" && (e.none || name === undefined || t.action === name)), whyNot: null, kinds: e.none || name === undefined ? "no workflow step called an action" : `no workflow step called \`${name}\`` };
    }
  }
}
