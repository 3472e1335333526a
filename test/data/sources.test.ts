/**
 * Data sources through DuckDB (issue 14 item 1, docs/data.md): a log in the event log's own shape
 * replays from Parquet, CSV, JSON, a DuckDB table, a SQL query, a folder and a glob with exactly
 * the outcomes, summary and errors of the JSON Lines reader on the same data; a machine without
 * DuckDB gets one clear error naming what is missing and the JSON Lines way.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { DuckDBInstance } from "@duckdb/node-api";
import { compileSpec, generateLog, replayLog, type LeadOutcome, type LineError, type RulesSpec } from "../../runtime/bulk/index.js";
import { ruleLiterals } from "../../runtime/bulk/generate.js";
import { DuckDBUnavailable, loadDuckDB, nativeSource, resolveSource, SourceError } from "../../runtime/data/index.js";
import { loadWorkspace } from "../../cli/files.js";
import { checkWorkspace } from "../../core/checker/check.js";
import { run } from "../cli/harness.js";

const REPO = path.resolve(__dirname, "../..");
const dir = mkdtempSync(path.join(tmpdir(), "crmrules-sources-"));
let spec: RulesSpec;

async function duckRun(sql: string): Promise<void> {
  const db = await DuckDBInstance.create(":memory:");
  const c = await db.connect();
  await c.run(sql);
  c.closeSync();
  db.closeSync();
}

const NATIVE = (file: string) => `read_json('${file}', format = 'newline_delimited', columns = {'type': 'VARCHAR', 'lead': 'VARCHAR', 'at': 'JSON', 'event': 'VARCHAR', 'fields': 'JSON', 'payload': 'JSON'})`;

async function replayOf(o: { input?: string; source?: string }): Promise<{ outcomes: LeadOutcome[]; summary: unknown; errors: LineError[] }> {
  const outcomes: LeadOutcome[] = [];
  const errors: LineError[] = [];
  const r = await replayLog({
    rules: spec,
    workers: 0,
    ...(o.input ? { input: readFileSync(o.input, "utf8").split("\n") } : { chunks: nativeSource(o.source!, dir).chunks() }),
    onOutcome: (x) => outcomes.push(x),
    onError: (e) => errors.push(e),
  });
  return { outcomes, summary: r.summary, errors };
}

beforeAll(async () => {
  const ws = loadWorkspace([path.join(REPO, "examples/acme")], { cwd: REPO });
  const check = checkWorkspace({ root: ws.root, files: ws.files });
  const fromUri = [...check.files.keys()].sort().find((u) => u.endsWith("/workflows.crmrules"))!;
  spec = { root: ws.root, files: ws.files, fromUri };
  const schema = compileSpec(spec);
  const literals = ruleLiterals(check.visibleFiles(fromUri).map((u) => check.files.get(u)!.file));
  // Day offsets and ISO times.
  writeFileSync(path.join(dir, "iso.jsonl"), [...generateLog({ seed: 8, leads: 150, schema, literals, time: { isoFrom: "2026-01-05T00:00:00Z" } })].join("\n") + "\n");
  // The well-formed lines only, for the formats that hold typed rows.
  writeFileSync(path.join(dir, "clean.jsonl"), [...generateLog({ seed: 7, leads: 150, schema, literals })].join("\n") + "\n");
  const clean = NATIVE(path.join(dir, "clean.jsonl"));
  mkdirSync(path.join(dir, "parts"));
  await duckRun(`
    COPY (SELECT * FROM ${clean}) TO '${dir}/clean.parquet';
    COPY (SELECT * FROM ${clean}) TO '${dir}/clean.csv';
    COPY (SELECT * FROM ${clean}) TO '${dir}/clean.json' (FORMAT json, ARRAY true);
    COPY (SELECT * FROM ${NATIVE(path.join(dir, "iso.jsonl"))}) TO '${dir}/iso.parquet';
    COPY (SELECT * FROM ${clean} WHERE lead < 'L000080') TO '${dir}/parts/a.parquet';
    COPY (SELECT * FROM ${clean} WHERE lead >= 'L000080') TO '${dir}/parts/b.parquet';
    ATTACH '${dir}/crm.duckdb' AS crm; CREATE TABLE crm.events AS SELECT * FROM ${clean};
    CREATE TABLE crm.typed AS SELECT "type", "lead", "at"::DOUBLE AS "at", "event", "fields"::VARCHAR AS "fields", "payload"::VARCHAR AS "payload" FROM ${clean};
  `);
}, 60_000);

describe("a log in the event log's own shape, from every source DuckDB reads", () => {
  it("gives the outcomes and summary of the JSON Lines reader, from each format", async () => {
    const want = await replayOf({ input: path.join(dir, "clean.jsonl") });
    expect(want.outcomes.length).toBe(150);
    expect(want.outcomes.some((o) => o.blocked.length > 0)).toBe(true);
    for (const source of ["clean.parquet", "clean.csv", "clean.json", "crm.duckdb#events", "crm.duckdb#typed", "parts", "parts/*.parquet", `sql:SELECT * FROM '${dir}/clean.parquet'`]) {
      const got = await replayOf({ source });
      expect(got.errors, source).toEqual([]);
      expect(got.outcomes, source).toEqual(want.outcomes);
      expect(got.summary, source).toEqual(want.summary);
    }
  });

  it("on 1, 2 and 3 workers each reading its own rows: byte-identical outcomes, summary, errors and problems, for every format", async () => {
    // Invalid values, a record of no known type, records out of time order, a lead split across the log, a lead without its lead record.
    const good = readFileSync(path.join(dir, "clean.jsonl"), "utf8").trim().split("\n");
    const rows: string[] = [];
    good.forEach((l, i) => {
      if (i % 41 === 20) return; // moved to the end: its lead comes back after it was replayed
      rows.push(l);
      if (i % 53 === 7) rows.push(l.replace(/"type":"event"/, '"type":"visit"'));
      if (i % 59 === 9) rows.push(l.replace(/"at":[0-9.]+/, '"at":0.0001'));
      if (i % 61 === 3) rows.push(l.replace(/"country":"[A-Z]{2}"/, '"country":"de"'));
    });
    rows.push(...good.filter((_, i) => i % 41 === 20), '{"type":"event","lead":"ZZ","at":1,"event":"demo_requested","payload":{}}');
    writeFileSync(path.join(dir, "tricky.jsonl"), rows.join("\n") + "\n");
    await duckRun(`COPY (SELECT * FROM ${NATIVE(path.join(dir, "tricky.jsonl"))}) TO '${dir}/tricky.parquet'; COPY (SELECT * FROM ${NATIVE(path.join(dir, "tricky.jsonl"))}) TO '${dir}/tricky.csv';`);
    const runOn = async (source: string, workers: number, rowParts?: number) => {
      const events: unknown[] = [];
      const text: string[] = [];
      const r = await replayLog({
        rules: spec,
        workers,
        rowParts,
        source: { arg: source, cwd: dir, name: source },
        ...(workers === 0 ? { chunks: nativeSource(source, dir).chunks() } : {}),
        onOutcome: (o) => text.push(JSON.stringify(o)),
        onError: (e) => events.push(["error", e]),
        onProblem: (p) => events.push(["problem", p]),
      });
      expect(r.shape.mode).toBe(workers === 0 ? "thread" : "parts");
      return { text: text.join("\n"), events, summary: JSON.stringify(r.summary), lines: r.lines, again: r.shape.replayedAgain ?? 0 };
    };
    const fromJsonl = await replayLog({ rules: spec, workers: 0, input: rows, onProblem: () => undefined });
    for (const source of ["tricky.parquet", "tricky.csv"]) {
      const one = await runOn(source, 0);
      expect(one.events.some((e) => JSON.stringify(e).includes("must be together")), source).toBe(true);
      expect(one.events.some((e) => JSON.stringify(e).includes('"kind":"invalid-country"') || JSON.stringify(e).includes("country")), source).toBe(true);
      expect(one.lines).toBe(rows.length);
      expect(one.summary).toBe(JSON.stringify(fromJsonl.summary));
      let again = 0;
      for (const [workers, parts] of [[1, 3], [2, undefined], [2, 5], [3, 7]] as const) {
        const { again: a, ...many } = await runOn(source, workers, parts);
        again += a;
        const { again: _b, ...expected } = one;
        expect(many, `${source}, ${workers} workers, ${parts ?? "default"} parts`).toEqual(expected);
      }
      expect(again, source).toBeGreaterThan(0);
    }
  }, 240_000);

  it("fields and payloads in STRUCT columns replay as the JSON Lines log does (null members left out), in one thread and on workers", async () => {
    const lines = [
      '{"type":"lead","lead":"S1","at":0,"fields":{"country":"DE","role":"ceo"}}',
      '{"type":"event","lead":"S1","at":1,"event":"demo_requested","payload":{"source":"web"}}',
      '{"type":"lead","lead":"S2","at":0,"fields":{"country":"NO"}}',
      '{"type":"event","lead":"S2","at":2,"event":"demo_requested","payload":{}}',
    ];
    writeFileSync(path.join(dir, "struct.jsonl"), lines.join("\n") + "\n");
    await duckRun(`COPY (SELECT * FROM read_json('${dir}/struct.jsonl', format = 'newline_delimited', columns = {'type': 'VARCHAR', 'lead': 'VARCHAR', 'at': 'DOUBLE', 'event': 'VARCHAR', 'fields': 'STRUCT(country VARCHAR, role VARCHAR)', 'payload': 'STRUCT(source VARCHAR)'})) TO '${dir}/struct.parquet'`);
    const want = await replayOf({ input: path.join(dir, "struct.jsonl") });
    const got = await replayOf({ source: "struct.parquet" });
    expect(got.errors).toEqual([]);
    expect(got.outcomes).toEqual(want.outcomes);
    const onWorkers: LeadOutcome[] = [];
    await replayLog({ rules: spec, workers: 2, source: { arg: "struct.parquet", cwd: dir, name: "struct.parquet" }, onOutcome: (o) => onWorkers.push(o), onError: (e) => { throw new Error(e.reason); } });
    expect(onWorkers).toEqual(want.outcomes);
  }, 60_000);

  it("ISO times from a Parquet file replay as from JSON Lines", async () => {
    const want = await replayOf({ input: path.join(dir, "iso.jsonl") });
    const got = await replayOf({ source: "iso.parquet" });
    expect(got.outcomes).toEqual(want.outcomes);
  });

  it("names each problem record by its row (the JSON Lines reader's reason, the source's row)", async () => {
    writeFileSync(path.join(dir, "bad.csv"), 'type,lead,at,event,fields,payload\nlead,L1,0,,"{""country"":""NO""}",\nvisit,L1,1,,,\nevent,L1,March 7,page_view,,"{""url"":""/x""}"\n');
    const got = await replayOf({ source: "bad.csv" });
    expect(got.errors).toEqual([
      { line: 2, reason: '`type` must be "lead", "event" or "update"', where: "bad.csv row 2" },
      { line: 3, reason: "`at` is not an ISO date-time: `March 7`", where: "bad.csv row 3" },
    ]);
    expect(got.outcomes.map((o) => o.lead)).toEqual(["L1"]);
  });

  it("a source without the log's columns is an error with did-you-mean against its real columns", async () => {
    await duckRun(`COPY (SELECT 'lead' AS type, 'L1' AS lead_id, 0 AS at) TO '${dir}/nolead.parquet'`);
    await expect(replayOf({ source: "nolead.parquet" })).rejects.toThrow(/nolead\.parquet has no column `lead`; did you mean `lead_id`\? \(columns: `type`, `lead_id`, `at`\)/);
  });

  it("says what a source argument cannot be", () => {
    writeFileSync(path.join(dir, "notes.xml"), "<x/>");
    expect(() => resolveSource("notes.xml", dir)).toThrow(SourceError);
    expect(() => resolveSource("notes.xml", dir)).toThrow(/unknown data format; formats read: Parquet/);
    expect(() => resolveSource("missing.parquet", dir)).toThrow(/missing\.parquet does not exist/);
    expect(() => resolveSource("crm.duckdb", dir)).toThrow(/is a DuckDB database: name the table as `crm\.duckdb#TABLE`/);
    expect(() => resolveSource("sql:", dir)).toThrow(/needs a query/);
    mkdirSync(path.join(dir, "mixed"));
    writeFileSync(path.join(dir, "mixed/a.csv"), "x\n");
    writeFileSync(path.join(dir, "mixed/b.parquet"), "");
    expect(() => resolveSource("mixed", dir)).toThrow(/several formats \(csv, parquet\)/);
    expect(resolveSource("exports/*.parquet", dir)).toEqual({ kind: "files", path: path.join(dir, "exports/*.parquet"), format: "parquet" });
  });
});

describe("without DuckDB", () => {
  it("a missing package is one error naming it and the JSON Lines alternative", () => {
    let e: unknown;
    try {
      loadDuckDB("@duckdb/not-installed-here", [path.join(dir, "x.js")]);
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(DuckDBUnavailable);
    expect((e as Error).message).toMatch(/^DuckDB is not installed \(the package `@duckdb\/not-installed-here` was not found\)\. Reading Parquet, CSV, JSON and DuckDB sources needs it: `npm install --save-dev @duckdb\/node-api`/);
    expect((e as Error).message).toContain("convert the data to crmrules' JSON Lines event log (docs/event-log.md)");
  });

  it("a package whose native binary is missing names the binary", () => {
    // A stand-in for @duckdb/node-api on a machine where npm skipped the platform's binary package.
    const fake = path.join(dir, "fake/node_modules/duck-stand-in");
    mkdirSync(fake, { recursive: true });
    writeFileSync(path.join(fake, "index.js"), `require("@duckdb/node-bindings-${process.platform}-${process.arch}-gone/duckdb.node");`);
    writeFileSync(path.join(fake, "package.json"), JSON.stringify({ name: "duck-stand-in", main: "index.js" }));
    expect(() => loadDuckDB("duck-stand-in", [path.join(dir, "fake/x.js")])).toThrow(new RegExp(`^DuckDB's native binary for this machine is missing \\(\`@duckdb/node-bindings-${process.platform}-${process.arch}-gone\`, expected with \`duck-stand-in\`\\)`));
  });

  it("the CLI: JSON Lines needs no DuckDB; Parquet does, and without it the error says what to install or convert to", async () => {
    // The test CLI is built into a temporary folder with no node_modules above it: run from there, it is a machine without DuckDB.
    const acme = path.join(REPO, "examples/acme");
    const r = await run(["simulate", "--events", path.join(dir, "clean.jsonl"), acme, "--format", "json"], { cwd: dir });
    expect(r.code).toBe(0);
    const without = await run(["simulate", "--events", "clean.parquet", acme, "--format", "json"], { cwd: dir });
    expect(without.code).toBe(2);
    expect(without.stdout).toBe("");
    expect(without.stderr).toMatch(/^crmrules: DuckDB is not installed \(the package `@duckdb\/node-api` was not found\)\. .*convert the data to crmrules' JSON Lines event log/);
    // From the repository (whose node_modules has DuckDB), the same Parquet file replays as the JSON Lines log does.
    const p = await run(["simulate", "--events", path.join(dir, "clean.parquet"), acme, "--format", "json"], { cwd: REPO });
    expect(p.stderr).not.toContain("crmrules:");
    expect(p.code).toBe(0);
    expect(JSON.parse(p.stdout).summary).toEqual(JSON.parse(r.stdout).summary);
    const missing = await run(["simulate", "--events", "nope.parquet", acme], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("nope.parquet does not exist");
  }, 60_000);
});
