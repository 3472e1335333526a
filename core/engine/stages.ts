/**
 * Stages (docs/language.md §7, §14 step 6): the eligible stages (forward, detours, reentries
 * after their wait), the move to the one declared furthest, repeated until stable; entering a
 * stage runs the routes and then starts the workflows `on stage` it, and entering a detour
 * schedules the end of each reenter wait out of it.
 */
import type { CStage } from "./compiled.js";
import { bindings, truth } from "./expr.js";
import { DEP_CLOCK, forgetStageReads, rememberStageReads, stagesUnchanged } from "./stageDeps.js";
import { runRoute } from "./routes.js";
import { startWorkflow } from "./workflows.js";
import { schedule } from "./timers.js";
import { formatDurationShort, type Bindings, type SourceRef, traceEntry } from "./trace.js";
import type { Simulation } from "./sim.js";

const NO_VALUES: Bindings = Object.freeze({}) as Bindings;

export type StageMove = "initial" | "forward" | "detour" | "reenter";

/** §14 step 6: moves the lead to the furthest eligible stage, again and again, until no stage is eligible (each stage entered at most once per evaluation). */
export function moveStages(sim: Simulation): void {
  if (stagesUnchanged(sim)) return;
  forgetStageReads(sim);
  const stages = sim.rules.stages;
  const t = sim.ix.stageReads;
  t.sim = sim;
  // §7: within one evaluation the lead enters each stage at most once (a `reenter` without `after`
  // and a detour whose condition still holds would otherwise take it back and forth).
  const move = ++sim.moveCount;
  const entered = sim.enteredInMove;
  // A stage passed over because it was entered in this evaluation may be eligible in the next one:
  // then the next evaluation must look again even if nothing the conditions read has changed.
  let revisit = false;
  for (let guard = 0; guard <= stages.length; guard++) {
    t.deps = 0;
    t.payload = sim.payload;
    const cur = stages[sim.stageIndex];
    const fromDetour = cur?.detour === true;
    // Eligible: later non-detour stages (from a non-detour), detours (from a detour: only later ones),
    // reenter targets after their wait (from a detour). The furthest declared wins, so look from the
    // last stage back and stop at the first eligible one whose condition holds.
    let to = -1;
    let how: StageMove = "forward";
    let cond: CStage["when"] = null;
    let source: SourceRef | null = null;
    for (let k = stages.length - 1; k >= 0; k--) {
      const st = stages[k]!;
      if (st.index === sim.stageIndex || !st.when) continue;
      if (st.detour) {
        if (fromDetour && st.index < sim.stageIndex) continue;
      } else if (fromDetour || st.index <= sim.stageIndex) continue;
      if (entered[st.index] === move) {
        revisit = true;
        continue;
      }
      if (truth(st.when.ev(t)) === true) {
        to = st.index;
        how = st.detour ? "detour" : "forward";
        cond = st.when;
        source = st.source;
        break;
      }
    }
    if (fromDetour) {
      for (const re of sim.rules.reenters) {
        if (re.from !== sim.stageIndex) continue;
        // Waiting out `after` depends on the clock alone.
        t.deps |= DEP_CLOCK;
        if (sim.now - sim.stageEnteredAt < re.after) continue;
        const st = stages[re.stage]!;
        if (st.detour || !st.when || re.stage <= to) continue;
        if (entered[re.stage] === move) {
          revisit = true;
          continue;
        }
        if (truth(st.when.ev(t)) === true) {
          to = re.stage;
          how = "reenter";
          cond = st.when;
          source = re.source;
        }
      }
    }
    if (to < 0) {
      if (!revisit) rememberStageReads(sim, t.deps);
      break;
    }
    t.sim = null;
    entered[to] = move;
    enterStage(sim, to, how, sim.tracing && cond ? bindings(cond, sim) : NO_VALUES, source!);
    t.sim = sim;
  }
  t.sim = null;
}

/** Enters a stage; routes and workflows `on stage` it run (stages skipped over by a jump do not trigger). */
export function enterStage(sim: Simulation, to: number, how: StageMove, values: Bindings, source: SourceRef): void {
  const from = sim.stageName;
  const st = sim.rules.stages[to]!;
  sim.stageIndex = to;
  sim.stageName = st.name;
  sim.stageEnteredAt = sim.now;
  sim.stageEntries++;
  if (sim.tracing) sim.push(traceEntry.stage(sim.now, source, { from, to: st.name, how, values }));
  if (st.detour) scheduleReenterWaits(sim, to);
  const event = sim.current;
  const routes = sim.ix.routesByStage.get(to);
  if (routes) for (const route of routes) runRoute(sim, route, `entered ${st.name}`);
  const wfs = sim.ix.workflowsByStage.get(to);
  if (wfs) for (const wf of wfs) startWorkflow(sim, wf, `entered ${st.name}`);
  sim.current = event;
}

/** §7: the end of a `reenter S from DETOUR after D` wait is a timer (the stages are evaluated then). */
function scheduleReenterWaits(sim: Simulation, detour: number): void {
  const st = sim.rules.stages[detour]!;
  for (const re of sim.rules.reenters) {
    if (re.from !== detour || re.after <= 0) continue;
    const enteredAt = sim.now;
    schedule(sim, sim.now + re.after, "reenter", `stage ${st.name}`, re.source, () => {
      if (sim.stageIndex === detour && sim.stageEnteredAt === enteredAt) sim.note(`${formatDurationShort(re.after)} in \`${st.name}\` have passed; the lead may leave it`, re.source);
    });
  }
}
