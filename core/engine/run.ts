/**
 * `runJourney`: replays a journey through compiled rules and evaluates its
 * expectations at their place in the timeline.
 */
import { MAX_DAY } from "../time.js";
import type * as A from "../syntax/ast.js";
import type { CompiledRules } from "./compile.js";
import { Simulation, RoutingPool, type SimObserver } from "./sim.js";
import { runLeads } from "./runLeads.js";
import { formatTime, traceEntry, type ExpectationResult, type JourneyResult, type SourceRef, type TargetValue, type TraceEntry, type Value } from "./trace.js";

export interface RunOptions {
  /** Overrides the journey's `seed` (default: the journey's seed, else 0). */
  seed?: number;
  /** Each trace entry as it happens, instead of in the result (whose `trace` is then empty): see `SimOptions.onTrace`. */
  onTrace?: (e: TraceEntry) => void;
  /** Called once before the run with the parts of the result known then (what a streamed result writes before its trace). */
  onStart?: (head: Pick<JourneyResult, "journey" | "seed" | "source">) => void;
  /** A debugger's observer of the simulation (`SimOptions.observer`, core/engine/stepper.ts). */
  observer?: SimObserver;
}

/** A literal as written in a journey (`"x"`, `12`, `true`, `NO`, `[a, b]`, `2026-01-15`). */
export function literalValue(e: A.Expr | undefined): Value | undefined {
  if (!e) return undefined;
  switch (e.kind) {
    case "String":
      return e.value;
    case "Number":
      return e.value;
    case "Bool":
      return e.value;
    case "Date":
      return e.text;
    case "Path":
      return [e.head.text, ...e.segments.map((s) => s.text)].join(".");
    case "List": {
      const out: Value[] = [];
      for (const i of e.items) {
        const v = literalValue(i);
        if (v !== undefined) out.push(v);
      }
      return out;
    }
    case "Paren":
      return literalValue(e.inner);
    case "Unary": {
      const v = literalValue(e.operand);
      return e.op === "-" && typeof v === "number" ? -v : undefined;
    }
    default:
      return undefined;
  }
}

export function recordValues(r: A.RecordLit | undefined): Record<string, Value> {
  const out: Record<string, Value> = {};
  if (!r) return out;
  for (const e of r.entries) {
    if (!e.key) continue;
    const v = literalValue(e.value);
    if (v !== undefined) out[e.key.text] = v;
  }
  return out;
}

export function runJourney(rules: CompiledRules, journey: A.JourneyDecl, opts: RunOptions = {}): JourneyResult {
  // Named leads (`lead ana { … }`): several simulations on one clock and one routing pool.
  if (journey.leads?.length) return runLeads(rules, journey, opts);
  const uri = rules.journeys.find((j) => j.journey === journey)?.uri ?? rules.fromUri;
  const src = (n: A.Node): SourceRef => ({ uri, range: n.range });
  const seed = opts.seed ?? journey.seed?.value ?? 0;
  const name = journey.name?.value ?? "";
  opts.onStart?.({ journey: name, seed, source: src(journey) });
  const sim = new Simulation(rules, { seed, pool: new RoutingPool(seed), ...(opts.onTrace ? { onTrace: opts.onTrace } : {}), ...(opts.observer ? { observer: opts.observer } : {}) });
  sim.start(recordValues(journey.lead), src(journey.lead ?? journey));
  const expectations: ExpectationResult[] = [];
  let now = 0;
  // `expect score s at day 3 > at day 1` compares with earlier moments: the scores are noted as the clock passes them.
  const moments = pastMoments(journey);
  const snapshots = new Map<number, Map<string, number | null>>();
  const noteMoments = (before: number) => {
    while (moments.length && moments[0]! < before) {
      const m = moments.shift()!;
      sim.advanceTo(m);
      snapshots.set(m, new Map(rules.scores.map((x) => [x.name, sim.score(x.name)])));
    }
  };
  for (const step of journey.steps) {
    if (step.time?.day) {
      const day = step.time.day.value;
      if (day > MAX_DAY || !Number.isFinite(day)) {
        // Beyond the clock's exact range (CR3019): the step is not run.
        sim.note(`this step is written for day ${step.time.day.text}, beyond the last day the clock counts (day ${MAX_DAY}); it is not run`, src(step));
        continue;
      }
      const t = day * 1440 + (step.time.timeOfDay?.minutes ?? 0);
      if (t < now) sim.note(`this step is written for ${formatTime(t)}, before the previous step; it happens at ${formatTime(now)}`, src(step));
      else {
        noteMoments(t);
        now = t;
      }
    }
    if (step.kind === "EventStep") {
      if (!step.event) continue;
      sim.event(now, step.event.text, recordValues(step.payload), src(step));
    } else if (step.kind === "UpdateStep") {
      sim.update(now, recordValues(step.values), src(step));
    } else {
      sim.advanceTo(now);
      if (!step.expectation) continue;
      const r = evaluateExpectation(sim, rules, step.expectation, (t) => (t === sim.now ? undefined : snapshots.get(t)));
      const text = `expect ${rules.textOf(src(step.expectation))}`;
      const res: ExpectationResult = { text, pass: r.pass, expected: r.expected, actual: r.actual, at: sim.now, time: formatTime(sim.now), source: src(step) };
      expectations.push(res);
      sim.push(traceEntry.expect(sim.now, res.source, { text, pass: r.pass, expected: r.expected, actual: r.actual }));
    }
  }
  return {
    journey: name,
    seed,
    source: src(journey),
    trace: opts.onTrace ? [] : sim.trace,
    expectations,
    final: sim.final(),
    passed: expectations.every((e) => e.pass),
  };
}

function compareNum(op: A.CompareOp, a: number, b: number): boolean {
  switch (op) {
    case "==":
      return a === b;
    case "!=":
      return a !== b;
    case "<":
      return a < b;
    case "<=":
      return a <= b;
    case ">":
      return a > b;
    default:
      return a >= b;
  }
}

export function showValue(v: Value): string {
  if (v === null) return "missing";
  if (Array.isArray(v)) return `[${v.map(showValue).join(", ")}]`;
  if (typeof v === "string") return JSON.stringify(v);
  return String(v);
}

export function showTarget(t: TargetValue | null): string {
  if (!t) return "unrouted";
  if (t.kind === "discard") return "discard";
  return t.member ? `${t.kind} ${t.name} (owner ${t.member})` : `${t.kind} ${t.name}`;
}

function targetMatches(t: TargetValue | null, want: A.Target): boolean {
  if (!t) return false;
  if (want.targetKind === "discard") return t.kind === "discard";
  const name = want.ref?.text;
  if (want.targetKind === "owner") return (t.kind === "owner" && t.name === name) || (t.kind === "team" && t.member === name);
  return t.kind === want.targetKind && t.name === name;
}

function showCall(action: string, args: Value[]): string {
  return `${action}(${args.map(showValue).join(", ")})`;
}

/** Minutes of a `day N [at HH:MM]` written in an expectation (null when incomplete or beyond the clock). */
export function momentOf(t: A.TimeRef | undefined): number | null {
  if (!t?.day || t.day.value < 0 || t.day.value > MAX_DAY || !Number.isInteger(t.day.value)) return null;
  return t.day.value * 1440 + (t.timeOfDay?.minutes ?? 0);
}

/** The earlier moments a journey's score expectations compare with, in time order. */
export function pastMoments(journey: A.JourneyDecl): number[] {
  const out = new Set<number>();
  for (const s of journey.steps) {
    const x = s.kind === "ExpectStep" ? s.expectation : undefined;
    if (x?.kind !== "ExpectScore") continue;
    for (const t of [x.at, x.than]) {
      const m = momentOf(t);
      if (m !== null) out.add(m);
    }
  }
  return [...out].sort((a, b) => a - b);
}

/** The scores at an earlier moment (`past(t)`), or undefined when `t` is now (read the simulation). */
export type PastScores = (t: number) => Map<string, number | null> | undefined;

export function evaluateExpectation(sim: Simulation, rules: CompiledRules, e: A.Expectation, past: PastScores = () => undefined): { pass: boolean; expected: string; actual: string } {
  switch (e.kind) {
    case "ExpectStage": {
      const want = e.stage ? rules.stages.find((s) => s.name === e.stage!.text) : undefined;
      const op = e.op ?? "==";
      const actual = sim.stageName ?? "no stage";
      if (!want) return { pass: false, expected: `stage ${op} ${e.stage?.text ?? "?"} (not a declared stage)`, actual };
      return { pass: sim.stageIndex >= 0 && compareNum(op, sim.stageIndex, want.index), expected: `stage ${op} ${want.name}`, actual };
    }
    case "ExpectScore": {
      const name = e.score?.text ?? "?";
      if (!rules.scores.some((s) => s.name === name)) return { pass: false, expected: `score ${name} (not a declared score)`, actual: "no such score" };
      // A moment after the expectation (CR3041) cannot be read: the expectation fails, saying so.
      const at = (t: A.TimeRef | undefined): { ok: true; v: number | null; when: string } | { ok: false; when: string } => {
        if (!t) return { ok: true, v: sim.score(name), when: "" };
        const m = momentOf(t);
        const when = m === null ? "that moment" : formatTime(m);
        if (m === null || m > sim.now) return { ok: false, when };
        const snap = past(m);
        return { ok: true, v: snap ? (snap.get(name) ?? null) : sim.score(name), when };
      };
      const left = at(e.at);
      if (!left.ok) return { pass: false, expected: `score ${name} at ${left.when}`, actual: `${left.when} is after this expectation (${formatTime(sim.now)})` };
      const v = left.v;
      const lw = e.at ? ` at ${left.when}` : "";
      const actual = `${v === null ? "unscored" : String(v)}${lw}`;
      if (e.than) {
        const right = at(e.than);
        const op = e.op && e.op !== "between" && e.op !== "unscored" ? e.op : "==";
        if (!right.ok) return { pass: false, expected: `${name}${lw} ${op} ${name} at ${right.when}`, actual: `${right.when} is after this expectation (${formatTime(sim.now)})` };
        const w = right.v;
        return { pass: v !== null && w !== null && compareNum(op, v, w), expected: `${name}${lw} ${op} ${name} at ${right.when}`, actual: `${actual}, ${w === null ? "unscored" : String(w)} at ${right.when}` };
      }
      if (e.op === "unscored") return { pass: v === null, expected: `${name}${lw} is unscored`, actual };
      if (e.op === "between") {
        const lo = e.value?.value ?? 0;
        const hi = e.high?.value ?? 0;
        return { pass: v !== null && v >= lo && v <= hi, expected: `${name}${lw} between ${lo} and ${hi}`, actual };
      }
      const op = e.op ?? "==";
      const n = e.value?.value ?? 0;
      return { pass: v !== null && compareNum(op, v, n), expected: `${name}${lw} ${op} ${n}`, actual };
    }
    case "ExpectGrade": {
      const name = e.grade?.text ?? "?";
      const g = rules.grades.find((x) => x.name === name);
      const letter = sim.gradeLetter(name);
      const actual = letter ?? "missing (score unscored)";
      const op = e.op ?? "==";
      const wantLetter = e.letter?.text ?? "?";
      if (!g) return { pass: false, expected: `grade ${name} (not a declared grade)`, actual: "no such grade" };
      const wi = g.entries.findIndex((x) => x.letter === wantLetter);
      const ai = g.entries.findIndex((x) => x.letter === letter);
      if (wi < 0) return { pass: false, expected: `${name} ${op} ${wantLetter} (not a letter of this grade)`, actual };
      // Better letters come first: rank = entries - index.
      return { pass: ai >= 0 && compareNum(op, g.entries.length - ai, g.entries.length - wi), expected: `${name} ${op} ${wantLetter}`, actual };
    }
    case "ExpectRouted": {
      const decided = sim.routing.filter((r) => r.target !== null);
      if (e.escalated) {
        const actual = sim.escalated.length ? sim.escalated.map(showTarget).join(", ") : "no escalation";
        if (!e.target) return { pass: e.negated ? sim.escalated.length === 0 : sim.escalated.length > 0, expected: e.negated ? "not escalated" : "escalated", actual };
        const hit = sim.escalated.some((t) => targetMatches(t, e.target!));
        const want = `${e.negated ? "not " : ""}escalated to ${targetText(e.target)}`;
        return { pass: e.negated ? !hit : hit, expected: want, actual };
      }
      const cur = sim.assignment;
      const last = decided[decided.length - 1];
      const actual = !cur ? "not routed" : last && last.target === cur ? `${showTarget(cur)} by ${last.route}.${last.rule}` : `${showTarget(cur)} by escalation`;
      if (!e.target) return { pass: e.negated ? cur === null : cur !== null, expected: e.negated ? "not routed" : "routed", actual };
      const hit = targetMatches(cur, e.target);
      return { pass: e.negated ? !hit : hit, expected: `${e.negated ? "not " : ""}routed to ${targetText(e.target)}`, actual };
    }
    case "ExpectAction": {
      const blockedMode = e.mode === "blocked" || e.mode === "not_blocked";
      const list = blockedMode ? sim.blocked : sim.sent;
      const word = blockedMode ? "blocked" : "sent";
      const shown = list.length ? list.map((x) => showCall(x.action, x.args)).join(", ") : `nothing ${word}`;
      if (e.none) return { pass: list.length === 0, expected: `${word} none`, actual: shown };
      const call = e.call;
      const name = call?.action?.text ?? "?";
      const types = rules.actions.get(name)?.paramTypes ?? [];
      const args = call?.args?.map((a, i) => {
        const v = literalValue(a) ?? null;
        return types[i] === "email" && typeof v === "string" ? v.toLowerCase() : v;
      });
      const matches = list.filter((x) => x.action === name && (!args || (args.length === x.args.length && args.every((a, i) => JSON.stringify(a) === JSON.stringify(x.args[i])))));
      const want = args ? showCall(name, args) : name;
      if (e.mode === "not_sent" || e.mode === "not_blocked") return { pass: matches.length === 0, expected: `not ${word} ${want}`, actual: shown };
      if (e.times) {
        const n = e.times.value;
        return { pass: matches.length === n, expected: `${word} ${want} ${n} time${n === 1 ? "" : "s"}`, actual: `${word} ${want} ${matches.length} time${matches.length === 1 ? "" : "s"}${matches.length ? `: ${shown}` : ""}` };
      }
      return { pass: matches.length > 0, expected: `${word} ${want}`, actual: shown };
    }
  }
}

function targetText(t: A.Target): string {
  return t.targetKind === "discard" ? "discard" : `${t.targetKind} ${t.ref?.text ?? "?"}`;
}

/**
 * Compiles the rules visible from `uri` and runs every journey declared in that
 * file, in written order (what `crmrules test` and the editor's "run journey" need).
 */
export function runFile(rules: CompiledRules, uri: string, opts: RunOptions = {}): JourneyResult[] {
  return rules.journeys.filter((j) => j.uri === uri).map((j) => runJourney(rules, j.journey, opts));
}
