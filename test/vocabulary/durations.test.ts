/**
 * Durations (docs/language.md §2 "Durations"), through `durationMinutes` in core/vocabulary.ts,
 * the one definition the checker and the engine both use: every unit in both forms, months and
 * years as fixed lengths, and `per day` as `per 1 day`.
 */
import { describe, expect, it } from "vitest";
import { parse } from "../../core/syntax/parse.js";
import type * as A from "../../core/syntax/ast.js";
import { durationMinutes, TIME_UNITS } from "../../core/vocabulary.js";

/** The durations of a file, in source order. */
function durations(text: string): A.Duration[] {
  const out: A.Duration[] = [];
  const visit = (x: unknown): void => {
    if (Array.isArray(x)) return x.forEach(visit);
    if (!x || typeof x !== "object") return;
    if ((x as A.Node).kind === "Duration") out.push(x as A.Duration);
    for (const [k, v] of Object.entries(x)) if (k !== "range") visit(v);
  };
  const r = parse(text, "/d.crmrules");
  expect(r.diagnostics).toEqual([]);
  visit(r.file.decls);
  return out.sort((a, b) => a.range.start.offset - b.range.start.offset);
}

const rule = (d: string) => `event page_view { }\nscore s {\n  rule r: +1 on page_view limit 1 per ${d}\n}\n`;

describe("durationMinutes", () => {
  it("gives each unit the length of the spec's table, singular and plural alike", () => {
    const table: [string, number][] = [
      ["1 minute", 1],
      ["3 minutes", 3],
      ["1 hour", 60],
      ["2 hours", 120],
      ["1 day", 1440],
      ["14 days", 14 * 1440],
      ["1 week", 7 * 1440],
      ["2 weeks", 14 * 1440],
      ["1 month", 30 * 1440],
      ["6 months", 180 * 1440],
      ["24 months", 720 * 1440],
      ["1 year", 365 * 1440],
      ["2 years", 730 * 1440],
    ];
    for (const [text, minutes] of table) expect([text, durationMinutes(durations(rule(text))[0])]).toEqual([text, minutes]);
  });

  it("reads `per day` as `per 1 day` (§2: after `per` the number may be left out)", () => {
    for (const unit of ["minute", "hour", "day", "week", "month", "year"]) {
      const [bare] = durations(rule(unit));
      const [one] = durations(rule(`1 ${unit}`));
      expect(bare!.amount).toBeUndefined();
      expect(durationMinutes(bare)).toBe(durationMinutes(one));
    }
    expect(durationMinutes(durations(rule("day"))[0])).toBe(1440);
  });

  it("has no length for a word that is not a unit or a missing unit", () => {
    const r = parse(rule("3 fortnights"), "/d.crmrules");
    expect(r.diagnostics.map((d) => d.code)).toContain("CR1009");
    const d: A.Duration = { kind: "Duration", range: r.file.range, amount: { kind: "Number", range: r.file.range, value: 3, text: "3" } as A.NumberLit };
    expect(durationMinutes(d)).toBeUndefined();
    expect(durationMinutes(undefined)).toBeUndefined();
  });

  it("knows exactly the twelve unit words", () => {
    expect(Object.keys(TIME_UNITS)).toEqual(["minute", "minutes", "hour", "hours", "day", "days", "week", "weeks", "month", "months", "year", "years"]);
  });
});
