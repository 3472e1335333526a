export { parseRecord, scanRecord, minutesOf, epochOf, timeProblem } from "./records.js";
export type { LogRecord, ParsedLine } from "./records.js";
export { replayLead, replayLeadRun, settleOutcome, leadOutcome, leadSeed, blockKey, addOutcome, mergeSummaries, emptySummary, sortSummary, describeTarget } from "./replay.js";
export type { LeadOutcome, LeadRun, BulkSummary, ReplayOptions, TeamPick, LeadRoutingMode } from "./replay.js";
export { SHARED_ORIGIN_MS, sharedOffset, sharedDay, ScriptedPool, compareRequests, assignRequests, sameWay, SharedRouting } from "./sharedRouting.js";
export type { TeamRequest, AnsweredRequest, KeyedRequest, LeadRouting } from "./sharedRouting.js";
export { routesToTeams, mayReplayAgain, replayShared, shareTeams, teamPasses, replayLeadsShared } from "./sharedReplay.js";
export type { SharedRun } from "./sharedReplay.js";
