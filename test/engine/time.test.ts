/**
 * Replay time does not grow with the clock (issue 13 item 4) and time values are bounded
 * (issue 12 item 11): idle decay ticks are skipped with the trace unchanged, far days are
 * diagnostics, far log times are per-record problems.
 */
import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { resolve, join } from "node:path";
import { compileText } from "./helpers.js";
import { checkWorkspace } from "../../core/checker/check.js";
import { compile, runJourney, Simulation, RoutingPool, type CompiledRules } from "../../core/engine/index.js";
import { replayLead, parseRecord, scanRecord, type LogRecord } from "../../core/engine/bulk/index.js";
import { replayLog } from "../../runtime/bulk/replay.js";
import type { RulesSpec } from "../../runtime/bulk/rules.js";
import { crmSources } from "../support/files.js";
import { checkSources, formatDiagnostic } from "../checker/helpers.js";
import { MAX_DAY } from "../../core/time.js";

const SRC = { uri: "/t", range: { start: { line: 0, character: 0, offset: 0 }, end: { line: 0, character: 0, offset: 0 } } };

/** The same rules without the clock windows: the simulation then processes every decay tick one by one. */
const everyTick = (r: CompiledRules): CompiledRules => ({ ...r, clockWindows: undefined });

const RULES = `
lead { country: country  size: number }
event page_view { url: text }
event webinar {}
event demo {}
score fast { decay 50% every 1 minute  rule p: +8 on page_view  rule w: +3 on webinar within 90 minutes }
score slow { cap 50  floor -10  decay 10% every 7 minutes  rule d: +20 on demo  rule q: -4 after 100 minutes without page_view }
score hourly { decay 100% every 1 hour  rule w: +1 on webinar  rule big: +2 when lead.size >= 100 }
stage new initial
stage warm when webinar within 45 minutes or fast >= 4
stage hot when demo within 2 hours and count(page_view within 30 minutes) >= 2
stage cold detour when slow < 0
reenter warm from cold after 3 hours
owner kari "k@x"
queue q "Q"
route r on stage hot { rule a: when slow >= 0 -> owner kari escalate after 90 minutes to queue q }
action note internal
workflow wf on stage warm { do note  wait 37 minutes  do note }
`;

type Step = { gap: number; what: number; size: number };
const EVENTS: [string, Record<string, string | number>][] = [["page_view", { url: "/x" }], ["webinar", {}], ["demo", {}], ["sales_activity", {}]];

function simulate(rules: CompiledRules, steps: Step[], trace: boolean): { out: string; timers: number } {
  const sim = new Simulation(rules, { seed: 1, pool: new RoutingPool(1), trace });
  sim.start({ country: "NO", size: 10 }, SRC);
  let t = 0;
  for (const s of steps) {
    t += s.gap;
    if (s.what < EVENTS.length) sim.event(t, EVENTS[s.what]![0], EVENTS[s.what]![1], SRC);
    else if (s.what === EVENTS.length) sim.update(t, { size: s.size }, SRC);
    else sim.advanceTo(t);
  }
  return { out: JSON.stringify({ trace: sim.trace, final: sim.final() }), timers: sim.timersRun };
}

const stepArb = fc.record({
  gap: fc.oneof(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 400 }), fc.integer({ min: 400, max: 3000 })),
  what: fc.integer({ min: 0, max: EVENTS.length + 1 }),
  size: fc.constantFrom(10, 500),
});

describe("idle decay ticks are skipped, the result and trace unchanged", () => {
  const rules = compileText(RULES);

  it("the rules compile with their clock windows", () => {
    expect(rules.problems).toEqual([]);
    expect([...rules.clockWindows!.entries()]).toEqual([["webinar", [45]], ["demo", [120]], ["page_view", [30]]]);
  });

  it("agrees with processing every tick (trace on and off), on random timelines", () => {
    let skipped = 0;
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 14 }), (steps) => {
        for (const trace of [true, false]) {
          const fast = simulate(rules, steps, trace);
          const slow = simulate(everyTick(rules), steps, trace);
          expect(fast.out).toBe(slow.out);
          expect(fast.timers).toBeLessThanOrEqual(slow.timers);
          if (fast.timers < slow.timers) skipped++;
        }
      }),
      { numRuns: 120, seed: 4 },
    );
    // Not vacuous: most timelines had ticks to skip.
    expect(skipped).toBeGreaterThan(100);
  });

  it("agrees on the example workspace's journeys, their traces byte for byte", () => {
    const root = resolve("examples/acme");
    const input = { root, files: crmSources(root) };
    const check = checkWorkspace(input);
    for (const f of input.files.filter((x) => x.uri.includes("/journeys/"))) {
      const r = compile(check, f.uri);
      for (const j of r.journeys.filter((x) => x.uri === f.uri)) expect(JSON.stringify(runJourney(r, j.journey))).toBe(JSON.stringify(runJourney(everyTick(r), j.journey)));
    }
  });
});

describe("replay time does not depend on the clock value (issue 13 item 4)", () => {
  it("a score halving every minute, steps at day 0 and day 100000 (8 s before)", () => {
    const rules = compileText(`event e\nscore s { decay 50% every 1 minute  rule r: +1 on e }\njourney "far" {\n  day 0 e\n  day 100000 e\n  day 100000 expect score s == 1\n}`);
    const r = runJourney(rules, rules.journeys[0]!.journey);
    expect(r.expectations.map((e) => e.pass)).toEqual([true]);
    const sim = new Simulation(rules, { trace: true });
    sim.start({}, SRC);
    sim.event(0, "e", {}, SRC);
    sim.event(100000 * 1440, "e", {}, SRC);
    sim.event(MAX_DAY * 1440, "e", {}, SRC);
    expect(sim.score("s")).toBe(1);
    // One tick halves 1 to 0; the next tick is idle and the rest are skipped.
    expect(sim.timersRun).toBeLessThanOrEqual(6);
    expect(sim.trace.filter((e) => e.kind === "timer").length).toBe(2);
  });

  it("the example workspace at its last day (day 1,000,000) runs a bounded number of timers", () => {
    const root = resolve("examples/acme");
    const files = [...crmSources(root), { uri: join(root, "journeys/far.crmrules"), text: `import "../workflows.crmrules"\njourney "far" {\n  lead { email: "haruto@seto-marine.example", country: JP, role: cfo, segment: distributor, company_size: 1200 }\n  day 0 consent_given { purpose: email_marketing, method: checkbox }\n  day 0 demo_requested\n  day 1000000 demo_requested\n  day 1000000 at 23:59 expect score engagement == 30\n}\n` }];
    const check = checkWorkspace({ root, files });
    expect(check.diagnostics.filter((d) => d.uri.endsWith("far.crmrules")).map(formatDiagnostic)).toEqual([]);
    const rules = compile(check, join(root, "journeys/far.crmrules"));
    const j = rules.journeys.find((x) => x.uri.endsWith("far.crmrules"))!;
    const r = runJourney(rules, j.journey);
    expect(r.expectations.map((e) => `${e.text} ${e.actual}`)).toEqual(["expect score engagement == 30 30"]);
    // Before: a decay tick every 30 days, 33,333 of them.
    expect(r.trace.filter((e) => e.kind === "timer").length).toBeLessThan(20);
  });

  it("a journey step beyond the range is not run (it is CR3019), so it cannot hang the replay", () => {
    // As `crmrules test` does: the journey runs although the checker reports CR3019.
    const text = `event e\nscore s { decay 50% every 1 minute  rule r: +1 on e }\njourney "far" {\n  day 0 e\n  day 9999999999999 e\n  expect score s == 1\n}`;
    const check = checkWorkspace({ root: "/ws", files: [{ uri: "/ws/main.crmrules", text }] });
    expect(check.diagnostics.map((d) => d.code)).toEqual(["CR3019"]);
    const rules = compile(check, "/ws/main.crmrules");
    const r = runJourney(rules, rules.journeys[0]!.journey);
    expect(r.trace.some((e) => e.kind === "note" && e.message.includes("day 9999999999999, beyond the last day the clock counts (day 1000000); it is not run"))).toBe(true);
    expect(r.trace.filter((e) => e.kind === "event")).toHaveLength(1);
    expect(r.expectations.map((e) => e.pass)).toEqual([true]);
  });
});

describe("time values are bounded (issue 12 item 11)", () => {
  const journey = (steps: string) => checkSources({ "a.crmrules": `event e\njourney "j" {\n${steps}\n}\n` }).diagnostics.map(formatDiagnostic);

  it("a day beyond day 1,000,000 is CR3019 at the day number, with a hint for Unix times", () => {
    expect(journey("  day 9999999999999 e")).toEqual([
      "3:7-3:20 CR3019 error day 9999999999999 is beyond the last day the clock counts (day 1,000,000, about 2,700 years after day 0); it looks like a Unix time in milliseconds: give days since day 0; journeys can use days 0 to 1,000,000",
    ]);
    expect(journey("  day 1767225600 e")[0]).toContain("it looks like a Unix time in seconds");
    expect(journey("  day 1000001 e")).toEqual(["3:7-3:14 CR3019 error day 1000001 is beyond the last day the clock counts (day 1,000,000, about 2,700 years after day 0); journeys can use days 0 to 1,000,000"]);
    expect(journey("  day 1000000 at 23:59 e")).toEqual([]);
  });

  it("`day -1` is one CR3019, without a syntax error or a spurious CR3017 (issue 12 item 10)", () => {
    expect(journey("  day 2 e\n  day -1 e\n  day 3 e")).toEqual(["4:7-4:9 CR3019 error `day -1` is before the journey starts; days count from day 0 (the lead's arrival), so write `day 0` or later"]);
  });
});

describe("far times in event logs are per-record problems (issue 13 item 4)", () => {
  const root = resolve("examples/acme");
  const spec: RulesSpec = { root, files: crmSources(root), fromUri: join(root, "workflows.crmrules") };

  it("`at` beyond day 1,000,000 is refused by the record parser (with a Unix-time hint) and by the quick scan", () => {
    for (const at of ["1e300", "1767225600", "1000000.5"]) {
      const line = `{"type":"event","lead":"A","at":${at},"event":"demo_requested"}`;
      const p = parseRecord(line);
      expect(p.ok).toBe(false);
      expect(!p.ok && p.reason).toMatch(/^`at`: day .* is beyond the last day the clock counts/);
      expect(scanRecord(line)).toBeNull();
    }
    expect(!parseRecord('{"type":"lead","lead":"A","at":1767225600}').ok && (parseRecord('{"type":"lead","lead":"A","at":1767225600}') as { reason: string }).reason).toContain("Unix time in seconds");
    expect(parseRecord('{"type":"lead","lead":"A","at":1000000}').ok).toBe(true);
  });

  it("a replay reports the line and field and leaves the record out (1e300 never finished; 1767225600 took ~50 s)", async () => {
    const lines = [
      '{"type":"lead","lead":"A","at":0,"fields":{"country":"US"}}',
      '{"type":"event","lead":"A","at":1,"event":"demo_requested"}',
      '{"type":"event","lead":"A","at":1e300,"event":"demo_requested"}',
      '{"type":"event","lead":"A","at":1767225600,"event":"demo_requested"}',
      '{"type":"lead","lead":"B","at":"2026-01-05T10:00:00Z","fields":{"country":"US"}}',
      '{"type":"event","lead":"B","at":"+275760-01-01T00:00:00Z","event":"demo_requested"}',
      '{"type":"event","lead":"B","at":"2026-01-06T10:00:00Z","event":"demo_requested"}',
    ];
    for (const workers of [0, 1]) {
      const outcomes: { lead: string; records: number; last: string; problems: string[] }[] = [];
      const res = await replayLog({ rules: spec, input: lines, workers, onOutcome: (o) => outcomes.push(o) });
      expect(res.errors.map((e) => e.line)).toEqual([3, 4, 6]);
      expect(res.errors.every((e) => e.reason.startsWith("`at`: "))).toBe(true);
      // ISO times have a stated range of years (1900 to 2199, docs/event-log.md), well inside the clock's.
      expect(res.errors[2]!.reason).toContain("is outside the years a log may use (1900 to 2199)");
      expect(outcomes.map((o) => [o.lead, o.records, o.last, o.problems])).toEqual([["A", 2, "day 1", []], ["B", 2, "day 1 at 10:00", []]]);
    }
  });

  it("replayLead (records handed over directly) skips a far ISO record with a problem", () => {
    const rules = compile(checkWorkspace({ root, files: spec.files }), spec.fromUri);
    const records: LogRecord[] = [
      { type: "lead", lead: "A", at: "2026-01-05T10:00:00Z", fields: {} },
      { type: "event", lead: "A", at: "+275760-01-01T00:00:00Z", event: "demo_requested", payload: {} },
    ];
    const o = replayLead(rules, "A", records);
    expect(o.problems).toHaveLength(1);
    expect(o.problems[0]).toMatch(/^record 2: `at`: .* beyond the last day the clock counts .*; skipped$/);
    expect(o.last).toBe("day 0");
  });
});
