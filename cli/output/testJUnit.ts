/** `crmrules test --format junit`: one test case per journey, rule errors and coverage as cases of their own (Jenkins JUnit schema). */
import * as path from "node:path";
import type { Diagnostic } from "../../core/diagnostics/diagnostic.js";
import { toPosix } from "../files.js";
import { belowMinimum } from "../journeys.js";
import { location } from "./caret.js";
import { junit, type JUnitSuite } from "./xml.js";
import { plural } from "../../core/text/words.js";
import { expectationKey, explanationLines, type TestReport } from "./testReport.js";

/** A path for JUnit: relative to the repository root when inside it, else relative to the workspace root's parent (never absolute). */
function junitPath(uri: string, r: TestReport): string {
  const base = r.reportBase ?? r.cwd;
  const rel = path.relative(base, uri);
  if (rel && !rel.startsWith("..") && !path.isAbsolute(rel)) return toPosix(rel);
  return toPosix(path.relative(path.dirname(r.root ?? path.dirname(uri)), uri));
}

const classname = (file: string) => file.replace(/\.crmrules$/, "").replace(/\//g, ".");

/**
 * One test suite per journey file and one case per journey, timed. A failed
 * journey's `file`/`line` are those of its first failed `expect`. Errors in the
 * rules are errored cases of a `crmrules check` suite (one per file), and with
 * `--min-coverage` the coverage floor is a case of its own: whatever makes
 * `test` exit with 1 shows in the report's counts.
 */
export function renderTestJUnit(r: TestReport): string {
  const byFile = new Map<string, JUnitSuite>();
  for (const { journey, result, seconds } of r.runs) {
    const file = junitPath(journey.uri, r);
    let suite = byFile.get(file);
    if (!suite) byFile.set(file, (suite = { name: file, file, cases: [] }));
    const failedX = result.expectations.filter((x) => !x.pass);
    const first = failedX[0];
    suite.cases.push({
      name: journey.name,
      classname: classname(file),
      time: seconds,
      file: first ? junitPath(first.source.uri, r) : file,
      line: (first ? first.source.range : journey.decl.range).start.line + 1,
      failure: result.passed
        ? undefined
        : {
            message: first ? `${plural(failedX.length, "expectation")} failed; first: ${first.text}: expected ${first.expected}, actual ${first.actual}` : "the journey failed",
            type: "expectation",
            body: failedX
              .map((x) => {
                const ex = r.explanations?.get(expectationKey(x));
                const more = ex ? "\n" + explanationLines(ex, r.reportBase ?? r.cwd).map((l) => "  " + l).join("\n") : "";
                return `${location(junitPath(x.source.uri, r), x.source.range)} ${x.text} (at ${x.time})\n  expected: ${x.expected}\n  actual:   ${x.actual}${more}`;
              })
              .join("\n"),
          },
    });
  }
  const suites = [...byFile.values()];
  const errors = r.ruleErrors ?? [];
  if (errors.length) {
    const byUri = new Map<string, Diagnostic[]>();
    for (const d of errors) byUri.set(d.uri, [...(byUri.get(d.uri) ?? []), d]);
    suites.push({
      name: "crmrules check",
      cases: [...byUri].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([uri, ds]) => {
        const file = junitPath(uri, r);
        return {
          name: `${file} has no errors`,
          classname: "crmrules.check",
          file,
          line: ds[0]!.range.start.line + 1,
          error: {
            message: `${plural(ds.length, "error")} in the rules; incomplete declarations were left out of the journeys`,
            type: "rules",
            body: ds.map((d) => `${location(file, d.range)} ${d.code}: ${d.message}`).join("\n"),
          },
        };
      }),
    });
  }
  if (r.minCoverage !== null) {
    const c = r.coverage;
    suites.push({
      name: "crmrules coverage",
      cases: [
        {
          name: `coverage is at least ${r.minCoverage}%`,
          classname: "crmrules.coverage",
          failure: belowMinimum(c, r.minCoverage)
            ? {
                message: `${c.percent}% of score rules, routing entries and consent clauses exercised, below the minimum of ${r.minCoverage}%`,
                type: "coverage",
                body: c.items
                  .filter((i) => !i.covered)
                  .map((i) => `${location(junitPath(i.source.uri, r), i.source.range)} ${i.kind} ${i.name} is not exercised by any journey`)
                  .join("\n"),
              }
            : undefined,
        },
      ],
    });
  }
  return junit("crmrules test", suites);
}
