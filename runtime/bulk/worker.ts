/**
 * Bulk-replay worker (build entry → dist/worker.js). Receives the rules once,
 * then batches of leads; answers each batch with its outcomes.
 */
import { parentPort } from "node:worker_threads";
import { replayLead, type LeadOutcome } from "../../core/engine/bulk/replay.js";
import { parseRecord, type LogRecord } from "../../core/engine/bulk/records.js";
import type { CompiledRules } from "../../core/engine/index.js";
import { compileSpec } from "./rules.js";
import type { WorkerRequest, WorkerResponse } from "./protocol.js";

let rules: CompiledRules | null = null;
let seed = 0;

parentPort?.on("message", (m: WorkerRequest) => {
  try {
    if (m.type === "init") {
      rules = compileSpec(m.spec);
      seed = m.seed;
      parentPort!.postMessage({ type: "ready" } satisfies WorkerResponse);
      return;
    }
    if (!rules) throw new Error("the worker received leads before its rules");
    const outcomes: LeadOutcome[] = [];
    for (const l of m.leads) {
      // The reader validated these lines; parsing them again here gives the very same records.
      const records: LogRecord[] = [];
      for (const line of l.lines) {
        const p = parseRecord(line);
        if (!p.ok) throw new Error(`lead \`${l.lead}\`: a record line the reader accepted does not parse: ${p.reason}`);
        records.push(p.record);
      }
      outcomes.push(replayLead(rules, l.lead, records, { seed }));
    }
    parentPort!.postMessage({ type: "result", id: m.id, outcomes } satisfies WorkerResponse);
  } catch (e) {
    parentPort!.postMessage({ type: "error", id: m.type === "batch" ? m.id : -1, message: (e as Error).stack ?? String(e) } satisfies WorkerResponse);
  }
});
