/**
 * Bulk-replay worker (build entry → dist/worker.js). Receives the rules once, then either parts
 * of a log file that it reads, checks and replays itself (`part`, runtime/bulk/part.ts), or
 * batches of lines the reading thread checked (`batch`, logs from standard input); answers each
 * with its outcomes.
 */
import { parentPort } from "node:worker_threads";
import { replayLead, type LeadOutcome } from "../../core/engine/bulk/replay.js";
import { parseRecord, type LogRecord } from "../../core/engine/bulk/records.js";
import type { CompiledRules } from "../../core/engine/index.js";
import { compileSpec } from "./rules.js";
import { replayPart } from "./part.js";
import { replayShared, type SharedRun } from "../../core/engine/bulk/sharedReplay.js";
import type { WorkerRequest, WorkerResponse } from "./protocol.js";

let rules: CompiledRules | null = null;
let seed = 0;
// Parts run one after another (a worker reads one part at a time).
let parts: Promise<void> = Promise.resolve();

/** A test hook: `CRMRULES_INJECT_FAULT=bulk-worker` makes a worker crash on its first part (test/cli/bulk.test.ts). */
const crash = process.env["CRMRULES_INJECT_FAULT"] === "bulk-worker";

function fail(id: number, e: unknown): void {
  parentPort!.postMessage({ type: "error", id, message: (e as Error)?.stack ?? String(e) } satisfies WorkerResponse);
}
let shared = false;

parentPort?.on("message", (m: WorkerRequest) => {
  try {
    if (m.type === "init") {
      rules = compileSpec(m.spec);
      seed = m.seed;
      shared = m.shared === true;
      parentPort!.postMessage({ type: "ready" } satisfies WorkerResponse);
      return;
    }
    if (!rules) throw new Error("the worker received leads before its rules");
    if (m.type === "part") {
      if (crash) {
        // An uncaught error ends the worker, as a crash would.
        setImmediate(() => {
          throw new Error("injected fault (CRMRULES_INJECT_FAULT=bulk-worker)");
        });
        return;
      }
      const r = rules;
      parts = parts.then(() =>
        replayPart(r, seed, m.task, shared).then(
          (result) => parentPort!.postMessage({ type: "part", id: m.id, result } satisfies WorkerResponse),
          (e) => fail(m.id, e),
        ),
      );
      return;
    }
    const outcomes: LeadOutcome[] = [];
    const routings: Omit<SharedRun, "outcome">[] = [];
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
      if (shared) {
        const run = replayShared(rules, lead, records, seed);
        outcomes.push(run.outcome);
        routings.push({ routing: run.routing, iso: run.iso });
      } else outcomes.push(replayLead(rules, lead, records, { seed }));
    }
    parentPort!.postMessage({ type: "result", id: m.id, outcomes, ...(shared ? { routings } : {}) } satisfies WorkerResponse);
  } catch (e) {
    fail(m.type === "init" ? -1 : m.id, e);
  }
});
