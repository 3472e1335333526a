// Deep nesting never empties a file (issue 13 item 2): past MAX_NESTING levels of parentheses,
// brackets, `not`, unary `-`, `count(…)` or type arguments, one CR1011 at the place, and every
// other declaration of the file is kept. Operator chains are not nesting: any length parses.
import { describe, expect, it } from "vitest";
import { parse } from "../../core/syntax/parse.js";
import { MAX_NESTING } from "../../core/syntax/parser.js";
import type * as A from "../../core/syntax/ast.js";

const before = "lead {\n  size: number\n  country: country\n  ok: boolean\n}\nevent e {}\nstage a initial\n";
const after = "stage c when lead.ok\nqueue q \"Q\"\n";

function kinds(src: string): string[] {
  return parse(src).file.decls.map((d) => d.kind);
}

const deep: [string, (n: number) => string][] = [
  ["parentheses", (n) => `stage b when ${"(".repeat(n)}lead.ok${")".repeat(n)}\n`],
  ["brackets", (n) => `stage b when lead.country in ${"[".repeat(n)}NO${"]".repeat(n)}\n`],
  ["not", (n) => `stage b when ${"not ".repeat(n)}lead.ok\n`],
  ["unary minus", (n) => `stage b when lead.size > ${"-".repeat(n)}1\n`],
  ["unary minus, spaced", (n) => `stage b when lead.size > ${"- ".repeat(n)}1\n`],
  ["count(… where count(…))", (n) => `stage b when ${"count(e where ".repeat(n)}true${")".repeat(n)} > 1\n`],
  // Two levels per `not (`.
  ["not and parentheses mixed", (n) => `stage b when ${"not (".repeat(Math.ceil(n / 2))}lead.ok${")".repeat(Math.ceil(n / 2))}\n`],
];

describe("nesting past the limit", () => {
  for (const [name, make] of deep) {
    for (const n of [MAX_NESTING + 1, 200, 5000]) {
      it(`${name}, ${n} deep: one CR1011 at the place, every declaration kept`, () => {
        const body = make(n);
        const src = before + body + after;
        const r = parse(src);
        expect(r.diagnostics.map((d) => d.code)).toEqual(["CR1011"]);
        const d = r.diagnostics[0]!;
        // On the line of the deep stage, at one of its opening tokens.
        expect(d.range.start.line).toBe(before.split("\n").length - 1);
        expect(src.slice(d.range.start.offset, d.range.end.offset)).toMatch(/^(\(|\[|not|-)$/);
        expect(kinds(src)).toEqual(["Lead", "Event", "Stage", "Stage", "Stage", "Queue"]);
        // Deterministic: the same text, the same result.
        expect(JSON.stringify(parse(src).diagnostics)).toBe(JSON.stringify(r.diagnostics));
      });
    }
    it(`${name}, ${MAX_NESTING} deep: read in full, no error`, () => {
      const r = parse(before + make(MAX_NESTING) + after);
      expect(r.diagnostics).toEqual([]);
    });
  }

  it("types nested past the limit: one CR1011, the other fields kept", () => {
    const src = `lead {\n  a: ${"list(".repeat(3000)}text${")".repeat(3000)}\n  b: number\n}\nstage x initial\n`;
    const r = parse(src);
    expect(r.diagnostics.map((d) => d.code)).toEqual(["CR1011"]);
    const lead = r.file.decls[0] as A.LeadDecl;
    expect(lead.fields.map((f) => f.name?.text)).toEqual(["a", "b"]);
    expect(r.file.decls.map((d) => d.kind)).toEqual(["Lead", "Stage"]);
  });

  it("an unclosed deep parenthesis does not swallow the declarations after it", () => {
    const src = before + `stage b when ${"(".repeat(300)}lead.ok\n` + after;
    const r = parse(src);
    expect(r.diagnostics.filter((d) => d.code === "CR1011")).toHaveLength(1);
    expect(r.diagnostics.some((d) => d.code === "CR1000")).toBe(false);
    expect(kinds(src)).toEqual(["Lead", "Event", "Stage", "Stage", "Stage", "Queue"]);
  });

  it("two deep expressions: one CR1011 each", () => {
    const src = before + `stage b when ${"(".repeat(100)}lead.ok${")".repeat(100)}\nstage d when ${"not ".repeat(100)}lead.ok\n` + after;
    const r = parse(src);
    expect(r.diagnostics.map((d) => `${d.code}@${d.range.start.line}`)).toEqual(["CR1011@7", "CR1011@8"]);
  });
});

describe("operator chains of any length", () => {
  const chains: [string, string][] = [
    ["+", `stage b when lead.size > ${Array(50_000).fill("1").join(" + ")}\n`],
    ["and", `stage b when ${Array(50_000).fill("lead.ok").join(" and ")}\n`],
    ["or", `stage b when ${Array(50_000).fill("lead.ok").join(" or ")}\n`],
  ];
  for (const [op, body] of chains)
    it(`a \`${op}\` chain of 50,000 terms parses with no error and keeps every term`, () => {
      const r = parse(before + body + after);
      expect(r.diagnostics).toEqual([]);
      expect(r.file.decls).toHaveLength(6);
      let e = (r.file.decls[3] as A.StageDecl).when!;
      if (op === "+") e = (e as A.BinaryExpr).right!;
      let terms = 1;
      while (e.kind === "Binary" && e.op === op) (terms++, (e = e.left!));
      expect(terms).toBe(50_000);
    });
});
