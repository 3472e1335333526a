/** Windows, limits, caps, floors, decay, inactivity, grades, unscored. */
import { describe, it, expect } from "vitest";
import { compileText } from "./helpers.js";
import { runJourney, renderEntry, why, type ScoreEntry } from "../../core/engine/index.js";

const SCHEMA = `
lead { email: email  country: country  role: enum(executive, student)  size: number }
event page_view { url: text }
event webinar {}
event demo {}
`;

function journey(rules: string, steps: string, lead = `{ role: executive, size: 10 }`) {
  const c = compileText(`${SCHEMA}\n${rules}\njourney "j" {\n lead ${lead}\n ${steps}\n}\n`);
  return runJourney(c, c.journeys[0]!.journey);
}
const score = (r: ReturnType<typeof journey>, n: string) => r.final.scores[n];
const entries = (r: ReturnType<typeof journey>, rule: string) => r.trace.filter((e): e is ScoreEntry => e.kind === "score" && e.rule === rule);

describe("scores", () => {
  it("a score is unscored until a rule changes it", () => {
    const r = journey(`score e { rule w: +5 on webinar }`, `day 1 expect score e is unscored\n day 2 webinar\n expect score e == 5`);
    expect(r.expectations.map((x) => x.pass)).toEqual([true, true]);
  });

  it("attribute rules count while true and are never counted twice", () => {
    const r = journey(`score fit { rule exec: +20 when lead.role == executive  rule big: +10 when lead.size >= 100 }`, `day 1 update { size: 200 }\n day 2 update { size: 300 }\n expect score fit == 30\n day 3 update { role: student }\n expect score fit == 10`);
    expect(r.passed).toBe(true);
    expect(entries(r, "big").map((e) => e.cause)).toEqual(["attribute-on"]);
    expect(entries(r, "exec").map((e) => e.cause)).toEqual(["attribute-on", "attribute-off"]);
  });

  it("missing fields make comparisons unknown: `!=` does not match a lead without the field", () => {
    const r = journey(`score fit { rule notstudent: +5 when lead.role != student  rule nocountry: +1 when lead.country is missing }`, `expect score fit == 1`, `{ size: 1 }`);
    expect(r.passed).toBe(true);
  });

  it("`at least K times within D` fires when the window holds K matching events", () => {
    const r = journey(
      `score e { rule pricing: +20 on page_view where url starts_with "/pricing" at least 3 times within 14 days }`,
      `day 0 page_view { url: "/pricing" }\n day 5 page_view { url: "/blog" }\n day 10 page_view { url: "/pricing/eu" }\n expect score e is unscored\n day 14 page_view { url: "/pricing" }\n expect score e == 20\n day 40 page_view { url: "/pricing" }\n expect score e == 20`,
    );
    expect(r.expectations.map((x) => x.pass)).toEqual([true, true, true]);
  });

  it("window bounds are inclusive: day 0 still counts on day 14", () => {
    const r = journey(`score e { rule p: +20 on page_view at least 2 times within 14 days }`, `day 0 page_view { url: "a" }\n day 14 page_view { url: "b" }\n expect score e == 20`);
    expect(r.passed).toBe(true);
  });

  it("points with `within` expire after the window", () => {
    const r = journey(`score e { rule w: +10 on webinar within 7 days }`, `day 0 webinar\n day 7 expect score e == 10\n day 8 expect score e == 0`);
    expect(r.expectations.map((x) => x.pass)).toEqual([true, true]);
    expect(entries(r, "expiry of w")).toHaveLength(1);
  });

  it("`limit N per D` suppresses extra firings and records them", () => {
    const r = journey(`score e { rule p: +10 on page_view limit 2 per 7 days }`, `day 0 page_view { url: "a" }\n day 1 page_view { url: "a" }\n day 2 page_view { url: "a" }\n expect score e == 20\n day 8 page_view { url: "a" }\n expect score e == 30`);
    expect(r.passed).toBe(true);
    const sup = r.trace.filter((e) => e.kind === "suppressed");
    expect(sup).toHaveLength(1);
    expect(sup[0]!.kind === "suppressed" && sup[0]!.detail).toBe("limit 2 per 7 days");
  });

  it("`limit N` caps firings forever", () => {
    const r = journey(`score e { rule w: +10 on webinar limit 1 }`, `day 0 webinar\n day 100 webinar\n expect score e == 10`);
    expect(r.passed).toBe(true);
  });

  it("cap and floor bound the score and the trace records the applied delta", () => {
    const r = journey(`score e { cap 50 floor 0 rule d: +40 on demo  rule w: -30 on webinar }`, `day 0 demo\n day 1 demo\n expect score e == 50\n day 2 webinar\n day 3 webinar\n expect score e == 0`);
    expect(r.passed).toBe(true);
    const d = entries(r, "d");
    expect(d.map((e) => [e.points, e.applied])).toEqual([[40, 40], [40, 10]]);
    expect(entries(r, "w").map((e) => e.applied)).toEqual([-30, -20]);
  });

  it("every applied number in the trace is the change of the part of the score it changed (issue 12.7)", () => {
    const r = journey(`score q { cap 20  rule senior: +28 when lead.role == executive  rule bounce: -8 on webinar }`, `day 1 webinar\n day 2 update { role: student }\n expect score q == -8`);
    expect(r.passed).toBe(true);
    const all = r.trace.filter((e): e is ScoreEntry => e.kind === "score" && e.score === "q");
    expect(all.map((e) => [e.rule, e.points, e.applied, e.before, e.after])).toEqual([
      ["senior", 28, 28, null, 20],
      ["bounce", -8, -8, 20, 20],
      ["senior", -28, -28, 20, -8],
    ]);
    // the stored parts are the sums of the applied changes; the value is their clamped sum
    expect(all.reduce((a, e) => a + e.applied, 0)).toBe(-8);
    expect(renderEntry(all[1]!)).toBe("score q: bounce -8 event: 20 -> 20 (value held within cap and floor)");
    expect(why(r, { kind: "score", name: "q" }).summary).toBe("`q` is -8 at day 2: bounce -8");
  });

  it("decay halves the behaviour part at each period after the first change (truncated toward zero)", () => {
    const r = journey(`score e { decay 50% every 30 days  rule d: +45 on demo }`, `day 10 demo\n day 39 expect score e == 45\n day 40 expect score e == 22\n day 70 expect score e == 11\n day 100 expect score e == 5`);
    expect(r.expectations.map((x) => x.pass)).toEqual([true, true, true, true]);
  });

  it("decay leaves the attribute part alone", () => {
    const r = journey(`score e { decay 50% every 10 days  rule a: +20 when lead.role == executive  rule d: +40 on demo }`, `day 0 demo\n day 10 expect score e == 40`);
    expect(r.passed).toBe(true);
  });

  it("inactivity fires once after D without the events, and re-arms after one", () => {
    const r = journey(`score e { rule quiet: -10 after 30 days without page_view or webinar }`, `day 29 expect score e is unscored\n day 30 expect score e == -10\n day 59 expect score e == -10\n day 60 webinar\n day 89 expect score e == -10\n day 90 expect score e == -20`);
    expect(r.expectations.map((x) => x.pass)).toEqual([true, true, true, true, true]);
  });

  it("event rule `when` sees the state before the event's score changes", () => {
    const r = journey(`score e { rule d: +40 on demo  rule follow: +5 on demo when e >= 40 }`, `day 0 demo\n expect score e == 40\n day 1 demo\n expect score e == 85`);
    expect(r.expectations.map((x) => x.pass)).toEqual([true, true]);
  });

  it("grades pick the first entry met, compare best-first, and are missing when unscored", () => {
    const r = journey(
      `score fit { rule exec: +30 when lead.role == executive  rule big: +15 when lead.size >= 100 }\ngrade g from fit { A >= 40  B >= 25  D otherwise }\nscore other { rule w: +1 on webinar }\ngrade g2 from other { A >= 1 C otherwise }`,
      `expect grade g == B\n expect grade g > D\n expect grade g < A\n day 1 update { size: 500 }\n expect grade g == A\n expect grade g2 == C`,
    );
    expect(r.expectations.map((x) => x.pass)).toEqual([true, true, true, true, false]);
    expect(r.expectations[4]!.actual).toBe("missing (score unscored)");
  });

  it("matches uses globs", () => {
    const r = journey(`score e { rule p: +1 on page_view where url matches "/docs/*/setup?" }`, `day 0 page_view { url: "/docs/a/b/setup1" }\n day 0 page_view { url: "/docs/x/setup" }\n expect score e == 1`);
    expect(r.passed).toBe(true);
  });
});
