/**
 * The hand-written DuckDB SQL of bench/sql/ (the benchmark's `sql` section): the exact fold gives
 * our replay's outcome for every lead of a generated log, from Parquet and from JSON Lines; the
 * window form is approximate where `limit N per D` counts the rule's own firings, and the
 * agreement count shows it on a lead made for it.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { DuckDBInstance } from "@duckdb/node-api";
import { agreement, prepareLogFiles, runMode, type LogFiles } from "../../bench/src/sim/sql.js";

const REPO = path.resolve(__dirname, "../..");
const dir = mkdtempSync(path.join(tmpdir(), "crmrules-bench-sql-"));

describe("bench/sql against our replay", () => {
  it("on a generated log, the fold agrees with our replay on every lead from both files; the window form gives every lead", async () => {
    const files = await prepareLogFiles({ seed: 5, leads: 300, events: 15_000 }, dir);
    expect(files.events).toBeGreaterThanOrEqual(15_000);
    const ours = (await runMode("ours:jsonl:0", files, REPO)).outcomes;
    expect(ours.size).toBe(300);
    // The log exercises the rules: leads reach mql and sql and are routed.
    const stages = new Set([...ours.values()].map((k) => k.split("|")[2]));
    expect(stages).toEqual(new Set(["new", "mql", "sql"]));
    for (const mode of ["ours:parquet:0", "sql:fold:parquet", "sql:fold:jsonl"] as const) expect(agreement(ours, (await runMode(mode, files, REPO)).outcomes), mode).toBe(300);
    for (const mode of ["sql:window:parquet", "sql:window:jsonl"] as const) expect((await runMode(mode, files, REPO)).outcomes.size, mode).toBe(300);
  }, 120_000);

  it("a /pricing view after a suppressed one: the fold counts firings as the rule does, the window form counts views and disagrees", async () => {
    const ev = (lead: string, day: number, event: string, payload: object = {}) => JSON.stringify({ type: "event", lead, at: day, event, payload });
    const lines = [
      JSON.stringify({ type: "lead", lead: "L1", at: 0, fields: { email: "a@fjord.example", country: "NO", company_size: 5000, role: "executive" } }),
      // Fires on days 0, 1 and 2 (limit 3 per 7 days), not on day 3; on day 7.5 two firings are in the week before, so it fires: 40.
      ...[0, 1, 2, 3, 7.5].map((d) => ev("L1", d, "page_view", { url: "/pricing" })),
      JSON.stringify({ type: "lead", lead: "L2", at: 0, fields: { email: "b@gmail.com", country: "DE", company_size: 200, role: "director" } }),
      ev("L2", 1, "demo_requested"),
    ];
    const jsonl = path.join(dir, "pricing.jsonl");
    writeFileSync(jsonl, lines.join("\n") + "\n");
    const parquet = path.join(dir, "pricing.parquet");
    const db = await DuckDBInstance.create(":memory:");
    const c = await db.connect();
    await c.run(`COPY (SELECT * FROM read_json('${jsonl}', format = 'newline_delimited', columns = {'type': 'VARCHAR', 'lead': 'VARCHAR', 'at': 'DOUBLE', 'event': 'VARCHAR', 'fields': 'JSON', 'payload': 'JSON'})) TO '${parquet}' (FORMAT parquet)`);
    c.closeSync();
    db.closeSync();
    const files: LogFiles = { jsonl, parquet, events: 6, leads: 2 };
    const ours = (await runMode("ours:jsonl:0", files, REPO)).outcomes;
    // fit 35 (executive, enterprise), engagement 40, so mql and routed to kari; L2: fit 15 (director, mid-market, free mail), demo: 40, but fit < 20.
    expect(Object.fromEntries(ours)).toEqual({ L1: "35|40|mql|owner kari", L2: "15|40|new|null" });
    for (const format of ["parquet", "jsonl"] as const) {
      expect(Object.fromEntries((await runMode(`sql:fold:${format}`, files, REPO)).outcomes), format).toEqual(Object.fromEntries(ours));
      const window = (await runMode(`sql:window:${format}`, files, REPO)).outcomes;
      expect(window.get("L1"), format).toBe("35|30|new|null");
      expect(agreement(ours, window), format).toBe(1);
    }
  }, 60_000);
});
