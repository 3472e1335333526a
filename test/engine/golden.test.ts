/**
 * Golden traces: every `.crmrules` file in test/golden/traces runs each of its
 * journeys; the text trace must equal `NAME.trace.txt` beside it.
 * Compared by test/support/golden.ts (`UPDATE_GOLDEN=1` rewrites the expected files).
 */
import { describe, it, expect } from "vitest";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { compileText } from "./helpers.js";
import { runJourney, renderTraceText } from "../../core/engine/index.js";
import { golden } from "../support/golden.js";

const dir = "test/golden/traces";

describe("golden traces", () => {
  for (const name of readdirSync(dir).filter((n) => n.endsWith(".crmrules")).sort()) {
    it(name, () => {
      const rules = compileText(readFileSync(join(dir, name), "utf8"));
      expect(rules.journeys.length).toBeGreaterThan(0);
      const text = rules.journeys.map((j) => renderTraceText(runJourney(rules, j.journey))).join("\n");
      golden(join(dir, name.replace(/\.crmrules$/, ".trace.txt")), text);
    });
  }
});
