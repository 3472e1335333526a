/** Bulk replay: generated logs, malformed lines, workers versus one thread. */
import { describe, it, expect } from "vitest";
import { join, resolve } from "node:path";
import { Readable, Writable } from "node:stream";
import { createReadStream, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { generateLog } from "../../runtime/bulk/generate.js";
import { defaultWorkers, replayLog } from "../../runtime/bulk/replay.js";
import { compileSpec, type RulesSpec } from "../../runtime/bulk/rules.js";
import { parseRecord, scanRecord, replayLead, leadSeed, minutesOf, type LeadOutcome, type LogRecord } from "../../core/engine/bulk/index.js";
import { Simulation, RoutingPool } from "../../core/engine/index.js";
import fc from "fast-check";
import { crmSources } from "../support/files.js";

const root = resolve("examples/acme");
const spec: RulesSpec = { root, files: crmSources(root), fromUri: join(root, "workflows.crmrules") };
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

describe("fast line check (scanRecord) used when lines go to workers", () => {
  const agrees = (line: string) => {
    const s = scanRecord(line);
    if (s === null) return true;
    const p = parseRecord(line);
    return p.ok && p.record.type === s.type && p.record.lead === s.lead && p.record.at === s.at;
  };

  it("accepts the generator's lines and agrees with the full parser on them", () => {
    const lines = [...generateLog({ seed: 11, leads: 200, schema: rules, malformedEvery: 13 })];
    const iso = [...generateLog({ seed: 12, leads: 50, schema: rules, time: { isoFrom: "2026-03-01T08:00:00Z" } })];
    for (const l of [...lines, ...iso]) expect(agrees(l), l).toBe(true);
    expect(lines.filter((l) => scanRecord(l) !== null).length).toBeGreaterThan(lines.length * 0.9);
    expect(iso.every((l) => scanRecord(l) !== null)).toBe(true);
  });

  it("leaves every doubtful line to the full parser", () => {
    const doubtful = [
      '{"type":"event","lead":"L1","at":1,"event":"page_view","payload":{},"type":"lead"}',
      '{"type":"event","lead":"L1","at":1e400,"event":"x"}',
      '{"type":"event","lead":"L1","at":-1,"event":"x"}',
      '{"type":"event","lead":"L\\u0031","at":1,"event":"x"}',
      '{"type":"event","lead":"L1","at":1,"event":""}',
      '{"type":"event","lead":"L1","at":1}',
      '{"type":"lead","lead":"L1","at":"not a date"}',
      '{"type":"lead","lead":"L1","at":0,"fields":{"a":{"b":1}}}',
      '{"type":"lead","lead":"L1","at":0,"fields":{"a":[[1]]}}',
      '{"type":"lead","lead":"L1","at":01}',
      '{"type": "lead","lead":"L1","at":0}',
    ];
    for (const l of doubtful) {
      expect(scanRecord(l), l).toBeNull();
      expect(agrees(l)).toBe(true);
    }
  });

  it("never accepts a line the full parser reads differently (property)", () => {
    const str = fc.oneof(fc.constantFrom("", "a", "L1", "__proto__", "é", "x\\\"y", "\\u0041"), fc.string({ maxLength: 6 }));
    const num = fc.oneof(fc.integer({ min: -5, max: 100000 }).map(String), fc.constantFrom("0.5", "1e3", "1E-2", "-0", "00", "1.", "123456789012345678901234", "3.25"));
    const scalar = fc.oneof(str.map((s) => `"${s}"`), num, fc.constantFrom("true", "false", "null", "{}", '{"a":1}', "[]", "[1,\"a\"]", "[[1]]"));
    const obj = fc.array(fc.tuple(str, scalar), { maxLength: 3 }).map((kv) => `{${kv.map(([k, v]) => `"${k}":${v}`).join(",")}}`);
    const line = fc
      .tuple(fc.constantFrom("lead", "event", "update", "visit", ""), str, fc.oneof(num, str.map((s) => `"${s}"`), fc.constant('"2026-01-02T03:04:05Z"')), fc.option(str), fc.option(fc.tuple(fc.constantFrom("payload", "fields"), obj)), fc.option(fc.tuple(str, scalar)))
      .map(([type, lead, at, event, body, extra]) => {
        let s = `{"type":"${type}","lead":"${lead}","at":${at}`;
        if (event !== null) s += `,"event":"${event}"`;
        if (body) s += `,"${body[0]}":${body[1]}`;
        if (extra) s += `,"${extra[0]}":${extra[1]}`;
        return s + "}";
      });
    fc.assert(fc.property(line, fc.nat(80), fc.option(fc.constantFrom("", "}", "x", '"', "\\", ","), { nil: undefined }), (l, cut, insert) => {
      const mutated = insert === undefined ? l : l.slice(0, cut) + insert + l.slice(cut);
      return agrees(l) && agrees(mutated);
    }), { numRuns: 3000 });
  });

  it("workers report the same errors and outcomes as one thread on tricky logs", async () => {
    const lines = [
      '{"type":"lead","lead":"A","at":0,"fields":{"country":"NO","role":"ceo"}}',
      '{"type":"event","lead":"A","at":2,"event":"demo_requested","payload":{}}',
      '{"type":"event","lead":"A","at":1,"event":"demo_requested","payload":{}}',
      '{"type":"event","lead":"A","at":3,"event":"demo_requested","payload":{},"type":"lead"}',
      '{"type":"event","lead":"A","at":3e0,"event":"purchase_completed","payload":{}}',
      '{"type":"lead","lead":"B","at":"2026-01-01T10:00:00Z","fields":{"country":"DE"}}',
      '{"type":"event","lead":"B","at":4,"event":"demo_requested"}',
      '{"type":"event","lead":"A","at":5,"event":"demo_requested"}',
      '{"type":"event","lead":"B","at":"2026-01-03T10:00:00Z","event":"demo_requested","payload":{"x":{"y":1}}}',
      '{"type":"event","lead":"B","at":"2026-01-03T10:00:00Z","event":"demo_requested","fields":{"x":{"y":1}}}',
      '{"type":"lead","lead":"C","at":0,"fields":{"__proto__":"x","email":"Kari@Example.COM"}}',
    ];
    const one: LeadOutcome[] = [];
    const many: LeadOutcome[] = [];
    const a = await replayLog({ rules: spec, input: lines, workers: 0, onOutcome: (o) => one.push(o) });
    const b = await replayLog({ rules: spec, input: lines, workers: 2, batchSize: 1, onOutcome: (o) => many.push(o) });
    expect(a.errors.map((e) => e.line)).toEqual([3, 7, 8, 9]);
    expect(b.errors).toEqual(a.errors);
    expect(many).toEqual(one);
    // Line 4 is a second `lead` record of A (its later "type" wins): reported as a duplicate and left out (docs/data.md, "Validation").
    expect(one.map((o) => o.records)).toEqual([3, 2, 1]);
  }, 120_000);
});

/** A log with everything a part boundary could get wrong: malformed, blank, CRLF and over-long lines, invalid values, records out of time order, leads split across the log (also around another lead), a lead without its lead record, a last line without a newline. */
function trickyLog(move = true): string {
  const lines = [...generateLog({ seed: 31, leads: 160, schema: rules, malformedEvery: 37 })];
  const out: string[] = [];
  const moved: string[] = [];
  lines.forEach((l, i) => {
    // Every 97th line is moved to the end (its lead reappears after it was replayed).
    if (move && i % 97 === 50) moved.push(l);
    else out.push(l);
    if (i % 113 === 7) out.push("");
    if (i % 151 === 3) out.push(l.replace(/"at":[0-9.]+/, '"at":0.001'));
    if (i % 173 === 9) out.push(l.replace(/"country":"[A-Z]{2}"/, '"country":"de"').replace(/"employees":\d+/, '"employees":"5000"'));
    if (i % 211 === 5) out.push("x".repeat(3000));
    if (i % 89 === 11) out[out.length - 1] += "\r";
  });
  // B, A, B: a lead met again in the middle of another one.
  const a = '{"type":"lead","lead":"ZA","at":0,"fields":{"country":"NO"}}';
  const b = '{"type":"lead","lead":"ZB","at":0,"fields":{"country":"DE"}}';
  const ev = (lead: string, at: number) => `{"type":"event","lead":"${lead}","at":${at},"event":"demo_requested","payload":{}}`;
  out.push(a, ev("ZA", 1), b, ev("ZB", 1), ev("ZA", 2), ev("ZB", 3), "{oops", ev("ZB", 4));
  // A lead with no lead record, at the end, and the last line without a newline.
  out.push(...moved, ev("ZC", 1), ev("ZC", 2));
  return out.join("\n");
}

describe("workers reading their own parts of a log file", () => {
  const dir = mkdtempSync(join(tmpdir(), "crmrules-parts-"));
  const tricky = join(dir, "tricky.jsonl");
  const file = tricky;
  writeFileSync(file, trickyLog());
  // Only one lead met again, in the next part or two: those parts are replayed again, not the rest of the log.
  const near = join(dir, "near.jsonl");
  writeFileSync(near, trickyLog(false));

  const run = async (o: { workers: number; partBytes?: number; file?: boolean; log?: string }) => {
    const file = o.log ?? tricky;
    const text: string[] = [];
    const sink = new Writable({ write(c, _e, cb) { text.push(String(c)); cb(); } });
    const events: unknown[] = [];
    const outcomes: LeadOutcome[] = [];
    const progress: number[] = [];
    const r = await replayLog({
      rules: spec,
      ...(o.file === false ? { input: createReadStream(file) } : { file }),
      workers: o.workers,
      partBytes: o.partBytes,
      maxLineLength: 2000,
      seed: 9,
      outcomes: sink,
      onOutcome: (x) => outcomes.push(x),
      onError: (e) => events.push(["error", e]),
      onProblem: (p) => events.push(["problem", p]),
      onProgress: (p) => progress.push(p.leads),
    });
    return { text: text.join(""), events, outcomes, summary: JSON.stringify(r.summary), lines: r.lines, errors: r.errorCount, problems: r.problemCount, shape: r.shape, lastProgress: progress[progress.length - 1] };
  };

  it("gives byte-identical outcomes, summary, errors and problems (in order) with 0, 1, 2 and 3 workers and any part size", async () => {
    const one = await run({ workers: 0, file: false });
    expect(one.errors).toBeGreaterThan(20);
    expect(one.problems).toBeGreaterThan(5);
    expect(one.events.some((e) => JSON.stringify(e).includes("must be together"))).toBe(true);
    expect(one.events.some((e) => JSON.stringify(e).includes("no-lead"))).toBe(true);
    expect(one.events.some((e) => JSON.stringify(e).includes("longer than"))).toBe(true);
    expect(one.lines).toBe(readFileSync(file, "utf8").split("\n").length);
    expect(await run({ workers: 0 })).toEqual(one);
    let again = 0;
    for (const [workers, partBytes] of [[1, 300], [2, 97], [2, 2000], [3, 700], [3, undefined], [2, 50_000]] as const) {
      const many = await run({ workers, partBytes });
      expect(many.shape.mode).toBe("parts");
      again += many.shape.replayedAgain!;
      const { shape: _s, ...rest } = many;
      const { shape: _t, ...expected } = one;
      expect(rest, `${workers} workers, parts of ${partBytes} bytes`).toEqual(expected);
      expect(many.outcomes.map((o) => JSON.stringify(o)).join("\n") + "\n").toBe(many.text);
    }
    // The split leads made some parts replay again (the path that handles them was exercised).
    expect(again).toBeGreaterThan(0);
  }, 240_000);

  it("replays again only the parts around a lead met again", async () => {
    const one = await run({ workers: 0, log: near });
    for (const partBytes of [97, 400]) {
      const { shape, ...rest } = await run({ workers: 2, partBytes, log: near });
      expect(shape.replayedAgain).toBeGreaterThan(0);
      expect(shape.replayedAgain).toBeLessThan(shape.parts! / 4);
      const { shape: _t, ...expected } = one;
      expect(rest).toEqual(expected);
    }
  }, 120_000);

  it("cuts a sorted log at lead boundaries: no part is replayed again", async () => {
    const clean = join(dir, "clean.jsonl");
    writeFileSync(clean, [...generateLog({ seed: 4, leads: 200, schema: rules })].join("\n") + "\n");
    const ref = await replayLog({ rules: spec, file: clean, workers: 0 });
    const r = await replayLog({ rules: spec, file: clean, workers: 2, partBytes: 1500 });
    expect(r.shape.parts).toBeGreaterThan(10);
    expect(r.shape.replayedAgain).toBe(0);
    expect(r.summary).toEqual(ref.summary);
    expect(r.lines).toBe(ref.lines);
  }, 120_000);

  it("fails with a clear error when a worker dies, and writes nothing more", async () => {
    const bad = join(dir, "crash.cjs");
    writeFileSync(bad, 'const { parentPort } = require("node:worker_threads"); parentPort.on("message", (m) => { if (m.type === "init") parentPort.postMessage({ type: "ready" }); else process.exit(3); });');
    const text: string[] = [];
    const sink = new Writable({ write(c, _e, cb) { text.push(String(c)); cb(); } });
    const err = await replayLog({ rules: spec, file, workers: 2, partBytes: 1000, workerScript: bad, outcomes: sink }).then(() => null, (e: Error) => e);
    expect(err?.message).toMatch(/a bulk-replay worker stopped unexpectedly \(exit code 3\)/);
    expect(text.join("")).toBe("");
  }, 60_000);
});

describe("the no-trace path", () => {
  it("ends every lead in the same state as a traced run", () => {
    const lines = [...generateLog({ seed: 21, leads: 150, schema: rules, eventsPerLead: 30 })];
    const byLead = new Map<string, LogRecord[]>();
    for (const l of lines) {
      const p = parseRecord(l);
      if (!p.ok) continue;
      let list = byLead.get(p.record.lead);
      if (!list) byLead.set(p.record.lead, (list = []));
      list.push(p.record);
    }
    const zero = { line: 0, character: 0, offset: 0 };
    const src = { uri: "log", range: { start: zero, end: zero } };
    let entries = 0;
    for (const [lead, records] of byLead) {
      const run = (trace: boolean) => {
        const seed = leadSeed(lead, 4);
        const sim = new Simulation(rules, { seed, pool: new RoutingPool(seed), trace });
        const [first, ...rest] = records;
        sim.start(first!.type === "lead" ? first!.fields : {}, src);
        for (const r of first!.type === "lead" ? rest : records) {
          const t = minutesOf(r.at, null);
          if (r.type === "event") sim.event(t, r.event, r.payload, src);
          else sim.update(t, r.fields, src);
        }
        sim.advanceTo(sim.now + 200 * 1440);
        return sim;
      };
      const traced = run(true);
      const quiet = run(false);
      expect(quiet.final(), lead).toEqual(traced.final());
      expect(quiet.trace).toEqual([]);
      entries += traced.trace.length;
    }
    expect(entries).toBeGreaterThan(byLead.size * 10);
  });
});

describe("default worker count", () => {
  it("replays in the calling thread on two cores or fewer, on two workers otherwise", () => {
    expect([1, 2, 3, 4, 16].map(defaultWorkers)).toEqual([0, 0, 2, 2, 2]);
  });
});
