// The golden-file helper (test/support/golden.ts): compare, write under UPDATE_GOLDEN=1, diff, missing files.
import { afterEach, describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { golden, lineDiff } from "./golden.js";

const saved = { UPDATE_GOLDEN: process.env.UPDATE_GOLDEN, CI: process.env.CI };
afterEach(() => {
  for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
  else process.env[k] = v;
});
const env = (update: boolean, ci: boolean) => {
  if (update) process.env.UPDATE_GOLDEN = "1";
  else delete process.env.UPDATE_GOLDEN;
  if (ci) process.env.CI = "true";
  else delete process.env.CI;
};
const dir = () => mkdtempSync(join(tmpdir(), "crm-golden-"));

describe("golden files", () => {
  it("passes when the text equals the file, and fails with a diff when it does not", () => {
    env(false, false);
    const f = join(dir(), "a.txt");
    writeFileSync(f, "one\ntwo\nthree\n");
    golden(f, "one\ntwo\nthree\n");
    expect(() => golden(f, "one\n2\nthree\n")).toThrow(/output differs from golden file .*a\.txt \(UPDATE_GOLDEN=1 rewrites it; review the diff\):\n@@ line 1 @@\n  one\n- two\n\+ 2\n  three/);
  });

  it("writes the text under UPDATE_GOLDEN=1, creating folders", () => {
    env(true, false);
    const f = join(dir(), "deep", "er", "b.txt");
    golden(f, "new\n");
    expect(readFileSync(f, "utf8")).toBe("new\n");
    golden(f, "newer\n");
    expect(readFileSync(f, "utf8")).toBe("newer\n");
  });

  it("fails on a missing file, locally with how to create it, and creates none", () => {
    env(false, false);
    const f = join(dir(), "c.txt");
    expect(() => golden(f, "x")).toThrow("is missing: run `UPDATE_GOLDEN=1 npx vitest run <this test file>` and review it");
    expect(existsSync(f)).toBe(false);
    env(false, true);
    expect(() => golden(f, "x")).toThrow("is missing (CI never creates one)");
    expect(existsSync(f)).toBe(false);
  });

  it("refuses to rewrite under CI", () => {
    env(true, true);
    const f = join(dir(), "d.txt");
    writeFileSync(f, "old\n");
    expect(() => golden(f, "new\n")).toThrow("UPDATE_GOLDEN=1 under CI");
    expect(readFileSync(f, "utf8")).toBe("old\n");
  });
});

describe("line diff", () => {
  it("shows changed lines with three lines of context and the expected text's line numbers, in hunks", () => {
    const a = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`);
    const b = [...a];
    b[2] = "changed 3";
    b.splice(15, 1);
    expect(lineDiff(a.join("\n"), b.join("\n"))).toBe(
      ["@@ line 1 @@", "  line 1", "  line 2", "- line 3", "+ changed 3", "  line 4", "  line 5", "  line 6", "@@ line 13 @@", "  line 13", "  line 14", "  line 15", "- line 16", "  line 17", "  line 18", "  line 19"].join("\n"),
    );
  });

  it("names differences one cannot see: trailing blanks, tabs, CRLF, the final line break", () => {
    expect(lineDiff("a \n", "a\n")).toBe("@@ line 1 @@\n- a·\n+ a\n  ");
    expect(lineDiff("a\tb", "a b")).toBe("@@ line 1 @@\n- a→b\n+ a b");
    expect(lineDiff("a\nb\n", "a\r\nb\r\n")).toContain("(the texts differ only in line breaks: CRLF against LF)");
    expect(lineDiff("a\n", "a")).toContain("(the texts differ only in line breaks at the end)");
  });
});
