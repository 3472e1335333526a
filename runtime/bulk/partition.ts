/**
 * Every core busy on a JSON Lines log file (docs/event-log.md, "Determinism and threads"): the
 * file is cut into parts at lead boundaries, each worker reads, checks and replays its own parts
 * from the file (runtime/bulk/part.ts; no record text goes through messages), and this thread
 * only counts line breaks (to number each part's first line), then puts the parts' outcomes,
 * errors and problems back in log order.
 *
 * A part is replayed as if no lead had been replayed before it. That is exact when no lead of a
 * part appears in an earlier part, which this thread checks against the leads of the parts
 * already taken (a sorted log always passes). When a lead does reappear (records of a lead split
 * across the log, or a part cut inside a lead), the parts from the last one taken on are replayed
 * again in one piece, given the leads replayed before them that they meet, so every record of an
 * earlier lead is reported as split exactly as a one-thread replay reports it. A part's results
 * are taken only once the next part is known to start a new lead, since until then the next part
 * may still continue the part's last lead.
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import type { PartEvent, PartResult, PartTask, RowSource } from "./protocol.js";
import { Duck } from "../data/duck.js";
import { nativeQuery, rowCount, rowLeadBoundary } from "../data/native.js";
import { resolveSource } from "../data/source.js";
import type { WorkerPool } from "./pool.js";
import { LeadIds } from "./leadIds.js";

/** The lead id of one line (bytes `[a, b)` of `buf`), read in full: null when the line is not a record. */
function leadOf(buf: Buffer, a: number, b: number): string | null {
  if (b - a > 65_536) return null;
  try {
    const o = JSON.parse(buf.toString("utf8", a, b)) as { type?: unknown; lead?: unknown };
    return typeof o === "object" && o !== null && typeof o.lead === "string" && o.lead !== "" && (o.type === "lead" || o.type === "event" || o.type === "update") ? o.lead : null;
  } catch {
    return null;
  }
}

const WINDOW = 1 << 20;

/**
 * The start of the first line at or after byte `t` whose lead differs from the lead of the
 * record line before it (looking at most 1 MiB ahead), or -1.
 */
export function leadBoundary(fd: number, size: number, t: number): number {
  const back = Math.min(t, 65_536);
  const from = t - back;
  const len = Math.min(size - from, back + WINDOW);
  const buf = Buffer.allocUnsafe(len);
  const got = readSync(fd, buf, 0, len, from);
  const p = buf.indexOf(10, Math.max(0, back - 1));
  if (p < 0 || p >= got) return -1;
  const q = p > 0 ? buf.lastIndexOf(10, p - 1) + 1 : 0;
  let prev = q > 0 || from === 0 ? leadOf(buf, q, p) : null;
  for (let s = p + 1; s < got; ) {
    let e = buf.indexOf(10, s);
    if (e < 0 || e >= got) {
      if (from + got !== size) return -1;
      e = got;
    }
    const l = leadOf(buf, s, e);
    if (l !== null) {
      if (prev !== null && l !== prev) return from + s;
      prev = l;
    }
    s = e + 1;
  }
  return -1;
}

/** Where the parts of a file of `size` bytes start: 0, then a lead boundary after every `partBytes`. */
export function planParts(fd: number, size: number, partBytes: number): number[] {
  const starts = [0];
  for (let t = partBytes; t < size; t += partBytes) {
    const c = leadBoundary(fd, size, t);
    if (c > starts[starts.length - 1]! && c < size) starts.push(c);
  }
  return starts;
}

const COUNT_BUFFER = 4 << 20;

/** The line breaks in bytes `[start, end)` of the file. */
function countBreaks(fd: number, buf: Buffer, start: number, end: number): number {
  let n = 0;
  for (let at = start; at < end; ) {
    const got = readSync(fd, buf, 0, Math.min(buf.length, end - at), at);
    if (got <= 0) break;
    for (let i = buf.indexOf(10, 0); i >= 0 && i < got; i = buf.indexOf(10, i + 1)) n++;
    at += got;
  }
  return n;
}

export interface PartsOptions {
  validate: boolean;
  maxRecordsPerLead?: number;
  maxLineLength?: number;
  /** Bytes per part (default: the file over 8 parts per worker, between 256 KiB and 16 MiB). */
  partBytes?: number;
  /**
   * Parts of a DuckDB source (default: one per worker). Each part's query counts the rows before
   * it without converting them (`row_number() OVER ()` streams), so fewer parts waste less.
   */
  rowParts?: number;
}

export interface PartsSink {
  /** The outcomes of a part taken, as JSON Lines, and how many. */
  outcomes(text: string, result: PartResult): Promise<void>;
  event(e: PartEvent): void;
  /** After each part taken: lines and leads so far, and the bytes of the file up to the end of the part. */
  progress(lines: number, leads: number, bytes: number): void;
}

/** How a source is cut into parts: where each starts and ends, the number of its first line, and the task that replays a span. */
export interface PartPlan {
  starts: number[];
  ends: number[];
  /** The number of part `k`'s first line (computed when part `k` is handed out). */
  firstLine(k: number): number;
  /** Replays `[start, end)`, its first line numbered `line`, knowing the leads `done`. */
  task(start: number, end: number, line: number, done: [string, number][]): PartTask;
  /** The end of the source (a span replayed to the end in one piece ends there). */
  size: number;
}

export interface PartsOutcome {
  lines: number;
  parts: number;
  replayedAgain: number;
  leadIdBytes: number;
}

/** Replays a JSON Lines log file on the pool's workers, part by part. */
export async function replayFileParts(pool: WorkerPool, file: string, opts: PartsOptions, sink: PartsSink): Promise<PartsOutcome> {
  const fd = openSync(file, "r");
  try {
    const size = fstatSync(fd).size;
    const partBytes = Math.max(1, Math.floor(opts.partBytes ?? Math.min(16 << 20, Math.max(256 << 10, size / (pool.size * 8)))));
    const starts = planParts(fd, size, partBytes);
    const ends = [...starts.slice(1), size];
    const firstLines = [1];
    const countBuf = Buffer.allocUnsafe(COUNT_BUFFER);
    return await replayParts(pool, {
      starts,
      ends,
      size,
      firstLine(k) {
        while (firstLines.length <= k) {
          const j = firstLines.length - 1;
          firstLines.push(firstLines[j]! + countBreaks(fd, countBuf, starts[j]!, ends[j]!));
        }
        return firstLines[k]!;
      },
      task: (start, end, line, done) => ({ file, start, end, firstLine: line, done, validate: opts.validate, maxRecordsPerLead: opts.maxRecordsPerLead, maxLineLength: opts.maxLineLength }),
    }, sink);
  } finally {
    closeSync(fd);
  }
}

/**
 * Replays a data source in the log's own shape (Parquet, CSV, JSON, a DuckDB table, SQL) on the
 * pool's workers: this thread counts the rows and cuts them at lead boundaries; each worker opens
 * DuckDB and reads, checks and replays its own rows, handed over as values (no JSON text).
 */
export async function replayRowParts(pool: WorkerPool, src: RowSource, opts: PartsOptions, sink: PartsSink): Promise<PartsOutcome> {
  const starts = [1];
  let total = 0;
  const duck = await Duck.open();
  try {
    const relation = await duck.relation(resolveSource(src.arg, src.cwd), true);
    await nativeQuery(duck, relation, src.name); // the columns, checked (did-you-mean against the real ones)
    total = await rowCount(duck, relation, src.name);
    const n = Math.max(1, opts.rowParts ?? pool.size);
    for (let k = 1; k < n; k++) {
      const c = await rowLeadBoundary(duck, relation, src.name, Math.floor((k * total) / n) + 1);
      if (c > starts[starts.length - 1]! && c <= total) starts.push(c);
    }
  } finally {
    duck.close();
  }
  return replayParts(pool, {
    starts,
    ends: [...starts.slice(1), total + 1],
    size: total + 1,
    firstLine: (k) => starts[k]!,
    task: (start, end, line, done) => ({ file: "", rows: src, start, end, firstLine: line, done, validate: opts.validate, maxRecordsPerLead: opts.maxRecordsPerLead }),
  }, sink);
}

/** Replays the parts of a plan on the pool's workers and hands their results to `sink` in order (see the file's comment). */
export async function replayParts(pool: WorkerPool, plan: PartPlan, sink: PartsSink): Promise<PartsOutcome> {
  const { starts, ends, size } = plan;
  const task = plan.task;
  const firstLine = (k: number) => plan.firstLine(k);
  const results: (Promise<PartResult> | null)[] = [];
  // Parts are handed out as workers finish them (two in flight per worker), not only as they are
  // taken in order: a worker done with its parts must not wait for a slower one's. At most
  // `buffered` parts past the one being taken are kept (their results wait in memory).
  const inFlightMax = pool.size * 2;
  const buffered = pool.size * 4;
  let inFlight = 0;
  let taking = 0;
  const dispatch = () => {
    while (results.length < starts.length && inFlight < inFlightMax && results.length < taking + buffered) {
      const k = results.length;
      inFlight++;
      const p = pool.part(task(starts[k]!, ends[k]!, firstLine(k), []));
      p.then(
        () => {
          inFlight--;
          dispatch();
        },
        () => undefined, // awaited in order below; this only avoids an early unhandled rejection
      );
      results.push(p);
    }
  };

  // The leads of the parts taken (id → first line), and the parts not taken yet.
  const taken = new LeadIds();
  let held: { start: number; results: PartResult[]; leads: Set<string> } | null = null;
  // A lead's end problem raised at the end of its part: it belongs after the next part's lines before its first lead.
  let pendingEnd: PartEvent | null = null;
  let lines = 0;
  let leads = 0;
  let replayedAgain = 0;
  const take = async (r: PartResult) => {
    const head = pendingEnd ? r.firstStart : 0;
    for (let i = 0; i < head; i++) sink.event(r.events[i]!);
    if (pendingEnd && r.leads.length > 0) {
      sink.event(pendingEnd);
      pendingEnd = null;
    }
    const upTo = r.tailEnd ? r.events.length - 1 : r.events.length;
    for (let i = head; i < upTo; i++) sink.event(r.events[i]!);
    if (r.tailEnd) pendingEnd = r.events[r.events.length - 1]!;
    for (let i = 0; i < r.leads.length; i++) taken.add(r.leads[i]!, r.leadLines[i]!);
    await sink.outcomes(r.text, r);
    lines = Math.max(lines, r.lastLine);
    leads += r.leads.length;
    sink.progress(lines, leads, r.end);
  };
  for (let k = 0; k < starts.length; k++) {
    taking = k;
    dispatch();
    const r = await results[k]!;
    results[k] = null;
    const collides = r.leads.some((l) => taken.has(l) || held?.leads.has(l));
    if (!collides) {
      if (held && r.leads.length === 0) {
        held.results.push(r);
        continue;
      }
      if (held) for (const h of held.results) await take(h);
      held = { start: k, results: [r], leads: new Set(r.leads) };
      continue;
    }
    // A lead of this part was met before: replay again from the first part not taken, knowing the leads taken.
    const from: number = held ? held.start : k;
    // A log whose leads keep reappearing is replayed to its end in one piece (never again and again),
    // given every lead taken; otherwise the leads taken that these parts meet.
    const toEnd = k - from >= 2 || replayedAgain >= 8;
    const done: [string, number][] = [];
    if (toEnd) done.push(...taken.entries());
    else
      for (const l of new Set([...(held?.leads ?? []), ...r.leads])) {
        const line = taken.get(l);
        if (line !== undefined) done.push([l, line]);
      }
    replayedAgain++;
    const again = await pool.part(task(starts[from]!, toEnd ? size : ends[k]!, firstLine(from), done));
    held = { start: from, results: [again], leads: new Set([...again.leads, ...again.hits]) };
    if (toEnd) break;
  }
  if (held) for (const h of held.results) await take(h);
  if (pendingEnd) sink.event(pendingEnd);
  return { lines, parts: starts.length, replayedAgain, leadIdBytes: taken.bytes };
}
