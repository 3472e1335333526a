/**
 * Journeys (docs/language.md §11): the time of each step, the steps in written order, and each
 * expectation checked at its place after the timers due by then.
 */
import type * as A from "../../../core/syntax/ast.js";
import { LAST_DAY, typeName, type Model } from "./model.js";
import { gradeOf } from "./conditions.js";
import { OracleSim } from "./simulation.js";
import type { Target } from "./routing.js";
import type { Obs, ObsFinal } from "./observed.js";

export interface OracleJourney {
  trace: Obs[];
  expectations: boolean[];
  final: ObsFinal;
  /** A journey with several leads: each lead's final state, in written order (`final` is the first's). */
  leads?: { name: string; final: ObsFinal }[];
}

/** A value as written in a journey: a literal, a bare name (country code, enum value, purpose), a list. */
export function literal(e: A.Expr | undefined): unknown {
  if (!e) return undefined;
  switch (e.kind) {
    case "String":
    case "Number":
    case "Bool":
      return e.value;
    case "Date":
      return e.text;
    case "Path":
      return [e.head.text, ...e.segments.map((s) => s.text)].join(".");
    case "List":
      return e.items.map(literal).filter((v) => v !== undefined);
    case "Paren":
      return literal(e.inner);
    case "Unary": {
      const v = literal(e.operand);
      return e.op === "-" && typeof v === "number" ? -v : undefined;
    }
    default:
      return undefined;
  }
}

function record(r: A.RecordLit | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const e of r?.entries ?? []) {
    const v = literal(e.value);
    if (e.key && v !== undefined) out[e.key.text] = v;
  }
  return out;
}

export function runJourney(model: Model, journey: A.JourneyDecl, seed = journey.seed?.value ?? 0): OracleJourney {
  if (journey.leads?.length) return runSeveral(model, journey, seed);
  const sim = new OracleSim(model, seed);
  sim.start(record(journey.lead));
  const expectations: boolean[] = [];
  let now = 0;
  for (const step of journey.steps) {
    if (step.time?.day) {
      const day = step.time.day.value;
      // "day -1 or a later day [than 1,000,000] ... the simulation does not run that step (with a note)"
      if (day > LAST_DAY || !Number.isFinite(day)) {
        sim.note();
        continue;
      }
      const t = day * 1440 + (step.time.timeOfDay?.minutes ?? 0);
      // "a step written earlier than the previous one ... runs at the previous step's time (with a note)"
      if (t < now) sim.note();
      else now = t;
    }
    if (step.kind === "EventStep") {
      if (step.event) sim.event(now, step.event.text, record(step.payload));
    } else if (step.kind === "UpdateStep") {
      sim.update(now, record(step.values));
    } else {
      sim.advanceTo(now);
      if (!step.expectation) continue;
      const pass = expectation(sim, step.expectation);
      expectations.push(pass);
      sim.push({ kind: "expect", pass });
    }
  }
  return { trace: sim.trace, expectations, final: sim.final() };
}

/**
 * §11 "Journeys with several leads", read sentence by sentence: one simulation per lead, sharing
 * the teams' state ("one routing state ... counts every pick for any of the leads"); "every lead
 * starts at day 0 00:00, one after the other in written order"; "before a step at time t, the
 * timers of every lead due at or before t are processed, in order of due time across the leads;
 * timers of several leads due at the same minute are processed lead by lead in written order";
 * "after the last step, every lead's timers due by then are processed". A step naming no declared
 * lead is not run (a note about the journey, on no lead); a lead declared twice: the first counts.
 */
function runSeveral(model: Model, journey: A.JourneyDecl, seed: number): OracleJourney {
  const trace: Obs[] = [];
  const teams = new OracleSim(model, seed).teams;
  const leads: { name: string; decl: A.JourneyLead; sim: OracleSim }[] = [];
  for (const l of journey.leads ?? []) {
    if (!l.name || leads.some((x) => x.name === l.name!.text)) continue;
    const sim = new OracleSim(model, seed);
    sim.trace = trace;
    sim.teams = teams;
    sim.lead = l.name.text;
    leads.push({ name: l.name.text, decl: l, sim });
  }
  let now = 0;
  const journeyNote = () => trace.push({ kind: "note", at: now });
  // An unnamed `lead { … }` beside named ones is left out (CR3045), with a note.
  if (journey.lead) journeyNote();
  for (const x of leads) x.sim.start(record(x.decl.fields));
  const advanceAll = (t: number) => {
    for (;;) {
      let first: { sim: OracleSim; due: number } | undefined;
      for (const x of leads) {
        const due = x.sim.nextDue();
        if (due <= t && (!first || due < first.due)) first = { sim: x.sim, due };
      }
      if (!first) break;
      first.sim.advanceTo(first.due);
    }
    for (const x of leads) x.sim.advanceTo(t);
  };
  const expectations: boolean[] = [];
  for (const step of journey.steps) {
    const x = step.lead ? leads.find((l) => l.name === step.lead!.text) : undefined;
    const note = () => (x ? x.sim.note() : journeyNote());
    if (step.time?.day) {
      const day = step.time.day.value;
      if (day > LAST_DAY || !Number.isFinite(day)) {
        note();
        continue;
      }
      const t = day * 1440 + (step.time.timeOfDay?.minutes ?? 0);
      if (t < now) note();
      else now = t;
    }
    if (!x) {
      journeyNote();
      continue;
    }
    advanceAll(now);
    if (step.kind === "EventStep") {
      if (step.event) x.sim.event(now, step.event.text, record(step.payload));
    } else if (step.kind === "UpdateStep") {
      x.sim.update(now, record(step.values));
    } else if (step.expectation) {
      const pass = expectation(x.sim, step.expectation);
      expectations.push(pass);
      x.sim.push({ kind: "expect", pass });
    }
  }
  advanceAll(now);
  const finals = leads.map((l) => ({ name: l.name, final: l.sim.final() }));
  return { trace, expectations, final: finals[0]?.final ?? new OracleSim(model, seed).final(), leads: finals };
}

function minuteOf(t: A.TimeRef): number {
  return (t.day?.value ?? 0) * 1440 + (t.timeOfDay?.minutes ?? 0);
}

/** A score's value at a moment: the `after` of its last change at or before it (unscored before any). */
function scoreAt(sim: OracleSim, score: string, at: number): number | null {
  let v: number | null = null;
  // Its own lead's entries only (a journey with several leads shares one trace).
  for (const e of sim.trace) if (e.kind === "score" && e["score"] === score && e.at <= at && e["lead"] === sim.lead) v = e["after"] as number | null;
  return v;
}

function cmp(op: A.CompareOp, a: number, b: number): boolean {
  return op === "==" ? a === b : op === "!=" ? a !== b : op === "<" ? a < b : op === "<=" ? a <= b : op === ">" ? a > b : a >= b;
}

function targetIs(t: Target | null, want: A.Target): boolean {
  if (!t) return false;
  if (want.targetKind === "discard") return t.kind === "discard";
  const name = want.ref?.text;
  // "routed to owner O: the current assignment is O, or a team member O picked by a team"
  if (want.targetKind === "owner") return (t.kind === "owner" && t.name === name) || (t.kind === "team" && t.member === name);
  return t.kind === want.targetKind && t.name === name;
}

/** §11 Expectations, the table read row by row. */
function expectation(sim: OracleSim, e: A.Expectation): boolean {
  const m = sim.model;
  switch (e.kind) {
    case "ExpectStage": {
      const want = m.stages.findIndex((s) => s.name?.text === e.stage?.text);
      return want >= 0 && sim.stage >= 0 && cmp(e.op ?? "==", sim.stage, want);
    }
    case "ExpectScore": {
      const name = e.score?.text ?? "";
      if (!m.scores.some((s) => s.name?.text === name)) return false;
      // `at day A`: the score after every step and timer at or before A (the last change by then).
      const v = e.at ? scoreAt(sim, name, minuteOf(e.at)) : sim.scoreValue(name);
      if (e.op === "unscored") return v === null;
      if (v === null) return false;
      if (e.op === "between") return (e.value?.value ?? 0) <= v && v <= (e.high?.value ?? 0);
      if (e.than) {
        const w = scoreAt(sim, name, minuteOf(e.than));
        return w !== null && cmp(e.op ?? "==", v, w);
      }
      return cmp(e.op ?? "==", v, e.value?.value ?? 0);
    }
    case "ExpectGrade": {
      const g = m.grades.find((x) => x.name?.text === e.grade?.text);
      if (!g) return false;
      const have = gradeOf(g, sim.scoreValue(g.score?.text ?? ""));
      const wi = g.entries.findIndex((x) => x.letter?.text === e.letter?.text);
      if (!have || wi < 0) return false;
      return cmp(e.op ?? "==", have.rank, g.entries.length - wi);
    }
    case "ExpectRouted": {
      if (e.escalated) {
        const hit = e.target ? sim.escalated.some((t) => targetIs(t, e.target!)) : sim.escalated.length > 0;
        return e.negated ? !hit : hit;
      }
      if (!e.target) return e.negated ? sim.assignment === null : sim.assignment !== null;
      const hit = targetIs(sim.assignment, e.target);
      return e.negated ? !hit : hit;
    }
    case "ExpectAction": {
      const list = e.mode === "blocked" || e.mode === "not_blocked" ? sim.blocked : sim.sent;
      if (e.none) return list.length === 0;
      const name = e.call?.action?.text ?? "";
      const params = m.actions.get(name)?.params ?? [];
      const args = e.call?.args?.map((a, i) => {
        const v = literal(a) ?? null;
        return typeName(params[i]?.type) === "email" && typeof v === "string" ? v.toLowerCase() : v;
      });
      const matching = list.filter((x) => x.action === name && (!args || (args.length === x.args.length && args.every((a, i) => JSON.stringify(a) === JSON.stringify(x.args[i]))))).length;
      if (e.mode === "not_sent" || e.mode === "not_blocked") return matching === 0;
      // `N times`: exactly N matching calls.
      return e.times ? matching === e.times.value : matching > 0;
    }
  }
}
