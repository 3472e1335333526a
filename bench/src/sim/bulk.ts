/**
 * Our engine through runtime/bulk (the `crmrules replay` path): the log as JSON
 * Lines (docs/event-log.md, grouped by lead, times as day offsets), replayed
 * in this thread or on the worker pool (dist/worker.js).
 */
import { replayLog } from "../../../runtime/bulk/replay.js";
import type { LeadOutcome } from "../../../core/engine/bulk/replay.js";
import type { Outcome, SimLog } from "./model.js";
import { leadRecord, RULES_URI } from "./ours.js";

/** The log as JSON Lines: each lead's `lead` record, then its events in time order. */
export function toJsonLines(log: SimLog): string[] {
  const perLead: string[][] = log.leads.map((l) => [JSON.stringify({ type: "lead", lead: l.id, at: 0, fields: leadRecord(l) })]);
  for (const e of log.events) perLead[e.lead]!.push(JSON.stringify({ type: "event", lead: log.leads[e.lead]!.id, at: e.at / 1440, event: e.name, payload: e.payload }));
  return perLead.flat();
}

export function outcomeOfBulk(o: LeadOutcome): Outcome {
  return {
    fit: o.scores["fit"] ?? null,
    engagement: o.scores["engagement"] ?? null,
    stage: o.stage ?? "",
    routedTo: o.assignment,
    // The bulk outcome names the assignment, not the routing rule; compared without it.
    routeRule: null,
  };
}

export async function runBulk(opts: { rulesText: string; lines: string[]; leads: SimLog["leads"]; workers: number; workerScript: string }): Promise<Outcome[]> {
  const byId = new Map(opts.leads.map((l, i) => [l.id, i]));
  const out: Outcome[] = new Array(opts.leads.length);
  const res = await replayLog({
    rules: { root: "/bench/sim", files: [{ uri: RULES_URI, text: opts.rulesText }], fromUri: RULES_URI },
    input: opts.lines,
    workers: opts.workers,
    workerScript: opts.workerScript,
    onOutcome: (o) => {
      out[byId.get(o.lead)!] = outcomeOfBulk(o);
    },
  });
  if (res.errorCount) throw new Error(`the bulk replay reported ${res.errorCount} bad record(s); first: line ${res.errors[0]?.line}: ${res.errors[0]?.reason}`);
  return out;
}
