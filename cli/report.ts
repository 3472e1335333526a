/** Reporting input problems on stderr, and the exit code they imply. */
import { colorsFor } from "./color.js";
import { displayPath, type InputProblem } from "./files.js";
import type { Diagnostic } from "../core/diagnostics/diagnostic.js";
import { ExitCode } from "./exit.js";
import { escapeControls, jsonSafe, sanitize } from "./output/safe.js";

/** Internal errors (CR9001) met while simulating, one line per file on stderr (the other files ran as usual). */
export function reportInternalErrors(list: readonly Diagnostic[], cwd: string): void {
  reportProblems(list.map((d) => ({ input: displayPath(d.uri, cwd), message: `${d.code} ${d.message}` })));
}

export function reportProblems(problems: InputProblem[]): void {
  const c = colorsFor(process.stderr);
  for (const p of problems) process.stderr.write(`${c.red("crmrules:")} ${c.bold(escapeControls(p.input))} ${sanitize(p.message)}\n`);
}

/** A message for people on standard error, with control and bidirectional characters escaped (colour kept). */
export function say(text: string): void {
  process.stderr.write(sanitize(text, colorsFor(process.stderr).isColorSupported));
}

/** The worse of two exit codes (usage problems outrank findings). */
export function worst(...codes: ExitCode[]): ExitCode {
  return Math.max(ExitCode.Success, ...codes) as ExitCode;
}

/** Bytes exactly as given: formatted source (`fmt --stdin`) and machine formats already escaped by their writers. */
export function write(text: string): void {
  process.stdout.write(text);
}

/**
 * Text for people (text, GitHub annotations, markdown) on standard output: control characters,
 * escape sequences and bidirectional controls from the rules or the data are shown as `\u{XXXX}`,
 * never sent raw to a terminal or a review page; the colours the renderers chose are kept.
 */
export function writeText(text: string): void {
  process.stdout.write(sanitize(text, colorsFor(process.stdout).isColorSupported));
}

/** JSON (and SARIF): JSON.stringify escapes control characters; bidirectional and invisible characters become `\uXXXX` too. */
export function writeJson(text: string): void {
  process.stdout.write(jsonSafe(text));
}
