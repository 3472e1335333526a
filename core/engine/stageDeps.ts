/**
 * Stage-dependency tracking (docs/language.md §7 "Moving between stages", §14 step 6): stages are
 * evaluated after every input, but their conditions' value can change only when something they
 * read changes. While the stages are evaluated, each condition reads the simulation through a
 * `ReadTracker`, which records the kinds of state it read (after short-circuits); after a round
 * that moved nowhere the simulation remembers those and the state they had, and skips the next
 * evaluation while none of it has changed.
 */
import type { EvalCtx, HistoryItem } from "./expr.js";
import type { Value } from "./trace.js";
import type { Simulation } from "./sim.js";

/** What a condition read (besides the stage, always a dependency). */
export const DEP_FIELDS = 1;
export const DEP_SCORES = 2;
export const DEP_HISTORY = 4;
export const DEP_CLOCK = 8;
export const DEP_CURRENT = 16;

/**
 * Evaluates conditions against a simulation (`sim`, set before each evaluation of the stages) and
 * records which kinds of state they read (`deps`). One per compiled rules (`RulesIndex.stageReads`),
 * shared by their simulations in turn (stage evaluations never nest): an object that stays in the
 * processor's cache. One per simulation, or one per evaluation, made the simulation benchmark
 * take about a third more CPU time in side-by-side runs.
 */
export class ReadTracker implements EvalCtx {
  sim: Simulation | null = null;
  deps = 0;
  /** Set and restored by `count(… where …)` while it looks at past payloads. */
  payload: Record<string, Value> | null = null;
  get now(): number {
    this.deps |= DEP_CLOCK;
    return this.sim!.now;
  }
  get fields(): Map<string, Value> {
    this.deps |= DEP_FIELDS;
    return this.sim!.fields;
  }
  get stageIndex(): number {
    return this.sim!.stageIndex;
  }
  get stageName(): string | null {
    return this.sim!.stageName;
  }
  get current(): string | null {
    this.deps |= DEP_CURRENT;
    return this.sim!.current;
  }
  score(name: string): number | null {
    this.deps |= DEP_SCORES;
    return this.sim!.score(name);
  }
  scoreAt(slot: number): number | null {
    this.deps |= DEP_SCORES;
    return this.sim!.scoreAt(slot);
  }
  gradeRank(name: string): number | null {
    this.deps |= DEP_SCORES;
    return this.sim!.gradeRank(name);
  }
  gradeLetter(name: string): string | null {
    this.deps |= DEP_SCORES;
    return this.sim!.gradeLetter(name);
  }
  history(event: string): readonly HistoryItem[] {
    this.deps |= DEP_HISTORY;
    return this.sim!.history(event);
  }
}

/** True when the last evaluation of the stages moved nowhere and nothing its conditions read has changed since. */
export function stagesUnchanged(sim: Simulation): boolean {
  const deps = sim.stageDeps;
  return (
    deps >= 0 &&
    sim.stageEntries === sim.stageAtEntries &&
    ((deps & DEP_SCORES) === 0 || sim.scoreVersion === sim.stageAtScores) &&
    ((deps & DEP_CLOCK) === 0 || sim.now === sim.stageAtNow) &&
    ((deps & DEP_HISTORY) === 0 || sim.stageHistVersion === sim.stageAtHist) &&
    ((deps & DEP_FIELDS) === 0 || sim.fieldsVersion === sim.stageAtFields) &&
    ((deps & DEP_CURRENT) === 0 || sim.current === sim.stageAtCurrent)
  );
}

/** After a round that moved nowhere: remembers what its conditions read (`deps`) and the state they read. */
export function rememberStageReads(sim: Simulation, deps: number): void {
  sim.stageDeps = deps;
  sim.stageAtFields = sim.fieldsVersion;
  sim.stageAtScores = sim.scoreVersion;
  sim.stageAtHist = sim.stageHistVersion;
  sim.stageAtNow = sim.now;
  sim.stageAtCurrent = sim.current;
  sim.stageAtEntries = sim.stageEntries;
}

/** Forgets the remembered reads (the stages are being evaluated). */
export function forgetStageReads(sim: Simulation): void {
  sim.stageDeps = -1;
}
