/**
 * Routes (docs/language.md §8 "Routes", §14 steps 6 and 7): a route runs at most once per lead;
 * its rules are tried in written order and the first true one decides, else `otherwise`; a team
 * target is resolved by `targets.ts`; the decision schedules the rule's escalations (`escalations.ts`).
 */
import type { CEscalation, CRoute, CTarget } from "./compiled.js";
import { bindings, truth } from "./expr.js";
import type { EventPlan } from "./layout.js";
import { resolveTarget } from "./targets.js";
import { scheduleEscalations } from "./escalations.js";
import { traceEntry, type Bindings, type SourceRef, type Value } from "./trace.js";
import type { Simulation } from "./sim.js";

const NO_VALUES: Bindings = Object.freeze({}) as Bindings;

/** §14 step 7: the routes triggered by the current event whose `where` holds on its payload `p`, in declaration order. */
export function runEventRoutes(sim: Simulation, plan: EventPlan, p: Record<string, Value>): void {
  const routes = plan.routes;
  if (routes) for (const route of routes) if (sim.triggerMatches(route.trigger.where, p)) runRoute(sim, route, `on ${plan.name}`);
}

/** Runs a route (`why`: its trigger, for the trace), unless it has routed this lead already. */
export function runRoute(sim: Simulation, route: CRoute, why: string): void {
  const done = (sim.routesDone ??= new Set());
  if (done.has(route.name)) {
    sim.note(`route \`${route.name}\` was triggered again (${why}); a route routes a lead only once`, route.source);
    return;
  }
  done.add(route.name);
  let chosen: { rule: string | null; target: CTarget; escalations: CEscalation[]; source: SourceRef; values: Bindings } | null = null;
  for (const r of route.rules) {
    if (truth(r.when.ev(sim)) === true) {
      chosen = { rule: r.name, target: r.target, escalations: r.escalations, source: r.source, values: sim.tracing ? bindings(r.when, sim) : NO_VALUES };
      break;
    }
  }
  if (!chosen && route.fallback) chosen = { rule: "otherwise", target: route.fallback.target, escalations: route.fallback.escalations, source: route.fallback.source, values: {} };
  if (!chosen) {
    sim.routing.push({ route: route.name, rule: null, target: null });
    if (sim.tracing) sim.push(traceEntry.route(sim.now, route.source, { route: route.name, rule: null, target: null, reason: `${why}: no rule matched and the route has no otherwise; the lead stays unrouted`, values: {} }));
    return;
  }
  const res = resolveTarget(sim, route, chosen.target);
  sim.routing.push({ route: route.name, rule: chosen.rule, target: res.target });
  if (res.target) {
    sim.assignment = res.target;
    sim.assignedBy = `${route.name}.${chosen.rule}`;
    sim.pool?.assigned(res.target);
  }
  const reason = chosen.rule === "otherwise" ? `${why}: no rule matched` : `${why}: first matching rule`;
  if (sim.tracing) sim.push(traceEntry.route(sim.now, chosen.source, { route: route.name, rule: chosen.rule, target: res.target, reason: res.reason ? `${reason}; ${res.reason}` : reason, values: chosen.values }));
  // §8 Caps: when the team is full the lead goes to the otherwise target, with that target's escalations.
  if (res.target) scheduleEscalations(sim, route, res.fellBack ? route.fallback!.escalations : chosen.escalations);
}
