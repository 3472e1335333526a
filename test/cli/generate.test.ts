import { mkdtempSync, readFileSync } from "node:fs";
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
});
