/** `crmrules test --format json`: journeys, expectations with 1-based positions, coverage and rule errors. */
import { displayPath } from "../files.js";
import { VERSION } from "../version.js";
import { expectationKey, type TestReport } from "./testReport.js";

const oneBased = (range: { start: { line: number; character: number } }) => ({ line: range.start.line + 1, column: range.start.character + 1 });

export function renderTestJson(r: TestReport): string {
  const failed = r.runs.filter((x) => !x.result.passed).length;
  return (
    JSON.stringify(
      {
        version: VERSION,
        summary: { journeys: r.runs.length, passed: r.runs.length - failed, failed, expectations: r.runs.reduce((n, x) => n + x.result.expectations.length, 0) },
        journeys: r.runs.map(({ journey, result }) => ({
          name: journey.name,
          file: displayPath(journey.uri, r.cwd),
          ...oneBased(journey.decl.range),
          passed: result.passed,
          seed: result.seed,
          expectations: result.expectations.map((x) => {
            const ex = r.explanations?.get(expectationKey(x));
            return { text: x.text, pass: x.pass, expected: x.expected, actual: x.actual, time: x.time, file: displayPath(x.source.uri, r.cwd), ...oneBased(x.source.range), ...(ex ? { explanation: { entries: ex.entries, whyNot: ex.whyNot } } : {}) };
          }),
        })),
        coverage: {
          covered: r.coverage.covered,
          total: r.coverage.total,
          percent: r.coverage.percent,
          minimum: r.minCoverage,
          notExercised: r.coverage.items.filter((i) => !i.covered).map((i) => ({ kind: i.kind, name: i.name, file: displayPath(i.source.uri, r.cwd), ...oneBased(i.source.range) })),
          kinds: (r.more?.kinds ?? []).map((k) => ({ kind: k.kind, covered: k.covered, total: k.total, percent: k.percent, minimum: r.minimums?.get(k.kind) ?? null, notExercised: k.items.filter((i) => i.hits === 0).map((i) => ({ name: i.name, file: displayPath(i.source.uri, r.cwd), ...oneBased(i.source.range) })) })),
          expectationsPerFile: (r.more?.files ?? []).map((f) => ({ file: displayPath(f.uri, r.cwd), passed: f.passed, total: f.total })),
        },
      },
      null,
      2,
    ) + "\n"
  );
}
