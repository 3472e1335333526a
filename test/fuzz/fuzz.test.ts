// The grammar-aware fuzzer, 2,000 inputs from fixed seeds (issue 13): nothing throws, diagnostics come back,
// no input under 10 KB takes a second, the formatter is idempotent and keeps every token and comment, and
// the engine keeps its invariants against an independent consent model. Long runs: `npm run fuzz -- --runs 100000`.
import { describe, expect, it } from "vitest";
import { generate } from "./generator.js";
import { checkInput } from "./properties.js";
import { fuzz } from "./run.js";

describe("fuzzing", () => {
  it("2,000 generated workspaces keep every property", () => {
    const start = performance.now();
    const s = fuzz(2000, 1, { scale: 0.05 });
    console.log(`fuzz: 2000 inputs in ${((performance.now() - start) / 1000).toFixed(1)} s, ${s.engineChecked} engine-checked, ${s.sent} sent / ${s.blocked} blocked, slowest ${s.slowestPerKb.msPerKb.toFixed(1)} ms/KB (seed ${s.slowestPerKb.seed})`);
    expect(s.failures).toEqual([]);
    expect(s.crashes + s.hangs + s.violations).toBe(0);
    // The generator reaches every shape and the engine checks run on most inputs.
    expect(Object.keys(s.byShape).sort()).toEqual(["chains", "errors", "globs", "mutated", "nesting", "plain", "time", "unicode"]);
    expect(s.engineChecked).toBeGreaterThan(600);
    // The consent model judged many sends and blocks.
    expect(s.sent).toBeGreaterThan(100);
    expect(s.blocked).toBeGreaterThan(100);
  }, 300_000);

  it("is deterministic: one seed, one input", () => {
    expect(generate(1234).text).toBe(generate(1234).text);
    expect(generate(1234).text).not.toBe(generate(1235).text);
  });

  it("the engine properties can fail: a consent model that never allows a send disagrees", () => {
    // A valid input where the engine sent a contact action and a score moved.
    let seed = 1;
    for (; ; seed++) {
      const o = checkInput(generate(seed, { scale: 0.1 }));
      if (o.engineChecked && o.decisions.sent > 0 && o.failures.length === 0) break;
    }
    const g = generate(seed, { scale: 0.1 });
    const never = { ...g, consent: { ...g.consent!, clauses: g.consent!.clauses.map((c) => ({ ...c, bases: [] })) } };
    expect(checkInput(never).failures.join("\n")).toMatch(/was sent, the consent model says blocked/);
  });
});
