/**
 * Routing targets (docs/language.md §8 "Owners, queues and teams", "Routes"): an owner, a queue,
 * `discard`, or a team's member picked by round robin (`roundRobin.ts`); when every member is at
 * the cap, the route's `otherwise` target, else none.
 */
import type { CRoute, CTarget } from "./compiled.js";
import { RoutingPool } from "./roundRobin.js";
import type { TargetValue } from "./trace.js";
import type { Simulation } from "./sim.js";

/** The target a route decision names now: a team's member by round robin, or its `otherwise` when all are at the cap. */
export function resolveTarget(sim: Simulation, route: CRoute, t: CTarget): { target: TargetValue | null; reason: string; fellBack?: boolean } {
  if (t.kind !== "team") return { target: { kind: t.kind, name: t.name, member: null }, reason: "" };
  const team = sim.rules.teams.get(t.name ?? "");
  if (!team) return { target: null, reason: `team \`${t.name}\` is not declared` };
  const pick = (sim.pool ??= new RoutingPool(sim.seed)).pick(team, sim.now);
  if (pick.member) return { target: { kind: "team", name: team.name, member: pick.member }, reason: pick.skipped.length ? `round robin (skipped at cap: ${pick.skipped.join(", ")})` : "round robin" };
  const fb = route.fallback;
  if (fb && !(fb.target.kind === "team" && fb.target.name === team.name)) {
    const r = resolveTarget(sim, { ...route, fallback: null }, fb.target);
    return { target: r.target, reason: `every member of team \`${team.name}\` is at the cap; using the route's otherwise`, fellBack: true };
  }
  return { target: null, reason: `every member of team \`${team.name}\` is at the cap and the route has no other target` };
}

