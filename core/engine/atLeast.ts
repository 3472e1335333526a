/**
 * `at least K times [within D]` (docs/language.md §6 "Rules"): a rule fires on a matching event
 * when the matching events in the window [now − D, now], this one included, are at least K
 * (without `within`: all matching events so far). A filter that reads only the payload decides
 * each event once, so the rule counts its own matches (a count, a ring of the last K match times
 * in the block with the trace off, else the match times of the window); a filter that reads more
 * is evaluated again on the kept history of the window.
 */
import { truth, type HistoryItem } from "./expr.js";
import { RING_CURSOR, RING_TIMES, type EventRuleRef } from "./layout.js";
import type { Simulation } from "./sim.js";

/** `at least K times [within D]` whose filter reads past payloads: the matching events of the window, from the history. */
export function countMatchesInHistory(sim: Simulation, x: EventRuleRef, list: HistoryItem[]): number {
  const r = x.r;
  let n = 0;
  // History is in time order: walk back from the newest until the window starts.
  const from = r.within !== null ? sim.now - r.within : -Infinity;
  for (let k = list.length - 1; k >= 0; k--) {
    const h = list[k]!;
    if (h.at < from) break;
    sim.payload = h.payload;
    if (!r.where || truth(r.where.ev(sim)) === true) n++;
    sim.payload = null;
  }
  return n;
}

/**
 * `at least K times [within D]` whose filter reads only the payload: records that the current event
 * matched; returns the matches in the window (with the trace off and a ring of the last K match
 * times, the count of those in the window: whether it reaches K is all the rule asks).
 */
export function countOwnMatch(sim: Simulation, x: EventRuleRef): number {
  const num = sim.num;
  if (x.matchedAt >= 0) {
    const at = sim.b + x.matchedAt;
    return (num[at] = num[at]! + 1);
  }
  const within = x.r.within!;
  if (x.matchAt >= 0 && !sim.tracing) {
    const o = sim.b + x.matchAt;
    const k = x.r.times!;
    const c = num[o + RING_CURSOR]!;
    num[o + RING_TIMES + c] = sim.now;
    num[o + RING_CURSOR] = c + 1 === k ? 0 : c + 1;
    const from = sim.now - within;
    let n = 0;
    for (let j = 0; j < k; j++) if (num[o + RING_TIMES + j]! >= from) n++;
    return n;
  }
  const m = sim.ruleState(x.k).matches;
  m.push(sim.now);
  const from = sim.now - within;
  while (m.length > 0 && m[0]! < from) m.shift();
  return m.length;
}
