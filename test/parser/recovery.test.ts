// Error recovery: a broken file reports every problem with a precise range and
// a plain-language message, and the tree keeps everything that did parse.
import { describe, expect, it } from "vitest";
import { parse } from "../../core/syntax/parse.js";
import type * as A from "../../core/syntax/ast.js";
import { checkRanges, errorsOf, slice } from "./helpers.js";
import { SAMPLE } from "./sample.js";

/** The house style for messages: lowercase start, no final period, no parser type names. */
function expectPlainMessages(src: string): void {
  for (const d of parse(src).diagnostics) {
    expect(d.message).toMatch(/^[a-z`]/);
    expect(d.message).not.toMatch(/\.$/);
    expect(d.message).not.toMatch(/Exception|Token|EOF|Identifier|AnyName|Kw_|NumberLiteral|StringLiteral|LBrace|RBrace/);
    expect(d.severity).toBe("error");
    expect(d.code).toMatch(/^CR1\d{3}$/);
  }
}

describe("several errors in one file", () => {
  const src = `score fit {
  rule a: +20 when
  rule b: +10 on
  cap
}
stage mql when fit >=
route r on stage mql {
  rule x: when a -> owner
  otherwise queue q
}
owner kari`;

  it("reports each of them with line, column and a plain message", () => {
    expect(errorsOf(src)).toEqual([
      "3:3 expected a condition after `when`, found `rule`",
      "4:3 expected a name after `on`, found `cap`",
      "5:1 expected a number of points after `cap` (as in `cap 100`), found `}`",
      "7:1 expected a value after `>=`, found `route`",
      "9:13 expected `->` after `otherwise`, found `queue`",
      "8:21 expected the name of the owner after `owner`, found `otherwise`",
    ]);
    expectPlainMessages(src);
  });

  it("each range covers the offending token", () => {
    const r = parse(src);
    expect(r.diagnostics.map((d) => slice(src, d.range))).toEqual(["rule", "cap", "}", "route", "queue", "owner"]);
  });

  it("keeps everything that did parse", () => {
    const r = parse(src);
    checkRanges(src, r.file);
    expect(r.file.decls.map((d) => d.kind)).toEqual(["Score", "Stage", "Route", "Owner"]);
    const score = r.file.decls[0] as A.ScoreDecl;
    expect(score.rules.map((x) => x.name?.text)).toEqual(["a", "b"]);
    expect(score.rules[0]!.points?.value).toBe(20);
    const stage = r.file.decls[1] as A.StageDecl;
    expect(stage.name?.text).toBe("mql");
    // The condition keeps what was read: `fit >=` with the right side missing.
    expect(stage.when).toMatchObject({ kind: "Binary", op: ">=", left: { kind: "Path", head: { text: "fit" } } });
    expect((stage.when as A.BinaryExpr).right).toBeUndefined();
    expect(stage.range.end.offset).toBe(src.indexOf(">=") + 2);
    const route = r.file.decls[2] as A.RouteDecl;
    expect(route.rules[0]!.name?.text).toBe("x");
    expect(route.rules[0]!.target?.targetKind).toBe("owner");
    expect((r.file.decls[3] as A.OwnerDecl).name?.text).toBe("kari");
  });
});

describe("single problems", () => {
  const cases: [string, string[]][] = [
    ["owner a \"no end\nqueue q", ["1:9 this text has no closing quote `\"` on the same line"]],
    ["queue q # x", ["1:9 unexpected character `#`", "1:11 unexpected `x`: expected a declaration such as `score`, `route` or `journey`"]],
    ["}\nowner b", ["1:1 unexpected `}`: expected a declaration such as `score`, `route` or `journey`"]],
    ["score s { rule r: +1 on e within 14 }", ["1:37 expected a time unit after `14` (minutes, hours, days, weeks, months or years), found `}`"]],
    ["score s { rule r: +1 on e within days }", ["1:34 expected a number of days before `days` (as in `14 days`)"]],
    ["score s { rule r: +1 on e within 3 fortnights }", ["1:36 `fortnights` is not a time unit; use minutes, hours, days, weeks, months or years"]],
    ["score s { decay 25 every 30 days }", ["1:20 expected `%` after `25`, found `every`"]],
    ["journey \"j\" { day expect stage == x }", ["1:19 expected a day number after `day` (as in `day 3`), found `expect`"]],
    ["journey \"j\" { day 1 at 25 e }", ["1:24 expected a time of day after `at` (as in `day 3 at 14:30`), found `25`"]],
    ["journey \"j\" { expect score fit is present }", ["1:35 expected `unscored` after `is`, found `present`"]],
    ["route r on stage s { otherwise -> discard otherwise -> discard }", ["1:43 a route has only one `otherwise`; this one is never used"]],
    ["event e { t: text(3) }", ["1:19 expected `)` after `(`, found `3`", "1:18 `text` takes nothing in parentheses; only `enum(…)` and `list(…)` do"]],
    ["event e { t: enum }", ["1:14 expected the values in parentheses after `enum` (as in `enum(saas, finance)`)"]],
    ["event e { t: enum() }", ["1:14 an enum needs at least one value, as in `enum(saas, finance)`"]],
    ["event e { t: list() }", ["1:14 expected the element type in parentheses after `list` (as in `list(text)`)"]],
    ["event e { t: list(text, number) }", ["1:25 a list has one element type, as in `list(text)`"]],
    ["lead { email email }", ["1:14 expected `:` after `email`, found `email`"]],
    ["import schema", ["1:8 expected a file path in double quotes after `import` (as in `import \"./schema.crmrules\"`), found `schema`"]],
    ["stage s when (a or b", ["1:21 expected `)` after `b`, the file ended"]],
    ["score s { rule x: +1 when (a", ["1:29 expected `)` after `a`, the file ended", "1:29 expected `}` after `a`, the file ended"]],
    ["owner a\nstage s when", ["2:13 expected a condition after `when`, the file ended"]],
  ];
  for (const [src, expected] of cases) {
    it(JSON.stringify(src), () => {
      expect(errorsOf(src)).toEqual(expected);
      expectPlainMessages(src);
      checkRanges(src, parse(src).file);
    });
  }
});

describe("half-typed text", () => {
  it("a file cut at every character never throws and keeps ranges inside the text", () => {
    for (let i = 0; i <= SAMPLE.length; i += 7) {
      const src = SAMPLE.slice(0, i);
      const r = parse(src);
      for (const d of r.diagnostics) {
        expect(d.range.start.offset).toBeGreaterThanOrEqual(0);
        expect(d.range.end.offset).toBeLessThanOrEqual(src.length);
        expect(d.range.start.offset).toBeLessThanOrEqual(d.range.end.offset);
      }
      checkRanges(src, r.file);
    }
  });

  it("a missing closing brace at the end is reported at the end of the file", () => {
    const src = "score s {\n  rule a: +1 when x\n";
    expect(errorsOf(src)).toEqual(["2:20 expected `}` after `x`, the file ended"]);
    const r = parse(src);
    expect((r.file.decls[0] as A.ScoreDecl).rules).toHaveLength(1);
    checkRanges(src, r.file);
  });

  it("a half-typed field path before the next declaration keeps both", () => {
    const src = "stage s when lead.\nowner x";
    expect(errorsOf(src)).toEqual(["1:18 expected a field name after `.`, found `owner`"]);
    const r = parse(src);
    expect(r.file.decls.map((d) => d.kind)).toEqual(["Stage", "Owner"]);
    expect((r.file.decls[0] as A.StageDecl).when).toMatchObject({ kind: "Path", head: { text: "lead" }, segments: [] });
    checkRanges(src, r.file);
  });

  it("a declaration cut short at the end of the file is kept", () => {
    const r = parse("owner a\nstage s when");
    expect(r.file.decls.map((d) => d.kind)).toEqual(["Owner", "Stage"]);
    expect((r.file.decls[1] as A.StageDecl).name?.text).toBe("s");
  });
});

describe("codes", () => {
  it("text where no declaration can start is CR1005, a missing word CR1002, an unknown character CR1001, open text CR1006", () => {
    expect(parse("}\nowner a").diagnostics.map((d) => d.code)).toEqual(["CR1005"]);
    expect(parse("owner a\nlead { x }").diagnostics.map((d) => d.code)).toEqual(["CR1002"]);
    expect(parse("owner a $").diagnostics.map((d) => d.code)).toEqual(["CR1001"]);
    expect(parse('owner a "b').diagnostics.map((d) => d.code)).toEqual(["CR1006"]);
    expect(parse("stage s when )").diagnostics.map((d) => d.code)).toEqual(["CR1003"]);
  });
});

describe("no cascades from declaration words inside a broken statement", () => {
  it("a misspelled declaration keyword is one error, and `lead.x` inside it is not a `lead` block", () => {
    const src = "scor fit {\n  rule a: +1 when lead.x == 1\n}\nowner kari";
    expect(errorsOf(src)).toEqual(["1:1 unexpected `scor`: expected a declaration such as `score`, `route` or `journey`"]);
    expect(parse(src).file.decls.map((d) => d.kind)).toEqual(["Owner"]);
  });

  it("a broken routing rule does not turn `owner kari` into a declaration", () => {
    const src = "route r on stage mql {\n  rule a: when lead.x == 1 => owner kari\n  rule b: when lead.y == 2 -> queue q\n  otherwise -> discard\n}";
    expect(errorsOf(src)).toEqual(["2:28 expected `->` after `1`, found `=`"]);
    const r = parse(src);
    expect(r.file.decls.map((d) => d.kind)).toEqual(["Route"]);
    const route = r.file.decls[0] as A.RouteDecl;
    expect(route.rules.map((x) => x.name?.text)).toEqual(["a", "b"]);
    expect(route.fallback?.target?.targetKind).toBe("discard");
    checkRanges(src, r.file);
  });

  it("a misspelled trigger word names the words that may follow", () => {
    const src = "score fit {\n  rule b: +1 wen lead.x == 1\n  rule c: +2 on e\n}";
    expect(errorsOf(src)).toEqual(["2:14 expected `when`, `on` or `after` after `1`, found `wen`"]);
    expect((parse(src).file.decls[0] as A.ScoreDecl).rules.map((x) => x.name?.text)).toEqual(["b", "c"]);
  });

  it("a declaration word at the start of a line still starts the next declaration", () => {
    const src = "route r on stage mql {\n  rule a: when x == 1 => discard\n}\nowner kari\nqueue q";
    const r = parse(src);
    expect(r.file.decls.map((d) => d.kind)).toEqual(["Route", "Owner", "Queue"]);
  });
});

describe("messages for forms the language does not have (issue 12, item 10)", () => {
  /** `line:col-line:col code message`, 1-based, for each diagnostic. */
  const at = (src: string) => parse(src).diagnostics.map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1}-${d.range.end.line + 1}:${d.range.end.character + 1} ${d.code} ${d.message}`);

  it("a negative duration says that durations cannot be negative", () => {
    expect(at("score s { rule a: +1 on e within -3 days }")[0]).toBe(
      "1:34-1:35 CR1002 durations cannot be negative: write a positive number and a unit after `within` (as in `within 14 days`), found `-`",
    );
    expect(at("workflow w on stage x { wait -2 days }")[0]).toContain("durations cannot be negative: write a positive number and a unit after `wait` (as in `wait 3 days`)");
  });

  it("a number in exponent form is one error that says how numbers are written, and the number still counts", () => {
    const src = "stage s when lead.n > 1e5";
    expect(at(src)).toEqual(["1:23-1:26 CR1001 `1e5` is not a number as this language writes them: use digits with an optional decimal part, here `100000`"]);
    const when = parse(src).file.decls[0] as A.StageDecl;
    expect(((when.when as A.BinaryExpr).right as A.NumberLit).value).toBe(100000);
    expect(at("stage s when lead.n > 2.5E-3")).toEqual(["1:23-1:29 CR1001 `2.5E-3` is not a number as this language writes them: use digits with an optional decimal part, here `0.0025`"]);
  });

  it("`>>` and `<<` are one error on the operator itself, read as `>` / `<`", () => {
    expect(at("stage s when lead.n >> 3")).toEqual(["1:21-1:23 CR1001 there is no `>>` operator; write `>` (greater than) or `>=`"]);
    expect(at("score s { rule a: +1 when lead.n << 3 }")).toEqual(["1:34-1:36 CR1001 there is no `<<` operator; write `<` (less than) or `<=`"]);
    const d = parse("stage s when lead.n >> 3").file.decls[0] as A.StageDecl;
    expect((d.when as A.BinaryExpr).op).toBe(">");
  });

  it("keeps `14days`, `x-1` and `a>b` as they were", () => {
    expect(at("score s { rule a: +1 on e within 14days }")).toEqual([]);
    expect(at("stage s when lead.n > 1 and lead.m >= 2")).toEqual([]);
  });
});
