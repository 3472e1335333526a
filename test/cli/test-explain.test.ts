/** `crmrules test --explain` and `test --format sarif` (issue 17, item 4): failures explained, and pointed at the failed `expect` line. */
import { describe, expect, it } from "vitest";
import { run } from "./harness.js";
import { validateJUnit, validateSarif } from "./schemas.js";

describe("crmrules test --explain", () => {
  it("prints, under each failed expectation, the trace entries that decided it and why not", async () => {
    const r = await run(["test", "acme-v2", "--explain"]);
    expect(r.code).toBe(1);
    const danish = r.stdout.slice(r.stdout.indexOf("FAIL  Danish"), r.stdout.indexOf("FAIL  German"));
    expect(danish).toContain(
      [
        "      decided by:",
        '        day 3: route inbound: denmark -> owner ben (entered mql: first matching rule) [lead.country = "DK"]  acme-v2/routing.crmrules:9:3',
        "      why not routed to owner kari: the lead is with owner ben (by inbound.denmark) at day 3; the one rule that sends leads to owner kari did not: `inbound.nordics`",
        "        ✗ inbound.nordics -> owner kari: route `inbound` ran on day 3 and rule `denmark`, written before `nordics`, matched first (first match wins, §8)  acme-v2/routing.crmrules:10:3",
      ].join("\n"),
    );
    const german = r.stdout.slice(r.stdout.indexOf("FAIL  German"));
    // A stage expectation: the stage moves and the changes of the scores the stage's condition reads.
    expect(german).toContain("        day 2: score engagement: pricing +10 event: 5 -> 15 [url = \"/pricing\"]  acme-v2/scoring.crmrules:13:3");
    expect(german).toContain("      why not stage mql: the lead is in `new` at day 2: `mql` needs `fit >= 20 and engagement >= 25`, which is false (engagement = 15)");
    expect(german).toContain("      decided by: nothing in the trace before it (no workflow step called `send_email`)");
    // Without --explain, none of it.
    const plain = await run(["test", "acme-v2"]);
    expect(plain.stdout).not.toContain("decided by");
  });

  it("JSON carries each failed expectation's explanation; JUnit's failure names the failed `expect` line and explains it", async () => {
    const j = JSON.parse((await run(["test", "acme-v2", "--explain", "--format", "json"])).stdout);
    const danish = j.journeys.find((x: { name: string }) => x.name.startsWith("Danish"));
    const failed = danish.expectations.find((x: { pass: boolean }) => !x.pass);
    expect(failed.line).toBe(22);
    expect(failed.explanation.entries.map((e: { kind: string }) => e.kind)).toEqual(["route"]);
    expect(failed.explanation.whyNot.question).toBe("routed to owner kari");
    const xml = (await run(["test", "acme-v2", "--explain", "--format", "junit"])).stdout;
    expect(validateJUnit(xml)).toEqual([]);
    expect(xml).toMatch(/<testcase name="Danish director reads the pricing page"[^>]* file="[^"]*acme-v2\/journeys\/journeys.crmrules" line="22"/);
    expect(xml).toContain("decided by:");
  });

  it("SARIF: one result per failed expectation at its `expect` line, the deciding entries as related locations; a valid log", async () => {
    const r = await run(["test", "acme-v2", "--explain", "--format", "sarif"]);
    expect(r.code).toBe(1);
    const log = JSON.parse(r.stdout);
    expect(validateSarif(log)).toEqual([]);
    const results = log.runs[0].results.filter((x: { ruleId: string }) => x.ruleId === "expectation-failed");
    expect(results.length).toBe(6);
    const danish = results.find((x: { message: { text: string } }) => x.message.text.startsWith('journey "Danish'));
    expect(danish.message.text).toBe('journey "Danish director reads the pricing page": expect routed to owner kari at day 3: expected routed to owner kari, actual owner ben by inbound.denmark');
    expect(danish.locations[0].physicalLocation.region).toMatchObject({ startLine: 22, startColumn: 3 });
    expect(danish.relatedLocations.map((l: { message: { text: string } }) => l.message.text)).toEqual(['journey "Danish director reads the pricing page"', 'day 3: route inbound: denmark -> owner ben (entered mql: first matching rule) [lead.country = "DK"]']);
    expect(danish.properties.whyNot).toContain("the one rule that sends leads to owner kari did not");
    expect(log.runs[0].results.some((x: { ruleId: string; level: string }) => x.ruleId === "not-covered" && x.level === "note")).toBe(true);
  });
});
