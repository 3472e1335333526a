/** Shared helpers for checker tests: load a folder as a workspace, print diagnostics one per line. */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { checkWorkspace, type CheckResult } from "../../core/checker/check.js";
import type { Diagnostic } from "../../core/diagnostics/diagnostic.js";
import type { SourceFile } from "../../core/workspace.js";

export function crmFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...crmFiles(p));
    else if (p.endsWith(".crmrules")) out.push(p);
  }
  return out;
}

export function loadFolder(dir: string): SourceFile[] {
  return crmFiles(dir).map((p) => ({ uri: resolve(p), text: readFileSync(p, "utf8") }));
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
