/**
 * Mappings (issue 14 item 2, docs/data.md "Mappings"): a mapping file's problems at their line and
 * column, columns the data lacks with did-you-mean against the real ones, time formats and value
 * maps, the three example exports replaying, and one export in three formats giving one outcome.
 */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { DuckDBInstance } from "@duckdb/node-api";
import { parseMapping, timeOf, leadRows, eventRow, type LeadTable, type EventTable } from "../../core/data/mapping.js";
import { loadMapping, mappedSource } from "../../runtime/data/index.js";
import { replayLog, type LeadOutcome, type LineError, type RulesSpec } from "../../runtime/bulk/index.js";
import { loadWorkspace } from "../../cli/files.js";
import { checkWorkspace } from "../../core/checker/check.js";
import { compile } from "../../core/engine/index.js";
import { run } from "../cli/harness.js";

const REPO = path.resolve(__dirname, "../..");
const EX = path.join(REPO, "examples/data");
const dir = mkdtempSync(path.join(tmpdir(), "crmrules-mapping-"));

function rules(): { spec: RulesSpec; schema: ReturnType<typeof compile> } {
  const ws = loadWorkspace([path.join(REPO, "examples/acme")], { cwd: REPO });
  const check = checkWorkspace({ root: ws.root, files: ws.files });
  const fromUri = [...check.files.keys()].find((u) => u.endsWith("/workflows.crmrules"))!;
  return { spec: { root: ws.root, files: ws.files, fromUri }, schema: compile(check, fromUri) };
}

async function replayMapped(file: string): Promise<{ outcomes: LeadOutcome[]; errors: LineError[] }> {
  const { spec, schema } = rules();
  const outcomes: LeadOutcome[] = [];
  const errors: LineError[] = [];
  await replayLog({ rules: spec, workers: 0, chunks: mappedSource(file, REPO).chunks(schema), onOutcome: (o) => outcomes.push(o), onError: (e) => errors.push(e) });
  return { outcomes, errors };
}

describe("the mapping file", () => {
  it("lists every problem with its JSON path, and did-you-mean for a mistyped key", () => {
    const { mapping, problems } = parseMapping({ leads: { from: "x.csv", id: "Record ID", tme: "Create Date", fields: { email: 5 } }, evnts: {} });
    expect(mapping).toBeNull();
    expect(problems).toEqual([
      { path: ["evnts"], message: "unknown key `evnts`; did you mean `events`? (allowed: $schema, leads, events)", key: true },
      { path: ["leads", "tme"], message: "unknown key `tme`; did you mean `time`? (allowed: from, id, time, fields, events)", key: true },
      { path: ["leads", "time"], message: '`time` must name a column, or be {"column": …, "format": …}' },
      { path: ["leads", "fields", "email"], message: 'must name a column, or be {"column": …, "values": {…}} or {"value": …}' },
    ]);
  });

  it("reports problems at their line and column of the file", () => {
    const f = path.join(dir, "bad.map.json");
    writeFileSync(f, '{\n  "leads": {\n    "from": "contacts.csv",\n    "id": "Record ID",\n    "time": { "column": "Create Date", "format": "MM-DD" }\n  }\n}\n');
    expect(() => loadMapping(f, dir)).toThrow('bad.map.json:5:50: `format` must be "iso", "epoch_s", "epoch_ms", "days" or a pattern such as "YYYY-MM-DD HH:mm" or "M/D/YYYY"');
    writeFileSync(f, '{ "leads": { "from": "x.csv", } }');
    expect(() => loadMapping(f, dir)).toThrow(/^bad\.map\.json:1:31: not valid JSON/);
  });

  it("a column the data lacks is an error at its place with did-you-mean against the real columns", async () => {
    copyFileSync(path.join(EX, "hubspot/contacts.csv"), path.join(dir, "contacts.csv"));
    const f = path.join(dir, "typo.map.json");
    writeFileSync(f, JSON.stringify({ leads: { from: "contacts.csv", id: "record_id", time: { column: "Created", format: "YYYY-MM-DD HH:mm" }, fields: { country: { column: "Country", values: { Germany: "DE" } } } } }, null, 2));
    const { spec } = rules();
    const err = await replayLog({ rules: spec, workers: 0, chunks: mappedSource(f, dir).chunks() }).then(() => null, (e: Error) => e);
    expect(err?.message).toMatch(/^the mapping has 3 problems:\n/);
    expect(err?.message).toContain("typo.map.json:4:11: contacts.csv has no column `record_id`; did you mean `Record ID`? (its columns: `Record ID`, `First Name`");
    expect(err?.message).toContain("typo.map.json:6:17: contacts.csv has no column `Created`; did you mean `Create Date`?");
    expect(err?.message).toContain("typo.map.json:11:19: contacts.csv has no column `Country`; did you mean `Country/Region`?");
  });
});

describe("rows to records", () => {
  it("reads the time formats: ISO with a zone, epoch seconds and milliseconds, dates and patterns", () => {
    const iso = (v: unknown, f: Parameters<typeof timeOf>[1]) => {
      const ms = timeOf(v, f);
      return typeof ms === "number" ? new Date(ms).toISOString() : ms;
    };
    expect(iso("2026-01-05T10:00:00+01:00", { kind: "iso" })).toBe("2026-01-05T09:00:00.000Z");
    expect(iso("2026-01-05 10:00:00 UTC", { kind: "iso" })).toBe("2026-01-05T10:00:00.000Z");
    expect(iso("2026-01-05", { kind: "iso" })).toBe("2026-01-05T00:00:00.000Z");
    expect(iso("2026-01-05T10:00:00", { kind: "iso" })).toMatch(/has no time zone/);
    expect(iso("March 7", { kind: "iso" })).toMatch(/is not an ISO date-time/);
    expect(iso(1767607200, { kind: "epoch_s" })).toBe("2026-01-05T10:00:00.000Z");
    expect(iso("1767607200000", { kind: "epoch_ms" })).toBe("2026-01-05T10:00:00.000Z");
    expect(iso(1767607200000, { kind: "epoch_s" })).toMatch(/in the year \d+ as seconds since 1970; it looks like milliseconds/);
    expect(iso(1767607200, { kind: "epoch_ms" })).toMatch(/in the year 1970 as milliseconds since 1970; it looks like seconds/);
    expect(iso("3/7/2026", { kind: "pattern", pattern: "M/D/YYYY", zone: 0 })).toBe("2026-03-07T00:00:00.000Z");
    expect(iso("07.03.2026 14:30", { kind: "pattern", pattern: "DD.MM.YYYY HH:mm", zone: 60 })).toBe("2026-03-07T13:30:00.000Z");
    expect(iso("2/30/2026", { kind: "pattern", pattern: "M/D/YYYY", zone: 0 })).toMatch(/is not a date that exists/);
  });

  it("applies value maps, constants, splits and derived events; leaves unmapped values as they are for the schema check", () => {
    const m = parseMapping({
      leads: {
        from: "x.csv",
        id: "id",
        time: { column: "t", format: "M/D/YYYY" },
        fields: { country: { column: "c", values: { Germany: "DE" } }, interests: { column: "i", split: ";" }, segment: { value: "boatyard" } },
        events: [{ event: "consent_given", when: { column: "ok", equals: ["Yes"] }, payload: { purpose: { value: "email_marketing" }, method: { column: "m", values: { "Double opt-in": "double_opt_in" } } } }],
      },
      events: { from: "e.parquet", lead: "u", time: { column: "ts", format: "epoch_ms" }, event: { column: "e", values: { "Page Viewed": "page_view" } }, properties: { column: "p", names: { page: "url" } } },
    }).mapping!;
    const lead = leadRows(m.leads as LeadTable, { id: "1", t: "3/7/2026", c: "Germany", i: "radar; sonar;", ok: "Yes", m: "Double opt-in" }, "1", true);
    expect(lead.records).toEqual([
      { type: "lead", lead: "1", at: "2026-03-07T00:00:00.000Z", fields: { country: "DE", interests: ["radar", "sonar"], segment: "boatyard" } },
      { type: "event", lead: "1", at: "2026-03-07T00:00:00.000Z", event: "consent_given", payload: { purpose: "email_marketing", method: "double_opt_in" } },
    ]);
    expect(leadRows(m.leads as LeadTable, { id: "2", t: "3/7/2026", c: "Deutschland", ok: "No" }, "2", true).records).toEqual([{ type: "lead", lead: "2", at: "2026-03-07T00:00:00.000Z", fields: { country: "Deutschland", segment: "boatyard" } }]);
    expect(eventRow(m.events as EventTable, { u: "1", ts: 1772841600000, e: "Page Viewed", p: '{"page": "/pricing", "ref": null}' }, "1", false).record).toEqual({ type: "event", lead: "1", at: "2026-03-07T00:00:00.000Z", event: "page_view", payload: { url: "/pricing" } });
    expect(eventRow(m.events as EventTable, { u: "1", ts: "soon", e: "Page Viewed" }, "1", false)).toEqual({ record: null, problems: [{ column: "ts", value: "soon", reason: "`soon` is not a number of milliseconds since 1970" }] });
  });
});

describe("the example exports (examples/data)", () => {
  it("each replays through its mapping with the CLI", async () => {
    for (const [name, leads] of [["hubspot", 60], ["salesforce", 51], ["segment", 80]] as const) {
      const r = await run(["simulate", "examples/acme", "--events", `examples/data/${name}/crmrules.map.json`, "--format", "json"], { cwd: REPO });
      expect(r.code, `${name}: ${r.stderr}`).toBe(0);
      const j = JSON.parse(r.stdout);
      expect(j.summary.leads, name).toBe(leads);
      expect(j.summary.records, name).toBeGreaterThan(leads);
    }
  }, 60_000);

  it("the Segment export gives the same outcomes from Parquet, CSV and JSON Lines copies of its tables", async () => {
    const db = await DuckDBInstance.create(":memory:");
    const c = await db.connect();
    await c.run(`SET TimeZone = 'UTC';
      COPY (SELECT * FROM '${EX}/segment/identifies.parquet') TO '${dir}/identifies.csv';
      COPY (SELECT * FROM '${EX}/segment/tracks.parquet') TO '${dir}/tracks.csv';
      COPY (SELECT * FROM '${EX}/segment/identifies.parquet') TO '${dir}/identifies.jsonl' (FORMAT json);
      COPY (SELECT * FROM '${EX}/segment/tracks.parquet') TO '${dir}/tracks.jsonl' (FORMAT json);`);
    c.closeSync();
    db.closeSync();
    const base = JSON.parse(readFileSync(path.join(EX, "segment/crmrules.map.json"), "utf8"));
    const want = await replayMapped(path.join(EX, "segment/crmrules.map.json"));
    expect(want.outcomes.length).toBe(80);
    for (const ext of ["csv", "jsonl"]) {
      const f = path.join(dir, `segment-${ext}.map.json`);
      writeFileSync(f, JSON.stringify({ ...base, leads: { ...base.leads, from: `identifies.${ext}` }, events: { ...base.events, from: `tracks.${ext}` } }));
      const got = await replayMapped(f);
      expect(got.errors, ext).toEqual(want.errors);
      expect(got.outcomes, ext).toEqual(want.outcomes);
    }
  }, 60_000);
});
