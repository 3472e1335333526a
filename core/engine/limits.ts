/**
 * `limit N per D` and `limit N` (docs/language.md §6 "Rules"): an event rule fires at most N
 * times in any window [now − D, now] (`limit N` alone: at most N times ever). A firing that the
 * limit stops is suppressed and not counted.
 *
 * One record per rule and lead: the times of its last N firings, a ring whose cursor is the
 * oldest. Since the clock never goes back, the limit is reached exactly when N firings are kept
 * and the oldest of them is within the period. The ring is in the simulation's block when N is
 * small (`EventRuleRef.limitAt`), else in the rule's `EventRuleState`.
 */
import type { CEventRule } from "./compiled.js";
import { RING_CURSOR, RING_TIMES, type EventRuleRef } from "./layout.js";
import type { Simulation } from "./sim.js";

type Limit = NonNullable<CEventRule["limit"]>;

/** The start of the limit's window now (`-Infinity` for `limit N` without a period). */
function windowStart(sim: Simulation, limit: Limit): number {
  return limit.per === null ? -Infinity : sim.now - limit.per;
}

/** True when the rule has fired N times within the limit's window: this firing is suppressed. */
export function limitReached(sim: Simulation, x: EventRuleRef, limit: Limit): boolean {
  if (!(limit.count > 0)) return true;
  const from = windowStart(sim, limit);
  if (x.limitAt >= 0) {
    const o = sim.b + x.limitAt;
    // An empty place holds NaN, never within the window.
    return sim.num[o + RING_TIMES + sim.num[o + RING_CURSOR]!]! >= from;
  }
  const st = sim.ruleState(x.k);
  return st.firings.length >= limit.count && st.firings[st.firingsCursor]! >= from;
}

/** Counts a firing of the rule now towards its limit. */
export function countFiring(sim: Simulation, x: EventRuleRef, limit: Limit): void {
  if (x.limitAt >= 0) {
    const num = sim.num;
    const o = sim.b + x.limitAt;
    const c = num[o + RING_CURSOR]!;
    num[o + RING_TIMES + c] = sim.now;
    num[o + RING_CURSOR] = c + 1 === limit.count ? 0 : c + 1;
    return;
  }
  const st = sim.ruleState(x.k);
  const f = st.firings;
  if (f.length < limit.count) f.push(sim.now);
  else {
    f[st.firingsCursor] = sim.now;
    st.firingsCursor = st.firingsCursor + 1 === f.length ? 0 : st.firingsCursor + 1;
  }
}
