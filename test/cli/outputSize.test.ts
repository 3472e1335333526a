// Output stays proportionate to the input: cascades are limited per file (CR1023) and each source
// excerpt shows at most a window of a long line (cli/output/caret.ts).
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { excerpt, excerptWindow, MAX_EXCERPT_WIDTH } from "../../cli/output/caret.js";
import { LineIndex } from "../../core/text/positions.js";
import { run } from "./harness.js";

const longLine = (n: number) => `journey "x" {\n  lead { country ${"NO, ".repeat(n)}\n}\n`;

function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), "crmrules-size-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

describe("crmrules check on an error-dense file", () => {
  it("a 12 KB journey line gives a few KB of text, not 163 MB", async () => {
    const dir = workspace({ "a.crmrules": longLine(3000) });
    const r = await run(["check", "a.crmrules"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout.length).toBeLessThan(8_000);
    expect(r.stdout).toContain("2981 more syntax errors in this file are not shown");
    expect(r.stdout.trimEnd().endsWith("22 errors in 1 file")).toBe(true);
    const excerpts = r.stdout.split("\n").filter((l) => /^\d+ \| /.test(l));
    expect(excerpts.length).toBe(22);
    for (const line of excerpts) expect(line.length).toBeLessThanOrEqual(MAX_EXCERPT_WIDTH + 4);
  }, 60_000);

  it("a 48 KB line ends normally in text, json and sarif (it was `RangeError: Invalid string length`)", async () => {
    const dir = workspace({ "a.crmrules": longLine(12000) });
    for (const format of ["text", "json", "sarif"]) {
      const r = await run(["check", "a.crmrules", "--format", format], { cwd: dir });
      expect(r.stderr, format).toBe("");
      expect(r.code, format).toBe(1);
      expect(r.stdout.length, format).toBeLessThan(40_000);
      if (format === "json") expect(JSON.parse(r.stdout).diagnostics.length).toBe(22);
    }
  }, 120_000);
});

describe("source excerpts of long lines", () => {
  it("shows a line that fits whole, with the caret under the range", () => {
    expect(excerptWindow("stage mql when fitt >= 20", 15, 19)).toEqual({ text: "stage mql when fitt >= 20", caretStart: 15, caretWidth: 4 });
  });

  it("cuts a long line to a window around the range, with ellipses, whatever the line's length", () => {
    const raw = "a".repeat(5000) + "TARGET" + "b".repeat(5_000_000);
    const w = excerptWindow(raw, 5000, 5006);
    expect(w.text.length).toBeLessThanOrEqual(MAX_EXCERPT_WIDTH);
    expect(w.text.startsWith("…") && w.text.endsWith("…")).toBe(true);
    expect(w.text.slice(w.caretStart, w.caretStart + w.caretWidth)).toBe("TARGET");
  });

  it("near the end of a long line shows the text before the range", () => {
    const raw = "x".repeat(300) + "END";
    const w = excerptWindow(raw, 300, 303);
    expect(w.text.endsWith("END")).toBe(true);
    expect(w.text.length).toBe(MAX_EXCERPT_WIDTH - 1);
    expect(w.text.slice(w.caretStart, w.caretStart + w.caretWidth)).toBe("END");
  });

  it("clips a range longer than the window to the window", () => {
    const raw = "q ".repeat(1000);
    const w = excerptWindow(raw, 10, 1500);
    expect(w.caretStart + w.caretWidth).toBeLessThanOrEqual(w.text.length);
  });

  it("renders the excerpt lines of a long line short", () => {
    const text = "lead { country " + "NO, ".repeat(3000);
    const lines = excerpt(text, { start: { line: 0, character: 9000, offset: 9000 }, end: { line: 0, character: 9002, offset: 9002 } });
    for (const l of lines) expect(l.length).toBeLessThan(MAX_EXCERPT_WIDTH + 10);
    expect(new LineIndex(text).lineCount).toBe(1);
  });
});
