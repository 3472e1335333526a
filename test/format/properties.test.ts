// Formatter properties (fast-check): idempotence, token and comment sequence
// preserved, no text lost outside whitespace even on broken input.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { format, formatEdits, formatRange, type FormatEdit } from "../../core/format/format.js";
import { parse } from "../../core/syntax/parse.js";
import { crmLexer, KEYWORDS } from "../../core/syntax/tokens.js";
import { LineIndex } from "../../core/text/positions.js";
import { corpus } from "../parser/corpus.js";

/** Token and comment images, in order. */
function images(text: string): string[] {
  const lexed = crmLexer.tokenize(text);
  const all = [...lexed.tokens, ...((lexed.groups["comments"] ?? []) as typeof lexed.tokens)];
  return all.sort((a, b) => a.startOffset - b.startOffset).map((t) => t.image);
}

/** The text without the characters the lexer treats as whitespace. */
function nonSpace(text: string): string {
  return text.replace(/[ \t\r\n\f\v\u00a0\ufeff]+/g, "");
}

function applyEdits(text: string, edits: FormatEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.range.start.offset - a.range.start.offset))
    out = out.slice(0, e.range.start.offset) + e.newText + out.slice(e.range.end.offset);
  return out;
}

/** Invariants for any input, broken or not. */
function checkAny(text: string): string {
  const once = format(text);
  expect(format(once)).toBe(once);
  expect(nonSpace(once)).toBe(nonSpace(text));
  expect(images(once)).toEqual(images(text));
  expect(applyEdits(text, formatEdits(text))).toBe(once);
  return once;
}

/** Invariants for input that parses cleanly. */
function checkClean(text: string): void {
  const once = checkAny(text);
  expect(parse(once).diagnostics).toEqual([]);
  if (nonSpace(text) === "") return expect(once).toBe("");
  expect(once.endsWith("\n")).toBe(true);
  expect(once.endsWith("\n\n")).toBe(false);
  expect(once).not.toMatch(/[ \t]+\r?\n/);
  expect(once).not.toMatch(/\n[ \t]*\r?\n[ \t]*\r?\n/);
  expect(once.startsWith("\n")).toBe(false);
}

const PIECES = [...KEYWORDS, "fit", "mql", "x", "A", "{", "}", "(", ")", "[", "]", ",", ":", ".", "=", "==", ">=", "<", "+", "-", "*", "/", "%", "->",
  '"t"', '"open', "2026-01-15", "09:30", "1", "25", "1.5", "// c", "/* b */", "/* multi\n line */", "/// d", "#", "!"];
const soup = fc
  .array(fc.tuple(fc.constantFrom(...PIECES), fc.constantFrom(" ", "", "\n", "\n\n\n", "\t ", "\r\n", "  ")), { maxLength: 80 })
  .map((parts) => parts.map(([t, s]) => t + s).join(""));

interface Tok {
  start: number;
  end: number;
}
function tokensOf(text: string): Tok[] {
  const lexed = crmLexer.tokenize(text);
  const all = [...lexed.tokens, ...((lexed.groups["comments"] ?? []) as typeof lexed.tokens)];
  return all.map((t) => ({ start: t.startOffset, end: t.startOffset + t.image.length })).sort((a, b) => a.start - b.start);
}

/** Deletes, duplicates or swaps tokens, and scrambles the whitespace between them. */
function mutate(text: string, toks: Tok[], ops: [number, number, number, string][]): string {
  const pieces = toks.map((t) => text.slice(t.start, t.end));
  const gaps = toks.map((t, i) => text.slice(i === 0 ? 0 : toks[i - 1]!.end, t.start));
  for (const [kind, a, b, ws] of ops) {
    if (pieces.length === 0) break;
    const i = a % pieces.length;
    if (kind === 0) pieces[i] = "";
    else if (kind === 1) pieces[i] = pieces[i] + " " + pieces[i];
    else if (kind === 2) {
      const j = b % pieces.length;
      [pieces[i], pieces[j]] = [pieces[j]!, pieces[i]!];
    } else gaps[i] = ws;
  }
  return pieces.map((p, i) => gaps[i] + p).join("") + text.slice(toks.length ? toks[toks.length - 1]!.end : 0);
}
const op = fc.tuple(fc.integer({ min: 0, max: 3 }), fc.nat(), fc.nat(), fc.constantFrom("", " ", "\n", "\n\n\n", "   ", "\t"));

describe("formatter properties", () => {
  const files = corpus();

  it("every sample file: idempotent, same tokens and comments, nothing lost", () => {
    for (const f of files) {
      if (parse(f.text).diagnostics.length === 0) checkClean(f.text);
      else checkAny(f.text);
    }
  });

  for (const f of files) {
    it(`mutations of ${f.name} lose no text`, () => {
      const toks = tokensOf(f.text);
      fc.assert(fc.property(fc.array(op, { minLength: 1, maxLength: 8 }), (ops) => void checkAny(mutate(f.text, toks, ops))), {
        numRuns: files.length > 20 ? 15 : 50,
      });
    });
  }

  it("whitespace-only changes to clean files format to the same text", () => {
    const f = files[0]!;
    const toks = tokensOf(f.text);
    const canonical = format(f.text);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(), fc.constantFrom("", " ", "    ", "\t")), { maxLength: 30 }), (changes) => {
        // Change spacing only where a line break is not involved, so the user's line structure stays.
        const gaps = toks.map((t, i) => f.text.slice(i === 0 ? 0 : toks[i - 1]!.end, t.start));
        for (const [at, ws] of changes) {
          const i = at % toks.length;
          if (i > 0 && !/[\r\n]/.test(gaps[i]!)) gaps[i] = /\w$/.test(f.text.slice(toks[i - 1]!.start, toks[i - 1]!.end)) && /^\w/.test(f.text.slice(toks[i]!.start, toks[i]!.end)) ? ws || " " : ws;
        }
        const text = toks.map((t, i) => gaps[i] + f.text.slice(t.start, t.end)).join("") + f.text.slice(toks[toks.length - 1]!.end);
        if (images(text).join("\u0000") !== images(f.text).join("\u0000")) return; // the join changed the tokens
        expect(format(text)).toBe(canonical);
      }),
      { numRuns: 100 },
    );
  });

  it("every prefix of the sample (half-typed text): idempotent and nothing lost", () => {
    const text = files[0]!.text;
    for (const t of tokensOf(text)) checkAny(text.slice(0, t.end));
  });

  it("random token sequences: idempotent and nothing lost", () => {
    fc.assert(fc.property(soup, (t) => void checkAny(t)), { numRuns: 500 });
  });

  it("random characters: idempotent and nothing lost", () => {
    fc.assert(fc.property(fc.string({ maxLength: 120 }), (t) => void checkAny(t)), { numRuns: 300 });
  });

  it("range formatting of the whole text agrees with format", () => {
    fc.assert(
      fc.property(soup, (t) => {
        const idx = new LineIndex(t);
        const whole = idx.range(0, t.length);
        const edited = applyEdits(t, formatRange(t, whole));
        // Outside the formatted lines only leading/trailing blank lines and the final newline differ.
        expect(edited.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, "")).toBe(format(t).replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, ""));
      }),
      { numRuns: 200 },
    );
  });
});
