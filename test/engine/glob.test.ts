/**
 * Glob matching (`matches`): exact semantics against two obviously correct oracles, and a
 * complexity bound counted in steps (no timing): issue 13 item 5.
 */
import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { globMatch, compileGlob, globCounter } from "../../core/engine/expr.js";
import { compileText } from "./helpers.js";
import { runJourney } from "../../core/engine/index.js";

/** Oracle 1: the glob as an anchored regular expression (code units, `.` with the s flag matches any). */
function viaRegex(text: string, pattern: string): boolean {
  const src = [...pattern].map((c) => (c === "*" ? "[\\s\\S]*" : c === "?" ? "[\\s\\S]" : c.replace(/[\\^$.|+()[\]{}*?/-]/g, "\\$&"))).join("");
  return new RegExp(`^${src}$`).test(text);
}

/** Oracle 2: dynamic programming over (text prefix, pattern prefix). */
function viaTable(text: string, pattern: string): boolean {
  const n = text.length;
  const m = pattern.length;
  let row = new Array<boolean>(m + 1).fill(false);
  row[0] = true;
  for (let j = 1; j <= m; j++) row[j] = row[j - 1]! && pattern[j - 1] === "*";
  for (let i = 1; i <= n; i++) {
    const next = new Array<boolean>(m + 1).fill(false);
    for (let j = 1; j <= m; j++) {
      const p = pattern[j - 1];
      if (p === "*") next[j] = next[j - 1]! || row[j]!;
      else next[j] = row[j - 1]! && (p === "?" || p === text[i - 1]);
    }
    row = next;
  }
  return row[m]!;
}

const alphabet = fc.constantFrom("a", "b", "c", "?", "*", "\\", ".", "é", "😀");
const textAlphabet = fc.constantFrom("a", "b", "c", "*", "?", ".", "é", "\ud83d", "\ude00");

describe("glob matching is exact", () => {
  it("agrees with a regular expression and with a table on random globs and texts", () => {
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 12 }).map((a) => a.join("")), fc.array(textAlphabet, { maxLength: 16 }).map((a) => a.join("")), (pattern, text) => {
        const want = viaTable(text, pattern);
        expect(viaRegex(text, pattern)).toBe(want);
        expect(globMatch(text, pattern)).toBe(want);
        expect(compileGlob(pattern).match(text)).toBe(want);
      }),
      { numRuns: 4000, seed: 13 },
    );
  });

  it("agrees on texts built to contain near-matches of the pattern's pieces", () => {
    // Texts made of the pattern's own literal pieces (with a letter changed now and then) hit KMP restarts.
    fc.assert(
      fc.property(fc.array(fc.constantFrom("a", "b", "?", "*"), { minLength: 1, maxLength: 10 }).map((a) => a.join("")), fc.array(fc.nat(4), { maxLength: 8 }), fc.nat(), (pattern, picks, salt) => {
        const pieces = pattern.split(/[*?]/).filter((p) => p !== "");
        let text = picks.map((k, i) => (pieces.length ? pieces[k % pieces.length]! : "") + (((salt >> i) & 1) === 1 ? "a" : "")).join("");
        if ((salt & 3) === 0) text = text.replace(/b/, "a");
        expect(globMatch(text, pattern)).toBe(viaTable(text, pattern));
      }),
      { numRuns: 4000, seed: 5 },
    );
  });

  it("keeps the documented cases", () => {
    expect(globMatch("", "")).toBe(true);
    expect(globMatch("a", "")).toBe(false);
    expect(globMatch("ab", "a**b")).toBe(true);
    expect(globMatch("abab", "*ab*ab")).toBe(true);
    expect(globMatch("aba", "*ab*ab")).toBe(false);
    expect(globMatch("aaa", "a*a*a")).toBe(true);
    expect(globMatch("aa", "a*a*a")).toBe(false);
    expect(globMatch("xaby", "*a?y")).toBe(true);
    expect(globMatch("x😀", "x?")).toBe(false);
    expect(globMatch("x😀", "x??")).toBe(true);
  });
});

describe("glob matching takes steps linear in the text", () => {
  const steps = (text: string, pattern: string) => {
    const g = compileGlob(pattern);
    globCounter.steps = 0;
    const r = g.match(text);
    return { r, steps: globCounter.steps };
  };

  it('`*a…(2,000 a\'s)…b` against 200,000 characters (issue 13 item 5: 4.2 s per event before)', () => {
    const pattern = `*${"a".repeat(2000)}b`;
    const text = "a".repeat(200_000);
    const { r, steps: s } = steps(text, pattern);
    expect(r).toBe(false);
    expect(s).toBeLessThanOrEqual(3 * (text.length + pattern.length));
    // Also as a middle segment, where the search scans the text.
    const mid = steps(text + "x", `*${"a".repeat(2000)}b*`);
    expect(mid.r).toBe(false);
    expect(mid.steps).toBeLessThanOrEqual(3 * (text.length + pattern.length));
  });

  it("many `*` segments read the text once in all", () => {
    const pattern = "*" + Array.from({ length: 500 }, () => "aab").join("*") + "*";
    const text = "ab".repeat(100_000) + "aab".repeat(499);
    const { r, steps: s } = steps(text, pattern);
    expect(r).toBe(false);
    expect(s).toBeLessThanOrEqual(3 * (text.length + pattern.length));
  });

  it("`?` costs one automaton per literal piece of a segment: O(n · q)", () => {
    const pattern = "*a?a?a?b*";
    const text = "a".repeat(100_000);
    const { r, steps: s } = steps(text, pattern);
    expect(r).toBe(false);
    expect(s).toBeLessThanOrEqual(3 * 4 * text.length);
  });

  it("a rule with the issue's glob runs over a 200,000-character payload", () => {
    const c = compileText(`event page_view { url: text }\nscore s { rule r: +1 on page_view where url matches "*${"a".repeat(2000)}b" }\njourney "j" {\n  day 0 page_view { url: "${"a".repeat(200_000)}" }\n  day 0 page_view { url: "${"a".repeat(200_000)}b" }\n}`);
    globCounter.steps = 0;
    const result = runJourney(c, c.journeys[0]!.journey);
    expect(result.final.scores["s"]).toBe(1);
    expect(globCounter.steps).toBeLessThanOrEqual(2 * 3 * 202_001);
  });
});
