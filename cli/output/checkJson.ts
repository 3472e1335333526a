/** `crmrules check --format json`: the findings with 1-based positions, titles, related notes, fixes and examples. */
import type { Range } from "../../core/text/positions.js";
import { displayPath } from "../files.js";
import { VERSION } from "../version.js";
import { counts, describeCode, type CheckReport } from "./checkReport.js";

function oneBased(r: Range) {
  return { line: r.start.line + 1, column: r.start.character + 1, endLine: r.end.line + 1, endColumn: r.end.character + 1 };
}

export function renderJson(report: CheckReport): string {
  const c = counts(report.diagnostics);
  const json = {
    version: VERSION,
    root: displayPath(report.root, report.cwd),
    files: report.files.map((f) => displayPath(f, report.cwd)),
    summary: { files: report.files.length, errors: c.error, warnings: c.warning, notes: c.info + c.hint },
    diagnostics: report.diagnostics.map((d) => ({
      code: d.code,
      severity: d.severity,
      title: describeCode(report, d.code)?.title ?? null,
      message: d.message,
      file: displayPath(d.uri, report.cwd),
      ...oneBased(d.range),
      related: (d.related ?? []).map((r) => ({ message: r.message, file: displayPath(r.uri, report.cwd), ...oneBased(r.range) })),
      fixes: (d.fixes ?? []).map((f) => ({
        title: f.title,
        preferred: f.preferred ?? false,
        edits: f.edits.map((e) => ({ file: displayPath(e.uri, report.cwd), ...oneBased(e.range), newText: e.newText })),
      })),
      example: d.example ?? null,
    })),
  };
  return JSON.stringify(json, null, 2) + "\n";
}
