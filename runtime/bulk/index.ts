/** Bulk replay of event logs (Node adapters around core/engine/bulk). */
export { replayLog, LeadReplayError, KEPT_ERRORS } from "./replay.js";
export type { ReplayLogOptions, ReplayLogResult, BulkProgress } from "./replay.js";
export { readLines, readLineChunks } from "./lines.js";
export type { NumberedLine, LineSource } from "./lines.js";
export { groupLeads, groupLeadChunks } from "./group.js";
export type { LineError, LeadRecords, GroupOptions, DataProblem } from "./group.js";
export { compileSpec } from "./rules.js";
export type { RulesSpec } from "./rules.js";
export { WorkerPool, resolveWorkerScript } from "./pool.js";
export { generateLog, rng } from "./generate.js";
export type { GenerateOptions } from "./generate.js";
export * from "../../core/engine/bulk/index.js";
