// Property tests: the parser never throws, always finishes, and every range it
// reports lies inside the document, on random token soup and on mutated files.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse } from "../../core/syntax/parse.js";
import { crmLexer, KEYWORDS, TIME_UNITS } from "../../core/syntax/tokens.js";
import { checkRanges } from "./helpers.js";
import { corpus } from "./corpus.js";

const PUNCT = ["{", "}", "(", ")", "[", "]", ",", ":", ";", ".", "=", "==", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/", "%", "->"];
const NAMES = ["fit", "lead", "mql", "kari", "page_view", "url", "email", "text", "enum", "list", "opt_in", "implied", "missing", "A", "NO", "round_robin", "initial"];
const OTHER = ['"x"', '"/pricing"', '"unterminated', "2026-01-15", "14:30", "0", "3", "25", "1.5", "// c", "/* c */", "/// d", "#", "@"];

const token = fc.oneof(
  fc.constantFrom(...KEYWORDS),
  fc.constantFrom(...NAMES, ...Object.keys(TIME_UNITS)),
  fc.constantFrom(...PUNCT),
  fc.constantFrom(...OTHER),
  fc.integer({ min: 0, max: 100000 }).map(String),
);
const space = fc.constantFrom(" ", "  ", "\n", "\r\n", "\t", "", "\n\n");
const soup = fc.array(fc.tuple(token, space), { maxLength: 120 }).map((parts) => parts.map(([t, s]) => t + s).join(""));

/** The invariants every parse must keep. */
function checkParse(text: string): void {
  const r = parse(text, "p.crmrules");
  // An internal failure is reported as CR1000; it must never happen.
  expect(r.diagnostics.filter((d) => d.code === "CR1000")).toEqual([]);
  for (const d of r.diagnostics) {
    expect(d.range.start.offset).toBeGreaterThanOrEqual(0);
    expect(d.range.end.offset).toBeLessThanOrEqual(text.length);
    expect(d.range.start.offset).toBeLessThanOrEqual(d.range.end.offset);
    const start = r.lines.position(d.range.start.offset);
    const end = r.lines.position(d.range.end.offset);
    expect([d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character]).toEqual([start.line, start.character, end.line, end.character]);
    expect(d.message.length).toBeGreaterThan(0);
  }
  checkRanges(text, r.file);
}

interface Tok {
  start: number;
  end: number;
}

/** Significant tokens and comments of a text, by offsets. */
function tokensOf(text: string): Tok[] {
  const lexed = crmLexer.tokenize(text);
  const all = [...lexed.tokens, ...((lexed.groups["comments"] ?? []) as typeof lexed.tokens)];
  return all.map((t) => ({ start: t.startOffset, end: t.startOffset + t.image.length })).sort((a, b) => a.start - b.start);
}

type Mutation = { kind: "delete" | "duplicate"; at: number } | { kind: "swap"; at: number; with: number };

function mutate(text: string, toks: Tok[], muts: Mutation[]): string {
  let pieces = toks.map((t) => text.slice(t.start, t.end));
  const gaps = toks.map((t, i) => text.slice(i === 0 ? 0 : toks[i - 1]!.end, t.start));
  for (const m of muts) {
    if (pieces.length === 0) break;
    const i = m.at % pieces.length;
    if (m.kind === "delete") pieces[i] = "";
    else if (m.kind === "duplicate") pieces[i] = pieces[i] + " " + pieces[i];
    else {
      const j = (m as { with: number }).with % pieces.length;
      [pieces[i], pieces[j]] = [pieces[j]!, pieces[i]!];
    }
  }
  pieces = pieces.map((p, i) => gaps[i] + p);
  return pieces.join("") + text.slice(toks.length ? toks[toks.length - 1]!.end : 0);
}

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("delete" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("duplicate" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("swap" as const), at: fc.nat(), with: fc.nat() }),
);

describe("parser properties", () => {
  it("never throws on random token sequences and keeps every range inside the text", () => {
    fc.assert(fc.property(soup, checkParse), { numRuns: 400 });
  });

  it("never throws on random characters", () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), checkParse), { numRuns: 200 });
  });

  const files = corpus();
  it("has sample files to mutate", () => {
    expect(files.length).toBeGreaterThan(0);
  });

  for (const file of files) {
    it(`never throws on mutations of ${file.name}`, () => {
      const toks = tokensOf(file.text);
      checkParse(file.text);
      fc.assert(
        fc.property(fc.array(mutation, { minLength: 1, maxLength: 6 }), (muts) => checkParse(mutate(file.text, toks, muts))),
        { numRuns: files.length > 20 ? 20 : 60 },
      );
    });
  }

  it("never throws on every prefix and suffix of the sample cut at token boundaries", () => {
    const text = files[0]!.text;
    for (const t of tokensOf(text)) {
      checkParse(text.slice(0, t.start));
      checkParse(text.slice(t.start));
    }
  });
});

describe("the mutation helper", () => {
  it("deletes, duplicates and swaps tokens", () => {
    const text = "owner a // c\nqueue q";
    const toks = tokensOf(text);
    expect(mutate(text, toks, [{ kind: "delete", at: 1 }])).toBe("owner  // c\nqueue q");
    expect(mutate(text, toks, [{ kind: "duplicate", at: 0 }])).toBe("owner owner a // c\nqueue q");
    expect(mutate(text, toks, [{ kind: "swap", at: 0, with: 4 }])).toBe("q a // c\nqueue owner");
  });
});
