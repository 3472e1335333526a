/**
 * Golden traces: every `.crmrules` file in test/golden/traces runs each of its
 * journeys; the text trace must equal `NAME.trace.txt` beside it.
 * `UPDATE_GOLDEN=1` rewrites the expected files.
 */
import { describe, it, expect } from "vitest";
import { readFileSync, readdirSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { compileText } from "./helpers.js";
import { runJourney, renderTraceText } from "../../core/engine/index.js";

const dir = "test/golden/traces";
const update = process.env["UPDATE_GOLDEN"] === "1";

describe("golden traces", () => {
  for (const name of readdirSync(dir).filter((n) => n.endsWith(".crmrules")).sort()) {
    it(name, () => {
      const rules = compileText(readFileSync(join(dir, name), "utf8"));
      expect(rules.journeys.length).toBeGreaterThan(0);
      const text = rules.journeys.map((j) => renderTraceText(runJourney(rules, j.journey))).join("\n");
      const file = join(dir, name.replace(/\.crmrules$/, ".trace.txt"));
      if (update || !existsSync(file)) {
        if (!update) throw new Error(`missing ${file}; run with UPDATE_GOLDEN=1 to create it`);
        writeFileSync(file, text);
      }
      expect(text).toBe(readFileSync(file, "utf8"));
    });
  }
});
