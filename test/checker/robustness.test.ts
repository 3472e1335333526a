// Half-typed text never crashes the checker, and every diagnostic range stays inside its file.
import fc from "fast-check";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { checkWorkspace } from "../../core/checker/check.js";
import { crmFiles } from "./helpers.js";

const sources = [
  ...crmFiles(resolve(__dirname, "..", "..", "examples", "diagnostics")),
  ...crmFiles(resolve(__dirname, "..", "golden", "diagnostics", "cases")).filter((f) => !f.includes("syntax")),
].map((f) => readFileSync(f, "utf8"));

describe("checker robustness", () => {
  it("checks any prefix of a real file, with any slice removed, without throwing", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: sources.length - 1 }), fc.nat(), fc.nat(), fc.nat({ max: 40 }), (which, cut, at, len) => {
        const src = sources[which]!;
        const prefix = src.slice(0, cut % (src.length + 1));
        const p = at % (prefix.length + 1);
        const text = prefix.slice(0, p) + prefix.slice(p + len);
        const check = checkWorkspace({ root: "/ws", files: [{ uri: "/ws/a.crmrules", text }, { uri: "/ws/schema.crmrules", text: sources[0]! }] });
        for (const d of check.diagnostics) {
          const t = check.files.get(d.uri)!.lines.text;
          expect(d.range.start.offset).toBeLessThanOrEqual(d.range.end.offset);
          expect(d.range.end.offset).toBeLessThanOrEqual(t.length);
          expect(d.message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 150, seed: 42 },
    );
  });

  // Each set's value is computed once per check: without that, `s40 = s39 + s39` takes 2^40 steps
  // (the test's time limit would stop it; no timing is asserted here).
  it("checks sets built from a set named twice, 40 deep, and still judges a route over them", () => {
    const lines = ["lead {\n  country: country\n}", "territory s0 = [NO, SE]"];
    for (let i = 1; i <= 40; i++) lines.push(`territory s${i} = s${i - 1} + s${i - 1}`);
    lines.push('stage mql initial\nroute r on stage mql {\n  rule a: when lead.country in s40 -> queue q\n}\nqueue q "Q"');
    const check = checkWorkspace({ root: "/ws", files: [{ uri: "/ws/a.crmrules", text: lines.join("\n") + "\n" }] });
    const uncovered = check.diagnostics.find((d) => d.code === "CR4002");
    expect(uncovered?.message).toContain("country");
    expect(uncovered?.message).not.toMatch(/"(NO|SE)"/);
  });
});

