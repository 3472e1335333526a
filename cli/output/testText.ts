/** `crmrules test` as text: each journey with its failed expectations (and explanations), the summary and the coverage lines. */
import { plain, type Colors } from "../color.js";
import { displayPath } from "../files.js";
import { belowMinimum } from "../journeys.js";
import { excerpt, location } from "./caret.js";
import { escapeControls } from "./safe.js";
import { KIND_SHORT } from "../coverage.js";
import { expectationKey, explanationLines, testSummary, coverageLine, type TestReport } from "./testReport.js";

/** One line per kind beyond `rules`: `stages: 5 of 7 entered (71.4%)`, with its minimum when it is below. */
export function kindLines(r: TestReport, c: Colors, verbose: boolean): string[] {
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
