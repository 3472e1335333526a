// Focused formatter behaviour: spacing rules, indentation, options and ranges.
import { describe, expect, it } from "vitest";
import { format, formatEdits, formatRange } from "../../core/format/format.js";
import { LineIndex } from "../../core/text/positions.js";

describe("spacing", () => {
  const cases: [string, string][] = [
    ["stage s when a==b", "stage s when a == b\n"],
    ["event e { t: enum( a ,b ) }", "event e { t: enum(a, b) }\n"],
    ["territory t = [ NO ,SE ]", "territory t = [NO, SE]\n"],
    ["score s { rule x :+ 10 on e }", "score s { rule x: +10 on e }\n"],
    ["score s { decay 25 % every 30 days }", "score s { decay 25% every 30 days }\n"],
    ["route r on stage s { otherwise->discard }", "route r on stage s { otherwise -> discard }\n"],
    ["stage s when lead . email . domain in x", "stage s when lead.email.domain in x\n"],
    ["stage s when 3-1 > -2 and x*2 < (y/3)", "stage s when 3 - 1 > -2 and x * 2 < (y / 3)\n"],
    ["stage s when not(a)", "stage s when not (a)\n"],
    ["stage s when count( e within 3 days )>1", "stage s when count(e within 3 days) > 1\n"],
    ["workflow w on stage s { do a( \"x\" ,- 1 ) }", 'workflow w on stage s { do a("x", -1) }\n'],
    ["event e{}", "event e {}\n"],
    ["journey \"j\" { day 1 at 09:30 e }", 'journey "j" { day 1 at 09:30 e }\n'],
    ["owner a // note", "owner a // note\n"],
    ["owner a/* x */queue q", "owner a /* x */ queue q\n"],
    ["lead { société :text  größe:number }", "lead { société: text größe: number }\n"],
    ["stage s when lead.område==sør", "stage s when lead.område == sør\n"],
  ];
  for (const [input, expected] of cases) it(JSON.stringify(input), () => expect(format(input)).toBe(expected));
});

describe("layout", () => {
  it("indents by brace depth with the chosen width", () => {
    const src = "score s {\nrule a: +1 on e\n}\n";
    expect(format(src)).toBe("score s {\n  rule a: +1 on e\n}\n");
    expect(format(src, { indent: 4 })).toBe("score s {\n    rule a: +1 on e\n}\n");
  });
  it("keeps line breaks, collapses blank runs, trims, ends with one newline", () => {
    expect(format("\n\n owner a  \n\n\n\nowner b\t\n\n")).toBe("owner a\n\nowner b\n");
    expect(format("")).toBe("");
    expect(format("  \n\n ")).toBe("");
  });
  it("keeps Windows line endings", () => {
    expect(format("owner a\r\n\r\n\r\nowner   b\r\n")).toBe("owner a\r\n\r\nowner b\r\n");
  });
  it("indents a continued statement one level", () => {
    expect(format("stage s when a\nand b")).toBe("stage s when a\n  and b\n");
  });
  it("leaves lines with a syntax error exactly as written", () => {
    const src = "owner   a\nstage s when   x ==\n  owner   b\n";
    // the error (`owner` found where a value was expected) is on line 3; line 2 is fine
    expect(format(src)).toBe("owner a\nstage s when x ==\n  owner   b\n");
  });
  it("never joins tokens that would read differently", () => {
    expect(format("stage s when a - - 1")).toBe("stage s when a - -1\n");
    expect(format("stage s when x = = 1")).toContain("= =");
  });
});

describe("edits", () => {
  it("formatRange touches only the selected lines", () => {
    const src = "owner   a\nowner   b\nowner   c\n";
    const idx = new LineIndex(src);
    const edits = formatRange(src, idx.range(idx.offsetAt(1, 2), idx.offsetAt(1, 4)));
    expect(edits).toEqual([{ range: idx.range(10, 19), newText: "owner b" }]);
    expect(formatRange("owner a\n", new LineIndex("owner a\n").range(0, 7))).toEqual([]);
  });
  it("formatRange ignores a selection that ends at the start of the next line", () => {
    const src = "owner   a\nowner   b\n";
    const idx = new LineIndex(src);
    expect(formatRange(src, idx.range(0, 10)).map((e) => e.newText)).toEqual(["owner a"]);
  });
  it("formatEdits is one minimal edit", () => {
    const src = "owner a\nowner    b\n";
    const edits = formatEdits(src);
    expect(edits).toHaveLength(1);
    expect(edits[0]!.range.start.offset).toBeGreaterThanOrEqual(8);
    expect(formatEdits(format(src))).toEqual([]);
  });
});

// Issue 13 item 3: the formatter never throws, whatever the depth of the tree (an `and` chain of
// 7,000 terms or more overflowed the stack walking the tree for statements).
describe("long chains and deep nesting", () => {
  const words = (s: string) => s.split(/\s+/).filter(Boolean).join(" ");
  it("formats an `and` chain of 100,000 terms, keeping every token, idempotently", () => {
    const src = `stage a initial\nstage b when ${Array(100_000).fill("lead.ok").join("   and ")}\nowner   kari\n`;
    const out = format(src);
    expect(words(out)).toBe(words(src));
    expect(out.endsWith("owner kari\n")).toBe(true);
    expect(format(out)).toBe(out);
  });
  it("formats text nested past the parser's limit as written, with its other lines formatted", () => {
    const src = `stage b when ${"(".repeat(3000)}true${")".repeat(3000)}\nowner   kari\n`;
    const out = format(src);
    expect(words(out).replace(/ /g, "")).toBe(words(src).replace(/ /g, ""));
    expect(out).toContain("owner kari\n");
  });
});
