// The incremental reparse (core/syntax/incremental.ts) gives exactly what a full
// parse gives: tree, diagnostics, comments and tokens, ranges included, after
// random edits of every .crmrules file of the repository and of fuzz inputs.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse, type ParseResult } from "../../core/syntax/parse.js";
import { changeBetween, reparse, lastFallback } from "../../core/syntax/incremental.js";
import { corpus } from "./corpus.js";
import { generate } from "../fuzz/generator.js";

const SNIPPETS = ["0", "42", " ", "\n", "x", "fit", "}", "{", '"', '"a"', "/*", "*/", "//", "\n}\n", "\nscore s {\n}\n", "when lead.", "rule r", "-", "\r\n", "score", "journey"];

/** An edit of `text`: a random range replaced by a snippet, a line replaced by another line, or a digit changed. */
const edit = (text: string) =>
  fc.oneof(
    fc.tuple(fc.nat(text.length), fc.nat(12), fc.constantFrom(...SNIPPETS)).map(([at, len, s]) => text.slice(0, at) + s + text.slice(Math.min(text.length, at + len))),
    fc.tuple(fc.nat(text.length), fc.nat(text.length)).map(([a, b]) => {
      // one line replaced by another line of the file
      const lines = text.split("\n");
      if (lines.length < 2) return text + "\n";
      lines[a % lines.length] = lines[b % lines.length]!;
      return lines.join("\n");
    }),
    fc.nat(text.length).map((at) => {
      // the next digit changed (the one-line edit of an editor: a number)
      const i = text.slice(at).search(/[0-9]/);
      if (i < 0) return text;
      const p = at + i;
      return text.slice(0, p) + String((Number(text[p]) + 1) % 10) + text.slice(p + 1);
    }),
  );

function same(inc: ParseResult, full: ParseResult): void {
  expect(inc.lines.text).toBe(full.lines.text);
  expect(inc.file).toStrictEqual(full.file);
  expect(inc.diagnostics).toStrictEqual(full.diagnostics);
  expect(inc.comments).toEqual(full.comments);
  expect(inc.tokens).toEqual(full.tokens);
}

let spliced = 0;
let total = 0;

/** Edits applied one after another, each reparse built on the previous one (as the editor does). */
function chain(start: string, texts: string[], lexFirst: boolean): void {
  let prev = parse(start, "/w/f.crmrules");
  if (lexFirst) void prev.tokens;
  for (const t of texts) {
    const inc = reparse(prev, t, changeBetween(prev.lines.text, t));
    total++;
    if (lastFallback === undefined && t !== prev.lines.text) spliced++;
    same(inc, parse(t, "/w/f.crmrules"));
    prev = inc;
  }
}

const chainOf = (text: string) =>
  edit(text).chain((a) => edit(a).chain((b) => edit(b).map((c) => [a, b, c])));

describe("incremental reparse equals a full parse", () => {
  const files = corpus().filter((f) => f.text.length > 0);
  it("on random edits of every .crmrules file of the repository", { timeout: 120_000 }, () => {
    for (const f of files)
      fc.assert(
        fc.property(chainOf(f.text), fc.boolean(), (texts, lexFirst) => chain(f.text, texts, lexFirst)),
        { numRuns: 12, seed: 18_9 },
      );
  });
  it("on random edits of fuzz inputs (valid and mutated)", { timeout: 120_000 }, () => {
    for (let seed = 1; seed <= 12; seed++) {
      const text = generate(seed, { scale: 0.3 }).text;
      fc.assert(
        fc.property(chainOf(text), fc.boolean(), (texts, lexFirst) => chain(text, texts, lexFirst)),
        { numRuns: 5, seed },
      );
    }
  });
  it("reparses a span (not the whole text) for most edits, so the comparison above is not vacuous", () => {
    expect(total).toBeGreaterThan(1000);
    expect(spliced / total).toBeGreaterThan(0.2);
  });
  it("reparses only the edited declaration for a one-line edit inside a declaration", () => {
    const text = "score a {\n  cap 10\n}\n\nscore b {\n  cap 20\n}\n\nscore c {\n  cap 30\n}\n";
    const prev = parse(text, "/w/f.crmrules");
    const next = text.replace("cap 20", "cap 250\n  floor 0");
    const inc = reparse(prev, next);
    expect(lastFallback).toBeUndefined();
    same(inc, parse(next, "/w/f.crmrules"));
    // The declaration before the span is reused as it is; the one after is moved (to line 9).
    expect(inc.file.decls[0]).toBe(prev.file.decls[0]);
    expect(inc.file.decls[2]!.range.start.line).toBe(9);
  });
  it("falls back to a full parse when the edit opens a string or comment that crosses the span", () => {
    const text = "score a {\n  cap 10\n}\n\nscore b {\n  cap 20\n}\n\nscore c {\n  cap 30\n}\n";
    for (const broken of [text.replace("cap 20", "cap /* 20"), text.replace("cap 20", 'cap "20')]) {
      const inc = reparse(parse(text, "/w/f.crmrules"), broken);
      expect(lastFallback).toBe("the span has diagnostics");
      same(inc, parse(broken, "/w/f.crmrules"));
    }
  });
});
