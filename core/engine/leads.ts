/**
 * The clock of a journey with several leads (docs/language.md §11 "Journeys with several leads"):
 * every lead is a `Simulation` of its own, and they share one `RoutingPool` (team turns and caps
 * count across the leads). Before a step at `t`, the timers of every lead due at or before `t` run
 * in time order across the leads: timers due at the same minute, lead by lead in written order
 * (one lead's own in the order they were scheduled, §13). Used by `runJourney` and by the
 * explanations (`explain.ts`), so both replay a journey the same way.
 */
import { earliestDue } from "./timers.js";
import type { Simulation } from "./sim.js";

/** Runs every timer of `sims` (in written order) due at or before `t`, in time order across them, then moves each clock to `t`. */
export function advanceLeads(sims: readonly Simulation[], t: number): void {
  for (;;) {
    let best = -1;
    let due = Infinity;
    for (let i = 0; i < sims.length; i++) {
      const d = earliestDue(sims[i]!);
      if (d <= t && d < due) {
        best = i;
        due = d;
      }
    }
    if (best < 0) break;
    // `best` may run on alone up to the next timer of another lead: through that minute when
    // `best` is written first (it goes first at a tie), else only its own earliest minute.
    let horizon = t;
    for (let i = 0; i < sims.length; i++) {
      if (i === best) continue;
      const d = earliestDue(sims[i]!);
      if (d > t) continue;
      const h = i > best ? d : due;
      if (h < horizon) horizon = h;
    }
    sims[best]!.advanceTo(horizon);
  }
  for (const s of sims) s.advanceTo(t);
}
