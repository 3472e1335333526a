/**
 * Groups log records into leads. A lead's records must be contiguous and in
 * time order (the log is sorted by lead, then time). Memory: one lead's records
 * plus the set of lead ids already replayed.
 */
import { parseRecord, scanRecord, minutesOf, epochOf, type LogRecord } from "../../core/engine/bulk/records.js";
import { formatTime } from "../../core/engine/trace.js";
import type { NumberedLine } from "./lines.js";

export interface LineError {
  line: number;
  reason: string;
}

export interface LeadRecords {
  lead: string;
  firstLine: number;
  records: LogRecord[];
  /** The text of each kept record (parallel to `records`), when `keepLines` is set: workers get lines, not objects. */
  lines?: string[];
}

export interface GroupOptions {
  /** Records kept per lead; further records of that lead are reported and skipped (default 100 000). */
  maxRecordsPerLead?: number;
  onError: (e: LineError) => void;
  onLine?: (n: number) => void;
  /** Also keep each record's line text (for sending to workers). */
  keepLines?: boolean;
  /**
   * Keep only the line texts: `records` stays empty, and well-formed simple
   * lines are checked with `scanRecord` instead of being parsed (the worker
   * that replays them parses them). Errors and grouping are exactly the same.
   */
  linesOnly?: boolean;
}

export async function* groupLeads(lines: AsyncIterable<NumberedLine>, opts: GroupOptions): AsyncGenerator<LeadRecords> {
  const max = opts.maxRecordsPerLead ?? 100_000;
  const done = new Map<string, number>();
  let cur: LeadRecords | null = null;
  let epoch: number | null = null;
  let kind = "";
  let last = 0;
  let count = 0;
  const linesOnly = opts.linesOnly === true;
  for await (const { n, text, error } of lines) {
    opts.onLine?.(n);
    if (error) {
      opts.onError({ line: n, reason: error });
      continue;
    }
    if (text.trim() === "") continue;
    let r: { type: LogRecord["type"]; lead: string; at: number | string } | null = linesOnly ? scanRecord(text) : null;
    if (!r) {
      const p = parseRecord(text);
      if (!p.ok) {
        opts.onError({ line: n, reason: p.reason });
        continue;
      }
      r = p.record;
    }
    if (!cur || cur.lead !== r.lead) {
      const started = done.get(r.lead);
      if (started !== undefined) {
        opts.onError({ line: n, reason: `the records of lead \`${r.lead}\` must be together; they started at line ${started} and that lead was already replayed` });
        continue;
      }
      if (cur) {
        yield cur;
      }
      cur = opts.keepLines || linesOnly ? { lead: r.lead, firstLine: n, records: [], lines: [] } : { lead: r.lead, firstLine: n, records: [] };
      count = 0;
      done.set(r.lead, n);
      epoch = epochOf(r.at);
      kind = typeof r.at;
      last = 0;
    }
    if (typeof r.at !== kind) {
      opts.onError({ line: n, reason: `lead \`${r.lead}\` mixes day offsets and ISO times; use one kind per lead` });
      continue;
    }
    const t = minutesOf(r.at, epoch);
    if (t < last) {
      opts.onError({ line: n, reason: `this record is at ${formatTime(t)} but the previous record of lead \`${r.lead}\` is at ${formatTime(last)}; a lead's records must be in time order` });
      continue;
    }
    if (count >= max) {
      opts.onError({ line: n, reason: `lead \`${r.lead}\` has more than ${max} records; the rest are skipped` });
      continue;
    }
    last = t;
    count++;
    if (!linesOnly) cur.records.push(r as LogRecord);
    cur.lines?.push(text);
  }
  if (cur) yield cur;
}
