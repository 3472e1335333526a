/**
 * Bulk replay with teams shared across leads (docs/language.md §8 "Teams across leads",
 * docs/event-log.md "Determinism and threads"), the pure driver: every lead is replayed once on
 * its own with provisional team answers (in any order, on any thread), then `shareTeams` runs the
 * team passes of `sharedRouting.ts`, replays again the few leads that took an answer the other way
 * (a full team where the provisional answer had a member, or the reverse), and settles every
 * outcome with the members the last pass picked. The result equals a single-threaded replay of
 * all leads at once in time order (test/engine/sharedRouting.test.ts).
 */
import type { CompiledRules } from "../compile.js";
import type { CTeam } from "../compiled.js";
import type { LogRecord } from "./records.js";
import { replayLeadRun, settleOutcome, type LeadOutcome, type LeadRun } from "./replay.js";
import { SharedRouting, type AnsweredRequest } from "./sharedRouting.js";

/** What the team passes need of a lead's first replay (a worker sends these back). */
export type SharedRun = Pick<LeadRun, "outcome" | "routing" | "iso">;

/** Whether any route or escalation of these rules can name a team (else a shared replay is a plain one). */
export function routesToTeams(rules: CompiledRules): boolean {
  for (const r of rules.routes) {
    for (const x of r.rules) if (x.target.kind === "team" || x.escalations.some((e) => e.target.kind === "team")) return true;
    if (r.fallback && (r.fallback.target.kind === "team" || r.fallback.escalations.some((e) => e.target.kind === "team"))) return true;
  }
  return false;
}

/**
 * Whether a lead's answers can go the other way in a team pass, so that it may be replayed again
 * (its records must then be kept): only a team with a cap can be full for one lead and not for
 * another. A team without a cap answers nobody only when it has no member, on every pass.
 */
export function mayReplayAgain(teams: ReadonlyMap<string, CTeam>, run: SharedRun): boolean {
  return run.routing.requests.some((r) => teams.get(r.team)?.cap != null);
}

/** A lead's replay in a shared log: provisional answers, or the team pass's `script`. */
export function replayShared(rules: CompiledRules, lead: string, records: LogRecord[], seed: number, script: readonly AnsweredRequest[] | null = null, trace = false): LeadRun {
  return replayLeadRun(rules, lead, records, { seed, trace, routing: { kind: "shared", script } });
}

/**
 * The team passes over the leads `shared` holds: each pass's leads are replayed again by
 * `again(index, script)` and set again, until a pass returns none (why this ends: `SharedRouting`).
 * Returns the number of replays made again.
 */
export function teamPasses(shared: SharedRouting, again: (index: number, script: AnsweredRequest[]) => SharedRun): number {
  let replayed = 0;
  for (let redo = shared.pass(); redo.length; redo = shared.pass()) {
    for (const i of redo) {
      const run = again(i, shared.script(i));
      shared.set(i, run.outcome.lead, run.routing);
      replayed++;
    }
  }
  return replayed;
}

/**
 * The team passes over `runs` (every lead's first shared replay, in log order). `again(index,
 * script)` replays lead `index` with the script (only leads for which `mayReplayAgain` held are
 * asked). Returns the settled outcomes in log order, the passes run and the replays made again.
 * Memory: every lead's outcome and requests, as given (runtime/bulk/sharedLog.ts keeps outcomes on disk instead and runs `SharedRouting` itself).
 */
export function shareTeams(teams: ReadonlyMap<string, CTeam>, seed: number, runs: SharedRun[], again: (index: number, script: AnsweredRequest[]) => SharedRun): { outcomes: LeadOutcome[]; passes: number; replayed: number; script: (index: number) => AnsweredRequest[] } {
  const shared = new SharedRouting(teams, seed);
  runs.forEach((r, i) => shared.set(i, r.outcome.lead, r.routing));
  const replayed = teamPasses(shared, (i, script) => (runs[i] = again(i, script)));
  const outcomes = runs.map((r, i) => {
    const f = shared.final(i);
    return f ? settleOutcome(r, f.answers) : r.outcome;
  });
  // `script(i)`: lead i's requests with the last pass's answers; a replay with it is the lead's true replay (final state and trace).
  return { outcomes, passes: shared.passes, replayed, script: (i) => shared.script(i) };
}

/** A whole log's leads (in log order, records in memory) replayed with shared teams, in this thread. */
export function replayLeadsShared(rules: CompiledRules, leads: readonly { lead: string; records: LogRecord[] }[], seed = 0): ReturnType<typeof shareTeams> {
  const runs: SharedRun[] = leads.map((l) => replayShared(rules, l.lead, l.records, seed));
  return shareTeams(rules.teams, seed, runs, (i, script) => replayShared(rules, leads[i]!.lead, leads[i]!.records, seed, script));
}
