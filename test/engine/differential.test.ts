/**
 * Differential test: the live engine against the frozen reference engine
 * (test/engine/reference/, the engine before its hot path was optimised).
 * Random inputs (events with random payloads, field updates, undeclared events,
 * clock advances) on several rule sets; traces and final states must be
 * byte-identical, with the trace on and off.
 */
import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { readFileSync } from "node:fs";
import path from "node:path";
import { checkWorkspace } from "../../core/checker/check.js";
import { compile } from "../../core/engine/compile.js";
import { Simulation, eventId } from "../../core/engine/sim.js";
import { compile as refCompile } from "./reference/compile.js";
import { Simulation as RefSimulation } from "./reference/sim.js";
import type { SourceRef, Value } from "../../core/engine/trace.js";
import { loadDir } from "./helpers.js";

const PROPERTY_RULES = readFileSync(path.join(__dirname, "properties.test.ts"), "utf8").match(/const RULES = `([\s\S]*?)`;/)![1]!;
const BENCH_RULES = readFileSync(path.join(__dirname, "../../bench/sim/rules.crmrules"), "utf8");

/** Everything the hot path special-cases, and the general cases next to it. */
const MIXED_RULES = `
lead { email: email  country: country  size: number  role: enum(cto, dev, student)  tags: list(text) }
event page_view { url: text  ref: text }
event signup { email: email  plan: enum(free, pro) }
event webinar {}
event demo {}
event call { outcome: enum(good, bad) }
set free_mail = ["gmail.com", "outlook.com"]
territory dach = [DE, AT, CH]
score fit "Fit" {
  cap 40
  rule big: +20 when lead.size >= 1000
  rule mid: +5 when lead.size between 100 and 999
  rule cto: +15 when lead.role == cto
  rule free: -10 when lead.email.domain in free_mail
  rule dach_big: +5 when lead.country in dach and lead.size > 50
}
grade g from fit {
  A >= 30
  B >= 10
  C otherwise
}
score eng "Engagement" {
  cap 60
  floor -10
  rule pricing: +10 on page_view where url starts_with "/pricing" limit 2 per 3 days
  rule docs: +5 on page_view where url starts_with "/docs" at least 3 times within 1 day limit 1 per 2 days
  rule any_views: +1 on page_view at least 4 times
  rule local: +3 on page_view where url ends_with "/de" and lead.country in dach at least 2 times within 2 days
  rule ref_glob: +2 on page_view where ref matches "*news*" limit 5
  rule graded: +4 on page_view where url contains "case" when g >= B
  rule signup_pro: +12 on signup where plan == pro and email == lead.email
  rule signup_any: +6 on signup within 5 days
  rule web: +15 on webinar within 10 days limit 1 per 1 day
  rule demo: +25 on demo
  rule calls: +8 on call where outcome == good at least 2 times within 20 days
  rule bad_call: -20 on call where outcome == bad
  rule quiet: -5 after 9 days without page_view or webinar
}
score tiny "Tiny" {
  rule once: +1 on demo limit 1
  rule views: +1 on page_view where fit >= 20
}
stage new initial
stage warm when eng >= 10 or count(page_view where url starts_with "/pricing" within 2 days) >= 2
stage mql when g >= B and eng >= 30 or on demo
stage sql when stage == mql and (demo within 7 days or count(call where outcome == good) >= 1)
stage lost detour when count(call where outcome == bad within 30 days) >= 2 and not webinar
reenter warm from lost after 5 days
owner kari "k@x"
owner anna "a@x"
queue unrouted "U"
route inbound on stage mql {
  rule dach: when lead.country in dach -> owner anna
  rule big: when lead.size >= 1000 -> owner kari escalate after 1 day to queue unrouted
  otherwise -> queue unrouted
}
route signups on signup where plan == pro {
  rule any: when tiny is unscored or tiny >= 0 -> owner kari
}
consent mail {
  in dach: double_opt_in
  otherwise: opt_in expires after 30 days
}
action send(to: email) contact requires mail
workflow welcome on signup where plan == free {
  do send(lead.email)
  wait 1 day
  do send(lead.email) unless demo
}
`;

/** Few events and rules, each reading history in one way, so that window edges are hit often. */
const WINDOW_RULES = `
lead { country: country  size: number }
event view { url: text }
event call { outcome: enum(good, bad) }
event ping {}
event meet {}
score s "S" {
  rule local: +3 on view where url ends_with "/de" and lead.country == DE at least 2 times within 2 days
  rule views: +1 on view where url starts_with "/c" at least 2 times within 1 day
  rule pings: +1 on ping at least 2 times within 1 day limit 2 per 1 day
  rule calls: +2 on call limit 2
}
stage a initial
stage b when count(call where outcome == good within 1 day) >= 2
stage c when stage == b and ping within 1 day
stage d when stage == c and count(meet where lead.size >= 1000 within 3 days) >= 2
`;

/**
 * Stage conditions that change with the clock alone (windows expiring, `not … within`, counts
 * falling below a bound), with the current event (`on`), with fields and grades, and detours with
 * re-entry: the engine re-evaluates stage conditions only when something they read can have
 * changed, and timers (decay, expiry, inactivity, re-entry waits) move the clock without an event.
 */
const STAGE_RULES = `
lead { size: number  role: enum(cto, dev)  tier: enum(gold, silver) }
event view { url: text }
event call { outcome: enum(good, bad) }
event ping {}
event demo {}
score eng "E" {
  decay 10% every 1 day
  rule views: +5 on view
  rule demo: +20 on demo within 3 days
  rule quiet: -3 after 2 days without view
}
score fit "F" {
  rule big: +10 when lead.size >= 1000
  rule cto: +5 when lead.role == cto
}
grade g from fit {
  A >= 15
  B >= 5
  C otherwise
}
stage new initial
stage warm when eng >= 5 or on ping
stage hot when stage == warm and count(view within 1 day) >= 3
stage cooled when stage == hot and not view within 1 day and not (demo within 2 days)
stage quiet when stage == cooled and count(view within 2 days) < 1 and eng is unscored or eng < 4
stage big when lead.size >= 1000 and g == A and count(call where outcome == good) >= 1
stage vip when lead.tier == gold and stage != new
stage lost detour when count(call where outcome == bad within 2 days) >= 2 or (lead.role == dev and on call)
reenter warm from lost after 1 day
stage back detour when stage == lost and not call within 3 days
`;

interface Case {
  name: string;
  files: Record<string, string>;
  from: string;
}

const CASES: Case[] = [
  { name: "property rules", files: { "/ws/main.crmrules": PROPERTY_RULES }, from: "/ws/main.crmrules" },
  { name: "benchmark rules", files: { "/ws/main.crmrules": BENCH_RULES }, from: "/ws/main.crmrules" },
  { name: "mixed rules", files: { "/ws/main.crmrules": MIXED_RULES }, from: "/ws/main.crmrules" },
  { name: "window rules", files: { "/ws/main.crmrules": WINDOW_RULES }, from: "/ws/main.crmrules" },
  { name: "stage dependency rules", files: { "/ws/main.crmrules": STAGE_RULES }, from: "/ws/main.crmrules" },
  { name: "examples/acme", files: loadDir(path.join(__dirname, "../../examples/acme")), from: "/ws/workflows.crmrules" },
];

const TEXTS = ["/pricing", "/pricing/x", "/docs", "/docs/api", "/case/de", "/blog/de", "newsfeed", "/prices/a", "/products/b", "white_paper", "spec_template", "qualified", "no_fit", "contact", "mail", "call", ""];
const EMAILS = ["Kari@Fjord.example", "kari@fjord.example", "x@gmail.com", "Y@Outlook.com"];
const COUNTRIES = ["DE", "AT", "US", "CA", "NO", "FR"];

type Input = { gap: number; kind: "event" | "update" | "advance"; pick: number; values: number[]; drop: number };

/** Each run draws its texts from a small pool, so that filters match (or fail) repeatedly. */
let textPool: number[] = [0];
const text = (r: number) => TEXTS[textPool[r % textPool.length]! % TEXTS.length]!;

function valueFor(type: string, values: string[], element: string | null, r: number): Value {
  switch (type) {
    case "number":
      return [0, 50, 120, 999, 1000, 6000, -5][r % 7]!;
    case "boolean":
      return r % 2 === 0;
    case "email":
      return EMAILS[r % EMAILS.length]!;
    case "country":
      return COUNTRIES[r % COUNTRIES.length]!;
    case "enum":
      return values.length ? values[r % values.length]! : "x";
    case "list":
      return element === "enum" && values.length ? [values[r % values.length]!] : [text(r)];
    case "date":
      return "2026-01-0" + ((r % 9) + 1);
    default:
      return text(r);
  }
}

const inputArb = fc.record({
  // Whole hours and days often, so that events land exactly on window, limit and timer boundaries.
  gap: fc.oneof(
    { arbitrary: fc.constant(0), weight: 3 },
    { arbitrary: fc.constantFrom(1, 60, 720, 1440, 1440, 1440, 2 * 1440, 3 * 1440, 5 * 1440, 7 * 1440, 9 * 1440, 10 * 1440, 14 * 1440, 30 * 1440), weight: 4 },
    fc.integer({ min: 0, max: 200 }),
    fc.integer({ min: 0, max: 3 * 1440 }),
    fc.integer({ min: 0, max: 40 * 1440 }),
  ),
  kind: fc.constantFrom<Input["kind"]>("event", "event", "event", "event", "event", "update", "advance"),
  pick: fc.nat(1000),
  values: fc.array(fc.nat(1000), { minLength: 4, maxLength: 4 }),
  drop: fc.nat(7),
});
const runArb = fc.record({
  lead: fc.array(fc.nat(1000), { minLength: 8, maxLength: 8 }),
  seed: fc.nat(50),
  // Each run feeds a few event names and texts (all of them over many runs), so that counts, limits and windows fill up.
  eventPool: fc.array(fc.nat(1000), { minLength: 1, maxLength: 4 }),
  textPool: fc.array(fc.nat(1000), { minLength: 1, maxLength: 3 }),
  inputs: fc.array(inputArb, { maxLength: 60 }),
});

const zero = { line: 0, character: 0, offset: 0 };
const SRC: SourceRef = { uri: "test:diff", range: { start: zero, end: zero } };

type Step = { t: number; kind: "event"; name: string; payload: Record<string, Value> } | { t: number; kind: "update"; values: Record<string, Value> } | { t: number; kind: "advance" };

/**
 * Runs the same steps through the reference engine and the live one (trace on and off, and with
 * the trace on fed event ids from `eventId` where the rules know the name) and compares them.
 */
function same(ref: ReturnType<typeof refCompile>, live: ReturnType<typeof compile>, seed: number, lead: Record<string, Value>, steps: Step[]): void {
  const sims = [new RefSimulation(ref, { seed }), new Simulation(live, { seed }), new Simulation(live, { seed, trace: false }), new Simulation(live, { seed })];
  for (const s of sims) s.start({ ...lead }, SRC);
  for (const st of steps) {
    sims.forEach((s, k) => {
      if (st.kind === "advance") s.advanceTo(st.t);
      else if (st.kind === "update") s.update(st.t, { ...st.values }, SRC);
      else if (k === 3 && eventId(live, st.name) >= 0) (s as Simulation).event(st.t, eventId(live, st.name), { ...st.payload }, SRC);
      else s.event(st.t, st.name, { ...st.payload }, SRC);
    });
  }
  const [r, l, quiet, byId] = sims as [RefSimulation, Simulation, Simulation, Simulation];
  const trace = JSON.stringify(r.trace);
  expect(JSON.stringify(l.trace)).toBe(trace);
  expect(JSON.stringify(byId.trace)).toBe(trace);
  const fin = JSON.stringify(r.final());
  expect(JSON.stringify(l.final())).toBe(fin);
  expect(JSON.stringify(quiet.final())).toBe(fin);
  expect(JSON.stringify(byId.final())).toBe(fin);
  expect(quiet.trace.length).toBe(0);
}

/** Window and period lengths used by the rule sets: events spaced exactly this far apart sit on the edge. */
const EDGES = [60, 1440, 2 * 1440, 3 * 1440, 7 * 1440, 14 * 1440, 30 * 1440];

describe("the optimised engine replays exactly like the reference engine", () => {
  for (const c of CASES) {
    const check = checkWorkspace({ root: "/ws", files: Object.entries(c.files).map(([uri, text]) => ({ uri, text })) });
    const live = compile(check, c.from);
    const errors = check.diagnostics.filter((d) => d.severity === "error").map((d) => `${d.uri}:${d.range.start.line + 1} ${d.message}`);
    const ref = refCompile(check, c.from);
    const events = [...live.events.values()];
    const eventNames = [...events.map((e) => e.name), "undeclared_thing"];
    const fieldList = [...live.fields.values()];
    const leadOf = (lead: number[]) => {
      const rec: Record<string, Value> = {};
      fieldList.forEach((f, i) => {
        const r = lead[i % lead.length]!;
        if (r % 5 !== 0) rec[f.name] = valueFor(f.type, f.values, f.element, r);
      });
      return rec;
    };
    const payloadOf = (name: string, values: number[], drop: number) => {
      const info = live.events.get(name);
      const payload: Record<string, Value> = {};
      let k = 0;
      if (info)
        for (const f of info.fields.values()) {
          if ((drop + k) % 6 !== 5) payload[f.name] = valueFor(f.type, f.values, f.element, values[k % values.length]! + k);
          k++;
        }
      return payload;
    };

    it(`${c.name}: the rules check and compile cleanly`, () => {
      expect(errors).toEqual([]);
      expect(live.problems).toEqual([]);
    });

    it(`${c.name}: every declared event has its own id; unknown names and ids are refused`, () => {
      const ids = events.map((e) => eventId(live, e.name));
      expect(ids.every((id) => id >= 0)).toBe(true);
      expect(new Set(ids).size).toBe(ids.length);
      expect(eventId(live, "undeclared_thing")).toBe(-1);
      const sim = new Simulation(live, { trace: false });
      sim.start({}, SRC);
      expect(() => sim.event(1, 100000, {}, SRC)).toThrow(RangeError);
    });

    it(`${c.name}: same trace and final state on random inputs`, () => {
      fc.assert(
        fc.property(runArb, ({ lead, seed, eventPool, textPool: pool, inputs }) => {
          textPool = pool;
          const steps: Step[] = [];
          let t = 0;
          for (const inp of inputs) {
            t += inp.gap;
            if (inp.kind === "advance") steps.push({ t, kind: "advance" });
            else if (inp.kind === "update") {
              const f = fieldList[inp.pick % Math.max(1, fieldList.length)];
              if (f) steps.push({ t, kind: "update", values: { [f.name]: inp.drop === 0 ? null : valueFor(f.type, f.values, f.element, inp.values[0]!) } });
            } else {
              const name = eventNames[eventPool[inp.pick % eventPool.length]! % eventNames.length]!;
              steps.push({ t, kind: "event", name, payload: payloadOf(name, inp.values, inp.drop) });
            }
          }
          same(ref, live, seed, leadOf(lead), steps);
        }),
        { numRuns: Number(process.env["DIFF_RUNS"] ?? 500) },
      );
    });

    it(`${c.name}: same trace and final state with events exactly one window apart`, () => {
      // Every event name with every text, repeated at 0, 0, +W, +W, +1, +W-1, +W: counts, limits and
      // kept history all meet their window's edge.
      for (const name of eventNames)
        for (let x = 0; x < TEXTS.length; x++)
          for (const w of EDGES) {
            textPool = [x];
            const steps: Step[] = [];
            let t = 0;
            for (const gap of [0, 0, w, w, 1, w - 1, w, 0]) {
              t += gap;
              steps.push({ t, kind: "event", name, payload: payloadOf(name, [x * 7, x * 7 + 1], 0) });
            }
            same(ref, live, 0, leadOf([x + 1, x + 2, 3, 4, 6, 7, 8, 9]), steps);
          }
    });
  }
});
