/** Why not (core/engine/explain.ts): non-outcomes explained by re-evaluating conditions at their moment. */
import { describe, it, expect } from "vitest";
import { resolve } from "node:path";
import { checkWorkspace } from "../../core/checker/check.js";
import { compile, runJourney } from "../../core/engine/index.js";
import { journeySubject, runSubject, whyNot, conditionLines, whyNotProblem, type Subject, type WhyNotStep } from "../../core/engine/explain.js";
import { crmSources } from "../support/files.js";
import { compileText } from "./helpers.js";

const root = resolve("examples/acme");
const acme = compile(checkWorkspace({ root, files: crmSources(root) }), `${root}/workflows.crmrules`);
const src = { uri: "lead.json", range: { start: { line: 0, character: 0, offset: 0 }, end: { line: 0, character: 0, offset: 0 } } };
const lead = (fields: Subject["lead"], inputs: Subject["inputs"] = []): Subject => ({ name: "lead", seed: 0, source: src, lead: fields, leadSource: src, inputs });
const ev = (day: number, event: string, payload: Record<string, string> = {}) => ({ kind: "event" as const, at: Math.round(day * 1440), event, payload, source: src });
const flat = (steps: WhyNotStep[]): WhyNotStep[] => steps.flatMap((s) => [s, ...flat(s.steps)]);

describe("why not: routing", () => {
  const greta = lead({ email: "greta@werft.example", country: "DE", role: "ceo", segment: "boatyard", company_size: 80 }, [ev(0, "consent_given", { purpose: "sales_contact", method: "checkbox" }), ev(3, "demo_requested")]);
  it("routed to an owner: each rule that sends leads there, with the values its condition saw", () => {
    const a = whyNot(acme, greta, { kind: "routed", target: { kind: "owner", name: "ingrid" } });
    expect(a.happened).toBe(false);
    expect(a.summary).toBe("the lead is with team sdr (owner sofia) (by mql_handover.sdr_qualification) at the end, day 3; none of the 2 rules that send leads to owner ingrid did: `mql_handover.key_accounts`, `sql_to_seller.nordics`");
    const [key, nordics] = a.steps;
    expect(key!.detail).toBe("route `mql_handover` ran on day 3, and `key_accounts`'s condition `lead.country in nordics and lead.company_size >= 500` was false (lead.country = \"DE\", lead.company_size = 80)");
    const cond = key!.steps[0]!.condition!;
    expect(conditionLines(cond)).toEqual(["✗ lead.country in nordics and lead.company_size >= 500: false", "  ✗ lead.country in nordics: false [lead.country = \"DE\"]", "  ✗ lead.company_size >= 500: false [lead.company_size = 80]"]);
    expect(key!.steps[1]!.detail).toBe("matched first: the lead went to team sdr (owner sofia)");
    expect(nordics!.detail).toContain("route `sql_to_seller` runs when the lead enters stage `sql`, and it never did");
    expect(flat(nordics!.steps).some((s) => s.source?.uri.endsWith("stages.crmrules"))).toBe(true);
  });
  it("a missing value makes a condition unknown, and the answer says which value is missing", () => {
    const s = lead({ country: "NO", role: "ceo", segment: "boatyard" }, [ev(3, "demo_requested")]);
    const a = whyNot(acme, s, { kind: "route", name: "mql_handover.key_accounts" });
    expect(a.summary).toBe("route `mql_handover` ran on day 3, and `key_accounts`'s condition `lead.country in nordics and lead.company_size >= 500` was unknown (lead.company_size is missing)");
    expect(conditionLines(a.steps[0]!.condition!)).toEqual(["? lead.country in nordics and lead.company_size >= 500: unknown (lead.company_size is missing)", "  ? lead.company_size >= 500: unknown (lead.company_size is missing) [lead.company_size = missing]"]);
  });
  it("a rule written after the one that matched: first match wins", () => {
    const s = lead({ country: "NO", role: "ceo", segment: "boatyard", company_size: 900 }, [ev(3, "demo_requested")]);
    const a = whyNot(acme, s, { kind: "route", name: "mql_handover.sdr_qualification" });
    expect(a.summary).toBe("route `mql_handover` ran on day 3 and rule `key_accounts`, written before `sdr_qualification`, matched first (first match wins, §8)");
    expect(whyNot(acme, s, { kind: "routed", target: { kind: "owner", name: "ingrid" } }).happened).toBe(true);
  });
  it("a bare rule name found in one route, and names that do not exist", () => {
    expect(whyNotProblem(acme, { kind: "route", name: "key_accounts" })).toBeNull();
    expect(whyNotProblem(acme, { kind: "route", name: "nordics" })).toBeNull();
    expect(whyNotProblem(acme, { kind: "route", name: "north_america" })).toBe("`north_america` is a rule of 2 routes (`mql_handover.north_america`, `sql_to_seller.north_america`); name one as ROUTE.RULE");
    expect(whyNotProblem(acme, { kind: "route", name: "mql_handovr" })).toBe("there is no route named `mql_handovr`; did you mean `mql_handover`?");
    expect(whyNotProblem(acme, { kind: "routed", target: { kind: "team", name: "sdrs" } })).toBe("there is no team named `sdrs`; did you mean `sdr`?");
    expect(whyNotProblem(acme, { kind: "stage", name: "mq" })).toBe("there is no stage named `mq`; did you mean `mql`?");
    expect(() => whyNot(acme, lead({}), { kind: "rule", name: "nope" })).toThrow("there is no score rule named `nope`");
  });
});

describe("why not: score rules", () => {
  it("an event rule: each event, with the check that failed (`at least … within`) and the count it saw", () => {
    const s = lead({ country: "SE" }, [ev(1, "page_view", { url: "/prices/a" }), ev(2, "page_view", { url: "/blog" }), ev(3, "page_view", { url: "/prices/b" })]);
    const a = whyNot(acme, s, { kind: "rule", name: "price_pages" });
    expect(a.happened).toBe(false);
    expect(a.summary).toBe("`engagement.price_pages` did not fire (or was held back) on 3 of 3 page_view events by the end, day 3: day 1 (at least 3 times within 14 days: false); day 2 (where url starts_with \"/prices\": false); day 3 (at least 3 times within 14 days: false)");
    expect(a.steps[2]!.steps.map((x) => `${x.result} ${x.text}: ${x.detail}`)).toEqual(["passed where url starts_with \"/prices\": the event matches the filter", "failed at least 3 times within 14 days: 2 matching page_view events from day 0 to day 3, this one included"]);
    expect(a.steps[1]!.steps[0]!.condition!.values).toEqual({ url: "/blog" });
  });
  it("`at day N` explains the events up to the end of that day", () => {
    const s = lead({ country: "SE" }, [ev(1, "page_view", { url: "/prices/a" }), ev(1.5, "page_view", { url: "/prices/b" }), ev(2, "page_view", { url: "/prices/c" }), ev(9, "page_view", { url: "/x" })]);
    const a = whyNot(acme, s, { kind: "rule", name: "engagement.price_pages", until: 2 * 1440 + 1439 });
    expect(a.moment).toBe("the end of day 2");
    expect(a.happened).toBe(true);
    expect(a.steps.map((x) => x.result)).toEqual(["failed", "failed", "happened"]);
  });
  it("a limit that held the rule back, and a cap", () => {
    const rules = compileText(`event seen { page: text }
score s {
  cap 15
  rule r: +10 on seen limit 2 per 7 days
}
`);
    const s = lead({}, [ev(0, "seen"), ev(1, "seen"), ev(2, "seen")]);
    const a = whyNot(rules, s, { kind: "rule", name: "r" });
    expect(a.steps.map((x) => x.steps.map((y) => `${y.result} ${y.text}: ${y.detail}`))).toEqual([
      [],
      ["held back cap and floor: it fired for 10 but changed the score by 5: s was 10, within cap and floor"],
      ["held back limit 2 per 7 days: the rule fired as often as `limit 2 per 7 days` allows; this one was suppressed"],
    ]);
  });
  it("an attribute rule is explained by its condition at the moment", () => {
    const s = lead({ role: "student", company_size: 150 });
    const a = whyNot(acme, s, { kind: "rule", name: "fit.large_company" });
    expect(a.summary).toBe("`fit.large_company` is off at the end, day 0: `lead.company_size >= 200` is false (lead.company_size = 150)");
    expect(whyNot(acme, s, { kind: "rule", name: "fit.student" }).happened).toBe(true);
  });
  it("an inactivity rule says when it is due", () => {
    const s = lead({}, [ev(5, "page_view", { url: "/a" })]);
    const a = whyNot(acme, s, { kind: "rule", name: "gone_quiet", until: 20 * 1440 + 1439 });
    expect(a.summary).toBe("`engagement.gone_quiet` has not fired by the end of day 20: the last page_view or content_downloaded or email_clicked was on day 5; it is due 60 days after that, on day 65");
  });
});

describe("why not: stages", () => {
  it("a condition that is false, part by part; `on EVENT` says it is true only while the event is processed", () => {
    const a = whyNot(acme, lead({ country: "SE", role: "engineer" }), { kind: "stage", name: "mql" });
    expect(a.happened).toBe(false);
    const lines = conditionLines(a.steps[0]!.condition!);
    expect(lines[0]).toBe("✗ fit_grade >= B and engagement >= 40 or on demo_requested: false");
    expect(lines).toContain("    ? engagement >= 40: unknown (engagement is missing) [engagement = missing]");
    expect(lines).toContain("  ✗ on demo_requested: false (`on demo_requested` is true only while a demo_requested event is processed; no demo_requested event has happened)");
  });
  it("forward order and detours hold a lead back", () => {
    const s = lead({ country: "SE", role: "ceo", segment: "boatyard" }, [ev(1, "demo_requested"), ev(2, "video_call_held", { outcome: "qualified" })]);
    expect(whyNot(acme, s, { kind: "stage", name: "mql" }).summary).toBe("the lead is in `sql`, declared after `mql`, and stages move forward only (§7)");
    const lost = lead({ country: "SE", role: "ceo", segment: "boatyard" }, [ev(1, "demo_requested"), ev(2, "opportunity_lost")]);
    const a = whyNot(acme, lost, { kind: "stage", name: "mql", until: 10 * 1440 });
    expect(a.summary).toBe("the lead is in the detour `recycled` since day 2; `reenter mql from recycled after 90 days` allows it from day 92");
    expect(whyNot(acme, lost, { kind: "stage", name: "sql" }).summary).toBe("the lead is in the detour `recycled`, and no `reenter sql from recycled` leads out of it (§7)");
  });
});

describe("explanations do not change outcomes", () => {
  it("runSubject of a journey's steps gives the journey's trace and final state", () => {
    const check = checkWorkspace({ root, files: crmSources(root) });
    const files = crmSources(root).filter((f) => f.uri.includes("/journeys/"));
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) for (const j of compile(check, f.uri).journeys.filter((x) => x.uri === f.uri)) {
      const rules = compile(check, f.uri);
      const r = runJourney(rules, j.journey);
      const s = runSubject(rules, journeySubject(rules, j.journey));
      expect(s.final).toEqual(r.final);
      expect(s.trace).toEqual(r.trace.filter((e) => e.kind !== "expect"));
    }
  });
});
