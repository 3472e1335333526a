/**
 * Stages (docs/language.md §7 "Moving between stages"): the eligible stages, the furthest one,
 * repeated until none; entering a stage runs its routes, then its workflows (§14 step 6).
 */
import type * as A from "../../../core/syntax/ast.js";
import { minutes } from "./model.js";
import { holds } from "./conditions.js";
import { routesOnStage } from "./routing.js";
import { workflowsOnStage } from "./workflows.js";
import type { OracleSim } from "./simulation.js";

const isDetour = (s: A.StageDecl) => s.modifiers.some((m) => m.text === "detour");
const isInitial = (s: A.StageDecl) => s.modifiers.some((m) => m.text === "initial");

function condition(sim: OracleSim, s: A.StageDecl): boolean {
  return s.when !== undefined && holds(sim.scope(sim.model.uriOf.get(s)!), s.when);
}

/** `initial`, else the first declared non-detour stage. */
export function enterInitial(sim: OracleSim): void {
  const stages = sim.model.stages;
  let i = stages.findIndex(isInitial);
  if (i < 0) i = stages.findIndex((s) => !isDetour(s));
  if (i < 0) return;
  enter(sim, i, "initial");
}

function enter(sim: OracleSim, i: number, how: string): void {
  const stages = sim.model.stages;
  const from = sim.stage >= 0 ? (stages[sim.stage]!.name?.text ?? null) : null;
  sim.stage = i;
  sim.stageEnteredAt = sim.now;
  const name = stages[i]!.name?.text ?? "";
  sim.push({ kind: "stage", from, to: name, how });
  // Re-entry waits: "when `after` is given, the end of the wait is a timer".
  for (const r of sim.model.reenters) {
    if (r.from?.text !== name || !r.after) continue;
    const due = sim.now + minutes(r.after);
    const stay = sim.now;
    sim.schedule(due, () => {
      sim.timerEntry("reenter", due, `stage ${name}`);
      // docs/trace.md: the note says the detour's period is over, so only while the lead is still in that stay.
      if (sim.stage === i && sim.stageEnteredAt === stay) sim.note();
      sim.afterTimer();
    });
  }
  routesOnStage(sim, name);
  workflowsOnStage(sim, name);
}

/** §7: eligible stages (1. forward, 2. detours, 3. re-entries); move to the furthest; repeat. */
export function evaluateStages(sim: OracleSim): void {
  const stages = sim.model.stages;
  // "Within one evaluation the lead enters each stage at most once": a stage entered earlier in
  // this evaluation is not eligible again.
  const entered = new Set<number>();
  for (;;) {
    if (sim.stage < 0) return;
    const cur = stages[sim.stage]!;
    const curName = cur.name?.text;
    let best = -1;
    let how = "";
    for (let i = 0; i < stages.length; i++) {
      const s = stages[i]!;
      let eligible = false;
      let kind = "";
      if (!isDetour(cur) && !isDetour(s) && i > sim.stage && condition(sim, s)) [eligible, kind] = [true, "forward"];
      if (isDetour(s) && (!isDetour(cur) || i > sim.stage) && condition(sim, s)) [eligible, kind] = [true, "detour"];
      if (isDetour(cur) && !isDetour(s)) {
        for (const r of sim.model.reenters) {
          if (r.from?.text !== curName || r.stage?.text !== s.name?.text) continue;
          if (r.after && sim.now - sim.stageEnteredAt < minutes(r.after)) continue;
          if (condition(sim, s)) [eligible, kind] = [true, "reenter"];
        }
      }
      if (eligible && i > best && !entered.has(i)) [best, how] = [i, kind];
    }
    if (best < 0) return;
    entered.add(best);
    enter(sim, best, how);
  }
}
