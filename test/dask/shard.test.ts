/**
 * The shard contract (cli/shard.ts, docs/distributed.md) on small logs: `simulate --events SRC
 * --shard I/N` parts merged by `crmrules merge` equal the one-machine run byte for byte, and
 * every mismatched, missing, repeated or damaged part is refused. The 10^6-event and Dask runs
 * are test/dask/dask.suite.ts (its own suite in `npm test`).
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync, copyFileSync, cpSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { run, FIXTURES, REPO } from "../cli/harness.js";
import { parseShard, shardHash, shardOf } from "../../cli/shard.js";
import { Readable } from "node:stream";
import fc from "fast-check";
import { generateLog } from "../../runtime/bulk/generate.js";
import { replayLog } from "../../runtime/bulk/replay.js";
import { compileSpec, type RulesSpec } from "../../runtime/bulk/rules.js";
import { mergeSummaries, emptySummary } from "../../core/engine/bulk/index.js";
import { crmSources } from "../support/files.js";

const ACME = path.join(REPO, "examples/acme");
let dir: string;
let log: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "crmrules-shard-"));
  log = path.join(dir, "log.jsonl");
  // 600 leads, a malformed line after every 500 good ones (so every shard reports the same errors).
  const g = await run(["generate", ACME, "--leads", "600", "--seed", "11", "--malformed-every", "500", "-o", log]);
  expect(g.code).toBe(0);
});

async function oneMachine(format: string, events = log, ws = ACME) {
  const out = path.join(dir, `one-${format}.jsonl`);
  const r = await run(["simulate", "--events", events, ws, "--format", format, "--out", out], { cwd: dir });
  return { ...r, outcomes: readFileSync(out, "utf8") };
}

async function shards(n: number, tag: string, events = log, ws = ACME, extra: string[] = [], only?: number): Promise<string[]> {
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    if (only !== undefined && i !== only) {
      parts.push("");
      continue;
    }
    const part = path.join(dir, `${tag}-${i}-of-${n}.jsonl`);
    const r = await run(["simulate", "--events", events, ws, "--shard", `${i}/${n}`, "--out", part, ...extra], { cwd: dir });
    expect(r.stderr).not.toContain("internal error");
    expect(existsSync(part)).toBe(true);
    parts.push(part);
  }
  return parts;
}

describe("the shard hash", () => {
  it("is FNV-1a (32 bits) of the id's UTF-8 bytes", () => {
    // The published FNV-1a test vectors.
    expect(shardHash("")).toBe(0x811c9dc5);
    expect(shardHash("a")).toBe(0xe40c292c);
    expect(shardHash("foobar")).toBe(0xbf9cf968);
    // UTF-8, not UTF-16 code units: é is the bytes C3 A9.
    let h = 0x811c9dc5;
    for (const b of [0xc3, 0xa9]) h = Math.imul(h ^ b, 0x01000193);
    expect(shardHash("é")).toBe(h >>> 0);
    expect(shardOf("foobar", 7)).toBe(0xbf9cf968 % 7);
  });

  it("reads I/N and refuses anything else", () => {
    expect(parseShard("3/7")).toEqual({ index: 3, count: 7 });
    expect(() => parseShard("7/7")).toThrow("7 is not below 7");
    expect(() => parseShard("0/0")).toThrow("N is from 1 to 4096");
    expect(() => parseShard("1")).toThrow("must be I/N");
    expect(() => parseShard("-1/2")).toThrow("must be I/N");
  });
});

describe("a shard's grouping (runtime/bulk/group.ts keepLead)", () => {
  const spec: RulesSpec = { root: ACME, files: crmSources(ACME), fromUri: path.join(ACME, "workflows.crmrules") };
  const rules = compileSpec(spec);
  const base = [...generateLog({ seed: 5, leads: 40, schema: rules, eventsPerLead: 4 })];
  const junk = ["not json", "{}", '{"type":"event","lead":"","at":0,"event":"x"}', '{"type":"event","lead":"L000003","at":-4,"event":"demo_requested"}', '{"type":"lead","lead":"L000002","at":0,"fields":{"country":"XX"}}'];

  async function replay(lines: string[], workers: number, keepLead?: (l: string) => boolean, leadlessErrors?: boolean) {
    const outcomes: { line: number; text: string }[] = [];
    const problems: number[] = [];
    // Teams per lead: this is the grouping's property (the team passes are the merge's, tested through the CLI below).
    const r = await replayLog({ rules: spec, routing: "per-lead", input: Readable.from(lines.map((l) => l + "\n")), workers, keepLead, leadlessErrors, onOutcome: (o, line) => void outcomes.push({ line: line!, text: JSON.stringify(o) }), onProblem: (p) => void problems.push(p.line) });
    return { ...r, outcomes, problems };
  }

  it("shards of a shuffled, broken log add up to the whole: outcomes, errors, problems and summary", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(base.length + junk.length - 1), fc.nat(base.length)), { maxLength: 25 }), fc.integer({ min: 2, max: 5 }), async (edits, n) => {
        // Moves and inserts lines: leads not together, records out of order, junk lines.
        const lines = [...base];
        for (const [from, to] of edits) lines.splice(to % (lines.length + 1), 0, from < base.length ? lines.splice(from % lines.length, 1)[0]! : junk[from - base.length]!);
        const whole = await replay(lines, 0);
        const parts = [];
        for (let i = 0; i < n; i++) parts.push(await replay(lines, 0, (l) => shardOf(l, n) === i, i === 0));
        const byLine = <T extends { line: number }>(xs: T[]) => [...xs].sort((a, b) => a.line - b.line);
        expect(byLine(parts.flatMap((p) => p.outcomes))).toEqual(whole.outcomes);
        expect(byLine(parts.flatMap((p) => p.errors))).toEqual(whole.errors);
        expect(parts.flatMap((p) => p.problems).sort((a, b) => a - b)).toEqual([...whole.problems].sort((a, b) => a - b));
        expect(parts.reduce((s, p) => mergeSummaries(s, p.summary), emptySummary())).toEqual(whole.summary);
        for (const p of parts) expect(p.lines).toBe(whole.lines);
      }),
      { numRuns: 40 },
    );
  });

  it("is the same on worker threads", async () => {
    const lines = [...base.slice(0, 60), junk[0]!, ...base.slice(100, 140), ...base.slice(60, 100), ...base.slice(140)];
    const whole = await replay(lines, 0);
    const parts = [await replay(lines, 2, (l) => shardOf(l, 2) === 0, true), await replay(lines, 2, (l) => shardOf(l, 2) === 1, false)];
    expect([...parts[0]!.outcomes, ...parts[1]!.outcomes].sort((a, b) => a.line - b.line)).toEqual(whole.outcomes);
    expect([...parts[0]!.errors, ...parts[1]!.errors].sort((a, b) => a.line - b.line)).toEqual(whole.errors);
  });
});

describe("simulate --shard and crmrules merge", () => {
  for (const n of [1, 2, 7]) {
    it(`N = ${n}: the merged outcomes and summary equal one machine's, byte for byte`, async () => {
      const parts = await shards(n, `p${n}`);
      for (const format of ["text", "json"]) {
        const one = await oneMachine(format);
        const merged = path.join(dir, `merged-${n}-${format}.jsonl`);
        // The parts in another order than their shards: the merge puts them in the source's order.
        const m = await run(["merge", ...[...parts].reverse(), "--format", format, "--out", merged], { cwd: dir });
        expect(m.code).toBe(one.code);
        expect(m.stdout).toBe(one.stdout);
        expect(readFileSync(merged, "utf8")).toBe(one.outcomes);
        // The malformed lines are reported once, as one machine reports them.
        expect(m.stderr).toBe(one.stderr.split("\n").filter((l) => !l.startsWith("progress:")).join("\n"));
      }
      expect(readFileSync(path.join(dir, `merged-${n}-text.jsonl`), "utf8").split("\n").length).toBe(601);
    });
  }

  it("keeps the exit code, malformed lines and data problems of the one-machine run", async () => {
    // The CLI fixture: malformed lines (exit 2) and values the schema refuses.
    const ws = path.join(FIXTURES, "acme-v1");
    const events = path.join(dir, "fx-events.jsonl");
    writeFileSync(events, readFileSync(path.join(FIXTURES, "events.jsonl"), "utf8") + '{"type":"lead","lead":"L9","at":0,"fields":{"country":"XX","company_size":"many"}}\n');
    const one = await oneMachine("json", events, ws);
    const parts = await shards(2, "fx", events, ws);
    const m = await run(["merge", ...parts, "--format", "json", "--out", path.join(dir, "fx.jsonl")], { cwd: dir });
    expect(one.code).toBe(2);
    expect(m.code).toBe(2);
    expect(m.stdout).toBe(one.stdout);
    expect(readFileSync(path.join(dir, "fx.jsonl"), "utf8")).toBe(one.outcomes);
    expect(JSON.parse(m.stdout).malformedLines).toBe(2);
    expect(JSON.parse(m.stdout).dataProblems.count).toBe(2);
    expect(m.stderr).toContain("fx-events.jsonl:23 fields.country");
  });

  it("reports each malformed line once, whichever shard's lead it touches", async () => {
    // Leads split over shards, a lead whose records are not together, lines without a lead,
    // records out of time order, mixed kinds of time and refused values.
    const ids = ["A1", "B1", "C3", "L3", "E5", "A2"];
    expect(new Set(ids.map((l) => shardOf(l, 2))).size).toBe(2);
    const lead = (id: string, at: number | string, fields = '{"country":"NO","company_size":10}') => `{"type":"lead","lead":"${id}","at":${JSON.stringify(at)},"fields":${fields}}`;
    const ev = (id: string, at: number | string, event = "demo_requested") => `{"type":"event","lead":"${id}","at":${JSON.stringify(at)},"event":"${event}"}`;
    const text = [
      lead("A1", 0), ev("A1", 1), lead("B1", 0), ev("B1", 2), ev("A1", 3), "not json", ev("B1", 5),
      lead("C3", 0), ev("C3", 4), ev("C3", 2), ev("C3", "2026-01-05"), `{"type":"lead","lead":"","at":0}`,
      lead("L3", 0, '{"country":"XX","company_size":"many"}'), ev("L3", 1, "no_such_event"),
      lead("E5", 0), lead("E5", 1), ev("E5", 2_000_000), lead("A2", 0), ev("A1", 9), ev("A2", 1),
    ].join("\n") + "\n";
    const events = path.join(dir, "tricky.jsonl");
    writeFileSync(events, text);
    const ws = path.join(FIXTURES, "acme-v1");
    const one = await oneMachine("json", events, ws);
    const doc = JSON.parse(one.stdout);
    expect(doc.malformedLines).toBeGreaterThanOrEqual(6);
    expect(doc.dataProblems.count).toBeGreaterThanOrEqual(2);
    for (const n of [2, 3]) {
      const parts = await shards(n, `tricky${n}`, events, ws);
      const merged = path.join(dir, `tricky-${n}.jsonl`);
      const m = await run(["merge", ...parts, "--format", "json", "--out", merged], { cwd: dir });
      expect(m.stdout).toBe(one.stdout);
      expect(m.code).toBe(one.code);
      expect(readFileSync(merged, "utf8")).toBe(one.outcomes);
      // The same reports on standard error (sorted: the merge lists them by line).
      const lines = (t: string) => t.split("\n").filter((l) => l && !l.startsWith("progress:")).sort();
      expect(lines(m.stderr)).toEqual(lines(one.stderr));
    }
  });

  it("runs the team passes over every shard's leads: caps and round robin shared as on one machine", async () => {
    // examples/team-caps: a round-robin team with a cap per day, which the passes settle across leads.
    const ws = path.join(REPO, "examples/team-caps");
    const events = path.join(dir, "team-caps.jsonl");
    expect((await run(["generate", ws, "--leads", "1500", "--seed", "4", "-o", events])).code).toBe(0);
    const one = await oneMachine("json", events, ws);
    for (const n of [2, 3]) {
      const parts = await shards(n, `tc${n}`, events, ws);
      const first = readFileSync(parts[0]!, "utf8").split("\n");
      expect(JSON.parse(first[0]!)).toMatchObject({ teams: true, workspace: { from: expect.stringContaining("team-caps") } });
      // The leads that asked the capped team carry their records (the passes may replay them again).
      expect(first.filter((l) => l.includes('"records":[{')).length).toBeGreaterThan(10);
      const merged = path.join(dir, `tc-${n}.jsonl`);
      const m = await run(["merge", ...parts, "--format", "json", "--out", merged], { cwd: dir });
      expect(m.stdout).toBe(one.stdout);
      expect(readFileSync(merged, "utf8")).toBe(one.outcomes);
      if (n === 3) {
        // Parts without the summary of their leads that asked no team (written before it was): the merge adds up every outcome itself.
        const older = parts.map((p, i) => {
          const lines = readFileSync(p, "utf8").split("\n");
          const k = lines.findIndex((l) => l.startsWith('{"end":'));
          const end = JSON.parse(lines[k]!);
          expect(end.end.plainSummary.leads).toBeGreaterThan(0);
          expect(end.end.plainSummary.leads).toBeLessThan(end.end.summary.leads);
          delete end.end.plainSummary;
          lines[k] = JSON.stringify(end);
          const q = path.join(dir, `tc-old-${i}.jsonl`);
          writeFileSync(q, lines.join("\n"));
          return q;
        });
        const o = await run(["merge", ...older, "--format", "json", "--out", merged], { cwd: dir });
        expect(o.stdout).toBe(one.stdout);
        expect(readFileSync(merged, "utf8")).toBe(one.outcomes);
      }
    }
    expect(JSON.stringify(JSON.parse(one.stdout).summary.capOverflows)).not.toBe("{}");
    // A part whose workspace was edited no longer gives its rules hash.
    const parts = await shards(2, "tcx", events, ws);
    const lines = readFileSync(parts[1]!, "utf8").split("\n");
    const header = JSON.parse(lines[0]!);
    header.workspace.files[0].text += "\n// edited\n";
    writeFileSync(parts[1]!, [JSON.stringify(header), ...lines.slice(1)].join("\n"));
    const r = await run(["merge", ...parts], { cwd: dir });
    expect(r.stderr).toContain("carries a workspace whose files do not give its rules hash");
  });

  it("writes the outcomes to standard output with --out - and the summary to standard error", async () => {
    const parts = await shards(2, "so");
    const one = await run(["simulate", "--events", log, ACME, "--out", "-"], { cwd: dir });
    const m = await run(["merge", ...parts, "--out", "-"], { cwd: dir });
    expect(m.stdout).toBe(one.stdout);
    expect(m.stderr).toBe(one.stderr.split("\n").filter((l) => !l.startsWith("progress:")).join("\n"));
  });

  it("refuses a missing, repeated, mismatched or damaged part, and writes nothing then", async () => {
    const parts = await shards(3, "r");
    const target = path.join(dir, "kept.jsonl");
    writeFileSync(target, "the old file\n");
    const merge = (...args: string[]) => run(["merge", ...args, "--out", target], { cwd: dir });
    const rel = (p: string) => path.basename(p);

    let r = await merge(parts[0]!, parts[2]!);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("shard 1/3 is missing: a merge needs all 3 parts");

    r = await merge(parts[0]!, parts[1]!, parts[2]!, path.join(dir, "r-1-of-3.jsonl"));
    expect(r.stderr).toContain(`${rel(parts[1]!)} and ${rel(parts[1]!)} are both shard 1/3`);

    const copy = path.join(dir, "copy-of-1.jsonl");
    copyFileSync(parts[1]!, copy);
    r = await merge(parts[0]!, parts[1]!, copy, parts[2]!);
    expect(r.stderr).toContain("are both shard 1/3; give each shard once");

    // Another number of shards.
    const two = await shards(2, "r2", log, ACME, [], 1);
    r = await merge(parts[0]!, parts[1]!, two[1]!);
    expect(r.stderr).toContain("are not parts of one replay: their numbers of shards differ (2 and 3)");

    // Other rules: the same workspace with one file changed.
    const ws2 = path.join(dir, "acme-changed");
    cpSync(ACME, ws2, { recursive: true });
    const scoring = path.join(ws2, "scoring.crmrules");
    writeFileSync(scoring, readFileSync(scoring, "utf8") + "\n// changed\n");
    const other = await shards(3, "rc", log, ws2, [], 1);
    r = await merge(parts[0]!, other[1]!, parts[2]!);
    expect(r.stderr).toContain("are not parts of one replay: their rules (the workspace files or the rules file chosen) differ");

    // Another seed.
    const seeded = await shards(3, "rs", log, ACME, ["--seed", "5"], 1);
    r = await merge(parts[0]!, seeded[1]!, parts[2]!);
    expect(r.stderr).toContain("their seeds differ (5 and 0)");

    // Another source.
    const log2 = path.join(dir, "log2.jsonl");
    writeFileSync(log2, readFileSync(log, "utf8"));
    const moved = await shards(3, "rm", log2, ACME, [], 1);
    r = await merge(parts[0]!, moved[1]!, parts[2]!);
    expect(r.stderr).toContain("their sources differ");

    // A part cut short (its end line lost), and a file that is not a part.
    const cut = path.join(dir, "cut.jsonl");
    const lines = readFileSync(parts[1]!, "utf8").split("\n");
    writeFileSync(cut, lines.slice(0, -2).join("\n") + "\n");
    r = await merge(parts[0]!, cut, parts[2]!);
    expect(r.stderr).toContain("cut.jsonl is incomplete: it does not end with the shard's summary");
    r = await merge(parts[0]!, log, parts[2]!);
    expect(r.stderr).toContain("log.jsonl is not a shard part");
    r = await merge(parts[0]!, path.join(dir, "nope.jsonl"), parts[2]!);
    expect(r.stderr).toContain("nope.jsonl does not exist");

    // A part whose outcome lines were edited: a lead of another shard.
    const forged = path.join(dir, "forged.jsonl");
    const p0 = readFileSync(parts[0]!, "utf8").split("\n");
    const p1 = readFileSync(parts[1]!, "utf8").split("\n");
    writeFileSync(forged, [p1[0], p0[1], ...p1.slice(2)].join("\n"));
    r = await merge(parts[0]!, forged, parts[2]!);
    expect(r.stderr).toMatch(/forged\.jsonl:2 holds lead `L\d+`, which is in shard 0\/3, not 1\/3/);
    expect(r.code).toBe(2);

    expect(readFileSync(target, "utf8")).toBe("the old file\n");
    expect(await merge()).toMatchObject({ code: 2 });
  });

  it("refuses --shard without --out, with --dask, or badly written", async () => {
    let r = await run(["simulate", "--events", log, ACME, "--shard", "0/2"], { cwd: dir });
    expect(r.stderr).toBe("crmrules: `--shard` writes a part file: give it with `--out PART` (`crmrules merge` combines the parts)\n");
    r = await run(["simulate", "--events", log, ACME, "--shard", "0/2", "--dask", "local:2", "--out", "x"], { cwd: dir });
    expect(r.stderr).toContain("give one of them");
    r = await run(["simulate", "--events", log, ACME, "--shard", "2/2", "--out", "x"], { cwd: dir });
    expect(r.stderr).toContain("`--shard 2/2` must be I/N");
    r = await run(["simulate", "--events", log, ACME, "--shards", "2", "--out", "x"], { cwd: dir });
    expect(r.stderr).toBe("crmrules: `--shards` goes with `--dask`\n");
    r = await run(["simulate", "nordic", ACME, "--shard", "0/2"], { cwd: dir });
    expect(r.stderr).toBe("crmrules: `--shard` goes with `--events`\n");
    r = await run(["simulate", "--events", log, ACME, "--dask", "somewhere"], { cwd: dir });
    expect(r.stderr).toContain("`--dask somewhere` must be a scheduler's address (`tcp://host:8786`) or `local:N`");
    r = await run(["simulate", "--events", "-", ACME, "--dask", "local:2"], { cwd: dir });
    expect(r.stderr).toContain("`--dask` cannot replay standard input");
  });

  it("names the lead and its line when replaying a lead fails, and leaves no output", async () => {
    const out = path.join(dir, "failed.jsonl");
    const events = path.join(FIXTURES, "events.jsonl");
    // The test-only fault hook: replaying lead L4 throws (as a bug in the engine would).
    for (const extra of [[], ["--shard", "0/1"]]) {
      const r = await run(["simulate", "--events", events, path.join(FIXTURES, "acme-v1"), "--out", out, ...extra], { cwd: dir, env: { CRMRULES_INJECT_FAULT: "simulate:log:L4" } });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("events.jsonl:15: internal error while replaying lead `L4` (its first record is at line or row 15 of the source): fault injected for a test");
      expect(existsSync(out)).toBe(false);
    }
  });
});
