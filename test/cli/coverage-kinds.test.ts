/** Coverage of more than rules (issue 17, item 7): stages, workflows, steps, actions sent and blocked, expectations per file; per-kind minimums; lcov and JSON reports. */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { run } from "./harness.js";
import { parseMinimums } from "../../cli/coverage.js";

describe("coverage of every kind", () => {
  it("text: one line per kind and the expectations per file; JSON: the same as data", async () => {
    const r = await run(["test", "acme-v2"]);
    expect(r.stdout).toContain(["stages: 3 of 3 entered (100%)", "workflows: 1 of 1 started (100%)", "steps: 2 of 2 run (100%)", "actions: 2 of 2 sent (100%)", "blocked: 0 of 1 seen blocked (0%)", "expectations: 7 of 13 passed in 1 file", "  acme-v2/journeys/journeys.crmrules: 7 of 13 passed"].join("\n"));
    const j = JSON.parse((await run(["test", "acme-v2", "--format", "json"])).stdout);
    const blocked = j.coverage.kinds.find((k: { kind: string }) => k.kind === "blocked");
    expect(blocked).toMatchObject({ covered: 0, total: 1, percent: 0, minimum: null, notExercised: [{ name: "send_email", file: "acme-v2/routing.crmrules", line: 22, column: 1 }] });
    expect(j.coverage.expectationsPerFile).toEqual([{ file: "acme-v2/journeys/journeys.crmrules", passed: 7, total: 13 }]);
    const v = await run(["test", "acme-v2", "--verbose"]);
    expect(v.stdout).toContain("    not seen blocked: send_email  acme-v2/routing.crmrules:22:1");
  });

  it("per-kind minimums: below one fails (exit 1) and says which; a bad list is a usage error naming the kinds", async () => {
    const ok = await run(["test", "acme-v1", "--min-coverage", "rules=80,stages=100"]);
    expect(ok.code).toBe(0);
    const low = await run(["test", "acme-v2", "--filter", "Nordic", "--min-coverage", "stages=100,blocked=50"]);
    expect(low.code).toBe(1);
    expect(low.stdout).toContain("blocked: 0 of 1 seen blocked (0%), below the minimum of 50%");
    const bad = await run(["test", "acme-v1", "--min-coverage", "rules=90,stage=100"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe("crmrules: `--min-coverage rules=90,stage=100`: `stage=100` is not KIND=PERCENT (kinds: rules, stages, workflows, steps, actions, blocked)\n");
    expect(parseMinimums("85%")).toEqual(new Map([["rules", 85]]));
    expect(() => parseMinimums("stages=101")).toThrow("must be a percentage from 0 to 100");
  });

  it("--coverage-out writes an lcov tracefile (journeys per item) or JSON", async () => {
    const d = mkdtempSync(path.join(tmpdir(), "crmrules-cov-"));
    const lcov = path.join(d, "coverage.lcov");
    const r = await run(["test", "acme-v1", "--coverage-out", lcov]);
    expect(r.code).toBe(0);
    const text = readFileSync(lcov, "utf8");
    const scoring = text.slice(text.indexOf("SF:acme-v1/scoring.crmrules"));
    expect(scoring.split("\n").slice(0, 1)).toEqual(["SF:acme-v1/scoring.crmrules"]);
    expect(scoring).toMatch(/FN:\d+,stages: mql\n/);
    expect(scoring).toMatch(/FNDA:\d+,stages: mql\n/);
    expect(scoring).toContain("end_of_record");
    expect(text).toContain("SF:acme-v1/routing.crmrules\n");
    expect(text).toMatch(/FNDA:0,rules: routing entry inbound.otherwise/);
    const json = path.join(d, "coverage.json");
    await run(["test", "acme-v1", "--coverage-out", json]);
    const j = JSON.parse(readFileSync(json, "utf8"));
    expect(j.kinds.map((k: { kind: string }) => k.kind)).toEqual(["rules", "stages", "workflows", "steps", "actions", "blocked"]);
    expect(j.kinds[1].items.find((i: { name: string }) => i.name === "mql").journeys).toBeGreaterThan(0);
  });
});
