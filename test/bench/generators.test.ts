/** The generated benchmark workspace is reproducible, free of errors and of the requested size. */
import { describe, expect, it } from "vitest";
import { generateWorkspace, countLines } from "../../bench/src/gen/workspace.js";
import { checkWorkspace } from "../../core/checker/check.js";

describe("generated workspace", () => {
  it("is reproducible and reaches the requested number of lines", () => {
    const a = generateWorkspace({ seed: 1, lines: 3000, files: 12 });
    const b = generateWorkspace({ seed: 1, lines: 3000, files: 12 });
    expect(a).toEqual(b);
    expect(a.files).toHaveLength(13);
    expect(a.lines).toBeGreaterThanOrEqual(3000);
    expect(a.lines).toBe(a.files.reduce((n, f) => n + countLines(f.text), 0));
  });

  it("checks without errors (warnings such as shadowed routing rules are realistic and allowed)", () => {
    const ws = generateWorkspace({ seed: 20261123, lines: 4000, files: 16 });
    const check = checkWorkspace({ root: ws.root, files: ws.files });
    const errors = check.diagnostics.filter((d) => d.severity === "error");
    expect(errors.map((d) => `${d.uri}:${d.range.start.line + 1} ${d.message}`)).toEqual([]);
    // Every kind of block is present.
    const all = ws.files.map((f) => f.text).join("\n");
    for (const construct of ["score ", "grade ", "team ", "route ", "workflow ", "journey ", "at least", "limit ", "without ", "escalate after", "consent "])
      expect(all).toContain(construct);
  });
});
