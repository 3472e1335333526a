/**
 * Every example file is in canonical layout: formatting it changes nothing.
 * The examples are what users copy, so they must look like `crmrules fmt` output.
 */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { format } from "../../core/format/format.js";
import { crmFiles } from "../support/files.js";

const ROOT = join(__dirname, "../../examples");


const files = crmFiles(ROOT);

describe("examples are formatted", () => {
  it("finds the example files", () => {
    expect(files.length).toBeGreaterThan(20);
  });

  for (const f of files) {
    it(`${relative(ROOT, f)} is in canonical layout`, () => {
      const text = readFileSync(f, "utf8");
      expect(format(text)).toBe(text);
    });
  }
});
