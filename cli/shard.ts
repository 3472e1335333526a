/**
 * The shard contract (docs/distributed.md): `simulate --events SRC --shard I/N` replays the leads
 * whose id hashes to shard I and writes a *part* file; `crmrules merge` combines the N parts into
 * exactly what one machine writes. This file holds the contract's one definition: the hash, the
 * `I/N` argument, the part file's format (writing and reading it) and the merge.
 *
 * A part file is JSON Lines:
 *   1. the header: `{"format":"crmrules-shard/1","shard":I,"of":N,"hash":"fnv1a32-utf8",
 *      "source":…,"rulesHash":"sha256:…","seed":S}`;
 *   2. one line per lead of the shard, in the order of the source: `{"line":L,"outcome":{…}}`,
 *      where L is the line (or row) of the lead's first record in the source and the outcome is
 *      written exactly as `--out` writes it. When the rules route to teams, which leads share
 *      (docs/event-log.md, "Determinism and threads"), the header says `"teams":true` and carries
 *      the workspace (`"workspace":{root, from, files}`), and each line is the lead's first
 *      replay: its provisional outcome, `"routing"` (its team requests and the answers it used),
 *      `"iso"`, and `"records"` when the team passes may replay it again; the merge then runs the
 *      passes over every lead in the source's order, as one machine does;
 *   3. the end: `{"end":{…}}`: the shard's summary, its malformed lines and data problems (those
 *      of its leads; shard 0 also has the lines whose lead cannot be read) and the source's lines.
 * A part without its end line is incomplete and refused.
 */
import { createHash } from "node:crypto";
import { closeSync, createReadStream, fstatSync, openSync, readSync } from "node:fs";
import * as path from "node:path";
import { createInterface } from "node:readline";
import { once } from "node:events";
import type { Writable } from "node:stream";
import { addOutcome, emptySummary, KEPT_ERRORS, mergeSummaries, sortSummary, type BulkSummary, type DataProblem, type LeadOutcome, type LineError, type LogRecord, type SharedRun, mayReplayAgain, parseRecord, replayShared, settleOutcome, SharedRouting, teamPasses } from "../runtime/bulk/index.js";
import { compile } from "../core/engine/index.js";
import { recordFromObject } from "../core/engine/bulk/records.js";
import { checkFiles } from "./workspace.js";
import { MAX_SHOWN_ERRORS } from "./bulk.js";
import type { SourceFile } from "../core/workspace.js";
import { UsageError } from "./exit.js";
import { displayPath, ioMessage, toPosix } from "./files.js";

export const PART_FORMAT = "crmrules-shard/1";
export const SHARD_HASH = "fnv1a32-utf8";
/** At most this many shards (a part per shard is opened at once by the merge). */
export const MAX_SHARDS = 4096;

/** FNV-1a (32 bits) of the lead id's UTF-8 bytes. */
export function shardHash(lead: string): number {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(lead, "utf8")) {
    h ^= b;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The shard of a lead among `count`: `shardHash(lead) mod count`. */
export function shardOf(lead: string, count: number): number {
  return shardHash(lead) % count;
}

export interface ShardSpec {
  index: number;
  count: number;
}

/** `--shard I/N`: shard I (from 0) of N. */
export function parseShard(arg: string): ShardSpec {
  const m = /^(\d+)\/(\d+)$/.exec(arg.trim());
  const usage = `\`--shard ${arg}\` must be I/N: shard I (0 to N-1) of N shards, as in \`--shard 0/4\``;
  if (!m) throw new UsageError(usage);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || count > MAX_SHARDS) throw new UsageError(`${usage}; N is from 1 to ${MAX_SHARDS}`);
  if (index >= count) throw new UsageError(`${usage}; ${index} is not below ${count}`);
  return { index, count };
}

/**
 * The rules' identity: SHA-256 of the workspace files (paths relative to the root, so that
 * machines mounting the workspace elsewhere agree) and of the rules file chosen.
 */
export function rulesHash(root: string, files: readonly SourceFile[], fromUri: string): string {
  const h = createHash("sha256");
  const rel = (uri: string) => toPosix(path.relative(root, uri));
  const sorted = [...files].sort((a, b) => (rel(a.uri) < rel(b.uri) ? -1 : rel(a.uri) > rel(b.uri) ? 1 : 0));
  h.update(JSON.stringify({ from: rel(fromUri), files: sorted.map((f) => [rel(f.uri), f.text]) }));
  return `sha256:${h.digest("hex")}`;
}

/** How a source is named in a part (and compared by the merge): an absolute path for a file, else as given. */
export function sourceIdentity(arg: string, cwd: string): string {
  if (arg === "-") return "standard input";
  if (/^sql:/i.test(arg)) return arg;
  const hash = arg.indexOf("#");
  const file = hash > 0 && /\.duckdb$/i.test(arg.slice(0, hash)) ? arg.slice(0, hash) : arg;
  return toPosix(path.resolve(cwd, file)) + (file === arg ? "" : arg.slice(hash));
}

export interface PartHeader {
  format: string;
  shard: number;
  of: number;
  hash: string;
  source: string;
  rulesHash: string;
  seed: number;
  /** The rules route to teams shared across leads: the merge runs the team passes (with `workspace`). */
  teams?: boolean;
  workspace?: { root: string; from: string; files: SourceFile[] };
}

/** A shard's results: its leads' summary and problems, and the lines of the whole source. */
export interface PartEnd {
  /** This shard's leads only (teams shared: their provisional outcomes). */
  summary: BulkSummary;
  /**
   * Teams shared: the summary of the shard's leads that asked no team (their outcomes are final
   * as the shard wrote them), so that the merge adds the settled outcomes of the others to it.
   */
  plainSummary?: BulkSummary;
  /** Lines (or rows) of the whole source: every shard reads it all. */
  lines: number;
  /** The malformed lines this shard reports: of its leads, and (shard 0) those without a readable lead. */
  malformedLines: number;
  /** The data problems of its leads, per kind. */
  dataProblems: { count: number; perKind: Record<string, number> };
  /** Its first malformed lines (at most KEPT_ERRORS, as `--format json` lists them), in line order. */
  errors: LineError[];
  /** Its first data problems (as reported on standard error). */
  problems: DataProblem[];
  /** What one machine shows of the rules: the file as displayed and whether `--from` chose it; the internal actions. */
  rules: string;
  rulesGiven: boolean;
  internalActions: string[];
  /** Unreadable workspace files (they make the exit code 2). */
  workspaceProblems: number;
  /** The source as messages name it (`events.jsonl`, `contacts.csv`). */
  sourceName: string;
  /** The rules' score and grade names (the columns of Parquet, CSV and DuckDB outcomes). */
  outcomeNames: { scores: string[]; grades: string[] };
}

/** Writes a part: the header now, `outcome` per lead, `end` last (then the caller commits the file). */
export class PartWriter {
  constructor(
    private readonly out: Writable,
    header: Omit<PartHeader, "format" | "hash">,
  ) {
    const teams = header.teams ? { teams: true, workspace: header.workspace } : {};
    out.write(JSON.stringify({ format: PART_FORMAT, shard: header.shard, of: header.of, hash: SHARD_HASH, source: header.source, rulesHash: header.rulesHash, seed: header.seed, ...teams }) + "\n");
  }

  /** A lead's first replay with teams shared: provisional outcome, team requests, and the records the passes may replay. */
  async sharedRun(firstLine: number, run: SharedRun, records: readonly unknown[]): Promise<void> {
    if (this.out.destroyed) throw this.out.errored ?? new Error("the output stream was closed");
    const line = `{"line":${firstLine},"outcome":${JSON.stringify(run.outcome)},"routing":${JSON.stringify(run.routing)},"iso":${run.iso}${records.length ? `,"records":${JSON.stringify(records)}` : ""}}\n`;
    if (!this.out.write(line)) await once(this.out, "drain");
  }

  /** The outcome line (the `--out` text of one lead) with the line of its first record. */
  async outcome(firstLine: number, outcomeJson: string): Promise<void> {
    if (this.out.destroyed) throw this.out.errored ?? new Error("the output stream was closed");
    if (!this.out.write(`{"line":${firstLine},"outcome":${outcomeJson}}\n`)) await once(this.out, "drain");
  }

  end(end: PartEnd): void {
    this.out.write(JSON.stringify({ end }) + "\n");
  }
}

/** A part file read for the merge: its header and end (read first, before any outcome). */
export interface Part {
  file: string;
  shown: string;
  header: PartHeader;
  end: PartEnd;
}

function refuse(shown: string, why: string): never {
  throw new UsageError(`${shown} ${why}`);
}

/** The first line and the last line of a file, read without reading the rest. */
function firstAndLastLine(file: string, shown: string): { first: string; last: string } {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch (e) {
    refuse(shown, ioMessage(e));
  }
  try {
    const size = fstatSync(fd).size;
    const block = 1 << 16;
    // The first line.
    let first = "";
    for (let pos = 0; pos < size; pos += block) {
      const buf = Buffer.alloc(Math.min(block, size - pos));
      readSync(fd, buf, 0, buf.length, pos);
      const nl = buf.indexOf(10);
      if (nl >= 0) {
        first += buf.subarray(0, nl).toString("utf8");
        break;
      }
      first += buf.toString("utf8");
      if (first.length > 1 << 20) break;
    }
    // The last line: back from the end, past the final line end.
    let end = size;
    if (end > 0) {
      const b = Buffer.alloc(1);
      readSync(fd, b, 0, 1, end - 1);
      if (b[0] === 10) end--;
    }
    const pieces: Buffer[] = [];
    let pos = end;
    let found = false;
    while (pos > 0 && !found) {
      const start = Math.max(0, pos - block);
      const buf = Buffer.alloc(pos - start);
      readSync(fd, buf, 0, buf.length, start);
      const nl = buf.lastIndexOf(10);
      if (nl >= 0) {
        pieces.unshift(buf.subarray(nl + 1));
        found = true;
      } else pieces.unshift(buf);
      pos = start;
    }
    return { first, last: Buffer.concat(pieces).toString("utf8") };
  } finally {
    closeSync(fd);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Reads a part's header and end; refuses a file that is not a complete part. */
export function readPart(file: string, cwd: string): Part {
  const shown = displayPath(file, cwd);
  const { first, last } = firstAndLastLine(file, shown);
  const header = parseJson(first);
  if (!isObject(header) || typeof header.format !== "string" || !header.format.startsWith("crmrules-shard/"))
    refuse(shown, "is not a shard part: its first line is not a crmrules-shard header (parts are written by `crmrules simulate --events SRC --shard I/N --out PART`)");
  if (header.format !== PART_FORMAT) refuse(shown, `is a part of format \`${header.format}\`; this crmrules reads \`${PART_FORMAT}\` (write the parts and merge them with the same version)`);
  if (header.hash !== SHARD_HASH) refuse(shown, `shards leads by \`${String(header.hash)}\`, not \`${SHARD_HASH}\``);
  for (const k of ["shard", "of", "seed"] as const) if (!Number.isInteger(header[k])) refuse(shown, `has a header without a whole number \`${k}\``);
  for (const k of ["source", "rulesHash"] as const) if (typeof header[k] !== "string") refuse(shown, `has a header without \`${k}\``);
  if (header.teams === true) {
    const w = header.workspace as PartHeader["workspace"];
    if (!isObject(w) || typeof w.root !== "string" || typeof w.from !== "string" || !Array.isArray(w.files) || !w.files.every((f) => isObject(f) && typeof f.uri === "string" && typeof f.text === "string"))
      refuse(shown, "shares teams but its header does not carry the workspace the merge needs for the team passes");
    if (rulesHash(w.root, w.files, w.from) !== header.rulesHash) refuse(shown, "carries a workspace whose files do not give its rules hash: the part was changed");
  }
  const endLine = parseJson(last);
  if (!isObject(endLine) || !isObject(endLine.end) || first === last)
    refuse(shown, "is incomplete: it does not end with the shard's summary (`{\"end\":…}`); write the shard again");
  const end = endLine.end as unknown as PartEnd;
  if (!isObject(end.summary) || typeof end.lines !== "number" || !Array.isArray(end.errors) || !Array.isArray(end.problems) || !isObject(end.dataProblems))
    refuse(shown, "has an end line without the shard's summary, lines, errors and data problems");
  return { file, shown, header: header as unknown as PartHeader, end };
}

/**
 * Checks that `parts` are the N shards of one replay: the same source, rules, seed and N, each
 * shard once, and the same view of the whole source. Returns them in shard order.
 */
export function checkParts(parts: Part[]): Part[] {
  if (parts.length === 0) throw new UsageError("name the parts to merge (`crmrules merge part-0.jsonl part-1.jsonl …`)");
  const a = parts[0]!;
  const n = a.header.of;
  for (const p of parts.slice(1)) {
    const same = (k: "of" | "source" | "rulesHash" | "seed" | "teams", what: string) => {
      if (p.header[k] !== a.header[k]) throw new UsageError(`${p.shown} and ${a.shown} are not parts of one replay: ${what} differ (${JSON.stringify(p.header[k])} and ${JSON.stringify(a.header[k])})`);
    };
    same("of", "their numbers of shards");
    same("source", "their sources");
    same("rulesHash", "their rules (the workspace files or the rules file chosen)");
    same("seed", "their seeds");
    same("teams", "their team sharing (one shares teams across leads, the other does not)");
  }
  const byShard = new Map<number, Part>();
  for (const p of parts) {
    const twice = byShard.get(p.header.shard);
    if (twice) throw new UsageError(`${p.shown} and ${twice.shown} are both shard ${p.header.shard}/${n}; give each shard once`);
    if (p.header.shard < 0 || p.header.shard >= n) throw new UsageError(`${p.shown} says it is shard ${p.header.shard} of ${n}`);
    byShard.set(p.header.shard, p);
  }
  const missing = [...Array(n).keys()].filter((i) => !byShard.has(i));
  if (missing.length) throw new UsageError(`shard${missing.length > 1 ? "s" : ""} ${missing.map((i) => `${i}/${n}`).join(", ")} ${missing.length > 1 ? "are" : "is"} missing: a merge needs all ${n} parts (given: ${parts.map((p) => `${p.shown} (${p.header.shard}/${n})`).join(", ")})`);
  // Every shard reads the whole source: they must have read as many lines.
  for (const p of parts) if (p.end.lines !== a.end.lines) throw new UsageError(`${p.shown} and ${a.shown} read different sources (${p.end.lines} and ${a.end.lines} lines), though both name ${a.header.source}`);
  return [...byShard.values()].sort((x, y) => x.header.shard - y.header.shard);
}

/** Several parts' lists in line order (stable), cut at `keep`: the first of the whole source, as one machine keeps them. */
function firstByLine<T extends { line: number }>(lists: T[][], keep: number): T[] {
  return lists.flat().sort((x, y) => x.line - y.line).slice(0, keep);
}

/** What one machine reports of the source: malformed lines and data problems, from every part. */
export function mergedView(parts: Part[]): { malformedLines: number; errors: LineError[]; dataProblems: { count: number; perKind: Record<string, number> }; problems: DataProblem[] } {
  const perKind: Record<string, number> = {};
  for (const p of parts) for (const [k, v] of Object.entries(p.end.dataProblems.perKind)) perKind[k] = (perKind[k] ?? 0) + v;
  return {
    malformedLines: parts.reduce((s, p) => s + p.end.malformedLines, 0),
    // One machine keeps the first KEPT_ERRORS; each part kept its first, which include every one of those.
    errors: firstByLine(parts.map((p) => p.end.errors), KEPT_ERRORS),
    dataProblems: { count: parts.reduce((s, p) => s + p.end.dataProblems.count, 0), perKind: Object.fromEntries(Object.entries(perKind).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))) },
    problems: firstByLine(parts.map((p) => p.end.problems), MAX_SHOWN_ERRORS),
  };
}

/** An outcome line of a part without teams shared: its first record's line and the outcome's text as written. */
interface OutcomeLine {
  line: number;
  text: string;
}

const OUTCOME = /^\{"line":(\d+),"outcome":(\{.*\})\}$/;

/** The outcome lines of one part without teams shared, in its order (header and end left out), each checked. */
async function* outcomeLines(p: Part): AsyncGenerator<OutcomeLine> {
  const rl = createInterface({ input: createReadStream(p.file, { encoding: "utf8" }), crlfDelay: Infinity });
  let n = 0;
  let previous = -1;
  const n0 = p.header.of;
  for await (const text of rl) {
    n++;
    if (n === 1) continue;
    if (text.startsWith('{"end":')) return;
    const m = OUTCOME.exec(text);
    const outcome = m ? parseJson(m[2]!) : undefined;
    if (!m) refuse(`${p.shown}:${n}`, "is not an outcome line of a part (`{\"line\":L,\"outcome\":{…}}`)");
    const line = Number(m[1]);
    if (!isObject(outcome) || typeof outcome.lead !== "string") refuse(`${p.shown}:${n}`, "has no lead's outcome");
    if (line <= previous) refuse(`${p.shown}:${n}`, `is out of order: its lead starts at line ${line}, after a lead at line ${previous}`);
    if (shardOf(outcome.lead, n0) !== p.header.shard) refuse(`${p.shown}:${n}`, `holds lead \`${outcome.lead}\`, which is in shard ${shardOf(outcome.lead, n0)}/${n0}, not ${p.header.shard}/${n0}`);
    previous = line;
    yield { line, text: m[2]! };
  }
}

/**
 * Writes the outcomes of every part to `write` in the one-machine order (by the line of each
 * lead's first record in the source), as `--out` writes them, and returns the summary. With
 * teams shared, `mergeShared` runs the team passes first (as one machine runs them).
 */
export async function mergeOutcomes(parts: Part[], write: ((text: string, o: () => LeadOutcome) => Promise<void>) | undefined): Promise<BulkSummary> {
  if (parts[0]!.header.teams === true) return mergeShared(parts, write);
  const its = parts.map((p) => outcomeLines(p)[Symbol.asyncIterator]());
  const heads: (OutcomeLine | undefined)[] = await Promise.all(its.map(async (it) => (await it.next()).value ?? undefined));
  let count = 0;
  let last = -1;
  let lastPart = -1;
  for (;;) {
    let best = -1;
    for (let i = 0; i < heads.length; i++) if (heads[i] && (best < 0 || heads[i]!.line < heads[best]!.line)) best = i;
    if (best < 0) break;
    const h = heads[best]!;
    if (h.line === last) throw new UsageError(`${parts[best]!.shown} and ${parts[lastPart]!.shown} both hold the lead starting at line ${h.line} of the source`);
    last = h.line;
    lastPart = best;
    count++;
    if (write) await write(h.text + "\n", () => JSON.parse(h.text) as LeadOutcome);
    heads[best] = (await its[best]!.next()).value ?? undefined;
  }
  checkCount(parts, count);
  return parts.reduce((s, p) => mergeSummaries(s, p.end.summary), emptySummary());
}

function checkCount(parts: Part[], count: number): void {
  const leads = parts.reduce((s, p) => s + p.end.summary.leads, 0);
  if (count !== leads) throw new UsageError(`the parts hold ${count} outcomes but their summaries count ${leads} leads: a part is damaged; write the shards again`);
}

/** A part's lines as bytes, read in 1 MiB blocks: each line's bytes `[start, end)` of `buf` (valid until the next block) and its offset in the file. */
class PartLines {
  private readonly fd: number;
  private buf = Buffer.alloc(0);
  private pos = 0;
  /** The file offset of `buf[0]`. */
  private base = 0;
  private eof = false;
  /** Lines read so far (the last one's number in the file, from 1). */
  n = 0;
  buf0: Buffer = this.buf;
  start = 0;
  end = 0;
  offset = 0;

  constructor(readonly file: string) {
    this.fd = openSync(file, "r");
  }

  /** Moves to the next line; false at the end of the file. */
  next(): boolean {
    for (;;) {
      const nl = this.buf.indexOf(10, this.pos);
      if (nl >= 0 || (this.eof && this.pos < this.buf.length)) {
        const end = nl >= 0 ? nl : this.buf.length;
        this.buf0 = this.buf;
        this.start = this.pos;
        this.end = end;
        this.offset = this.base + this.pos;
        this.pos = end + 1;
        this.n++;
        return true;
      }
      if (this.eof) return false;
      const rest = this.buf.length - this.pos;
      const next = Buffer.allocUnsafe(Math.max(1 << 20, rest * 2));
      this.buf.copy(next, 0, this.pos);
      const k = readSync(this.fd, next, rest, next.length - rest, this.base + this.buf.length);
      this.base += this.pos;
      this.buf = next.subarray(0, rest + k);
      this.pos = 0;
      if (k === 0) this.eof = true;
    }
  }

  /** The line at `offset` (`length` bytes), read again. */
  at(offset: number, length: number): string {
    const b = Buffer.alloc(length);
    let got = 0;
    while (got < length) {
      const k = readSync(this.fd, b, got, length - got, offset + got);
      if (k === 0) throw new Error(`${this.file} ends before byte ${offset + length}`);
      got += k;
    }
    return b.toString("utf8");
  }

  close(): void {
    closeSync(this.fd);
  }
}

const LINE_KEY = Buffer.from('{"line":');
const OUTCOME_KEY = Buffer.from(',"outcome":{"lead":"');
/** The end of a lead line that asked no team and carries no records (the shard writes `routing` and `iso` last but for `records`). */
const PLAIN_ENDS = [false, true].map((iso) => Buffer.from(`,"routing":{"requests":[],"assignedFrom":-1},"iso":${iso}}`));
const END_KEY = Buffer.from('{"end":');

/**
 * A lead line of a part with teams shared, looked at without parsing it all: the line of its lead's
 * first record, its lead, and (when it asked no team and carries no records) where its outcome's
 * text is. Other lines are parsed (`sharedLine`).
 */
interface Framed {
  line: number;
  lead: string;
  /** The outcome's text `[start, end)` in the line's buffer, for a lead that asked no team; -1 otherwise. */
  plainEnd: number;
  outcomeStart: number;
}

function frame(r: PartLines, shown: string): Framed {
  const b = r.buf0;
  const where = `${shown}:${r.n}`;
  const bad = () => refuse(where, "is not a lead line of a part with teams shared (`{\"line\":L,\"outcome\":{…},\"routing\":{…},\"iso\":…}`)");
  if (b.compare(LINE_KEY, 0, LINE_KEY.length, r.start, r.start + LINE_KEY.length) !== 0) bad();
  let i = r.start + LINE_KEY.length;
  let line = 0;
  const digits = i;
  while (i < r.end && b[i]! >= 48 && b[i]! <= 57) line = line * 10 + (b[i++]! - 48);
  if (i === digits || i - digits > 15 || b.compare(OUTCOME_KEY, 0, OUTCOME_KEY.length, i, i + OUTCOME_KEY.length) !== 0) bad();
  const outcomeStart = i + OUTCOME_KEY.length - '{"lead":"'.length;
  // The lead: a JSON string, up to its first quote that no backslash escapes.
  let j = i + OUTCOME_KEY.length;
  let escaped = false;
  while (j < r.end && b[j] !== 34) {
    if (b[j] === 92) escaped = true;
    j += b[j] === 92 ? 2 : 1;
  }
  if (j >= r.end) bad();
  // Without an escape, a JSON string's text is its bytes (JSON.stringify escapes every control character).
  const lead = escaped ? parseJson(b.toString("utf8", outcomeStart + 8, j + 1)) : b.toString("utf8", i + OUTCOME_KEY.length, j);
  if (typeof lead !== "string") refuse(where, "has no lead's outcome");
  let plainEnd = -1;
  for (const e of PLAIN_ENDS) if (r.end - e.length > j && b.compare(e, 0, e.length, r.end - e.length, r.end) === 0) plainEnd = r.end - e.length;
  return { line, lead, plainEnd, outcomeStart };
}

/** The index just after the JSON object or array that starts at `i` (-1 when it does not end before `end`). */
function skipValue(b: Buffer, i: number, end: number): number {
  if (b[i] !== 123 && b[i] !== 91) return -1;
  let depth = 0;
  for (; i < end; i++) {
    const c = b[i]!;
    if (c === 34) {
      for (i++; i < end && b[i] !== 34; i += b[i] === 92 ? 2 : 1);
    } else if (c === 123 || c === 91) depth++;
    else if ((c === 125 || c === 93) && --depth === 0) return i + 1;
  }
  return -1;
}

const ROUTING_KEY = Buffer.from(',"routing":');
const ISO_KEYS = [false, true].map((iso) => Buffer.from(`,"iso":${iso}`));
const RECORDS_KEY = Buffer.from(',"records":[');

/**
 * A lead line that asked a team (or carries records), cut into its fields without parsing its
 * records: the outcome's text `[outcomeStart, outcomeEnd)`, the routing (parsed), `iso`, and
 * whether records follow.
 */
function sharedLine(r: PartLines, h: Framed, shown: string): { outcomeEnd: number; routing: SharedRun["routing"]; iso: boolean; records: boolean } {
  const b = r.buf0;
  const bad = (): never => refuse(`${shown}:${r.n}`, "is not a lead line of a part with teams shared (`{\"line\":L,\"outcome\":{…},\"routing\":{…},\"iso\":…}`)");
  const has = (key: Buffer, at: number) => at + key.length <= r.end && b.compare(key, 0, key.length, at, at + key.length) === 0;
  const outcomeEnd = skipValue(b, h.outcomeStart, r.end);
  if (outcomeEnd < 0 || !has(ROUTING_KEY, outcomeEnd)) bad();
  const routingStart = outcomeEnd + ROUTING_KEY.length;
  const routingEnd = skipValue(b, routingStart, r.end);
  if (routingEnd < 0) bad();
  const routing = parseJson(b.toString("utf8", routingStart, routingEnd));
  if (!isObject(routing) || !Array.isArray(routing.requests) || !Number.isInteger(routing.assignedFrom)) bad();
  const isoAt = ISO_KEYS.findIndex((k) => has(k, routingEnd));
  if (isoAt < 0) bad();
  const rest = routingEnd + ISO_KEYS[isoAt]!.length;
  const records = has(RECORDS_KEY, rest);
  if (!records && !(rest === r.end - 1 && b[rest] === 125)) bad();
  return { outcomeEnd, routing: routing as unknown as SharedRun["routing"], iso: isoAt === 1, records };
}

/** The records of a lead line read again (`PartLines.at`), checked as the shard checked them. */
function lineRecords(text: string, where: string): LogRecord[] {
  const doc = parseJson(text);
  if (!isObject(doc) || !Array.isArray(doc.records) || doc.records.length === 0) refuse(where, "has a lead line whose records cannot be read; write the shard again");
  return (doc.records as unknown[]).map((x) => {
    const rec = typeof x === "string" ? parseRecord(x) : recordFromObject(x);
    if (!rec.ok) refuse(where, `has a record that does not parse (${rec.reason}); write the shard again`);
    return rec.record;
  });
}

/** A growable list of small numbers (which part holds each lead of the source, in its order). */
class U16List {
  private a = new Uint16Array(1 << 16);
  length = 0;
  push(v: number): void {
    if (this.length === this.a.length) {
      const b = new Uint16Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.length++] = v;
  }
  get(i: number): number {
    return this.a[i]!;
  }
}

/**
 * The merge with teams shared (docs/distributed.md), in three steps over the parts' bytes:
 * 1. a k-way merge by line that checks each lead line's frame, shard and order and notes which
 *    part holds the source's next lead; only the lines of leads that asked a team are parsed (their
 *    requests go to `SharedRouting`, and where their line is when they may be replayed again);
 * 2. the team passes (`teamPasses`), replaying again from the parts' records the leads they name;
 * 3. the parts read again in that order: the outcome of a lead that asked no team is copied as the
 *    shard wrote it (its text is what one machine writes), the others are settled and written.
 * The summary is the shards' summaries of the leads that asked no team (their `plainSummary`),
 * added to the settled outcomes of the others.
 */
async function mergeShared(parts: Part[], write: ((text: string, o: () => LeadOutcome) => Promise<void>) | undefined): Promise<BulkSummary> {
  const w = parts[0]!.header.workspace!;
  const rules = compile(checkFiles(w.root, w.files), w.from);
  const seed = parts[0]!.header.seed;
  const shared = new SharedRouting(rules.teams, seed);
  const iso = new Map<number, boolean>();
  /** Where the line of each lead that may be replayed again is: part, byte offset, length, line in the part. */
  const kept = new Map<number, [number, number, number, number]>();
  const order = new U16List();
  const n0 = parts[0]!.header.of;
  // Parts written before `plainSummary`: every outcome is added to the summary here.
  const plain = parts.every((p) => isObject(p.end.plainSummary));
  const open = (): PartLines[] =>
    parts.map((p) => {
      const r = new PartLines(p.file);
      r.next(); // the header
      return r;
    });
  const advance = (r: PartLines): boolean => r.next() && r.buf0.compare(END_KEY, 0, END_KEY.length, r.start, r.start + END_KEY.length) !== 0;

  // 1. The k-way merge by line.
  let readers = open();
  try {
    const heads: (Framed | undefined)[] = readers.map((r, k) => (advance(r) ? frame(r, parts[k]!.shown) : undefined));
    const previous = parts.map(() => -1);
    let last = -1;
    let lastPart = -1;
    for (;;) {
      let best = -1;
      for (let k = 0; k < heads.length; k++) if (heads[k] && (best < 0 || heads[k]!.line < heads[best]!.line)) best = k;
      if (best < 0) break;
      const h = heads[best]!;
      const r = readers[best]!;
      const p = parts[best]!;
      if (h.line <= previous[best]!) refuse(`${p.shown}:${r.n}`, `is out of order: its lead starts at line ${h.line}, after a lead at line ${previous[best]}`);
      if (shardOf(h.lead, n0) !== p.header.shard) refuse(`${p.shown}:${r.n}`, `holds lead \`${h.lead}\`, which is in shard ${shardOf(h.lead, n0)}/${n0}, not ${p.header.shard}/${n0}`);
      if (h.line === last) throw new UsageError(`${p.shown} and ${parts[lastPart]!.shown} both hold the lead starting at line ${h.line} of the source`);
      previous[best] = last = h.line;
      lastPart = best;
      const index = order.length;
      order.push(best);
      if (h.plainEnd < 0) {
        const l = sharedLine(r, h, p.shown);
        if (l.routing.requests.length) {
          shared.set(index, h.lead, l.routing);
          iso.set(index, l.iso);
        }
        if (mayReplayAgain(rules.teams, { routing: l.routing } as SharedRun)) {
          if (!l.records) refuse(`${p.shown}:${r.n}`, `holds lead \`${h.lead}\`, which the team passes may replay again, without its records; write the shard again`);
          kept.set(index, [best, r.offset, r.end - r.start, r.n]);
        }
      }
      heads[best] = advance(r) ? frame(r, p.shown) : undefined;
    }
  } finally {
    for (const r of readers) r.close();
  }
  checkCount(parts, order.length);

  // 2. The team passes.
  readers = open();
  try {
    const again = new Map<number, SharedRun>();
    teamPasses(shared, (i, script) => {
      const at = kept.get(i);
      if (!at) throw new Error(`internal error: the team pass asked to replay lead ${i + 1} of the source again, whose records were not kept`);
      const [k, offset, length, n] = at;
      const records = lineRecords(readers[k]!.at(offset, length), `${parts[k]!.shown}:${n}`);
      const run = replayShared(rules, records[0]!.lead, records, seed, script);
      again.set(i, run);
      if (run.routing.requests.length) iso.set(i, run.iso);
      return run;
    });

    // 3. Every outcome, in the source's order.
    const summary = emptySummary();
    for (let i = 0; i < order.length; i++) {
      const k = order.get(i);
      const r = readers[k]!;
      if (!advance(r)) throw new UsageError(`${parts[k]!.shown} changed while it was merged`);
      const h = frame(r, parts[k]!.shown);
      if (h.plainEnd >= 0) {
        const text = r.buf0.toString("utf8", h.outcomeStart, h.plainEnd);
        let o: LeadOutcome | undefined;
        const parsed = () => (o ??= JSON.parse(text) as LeadOutcome);
        if (!plain) addOutcome(summary, parsed());
        if (write) await write(text + "\n", parsed);
        continue;
      }
      const l = sharedLine(r, h, parts[k]!.shown);
      const run = again.get(i);
      const outcome = run ? run.outcome : (parseJson(r.buf0.toString("utf8", h.outcomeStart, l.outcomeEnd)) as LeadOutcome);
      if (!isObject(outcome)) refuse(`${parts[k]!.shown}:${r.n}`, "has no lead's outcome");
      const fin = shared.final(i);
      const o = fin ? settleOutcome({ outcome, routing: fin.routing, iso: iso.get(i) ?? false }, fin.answers) : outcome;
      // A lead whose first replay asked no team is in its shard's `plainSummary`.
      if (!plain || l.routing.requests.length) addOutcome(summary, o);
      if (write) await write(JSON.stringify(o) + "\n", () => o);
    }
    if (!plain) return sortSummary(summary);
    return parts.reduce((s, p) => mergeSummaries(s, p.end.plainSummary!), sortSummary(summary));
  } finally {
    for (const r of readers) r.close();
  }
}
