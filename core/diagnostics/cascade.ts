/**
 * Cascades of errors after a syntax error, limited per file. The parser recovers from a
 * syntax error and carries on, so one slip can produce thousands of follow-on reports (a
 * 12 KB line of `NO, NO, …` after a missing `:` gave 8,999 errors). What a file reports:
 *
 * - its first `MAX_SYNTAX_ERRORS` syntax errors, then one `CR1023` at the first one left out
 *   saying how many more there are;
 * - no other finding that starts after a syntax error on the same line: what follows a
 *   recovered error on its line is parsed from a guess, so findings there are mostly echoes
 *   of the syntax error (they come back, if real, once it is fixed). Findings before the
 *   syntax error on its line, and on every other line, are kept;
 * - while a file has syntax errors, at most `MAX_OTHER_WITH_SYNTAX_ERRORS` other findings
 *   (a recovery that goes wrong spreads over the following lines too); the same `CR1023`
 *   counts those left out. A file without syntax errors reports everything.
 *
 * Diagnostics that are not about recovered text (bidirectional controls, unused names on other
 * lines…) are never dropped. The result is a function of the file's diagnostics alone.
 */
import { compareDiagnostics, type Diagnostic } from "./diagnostic.js";
import { makeDiagnostic } from "./catalogue.js";
import { inflect, plural } from "../text/words.js";

/** Syntax errors shown per file before the rest are counted in one `CR1023`. */
export const MAX_SYNTAX_ERRORS = 20;

/** The codes the parser's recovery produces (a token inserted, dropped or skipped to re-sync). */
const RECOVERY = new Set(["CR1000", "CR1001", "CR1002", "CR1003", "CR1004", "CR1005", "CR1006"]);

export function isRecoveryError(d: Diagnostic): boolean {
  return RECOVERY.has(d.code);
}

/**
 * `diagnostics` (of one file, sorted by position) with the cascade after syntax errors left
 * out, as described above; sorted still. Returns the same array when nothing is left out.
 */
export function limitCascade(diagnostics: Diagnostic[]): Diagnostic[] {
  // The first syntax error's offset on each line that has one.
  let firstOnLine: Map<number, number> | undefined;
  for (const d of diagnostics) {
    if (!isRecoveryError(d)) continue;
    firstOnLine ??= new Map();
    const l = d.range.start.line;
    const o = firstOnLine.get(l);
    if (o === undefined || d.range.start.offset < o) firstOnLine.set(l, d.range.start.offset);
  }
  if (!firstOnLine) return diagnostics;
  const out: Diagnostic[] = [];
  let syntaxShown = 0;
  let otherShown = 0;
  let syntaxHidden = 0;
  let otherHidden = 0;
  let firstHidden: Diagnostic | undefined;
  for (const d of diagnostics) {
    if (NEVER_DROPPED.has(d.code)) {
      out.push(d);
      continue;
    }
    if (isRecoveryError(d)) {
      if (syntaxShown < MAX_SYNTAX_ERRORS) {
        syntaxShown++;
        out.push(d);
        continue;
      }
      syntaxHidden++;
      firstHidden ??= d;
      continue;
    }
    const first = firstOnLine.get(d.range.start.line);
    if (first !== undefined && d.range.start.offset >= first) continue; // an echo of the syntax error
    if (otherShown < MAX_OTHER_WITH_SYNTAX_ERRORS) {
      otherShown++;
      out.push(d);
      continue;
    }
    otherHidden++;
    firstHidden ??= d;
  }
  if (firstHidden) {
    const parts: string[] = [];
    if (syntaxHidden) parts.push(`${plural(syntaxHidden, "more syntax error")}`);
    if (otherHidden) parts.push(`${plural(otherHidden, "more finding")}`);
    const shown = [`the first ${MAX_SYNTAX_ERRORS} syntax errors`];
    if (otherHidden) shown.push(`${MAX_OTHER_WITH_SYNTAX_ERRORS} other findings`);
    const n = syntaxHidden + otherHidden;
    const summary = makeDiagnostic(
      "CR1023",
      firstHidden.uri,
      firstHidden.range,
      `${parts.join(" and ")} in this file ${inflect(n, "is", "are")} not shown (${shown.join(" and ")} are); fix the syntax errors first, since later findings are often caused by them`,
    );
    const at = out.findIndex((d) => compareDiagnostics(d, summary) > 0);
    out.splice(at < 0 ? out.length : at, 0, summary);
  }
  return out.length === diagnostics.length && !firstHidden ? diagnostics : out;
}

/** Other findings a file with syntax errors shows before the rest are counted in the `CR1023`. */
export const MAX_OTHER_WITH_SYNTAX_ERRORS = 100;

/** Findings about the characters of the text itself, true whatever the parser guessed. */
const NEVER_DROPPED = new Set(["CR1024", "CR1025", "CR1026"]);
