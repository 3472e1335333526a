import type { LeadOutcome } from "../../core/engine/bulk/replay.js";
import type { RulesSpec } from "./rules.js";

export type WorkerRequest =
  | { type: "init"; spec: RulesSpec; seed: number }
  /**
   * Leads and their record lines, already validated by the reader: `text` is every
   * line of the batch joined with NUL (which no valid record line contains),
   * `counts[i]` lines belong to `leads[i]`. One string copies far faster than
   * parsed objects or thousands of small strings.
   */
  | { type: "batch"; id: number; leads: string[]; counts: number[]; text: string };

export interface WorkerLead {
  lead: string;
  lines: string[];
}

export type WorkerResponse =
  | { type: "ready" }
  | { type: "result"; id: number; outcomes: LeadOutcome[] }
  | { type: "error"; id: number; message: string };
