/**
 * `crmrules test --format markdown`: a pull-request comment or job summary — the counts first,
 * then each failed journey with its failed expectations (linked to their lines; with
 * `--explain`, what decided them in a collapsed block), then coverage.
 */
import { displayPath } from "../files.js";
import { belowMinimum } from "../journeys.js";
import { md } from "./diff.js";
import { kindLines } from "./testText.js";
import { plain } from "../color.js";
import { coverageLine, expectationKey, explanationLines, testSummary, type TestReport } from "./testReport.js";

export function renderTestMarkdown(r: TestReport, linkBase?: string): string {
  const base = linkBase === undefined ? "" : linkBase.replace(/\/+$/, "") + "/";
  const link = (uri: string, line: number) => `[${md(displayPath(uri, r.cwd))}:${line}](${encodeURI(base + displayPath(uri, r.cwd))}#L${line})`;
  const failed = r.runs.filter((x) => !x.result.passed);
  const out: string[] = [`## ${failed.length ? "❌" : "✅"} crmrules test: ${md(testSummary(r))}`, ""];
  if (failed.length) {
    out.push("| journey | failed expectations | where |", "|---|---|---|");
    for (const { journey, result } of failed) out.push(`| ${md(journey.name)} | ${result.expectations.filter((x) => !x.pass).length} of ${result.expectations.length} | ${link(journey.uri, journey.decl.range.start.line + 1)} |`);
    out.push("");
    for (const { journey, result } of failed) {
      out.push(`### ${md(journey.name)}`, "");
      for (const x of result.expectations) {
        if (x.pass) continue;
        out.push(`- \`${md(x.text).replace(/`/g, "'")}\` at ${md(x.time)} (${link(x.source.uri, x.source.range.start.line + 1)}): expected **${md(x.expected)}**, actual **${md(x.actual)}**`);
        const ex = r.explanations?.get(expectationKey(x));
        if (ex) out.push("  <details><summary>what decided it</summary>", "", "  ```text", ...explanationLines(ex, r.cwd).map((l) => "  " + l.replace(/```/g, "'''")), "  ```", "  </details>");
      }
      out.push("");
    }
  }
  const cov = r.coverage;
  const below = r.minCoverage !== null && belowMinimum(cov, r.minCoverage);
  out.push(`${below ? "❌ " : ""}${md(coverageLine(cov))}${below ? `, below the minimum of ${r.minCoverage}%` : ""}`);
  // The other kinds (stages, workflows, steps, actions, blocked) and the expectations per file.
  const kinds = kindLines(r, plain, false);
  if (kinds.length) out.push("", ...kinds.map((l) => `- ${l.includes("below the minimum") ? "❌ " : ""}${md(l.trim())}`));
  const missing = cov.items.filter((i) => !i.covered);
  if (missing.length) {
    out.push("", `<details><summary>not exercised by any journey (${missing.length})</summary>`, "");
    for (const i of missing) out.push(`- ${i.kind} \`${md(i.name)}\` ${link(i.source.uri, i.source.range.start.line + 1)}`);
    out.push("", "</details>");
  }
  return out.join("\n") + "\n";
}
