/** Expectations added by issue 17 item 5: `N times`, a score between two moments, `not escalated`, `not blocked`. */
import { describe, expect, it } from "vitest";
import { parse } from "../../core/syntax/parse.js";
import type * as A from "../../core/syntax/ast.js";

function expectations(body: string): A.Expectation[] {
  const pr = parse(`journey "j" {\n${body}\n}\n`, "/ws/a.crmrules");
  expect(pr.diagnostics.map((d) => d.message)).toEqual([]);
  const j = pr.file.decls[0] as A.JourneyDecl;
  return j.steps.filter((s): s is A.ExpectStep => s.kind === "ExpectStep").map((s) => s.expectation!);
}

describe("new expectations", () => {
  it("parse, each next to an event step (no ambiguity with what follows)", () => {
    const ex = expectations(`  expect sent send_email 2 times
  page_view
  expect sent send_email("a") 1 times
  expect blocked send_email 3 times
  day 5 expect score engagement at day 3 > at day 1
  expect score engagement < at day 2 at 10:00
  expect score fit at day 1 == 20
  expect not escalated
  page_view
  expect not escalated to owner anna
  expect not blocked send_email
  page_view
  expect not blocked send_email("n")`);
    expect(ex[0]).toMatchObject({ kind: "ExpectAction", mode: "sent", call: { action: { text: "send_email" } }, times: { value: 2 } });
    expect(ex[1]).toMatchObject({ kind: "ExpectAction", mode: "sent", times: { value: 1 } });
    expect((ex[1] as A.ExpectAction).call?.args).toHaveLength(1);
    expect(ex[2]).toMatchObject({ kind: "ExpectAction", mode: "blocked", times: { value: 3 } });
    expect(ex[3]).toMatchObject({ kind: "ExpectScore", op: ">", at: { day: { value: 3 } }, than: { day: { value: 1 } } });
    expect((ex[3] as A.ExpectScore).value).toBeUndefined();
    expect(ex[4]).toMatchObject({ kind: "ExpectScore", op: "<", than: { day: { value: 2 }, timeOfDay: { minutes: 600 } } });
    expect(ex[5]).toMatchObject({ kind: "ExpectScore", op: "==", at: { day: { value: 1 } }, value: { value: 20 } });
    expect(ex[6]).toMatchObject({ kind: "ExpectRouted", negated: true, escalated: true });
    expect((ex[6] as A.ExpectRouted).target).toBeUndefined();
    expect(ex[7]).toMatchObject({ kind: "ExpectRouted", negated: true, escalated: true, target: { targetKind: "owner", ref: { text: "anna" } } });
    expect(ex[8]).toMatchObject({ kind: "ExpectAction", mode: "not_blocked", call: { action: { text: "send_email" } } });
    expect(ex[9]).toMatchObject({ kind: "ExpectAction", mode: "not_blocked" });
  });
  it("`not blocked` needs an action (a bare one would swallow the next step): a syntax error", () => {
    const pr = parse(`journey "j" {\n  expect not blocked\n}\n`, "/ws/a.crmrules");
    expect(pr.diagnostics.length).toBeGreaterThan(0);
  });
});
