/**
 * Decay (docs/language.md §6 "Decay"): `decay P% every D` ticks at `first + D`, `first + 2D`, …
 * from the score's first firing, each tick setting the behaviour part to
 * trunc(part × (1 − P/100)). A tick that changes nothing leaves no trace entry; runs of such
 * idle ticks are skipped over at once (`skipIdleDecayTicks`) with the same result and trace.
 */
import type { CScore } from "./compiled.js";
import { behaviourPart, scoreValue, setBehaviourPart } from "./scores.js";
import { pushTimer, refillTimers, schedule, type DecayClock, type Timer } from "./timers.js";
import { traceEntry } from "./trace.js";
import type { Simulation } from "./sim.js";

/** The behaviour part after one tick of `percent`. */
function decayed(part: number, percent: number): number {
  return Math.trunc(part * (1 - percent / 100));
}

/** Starts the decay ticks of score slot `s` (at its first firing, now). */
export function startDecay(sim: Simulation, s: number, def: CScore, dec: { percent: number; every: number }): void {
  const clock: DecayClock = { start: sim.now, every: dec.every, k: 1 };
  // A tick is worth a trace entry when it would change the behaviour part.
  const changes = () => decayed(behaviourPart(sim, s), dec.percent) !== behaviourPart(sim, s);
  const arm = (due: number) => {
    const t = schedule(sim, due, "decay", def.name, def.source, tick);
    t.worthTracing = changes;
    t.decay = clock;
  };
  const tick = () => {
    const before = scoreValue(sim, s);
    const nb = decayed(behaviourPart(sim, s), dec.percent);
    const applied = nb - behaviourPart(sim, s);
    setBehaviourPart(sim, s, nb);
    if (applied !== 0 && sim.tracing) sim.push(traceEntry.score(sim.now, def.source, { score: def.name, rule: "decay", cause: "decay", points: applied, applied, before, after: scoreValue(sim, s), values: { percent: dec.percent } }));
    clock.k++;
    arm(clock.start + clock.k * clock.every);
  };
  arm(clock.start + clock.every);
}

/** A decay tick that would change nothing now. */
export function isIdleDecayTick(x: Timer): boolean {
  return x.decay !== undefined && !x.cancelled && !x.worthTracing!();
}

/**
 * With the state settled at `now` and the earliest timer an idle decay tick (its score's behaviour
 * part would not change), moves every idle decay tick forward to the first of its ticks that could
 * matter: at or after the next other timer, the input at `t` or a re-entry wait's end, or after the
 * clock leaves a condition's window (`CompiledRules.clockWindows`). The ticks passed over would
 * each change nothing (no trace entry, no state), so the result and the trace are those of
 * processing them one by one, in time that does not grow with the clock. Returns whether any tick
 * moved.
 */
export function skipIdleDecayTicks(sim: Simulation, t: number): boolean {
  const windows = sim.rules.clockWindows;
  if (windows === undefined) return false;
  const h = sim.timers!;
  // The first moment a tick may matter: at or after `until`, or strictly after `after`.
  let until = t;
  let after = Infinity;
  const idle: Timer[] = [];
  for (const x of h) {
    if (isIdleDecayTick(x)) idle.push(x);
    else if (x.due < until) until = x.due;
  }
  const now = sim.now;
  const cur = sim.rules.stages[sim.stageIndex];
  if (cur?.detour) for (const re of sim.rules.reenters) if (re.from === sim.stageIndex && sim.stageEnteredAt + re.after > now && sim.stageEnteredAt + re.after < until) until = sim.stageEnteredAt + re.after;
  for (const [e, ds] of windows) {
    const hist = sim.history(e);
    for (const d of ds) {
      // The oldest event still inside the window leaves it first (history is in time order).
      let lo = 0;
      let hi = hist.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (hist[mid]!.at + d < now) lo = mid + 1;
        else hi = mid;
      }
      if (lo < hist.length && hist[lo]!.at + d < after) after = hist[lo]!.at + d;
    }
  }
  const moved: { x: Timer; from: number; pending: number }[] = [];
  for (const x of idle) {
    const c = x.decay!;
    const at = (k: number) => c.start + k * c.every;
    // Smallest k with at(k) >= until, and smallest with at(k) > after (never before the pending tick).
    // (Beyond the exact range of the clock (core/time.ts) nothing is skipped.)
    let k = Math.max(c.k, Math.ceil((until - c.start) / c.every));
    if (!Number.isSafeInteger(k) || !Number.isSafeInteger(at(k) + c.every)) continue;
    while (k > c.k && at(k - 1) >= until) k--;
    while (at(k) < until) k++;
    const k2from = Math.floor((after - c.start) / c.every);
    if (Number.isSafeInteger(k2from) && Number.isSafeInteger(c.start + (k2from + 2) * c.every)) {
      let k2 = Math.max(c.k, k2from);
      while (k2 > c.k && at(k2 - 1) > after) k2--;
      while (at(k2) <= after) k2++;
      if (k2 < k) k = k2;
    }
    if (k === c.k) continue;
    c.k = k;
    // Where this tick would have been scheduled: by the tick before it.
    moved.push({ x, from: at(k - 1), pending: x.due });
  }
  if (moved.length === 0) return false;
  // Re-insert the moved ticks with the order they would have had: scheduled later than every
  // pending timer, among themselves in the order of their previous ticks. Two ticks scheduled at
  // one moment keep the order their scores' ticks have had since they first shared that moment:
  // a tick whose pending one is later has already been processed at the earlier moment, so it
  // was first there (and its next tick was scheduled first); at one pending time, the older seq first.
  moved.sort((a, b) => a.from - b.from || b.pending - a.pending || a.x.seq - b.x.seq);
  const movedSet = new Set(moved.map((m) => m.x));
  refillTimers(sim, h.filter((x) => !movedSet.has(x)));
  for (const { x } of moved) {
    x.due = x.decay!.start + x.decay!.k * x.decay!.every;
    x.seq = sim.seq++;
    pushTimer(sim, x);
  }
  return true;
}
