/** The expectations of issue 17 item 5, run: `N times`, a score between two moments, `not escalated`, `not blocked`. */
import { describe, expect, it } from "vitest";
import { runJourney } from "../../core/engine/index.js";
import { format } from "../../core/format/format.js";
import { compileText } from "./helpers.js";

const RULES = `lead { email: email, country: country }
event visit
score engagement {
  decay 50% every 10 days
  rule visit: +10 on visit
}
stage new initial
stage hot when engagement >= 10
owner kari
owner anna
route inbound on stage hot {
  otherwise -> owner kari escalate after 1 day to owner anna
}
consent email_marketing {
  otherwise: double_opt_in
}
action send_email(campaign: text) contact requires email_marketing
workflow nurture on visit {
  do send_email("n1")
}
`;

function results(body: string) {
  const rules = compileText(`${RULES}journey "j" {\n  lead { email: "a@b.example", country: SE }\n  day 0 consent_given { purpose: email_marketing, method: double_opt_in }\n${body}\n}\n`);
  return runJourney(rules, rules.journeys[0]!.journey).expectations.map((x) => ({ text: x.text, pass: x.pass, expected: x.expected, actual: x.actual }));
}

describe("new expectations", () => {
  it("`sent ACTION N times` counts the matching sends exactly", () => {
    const r = results(`  day 1 visit
  day 2 visit
  expect sent send_email 2 times
  expect sent send_email("n1") 2 times
  expect sent send_email 3 times
  expect sent send_email("other") 0 times
  expect blocked send_email 0 times`);
    expect(r.map((x) => x.pass)).toEqual([true, true, false, true, true]);
    expect(r[2]).toMatchObject({ expected: "sent send_email 3 times", actual: 'sent send_email 2 times: send_email("n1"), send_email("n1")' });
  });
  it("a score compared between two moments, and with a moment", () => {
    const r = results(`  day 1 visit
  day 3 visit
  day 5 expect score engagement at day 3 > at day 1
  expect score engagement at day 1 == 10
  day 30 expect score engagement < at day 5
  expect score engagement at day 0 is unscored
  expect score engagement > at day 3`);
    expect(r.map((x) => x.pass)).toEqual([true, true, true, true, false]);
    expect(r[0]).toMatchObject({ expected: "engagement at day 3 > engagement at day 1", actual: "20 at day 3, 10 at day 1" });
    expect(r[4]!.actual).toMatch(/^\d+, 20 at day 3$/);
  });
  it("a moment after the expectation fails, saying so (the checker reports CR3041)", () => {
    expect(() => results(`  day 2 expect score engagement > at day 4`)).toThrow("`day 4` is after this expectation (day 2)");
  });
  it("`not escalated` and `not escalated to`, `not blocked ACTION`", () => {
    const r = results(`  day 1 visit
  expect not escalated
  expect not escalated to owner anna
  day 3 expect not escalated
  expect not escalated to owner anna
  expect not escalated to owner kari
  expect not blocked send_email
  expect not blocked send_email("n1")`);
    expect(r.map((x) => x.pass)).toEqual([true, true, false, false, true, true, true]);
    expect(r[3]).toMatchObject({ expected: "not escalated to owner anna", actual: "owner anna" });
  });
  it("the formatter keeps the new forms in its layout", () => {
    const text = `journey "j" {\n  day 5 expect score engagement at day 3 > at day 1\n  expect sent send_email 2 times\n  expect not escalated to owner anna\n  expect not blocked send_email("n1")\n}\n`;
    expect(format(text)).toBe(text);
    expect(format(`journey "j" {\n  day 5 expect score   engagement at day 3>at day 1\n  expect sent send_email   2 times\n}\n`)).toBe(`journey "j" {\n  day 5 expect score engagement at day 3 > at day 1\n  expect sent send_email 2 times\n}\n`);
  });
});
