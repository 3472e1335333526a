/** Property tests (fast-check) and the trace JSON Schema. */
import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { readFileSync } from "node:fs";
import Ajv2020 from "ajv/dist/2020.js";
import { compileText } from "./helpers.js";
import { runJourney, type JourneyResult } from "../../core/engine/index.js";

const RULES = `
lead { email: email  country: country  size: number }
event page_view { url: text }
event webinar {}
event demo {}
event poke {}
territory dach = [DE, AT]
score eng "Engagement" {
  cap 80
  floor -20
  decay 30% every 20 days
  rule p: +10 on page_view where url starts_with "/pricing" limit 3 per 7 days
  rule burst: +15 on page_view at least 2 times within 3 days
  rule w: +25 on webinar within 10 days
  rule d: +40 on demo
  rule quiet: -15 after 25 days without page_view or webinar
  rule big: +30 when lead.size >= 1000
}
stage new initial
stage mql when eng >= 40
stage sql when stage == mql and demo within 14 days
stage recycled detour when eng < 0
reenter mql from recycled after 30 days
owner kari "k@x"
owner anna "a@x"
owner ben "b@x"
queue unrouted "U"
team sdr round_robin { member anna weight 2  member ben  cap 2 per day }
route inbound on stage mql {
  rule big: when lead.size >= 5000 -> owner kari escalate after 2 hours to queue unrouted
  rule any: when eng >= 0 -> team sdr
  otherwise -> queue unrouted
}
consent mail {
  in dach: double_opt_in
  in [US]: opt_out
  otherwise: opt_in expires after 60 days
}
action send(c: text) contact requires mail
action note internal
workflow nurture on stage mql {
  do send("n1")
  wait 2 days
  do send("n2") unless demo
  do note
}
workflow pokes on poke { do send("p") }
`;

const eventArb = fc.oneof(
  fc.constantFrom('page_view { url: "/pricing" }', 'page_view { url: "/blog" }', "webinar", "demo", "poke", "unsubscribed", "erasure_requested", 'sales_activity { kind: "call" }'),
  fc.constantFrom("consent_given { purpose: mail, method: checkbox }", "consent_given { purpose: mail, method: double_opt_in }", "consent_withdrawn { purpose: mail }"),
  fc.integer({ min: 0, max: 6000 }).map((n) => `update { size: ${n} }`),
);
const stepArb = fc.record({ gap: fc.integer({ min: 0, max: 2000 }), what: eventArb });
const journeyArb = fc.record({
  country: fc.constantFrom("DE", "US", "FR", "CA"),
  size: fc.integer({ min: 0, max: 8000 }),
  seed: fc.integer({ min: 0, max: 50 }),
  steps: fc.array(stepArb, { maxLength: 25 }),
});

type J = { country: string; size: number; seed: number; steps: { gap: number; what: string }[] };
function text(j: J, extra = ""): string {
  let t = 0;
  const lines = j.steps.map((s) => {
    t += s.gap * 10;
    const day = Math.floor(t / 1440);
    const m = t % 1440;
    return `  day ${day} at ${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")} ${s.what}`;
  });
  return `${RULES}\njourney "p" {\n  lead { email: "X@Y.example", country: ${j.country}, size: ${j.size} }\n  seed ${j.seed}\n${lines.join("\n")}\n${extra}}\n`;
}
function run(src: string): JourneyResult {
  const rules = compileText(src);
  return runJourney(rules, rules.journeys[0]!.journey);
}
const lastTime = (j: J) => j.steps.reduce((a, s) => a + s.gap * 10, 0);

describe("engine properties", () => {
  it("replaying twice gives byte-identical traces", () => {
    fc.assert(fc.property(journeyArb, (j) => {
      const src = text(j);
      expect(JSON.stringify(run(src))).toBe(JSON.stringify(run(src)));
    }), { numRuns: 60 });
  });

  it("a score never leaves [floor, cap]", () => {
    fc.assert(fc.property(journeyArb, (j) => {
      const r = run(text(j));
      for (const e of r.trace) if (e.kind === "score" && e.after !== null) {
        expect(e.after).toBeGreaterThanOrEqual(-20);
        expect(e.after).toBeLessThanOrEqual(80);
      }
    }), { numRuns: 80 });
  });

  it("an erasure request blocks every later contact action", () => {
    fc.assert(fc.property(journeyArb, (j) => {
      const r = run(text(j));
      const erased = r.trace.find((e) => e.kind === "event" && e.name === "erasure_requested");
      if (!erased) return;
      for (const e of r.trace) if (e.kind === "action" && e.reach === "contact" && e.at >= erased.at && r.trace.indexOf(e) > r.trace.indexOf(erased)) expect(e.status === "sent").toBe(false);
    }), { numRuns: 80 });
  });

  it("adding an event after the last step never changes earlier trace entries", () => {
    fc.assert(fc.property(journeyArb, eventArb, fc.integer({ min: 1, max: 100 }), (j, ev, gapDays) => {
      const base = run(text(j));
      const t = lastTime(j);
      const day = Math.floor(t / 1440) + gapDays;
      const more = run(text(j, `  day ${day} at 23:59 ${ev}\n`));
      // The earlier run's whole trace is a prefix of the longer run's trace; earlier expectations are unchanged.
      expect(JSON.stringify(more.trace.slice(0, base.trace.length))).toBe(JSON.stringify(base.trace));
      expect(more.trace.length).toBeGreaterThan(base.trace.length);
      expect(more.trace.slice(base.trace.length).every((e) => e.at > t)).toBe(true);
    }), { numRuns: 60 });
  });

  it("every result matches docs/trace.schema.json", () => {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    const validate = ajv.compile(JSON.parse(readFileSync("docs/trace.schema.json", "utf8")));
    fc.assert(fc.property(journeyArb, (j) => {
      const r = JSON.parse(JSON.stringify(run(text(j))));
      const ok = validate(r);
      if (!ok) throw new Error(ajv.errorsText(validate.errors));
    }), { numRuns: 40 });
  });
});
