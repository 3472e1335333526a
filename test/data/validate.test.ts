/**
 * Validation (issue 14 item 3, docs/data.md "Validation"): every kind of invalid value is reported
 * with its place, column, value and reason, and never used: a replay of a log with an invalid value
 * gives exactly the outcome of the same log without it. `crmrules validate` groups and counts the
 * problems in text, JSON and SARIF; `simulate --strict` exits with 1 on any.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { valueProblem, validateRecord } from "../../core/data/validate.js";
import { replayLog, type DataProblem, type LeadOutcome, type RulesSpec } from "../../runtime/bulk/index.js";
import { loadWorkspace } from "../../cli/files.js";
import { checkWorkspace } from "../../core/checker/check.js";
import { compile } from "../../core/engine/index.js";
import { run } from "../cli/harness.js";

const REPO = path.resolve(__dirname, "../..");
const ws = loadWorkspace([path.join(REPO, "examples/acme")], { cwd: REPO });
const check = checkWorkspace({ root: ws.root, files: ws.files });
const fromUri = [...check.files.keys()].find((u) => u.endsWith("/workflows.crmrules"))!;
const spec: RulesSpec = { root: ws.root, files: ws.files, fromUri };
const schema = compile(check, fromUri);
const dir = mkdtempSync(path.join(tmpdir(), "crmrules-validate-"));

async function replay(lines: string[], workers = 0): Promise<{ outcomes: LeadOutcome[]; problems: DataProblem[] }> {
  const outcomes: LeadOutcome[] = [];
  const problems: DataProblem[] = [];
  await replayLog({ rules: spec, input: lines, workers, onOutcome: (o) => outcomes.push(o), onProblem: (p) => problems.push(p) });
  return { outcomes, problems };
}

const rec = (o: object) => JSON.stringify(o);
const lead = (fields: object, id = "A") => rec({ type: "lead", lead: id, at: 0, fields });
const ev = (event: string, payload: object = {}, at = 1, id = "A") => rec({ type: "event", lead: id, at, event, payload });
const BASE = { email: "kari@fjord-marine.example", country: "NO", role: "ceo", company_size: 800, segment: "boatyard" };

describe("values against the schema", () => {
  it("a country is an upper-case ISO 3166-1 alpha-2 code: de, XX, [DE], 'DE ' and Germany are not", () => {
    const country = { type: "country", values: [], element: null };
    expect(valueProblem(country, "DE")).toBeNull();
    expect(valueProblem(country, "de")).toEqual({ kind: "invalid-country", reason: '"de" is not a country code: codes are upper case ("DE")' });
    expect(valueProblem(country, "XX")).toEqual({ kind: "invalid-country", reason: '"XX" is not an ISO 3166-1 alpha-2 country code' });
    expect(valueProblem(country, ["DE"])?.kind).toBe("invalid-country");
    expect(valueProblem(country, "DE ")?.reason).toBe('"DE " has spaces around the code; write "DE"');
    expect(valueProblem(country, "Germany")?.reason).toMatch(/is not a country code .*mapped to codes in a mapping/);
    expect(valueProblem(country, 49)?.kind).toBe("invalid-country");
  });

  it("types, enums, dates, emails and lists", () => {
    expect(valueProblem({ type: "number", values: [], element: null }, "5000")?.reason).toBe('"5000" is text; the field is a number (write 5000 without quotes)');
    expect(valueProblem({ type: "number", values: [], element: null }, 5000)).toBeNull();
    expect(valueProblem({ type: "boolean", values: [], element: null }, "yes")?.kind).toBe("invalid-type");
    expect(valueProblem({ type: "text", values: [], element: null }, 12)?.kind).toBe("invalid-type");
    expect(valueProblem({ type: "enum", values: ["ceo", "cfo"], element: null }, "CEO")?.reason).toBe('"CEO" is not one of `ceo`, `cfo`; did you mean `ceo`?');
    expect(valueProblem({ type: "date", values: [], element: null }, "2026-02-30")?.kind).toBe("invalid-date");
    expect(valueProblem({ type: "date", values: [], element: null }, "March 7")?.kind).toBe("invalid-date");
    expect(valueProblem({ type: "email", values: [], element: null }, "kari at fjord")?.kind).toBe("invalid-email");
    expect(valueProblem({ type: "list", values: [], element: "text" }, "radar")?.kind).toBe("invalid-type");
    expect(valueProblem({ type: "list", values: [], element: "number" }, [1, "2"])?.reason).toMatch(/^item "2": /);
  });

  it("unknown events and purposes leave the record out; a withdrawal of an unknown purpose withdraws every purpose", () => {
    const r = (event: string, payload: object) => ({ type: "event" as const, lead: "A", at: 1, event, payload: payload as Record<string, never> });
    expect(validateRecord(schema, r("webinar_joined", {}))).toMatchObject({ record: null, problems: [{ kind: "unknown-event" }] });
    expect(validateRecord(schema, r("consent_given", { purpose: "newsletter", method: "checkbox" }))).toMatchObject({ record: null, problems: [{ kind: "unknown-purpose" }] });
    expect(validateRecord(schema, r("consent_given", { purpose: "email_marketing", method: "Double Opt-In" }))).toMatchObject({ record: null, problems: [{ kind: "invalid-consent-method" }] });
    expect(validateRecord(schema, r("consent_withdrawn", { purpose: "Email Marketing" }))).toMatchObject({ record: { event: "unsubscribed", payload: {} }, problems: [{ kind: "unknown-purpose" }] });
  });
});

describe("an invalid value is reported and never used", () => {
  // Each case: a log with the problem, the same log without it (what the replay must equal), the kind reported.
  const cases: { name: string; bad: string[]; clean: string[]; kind: string; column: string }[] = [
    { name: "a number written as text", bad: [lead({ ...BASE, company_size: "5000" }), ev("demo_requested")], clean: [lead({ ...BASE, company_size: undefined }), ev("demo_requested")], kind: "invalid-type", column: "fields.company_size" },
    { name: "an enum value in the wrong case", bad: [lead({ ...BASE, role: "CEO" }), ev("demo_requested")], clean: [lead({ ...BASE, role: undefined }), ev("demo_requested")], kind: "invalid-enum", column: "fields.role" },
    { name: "a lower-case country", bad: [lead({ ...BASE, country: "no" }), ev("demo_requested")], clean: [lead({ ...BASE, country: undefined }), ev("demo_requested")], kind: "invalid-country", column: "fields.country" },
    { name: "an unknown field", bad: [lead({ ...BASE, colour: "red" }), ev("demo_requested")], clean: [lead(BASE), ev("demo_requested")], kind: "unknown-field", column: "fields.colour" },
    { name: "an unknown event", bad: [lead(BASE), ev("webinar_joined"), ev("demo_requested", {}, 2)], clean: [lead(BASE), ev("demo_requested", {}, 2)], kind: "unknown-event", column: "event" },
    { name: "an unknown payload field", bad: [lead(BASE), ev("page_view", { url: "/pricing", ref: "ad" })], clean: [lead(BASE), ev("page_view", { url: "/pricing" })], kind: "unknown-payload-field", column: "payload.ref" },
    { name: "an invalid payload value", bad: [lead(BASE), ev("content_downloaded", { asset: "White Paper" })], clean: [lead(BASE), ev("content_downloaded", {})], kind: "invalid-enum", column: "payload.asset" },
    { name: "an unknown purpose", bad: [lead(BASE), ev("consent_given", { purpose: "newsletter", method: "checkbox" }), ev("content_downloaded", { asset: "white_paper" }, 2)], clean: [lead(BASE), ev("content_downloaded", { asset: "white_paper" }, 2)], kind: "unknown-purpose", column: "payload.purpose" },
    { name: "a duplicate lead record", bad: [lead(BASE), ev("demo_requested"), rec({ type: "lead", lead: "A", at: 2, fields: { country: "US" } })], clean: [lead(BASE), ev("demo_requested")], kind: "duplicate-lead", column: "type" },
    { name: "an invalid value in an update makes the field missing", bad: [lead(BASE), rec({ type: "update", lead: "A", at: 1, fields: { company_size: "lots" } }), ev("demo_requested", {}, 2)], clean: [lead(BASE), rec({ type: "update", lead: "A", at: 1, fields: { company_size: null } }), ev("demo_requested", {}, 2)], kind: "invalid-type", column: "fields.company_size" },
  ];
  for (const c of cases)
    it(c.name, async () => {
      const bad = await replay(c.bad);
      const clean = await replay(c.clean);
      expect(clean.problems).toEqual([]);
      expect(bad.problems.map((p) => [p.kind, p.column, p.lead])).toEqual([[c.kind, c.column, "A"]]);
      expect({ ...bad.outcomes[0], records: 0 }).toEqual({ ...clean.outcomes[0], records: 0 });
      // With workers the reader sends the checked records: the same outcomes.
      expect((await replay(c.bad, 1)).outcomes).toEqual(bad.outcomes);
    });

  it("events before their lead and of no lead are reported", async () => {
    const r = await replay([ev("demo_requested", {}, 0, "B"), rec({ type: "lead", lead: "B", at: 1, fields: BASE }), ev("demo_requested", {}, 1, "C")]);
    expect(r.problems.map((p) => [p.kind, p.line, p.lead])).toEqual([["before-lead", 2, "B"], ["no-lead", 3, "C"]]);
  });
});

describe("crmrules validate", () => {
  const log = path.join(dir, "bad.jsonl");
  writeFileSync(log, [lead({ ...BASE, country: "de", colour: "red" }), ev("webinar_joined"), "not json", lead(BASE, "B")].join("\n") + "\n");

  it("lists each problem with its line, column, value and reason, grouped by kind and counted; exit code 1", async () => {
    const r = await run(["validate", log, path.join(REPO, "examples/acme")], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("bad.jsonl: 4 problems in 2 leads (2 records kept from 4 lines)");
    expect(r.stdout).toContain('\ninvalid-country (1): a country that is not an ISO 3166-1 alpha-2 code (`DE`)\n  bad.jsonl:1  fields.country  "de": "de" is not a country code: codes are upper case ("DE"); the value is not used\n');
    expect(r.stdout).toContain("\nmalformed (1): ");
    expect(r.stdout).toContain("  bad.jsonl:3: not valid JSON");
    expect(r.stdout).toContain("\nunknown-event (1): ");
    expect(r.stdout).toContain("\nunknown-field (1): ");
  }, 30_000);

  it("JSON and SARIF", async () => {
    const j = JSON.parse((await run(["validate", log, path.join(REPO, "examples/acme"), "--format", "json"], { cwd: dir })).stdout);
    expect(j).toMatchObject({ source: "bad.jsonl", leads: 2, problems: 4, perKind: { "invalid-country": 1, malformed: 1, "unknown-event": 1, "unknown-field": 1 } });
    expect(j.items[0]).toEqual({ kind: "invalid-country", place: "bad.jsonl:1", file: "bad.jsonl", line: 1, column: "fields.country", value: "de", reason: '"de" is not a country code: codes are upper case ("DE"); the value is not used', lead: "A" });
    const s = JSON.parse((await run(["validate", log, path.join(REPO, "examples/acme"), "--format", "sarif"], { cwd: dir })).stdout);
    expect(s.version).toBe("2.1.0");
    expect(s.runs[0].tool.driver.rules.map((x: { id: string }) => x.id)).toEqual(["invalid-country", "malformed", "unknown-event", "unknown-field"]);
    expect(s.runs[0].results[0]).toMatchObject({ ruleId: "invalid-country", level: "error", locations: [{ physicalLocation: { artifactLocation: { uri: "bad.jsonl" }, region: { startLine: 1 } } }] });
  }, 30_000);

  it("a clean source is exit code 0; simulate reports the same problems and --strict makes them exit code 1", async () => {
    const clean = path.join(dir, "clean.jsonl");
    writeFileSync(clean, [lead(BASE), ev("demo_requested")].join("\n") + "\n");
    expect((await run(["validate", clean, path.join(REPO, "examples/acme")], { cwd: dir })).code).toBe(0);
    const unknown = path.join(dir, "unknown.jsonl");
    writeFileSync(unknown, [lead({ ...BASE, country: "XX" }), ev("demo_requested")].join("\n") + "\n");
    const lax = await run(["simulate", "--events", unknown, path.join(REPO, "examples/acme")], { cwd: dir });
    expect(lax.code).toBe(0);
    expect(lax.stderr).toContain('crmrules: unknown.jsonl:1 fields.country: "XX" is not an ISO 3166-1 alpha-2 country code; the value is not used [invalid-country]');
    expect(lax.stdout).toContain("1 problem with the data (invalid values and records are not used): 1 invalid-country");
    const strict = await run(["simulate", "--events", unknown, path.join(REPO, "examples/acme"), "--strict"], { cwd: dir });
    expect(strict.code).toBe(1);
  }, 30_000);
});

describe('the "de" consent case (issue 14 item 4, language §9)', () => {
  // The rules: a German lead with checkbox consent must not get email under `otherwise: opt_in`.
  const rules = path.join(dir, "de-rules");
  const RULES = `lead { email: email  country: country }
event demo_requested
consent email_marketing {
  in [DE, AT]: double_opt_in
  in [US]: opt_out
  otherwise: opt_in
}
action send_email contact requires email_marketing
workflow w on demo_requested { do send_email }
`;
  it("written de, DE, Germany or missing, a German lead with checkbox consent is blocked; with double opt-in it is sent", async () => {
    const { mkdirSync } = await import("node:fs");
    mkdirSync(rules, { recursive: true });
    writeFileSync(path.join(rules, "rules.crmrules"), RULES);
    const lines = (country: unknown, method: string, id: string) => [
      rec({ type: "lead", lead: id, at: 0, fields: country === undefined ? { email: "a@b.example" } : { email: "a@b.example", country } }),
      rec({ type: "event", lead: id, at: 0, event: "consent_given", payload: { purpose: "email_marketing", method } }),
      rec({ type: "event", lead: id, at: 1, event: "demo_requested" }),
    ];
    const log = path.join(dir, "de.jsonl");
    writeFileSync(log, [...lines("de", "checkbox", "lower"), ...lines("DE", "checkbox", "upper"), ...lines("Germany", "checkbox", "name"), ...lines(undefined, "checkbox", "missing"), ...lines("de", "double_opt_in", "double"), ...lines("NO", "checkbox", "norway")].join("\n") + "\n");
    const out = path.join(dir, "de-outcomes.jsonl");
    const r = await run(["simulate", "--events", log, rules, "--out", out, "--workers", "0"], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('crmrules: de.jsonl:1 fields.country: "de" is not a country code: codes are upper case ("DE"); the value is not used [invalid-country]');
    const { readFileSync } = await import("node:fs");
    const outcomes = Object.fromEntries(readFileSync(out, "utf8").trim().split("\n").map((l) => JSON.parse(l)).map((o) => [o.lead, o]));
    for (const id of ["lower", "upper", "name", "missing"]) expect(outcomes[id].sentActions, id).toEqual({});
    expect(outcomes["lower"].blocked[0].reason).toBe("the lead's country is missing, so every clause must allow the contact and `in [DE, AT]` does not: double_opt_in: consent was given but not confirmed by double opt-in");
    expect(outcomes["upper"].blocked[0].clause).toBe("in [DE, AT]");
    expect(outcomes["double"].sentActions).toEqual({ send_email: 1 });
    expect(outcomes["norway"].sentActions).toEqual({ send_email: 1 });
    const strict = await run(["simulate", "--events", log, rules, "--strict"], { cwd: dir });
    expect(strict.code).toBe(1);
  }, 60_000);
});
