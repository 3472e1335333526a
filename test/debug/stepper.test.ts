/** The journey debugger's core (core/engine/stepper.ts): a journey as steps, computed by the engine. */
import { describe, it, expect } from "vitest";
import { resolve } from "node:path";
import { checkWorkspace } from "../../core/checker/check.js";
import { compile, runJourney, type CompiledRules } from "../../core/engine/index.js";
import { DebugCursor, stepJourney } from "../../core/engine/stepper.js";
import { crmSources } from "../support/files.js";

const root = resolve("examples/acme");
const check = checkWorkspace({ root, files: crmSources(root) });
const rulesOf = (file: string): CompiledRules => compile(check, `${root}/journeys/${file}`);
const journey = (rules: CompiledRules, name: string) => rules.journeys.find((j) => j.journey.name?.value === name)!.journey;

describe("stepJourney", () => {
  const rules = rulesOf("engagement-decay.crmrules");
  const j = journey(rules, "Finnish marina engineer's interest fades");
  const run = stepJourney(rules, j);
  it("records the engine's own run: the same trace and expectations as runJourney, each entry in exactly one step", () => {
    const plain = runJourney(rules, j);
    expect(JSON.stringify(run.result.trace)).toBe(JSON.stringify(plain.trace));
    expect(run.result.expectations).toEqual(plain.expectations);
    const entries = run.steps.flatMap((s) => [s.head, ...s.evaluations.map((e) => e.entry)]);
    expect(entries).toEqual(run.result.trace);
  });
  it("timers are steps of their own at their own time, each belonging to the journey step whose time moved the clock", () => {
    const timers = run.steps.filter((s) => s.kind === "timer");
    const decay = timers.filter((s) => s.head.kind === "timer" && s.head.timer === "decay");
    expect(decay.map((s) => s.time)).toEqual(["day 30", "day 60", "day 90"]);
    const quiet = timers.find((s) => s.head.kind === "timer" && s.head.timer === "inactivity")!;
    expect(quiet.time).toBe("day 105");
    expect(quiet.evaluations.map((e) => e.rule)).toContain("engagement.gone_quiet");
    // the day-30 decay fires on the way to the `day 30 expect` step
    const day30 = decay[0]!;
    expect(day30.journeyStep.range.start.line).toBe(j.steps.find((s) => s.time?.day?.value === 30)!.range.start.line);
    expect(day30.before.scores["engagement"]).toBe(42);
    expect(day30.after.scores["engagement"]).toBe(21);
  });
  it("the state before a step is the state after the one before it; pending timers and expectations so far are there", () => {
    for (let i = 1; i < run.steps.length; i++) expect(run.steps[i]!.before).toEqual(run.steps[i - 1]!.after);
    const day29 = run.steps.find((s) => s.kind === "expect" && s.time === "day 29")!;
    expect(day29.before.timers.some((t) => t.kind === "decay" && t.time === "day 30")).toBe(true);
    expect(day29.after.expectations.at(-1)).toMatchObject({ text: "expect score engagement == 42", pass: true });
    expect(day29.before.consent.find((c) => c.purpose === "email_marketing")?.allowed).toBe(true);
  });
});

describe("stepJourney: a journey with several leads", () => {
  const root2 = resolve("examples/team-caps");
  const rules = compile(checkWorkspace({ root: root2, files: crmSources(root2) }), `${root2}/journeys/daily-cap.crmrules`);
  const j = journey(rules, "Five leads on a team of two with cap 2 per day");
  const run = stepJourney(rules, j);
  it("records the same trace as runJourney (entries with their lead's name), each step one lead's with that lead's state", () => {
    const plain = runJourney(rules, j);
    expect(JSON.stringify(run.result.trace)).toBe(JSON.stringify(plain.trace));
    expect(run.steps.flatMap((s) => [s.head, ...s.evaluations.map((e) => e.entry)])).toEqual(plain.trace);
    expect(run.leads).toEqual(["ana", "ben", "cai", "dag", "eva", "fay"]);
    const eva = run.steps.find((s) => s.leadName === "eva" && s.kind === "event")!;
    expect(eva.label).toBe("day 0 at 09:40: eva: event form_submitted [source = \"web\"]");
    expect(eva.before.fields["email"]).toBe("eva@nordkapp.example");
    expect(eva.after.assignment).toEqual({ kind: "queue", name: "overflow", member: null });
    // the team's cap counts are shared: by eva's form, sofia and lars have two each today
    const team = eva.before.teams[0]!;
    expect(team.members.map((m) => [m.owner, m.assigned])).toEqual([["sofia", [{ period: "from day 0", count: 2 }]], ["lars", [{ period: "from day 0", count: 2 }]]]);
  });
  it("the Leads scope shows every lead's state at the position", () => {
    const c = new DebugCursor(run, rules);
    c.setRuleBreakpoints([]);
    const k = run.steps.findIndex((s) => s.leadName === "fay" && s.kind === "event");
    const leads = c.scopes({ kind: "step", step: k }).find((s) => s.name === "Leads")!;
    expect(leads.variables.map((x) => x.name)).toEqual(["ana", "ben", "cai", "dag", "eva", "fay"]);
    expect(leads.variables.find((x) => x.name === "eva")!.value).toMatch(/queue overflow$/);
    expect(leads.variables.find((x) => x.name === "fay")!.value).toMatch(/unrouted$/);
  });
});

describe("DebugCursor", () => {
  const rules = rulesOf("emea-sdr-round-robin.crmrules");
  const j = journey(rules, "Dutch head of sales goes to the SDR round robin");
  const run = stepJourney(rules, j);
  it("a rule breakpoint stops where the rule fires; step in shows its condition part by part with each operand's value", () => {
    const c = new DebugCursor(run, rules);
    expect(c.setRuleBreakpoints(["mql_handover.sdr_qualification", "mql_handover.sdr_qualifcation"]).map((b) => b.verified)).toEqual([true, false]);
    expect(c.start(false)).toBe(true);
    const pos = c.position!;
    expect(pos.kind).toBe("evaluation");
    const frames = c.frames(pos);
    expect(frames[0]!.name).toMatch(/route mql_handover: sdr_qualification -> team sdr \(owner sofia\)/);
    expect(frames[1]!.name).toMatch(/^day 6 at 10:00: event content_downloaded/);
    c.stepIn();
    const tried = c.frames(c.position!)[0]!.name;
    expect(tried).toBe("rule competitors (tried first: false): lead.email.domain in competitors → false");
    c.next();
    c.next();
    expect(c.frames(c.position!)[0]!.name).toBe("rule sdr_qualification: lead.country in nordics + emea → true");
    const cond = c.scopes(c.position!)[0]!;
    expect(cond.name).toBe("Condition");
    expect(cond.variables.find((x) => x.name === "operands")!.value).toBe('lead.country = "NL"');
  });
  it("team state: round-robin counters and cap counts after the pick", () => {
    const routed = run.steps.find((s) => s.evaluations.some((e) => e.rule === "mql_handover.sdr_qualification"))!;
    const sdr = routed.after.teams.find((t) => t.team === "sdr")!;
    const sofia = sdr.members.find((m) => m.owner === "sofia")!;
    expect(sofia.assigned).toEqual([{ period: "from day 6", count: 1 }]);
    expect(typeof sofia.counter).toBe("number");
    expect(routed.before.teams.find((t) => t.team === "sdr")!.members.every((m) => m.counter === null)).toBe(true);
  });
  it("line breakpoints: on journey steps and rule lines; elsewhere they are refused with the reason", () => {
    const c = new DebugCursor(run, rules);
    const step = j.steps[5]!;
    const [ok, bad] = c.setLineBreakpoints(run.uri, [step.range.start.line, 0]);
    expect(ok!.verified).toBe(true);
    expect(bad).toEqual({ verified: false, message: "no journey step or rule starts on this line" });
    expect(c.start(false)).toBe(true);
    expect(c.frames(c.position!)[0]!.source.range.start.line).toBe(step.range.start.line);
    expect(c.continue()).toBe(false);
    expect(c.done).toBe(true);
  });
});
