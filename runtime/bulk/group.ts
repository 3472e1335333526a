/**
 * Groups log records into leads. A lead's records must be contiguous and in
 * time order (the log is sorted by lead, then time). Memory: one lead's records
 * plus the set of lead ids already replayed.
 */
import { parseRecord, recordFromObject, scanRecord, minutesOf, epochOf, timeProblem, type LogRecord } from "../../core/engine/bulk/records.js";
import { LeadRecordChecks, validateRecord, type RecordProblem } from "../../core/data/validate.js";
import type { Schema } from "../../core/data/coerce.js";
import { formatTime } from "../../core/time.js";
import type { NumberedLine } from "./lines.js";
import { LeadIds } from "./leadIds.js";

export interface LineError {
  line: number;
  reason: string;
  /** The record's place when it is not a line of a JSON Lines file (`contacts.csv row 12`). */
  where?: string;
}

/** A record's value the schema check did not accept (core/data/validate.ts), at its line or row. */
export interface DataProblem extends RecordProblem {
  line: number;
  where?: string;
  lead: string;
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
  /**
   * Check every record against this schema (docs/data.md, "Validation"): each problem goes to
   * `onProblem`, and the record replayed is the checked one (invalid values left out).
   */
  schema?: Schema;
  onProblem?: (p: DataProblem) => void;
  /**
   * Leads replayed before the first line given (lead id → its first line): their records here are
   * reported as split, as if the lines before had been read. A worker replaying one part of a log
   * gets the leads of the parts before it that it may meet (runtime/bulk/partition.ts).
   */
  done?: Map<string, number>;
  /** Called for each lead of `done` that the lines meet (so that a caller knows which ids the part touched). */
  onDoneHit?: (lead: string) => void;
  /** Called when a lead's records start (after the previous lead's end problem, if any). */
  onLeadStart?: (lead: string, line: number) => void;
  /**
   * A shard of the log (cli/shard.ts): the leads it does not keep are only followed (their lines
   * scanned, so that grouping stays exact), never parsed in full, checked or returned, and their
   * errors and problems are left to the shard that keeps them.
   */
  keepLead?: (lead: string) => boolean;
  /** Report the lines whose lead cannot be read (default true; a shard but one leaves them out). */
  leadlessErrors?: boolean;
}

/** The grouping state machine of `groupLeads`, one line at a time (see `grouper`). */
export interface Grouper {
  /** The next line, in order: a lead whose records are complete, when this line starts the next lead. */
  push: (l: NumberedLine) => LeadRecords | null;
  /** The last lead (after the last line). */
  end: () => LeadRecords | null;
}

/**
 * The grouping state machine: `push` each line in order; it returns a lead
 * whose records are complete (when the next lead starts); `end` returns the last.
 */
export function grouper(opts: GroupOptions): Grouper {
  const max = opts.maxRecordsPerLead ?? 100_000;
  const done = new LeadIds();
  for (const [l, n] of opts.done ?? []) done.add(l, n);
  const given = opts.done;
  let cur: LeadRecords | null = null;
  let epoch: number | null = null;
  let kind = "";
  let last = 0;
  let count = 0;
  const schema = opts.schema;
  // Checking values needs the parsed record, so lines are parsed in full then.
  const linesOnly = opts.linesOnly === true && !schema;
  const keepText = opts.linesOnly === true || opts.keepLines === true;
  let checks: LeadRecordChecks | null = null;
  let firstWhere: string | undefined;
  const problem = (p: RecordProblem, line: number, where: string | undefined, lead: string, columns?: Record<string, string>) => opts.onProblem?.({ ...p, column: columns?.[p.column] ?? p.column, line, ...(where === undefined ? {} : { where }), lead });
  const endLead = () => {
    const p = checks?.end();
    if (p && cur) problem(p, cur.firstLine, firstWhere, cur.lead);
  };
  const keepLead = opts.keepLead;
  const leadless = opts.leadlessErrors !== false;
  let otherLead: string | null = null;
  // A lead another shard keeps: its first line ends the kept lead before it (a line of a lead
  // already seen is an error, its shard's to report, and changes nothing, as without shards).
  const other = (lead: string): LeadRecords | null => {
    if (otherLead === lead || done.get(lead) !== undefined) return null;
    done.add(lead, 0);
    otherLead = lead;
    if (!cur) return null;
    if (schema) endLead();
    checks = null;
    const finished = cur;
    cur = null;
    return finished;
  };
  const push = ({ n, text, error, where, columns, record }: NumberedLine): LeadRecords | null => {
    opts.onLine?.(n);
    const onError = where === undefined ? opts.onError : (e: LineError) => opts.onError({ ...e, where });
    if (error) {
      if (leadless) onError({ line: n, reason: error });
      return null;
    }
    if (record === undefined && text.trim() === "") return null;
    let r: { type: LogRecord["type"]; lead: string; at: number | string } | null = (linesOnly || keepLead) && record === undefined ? scanRecord(text) : null;
    if (r && keepLead) {
      // Another shard's lead: followed, not read.
      if (!keepLead(r.lead)) return other(r.lead);
      if (!linesOnly) r = null;
    }
    if (!r) {
      const p = record !== undefined ? recordFromObject(record) : parseRecord(text);
      if (!p.ok) {
        if (leadless) onError({ line: n, reason: p.reason });
        return null;
      }
      r = p.record;
      if (keepLead && !keepLead(r.lead)) return other(r.lead);
    }
    let finished: LeadRecords | null = null;
    if (!cur || cur.lead !== r.lead) {
      const started = done.get(r.lead);
      if (started !== undefined) {
        if (given?.has(r.lead)) opts.onDoneHit?.(r.lead);
        onError({ line: n, reason: `the records of lead \`${r.lead}\` must be together; they started at line ${started} and that lead was already replayed` });
        return null;
      }
      if (schema) endLead();
      finished = cur;
      cur = keepText ? { lead: r.lead, firstLine: n, records: [], lines: [] } : { lead: r.lead, firstLine: n, records: [] };
      if (schema) {
        checks = new LeadRecordChecks(r.lead);
        firstWhere = where;
      }
      count = 0;
      otherLead = null;
      done.add(r.lead, n);
      opts.onLeadStart?.(r.lead, n);
      epoch = epochOf(r.at);
      kind = typeof r.at;
      last = 0;
    }
    if (typeof r.at !== kind) {
      onError({ line: n, reason: `lead \`${r.lead}\` mixes day offsets and ISO times; use one kind per lead` });
      return finished;
    }
    const t = minutesOf(r.at, epoch);
    const far = timeProblem(t, r.at);
    if (far !== null) {
      onError({ line: n, reason: `${far}; the record is skipped` });
      return finished;
    }
    if (t < last) {
      onError({ line: n, reason: `this record is at ${formatTime(t)} but the previous record of lead \`${r.lead}\` is at ${formatTime(last)}; a lead's records must be in time order` });
      return finished;
    }
    if (count >= max) {
      onError({ line: n, reason: `lead \`${r.lead}\` has more than ${max} records; the rest are skipped` });
      return finished;
    }
    last = t;
    // A record given as a value travels to a worker as its JSON text.
    let line = record !== undefined && keepText ? JSON.stringify(r) : text;
    if (schema) {
      const c = validateRecord(schema, r as LogRecord);
      for (const p of c.problems) problem(p, n, where, r.lead, columns);
      if (!c.record) return finished;
      const l = checks!.next(c.record, where ?? `line ${n}`);
      if (l.problem) problem(l.problem, n, where, r.lead, columns);
      if (!l.use) return finished;
      if (c.record !== r) {
        r = c.record;
        line = JSON.stringify(r);
      }
    }
    count++;
    if (!linesOnly) cur.records.push(r as LogRecord);
    cur.lines?.push(line);
    return finished;
  };
  return {
    push,
    end: () => {
      if (schema) endLead();
      return cur;
    },
  };
}

export async function* groupLeads(lines: AsyncIterable<NumberedLine>, opts: GroupOptions): AsyncGenerator<LeadRecords> {
  const g = grouper(opts);
  for await (const line of lines) {
    const finished = g.push(line);
    if (finished) yield finished;
  }
  const last = g.end();
  if (last) yield last;
}

/** `groupLeads` over chunks of lines (see `readLineChunks`): yields the leads completed by each chunk, in order. */
export async function* groupLeadChunks(chunks: AsyncIterable<NumberedLine[]>, opts: GroupOptions): AsyncGenerator<LeadRecords[]> {
  const g = grouper(opts);
  for await (const chunk of chunks) {
    const out: LeadRecords[] = [];
    for (const line of chunk) {
      const finished = g.push(line);
      if (finished) out.push(finished);
    }
    if (out.length) yield out;
  }
  const last = g.end();
  if (last) yield [last];
}
