/**
 * `diff --events` validates the data as `simulate --events` does (issue 14 item 3, docs/data.md
 * "Validation"): every problem reported with its place and counted in the report, no invalid
 * value used by either version (the old version also drops what only the new schema accepts),
 * and `--strict` turns any problem into exit code 1.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { run } from "./harness.js";

const dir = mkdtempSync(path.join(tmpdir(), "crmrules-diff-strict-"));
const RULES = (roles: string) => `lead { email: email  country: country  role: enum(${roles}) }
event demo_requested
score fit "Fit" {
  rule not_cto: +10 when lead.role != cto
}
`;
const line = (o: object) => JSON.stringify(o);

beforeAll(() => {
  mkdirSync(path.join(dir, "base"));
  mkdirSync(path.join(dir, "head"));
  writeFileSync(path.join(dir, "base/rules.crmrules"), RULES("cto, ceo"));
  // The change adds the role `vp`.
  writeFileSync(path.join(dir, "head/rules.crmrules"), RULES("cto, ceo, vp"));
  writeFileSync(
    path.join(dir, "log.jsonl"),
    [
      // A: `vp` is valid for the new rules only; the old ones must not use it (used, `vp != cto` would score 10 on both sides).
      line({ type: "lead", lead: "A", at: 0, fields: { email: "a@b.example", country: "NO", role: "vp" } }),
      line({ type: "event", lead: "A", at: 1, event: "demo_requested" }),
      // B: invalid for both (a lower-case country, a capitalised role, an unknown event).
      line({ type: "lead", lead: "B", at: 0, fields: { email: "b@b.example", country: "de", role: "CEO" } }),
      line({ type: "event", lead: "B", at: 1, event: "webinar" }),
      line({ type: "lead", lead: "C", at: 0, fields: { email: "c@b.example", country: "SE", role: "ceo" } }),
    ].join("\n") + "\n",
  );
  writeFileSync(path.join(dir, "clean.jsonl"), line({ type: "lead", lead: "C", at: 0, fields: { email: "c@b.example", country: "SE", role: "ceo" } }) + "\n");
});

const PLACES = [
  'crmrules: log.jsonl:3 fields.country: "de" is not a country code: codes are upper case ("DE"); the value is not used [invalid-country]',
  'crmrules: log.jsonl:3 fields.role: "CEO" is not one of `cto`, `ceo`, `vp`; did you mean `ceo`?; the value is not used [invalid-enum]',
  "crmrules: log.jsonl:4 event: the schema has no event `webinar`; the record is left out [unknown-event]",
];

describe("diff --events checks the data as simulate does", () => {
  it("reports each problem with its place, counts them in the report and uses no invalid value on either side", async () => {
    const r = await run(["diff", "base", "head", "--events", "log.jsonl", "--format", "json"], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr.trim().split("\n")).toEqual(PLACES);
    const log = JSON.parse(r.stdout).log;
    expect(log.dataProblems).toEqual({ count: 3, perKind: { "invalid-country": 1, "invalid-enum": 1, "unknown-event": 1 } });
    expect(log.oldSchemaProblems).toEqual({ count: 1, perKind: { "invalid-enum": 1 } });
    // Only A changes: the old rules do not know `vp`, so its role is unknown there and `not_cto` does not hold.
    expect(log.examples).toEqual([{ lead: "A", changes: [{ what: "score fit", before: "unscored", after: "10", causes: ["lead field role"] }] }]);
    // simulate through the new rules sees the same problems at the same places.
    const sim = await run(["simulate", "--events", "log.jsonl", "head"], { cwd: dir });
    expect(sim.stderr.trim().split("\n")).toEqual(PLACES);
  }, 60_000);

  it("the text report says how many problems there were, and of which kinds", async () => {
    const r = await run(["diff", "base", "head", "--events", "log.jsonl"], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      "event log log.jsonl: 1 of 3 leads change (0 change stage, 0 change owner); 3 problems with the data (invalid values and records are not used; 1 invalid-country, 1 invalid-enum, 1 unknown-event; `crmrules validate` lists them); 1 value the old version's schema does not accept, left out of its replay (1 invalid-enum)\n",
    );
  }, 60_000);

  it("--strict: any problem is exit code 1, with the same report; a clean log is 0; without --events it is a usage error", async () => {
    const strict = await run(["diff", "base", "head", "--events", "log.jsonl", "--strict", "--format", "json"], { cwd: dir });
    expect(strict.code).toBe(1);
    expect(strict.stderr.trim().split("\n")).toEqual(PLACES);
    expect(JSON.parse(strict.stdout).log.dataProblems.count).toBe(3);
    const clean = await run(["diff", "base", "head", "--events", "clean.jsonl", "--strict"], { cwd: dir });
    expect(clean.stderr).toBe("");
    expect(clean.code).toBe(0);
    const alone = await run(["diff", "base", "head", "--strict"], { cwd: dir });
    expect(alone.code).toBe(2);
    expect(alone.stderr).toBe("crmrules: `--strict` checks the data of `--events`; give `--events SOURCE`\n");
  }, 60_000);

  it("a malformed line is exit code 2 with or without --strict", async () => {
    writeFileSync(path.join(dir, "broken.jsonl"), "{not json\n" + line({ type: "lead", lead: "C", at: 0, fields: { country: "SE" } }) + "\n");
    for (const extra of [[], ["--strict"]]) {
      const r = await run(["diff", "base", "head", "--events", "broken.jsonl", ...extra], { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^crmrules: broken\.jsonl:1 not valid JSON/);
    }
  }, 60_000);
});
