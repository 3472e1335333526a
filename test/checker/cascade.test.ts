// Cascades after syntax errors are limited per file (core/diagnostics/cascade.ts): the first 20 syntax
// errors and a CR1023 count, no echoes after a syntax error on its line, at most 100 other findings.
import { describe, expect, it } from "vitest";
import { MAX_OTHER_WITH_SYNTAX_ERRORS, MAX_SYNTAX_ERRORS } from "../../core/diagnostics/cascade.js";
import { checkSources } from "./helpers.js";

const longLine = (n: number) => `journey "x" {\n  lead { country ${"NO, ".repeat(n)}\n}\n`;

describe("error cascades are limited per file", () => {
  it("a 12 KB line of `NO, ` after a missing `:` gives 22 diagnostics, not 8,999", () => {
    const c = checkSources({ "a.crmrules": longLine(3000) });
    const ds = c.diagnosticsOf("/ws/a.crmrules");
    expect(ds.length).toBe(22);
    expect(ds.filter((d) => d.code.startsWith("CR100")).length).toBe(MAX_SYNTAX_ERRORS);
    const summary = ds.find((d) => d.code === "CR1023")!;
    expect(summary.message).toBe("2981 more syntax errors in this file are not shown (the first 20 syntax errors are); fix the syntax errors first, since later findings are often caused by them");
    // The finding before the first syntax error on the line stays; the echoes after it go.
    expect(ds.filter((d) => d.code === "CR3001").map((d) => d.message)).toEqual(["the lead has no field `country`"]);
    expect(c.diagnostics).toEqual(ds);
  });

  it("the 48 KB line is as short", () => {
    expect(checkSources({ "a.crmrules": longLine(12000) }).diagnostics.length).toBe(22);
  });

  it("a cascade over many lines keeps 100 other findings and counts the rest", () => {
    const c = checkSources({ "a.crmrules": `journey "x" {\n  lead { country ${"NO,\n".repeat(3000)}\n}\n` });
    const ds = c.diagnostics;
    expect(ds.length).toBe(MAX_SYNTAX_ERRORS + MAX_OTHER_WITH_SYNTAX_ERRORS + 1);
    expect(ds.find((d) => d.code === "CR1023")!.message).toMatch(/^2981 more syntax errors and 5898 more findings in this file are not shown \(the first 20 syntax errors and 100 other findings are\)/);
    // Sorted still.
    const offsets = ds.map((d) => d.range.start.offset);
    expect([...offsets].sort((a, b) => a - b)).toEqual(offsets);
  });

  it("a file without syntax errors reports every finding; other files are not limited by one file's errors", () => {
    const fields = Array.from({ length: 150 }, (_, i) => `stage s${i} when lead.f${i} > 1`).join("\n");
    const c = checkSources({ "lead.crmrules": "lead { size: number }\n", "clean.crmrules": fields + "\n", "broken.crmrules": longLine(100) });
    expect(c.diagnosticsOf("/ws/clean.crmrules").filter((d) => d.code === "CR3001").length).toBe(150);
    expect(c.diagnosticsOf("/ws/clean.crmrules").some((d) => d.code === "CR1023")).toBe(false);
    expect(c.diagnosticsOf("/ws/broken.crmrules").some((d) => d.code === "CR1023")).toBe(true);
  });

  it("keeps findings before a syntax error on its line and on other lines", () => {
    const c = checkSources({ "a.crmrules": "lead { size: number }\nstage a when lead.sze > 1 )\nstage b when lead.siz > 2\n" });
    const got = c.diagnostics.map((d) => `${d.range.start.line + 1} ${d.code}`);
    expect(got).toContain("2 CR3001");
    expect(got).toContain("3 CR3001");
    expect(got.some((g) => g.endsWith("CR1023"))).toBe(false);
  });
});
