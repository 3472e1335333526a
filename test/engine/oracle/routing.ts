/**
 * Routing (docs/language.md §8): first matching rule, smooth weighted round robin with the
 * journey's seed, team caps per calendar period, escalation timers and their cancellation.
 */
import type * as A from "../../../core/syntax/ast.js";
import { minutes } from "./model.js";
import { holds } from "./conditions.js";
import type { OracleSim } from "./simulation.js";

export interface Target {
  kind: "owner" | "team" | "queue" | "discard";
  name: string | null;
  member: string | null;
}

export interface TeamState {
  counters: number[];
  /** Whether the seed's `S mod W` picks have been made. */
  seeded: boolean;
  /** Assignments per member: the period index of each. */
  assigned: number[][];
}

function members(team: A.TeamDecl): { name: string; weight: number }[] {
  return team.members.filter((m) => m.owner).map((m) => ({ name: m.owner!.text, weight: m.weight?.value ?? 1 }));
}

/** One smooth-weighted-round-robin step: every counter grows by its weight, the highest (first listed on ties) drops by the total. */
function step(counters: number[], ms: { weight: number }[]): number {
  const total = ms.reduce((a, m) => a + m.weight, 0);
  let best = 0;
  for (let i = 0; i < ms.length; i++) counters[i]! += ms[i]!.weight;
  for (let i = 1; i < ms.length; i++) if (counters[i]! > counters[best]!) best = i;
  counters[best]! -= total;
  return best;
}

/** §8 "Weighted round robin" and "Caps": the member picked, or null when every member is at its cap. */
function pick(sim: OracleSim, teamName: string): string | null {
  const team = sim.model.teams.get(teamName);
  if (!team) return null;
  const ms = members(team);
  if (ms.length === 0) return null;
  let st = sim.teams.get(teamName);
  if (!st) {
    st = { counters: ms.map(() => 0), seeded: false, assigned: ms.map(() => []) };
    sim.teams.set(teamName, st);
  }
  const total = ms.reduce((a, m) => a + m.weight, 0);
  if (!st.seeded) {
    st.seeded = true;
    for (let k = 0; k < sim.seed % total; k++) step(st.counters, ms);
  }
  const capN = team.cap?.count?.value;
  const period = team.cap?.per ? minutes(team.cap.per) : undefined;
  const atCap = (i: number) => capN !== undefined && period !== undefined && st!.assigned[i]!.filter((p) => p === Math.floor(sim.now / period)).length >= capN;
  if (ms.every((_, i) => atCap(i))) return null; // nobody's counter changes
  // A member at its cap loses its turn: treated as picked, the turn passes on in the uncapped order.
  for (;;) {
    const i = step(st.counters, ms);
    if (atCap(i)) continue;
    if (period !== undefined) st.assigned[i]!.push(Math.floor(sim.now / period));
    return ms[i]!.name;
  }
}

/** A target as the trace shows it; a team target picks its member now. */
function resolve(sim: OracleSim, t: A.Target): Target | null {
  if (t.targetKind === "discard") return { kind: "discard", name: null, member: null };
  const name = t.ref?.text ?? null;
  if (t.targetKind === "team") {
    const member = pick(sim, name ?? "");
    return member === null ? null : { kind: "team", name, member };
  }
  return { kind: t.targetKind, name, member: null };
}

function run(sim: OracleSim, route: A.RouteDecl): void {
  const name = route.name?.text ?? "";
  // "A route runs at most once per lead": later triggers are ignored, each with a note.
  if (sim.routesRun.has(name)) {
    sim.note();
    return;
  }
  sim.routesRun.add(name);
  const uri = sim.model.uriOf.get(route)!;
  let rule: string | null = null;
  let target: Target | null = null;
  let escalations: A.Escalation[] = [];
  const matched = route.rules.find((r) => holds(sim.scope(uri), r.when));
  if (matched?.target) {
    rule = matched.name?.text ?? null;
    target = resolve(sim, matched.target);
    escalations = matched.escalations;
  }
  // No rule matched: the `otherwise` target.
  if (!matched && route.fallback?.target) {
    rule = "otherwise";
    target = resolve(sim, route.fallback.target);
    escalations = route.fallback.escalations;
  }
  // §8 Caps: every member of the rule's team is at its cap: the `otherwise` target, with its
  // escalations (the trace still names the rule that matched).
  if (matched && !target && route.fallback?.target) {
    target = resolve(sim, route.fallback.target);
    escalations = route.fallback.escalations;
  }
  // docs/trace.md: `rule` is the rule (or `otherwise`) that decided, also when its team had every
  // member at the cap and nothing else took the lead; null when nothing matched.
  if (!target) escalations = [];
  sim.routing.push({ route: name, rule, target });
  sim.push({ kind: "route", route: name, rule, target });
  if (!target) return;
  sim.assignment = target;
  sim.assignedBy = `${name}.${rule}`;
  const decidedAt = sim.now;
  for (const e of escalations) {
    if (!e.target || !e.after) continue;
    const due = decidedAt + minutes(e.after);
    const shown = preview(e.target);
    const esc = e.target;
    const timer = sim.schedule(due, () => {
      sim.pendingEscalations = sim.pendingEscalations.filter((p) => p.timer !== timer);
      sim.timerEntry("escalation", due, `route ${name}`);
      const to = resolve(sim, esc) ?? shown;
      sim.assignment = to;
      sim.assignedBy = `escalation of ${name}`;
      sim.escalated.push(to);
      sim.push({ kind: "escalation", route: name, status: "escalated", target: to, due });
      sim.afterTimer();
    });
    sim.pendingEscalations.push({ route: name, target: shown, due, timer });
    sim.push({ kind: "escalation", route: name, status: "scheduled", target: shown, due });
  }
}

/** The target of an escalation step as written (a team's member is picked when the step fires). */
function preview(t: A.Target): Target {
  return t.targetKind === "discard" ? { kind: "discard", name: null, member: null } : { kind: t.targetKind, name: t.ref?.text ?? null, member: null };
}

/** `sales_activity` cancels every escalation still pending, in the order they were scheduled. */
export function cancelEscalations(sim: OracleSim): void {
  for (const p of sim.pendingEscalations) {
    p.timer.live = false;
    sim.push({ kind: "escalation", route: p.route, status: "cancelled", target: p.target, due: p.due });
  }
  sim.pendingEscalations = [];
}

export function routesOnStage(sim: OracleSim, stage: string): void {
  for (const r of sim.model.routes) if (r.trigger?.kind === "StageTrigger" && r.trigger.stage?.text === stage) run(sim, r);
}

export function routesOnEvent(sim: OracleSim, event: string, payload: Record<string, unknown>): void {
  for (const r of sim.model.routes) {
    const t = r.trigger;
    if (t?.kind !== "EventOccurrenceTrigger" || t.event?.text !== event) continue;
    if (t.where && !holds(sim.scope(sim.model.uriOf.get(r)!, { event, values: payload }), t.where)) continue;
    run(sim, r);
  }
}
