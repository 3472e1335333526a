/**
 * Characters a reviewer cannot see, found in text values and comments (outside them the lexer
 * already rejects them as CR1001):
 *
 * - CR1024 (error): bidirectional embedding, override and isolate controls (U+202A–U+202E,
 *   U+2066–U+2069). They reorder how a line is displayed, so the code a reviewer reads is not
 *   the code that runs (the "Trojan Source" attack, CVE-2021-42574).
 * - CR1025 (warning): invisible direction marks (U+200E, U+200F, U+061C). They only change the
 *   direction of neighbouring punctuation and can be meant in right-to-left text.
 * - CR1026 (error): control characters (C0 other than tab and line breaks, DEL, C1), such as
 *   ESC, which starts terminal escape sequences when the text is printed.
 *
 * Each run of such characters is one diagnostic at its place, with a fix that removes it.
 */
import type { IToken } from "chevrotain";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { makeDiagnostic } from "../diagnostics/catalogue.js";
import type { LineIndex } from "../text/positions.js";
import { inflect } from "../text/words.js";

const FIND = /[\u202a-\u202e\u2066-\u2069]+|[\u200e\u200f\u061c]+|[\u0000-\u0008\u000e-\u001f\u007f-\u009f]+/g;

const NAMES: Record<number, string> = {
  0x202a: "LEFT-TO-RIGHT EMBEDDING",
  0x202b: "RIGHT-TO-LEFT EMBEDDING",
  0x202c: "POP DIRECTIONAL FORMATTING",
  0x202d: "LEFT-TO-RIGHT OVERRIDE",
  0x202e: "RIGHT-TO-LEFT OVERRIDE",
  0x2066: "LEFT-TO-RIGHT ISOLATE",
  0x2067: "RIGHT-TO-LEFT ISOLATE",
  0x2068: "FIRST STRONG ISOLATE",
  0x2069: "POP DIRECTIONAL ISOLATE",
  0x200e: "LEFT-TO-RIGHT MARK",
  0x200f: "RIGHT-TO-LEFT MARK",
  0x061c: "ARABIC LETTER MARK",
  0x0000: "NULL",
  0x0007: "BELL",
  0x0008: "BACKSPACE",
  0x001b: "ESCAPE",
  0x007f: "DELETE",
  0x009b: "CONTROL SEQUENCE INTRODUCER",
};

/** `U+202E (RIGHT-TO-LEFT OVERRIDE)`: how a message names an invisible character. */
export function describeCharacter(ch: string): string {
  const cp = ch.codePointAt(0)!;
  const hex = cp.toString(16).toUpperCase().padStart(4, "0");
  const name = NAMES[cp];
  return name ? `U+${hex} (${name})` : `U+${hex}`;
}

function codeOf(cp: number): "CR1024" | "CR1025" | "CR1026" {
  if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069)) return "CR1024";
  if (cp === 0x200e || cp === 0x200f || cp === 0x061c) return "CR1025";
  return "CR1026";
}

/** The diagnostics for invisible characters inside `strings` and `comments` (tokens of `text`). */
export function characterDiagnostics(text: string, uri: string, lines: LineIndex, strings: readonly IToken[], comments: readonly IToken[]): Diagnostic[] {
  FIND.lastIndex = 0;
  if (!FIND.test(text)) return [];
  // Where text values and comments are: [start, end) offsets, sorted.
  const spans: { start: number; end: number; what: string }[] = [];
  for (const t of strings) spans.push({ start: t.startOffset, end: t.startOffset + t.image.length, what: "a text value" });
  for (const t of comments) spans.push({ start: t.startOffset, end: t.startOffset + t.image.length, what: "a comment" });
  spans.sort((a, b) => a.start - b.start);
  const within = (offset: number) => {
    let lo = 0;
    let hi = spans.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = spans[mid]!;
      if (offset < s.start) hi = mid - 1;
      else if (offset >= s.end) lo = mid + 1;
      else return s;
    }
    return undefined;
  };
  const out: Diagnostic[] = [];
  FIND.lastIndex = 0;
  for (let m = FIND.exec(text); m; m = FIND.exec(text)) {
    const span = within(m.index);
    if (!span) continue; // outside text values and comments: the lexer's CR1001
    const end = Math.min(m.index + m[0].length, span.end);
    const code = codeOf(m[0].charCodeAt(0));
    const range = lines.range(m.index, end);
    const which = [...new Set(m[0].slice(0, end - m.index))].map(describeCharacter).join(", ");
    const n = end - m.index;
    const what = n === 1 ? "" : ` (${n} characters)`;
    const message =
      code === "CR1024"
        ? `invisible bidirectional control ${which}${what} in ${span.what}: it changes the order in which the line is displayed, so what a reviewer reads is not what the file says; remove it`
        : code === "CR1025"
          ? `invisible direction mark ${which}${what} in ${span.what}: it changes how the characters around it are displayed; remove it unless the right-to-left text needs it`
          : `control character ${which}${what} in ${span.what}: printed, it can act on a terminal (escape sequences); remove it`;
    out.push(makeDiagnostic(code, uri, range, message, { fixes: [{ title: `remove the invisible ${inflect(n, "character")}`, edits: [{ uri, range, newText: "" }], preferred: true }] }));
  }
  return out;
}
