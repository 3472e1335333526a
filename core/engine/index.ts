/** The simulation engine: compile once, run journeys, explain outcomes. Pure (no IO, no clock). */
export { compile } from "./compile.js";
export type { CompiledRules, FieldInfo, EventInfo, CScore, CStage, CRoute, CTeam, CConsent, CAction, CWorkflow } from "./compile.js";
export { runJourney, runFile, recordValues, literalValue, showValue, showTarget } from "./run.js";
export type { RunOptions } from "./run.js";
export { Simulation, RoutingPool, eventId } from "./sim.js";
export type { SimOptions, LeadEvent } from "./sim.js";
export { renderTraceText, renderEntry } from "./render.js";
export { why, leadResult } from "./why.js";
export type { WhyQuery, WhyAnswer } from "./why.js";
export { globMatch } from "./expr.js";
export * from "./trace.js";
