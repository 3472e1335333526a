import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { FIXTURES, golden, run } from "./harness.js";

// events.jsonl: 5 leads in 22 lines; line 13 is not JSON and line 20 has a negative time.

describe("crmrules simulate --events (bulk replay)", () => {
  it("replays the log with an aggregate report; each malformed line is named and skipped, exit code 2", async () => {
    const r = await run(["simulate", "--events", "events.jsonl", "acme-v1"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("crmrules: events.jsonl:13 not valid JSON");
    expect(r.stderr).toContain("crmrules: events.jsonl:20 `at` must be a day offset >= 0 or an ISO date-time; line skipped");
    expect(r.stdout).toMatch(/^replayed 5 leads \(20 records from 22 lines, 2 malformed lines skipped\)\n/);
    // Internal actions (notify_owner) are not contact actions; the summary names the rules file it picked.
    expect(r.stdout).toContain("\ncontact actions sent\n  3  send_email\n\ninternal actions done\n  5  notify_owner\n");
    expect(r.stdout).toContain("\nrules: acme-v1/journeys/journeys.crmrules and the files it imports (the file that sees the most files; --from picks another)\n");
    golden("bulk/summary.txt", r.stdout);
    const given = await run(["simulate", "--events", "events.jsonl", "acme-v1", "--from", "acme-v1/routing.crmrules"]);
    expect(given.stdout).toContain("\nrules: acme-v1/routing.crmrules and the files it imports (--from)\n");
  });

  it("gives the same summary on worker threads and in one thread, and writes per-lead JSON lines with --out", async () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), "crmrules-out-")), "outcomes.jsonl");
    const pooled = await run(["simulate", "--events", "events.jsonl", "acme-v1", "--format", "json", "--workers", "2", "--out", out]);
    const single = await run(["simulate", "--events", "events.jsonl", "acme-v1", "--format", "json", "--workers", "0"]);
    const a = JSON.parse(pooled.stdout);
    expect(a.summary).toEqual(JSON.parse(single.stdout).summary);
    expect(a.summary.perStage).toEqual({ mql: 3, sql: 2 });
    expect(a.errors.map((e: { line: number }) => e.line)).toEqual([13, 20]);
    const lines = readFileSync(out, "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(lines.map((l) => l.lead)).toEqual(["L1", "L2", "L3", "L4", "L5"]);
    expect(lines[3]).toMatchObject({ lead: "L4", stage: "sql", assignment: "owner kari" });
  });

  it("writes byte-identical outcomes and summaries in one thread and on 1, 2 and 3 workers reading their own parts of the file", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "crmrules-out-"));
    const texts: string[] = [];
    const summaries: string[] = [];
    for (const workers of ["0", "1", "2", "3"]) {
      const out = path.join(dir, `outcomes-${workers}.jsonl`);
      const r = await run(["simulate", "--events", "events.jsonl", "acme-v1", "--format", "json", "--workers", workers, "--out", out]);
      expect(r.code).toBe(2);
      texts.push(readFileSync(out, "utf8"));
      summaries.push(r.stdout);
    }
    expect(texts[0]!.split("\n")).toHaveLength(6);
    for (const t of texts) expect(t).toBe(texts[0]);
    for (const t of summaries) expect(t).toBe(summaries[0]);
  });

  it("a Parquet copy of the log on workers (each reading its own rows through DuckDB) writes the same outcomes as one thread", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "crmrules-out-"));
    const { DuckDBInstance } = await import("@duckdb/node-api");
    const db = await DuckDBInstance.create(":memory:");
    const c = await db.connect();
    // Line 13 (not JSON) is left out, as DuckDB cannot read it; line 20 keeps its negative time.
    const clean = readFileSync(path.join(FIXTURES, "events.jsonl"), "utf8").split("\n").filter((_, i) => i !== 12).join("\n");
    writeFileSync(path.join(dir, "events.jsonl"), clean);
    await c.run(`COPY (SELECT * FROM read_json('${dir}/events.jsonl', format = 'newline_delimited', columns = {'type': 'VARCHAR', 'lead': 'VARCHAR', 'at': 'JSON', 'event': 'VARCHAR', 'fields': 'JSON', 'payload': 'JSON'})) TO '${dir}/events.parquet'`);
    c.closeSync();
    db.closeSync();
    const texts: string[] = [];
    for (const workers of ["0", "2"]) {
      const out = path.join(dir, `outcomes-${workers}.jsonl`);
      const r = await run(["simulate", "--events", path.join(dir, "events.parquet"), "acme-v1", "--format", "json", "--workers", workers, "--out", out]);
      expect(r.stderr).toContain("events.parquet row 19");
      texts.push(readFileSync(out, "utf8") + r.stdout);
    }
    expect(texts[1]).toBe(texts[0]);
    const missing = await run(["simulate", "--events", path.join(dir, "events.jsonl.parquet"), "acme-v1", "--workers", "2"]);
    expect(missing.code).toBe(2);
  });

  it("a worker that dies is one clear error, and no outcome file is left at the target path", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "crmrules-out-"));
    const out = path.join(dir, "outcomes.jsonl");
    const r = await run(["simulate", "--events", "events.jsonl", "acme-v1", "--workers", "2", "--out", out], { env: { CRMRULES_INJECT_FAULT: "bulk-worker" } });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("a bulk-replay worker failed: injected fault (CRMRULES_INJECT_FAULT=bulk-worker)");
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("exits with 0 for a clean log read from standard input", async () => {
    const clean = readFileSync(path.join(FIXTURES, "events.jsonl"), "utf8").split("\n").filter((_, i) => i !== 12 && i !== 19).join("\n");
    const r = await run(["simulate", "--events", "-", "acme-v1", "--workers", "0"], { input: clean });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^replayed 5 leads \(20 records from 20 lines\)\n/);
  });

  it("names a missing log and rejects bulk options without --events", async () => {
    const m = await run(["simulate", "--events", "nope.jsonl", "acme-v1"]);
    expect(m.code).toBe(2);
    expect(m.stderr).toBe("crmrules: nope.jsonl does not exist\n");
    const o = await run(["simulate", "danish", "acme-v1", "--out", "x.jsonl"]);
    expect(o.code).toBe(2);
    expect(o.stderr).toBe("crmrules: `--out` goes with `--events`\n");
    const w = await run(["simulate", "--events", "events.jsonl", "acme-v1", "--workers", "many"]);
    expect(w.code).toBe(2);
    expect(w.stderr).toBe("crmrules: `--workers many` must be a whole number from 0 to 64\n");
  });
});

describe("crmrules diff --events", () => {
  it("counts the leads of a log whose outcomes change between two versions, with the changed declarations behind each", async () => {
    const r = await run(["diff", "acme-v1", "acme-v2", "--events", "events.jsonl", "--format", "json"]);
    expect(r.code).toBe(2); // the log has malformed lines
    const log = JSON.parse(r.stdout).log;
    expect(log).toMatchObject({ leads: 5, malformedLines: 2, stageChanged: 2, ownerChanged: 4 });
    expect(log.ownerMoves).toEqual([
      { from: "owner anna", to: "not routed", count: 2 },
      { from: "owner kari", to: "owner ben", count: 2 },
    ]);
    // Causes are the changed declarations: the score rule, not just the score.
    expect(log.causes).toEqual([
      { cause: "engagement.webinar", leads: 5 },
      { cause: "inbound.denmark", leads: 2 },
    ]);
    expect(log.changes.find((c: { what: string }) => c.what === "owner")).toEqual({
      what: "owner",
      leads: 4,
      causes: [
        { cause: "engagement.webinar", leads: 2 },
        { cause: "inbound.denmark", leads: 2 },
      ],
    });
    expect(log.changedLeads).toBe(5);
    expect(log.crossings).toEqual([{ threshold: "engagement >= 25 (stage mql)", up: 0, down: 2 }]);
    expect(log.totals).toContainEqual({ what: "sent notify_owner", before: 5, after: 3 });
    const md = await run(["diff", "acme-v1", "acme-v2", "--events", "events.jsonl", "--format", "markdown"]);
    expect(md.stdout).toContain("Replayed 5 leads through `journeys/journeys.crmrules` (the file that sees the most files): **5 of 5 leads change (2 change stage, 4 change owner); 2 malformed lines skipped**.");
    expect(log.rules).toBe("journeys/journeys.crmrules");
    const from = await run(["diff", "acme-v1", "acme-v2", "--events", "events.jsonl", "--from", "routing.crmrules"]);
    expect(from.stdout).toContain("\nevent log events.jsonl: 5 of 5 leads change (2 change stage, 4 change owner); 2 malformed lines skipped\n  through routing.crmrules and the files it imports (--from)\n");
    golden("diff/events.md", md.stdout);
  });
});

describe("progress", () => {
  it("draws a progress bar on a terminal and none in a pipe", async () => {
    const { spawnSync } = await import("node:child_process");
    const { buildCli } = await import("./harness.js");
    const cli = await buildCli();
    const env = { ...process.env, NO_COLOR: "1" } as NodeJS.ProcessEnv;
    delete env.CI;
    // `script` runs the command on a pseudo-terminal.
    const cmd = `"${process.execPath}" "${cli}" simulate --events events.jsonl acme-v1 --workers 0`;
    const tty = spawnSync("script", ["-qec", cmd, "/dev/null"], { cwd: FIXTURES, encoding: "utf8", env }).stdout;
    expect(tty).toMatch(/replaying .*\| \d+ lines \| \d+ leads/);
    const piped = await run(["simulate", "--events", "events.jsonl", "acme-v1", "--workers", "0"], { env: { CI: undefined } });
    expect(piped.stderr).not.toContain("replaying");
  });
});
