import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import { compileText } from "./helpers.js";
import { runJourney, why } from "../../core/engine/index.js";

describe("why", () => {
  const rules = compileText(readFileSync("test/golden/traces/nordic-cto.crmrules", "utf8"));
  const r = runJourney(rules, rules.journeys[0]!.journey);
  it("explains a score by its contributing firings, each with its source", () => {
    const a = why(r, { kind: "score", name: "fit" });
    expect(a.summary).toBe("`fit` is 35 at day 14: decision_maker +20, enterprise +15");
    expect(a.entries.map((e) => e.source.range.start.line + 1)).toEqual([19, 20]);
    expect(why(r, { kind: "score", name: "nope" }).summary).toBe("there is no score named `nope`");
  });
  it("explains the routing decision", () => {
    const a = why(r, { kind: "route" });
    expect(a.summary).toContain("route `inbound` sent the lead to owner kari by enterprise_nordics on day 10");
    expect(a.entries.map((e) => e.kind)).toEqual(["route", "escalation", "escalation"]);
  });
  it("explains why an action was sent or skipped", () => {
    const a = why(r, { kind: "action", name: "send_email" });
    expect(a.entries.map((e) => e.kind === "action" && e.status)).toEqual(["sent", "skipped"]);
    expect(a.summary).toContain("sent on day 10: consent given on day 0");
    expect(a.summary).toContain("skipped on day 13: `unless demo_requested` is true");
    expect(why(r, { kind: "action", name: "other" }).entries).toEqual([]);
  });
});

describe("runFile", () => {
  it("runs the journeys declared in one file, not those of imported files", async () => {
    const { runFile } = await import("../../core/engine/index.js");
    const main = readFileSync("test/golden/traces/nordic-cto.crmrules", "utf8");
    const other = `import "./main.crmrules"\njourney "second" {\n  lead { country: SE }\n  expect stage == new\n}\n`;
    const c = compileText(main, {});
    expect(runFile(c, "/ws/main.crmrules").map((r) => r.journey)).toEqual(["Nordic CTO converts after a webinar"]);
    const { checkWorkspace } = await import("../../core/checker/check.js");
    const { compile } = await import("../../core/engine/index.js");
    const ws = checkWorkspace({ root: "/ws", files: [{ uri: "/ws/main.crmrules", text: main }, { uri: "/ws/second.crmrules", text: other }] });
    const rules = compile(ws, "/ws/second.crmrules");
    const results = runFile(rules, "/ws/second.crmrules");
    expect(results.map((r) => [r.journey, r.passed])).toEqual([["second", true]]);
    expect(results[0]!.source.uri).toBe("/ws/second.crmrules");
  });
});
