import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { FIXTURES, golden, run } from "./harness.js";
import { parseJUnit } from "./xml.js";

describe("crmrules test", () => {
  it("passes every journey of a good workspace and reports coverage", async () => {
    const r = await run(["test"], { cwd: path.join(FIXTURES, "acme-v1") });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("5 passed, 0 failed (5 journeys, 13 expectations)");
    expect(r.stdout).toContain("routing entry  inbound.otherwise  routing.crmrules:10:3");
    golden("test/v1.txt", r.stdout);
  });

  it("shows expected and actual with the source line of each failed expectation, exit code 1", async () => {
    const r = await run(["test", "acme-v2"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("FAIL  Danish director reads the pricing page");
    expect(r.stdout).toMatch(/✗ expect routed to owner kari  at day 3\n +expected: routed to owner kari\n +actual: +owner ben by inbound.denmark\n +--> acme-v2\/journeys\/journeys.crmrules:22:3\n/);
    expect(r.stdout).toMatch(/22 \|   expect routed to owner kari\n +\|   \^{27}\n/);
    golden("test/v2.txt", r.stdout);
  });

  it("writes JSON", async () => {
    const r = await run(["test", "acme-v2", "--format", "json"]);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j.summary).toEqual({ journeys: 5, passed: 2, failed: 3, expectations: 13 });
    const danish = j.journeys.find((x: { name: string }) => x.name.startsWith("Danish"));
    expect(danish.expectations.find((x: { pass: boolean }) => !x.pass)).toMatchObject({ expected: "routed to owner kari", actual: "owner ben by inbound.denmark", line: 22, column: 3 });
    expect(j.coverage.total).toBe(14);
    golden("test/v2.json", r.stdout);
  });

  it("writes JUnit XML that parses, one case per journey", async () => {
    const r = await run(["test", "acme-v2", "--format", "junit"]);
    expect(r.code).toBe(1);
    const x = await parseJUnit(r.stdout);
    expect(x.attrs).toMatchObject({ tests: "5", failures: "3" });
    const cases = x.suites.flatMap((s) => s.cases);
    expect(cases.map((c) => c.attrs.name)).toContain("Nordic CTO books a demo");
    const danish = cases.find((c) => c.attrs.name!.startsWith("Danish"))!;
    expect(danish.failure?.text).toContain("expected: routed to owner kari\n  actual:   owner ben by inbound.denmark");
    expect(cases.find((c) => c.attrs.name === "Nordic CTO books a demo")!.failure).toBeUndefined();
    golden("test/v2.junit.xml", r.stdout.replace(/ time="\d+\.\d{3}"/g, ' time="…"'));
  });

  it("writes GitHub annotations for failed expectations and uncovered rules", async () => {
    const r = await run(["test", "acme-v2", "--format", "github"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('::error file=acme-v2/journeys/journeys.crmrules,line=22,endLine=22,col=3,endColumn=29,title=journey "Danish director reads the pricing page" failed::expect routed to owner kari at day 3: expected routed to owner kari, actual owner ben by inbound.denmark');
    expect(r.stdout).toContain("::notice file=acme-v2/routing.crmrules,line=12");
  });

  it("runs only the journeys --filter names", async () => {
    const r = await run(["test", "acme-v2", "--filter", "NORDIC"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("1 passed, 0 failed (1 journey, 4 expectations)");
  });

  it("says when --filter matches nothing, with the closest name, exit code 2", async () => {
    const r = await run(["test", "acme-v1", "--filter", "swis executive"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("crmrules: no journey name contains `swis executive`; did you mean `Swiss executive at a webinar`?\n");
  });

  it("fails below --min-coverage and passes at or above it", async () => {
    const below = await run(["test", "acme-v1", "--min-coverage", "90"]);
    expect(below.code).toBe(1);
    expect(below.stdout).toContain("(84.6%), below the minimum of 90%");
    const above = await run(["test", "acme-v1", "--min-coverage", "84"]);
    expect(above.code).toBe(0);
    const bad = await run(["test", "acme-v1", "--min-coverage", "lots"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe("crmrules: `--min-coverage lots` must be a percentage from 0 to 100\n");
  });

  it("still runs the journeys when the rules have errors, but says so and exits with 1", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "crmrules-errors-"));
    cpSync(path.join(FIXTURES, "acme-v1"), dir, { recursive: true });
    const routing = path.join(dir, "routing.crmrules");
    writeFileSync(routing, readFileSync(routing, "utf8").replace("-> owner anna", "-> owner anne"));
    const r = await run(["test"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("warning: the rules have 1 error; incomplete declarations are left out of the journeys (see `crmrules check`)\n");
    expect(r.stdout).toContain("PASS  Nordic CTO books a demo");
  });

  it("says when there are no journeys, exit code 2", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "crmrules-nojourney-"));
    writeFileSync(path.join(dir, "a.crmrules"), 'owner kari "kari@acme.example"\n');
    const r = await run(["test"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("crmrules: no journeys found in 1 file\n");
  });
});
