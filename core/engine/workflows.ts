/**
 * Actions and workflows (docs/language.md §10, §14 steps 6 and 8): each trigger starts a new run;
 * a run executes its steps until its next `wait` (a timer) or its end. A `do` step may be skipped
 * by its `when`/`unless`; an internal action is always sent, a contact action is sent or blocked
 * by consent (`consent.ts`) at that moment.
 */
import type { CStep, CWorkflow } from "./compiled.js";
import { bindings, truth } from "./expr.js";
import type { EventPlan } from "./layout.js";
import { schedule } from "./timers.js";
import { formatTime, type Value, traceEntry } from "./trace.js";
import type { Simulation } from "./sim.js";

/** §14 step 8: a run of each workflow triggered by the current event whose `where` holds on its payload `p`. */
export function startEventWorkflows(sim: Simulation, plan: EventPlan, p: Record<string, Value>): void {
  const wfs = plan.workflows;
  if (wfs) for (const wf of wfs) if (sim.triggerMatches(wf.trigger.where, p)) startWorkflow(sim, wf, `on ${plan.name}`);
}

/** A new run of `wf` (`why`: its trigger, for the trace). */
export function startWorkflow(sim: Simulation, wf: CWorkflow, why: string): void {
  const run = ++sim.runCounter;
  if (sim.tracing) sim.push(traceEntry.workflow(sim.now, wf.source, { workflow: wf.name, status: "started", run, reason: why }));
  continueWorkflow(sim, wf, run, 0);
}

/** Runs the steps of run `run` from step `from` until the next `wait` or the end. */
function continueWorkflow(sim: Simulation, wf: CWorkflow, run: number, from: number): void {
  const event = sim.current;
  for (let i = from; i < wf.steps.length; i++) {
    const step = wf.steps[i]!;
    if (step.kind === "wait") {
      if (sim.tracing) sim.push(traceEntry.workflow(sim.now, step.source, { workflow: wf.name, status: "waiting", run, reason: `wait until ${formatTime(sim.now + step.duration)}` }));
      schedule(sim, sim.now + step.duration, "wait", `workflow ${wf.name}`, step.source, () => continueWorkflow(sim, wf, run, i + 1));
      return;
    }
    runAction(sim, wf, step);
  }
  sim.current = event;
  if (sim.tracing) sim.push(traceEntry.workflow(sim.now, wf.source, { workflow: wf.name, status: "finished", run, reason: "every step ran" }));
}

/** A `do` step: skipped, sent or blocked. */
function runAction(sim: Simulation, wf: CWorkflow, step: Extract<CStep, { kind: "do" }>): void {
  const action = sim.rules.actions.get(step.action);
  const args = step.args.map((a, i) => {
    const v = a.ev(sim);
    if (v === undefined) return null;
    return action?.paramTypes[i] === "email" && typeof v === "string" ? v.toLowerCase() : v;
  });
  const reach = action?.reach ?? "contact";
  const common = { workflow: wf.name, action: step.action, args, reach } as const;
  if (step.when) {
    const v = truth(step.when.ev(sim));
    if (v !== true) {
      if (sim.tracing) sim.push(traceEntry.action(sim.now, step.source, { ...common, status: "skipped", consent: null, reason: `\`when ${step.when.text}\` is ${v === false ? "false" : "unknown"}`, values: bindings(step.when, sim) }));
      return;
    }
  }
  if (step.unless) {
    if (truth(step.unless.ev(sim)) === true) {
      if (sim.tracing) sim.push(traceEntry.action(sim.now, step.source, { ...common, status: "skipped", consent: null, reason: `\`unless ${step.unless.text}\` is true`, values: bindings(step.unless, sim) }));
      return;
    }
  }
  if (!action) {
    if (sim.tracing) sim.push(traceEntry.action(sim.now, step.source, { ...common, status: "blocked", consent: null, reason: `action \`${step.action}\` is not declared`, values: {} }));
    sim.blocked.push({ action: step.action, args, at: sim.now, purpose: null, clause: null, reason: "undeclared action" });
    return;
  }
  if (action.reach === "internal") {
    if (sim.tracing) sim.push(traceEntry.action(sim.now, step.source, { ...common, status: "sent", consent: null, reason: "internal action", values: {} }));
    sim.sent.push({ action: step.action, args, at: sim.now });
    return;
  }
  const decision = sim.consentFor(action.requires);
  if (sim.tracing) sim.push(traceEntry.action(sim.now, step.source, { ...common, status: decision.allowed ? "sent" : "blocked", consent: decision.consent, reason: decision.consent.reason, values: decision.values }));
  if (decision.allowed) sim.sent.push({ action: step.action, args, at: sim.now });
  else sim.blocked.push({ action: step.action, args, at: sim.now, purpose: decision.consent.purpose || null, clause: decision.consent.clause, reason: decision.consent.reason });
}
