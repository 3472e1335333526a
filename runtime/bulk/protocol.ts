import type { LeadOutcome } from "../../core/engine/bulk/replay.js";
import type { RulesSpec } from "./rules.js";

export type WorkerRequest =
  | { type: "init"; spec: RulesSpec; seed: number }
  /** Each lead's record lines, already validated by the reader (text clones far cheaper than parsed objects). */
  | { type: "batch"; id: number; leads: WorkerLead[] };

export interface WorkerLead {
  lead: string;
  lines: string[];
}

export type WorkerResponse =
  | { type: "ready" }
  | { type: "result"; id: number; outcomes: LeadOutcome[] }
  | { type: "error"; id: number; message: string };
