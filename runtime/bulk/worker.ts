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
    const lines = m.text === "" ? [] : m.text.split("\u0000");
    let k = 0;
    for (let i = 0; i < m.leads.length; i++) {
      const lead = m.leads[i]!;
      // The reader validated these lines; parsing them again here gives the very same records.
      const records: LogRecord[] = [];
      for (const end = k + m.counts[i]!; k < end; k++) {
        const p = parseRecord(lines[k]!);
        if (!p.ok) throw new Error(`lead \`${lead}\`: a record line the reader accepted does not parse: ${p.reason}`);
        records.push(p.record);
      }
      outcomes.push(replayLead(rules, lead, records, { seed }));
    }
    parentPort!.postMessage({ type: "result", id: m.id, outcomes } satisfies WorkerResponse);
  } catch (e) {
    parentPort!.postMessage({ type: "error", id: m.type === "batch" ? m.id : -1, message: (e as Error).stack ?? String(e) } satisfies WorkerResponse);
  }
});
