/**
 * Scores (docs/language.md §6): attribute, event and inactivity rules, the two parts of the value,
 * clamping, limits, windows, expiry and decay. Each function is one sentence of §6 or §14.
 */
import type * as A from "../../../core/syntax/ast.js";
import { minutes } from "./model.js";
import { holds } from "./conditions.js";
import type { OracleSim } from "./simulation.js";

export interface ScoreState {
  decl: A.ScoreDecl;
  scored: boolean;
  /** The attribute part: points of the attribute rules that are true now. */
  attr: number;
  /** The behaviour part. */
  behaviour: number;
  /** Attribute rules that are true now. */
  on: Set<string>;
  /** Per event rule: times of firings. */
  fired: Map<string, number[]>;
  /** Per inactivity rule: its pending timer. */
  inactivity: Map<string, { live: boolean }>;
}

export function newScoreState(decl: A.ScoreDecl): ScoreState {
  return { decl, scored: false, attr: 0, behaviour: 0, on: new Set(), fired: new Map(), inactivity: new Map() };
}

const cap = (s: ScoreState) => s.decl.settings.find((x): x is A.CapSetting => x.kind === "Cap")?.value?.value;
const floor = (s: ScoreState) => s.decl.settings.find((x): x is A.FloorSetting => x.kind === "Floor")?.value?.value;
const decay = (s: ScoreState) => s.decl.settings.find((x): x is A.DecaySetting => x.kind === "Decay");

/** value = clamp(attribute part + behaviour part, floor, cap); missing while unscored. */
export function valueOf(s: ScoreState): number | null {
  if (!s.scored) return null;
  let v = s.attr + s.behaviour;
  const c = cap(s);
  const f = floor(s);
  if (c !== undefined && v > c) v = c;
  if (f !== undefined && v < f) v = f;
  return v;
}

/**
 * "Each change to the behaviour part is clamped when it happens": attribute part + behaviour part
 * stays within [floor, cap], and a change never goes against its sign. Returns the applied change.
 */
function changeBehaviour(s: ScoreState, points: number): number {
  const b = s.behaviour;
  let next = b + points;
  if (points > 0) {
    const c = cap(s);
    if (c !== undefined) next = Math.min(next, c - s.attr);
    next = Math.max(next, b);
  } else {
    const f = floor(s);
    if (f !== undefined) next = Math.max(next, f - s.attr);
    next = Math.min(next, b);
  }
  s.behaviour = next;
  return next - b;
}

const scoreName = (s: ScoreState) => s.decl.name?.text ?? "";

/** The first firing of a score: it becomes scored and its decay starts (§6 Decay: ticks at first + D, first + 2D, …). */
function firstFiring(sim: OracleSim, s: ScoreState): void {
  if (s.scored) return;
  s.scored = true;
  const d = decay(s);
  if (d?.every && d.percent) scheduleDecay(sim, s, sim.now + minutes(d.every), d.percent.value, minutes(d.every));
}

function scheduleDecay(sim: OracleSim, s: ScoreState, due: number, percent: number, every: number): void {
  sim.schedule(due, () => {
    // behaviour part := trunc(behaviour part × (1 − P/100)), rounded toward zero
    const b = s.behaviour;
    const next = Math.trunc((b * (100 - percent)) / 100);
    scheduleDecay(sim, s, due + every, percent, every);
    // A tick that changes nothing leaves no entry of its own; it is still an evaluation (§14 "For a timer": steps 5-6).
    if (next !== b) {
      const before = valueOf(s);
      s.behaviour = next;
      sim.timerEntry("decay", due, scoreName(s));
      sim.push({ kind: "score", score: scoreName(s), rule: "decay", cause: "decay", points: next - b, applied: next - b, before, after: valueOf(s) });
    }
    sim.afterTimer();
  });
}

function entry(sim: OracleSim, s: ScoreState, rule: string, cause: string, points: number, applied: number, before: number | null): void {
  sim.push({ kind: "score", score: scoreName(s), rule, cause, points, applied, before, after: valueOf(s) });
}

/** §14 step 5: re-evaluate every attribute rule (score declaration order, rules in written order). */
export function attributeRules(sim: OracleSim): void {
  for (const s of sim.scores.values()) {
    const uri = sim.model.uriOf.get(s.decl)!;
    for (const r of s.decl.rules) {
      if (r.trigger?.kind !== "AttributeTrigger" || !r.name || !r.points) continue;
      const name = r.name.text;
      const p = r.points.value;
      const now = holds(sim.scope(uri), r.trigger.when);
      if (now && !s.on.has(name)) {
        const before = valueOf(s);
        s.on.add(name);
        s.attr += p;
        firstFiring(sim, s);
        entry(sim, s, name, "attribute-on", p, p, before);
      } else if (!now && s.on.has(name)) {
        const before = valueOf(s);
        s.on.delete(name);
        s.attr -= p;
        entry(sim, s, name, "attribute-off", -p, -p, before);
      }
    }
  }
}

const inWindow = (now: number, d: number, t: number) => now - d <= t && t <= now;

/** §14 step 4: the event rules on `event`, each checked where → when → at least → limit, then fired or suppressed. */
export function eventRules(sim: OracleSim, event: string, payload: Record<string, unknown>): void {
  for (const s of sim.scores.values()) {
    const uri = sim.model.uriOf.get(s.decl)!;
    for (const r of s.decl.rules) {
      const t = r.trigger;
      if (t?.kind !== "EventTrigger" || t.event?.text !== event || !r.name || !r.points) continue;
      const name = r.name.text;
      const p = r.points.value;
      if (t.where && !holds(sim.scope(uri, { event, values: payload }), t.where)) continue;
      if (t.when && !holds(sim.scope(uri), t.when)) continue;
      if (t.times) {
        // "the number of matching events in the window, this one included": the events of the
        // history whose filter holds now (with their payload and the lead as it is now).
        const n = sim.history.filter(
          (h) => h.name === event && (!t.within || inWindow(sim.now, minutes(t.within), h.at)) && (!t.where || holds(sim.scope(uri, { event, values: h.payload }), t.where)),
        ).length;
        if (n < t.times.value) continue;
      }
      const fired = s.fired.get(name) ?? [];
      if (t.limit?.count) {
        const n = t.limit.per ? fired.filter((x) => inWindow(sim.now, minutes(t.limit!.per), x)).length : fired.length;
        if (n >= t.limit.count.value) {
          sim.push({ kind: "suppressed", score: scoreName(s), rule: name, points: p });
          continue;
        }
      }
      fired.push(sim.now);
      s.fired.set(name, fired);
      const before = valueOf(s);
      const applied = changeBehaviour(s, p);
      firstFiring(sim, s);
      entry(sim, s, name, "event", p, applied, before);
      if (t.within && !t.times && applied !== 0) scheduleExpiry(sim, s, name, sim.now + minutes(t.within) + 1, applied);
    }
  }
}

/**
 * §6 Expiry: the applied change is removed 1 minute after D, never more than brings the behaviour
 * part to 0; like decay it moves the part toward 0 and is not clamped by floor or cap.
 */
function scheduleExpiry(sim: OracleSim, s: ScoreState, rule: string, due: number, applied: number): void {
  sim.schedule(due, () => {
    sim.timerEntry("expiry", due, `${scoreName(s)}.${rule}`);
    const b = s.behaviour;
    const change = applied > 0 ? -Math.min(applied, Math.max(b, 0)) : Math.min(-applied, Math.max(-b, 0));
    const before = valueOf(s);
    s.behaviour = b + change;
    entry(sim, s, `expiry of ${rule}`, "expiry", -applied, change, before);
    sim.afterTimer();
  });
}

function inactivityRules(s: ScoreState): A.ScoreRule[] {
  return s.decl.rules.filter((r) => r.trigger?.kind === "InactivityTrigger" && r.name && r.points);
}

function armOne(sim: OracleSim, s: ScoreState, r: A.ScoreRule, from: number): void {
  const t = r.trigger as A.InactivityTrigger;
  const name = r.name!.text;
  const old = s.inactivity.get(name);
  if (old) old.live = false;
  const due = from + minutes(t.after);
  const timer = sim.schedule(due, () => {
    s.inactivity.delete(name);
    sim.timerEntry("inactivity", due, `${scoreName(s)}.${name}`);
    const before = valueOf(s);
    const applied = changeBehaviour(s, r.points!.value);
    firstFiring(sim, s);
    entry(sim, s, name, "inactivity", r.points!.value, applied, before);
    sim.afterTimer();
  });
  s.inactivity.set(name, timer);
}

/** §14 start: the inactivity rules are armed, due D after day 0. */
export function armInactivity(sim: OracleSim): void {
  for (const s of sim.scores.values()) for (const r of inactivityRules(s)) armOne(sim, s, r, 0);
}

/** §14 step 4, end: re-arm the inactivity rules that list `event`, D after it. */
export function rearmInactivity(sim: OracleSim, event: string): void {
  for (const s of sim.scores.values())
    for (const r of inactivityRules(s)) if ((r.trigger as A.InactivityTrigger).events.some((e) => e.text === event)) armOne(sim, s, r, sim.now);
}
