import type { LogRecord } from "../../core/engine/bulk/records.js";
import type { LeadOutcome } from "../../core/engine/bulk/replay.js";
import type { RulesSpec } from "./rules.js";

export type WorkerRequest =
  | { type: "init"; spec: RulesSpec; seed: number }
  | { type: "batch"; id: number; leads: { lead: string; records: LogRecord[] }[] };

export type WorkerResponse =
  | { type: "ready" }
  | { type: "result"; id: number; outcomes: LeadOutcome[] }
  | { type: "error"; id: number; message: string };
