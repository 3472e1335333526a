/**
 * A benchmark section: one heading of BENCHMARKS.md, its introduction and the
 * run that measures its figures. Every section is registered once, in
 * bench/src/sections/index.ts; bench/src/main.ts runs them in that order.
 */
import type { Optional } from "./optional.js";
import type { BenchResult, Skipped } from "./report.js";

export interface BenchContext {
  /** The repository root (CRMRULES_REPO). */
  repo: string;
  /** bench/.out/main.cjs: this benchmark's bundle, to start a fresh child of it (`--child <id> …`). */
  mainJs: string;
  /** `--quick`: small inputs and one or two runs, a smoke test whose figures are never written. */
  quick: boolean;
  /** The optional parts of the project that were found (built server, engine bundle). */
  opt: Optional;
}

export interface SectionResult {
  results: BenchResult[];
  /** Figures that could not be measured, with the reason (never faked). */
  skipped: Skipped[];
}

export interface Section {
  /** The name given to `--only` (lower case, no spaces), e.g. `sim`. */
  id: string;
  /** The heading in BENCHMARKS.md; every result of the section carries it as `group`. */
  group: string;
  /** The paragraph under the heading: what is measured, on which input, how. */
  intro: string;
  /** Whether `npm run bench` without `--only` runs it (default true). */
  byDefault?: boolean;
  run(ctx: BenchContext): Promise<SectionResult>;
  /**
   * Work done in a fresh process (`node bench/.out/main.cjs --child <id> …args`), e.g. to
   * measure peak memory without the parent's heap; it prints its answer on stdout.
   */
  child?(args: string[], ctx: Pick<BenchContext, "repo" | "mainJs">): Promise<void>;
}
