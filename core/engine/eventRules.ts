/**
 * Event rules (docs/language.md §6 "Rules", §14 step 4): `+P on EVENT [where FILTER]
 * [at least K times] [within D] [limit N [per D2]] [when CONDITION]`. Every rule listening to
 * the event is decided on the state before the event changes any score (`where`, then
 * `at least` (`atLeast.ts`), then `when`), then the decided rules fire in order: a `limit` may
 * suppress a firing (`limits.ts`), a firing applies its clamped points and, for `within D`
 * without `at least`, schedules their expiry (§6 "Expiry").
 */
import { bindings, truth, type HistoryItem } from "./expr.js";
import type { EventPlan, EventRuleRef } from "./layout.js";
import { countMatchesInHistory, countOwnMatch } from "./atLeast.js";
import { countFiring, limitReached } from "./limits.js";
import { applyToBehaviour, behaviourPart, markScored, scoreValue, setBehaviourPart } from "./scores.js";
import { schedule } from "./timers.js";
import { formatTime, type Bindings, type Value, traceEntry } from "./trace.js";
import type { Simulation } from "./sim.js";

const NO_VALUES: Bindings = Object.freeze({}) as Bindings;

/** Decided rules are remembered in a bit mask up to this position in the plan's list, beyond it in a list. */
const MASK_BITS = 30;

/**
 * §14 step 4: the event rules listening to the current event (payload `p`, recorded in `history`,
 * its history when kept) are decided, then fire or are suppressed.
 */
export function applyEventRules(sim: Simulation, plan: EventPlan, p: Record<string, Value>, history: HistoryItem[] | undefined): void {
  const listeners = plan.rules;
  if (!listeners) return;
  // Decide every rule first: each one sees the scores as they were before this event.
  let mask = 0;
  let more: number[] | null = null;
  const values: Bindings[] | null = sim.tracing ? [] : null;
  for (let j = 0; j < listeners.length; j++) {
    const v = decide(sim, listeners[j]!, plan.name, p, history);
    if (v === null) continue;
    if (j < MASK_BITS) mask |= 1 << j;
    else (more ??= []).push(j);
    if (values !== null) values[j] = v;
  }
  if (mask === 0 && more === null) return;
  for (let j = 0; j < listeners.length && j < MASK_BITS; j++) if ((mask & (1 << j)) !== 0) fireEventRule(sim, listeners[j]!, values !== null ? values[j]! : NO_VALUES);
  if (more !== null) for (const j of more) fireEventRule(sim, listeners[j]!, values !== null ? values[j]! : NO_VALUES);
}

/**
 * Whether the rule fires on this event, before any rule fires: its `where` on the payload, its
 * `at least K times [within D]` count, its `when`. Returns the values to show in the trace
 * (empty with the trace off), or null when the rule does not fire.
 */
function decide(sim: Simulation, x: EventRuleRef, name: string, p: Record<string, Value>, history: HistoryItem[] | undefined): Bindings | null {
  const r = x.r;
  if (r.where) {
    sim.payload = p;
    const ok = truth(r.where.ev(sim)) === true;
    if (!ok) {
      sim.payload = null;
      return null;
    }
  }
  const values = sim.tracing ? { ...bindings(r.where ?? undefined, sim) } : NO_VALUES;
  sim.payload = null;
  if (r.times !== null) {
    const n = x.ownCount ? countOwnMatch(sim, x) : countMatchesInHistory(sim, x, history!);
    if (sim.tracing) values[`count(${name})`] = n;
    if (n < r.times) return null;
  }
  if (r.when) {
    if (truth(r.when.ev(sim)) !== true) return null;
    if (sim.tracing) Object.assign(values, bindings(r.when, sim));
  }
  return values;
}

/** A decided rule fires: suppressed by its limit, or its clamped points applied (and their expiry scheduled). */
function fireEventRule(sim: Simulation, x: EventRuleRef, values: Bindings): void {
  const r = x.r;
  const s = x.s;
  const def = sim.ix.scores[s]!;
  if (r.limit) {
    if (limitReached(sim, x, r.limit)) {
      if (sim.tracing) sim.push(traceEntry.suppressed(sim.now, r.source, { score: def.name, rule: r.name, reason: "limit", detail: r.limit.text, points: r.points }));
      return;
    }
    countFiring(sim, x, r.limit);
  }
  const before = scoreValue(sim, s);
  markScored(sim, s);
  const applied = applyToBehaviour(sim, s, r.points);
  const after = scoreValue(sim, s);
  if (sim.tracing) sim.push(traceEntry.score(sim.now, r.source, { score: def.name, rule: r.name, cause: "event", points: r.points, applied, before, after, values }));
  if (r.within !== null && r.times === null && applied !== 0) scheduleExpiry(sim, x, applied);
}

/**
 * §6 "Expiry": the applied change of a `within D` firing is taken away 1 minute after D has
 * passed, but never more than brings the behaviour part to 0.
 */
function scheduleExpiry(sim: Simulation, x: EventRuleRef, applied: number): void {
  const r = x.r;
  const s = x.s;
  const def = sim.ix.scores[s]!;
  const within = r.within!;
  schedule(sim, sim.now + within + 1, "expiry", `${def.name}.${r.name}`, r.source, () => {
    const part = behaviourPart(sim, s);
    const remove = applied > 0 ? Math.min(applied, Math.max(part, 0)) : Math.max(applied, Math.min(part, 0));
    const before = scoreValue(sim, s);
    setBehaviourPart(sim, s, part - remove);
    const after = scoreValue(sim, s);
    if (sim.tracing) sim.push(traceEntry.score(sim.now, r.source, { score: def.name, rule: `expiry of ${r.name}`, cause: "expiry", points: -applied, applied: -remove, before, after, values: { fired: formatTime(sim.now - within - 1) } }));
  });
}
