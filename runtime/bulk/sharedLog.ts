/**
 * The team passes of a streamed log (docs/event-log.md "Determinism and threads"): `replayLog`
 * hands every lead's first shared replay here, in log order, from this thread or a worker; at the
 * end of the log `finish` runs the passes of core/engine/bulk/sharedReplay.ts, replays again in
 * this thread the few leads they return, and gives back every outcome settled, in log order.
 * Memory: every lead's outcome and team requests until the end of the log, and the records of the
 * leads that asked a team with a cap (only those can be replayed again).
 */
import type { CompiledRules } from "../../core/engine/compile.js";
import { parseRecord, type LogRecord } from "../../core/engine/bulk/records.js";
import type { LeadOutcome } from "../../core/engine/bulk/replay.js";
import { mayReplayAgain, replayShared, shareTeams, type SharedRun } from "../../core/engine/bulk/sharedReplay.js";

export class SharedLog {
  private readonly runs: SharedRun[] = [];
  /** The records (or their lines, from a worker) of the leads that may be replayed again, by place in the log. */
  private readonly kept = new Map<number, LogRecord[] | string[]>();

  constructor(
    private readonly rules: CompiledRules,
    private readonly seed: number,
  ) {}

  get leads(): number {
    return this.runs.length;
  }

  /** The next lead's first replay, with its records (or their lines). */
  add(run: SharedRun, records: LogRecord[] | string[]): void {
    if (mayReplayAgain(this.rules.teams, run)) {
      // A lead has at least one record: none here means the replaying thread did not send them.
      if (records.length === 0) throw new Error(`internal error: lead \`${run.outcome.lead}\` may be replayed again by the team passes, but its records were not kept`);
      this.kept.set(this.runs.length, records);
    }
    this.runs.push(run);
  }

  finish(): { outcomes: LeadOutcome[]; passes: number; replayed: number } {
    return shareTeams(this.rules.teams, this.seed, this.runs, (i, script) => {
      const kept = this.kept.get(i);
      const run = this.runs[i]!;
      if (!kept) throw new Error(`internal error: the team pass asked to replay lead \`${run.outcome.lead}\` again, whose records were not kept`);
      const records = kept.map((r) => {
        if (typeof r !== "string") return r;
        const p = parseRecord(r);
        if (!p.ok) throw new Error(`lead \`${run.outcome.lead}\`: a record line the reader accepted does not parse: ${p.reason}`);
        return p.record;
      });
      return replayShared(this.rules, run.outcome.lead, records, this.seed, script);
    });
  }
}
