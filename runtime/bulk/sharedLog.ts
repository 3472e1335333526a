/**
 * The team passes of a streamed log (docs/event-log.md "Determinism and threads"): `replayLog`
 * hands every lead's first shared replay here, in log order, from this thread or a worker; at the
 * end of the log `finish` runs the passes of core/engine/bulk/sharedRouting.ts, replays again in
 * this thread the few leads they return, and yields every outcome settled, in log order.
 *
 * Memory: the leads' team requests (a few numbers each). The provisional outcomes and the records
 * of the leads that may be replayed again (those that asked a team with a cap) are written to two
 * files in a temporary folder as they come, and read back at the end; the folder is removed by
 * `close`.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync, createReadStream } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CompiledRules } from "../../core/engine/compile.js";
import { parseRecord, type LogRecord } from "../../core/engine/bulk/records.js";
import { settleOutcome, type LeadOutcome } from "../../core/engine/bulk/replay.js";
import { mayReplayAgain, replayShared, type SharedRun } from "../../core/engine/bulk/sharedReplay.js";
import { SharedRouting } from "../../core/engine/bulk/sharedRouting.js";
import { readLines } from "./lines.js";

/** An append-only file written in 1 MiB blocks. */
class Spill {
  private readonly fd: number;
  private buf: string[] = [];
  private size = 0;
  /** Bytes written or buffered so far: where the next text starts. */
  offset = 0;

  constructor(readonly path: string) {
    this.fd = openSync(path, "w+");
  }

  /** Appends `text`; returns its byte offset and length. */
  write(text: string): [number, number] {
    const at = this.offset;
    const n = Buffer.byteLength(text);
    this.buf.push(text);
    this.size += n;
    this.offset += n;
    if (this.size >= 1 << 20) this.flush();
    return [at, n];
  }

  flush(): void {
    if (this.buf.length) writeSync(this.fd, this.buf.join(""));
    this.buf = [];
    this.size = 0;
  }

  read([at, n]: [number, number]): string {
    this.flush();
    const b = Buffer.alloc(n);
    let got = 0;
    while (got < n) {
      const k = readSync(this.fd, b, got, n - got, at + got);
      if (k === 0) throw new Error(`internal error: ${this.path} ends before byte ${at + n}`);
      got += k;
    }
    return b.toString("utf8");
  }

  close(): void {
    closeSync(this.fd);
  }
}

export class SharedLog {
  private readonly routing: SharedRouting;
  private count = 0;
  /** Whether each lead that asked a team has ISO times (its picks' days are dates). */
  private readonly iso = new Map<number, boolean>();
  /** Where the records of the leads that may be replayed again are, in the records file. */
  private readonly kept = new Map<number, [number, number]>();
  private dir: string | null = null;
  private outcomes: Spill | null = null;
  private records: Spill | null = null;

  constructor(
    private readonly rules: CompiledRules,
    private readonly seed: number,
  ) {
    this.routing = new SharedRouting(rules.teams, seed);
  }

  get leads(): number {
    return this.count;
  }

  private files(): { outcomes: Spill; records: Spill } {
    if (!this.outcomes || !this.records) {
      this.dir = mkdtempSync(join(tmpdir(), "crmrules-teams-"));
      this.outcomes = new Spill(join(this.dir, "outcomes.jsonl"));
      this.records = new Spill(join(this.dir, "records.jsonl"));
    }
    return { outcomes: this.outcomes, records: this.records };
  }

  /** The next lead's first replay, with its records (or their lines). */
  add(run: SharedRun, records: LogRecord[] | string[]): void {
    const i = this.count++;
    const f = this.files();
    if (run.routing.requests.length) {
      this.routing.set(i, run.outcome.lead, run.routing);
      this.iso.set(i, run.iso);
    }
    if (mayReplayAgain(this.rules.teams, run)) {
      // A lead has at least one record: none here means the replaying thread did not send them.
      if (records.length === 0) throw new Error(`internal error: lead \`${run.outcome.lead}\` may be replayed again by the team passes, but its records were not kept`);
      this.kept.set(i, f.records.write(records.map((r) => (typeof r === "string" ? r : JSON.stringify(r))).join("\n") + "\n"));
    }
    f.outcomes.write(JSON.stringify(run.outcome) + "\n");
  }

  /** The team passes, then every lead's settled outcome in log order (`passes` and `replayed` are final once the first outcome is yielded). */
  async *finish(stats: { passes: number; replayed: number }): AsyncGenerator<LeadOutcome> {
    const f = this.files();
    const again = new Map<number, SharedRun>();
    // Ends: see `SharedRouting`.
    for (let redo = this.routing.pass(); redo.length; redo = this.routing.pass()) {
      for (const i of redo) {
        const at = this.kept.get(i);
        if (!at) throw new Error(`internal error: the team pass asked to replay lead ${i + 1} of the log again, whose records were not kept`);
        const records = f.records
          .read(at)
          .slice(0, -1)
          .split("\n")
          .map((line) => {
            const p = parseRecord(line);
            if (!p.ok) throw new Error(`a record line the reader accepted does not parse: ${p.reason}`);
            return p.record;
          });
        const name = records[0]!.lead;
        const run = replayShared(this.rules, name, records, this.seed, this.routing.script(i));
        again.set(i, run);
        this.routing.set(i, name, run.routing);
        if (run.routing.requests.length) this.iso.set(i, run.iso);
        stats.replayed++;
      }
    }
    stats.passes = this.routing.passes;
    f.outcomes.flush();
    let i = 0;
    for await (const line of readLines(createReadStream(f.outcomes.path), Number.MAX_SAFE_INTEGER)) {
      if (line.error) throw new Error(`internal error: ${f.outcomes.path}: ${line.error}`);
      if (line.text === "") continue;
      const run = again.get(i);
      const outcome = run ? run.outcome : (JSON.parse(line.text) as LeadOutcome);
      const fin = this.routing.final(i);
      yield fin ? settleOutcome({ outcome, routing: fin.routing, iso: this.iso.get(i) ?? false }, fin.answers) : outcome;
      i++;
    }
    if (i !== this.count) throw new Error(`internal error: ${i} outcomes read back for ${this.count} leads`);
  }

  /** Removes the temporary files. */
  close(): void {
    this.outcomes?.close();
    this.records?.close();
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.outcomes = this.records = null;
    this.dir = null;
  }
}
