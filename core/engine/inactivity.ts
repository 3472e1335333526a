/**
 * Inactivity rules (docs/language.md §6 "Rules", §14 start and step 4): `-P after D without
 * EVENT [or EVENT…]` fires once when D has passed since the latest listed event (or since day 0),
 * then waits; the next listed event re-arms it, D after that event.
 */
import type { CInactivityRule } from "./compiled.js";
import type { RuleRef } from "./layout.js";
import { applyToBehaviour, markScored, scoreValue } from "./scores.js";
import { schedule } from "./timers.js";
import { formatTime, type Value, traceEntry } from "./trace.js";
import type { Simulation } from "./sim.js";

/** Arms (or re-arms, dropping the pending timer) the inactivity rule `x`, due `after` from `from`. */
export function armInactivity(sim: Simulation, x: RuleRef<CInactivityRule>, from: number): void {
  const { s, r, i } = x;
  const def = sim.ix.scores[s]!;
  const all = (sim.inactivityTimers ??= []);
  const timers = (all[s] ??= def.rules.map(() => null));
  const old = timers[i];
  if (old) old.cancelled = true;
  timers[i] = schedule(sim, from + r.after, "inactivity", `${def.name}.${r.name}`, r.source, () => {
    timers[i] = null;
    const before = scoreValue(sim, s);
    markScored(sim, s);
    const applied = applyToBehaviour(sim, s, r.points);
    const after = scoreValue(sim, s);
    const last: Record<string, Value> = {};
    for (const e of r.events) {
      const h = sim.history(e);
      last[e] = h.length ? formatTime(h[h.length - 1]!.at) : null;
    }
    if (sim.tracing) sim.push(traceEntry.score(sim.now, r.source, { score: def.name, rule: r.name, cause: "inactivity", points: r.points, applied, before, after, values: last }));
  });
}

/** §14 step 4, last part: re-arms the inactivity rules that list the current event. */
export function rearmInactivity(sim: Simulation, rules: readonly RuleRef<CInactivityRule>[] | undefined): void {
  if (rules) for (const x of rules) armInactivity(sim, x, sim.now);
}
