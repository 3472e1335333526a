/** Renderers for `crmrules test`: text, json, junit and github annotations. */
import * as path from "node:path";
import type { Diagnostic } from "../../core/diagnostics/diagnostic.js";
import { plain, type Colors } from "../color.js";
import { displayPath, toPosix } from "../files.js";
import { belowMinimum, type Coverage, type JourneyRun } from "../journeys.js";
import { excerpt, location } from "./caret.js";
import { escapeControls } from "./safe.js";
import { annotation } from "./github.js";
import { junit, type JUnitSuite } from "./xml.js";
import { VERSION } from "../version.js";
import { renderEntry, type SourceRef } from "../../core/engine/index.js";
import type { ExpectationExplanation } from "../../core/engine/explain.js";
import { renderWhyNot } from "../whyNot.js";
import { KIND_SHORT, type CoverageKindName, type FileExpectations, type KindCoverage } from "../coverage.js";
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

/** One line per kind beyond `rules`: `stages: 5 of 7 entered (71.4%)`, with its minimum when it is below. */
function kindLines(r: TestReport, c: Colors, verbose: boolean): string[] {
  const out: string[] = [];
  for (const k of r.more?.kinds ?? []) {
    if (k.kind === "rules") continue;
    const min = r.minimums?.get(k.kind);
    const below = min !== undefined && belowMinimum(k, min);
    const line = `${k.kind}: ${k.covered} of ${k.total} ${KIND_SHORT[k.kind]} (${k.percent}%)${below ? `, below the minimum of ${min}%` : ""}`;
    out.push(below ? c.red(line) : line);
    if (verbose) for (const i of k.items.filter((x) => x.hits === 0)) out.push(`    not ${KIND_SHORT[k.kind]}: ${escapeControls(i.name)}  ${c.dim(location(displayPath(i.source.uri, r.cwd), i.source.range))}`);
  }
  const files = r.more?.files ?? [];
  const total = files.reduce((n, f) => n + f.total, 0);
  const failing = files.filter((f) => f.passed < f.total);
  if (files.length) {
    out.push(`expectations: ${total - failing.reduce((n, f) => n + f.total - f.passed, 0)} of ${total} passed in ${files.length} file${files.length === 1 ? "" : "s"}`);
    for (const f of verbose ? files : failing) out.push(`  ${displayPath(f.uri, r.cwd)}: ${f.passed} of ${f.total} passed`);
  }
  return out;
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

/** With `quiet`: only failed journeys, the summary and the coverage line. */
export function renderTestText(r: TestReport, colors: Colors = plain, verbose = false, quiet = false): string {
  const c = colors;
  const out: string[] = [];
  for (const { journey, result } of r.runs) {
    const where = location(displayPath(journey.uri, r.cwd), journey.decl.range);
    if (result.passed) {
      if (!quiet) out.push(`${c.green("PASS")}  ${escapeControls(journey.name)}  ${c.dim(where)}`);
      continue;
    }
    out.push(`${c.red(c.bold("FAIL"))}  ${c.bold(escapeControls(journey.name))}  ${c.dim(where)}`);
    for (const x of result.expectations) {
      if (x.pass) continue;
      const file = displayPath(x.source.uri, r.cwd);
      out.push(`  ${c.red("✗")} ${escapeControls(x.text)}  ${c.dim(`at ${x.time}`)}`);
      out.push(`      expected: ${c.green(escapeControls(x.expected))}`);
      out.push(`      actual:   ${c.red(escapeControls(x.actual))}`);
      out.push(`     ${c.blue("-->")} ${location(file, x.source.range)}`);
      const text = r.texts.get(x.source.uri);
      if (text !== undefined) out.push(...excerpt(text, x.source.range, { colors: c, tone: "red" }).map((l) => "     " + l));
      const ex = r.explanations?.get(expectationKey(x));
      if (ex) out.push(...explanationLines(ex, r.cwd, c).map((l) => "      " + l));
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
  if (missing.length && !quiet) {
    out.push("  not exercised by any journey:");
    const shown = verbose ? missing : missing.slice(0, 20);
    for (const i of shown) out.push(`    ${i.kind.padEnd(14)} ${i.name}  ${c.dim(location(displayPath(i.source.uri, r.cwd), i.source.range))}`);
    if (shown.length < missing.length) out.push(`    … and ${missing.length - shown.length} more (--verbose lists all)`);
  }
  if (!quiet || r.more?.kinds.some((k) => r.minimums?.has(k.kind))) out.push(...kindLines(r, c, verbose));
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
