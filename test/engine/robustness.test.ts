/** Half-typed text never crashes the engine; every trace entry points into the workspace. */
import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { readFileSync } from "node:fs";
import { workspaceFromTexts } from "./helpers.js";
import { compile, runJourney, renderTraceText } from "../../core/engine/index.js";

const full = readFileSync("test/golden/traces/nordic-cto.crmrules", "utf8");

describe("robustness", () => {
  it("compiles and runs any prefix of a file, or the file with a slice cut out, without throwing", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: full.length }), fc.integer({ min: 0, max: 40 }), (at, len) => {
        for (const text of [full.slice(0, at), full.slice(0, at) + full.slice(at + len)]) {
          const ws = workspaceFromTexts("/ws", { "/ws/main.crmrules": text });
          const rules = compile(ws, "/ws/main.crmrules");
          for (const j of rules.journeys) renderTraceText(runJourney(rules, j.journey));
        }
      }),
      { numRuns: 150 },
    );
  });

  it("every trace entry's source lies inside a workspace file", () => {
    const files = { "/ws/main.crmrules": full };
    const ws = workspaceFromTexts("/ws", files);
    const rules = compile(ws, "/ws/main.crmrules");
    const r = runJourney(rules, rules.journeys[0]!.journey);
    for (const e of r.trace) {
      const text = files[e.source.uri as keyof typeof files];
      expect(text, e.kind).toBeDefined();
      expect(e.source.range.end.offset).toBeLessThanOrEqual(text.length);
      expect(e.source.range.start.offset).toBeLessThanOrEqual(e.source.range.end.offset);
    }
    // A rule entry points at its rule's text.
    const fired = r.trace.find((e) => e.kind === "score" && e.rule === "decision_maker")!;
    expect(full.slice(fired.source.range.start.offset, fired.source.range.end.offset)).toMatch(/^rule decision_maker: \+20 when lead\.role in \[executive, director\]/);
  });

  it("the seed option overrides the journey seed and changes only the round robin", () => {
    const text = full.replace("rule enterprise_nordics: when lead.country in nordics and lead.company_size >= 1000 -> owner kari escalate after 4 hours to queue unrouted\n", "");
    const ws = workspaceFromTexts("/ws", { "/ws/main.crmrules": text });
    const rules = compile(ws, "/ws/main.crmrules");
    const a = runJourney(rules, rules.journeys[0]!.journey, { seed: 0 });
    const b = runJourney(rules, rules.journeys[0]!.journey, { seed: 1 });
    expect(a.final.assignment).toEqual({ kind: "team", name: "emea_sdr", member: "anna" });
    expect(b.final.assignment).toEqual({ kind: "team", name: "emea_sdr", member: "ben" });
    expect(JSON.stringify(runJourney(rules, rules.journeys[0]!.journey, { seed: 1 }))).toBe(JSON.stringify(b));
  });

  // Issue 13 item 1: chains compile to one loop over their operands, so neither compiling nor
  // evaluating recurses per term; the results are those of the short chains.
  describe("long operator chains", () => {
    const terms = (n: number, t: string, op: string) => Array(n).fill(t).join(` ${op} `);
    const stageAfter = (conditions: string[], lead = "size: 20000, ok: true, country: NO") => {
      const stages = conditions.map((c, i) => `stage s${i} when ${c}`).join("\n");
      const text = `lead {\n  size: number\n  ok: boolean\n  country: country\n}\nevent e {}\nterritory t0 = [NO]\nterritory t1 = [SE]\nstage start initial\n${stages}\njourney "j" {\n  lead { ${lead} }\n  day 0 e\n}\n`;
      const ws = workspaceFromTexts("/ws", { "/ws/main.crmrules": text });
      const rules = compile(ws, "/ws/main.crmrules");
      return runJourney(rules, rules.journeys[0]!.journey).final.stage;
    };
    const N = 20_000;
    it("a `+` chain adds every term", () => {
      expect(stageAfter([`lead.size < ${terms(N, "1", "+")}`, `lead.size == ${terms(N, "1", "+")}`])).toBe("s1");
    });
    it("a `-` chain subtracts left to right", () => {
      expect(stageAfter([`lead.size == 2 * ${N} - ${terms(N, "1", "-")} + 1`, `lead.size == ${2 * N} - ${terms(N, "1", "-")}`])).toBe("s1");
    });
    it("an `and` chain is false if one term is false, unknown if one is unknown", () => {
      expect(stageAfter([`${terms(N, "lead.ok", "and")} and lead.size > 99999`, `${terms(N, "lead.ok", "and")} and lead.country in t1`, `${terms(N, "lead.ok", "and")}`])).toBe("s2");
      // `lead.size` is missing: `lead.size > 1` is unknown, so the chain is never true.
      expect(stageAfter([`${terms(N, "lead.ok", "and")} and lead.size > 1`], "ok: true, country: NO")).toBe("start");
    });
    it("an `or` chain is true if one term is true", () => {
      expect(stageAfter([`${terms(N, "lead.country in t1", "or")}`, `${terms(N, "lead.country in t1", "or")} or lead.ok`])).toBe("s1");
    });
    it("a set `+` chain is the union of its terms", () => {
      expect(stageAfter([`lead.country in ${terms(N, "t1", "+")}`, `lead.country in ${terms(N, "t1", "+")} + t0`])).toBe("s1");
    });
  });
});

