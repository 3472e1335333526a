/**
 * `Simulation.feed` (many simulations, interleaved time-ordered events, in blocks with a look-ahead)
 * must do exactly what one `event` call per event does: same traces, final states and errors.
 */
import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { readFileSync } from "node:fs";
import path from "node:path";
import { checkWorkspace } from "../../core/checker/check.js";
import { compile, type CompiledRules } from "../../core/engine/compile.js";
import { Simulation, eventId, type LeadEvent } from "../../core/engine/sim.js";
import type { SourceRef, Value } from "../../core/engine/trace.js";
import { loadDir } from "./helpers.js";

const zero = { line: 0, character: 0, offset: 0 };
const SRC: SourceRef = { uri: "test:feed", range: { start: zero, end: zero } };

function rulesOf(files: Record<string, string>, from: string): CompiledRules {
  const check = checkWorkspace({ root: "/ws", files: Object.entries(files).map(([uri, text]) => ({ uri, text })) });
  return compile(check, from);
}

const CASES: { name: string; rules: CompiledRules }[] = [
  { name: "benchmark rules", rules: rulesOf({ "/ws/main.crmrules": readFileSync(path.join(__dirname, "../../bench/sim/rules.crmrules"), "utf8") }, "/ws/main.crmrules") },
  { name: "examples/acme", rules: rulesOf(loadDir(path.join(__dirname, "../../examples/acme")), "/ws/workflows.crmrules") },
];

const TEXTS = ["/pricing", "/docs/api", "contact", "newsletter", "double_opt_in", "marketing", "x"];

function payloadFor(rules: CompiledRules, name: string, r: number): Record<string, Value> {
  const p: Record<string, Value> = {};
  const info = rules.events.get(name);
  let k = 0;
  if (info)
    for (const f of info.fields.values()) {
      const v = r + 7 * k++;
      p[f.name] = f.type === "enum" && f.values.length ? f.values[v % f.values.length]! : f.type === "number" ? v % 50 : TEXTS[v % TEXTS.length]!;
    }
  return p;
}

function sims(rules: CompiledRules, n: number, trace: boolean): Simulation[] {
  const fields = [...rules.fields.values()];
  return Array.from({ length: n }, (_, i) => {
    const s = new Simulation(rules, { seed: i, trace });
    const lead: Record<string, Value> = {};
    fields.forEach((f, k) => {
      if ((i + k) % 4 !== 0) lead[f.name] = f.type === "number" ? [10, 500, 5000][(i + k) % 3]! : f.type === "country" ? ["DE", "NO", "US", "CA"][(i + k) % 4]! : f.type === "enum" && f.values.length ? f.values[(i + k) % f.values.length]! : f.type === "email" ? `p${i}@Gmail.com` : `t${i}`;
    });
    s.start(lead, SRC);
    return s;
  });
}

describe("Simulation.feed", () => {
  for (const c of CASES) {
    const names = [...c.rules.events.keys(), "undeclared_thing"];
    it(`${c.name}: same traces and final states as one event call per event`, () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 9 }),
          fc.array(fc.record({ lead: fc.nat(100), gap: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 3 * 1440 })), name: fc.nat(100), r: fc.nat(100), byId: fc.boolean() }), { maxLength: 300 }),
          (n, raw) => {
            let t = 0;
            const events: LeadEvent[] = raw.map((x) => {
              t += x.gap;
              const name = names[x.name % names.length]!;
              const id = eventId(c.rules, name);
              return { lead: x.lead % n, at: t, name: x.byId && id >= 0 ? id : name, payload: payloadFor(c.rules, name, x.r) };
            });
            const one = sims(c.rules, n, true);
            for (const e of events) one[e.lead]!.event(e.at, e.name, e.payload, SRC);
            const fed = sims(c.rules, n, true);
            Simulation.feed(fed, events, SRC);
            const quiet = sims(c.rules, n, false);
            Simulation.feed(quiet, events, SRC);
            for (let i = 0; i < n; i++) {
              expect(JSON.stringify(fed[i]!.trace)).toBe(JSON.stringify(one[i]!.trace));
              expect(JSON.stringify(fed[i]!.final())).toBe(JSON.stringify(one[i]!.final()));
              expect(JSON.stringify(quiet[i]!.final())).toBe(JSON.stringify(one[i]!.final()));
            }
          },
        ),
        { numRuns: 150 },
      );
    });
  }

  it("an event for a simulation that does not exist throws where one call per event would, after the events before it", () => {
    const rules = CASES[0]!.rules;
    const events: LeadEvent[] = [];
    for (let k = 0; k < 150; k++) events.push({ lead: k === 100 ? 7 : k % 2, at: k * 60, name: "demo_requested", payload: {} });
    const fed = sims(rules, 2, true);
    expect(() => Simulation.feed(fed, events, SRC)).toThrow(TypeError);
    const one = sims(rules, 2, true);
    expect(() => {
      for (const e of events) one[e.lead]!.event(e.at, e.name, e.payload, SRC);
    }).toThrow(TypeError);
    for (let i = 0; i < 2; i++) expect(JSON.stringify(fed[i]!.trace)).toBe(JSON.stringify(one[i]!.trace));
    // The events before the bad one (100 of them, 50 per simulation) were processed.
    expect(fed[0]!.now).toBe(98 * 60);
  });
});
