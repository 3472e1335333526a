/** Shared helpers for checker tests: load a folder as a workspace, print diagnostics one per line. */
import { resolve } from "node:path";
import { checkWorkspace, type CheckResult } from "../../core/checker/check.js";
import type { Diagnostic } from "../../core/diagnostics/diagnostic.js";
import type { SourceFile } from "../../core/workspace.js";
import { crmSources } from "../support/files.js";

export { crmFiles } from "../support/files.js";

export function loadFolder(dir: string): SourceFile[] {
  return crmSources(resolve(dir));
}

export function checkFolder(dir: string): CheckResult {
  return checkWorkspace({ root: resolve(dir), files: loadFolder(dir) });
}

/** Checks inline sources under a virtual root `/ws`; keys are paths relative to it. */
export function checkSources(files: Record<string, string>): CheckResult {
  return checkWorkspace({ root: "/ws", files: Object.entries(files).map(([p, text]) => ({ uri: `/ws/${p}`, text })) });
}

/** `line:col-line:col CODE severity message` with 1-based lines and columns. */
export function formatDiagnostic(d: Diagnostic): string {
  const r = d.range;
  return `${r.start.line + 1}:${r.start.character + 1}-${r.end.line + 1}:${r.end.character + 1} ${d.code} ${d.severity} ${d.message}`;
}

export function codesOf(check: CheckResult): string[] {
  return check.diagnostics.map((d) => d.code);
}
