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
import { addOutcome, emptySummary, KEPT_ERRORS, mergeSummaries, sortSummary, type BulkSummary, type DataProblem, type LeadOutcome, type LineError, type LogRecord, type SharedRun } from "../runtime/bulk/index.js";
import { SharedLog } from "../runtime/bulk/sharedLog.js";
import { compile } from "../core/engine/index.js";
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
  /** This shard's leads only. */
  summary: BulkSummary;
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

/** An outcome line of a part, parsed: its first record's line and the outcome's text as written (and, teams shared, the lead's first replay). */
interface OutcomeLine {
  line: number;
  text: string;
  shared?: { run: SharedRun; records: LogRecord[] | string[] };
}

const OUTCOME = /^\{"line":(\d+),"outcome":(\{.*\})\}$/;

/** The outcome lines of one part, in its order (header and end left out), each checked. */
async function* outcomeLines(p: Part): AsyncGenerator<OutcomeLine> {
  const rl = createInterface({ input: createReadStream(p.file, { encoding: "utf8" }), crlfDelay: Infinity });
  let n = 0;
  let previous = -1;
  const n0 = p.header.of;
  for await (const text of rl) {
    n++;
    if (n === 1) continue;
    if (text.startsWith('{"end":')) return;
    let line: number;
    let outcome: unknown;
    let outcomeText: string;
    let shared: OutcomeLine["shared"];
    if (p.header.teams) {
      const doc = parseJson(text);
      if (!isObject(doc) || !Number.isInteger(doc.line) || !isObject(doc.outcome) || !isObject(doc.routing) || !Array.isArray(doc.routing.requests) || typeof doc.iso !== "boolean" || (doc.records !== undefined && !Array.isArray(doc.records)))
        refuse(`${p.shown}:${n}`, "is not a lead line of a part with teams shared (`{\"line\":L,\"outcome\":{…},\"routing\":{…},\"iso\":…}`)");
      line = doc.line as number;
      outcome = doc.outcome;
      outcomeText = "";
      shared = { run: { outcome: doc.outcome as unknown as LeadOutcome, routing: doc.routing as unknown as SharedRun["routing"], iso: doc.iso }, records: (doc.records ?? []) as LogRecord[] | string[] };
    } else {
      const m = OUTCOME.exec(text);
      outcome = m ? parseJson(m[2]!) : undefined;
      if (!m) refuse(`${p.shown}:${n}`, "is not an outcome line of a part (`{\"line\":L,\"outcome\":{…}}`)");
      line = Number(m[1]);
      outcomeText = m[2]!;
    }
    if (!isObject(outcome) || typeof outcome.lead !== "string") refuse(`${p.shown}:${n}`, "has no lead's outcome");
    if (line <= previous) refuse(`${p.shown}:${n}`, `is out of order: its lead starts at line ${line}, after a lead at line ${previous}`);
    if (shardOf(outcome.lead, n0) !== p.header.shard) refuse(`${p.shown}:${n}`, `holds lead \`${outcome.lead}\`, which is in shard ${shardOf(outcome.lead, n0)}/${n0}, not ${p.header.shard}/${n0}`);
    previous = line;
    yield shared ? { line, text: outcomeText, shared } : { line, text: outcomeText };
  }
}

/**
 * Writes the outcomes of every part to `write` in the one-machine order (by the line of each
 * lead's first record in the source), as `--out` writes them, and returns the summary. With
 * teams shared, the team passes run first over every lead (runtime/bulk/sharedLog.ts, as one
 * machine runs them), replaying again the leads they name from the records their parts carry.
 */
export async function mergeOutcomes(parts: Part[], write: ((text: string, o: () => LeadOutcome) => Promise<void>) | undefined): Promise<BulkSummary> {
  const its = parts.map((p) => outcomeLines(p)[Symbol.asyncIterator]());
  const heads: (OutcomeLine | undefined)[] = await Promise.all(its.map(async (it) => (await it.next()).value ?? undefined));
  const teams = parts[0]!.header.teams === true;
  const log = teams ? sharedLogOf(parts[0]!) : undefined;
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
    if (log) {
      try {
        log.add(h.shared!.run, h.shared!.records);
      } catch (e) {
        log.close();
        throw new UsageError(`${parts[best]!.shown}: ${(e as Error).message}; write the shard again`);
      }
    } else if (write) await write(h.text + "\n", () => JSON.parse(h.text) as LeadOutcome);
    heads[best] = (await its[best]!.next()).value ?? undefined;
  }
  const leads = parts.reduce((s, p) => s + p.end.summary.leads, 0);
  if (count !== leads) throw new UsageError(`the parts hold ${count} outcomes but their summaries count ${leads} leads: a part is damaged; write the shards again`);
  if (!log) return parts.reduce((s, p) => mergeSummaries(s, p.end.summary), emptySummary());
  // The team passes, then every settled outcome in order; the summary is theirs (a shard's was provisional).
  const summary = emptySummary();
  try {
    // Outcomes wait in SharedLog's temporary folder until the passes are done (removed by close).
    for await (const o of log.finish({ passes: 0, replayed: 0 })) {
      addOutcome(summary, o);
      if (write) await write(JSON.stringify(o) + "\n", () => o);
    }
  } finally {
    log.close();
  }
  return sortSummary(summary);
}

/** The team passes' state for the parts' workspace (compiled from the files the header carries). */
function sharedLogOf(p: Part): SharedLog {
  const w = p.header.workspace!;
  const rules = compile(checkFiles(w.root, w.files), w.from);
  return new SharedLog(rules, p.header.seed);
}
