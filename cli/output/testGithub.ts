/** `crmrules test --format github`: an annotation per failed expectation, then the summary and coverage. */
import { displayPath } from "../files.js";
import { annotation } from "./github.js";
import { testSummary, coverageLine, type TestReport } from "./testReport.js";

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
