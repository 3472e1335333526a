/** `crmrules check --format junit`: one test case per file. */
import * as path from "node:path";
import type { Severity } from "../../core/diagnostics/diagnostic.js";
import { displayPath, toPosix } from "../files.js";
import { location } from "./caret.js";
import { junit, type JUnitCase } from "./xml.js";
import { plural } from "../../core/text/words.js";
import { atLeast, type CheckReport } from "./checkReport.js";

/** One test case per file: it fails when the file has findings at or above `failLevel`. */
export function renderJUnit(report: CheckReport, failLevel: Severity): string {
  const cases: JUnitCase[] = report.files.map((uri) => {
    const base = report.reportBase ?? report.cwd;
    const rel = path.relative(base, uri);
    const file = rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? toPosix(rel) : displayPath(uri, report.cwd);
    const ds = report.diagnostics.filter((d) => d.uri === uri && atLeast(d.severity, failLevel));
    const c: JUnitCase = { name: file, classname: "crmrules.check", file };
    if (ds.length) c.line = ds[0]!.range.start.line + 1;
    if (ds.length) {
      c.failure = {
        message: `${plural(ds.length, "problem")} in ${file}`,
        type: ds.some((d) => d.severity === "error") ? "error" : "warning",
        body: ds.map((d) => `${location(file, d.range)} ${d.severity} ${d.code}: ${d.message}`).join("\n"),
      };
    }
    return c;
  });
  return junit("crmrules check", [{ name: "crmrules check", time: report.seconds, cases }]);
}
