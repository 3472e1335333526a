/** Bulk replay: generated logs, malformed lines, workers versus one thread. */
import { describe, it, expect } from "vitest";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { Readable } from "node:stream";
import { generateLog } from "../../runtime/bulk/generate.js";
import { replayLog } from "../../runtime/bulk/replay.js";
import { compileSpec, type RulesSpec } from "../../runtime/bulk/rules.js";
import { parseRecord, replayLead, type LeadOutcome } from "../../core/engine/bulk/index.js";

const root = resolve("examples/acme");
function files(dir: string): { uri: string; text: string }[] {
  const out: { uri: string; text: string }[] = [];
  for (const n of readdirSync(dir).sort()) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) out.push(...files(p));
    else if (n.endsWith(".crmrules")) out.push({ uri: p, text: readFileSync(p, "utf8") });
  }
  return out;
}
const spec: RulesSpec = { root, files: files(root), fromUri: join(root, "workflows.crmrules") };
const rules = compileSpec(spec);

describe("generator", () => {
  it("is deterministic for a seed and differs across seeds", () => {
    const a = [...generateLog({ seed: 7, leads: 30, schema: rules })];
    const b = [...generateLog({ seed: 7, leads: 30, schema: rules })];
    const c = [...generateLog({ seed: 8, leads: 30, schema: rules })];
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a.every((l) => parseRecord(l).ok)).toBe(true);
    const leads = new Set(a.map((l) => JSON.parse(l).lead));
    expect(leads.size).toBe(30);
    expect(a.some((l) => JSON.parse(l).event === "consent_given")).toBe(true);
  });

  it("produces ISO times when asked", () => {
    const a = [...generateLog({ seed: 1, leads: 3, schema: rules, time: { isoFrom: "2026-01-05T00:00:00Z" } })];
    expect(JSON.parse(a[0]!).at).toBe("2026-01-05T00:00:00.000Z");
  });
});

describe("bulk replay", () => {
  it("processes every good line and reports every malformed one with its line number", async () => {
    const lines = [...generateLog({ seed: 11, leads: 120, schema: rules, malformedEvery: 9 })];
    const badLines = lines.map((l, i) => (parseRecord(l).ok ? 0 : i + 1)).filter((n) => n > 0);
    expect(badLines.length).toBeGreaterThan(20);
    const outcomes: LeadOutcome[] = [];
    const res = await replayLog({ rules: spec, input: Readable.from(lines.map((l) => l + "\n")), workers: 0, onOutcome: (o) => outcomes.push(o) });
    expect(res.errors.map((e) => e.line)).toEqual(badLines);
    expect(res.errorCount).toBe(badLines.length);
    expect(res.errors.every((e) => e.reason.length > 0)).toBe(true);
    expect(outcomes).toHaveLength(120);
    const good = lines.filter((l) => parseRecord(l).ok).length;
    expect(res.summary.records).toBe(good);
    expect(res.summary.leads).toBe(120);
    expect(Object.values(res.summary.perStage).reduce((a, b) => a + b, 0)).toBe(120);
  });

  it("reports leads whose records are split or out of time order", async () => {
    const lines = [
      '{"type":"lead","lead":"A","at":0,"fields":{"country":"US"}}',
      '{"type":"event","lead":"A","at":2,"event":"demo_requested"}',
      '{"type":"event","lead":"A","at":1,"event":"demo_requested"}',
      '{"type":"lead","lead":"B","at":0,"fields":{}}',
      '{"type":"event","lead":"A","at":3,"event":"demo_requested"}',
      "",
      "{oops",
    ];
    const res = await replayLog({ rules: spec, input: lines, workers: 0 });
    expect(res.errors).toEqual([
      { line: 3, reason: "this record is at day 1 but the previous record of lead `A` is at day 2; a lead's records must be in time order" },
      { line: 5, reason: "the records of lead `A` must be together; they started at line 1 and that lead was already replayed" },
      { line: 7, reason: expect.stringContaining("not valid JSON") },
    ]);
    expect(res.summary.leads).toBe(2);
  });

  it("worker results equal single-thread results, in log order", async () => {
    const lines = [...generateLog({ seed: 5, leads: 300, schema: rules, malformedEvery: 50 })];
    const one: LeadOutcome[] = [];
    const many: LeadOutcome[] = [];
    const progress: number[] = [];
    const a = await replayLog({ rules: spec, input: lines, workers: 0, seed: 3, onOutcome: (o) => one.push(o) });
    const b = await replayLog({ rules: spec, input: lines, workers: 2, seed: 3, batchSize: 17, onOutcome: (o) => many.push(o), onProgress: (p) => progress.push(p.leads) });
    expect(many).toEqual(one);
    expect(b.summary).toEqual(a.summary);
    expect(b.errors).toEqual(a.errors);
    expect(progress[progress.length - 1]).toBe(300);
    // The pure replay gives the same outcome as the pipeline.
    const first = lines.filter((l) => parseRecord(l).ok).map((l) => JSON.parse(l)).filter((r) => r.lead === one[0]!.lead);
    expect(replayLead(rules, one[0]!.lead, first, { seed: 3 })).toEqual(one[0]);
  }, 120_000);

  it("writes per-lead outcomes as JSON Lines", async () => {
    const chunks: string[] = [];
    const { Writable } = await import("node:stream");
    const sink = new Writable({ write(c, _e, cb) { chunks.push(String(c)); cb(); } });
    await replayLog({ rules: spec, input: [...generateLog({ seed: 2, leads: 10, schema: rules })], workers: 0, outcomes: sink });
    const out = chunks.join("").trim().split("\n").map((l) => JSON.parse(l) as LeadOutcome);
    expect(out.map((o) => o.lead)).toEqual(Array.from({ length: 10 }, (_, i) => `L${String(i + 1).padStart(6, "0")}`));
  });
});

describe("line reader", () => {
  it("splits byte chunks at any boundary, handles CRLF and a last line without newline", async () => {
    const { readLines } = await import("../../runtime/bulk/lines.js");
    const text = "a\r\nbb\n\nccc\nä€x";
    const bytes = Buffer.from(text, "utf8");
    for (const size of [1, 2, 3, 5, 100]) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
      const got: string[] = [];
      for await (const l of readLines(Readable.from(chunks))) got.push(`${l.n}:${l.text}`);
      expect(got).toEqual(["1:a", "2:bb", "3:", "4:ccc", "5:ä€x"]);
    }
  });

  it("reports an over-long line by number and keeps going, without keeping it", async () => {
    const lines = ['{"type":"lead","lead":"A","at":0,"fields":{}}', `{"type":"event","lead":"A","at":1,"event":"x","payload":{"t":"${"y".repeat(5000)}"}}`, '{"type":"event","lead":"A","at":2,"event":"demo_requested"}'];
    const res = await replayLog({ rules: spec, input: Readable.from([lines.join("\n") + "\n"]), workers: 0, maxLineLength: 1000 });
    expect(res.errors).toEqual([{ line: 2, reason: "this line is longer than 1,000 characters; it was skipped" }]);
    expect(res.summary.records).toBe(2);
  });
});
