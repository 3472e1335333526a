/** `crmrules check --format github`: one workflow command (annotation) per finding, then the summary. */
import { catalogueEntry } from "../../core/diagnostics/catalogue.js";
import { displayPath } from "../files.js";
import { annotation } from "./github.js";
import { summaryLine, type CheckReport } from "./checkReport.js";

export function renderGithub(report: CheckReport): string {
  const lines = report.diagnostics.map((d) =>
    annotation(d.severity === "error" ? "error" : d.severity === "warning" ? "warning" : "notice", d.message, {
      file: displayPath(d.uri, report.cwd),
      range: d.range,
      title: `${d.code} ${catalogueEntry(d.code)?.title ?? ""}`.trim(),
    }),
  );
  lines.push(summaryLine(report));
  return lines.join("\n") + "\n";
}
