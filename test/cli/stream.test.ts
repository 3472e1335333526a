/**
 * Large outputs are streamed (issue 13 item 7): a JSON document in chunks, byte for byte
 * `JSON.stringify(value, null, 2)`, for documents longer than the longest string the runtime
 * allows (`simulate --format json` of a 1M-step journey crashed with "Invalid string length").
 */
import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { resolve, join } from "node:path";
import { ChunkWriter, jsonChunks } from "../../cli/stream.js";
import { coverage, runAll } from "../../cli/journeys.js";
import { journeysOf } from "../../cli/workspace.js";
import { checkWorkspace } from "../../core/checker/check.js";
import { runJourney, type TraceEntry } from "../../core/engine/index.js";
import { crmSources } from "../support/files.js";
import { STREAM_STEPS, renderTrace, streamJourneys } from "../../cli/commands/simulate.js";
import { plain } from "../../cli/color.js";

describe("jsonChunks", () => {
  it("joins to exactly JSON.stringify(value, null, 2)", () => {
    const withHoles = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: "small" },
        fc.jsonValue(),
        fc.constant(undefined),
        fc.array(tie("value"), { maxLength: 4 }),
        fc.dictionary(fc.string({ maxLength: 4 }), tie("value"), { maxKeys: 4 }),
      ),
    })).value;
    fc.assert(
      fc.property(withHoles, (v) => {
        expect([...jsonChunks(v)].join("")).toBe(JSON.stringify(v, null, 2) ?? "");
      }),
      { numRuns: 3000, seed: 7 },
    );
    for (const v of [[], {}, [[]], { a: {} }, { a: undefined, b: [undefined, () => 1] }, { toJSON: () => ({ x: 1 }) }, { d: new Date(0) }, "x\ny", { t: [{ a: [1, { b: "c\nd" }] }] }])
      expect([...jsonChunks(v)].join("")).toBe(JSON.stringify(v, null, 2));
  });

  it("writes a document longer than the longest string the runtime allows", () => {
    // 6,000 trace-like entries of about 100 KB: some 600 M characters, over V8's limit of 2^29 - 24.
    const N = 6_000;
    const entry = { kind: "score", at: 1440, time: "day 1", values: { note: "x".repeat(100_000) } };
    const doc = { journey: "big", trace: new Array(N).fill(entry), passed: true };
    expect(() => "x".repeat(2 ** 29)).toThrow(RangeError);
    let total = 0;
    let blocks = 0;
    let longest = 0;
    const w = new ChunkWriter((t) => {
      total += t.length;
      blocks++;
      longest = Math.max(longest, t.length);
    });
    w.addAll(jsonChunks(doc));
    w.flush();
    const one = JSON.stringify(entry, null, 2).replace(/\n/g, "\n    ").length;
    const head = JSON.stringify({ journey: "big", trace: [], passed: true }, null, 2).length - "[]".length;
    expect(total).toBe(head + "[".length + N * ("\n    ".length + one) + (N - 1) * ",".length + "\n  ]".length);
    expect(total).toBeGreaterThan(2 ** 29);
    expect(blocks).toBeGreaterThan(N / 2);
    // No piece much longer than one entry: the document is never one string.
    expect(longest).toBeLessThan(200 * 1024);
  });
});

describe("long journeys in `test` and the engine's trace sink", () => {
  const root = resolve("examples/acme");

  it("Simulation onTrace hands over exactly the entries a kept trace holds", () => {
    const check = checkWorkspace({ root, files: crmSources(root) });
    for (const j of journeysOf(check)) {
      const seen: TraceEntry[] = [];
      const streamed = runJourney(j.rules, j.decl, { onTrace: (e) => seen.push(e) });
      const kept = runJourney(j.rules, j.decl);
      expect(streamed.trace).toEqual([]);
      expect(JSON.stringify(seen)).toBe(JSON.stringify(kept.trace));
      expect(JSON.stringify({ ...streamed, trace: undefined })).toBe(JSON.stringify({ ...kept, trace: undefined }));
    }
  });

  it("runAll keeps only what the report reads: the same coverage and notes, a bounded trace", () => {
    const steps = Array.from({ length: 20_000 }, (_, i) => (i % 100 === 0 ? `  day ${i / 100} page_view { url: "/pricing" }` : `  page_view { url: "/blog" }`)).join("\n");
    const files = [...crmSources(root), { uri: join(root, "journeys/long.crmrules"), text: `import "../workflows.crmrules"\njourney "long" {\n  lead { email: "a@b.example", country: NO }\n  day 3 at 01:00 demo_requested\n  day 2 demo_requested\n${steps}\n}\n` }];
    const check = checkWorkspace({ root, files });
    const journeys = journeysOf(check);
    const slim = runAll(journeys);
    const full = journeys.map((journey) => ({ journey, result: runJourney(journey.rules, journey.decl) }));
    expect(coverage(check, slim)).toEqual(coverage(check, full));
    const long = slim.find((r) => r.journey.name === "long")!;
    const longFull = full.find((r) => r.journey.name === "long")!;
    expect(longFull.result.trace.length).toBeGreaterThan(20_000);
    expect(long.result.trace.length).toBeLessThan(50);
    expect(long.result.trace.filter((e) => e.kind === "note")).toEqual(longFull.result.trace.filter((e) => e.kind === "note"));
    expect(long.result.trace.some((e) => e.kind === "note")).toBe(true);
    expect(long.result.expectations).toEqual(longFull.result.expectations);
  });
});

describe("simulate streams a long journey while it runs", () => {
  const root = resolve("examples/acme");

  it("writes the same JSON and text as the kept result, for one journey and for a file of several", () => {
    const steps = Array.from({ length: STREAM_STEPS + 500 }, (_, i) => (i % 50 === 0 ? `  day ${i / 50} page_view { url: "/pricing" }` : i % 7 === 0 ? `  demo_requested` : `  page_view { url: "/blog" }`)).join("\n");
    const uri = join(root, "journeys/long.crmrules");
    const files = [...crmSources(root), { uri, text: `import "../workflows.crmrules"\njourney "long" {\n  lead { email: "a@b.example", country: NO, role: cfo, company_size: 900 }\n  day 0 consent_given { purpose: email_marketing, method: checkbox }\n${steps}\n  day 400 expect stage == sql\n}\njourney "short" {\n  lead { country: DE }\n  day 1 demo_requested\n  day 2 sales_activity\n}\njourney "empty" {}\n` }];
    const check = checkWorkspace({ root, files });
    const all = journeysOf(check).filter((j) => j.uri === uri);
    expect(all.map((j) => j.name)).toEqual(["long", "short", "empty"]);
    for (const picked of [all.slice(0, 1), all]) {
      const results = picked.map((j) => runJourney(j.rules, j.decl));
      const want = { json: JSON.stringify(results.length === 1 ? results[0] : results, null, 2) + "\n", text: results.map((r) => renderTrace(r, root, plain)).join("\n") };
      for (const format of ["json", "text"] as const) {
        let got = "";
        const out = new ChunkWriter((t) => (got += t));
        streamJourneys(picked, undefined, format, out, root, plain);
        out.flush();
        expect(got.length).toBe(want[format].length);
        expect(got === want[format]).toBe(true);
      }
    }
  });
});
