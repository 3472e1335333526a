/** `crmrules eval` (one lead as JSON, no journey) and `--why-not` (issue 17, items 1 and 3). */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO, run } from "./harness.js";

const ACME = path.join(REPO, "examples/acme");
const LEADS = path.join(REPO, "examples/leads");
const tmp = () => mkdtempSync(path.join(tmpdir(), "crmrules-eval-"));

describe("crmrules eval", () => {
  it("from a lead exported as JSON to why she was not routed to the Nordic seller, in one command (docs/cli.md)", async () => {
    const r = await run(["eval", "examples/acme", "--lead", "examples/leads/astrid.json", "--events", "examples/leads/astrid-events.jsonl", "--why-not", "routed", "to", "owner", "ingrid"], { cwd: REPO });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const lines = r.stdout.split("\n");
    expect(lines[0]).toBe("lead from examples/leads/astrid.json: why not routed to owner ingrid? (up to the end, day 2)");
    expect(lines[1]).toBe("the lead is with team sdr (owner sofia) (by mql_handover.sdr_qualification) at the end, day 2; none of the 2 rules that send leads to owner ingrid did: `mql_handover.key_accounts`, `sql_to_seller.nordics`");
    expect(r.stdout).toContain("✗ rule key_accounts: when lead.country in nordics and lead.company_size >= 500 -> owner ingrid: not true (lead.company_size = 320)  examples/acme/routing.crmrules:27:3");
    expect(r.stdout).toContain("✗ lead.company_size >= 500: false [lead.company_size = 320]");
    expect(r.stdout).toContain("– on stage sql: the lead never entered `sql`  examples/acme/routing.crmrules:38:1");
  });

  it("prints the outcome and the full trace, each entry with its place in the rules or the input", async () => {
    const r = await run(["eval", ACME, "--lead", path.join(LEADS, "astrid.json"), "--events", path.join(LEADS, "astrid-events.jsonl")], { cwd: LEADS });
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n")[0]).toBe("lead from astrid.json (seed 0) astrid.json:1:1");
    expect(r.stdout).toContain("  event demo_requested  astrid-events.jsonl:3:1");
    expect(r.stdout).toContain("  stage visitor -> mql (forward) [fit_grade = \"A\", engagement = 30]");
    expect(r.stdout).toContain("at the end (day 2)\n  stage: mql\n");
    expect(r.stdout).toContain("  routed by mql_handover: team sdr (owner sofia) (rule sdr_qualification)");
  });

  it("reads the lead from standard input and events as a JSON array; JSON output carries the trace and final state", async () => {
    const d = tmp();
    writeFileSync(path.join(d, "events.json"), JSON.stringify([{ at: 1, event: "demo_requested" }, { at: 2, fields: { company_size: 900 } }]));
    const r = await run(["eval", ACME, "--lead", "-", "--events", "events.json", "--format", "json"], { cwd: d, input: '{"country": "NO", "role": "ceo", "segment": "boatyard", "company_size": 40}' });
    expect(r.stderr).toBe("");
    const j = JSON.parse(r.stdout);
    expect(j.final.stage).toBe("mql");
    expect(j.final.routing[0]).toMatchObject({ route: "mql_handover", rule: "sdr_qualification" });
    expect(j.trace.map((e: { kind: string }) => e.kind)).toContain("update");
    expect(j.trace[0].source.uri).toBe("stdin:");
  });

  it("answers --why, and --why-not in JSON with the condition part by part", async () => {
    const w = await run(["eval", ACME, "--lead", path.join(LEADS, "astrid.json"), "--events", path.join(LEADS, "astrid-events.jsonl"), "--why", "score", "engagement"], { cwd: LEADS });
    expect(w.stdout).toContain("`engagement` is 30 at day 2: demo +30");
    const n = await run(["eval", ACME, "--lead", path.join(LEADS, "astrid.json"), "--why-not", "stage", "mql", "--format", "json"], { cwd: LEADS });
    const j = JSON.parse(n.stdout);
    expect(j.happened).toBe(false);
    expect(j.query).toEqual({ kind: "stage", name: "mql" });
    expect(j.steps[0].condition.op).toBe("or");
    expect(j.steps[0].condition.parts[0].parts[1]).toMatchObject({ text: "engagement >= 40", value: null, missing: ["engagement"] });
  });

  it("a log of one lead: its `lead` record gives the fields and its id the seed bulk replay uses; --id picks one of several", async () => {
    const d = tmp();
    const recs = [
      { type: "lead", lead: "L1", at: 0, fields: { country: "SE", role: "ceo", segment: "boatyard", company_size: 50 } },
      { type: "event", lead: "L1", at: 1, event: "demo_requested" },
      { type: "lead", lead: "L2", at: 0, fields: { country: "DE" } },
    ];
    writeFileSync(path.join(d, "log.jsonl"), recs.map((x) => JSON.stringify(x)).join("\n") + "\n");
    const many = await run(["eval", ACME, "--events", "log.jsonl"], { cwd: d });
    expect(many.code).toBe(2);
    expect(many.stderr).toBe("crmrules: error: log.jsonl: the records are of 2 leads (`L1`, `L2`); pick one with `--id`\n");
    const one = await run(["eval", ACME, "--events", "log.jsonl", "--id", "L1", "--format", "json"], { cwd: d });
    expect(one.stderr).toBe("");
    const j = JSON.parse(one.stdout);
    expect(j.lead).toBe("L1");
    // The same outcome as bulk replay gives the lead.
    const bulk = await run(["simulate", "--events", "log.jsonl", ACME, "--workers", "0", "--out", "-"], { cwd: d });
    const outcome = JSON.parse(bulk.stdout.split("\n")[0]!);
    expect(j.final.stage).toBe(outcome.stage);
    expect(j.final.assignedBy).toBe(outcome.routedBy);
    expect(j.seed).not.toBe(0);
  });

  it("reads a log over the 5 MB limit of a rules file (an event log has none) and picks the lead by --id", async () => {
    const d = tmp();
    const g = await run(["generate", ACME, "--leads", "4000", "--seed", "3", "--out", "big.jsonl"], { cwd: d });
    expect(g.code).toBe(0);
    const { statSync } = await import("node:fs");
    expect(statSync(path.join(d, "big.jsonl")).size).toBeGreaterThan(5 * 1024 * 1024);
    const r = await run(["eval", ACME, "--events", "big.jsonl", "--id", "L000007", "--format", "json"], { cwd: d });
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout).lead).toBe("L000007");
  });

  it("`simulate --events` with --why or --why-not explains one lead of the log", async () => {
    const d = tmp();
    writeFileSync(path.join(d, "log.jsonl"), [{ type: "lead", lead: "L9", at: 0, fields: { country: "FI", role: "ceo", segment: "boatyard", company_size: 700 } }, { type: "event", lead: "L9", at: 3, event: "demo_requested" }].map((x) => JSON.stringify(x)).join("\n"));
    const r = await run(["simulate", "--events", "log.jsonl", ACME, "--why", "route"], { cwd: d });
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain('lead "L9": why route?');
    expect(r.stdout).toContain("route `mql_handover` sent the lead to owner ingrid by key_accounts on day 3");
    const n = await run(["simulate", "--events", "log.jsonl", ACME, "--why-not", "routed", "to", "team", "sdr"], { cwd: d });
    expect(n.stdout).toContain("rule `key_accounts`, written before `sdr_qualification`, matched first (first match wins, §8)");
    const bad = await run(["simulate", "--events", "log.jsonl", ACME, "--why", "route", "--out", "x.jsonl"], { cwd: d });
    expect(bad.code).toBe(2);
  });

  it("judges values as bulk replay and `crmrules validate` do: `XX`, `de` and `\"DE \"` are no country", async () => {
    const d = tmp();
    for (const [value, reason] of [
      ["XX", '"XX" is not an ISO 3166-1 alpha-2 country code'],
      ["de", '"de" is not a country code: codes are upper case ("DE")'],
      ["DE ", '"DE " has spaces around the code; write "DE"'],
    ]) {
      writeFileSync(path.join(d, "lead.json"), JSON.stringify({ country: value }));
      const r = await run(["eval", ACME, "--lead", "lead.json"], { cwd: d });
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`crmrules: error: lead.json:1:12: \`country\`: ${reason}\n`);
    }
  });

  it("every bad input names its place and the value it saw; unknown fields and events are warnings", async () => {
    const d = tmp();
    writeFileSync(path.join(d, "bad.json"), '{\n  "country": "NO",\n  "company_size": "80"\n}');
    const r = await run(["eval", ACME, "--lead", "bad.json"], { cwd: d });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('crmrules: error: bad.json:3:19: `company_size` is "80"; expected a number\n');
    expect(r.stdout).toBe("");
    writeFileSync(path.join(d, "broken.json"), '{"country": "NO",}');
    const b = await run(["eval", ACME, "--lead", "broken.json"], { cwd: d });
    expect(b.stderr).toBe("crmrules: error: broken.json:1:18: not valid JSON (property name expected)\n");
    writeFileSync(path.join(d, "extra.json"), '{"country": "NO", "contry": "SE", "role": "ceo"}');
    writeFileSync(path.join(d, "ev.jsonl"), '{"at": 1, "event": "demo_requestd"}\n{"at": 0, "event": "page_view"}\n{"at": "x", "event": "page_view"}\n');
    const w = await run(["eval", ACME, "--lead", "extra.json", "--events", "ev.jsonl"], { cwd: d });
    expect(w.code).toBe(2);
    expect(w.stderr.split("\n")).toEqual([
      "crmrules: warning: ev.jsonl:1:1: `demo_requestd` is not an event of these rules; no rule reacts to it (did you mean `demo_requested`?)",
      "crmrules: error: ev.jsonl:2:1: day 0 is before the previous record (day 1); records must be in time order",
      "crmrules: error: ev.jsonl:3:1: `at` is not an ISO date-time: `x`",
      "crmrules: warning: extra.json:1:19: `contry` is not a field of the lead in these rules; ignored (did you mean `country`?)",
      "",
    ]);
    const none = await run(["eval", ACME], { cwd: d });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("give the lead: `--lead lead.json`");
  });

  it("--why-not names that do not exist suggest the closest, and a bad moment is a usage error", async () => {
    const lead = path.join(LEADS, "astrid.json");
    const r = await run(["eval", ACME, "--lead", lead, "--why-not", "rule", "price_page"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("crmrules: there is no score rule named `price_page`; did you mean `engagement.price_pages`?\n");
    const m = await run(["eval", ACME, "--lead", lead, "--why-not", "stage", "mql", "at", "day", "x"]);
    expect(m.code).toBe(2);
    expect(m.stderr).toContain("`at day x` is not `at day N`");
  });
});

describe("crmrules simulate --why-not", () => {
  it("explains a journey's non-outcome at a day", async () => {
    const r = await run(["simulate", "Finnish lead is called", ACME, "--why-not", "rule", "engagement.price_pages", "at", "day", "2"], { cwd: REPO });
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n").slice(0, 2)).toEqual([
      'journey "Finnish lead is called within the SLA": why not rule engagement.price_pages? (up to the end of day 2)',
      "`engagement.price_pages` never fired by the end of day 2: it listens for `page_view`, and no page_view event happened",
    ]);
  });
});
