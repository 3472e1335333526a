/** Reporting input problems on stderr, and the exit code they imply. */
import { colorsFor } from "./color.js";
import { displayPath, type InputProblem } from "./files.js";
import type { Diagnostic } from "../core/diagnostics/diagnostic.js";
import { ExitCode } from "./exit.js";

/** Internal errors (CR9001) met while simulating, one line per file on stderr (the other files ran as usual). */
export function reportInternalErrors(list: readonly Diagnostic[], cwd: string): void {
  reportProblems(list.map((d) => ({ input: displayPath(d.uri, cwd), message: `${d.code} ${d.message}` })));
}

export function reportProblems(problems: InputProblem[]): void {
  const c = colorsFor(process.stderr);
  for (const p of problems) process.stderr.write(`${c.red("crmrules:")} ${c.bold(p.input)} ${p.message}\n`);
}

/** The worse of two exit codes (usage problems outrank findings). */
export function worst(...codes: ExitCode[]): ExitCode {
  return Math.max(ExitCode.Success, ...codes) as ExitCode;
}

export function write(text: string): void {
  process.stdout.write(text);
}
