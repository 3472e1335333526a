/**
 * The timer queue (docs/language.md §13 "Time", §14 step 1): decay ticks, expiries, inactivity
 * firings, escalations, workflow waits and reenter waits, due in order of their due time and
 * then of scheduling. A binary min-heap per simulation; the earliest due time is mirrored in
 * the simulation's block (`RulesIndex.dueAt`) so that most inputs never look at the heap.
 */
import type { SourceRef, TimerKind } from "./trace.js";
import type { Simulation } from "./sim.js";

export interface Timer {
  due: number;
  /** Scheduling order (ties of `due` fall due in this order). */
  seq: number;
  kind: TimerKind;
  owner: string;
  source: SourceRef;
  cancelled: boolean;
  fire: () => void;
  /** When given and false at fire time, the timer leaves no trace entry (a decay tick with nothing to decay). */
  worthTracing?: (() => boolean) | undefined;
  /** For a decay tick: its score's tick sequence (the tick is due at `start + k * every`). */
  decay?: DecayClock | undefined;
}

/** A score's decay ticks: due at `start + k * every` for k = 1, 2, … (`k` is the pending tick's). */
export interface DecayClock {
  start: number;
  every: number;
  k: number;
}

/** Schedules `fire` at `due`; returns the timer (set `cancelled` to drop it). */
export function schedule(sim: Simulation, due: number, kind: TimerKind, owner: string, source: SourceRef, fire: () => void): Timer {
  const t: Timer = { due, seq: sim.seq++, kind, owner, source, cancelled: false, fire, worthTracing: undefined, decay: undefined };
  pushTimer(sim, t);
  return t;
}

/** The earliest pending timer (undefined: none). */
export function nextTimer(sim: Simulation): Timer | undefined {
  return sim.timers === null ? undefined : sim.timers[0];
}

/** Adds a timer to the heap (ordered by due time, then `seq`). */
export function pushTimer(sim: Simulation, t: Timer): void {
  const due = t.due;
  // Sift up in the heap.
  const h = (sim.timers ??= []);
  let k = h.length;
  h.push(t);
  while (k > 0) {
    const parent = (k - 1) >> 1;
    const p = h[parent]!;
    if (p.due < due || (p.due === due && p.seq < t.seq)) break;
    h[k] = p;
    k = parent;
  }
  h[k] = t;
  sim.num[sim.b + sim.ix.dueAt] = h[0]!.due;
}

/** Removes the earliest timer (the heap's root). */
export function popTimer(sim: Simulation): void {
  const h = sim.timers!;
  const last = h.pop()!;
  const n = h.length;
  if (n === 0) {
    sim.num[sim.b + sim.ix.dueAt] = Infinity;
    return;
  }
  let k = 0;
  for (;;) {
    const l = 2 * k + 1;
    if (l >= n) break;
    const r = l + 1;
    let c = l;
    if (r < n && (h[r]!.due < h[l]!.due || (h[r]!.due === h[l]!.due && h[r]!.seq < h[l]!.seq))) c = r;
    const m = h[c]!;
    if (last.due < m.due || (last.due === m.due && last.seq < m.seq)) break;
    h[k] = m;
    k = c;
  }
  h[k] = last;
  sim.num[sim.b + sim.ix.dueAt] = h[0]!.due;
}

/** The due time of the earliest pending timer (`Infinity`: none), read from the block. */
export function earliestDue(sim: Simulation): number {
  return sim.num[sim.b + sim.ix.dueAt]!;
}

/** Rebuilds the heap from `timers` (in the order given: ties keep their `seq`). */
export function refillTimers(sim: Simulation, timers: readonly Timer[]): void {
  sim.timers = [];
  for (const x of timers) pushTimer(sim, x);
}
