// Golden formatter tests: each `test/golden/format/NAME.crmrules` is formatted
// and compared with `NAME.formatted.crmrules` beside it. Run with
// `UPDATE_GOLDEN=1` to rewrite the expected files (review the diff; test/support/golden.ts).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { format } from "../../core/format/format.js";
import { parse } from "../../core/syntax/parse.js";
import { golden } from "../support/golden.js";

const dir = join(__dirname, "..", "golden", "format");
const inputs = readdirSync(dir)
  .filter((n) => n.endsWith(".crmrules") && !n.endsWith(".formatted.crmrules"))
  .sort();

describe("formatter goldens", () => {
  it("finds the golden inputs", () => {
    expect(inputs.length).toBeGreaterThanOrEqual(8);
  });

  for (const name of inputs) {
    it(name, () => {
      const input = readFileSync(join(dir, name), "utf8");
      const goldenPath = join(dir, name.replace(/\.crmrules$/, ".formatted.crmrules"));
      const actual = format(input);
      golden(goldenPath, actual);
      // The expected output is itself formatted, and formatting never changes what parses.
      expect(format(actual)).toBe(actual);
      expect(parse(actual).diagnostics.map((d) => d.message)).toEqual(parse(input).diagnostics.map((d) => d.message));
    });
  }
});
