import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import { compileText } from "./helpers.js";
import { runJourney, renderTraceText } from "../../core/engine/index.js";

describe("smoke", () => {
  it("runs", () => {
    const rules = compileText(readFileSync("test/engine/fixtures/basic/rules.crmrules", "utf8"));
    const r = runJourney(rules, rules.journeys[0]!.journey);
    console.log(renderTraceText(r));
    console.log(rules.problems);
  });
});
