/** Renderers for `crmrules test`: text, json, junit and github annotations. */
import { plain, type Colors } from "../color.js";
import { displayPath } from "../files.js";
import { belowMinimum, type Coverage, type JourneyRun } from "../journeys.js";
import { excerpt, location } from "./caret.js";
import { annotation } from "./github.js";
import { junit, type JUnitSuite } from "./xml.js";
import { VERSION } from "../version.js";

export interface TestReport {
  runs: JourneyRun[];
  coverage: Coverage;
  texts: Map<string, string>;
  cwd: string;
  minCoverage: number | null;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

export function testSummary(r: TestReport): string {
  const failed = r.runs.filter((x) => !x.result.passed).length;
  const expectations = r.runs.reduce((n, x) => n + x.result.expectations.length, 0);
  return `${r.runs.length - failed} passed, ${failed} failed (${plural(r.runs.length, "journey")}, ${plural(expectations, "expectation")})`;
}

export function coverageLine(c: Coverage): string {
  return `coverage: ${c.covered} of ${c.total} score rules, routing entries and consent clauses exercised (${c.percent}%)`;
}

export function renderTestText(r: TestReport, colors: Colors = plain, verbose = false): string {
  const c = colors;
  const out: string[] = [];
  for (const { journey, result } of r.runs) {
    const where = location(displayPath(journey.uri, r.cwd), journey.decl.range);
    if (result.passed) {
      out.push(`${c.green("PASS")}  ${journey.name}  ${c.dim(where)}`);
      continue;
    }
    out.push(`${c.red(c.bold("FAIL"))}  ${c.bold(journey.name)}  ${c.dim(where)}`);
    for (const x of result.expectations) {
      if (x.pass) continue;
      const file = displayPath(x.source.uri, r.cwd);
      out.push(`  ${c.red("✗")} ${x.text}  ${c.dim(`at ${x.time}`)}`);
      out.push(`      expected: ${c.green(x.expected)}`);
      out.push(`      actual:   ${c.red(x.actual)}`);
      out.push(`     ${c.blue("-->")} ${location(file, x.source.range)}`);
      const text = r.texts.get(x.source.uri);
      if (text !== undefined) out.push(...excerpt(text, x.source.range, { colors: c, tone: "red" }).map((l) => "     " + l));
    }
    const notes = result.trace.filter((e) => e.kind === "note");
    for (const n of notes) if (n.kind === "note") out.push(`  ${c.yellow("note")}: ${n.message} ${c.dim(location(displayPath(n.source.uri, r.cwd), n.source.range))}`);
  }
  out.push("");
  const failed = r.runs.some((x) => !x.result.passed);
  out.push(failed ? c.red(c.bold(testSummary(r))) : c.green(testSummary(r)));
  const cov = r.coverage;
  const below = r.minCoverage !== null && belowMinimum(cov, r.minCoverage);
  out.push(below ? c.red(`${coverageLine(cov)}, below the minimum of ${r.minCoverage}%`) : coverageLine(cov));
  const missing = cov.items.filter((i) => !i.covered);
  if (missing.length) {
    out.push("  not exercised by any journey:");
    const shown = verbose ? missing : missing.slice(0, 20);
    for (const i of shown) out.push(`    ${i.kind.padEnd(14)} ${i.name}  ${c.dim(location(displayPath(i.source.uri, r.cwd), i.source.range))}`);
    if (shown.length < missing.length) out.push(`    … and ${missing.length - shown.length} more (--verbose lists all)`);
  }
  return out.join("\n") + "\n";
}

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
          expectations: result.expectations.map((x) => ({ text: x.text, pass: x.pass, expected: x.expected, actual: x.actual, time: x.time, file: displayPath(x.source.uri, r.cwd), ...oneBased(x.source.range) })),
        })),
        coverage: {
          covered: r.coverage.covered,
          total: r.coverage.total,
          percent: r.coverage.percent,
          minimum: r.minCoverage,
          notExercised: r.coverage.items.filter((i) => !i.covered).map((i) => ({ kind: i.kind, name: i.name, file: displayPath(i.source.uri, r.cwd), ...oneBased(i.source.range) })),
        },
      },
      null,
      2,
    ) + "\n"
  );
}

export function renderTestJUnit(r: TestReport): string {
  const byFile = new Map<string, JUnitSuite>();
  for (const { journey, result } of r.runs) {
    const file = displayPath(journey.uri, r.cwd);
    let suite = byFile.get(file);
    if (!suite) byFile.set(file, (suite = { name: file, file, cases: [] }));
    const failedX = result.expectations.filter((x) => !x.pass);
    suite.cases.push({
      name: journey.name,
      classname: file.replace(/\.crmrules$/, "").replace(/\//g, "."),
      file,
      line: journey.decl.range.start.line + 1,
      failure: result.passed
        ? undefined
        : {
            message: `${plural(failedX.length, "expectation")} failed`,
            type: "expectation",
            body: failedX.map((x) => `${location(displayPath(x.source.uri, r.cwd), x.source.range)} ${x.text} (at ${x.time})\n  expected: ${x.expected}\n  actual:   ${x.actual}`).join("\n"),
          },
    });
  }
  return junit("crmrules test", [...byFile.values()]);
}

export function renderTestGithub(r: TestReport): string {
  const lines: string[] = [];
  for (const { journey, result } of r.runs) {
    for (const x of result.expectations) {
      if (x.pass) continue;
      lines.push(annotation("error", `${x.text} at ${x.time}: expected ${x.expected}, actual ${x.actual}`, { file: displayPath(x.source.uri, r.cwd), range: x.source.range, title: `journey "${journey.name}" failed` }));
    }
  }
  for (const i of r.coverage.items) {
    if (!i.covered) lines.push(annotation("notice", `no journey exercises the ${i.kind} \`${i.name}\``, { file: displayPath(i.source.uri, r.cwd), range: i.source.range, title: "not covered by a journey" }));
  }
  lines.push(testSummary(r));
  lines.push(coverageLine(r.coverage));
  return lines.join("\n") + "\n";
}
