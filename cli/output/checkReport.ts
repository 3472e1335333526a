/** What every renderer of `crmrules check` takes (`CheckReport`) and the counts they share. One file per format: checkText.ts, checkJson.ts, checkSarif.ts, checkGithub.ts, checkJUnit.ts. */
import type { AnyDiagnostic as Diagnostic, Severity } from "../../core/diagnostics/diagnostic.js";
import { catalogueEntry } from "../../core/diagnostics/catalogue.js";
import { diagnosticHelpUri } from "../version.js";
import type { InputProblem } from "../files.js";
import { plural } from "../../core/text/words.js";

export interface CheckReport {
  root: string;
  /** Uris of the files checked, sorted. */
  files: string[];
  /** File texts by uri (for excerpts). */
  texts: Map<string, string>;
  diagnostics: Diagnostic[];
  cwd: string;
  /** Inputs that could not be read (SARIF records them as tool execution notifications). */
  problems?: InputProblem[];
  /** How long the check took, in seconds (JUnit reports it). */
  seconds?: number;
  /** The folder SARIF uris (`%SRCROOT%`) and JUnit paths are relative to: the repository root; default `root` (SARIF), `cwd` (JUnit). */
  reportBase?: string;
  /** What a code is (title, help, its documentation's address): default the diagnostics catalogue; `crmrules lint` gives its own rules. */
  describe?: (code: string) => CodeInfo | undefined;
}

export interface CodeInfo {
  severity: Severity;
  title: string;
  help: string;
  helpUri: string;
}

/** What `report` says a code is: its own `describe`, else the diagnostics catalogue. */
export function describeCode(report: CheckReport, code: string): CodeInfo | undefined {
  if (report.describe) return report.describe(code);
  const e = catalogueEntry(code);
  return e && { severity: e.severity, title: e.title, help: e.help, helpUri: diagnosticHelpUri(code, e.title) };
}

const ORDER: Severity[] = ["hint", "info", "warning", "error"];
export function atLeast(s: Severity, level: Severity): boolean {
  return ORDER.indexOf(s) >= ORDER.indexOf(level);
}

export function counts(diags: Diagnostic[]): Record<Severity, number> {
  const c: Record<Severity, number> = { error: 0, warning: 0, info: 0, hint: 0 };
  for (const d of diags) c[d.severity]++;
  return c;
}


export function summaryLine(report: CheckReport): string {
  const c = counts(report.diagnostics);
  const parts: string[] = [];
  if (c.error) parts.push(plural(c.error, "error"));
  if (c.warning) parts.push(plural(c.warning, "warning"));
  if (c.info + c.hint) parts.push(plural(c.info + c.hint, "note"));
  const files = plural(report.files.length, "file");
  return parts.length ? `${parts.join(", ")} in ${files}` : `no problems in ${files}`;
}
