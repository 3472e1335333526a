/**
 * One part of a JSON Lines log file, read, checked and replayed by the thread that runs it (a
 * bulk-replay worker): its bytes read from the file itself, its lines numbered from the part's
 * first line, grouped and validated exactly as the reading thread of a one-thread replay does
 * (runtime/bulk/group.ts), each lead replayed (`replayLead`) and its outcome kept as JSON text.
 * runtime/bulk/partition.ts cuts the file into parts and puts their results back in log order.
 */
import { createReadStream } from "node:fs";
import { replayLead, addOutcome, emptySummary } from "../../core/engine/bulk/replay.js";
import { mayReplayAgain, replayShared, type SharedRun } from "../../core/engine/bulk/sharedReplay.js";
import type { CompiledRules } from "../../core/engine/index.js";
import { readLineChunks } from "./lines.js";
import { grouper, type LeadRecords } from "./group.js";
import type { PartEvent, PartResult, PartTask, RowSource } from "./protocol.js";
import type { NumberedLine } from "./lines.js";
import { Duck } from "../data/duck.js";
import { nativeChunks } from "../data/native.js";
import { resolveSource } from "../data/source.js";

// One DuckDB per worker, for the parts of one source (opened on the first, kept for the next).
let duck: { key: string; duck: Duck; relation: string } | null = null;

async function sourceRows(src: RowSource, start: number, end: number): Promise<AsyncIterable<NumberedLine[]>> {
  const key = JSON.stringify([src.arg, src.cwd]);
  if (duck?.key !== key) {
    duck?.duck.close();
    duck = null;
    const d = await Duck.open({ threads: 1 });
    duck = { key, duck: d, relation: await d.relation(resolveSource(src.arg, src.cwd), true) };
  }
  return nativeChunks(duck.duck, duck.relation, src.name, { start, end });
}

/**
 * `shared`: the leads share the teams (docs/event-log.md "Determinism and threads"): each lead is
 * replayed with provisional team answers, and the result carries its requests and, for a lead
 * that may be replayed again (`mayReplayAgain`), its records as JSON lines.
 */
export async function replayPart(rules: CompiledRules, seed: number, task: PartTask, shared = false): Promise<PartResult> {
  const summary = emptySummary();
  const routings: Omit<SharedRun, "outcome">[] = [];
  const kept: [number, string[]][] = [];
  const text: string[] = [];
  const leads: string[] = [];
  const leadLines: number[] = [];
  const hits: string[] = [];
  const events: PartEvent[] = [];
  let firstStart = -1;
  let lastLine = task.firstLine - 1;
  const base = task.firstLine - 1;
  const g = grouper({
    maxRecordsPerLead: task.maxRecordsPerLead,
    schema: task.validate ? rules : undefined,
    done: task.done.length ? new Map(task.done) : undefined,
    onError: (error) => void events.push({ error }),
    onProblem: (problem) => void events.push({ problem }),
    onDoneHit: (lead) => void hits.push(lead),
    onLeadStart: (lead, line) => {
      if (firstStart < 0) firstStart = events.length;
      leads.push(lead);
      leadLines.push(line);
    },
  });
  const replay = (l: LeadRecords) => {
    if (shared) {
      const run = replayShared(rules, l.lead, l.records, seed);
      routings.push({ routing: run.routing, iso: run.iso });
      if (mayReplayAgain(rules.teams, run)) kept.push([text.length, l.records.map((r) => JSON.stringify(r))]);
      addOutcome(summary, run.outcome);
      text.push(JSON.stringify(run.outcome));
      return;
    }
    const o = replayLead(rules, l.lead, l.records, { seed });
    addOutcome(summary, o);
    text.push(JSON.stringify(o));
  };
  if (task.end > task.start) {
    // Rows are numbered by the source; lines from the part's first line.
    const chunks = task.rows ? await sourceRows(task.rows, task.start, task.end) : readLineChunks(createReadStream(task.file, { start: task.start, end: task.end - 1, highWaterMark: 1 << 20 }), task.maxLineLength);
    const shift = task.rows ? 0 : base;
    for await (const chunk of chunks) {
      for (const line of chunk) {
        line.n += shift;
        lastLine = line.n;
        const finished = g.push(line);
        if (finished) replay(finished);
      }
    }
  }
  const before = events.length;
  const last = g.end();
  const tailEnd = events.length > before;
  if (last) replay(last);
  return { text: text.length ? text.join("\n") + "\n" : "", summary, leads, leadLines, hits, events, firstStart: firstStart < 0 ? events.length : firstStart, tailEnd, lastLine, end: task.end, ...(shared ? { shared: { routings, kept } } : {}) };
}
