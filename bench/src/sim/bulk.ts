/**
 * Our engine through runtime/bulk (the `crmrules replay` path): the log as JSON
 * Lines (docs/event-log.md, grouped by lead, times as day offsets), replayed
 * in this thread or on the worker pool (dist/worker.js).
 */
import { closeSync, createReadStream, openSync, writeSync } from "node:fs";
import { createHash } from "node:crypto";
import path from "node:path";
import { Writable } from "node:stream";
import { replayLog } from "../../../runtime/bulk/replay.js";
import { readLineChunks } from "../../../runtime/bulk/lines.js";
import { generateLog as generateAcmeLog } from "../../../runtime/bulk/generate.js";
import { compileSpec, type RulesSpec } from "../../../runtime/bulk/rules.js";
import { nativeSource } from "../../../runtime/data/index.js";
import { generateLog as generateSimLog } from "./model.js";
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

// ---------------------------------------------------------------------------------------------
// Bulk replay at scale (bench/src/sections/bulk.ts): logs written to files, replayed in fresh
// processes, from JSON Lines and from Parquet, in this thread and on workers.

/** The bench rules' log as a JSON Lines file, written in blocks of 1,000,000 events (20,000 leads each, ids `b<block>-lead-<i>`) so that a 10M-event log never sits in memory. */
export function writeSimLogFile(file: string, events: number, seed: number): { records: number; leads: number } {
  const fd = openSync(file, "w");
  let records = 0;
  let leads = 0;
  try {
    for (let b = 0, left = events; left > 0; b++) {
      const n = Math.min(1_000_000, left);
      left -= n;
      const log = generateSimLog({ seed: seed + b, leads: Math.max(1, Math.round(n / 50)), events: n });
      const lines = toJsonLines({ leads: log.leads.map((l) => ({ ...l, id: `b${b}-${l.id}` })), events: log.events });
      records += lines.length;
      leads += log.leads.length;
      for (let i = 0; i < lines.length; i += 10_000) writeSync(fd, lines.slice(i, i + 10_000).join("\n") + "\n");
    }
  } finally {
    closeSync(fd);
  }
  return { records, leads };
}

/** The examples/acme rules' log (runtime/bulk's generator, 50 events per lead) as a JSON Lines file. */
export function writeAcmeLogFile(file: string, events: number, seed: number, spec: RulesSpec): { records: number; leads: number } {
  const schema = compileSpec(spec);
  const fd = openSync(file, "w");
  let records = 0;
  const leads = Math.max(1, Math.round(events / 50));
  try {
    let buf: string[] = [];
    for (const line of generateAcmeLog({ seed, leads, schema, eventsPerLead: 50 })) {
      buf.push(line);
      records++;
      if (buf.length >= 10_000) {
        writeSync(fd, buf.join("\n") + "\n");
        buf = [];
      }
    }
    if (buf.length) writeSync(fd, buf.join("\n") + "\n");
  } finally {
    closeSync(fd);
  }
  return { records, leads };
}

export interface ReplayFigures {
  ms: number;
  /** CPU time of the process, all threads. */
  cpuMs: number;
  peakMB: number;
  leads: number;
  records: number;
  /** Bytes of the set of lead ids (runtime/bulk/leadIds.ts) in the thread that puts parts in order (workers only). */
  leadIdBytes: number | null;
  /** SHA-256 of the outcomes' JSON Lines text: every way of replaying must give the same. */
  digest: string;
  parts: number | null;
  replayedAgain: number | null;
}

/** One replay of a file (JSON Lines, or a Parquet copy through DuckDB) on `workers`, in this (fresh) process. */
export async function replayFileOnce(spec: RulesSpec, file: string, workers: number, workerScript: string): Promise<ReplayFigures> {
  const hash = createHash("sha256");
  const outcomes = new Writable({
    write(c, _e, cb) {
      hash.update(c as Buffer);
      cb();
    },
  });
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const parquet = file.endsWith(".parquet");
  const source = { arg: file, cwd: path.dirname(file), name: path.basename(file) };
  // Each lead on its own (`routing: "per-lead"`): the workers' speed and memory, without the team passes
  // that rules with teams add at the end of the log (runtime/bulk/sharedLog.ts keeps every outcome until then).
  const r = await replayLog({ rules: spec, workers, workerScript, outcomes, routing: "per-lead", ...(parquet ? { source, ...(workers === 0 ? { chunks: nativeSource(file, path.dirname(file)).chunks() } : {}) } : { file }) });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu = process.cpuUsage(cpu0);
  if (r.errorCount || r.problemCount) throw new Error(`${file}: the replay reported ${r.errorCount} errors and ${r.problemCount} problems; first: ${JSON.stringify(r.errors[0])}`);
  return { ms, cpuMs: (cpu.user + cpu.system) / 1000, peakMB: process.resourceUsage().maxRSS / 1024, leads: r.summary.leads, records: r.summary.records, leadIdBytes: r.shape.leadIdBytes ?? null, digest: hash.digest("hex"), parts: r.shape.parts ?? null, replayedAgain: r.shape.replayedAgain ?? null };
}

/** The JSON floor: read the file with the replay's line reader and `JSON.parse` each line, nothing else. */
export async function jsonFloorOnce(file: string): Promise<{ ms: number; lines: number; peakMB: number }> {
  const t0 = process.hrtime.bigint();
  let lines = 0;
  let keys = 0;
  for await (const chunk of readLineChunks(createReadStream(file, { highWaterMark: 1 << 20 }))) {
    for (const l of chunk) {
      if (l.text === "") continue;
      const o = JSON.parse(l.text) as Record<string, unknown>;
      // Touch the result so the parse cannot be skipped.
      if (o["lead"] !== undefined) keys++;
      lines++;
    }
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (keys !== lines) throw new Error(`${file}: ${lines - keys} lines without a lead`);
  return { ms, lines, peakMB: process.resourceUsage().maxRSS / 1024 };
}
