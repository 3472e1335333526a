/**
 * Escalations (docs/language.md §8 "Escalations (SLA)", §14 step 3): each step of `escalate after
 * D to TARGET, …` is a timer D after the routing decision that reassigns the lead when it falls
 * due; a `sales_activity` cancels every escalation not yet due.
 */
import type { CEscalation, CRoute } from "./compiled.js";
import { resolveTarget } from "./targets.js";
import { schedule } from "./timers.js";
import { formatDurationShort, formatTime, type TargetValue, traceEntry } from "./trace.js";
import type { Simulation } from "./sim.js";

/** Schedules the escalation steps of a routing decision made now by `route`. */
export function scheduleEscalations(sim: Simulation, route: CRoute, steps: readonly CEscalation[]): void {
  const routedAt = sim.now;
  for (const e of steps) {
    const tv: TargetValue = { kind: e.target.kind, name: e.target.name, member: null };
    const due = routedAt + e.after;
    if (sim.tracing) sim.push(traceEntry.escalation(sim.now, e.source, { route: route.name, status: "scheduled", target: tv, due, reason: `unless a sales activity happens before ${formatTime(due)}` }));
    const timer = schedule(sim, due, "escalation", `route ${route.name}`, e.source, () => {
      const r = resolveTarget(sim, { ...route, fallback: null }, e.target);
      const target = r.target ?? tv;
      sim.escalated.push(target);
      sim.assignment = target;
      sim.assignedBy = `escalation of ${route.name}`;
      sim.pool?.assigned(target);
      // A full team (no member picked) still takes the lead, with no member: an escalation has no otherwise (§8).
      const why = `no sales activity within ${formatDurationShort(e.after)} of routing`;
      const reason = e.target.kind === "team" && !target.member ? `${why}; every member of team \`${e.target.name}\` is at the cap, so the lead waits in the team with no member` : why;
      if (sim.tracing) sim.push(traceEntry.escalation(sim.now, e.source, { route: route.name, status: "escalated", target, due, reason }));
    });
    (sim.escalationTimers ??= []).push({ timer, target: tv });
  }
}

/** A `sales_activity` now: cancels every pending escalation that is not yet due. */
export function cancelEscalations(sim: Simulation): void {
  if (sim.escalationTimers === null) return;
  for (const { timer: t, target } of sim.escalationTimers) {
    // Timers due now have fired already (timers fall due before events at the same time).
    if (t.cancelled || t.due <= sim.now) continue;
    t.cancelled = true;
    if (sim.tracing) sim.push(traceEntry.escalation(sim.now, t.source, { route: t.owner.replace(/^route /, ""), status: "cancelled", target, due: t.due, reason: "a sales activity happened before the escalation was due" }));
  }
  sim.escalationTimers = sim.escalationTimers.filter((x) => !x.timer.cancelled && x.timer.due > sim.now);
}
