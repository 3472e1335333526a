import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { run } from "./harness.js";

describe("crmrules generate (seeded synthetic event logs)", () => {
  it("gives the same log for the same seed and another for another seed", async () => {
    const a = await run(["generate", "acme-v1", "--leads", "20", "--seed", "7"]);
    const b = await run(["generate", "acme-v1", "--leads", "20", "--seed", "7"]);
    const c = await run(["generate", "acme-v1", "--leads", "20", "--seed", "8"]);
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout).not.toBe(c.stdout);
    const records = a.stdout.trim().split("\n").map((l) => JSON.parse(l));
    expect(records.filter((r) => r.type === "lead")).toHaveLength(20);
    expect(records.every((r) => ["lead", "event", "update"].includes(r.type))).toBe(true);
  });

  it("writes a log that simulate replays, and every malformed line it inserts is reported by number", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "crmrules-gen-"));
    const cleanLog = path.join(dir, "clean.jsonl");
    const log = path.join(dir, "log.jsonl");
    expect((await run(["generate", "acme-v1", "--leads", "40", "--seed", "3", "-o", cleanLog])).code).toBe(0);
    expect((await run(["generate", "acme-v1", "--leads", "40", "--seed", "3", "--malformed-every", "25", "-o", log])).code).toBe(0);
    // The malformed log is the clean one with lines inserted: find their numbers by a merge walk.
    const clean = readFileSync(cleanLog, "utf8").trim().split("\n");
    const mixed = readFileSync(log, "utf8").trim().split("\n");
    const inserted: number[] = [];
    let j = 0;
    mixed.forEach((line, i) => {
      if (line === clean[j]) j++;
      else inserted.push(i + 1);
    });
    expect(j).toBe(clean.length);
    expect(inserted.length).toBeGreaterThan(3);
    const s = await run(["simulate", "--events", log, "acme-v1", "--workers", "0"]);
    expect(s.code).toBe(2);
    expect(s.stdout).toMatch(new RegExp(`^replayed 40 leads \\(${clean.length - 40 >= 0 ? "\\d+" : ""} records from ${mixed.length} lines, ${inserted.length} malformed lines skipped\\)`));
    const reported = [...s.stderr.matchAll(/log\.jsonl:(\d+) /g)].map((m) => Number(m[1]));
    expect(reported).toEqual(inserted);
  });

  it("rejects a nonsensical number of leads with a usage error", async () => {
    const r = await run(["generate", "acme-v1", "--leads", "0"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("`--leads 0` must be a whole number from 1 to 100000000");
  });
  it("generates from the workspace's own schema, consent purposes and the literals its rules test", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "crmrules-gen-saas-"));
    writeFileSync(
      path.join(dir, "rules.crmrules"),
      `lead { email: email  country: country  seats: number  plan: text }
event page_view { path: text }
set free_mail = ["gmail.com", "yahoo.com"]
score intent "Intent" {
  rule pricing: +10 on page_view where path starts_with "/pricing"
  rule api_docs: +2 on page_view where path == "/docs/api"
  rule big: +20 when lead.seats >= 50
  rule free: -10 when lead.email.domain in free_mail
  rule pro: +5 when lead.plan == "pro"
}
stage new initial
stage mql when intent >= 20
owner ola "ola@saas.example"
route inbound on stage mql { otherwise -> owner ola }
consent newsletter "Newsletter" { in [CA]: opt_in or implied 6 months after inquiry  otherwise: double_opt_in }
action send_news contact requires newsletter
workflow welcome on stage mql { do send_news }
`,
    );
    const g = await run(["generate", ".", "--leads", "200", "--seed", "4"], { cwd: dir });
    expect(g.code).toBe(0);
    const records = g.stdout.trim().split("\n").map((l) => JSON.parse(l));
    const consents = records.filter((r) => r.event === "consent_given");
    expect(consents.length).toBeGreaterThan(50);
    expect(new Set(consents.map((r) => r.payload.purpose))).toEqual(new Set(["newsletter"]));
    expect(consents.some((r) => r.payload.method === "inquiry")).toBe(true);
    const paths = records.filter((r) => r.event === "page_view").map((r) => r.payload.path as string);
    expect(paths.filter((p) => p.startsWith("/pricing")).length).toBeGreaterThan(paths.length / 5);
    expect(paths).toContain("/docs/api");
    const leads = records.filter((r) => r.type === "lead").map((r) => r.fields);
    expect(leads.filter((f) => f.plan === "pro").length).toBeGreaterThan(20);
    expect(leads.filter((f) => /@(gmail|yahoo)\.com$/.test(f.email ?? "")).length).toBeGreaterThan(20);
    expect(leads.some((f) => f.seats >= 49 && f.seats <= 51)).toBe(true);
    // The log exercises the rules: leads reach mql and the contact action is decided by the consent clauses.
    const s = await run(["simulate", "--events", "-", ".", "--workers", "0", "--format", "json"], { cwd: dir, input: g.stdout });
    const summary = JSON.parse(s.stdout).summary;
    expect(summary.perStage.mql).toBeGreaterThan(20);
    expect((summary.sentPerAction.send_news ?? 0) + (summary.blockedPerAction.send_news ?? 0)).toBeGreaterThan(20);
  });
});
