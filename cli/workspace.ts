/**
 * Turning files into checked diagnostics. This is the one place the CLI meets
 * the checker, so `check`, `test`, `simulate` and `diff` agree on what a
 * workspace says.
 */
import { compareDiagnostics, type Diagnostic } from "../core/diagnostics/diagnostic.js";
import { parse } from "../core/syntax/parse.js";
import type { SourceFile } from "../core/workspace.js";

export interface CheckedFiles {
  root: string;
  files: SourceFile[];
  diagnostics: Diagnostic[];
}

export function checkFiles(root: string, files: SourceFile[]): CheckedFiles {
  const diagnostics: Diagnostic[] = [];
  for (const f of files) diagnostics.push(...parse(f.text, f.uri).diagnostics);
  diagnostics.sort(compareDiagnostics);
  return { root, files, diagnostics };
}
