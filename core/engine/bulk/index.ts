export { parseRecord, scanRecord, minutesOf, epochOf, timeProblem } from "./records.js";
export type { LogRecord, ParsedLine } from "./records.js";
export { replayLead, replayLeadRun, leadSeed, blockKey, addOutcome, mergeSummaries, emptySummary, sortSummary, describeTarget } from "./replay.js";
export type { LeadOutcome, LeadRun, BulkSummary, ReplayOptions } from "./replay.js";
