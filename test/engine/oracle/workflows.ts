/**
 * Actions and workflows (docs/language.md §10): every trigger starts a new run; steps run in
 * order; `do` is sent, blocked (consent, §9) or skipped (`when`/`unless`); `wait` is a timer.
 */
import type * as A from "../../../core/syntax/ast.js";
import { minutes } from "./model.js";
import { evaluate, holds } from "./conditions.js";
import { decide } from "./consent.js";
import { lowerEmails, type OracleSim } from "./simulation.js";

export interface Run {
  workflow: A.WorkflowDecl;
  n: number;
}

function start(sim: OracleSim, wf: A.WorkflowDecl): void {
  const name = wf.name?.text ?? "";
  // docs/trace.md: runs are numbered from 1 for the lead, across its workflows, in the order they start.
  const n = ++sim.runCount;
  sim.push({ kind: "workflow", workflow: name, status: "started", run: n });
  proceed(sim, wf, n, 0);
}

/** Executes steps from `from` until the next `wait` or the end. */
function proceed(sim: OracleSim, wf: A.WorkflowDecl, n: number, from: number): void {
  const name = wf.name?.text ?? "";
  const uri = sim.model.uriOf.get(wf)!;
  for (let i = from; i < wf.steps.length; i++) {
    const st = wf.steps[i]!;
    if (st.kind === "Wait") {
      const due = sim.now + minutes(st.duration);
      sim.push({ kind: "workflow", workflow: name, status: "waiting", run: n });
      sim.schedule(due, () => {
        sim.timerEntry("wait", due, `workflow ${name}`);
        proceed(sim, wf, n, i + 1);
        sim.afterTimer();
      });
      return;
    }
    act(sim, name, uri, st);
  }
  sim.push({ kind: "workflow", workflow: name, status: "finished", run: n });
}

function act(sim: OracleSim, workflow: string, uri: string, st: A.DoStep): void {
  const actionName = st.call?.action?.text ?? "";
  const decl = sim.model.actions.get(actionName);
  const args = (st.call?.args ?? []).map((a, i) => lowerEmails(decl?.params[i]?.type, evaluate(sim.scope(uri), a)));
  const reach = decl?.reach ?? "contact";
  const base = { kind: "action", workflow, action: actionName, args, reach };
  const skipped = (st.when && !holds(sim.scope(uri), st.when)) || (st.unless && holds(sim.scope(uri), st.unless));
  if (skipped) {
    sim.push({ ...base, status: "skipped", consent: null });
    return;
  }
  if (reach === "internal") {
    sim.sent.push({ action: actionName, args, at: sim.now });
    sim.push({ ...base, status: "sent", consent: null });
    return;
  }
  const purpose = decl?.requires?.text ?? "";
  const d = decide(sim, purpose);
  const consent = { purpose, clause: d.clause, basis: d.basis };
  if (d.allowed) sim.sent.push({ action: actionName, args, at: sim.now });
  else sim.blocked.push({ action: actionName, args, at: sim.now, purpose, clause: d.clause });
  sim.push({ ...base, status: d.allowed ? "sent" : "blocked", consent });
}

export function workflowsOnStage(sim: OracleSim, stage: string): void {
  for (const w of sim.model.workflows) if (w.trigger?.kind === "StageTrigger" && w.trigger.stage?.text === stage) start(sim, w);
}

export function workflowsOnEvent(sim: OracleSim, event: string, payload: Record<string, unknown>): void {
  for (const w of sim.model.workflows) {
    const t = w.trigger;
    if (t?.kind !== "EventOccurrenceTrigger" || t.event?.text !== event) continue;
    if (t.where && !holds(sim.scope(sim.model.uriOf.get(w)!, { event, values: payload }), t.where)) continue;
    start(sim, w);
  }
}
