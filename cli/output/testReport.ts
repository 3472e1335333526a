/** What every renderer of `crmrules test` takes (`TestReport`) and the lines they share: the summary, the coverage line, an expectation's explanation. One file per format: testText.ts, testJson.ts, testJUnit.ts, testGithub.ts, testSarif.ts, testMarkdown.ts. */
import type { Diagnostic } from "../../core/diagnostics/diagnostic.js";
import { plain, type Colors } from "../color.js";
import { displayPath } from "../files.js";
import { type Coverage, type JourneyRun } from "../journeys.js";
import { location } from "./caret.js";
import { escapeControls } from "./safe.js";
import { renderEntry, type SourceRef } from "../../core/engine/index.js";
import type { ExpectationExplanation } from "../../core/engine/explain.js";
import { renderWhyNot } from "../whyNot.js";
import { type CoverageKindName, type FileExpectations, type KindCoverage } from "../coverage.js";
import { plural } from "../../core/text/words.js";

export interface TestReport {
  runs: JourneyRun[];
  coverage: Coverage;
  texts: Map<string, string>;
  cwd: string;
  minCoverage: number | null;
  /** The workspace root. */
  root?: string;
  /** The folder JUnit paths are relative to: the repository root (default `cwd`). */
  reportBase?: string;
  /** Errors in the rules: they fail the run, so JUnit reports them as errored cases. */
  ruleErrors?: Diagnostic[];
  /** With `--explain`: each failed expectation's explanation, by `expectationKey`. */
  explanations?: Map<string, ExpectationExplanation>;
  /** Coverage of every kind (stages, workflows, steps, actions…) and the expectations per file. */
  more?: { kinds: KindCoverage[]; files: FileExpectations[] };
  /** `--min-coverage` per kind. */
  minimums?: Map<CoverageKindName, number>;
}

/** The key of an expectation in `TestReport.explanations`: its file and place. */
export function expectationKey(x: { source: SourceRef }): string {
  return `${x.source.uri}:${x.source.range.start.offset}`;
}

/** An explanation as text lines (no colours): the entries that decided, then why not. */
export function explanationLines(ex: ExpectationExplanation, cwd: string, c: Colors = plain): string[] {
  const out: string[] = [];
  if (ex.entries.length) {
    out.push("decided by:");
    for (const e of ex.entries) out.push(`  ${e.time}: ${escapeControls(renderEntry(e))}  ${c.dim(location(displayPath(e.source.uri, cwd), e.source.range))}`);
  } else out.push(`decided by: nothing in the trace before it (${ex.kinds})`);
  if (ex.whyNot && !ex.whyNot.happened) {
    const lines = renderWhyNot("", ex.whyNot, cwd, c).trimEnd().split("\n").slice(1);
    out.push(`why not ${ex.whyNot.question}: ${lines[0] ?? ""}`, ...lines.slice(1));
  }
  return out;
}


export function testSummary(r: TestReport): string {
  const failed = r.runs.filter((x) => !x.result.passed).length;
  const expectations = r.runs.reduce((n, x) => n + x.result.expectations.length, 0);
  return `${r.runs.length - failed} passed, ${failed} failed (${plural(r.runs.length, "journey")}, ${plural(expectations, "expectation")})`;
}

export function coverageLine(c: Coverage): string {
  return `coverage: ${c.covered} of ${c.total} score rules, routing entries and consent clauses exercised (${c.percent}%)`;
}
