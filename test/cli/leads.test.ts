/** Journeys with several leads in the CLI: `test` (and `--explain`), `simulate` (trace, JSON, `--why`/`--why-not` per lead, `--lead`). */
import { describe, expect, it } from "vitest";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO, run } from "./harness.js";

const J = "Three leads, one expectation wrong";

describe("journeys with several leads (CLI)", () => {
  it("test: the example passes; --explain shows the failing lead's own entries and why not", async () => {
    const ok = await run(["test", "examples/team-caps"], { cwd: REPO });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain("1 passed, 0 failed (1 journey, 6 expectations)");
    const r = await run(["test", "team-caps-v2", "--explain"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("  ✗ cai: expect routed to owner lars  at day 0 at 09:20");
    const decided = r.stdout.slice(r.stdout.indexOf("decided by:"), r.stdout.indexOf("why not"));
    // Only cai's route decided it: ana's and ben's picks are other leads' entries.
    expect(decided.match(/route inbound/g)?.length).toBe(1);
    expect(decided).toContain("cai: route inbound: nordics -> team sdr (owner sofia)");
    expect(r.stdout).toContain("why not routed to owner lars: the lead is with team sdr (owner sofia) (by inbound.nordics) at day 0 at 09:20");
  });

  it("simulate: each entry after its lead's name, each lead's state at the end; JSON has leadName and leads", async () => {
    const r = await run(["simulate", J, "team-caps-v2"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("  ben: route inbound: nordics -> team sdr (owner lars)");
    expect(r.stdout).toMatch(/ {2}cai:\n {4}stage: new\n {4}routed by inbound: team sdr \(owner sofia\) \(rule nordics\)/);
    const j = JSON.parse((await run(["simulate", J, "team-caps-v2", "--format", "json"])).stdout);
    expect(j.leads.map((l: { name: string; final: { assignment: { member: string } } }) => `${l.name} ${l.final.assignment.member}`)).toEqual(["ana sofia", "ben lars", "cai sofia"]);
    expect(new Set(j.trace.map((e: { leadName?: string }) => e.leadName))).toEqual(new Set(["ana", "ben", "cai"]));
  });

  it("--why and --why-not answer per lead, or for --lead's; a lead the journey lacks is a usage error", async () => {
    const all = await run(["simulate", J, "team-caps-v2", "--why", "route"]);
    expect(all.stdout.match(/, lead (ana|ben|cai): why route\?/g)).toEqual([", lead ana: why route?", ", lead ben: why route?", ", lead cai: why route?"]);
    const cai = JSON.parse((await run(["simulate", J, "team-caps-v2", "--why", "route", "--lead", "cai", "--format", "json"])).stdout);
    expect(cai.lead).toBe("cai");
    expect(cai.summary).toContain("team sdr (owner sofia)");
    const not = await run(["simulate", J, "team-caps-v2", "--why-not", "routed", "to", "owner", "lars", "--lead", "cai"]);
    expect(not.stdout).toContain(`journey "${J}", lead cai: why not routed to owner lars?`);
    const bad = await run(["simulate", J, "team-caps-v2", "--why", "route", "--lead", "cia"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`the journey "${J}" has no lead named \`cia\`; did you mean \`cai\`?`);
    const one = await run(["simulate", "nordic", "--why", "route", "--lead", "ana"], { cwd: REPO + "/examples/acme" });
    expect(one.code).toBe(2);
    expect(one.stderr).toContain("has one lead; `--lead` picks a lead of a journey with several leads");
  });

  it("diff compares each lead of a journey with several leads on its own", async () => {
    const head = mkdtempSync(join(tmpdir(), "crmrules-leads-"));
    cpSync(join(REPO, "examples/team-caps"), head, { recursive: true });
    const rules = join(head, "rules.crmrules");
    writeFileSync(rules, readFileSync(rules, "utf8").replace("cap 2 per day", "cap 3 per day"));
    const r = await run(["diff", join(REPO, "examples/team-caps"), head, "--format", "json"], { cwd: REPO });
    const changed = JSON.parse(r.stdout).journeys.filter((j: { changes: unknown[] }) => j.changes.length).map((j: { name: string }) => j.name);
    // With a cap of 3 Sofia takes the fifth lead, and the next day's first pick turns to Lars.
    expect(changed).toEqual(["Five leads on a team of two with cap 2 per day, lead eva", "Five leads on a team of two with cap 2 per day, lead fay"]);
  });
});
