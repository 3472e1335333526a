/** Expression semantics: glob matching, Kleene logic, missing values, emails, sets. */
import { describe, it, expect } from "vitest";
import { globMatch } from "../../core/engine/index.js";
import { compileText } from "./helpers.js";
import { runJourney } from "../../core/engine/index.js";

describe("globMatch", () => {
  const cases: [string, string, boolean][] = [
    ["/pricing", "/pricing", true],
    ["/pricing/eu", "/pricing*", true],
    ["/pricing", "/pricing*", true],
    ["/docs/a/b/setup1", "/docs/*/setup?", true],
    ["/docs/x/setup", "/docs/*/setup?", false],
    ["abc", "a?c", true],
    ["ac", "a?c", false],
    ["", "*", true],
    ["", "?", false],
    ["aaaaaaaaaaaaaaaaaaaaaaaaaaaaab", "*a*a*a*a*a*a*a*a*a*a*c", false],
    ["x.example.com", "*.example.com", true],
    ["example.com", "*.example.com", false],
    ["a*b", "a\\*b", false],
  ];
  for (const [text, pattern, want] of cases) it(`${JSON.stringify(text)} matches ${JSON.stringify(pattern)}: ${want}`, () => expect(globMatch(text, pattern)).toBe(want));
});

function fit(rule: string, lead: string): number | null {
  const c = compileText(`lead { email: email  country: country  size: number  role: enum(ceo, student)  tags: list(text)  name: text }\nset free_mail = ["gmail.com", "outlook.com"]\nset nordics = [NO, SE]\nset dach = [DE, AT]\nscore fit { rule r: +1 when ${rule} }\njourney "j" { lead ${lead} }`);
  return runJourney(c, c.journeys[0]!.journey).final.scores["fit"] ?? null;
}

describe("conditions", () => {
  it("Kleene logic: true or unknown is true, false and unknown is false, not unknown is unknown", () => {
    expect(fit("lead.size > 10 or lead.role == ceo", "{ role: ceo }")).toBe(1);
    expect(fit("lead.size > 10 and lead.role == ceo", "{ role: ceo }")).toBeNull();
    expect(fit("not (lead.size > 10)", "{ role: ceo }")).toBeNull();
    expect(fit("not (lead.size > 10)", "{ size: 5 }")).toBe(1);
  });
  it("missing operands make every comparison unknown; is missing / is present are two-valued", () => {
    expect(fit("lead.role != student", "{ size: 1 }")).toBeNull();
    expect(fit("lead.size between 1 and 10", "{ role: ceo }")).toBeNull();
    expect(fit("lead.role is missing", "{ size: 1 }")).toBe(1);
    expect(fit("lead.role is present", "{ role: ceo }")).toBe(1);
    expect(fit("lead.country not in nordics", "{ size: 1 }")).toBeNull();
  });
  it("emails compare case-insensitively and the domain is lowercased", () => {
    expect(fit('lead.email == "Kari@Fjord.Example"', '{ email: "KARI@fjord.example" }')).toBe(1);
    expect(fit("lead.email.domain in free_mail", '{ email: "Someone@GMail.com" }')).toBe(1);
  });
  it("sets: union and difference, countries as bare codes", () => {
    expect(fit("lead.country in nordics + dach", "{ country: AT }")).toBe(1);
    expect(fit("lead.country in nordics + dach - [AT]", "{ country: AT }")).toBeNull();
    expect(fit("lead.country in nordics + dach - [AT]", "{ country: SE }")).toBe(1);
  });
  it("text operators are case-sensitive; lists support contains", () => {
    expect(fit('lead.name starts_with "Ka"', '{ name: "kari" }')).toBeNull();
    expect(fit('lead.name starts_with "ka"', '{ name: "kari" }')).toBe(1);
    expect(fit('lead.email starts_with "KARI@"', '{ email: "kari@x.example" }')).toBe(1);
    expect(fit('lead.tags contains "vip"', '{ tags: ["a", "vip"] }')).toBe(1);
    expect(fit('lead.name matches "k*i"', '{ name: "kari" }')).toBe(1);
  });
  it("between is inclusive", () => {
    expect(fit("lead.size between 10 and 20", "{ size: 10 }")).toBe(1);
    expect(fit("lead.size between 10 and 20", "{ size: 20 }")).toBe(1);
    expect(fit("lead.size between 10 and 20", "{ size: 21 }")).toBeNull();
  });
});

describe("timing", () => {
  it("a sales activity at exactly the escalation deadline is too late (timers run first)", () => {
    const c = compileText(`lead { size: number }\nevent go {}\nowner a "a@x"\nowner b "b@x"\nroute r on go {\n  otherwise -> owner a escalate after 2 hours to owner b\n}\njourney "j" {\n lead { size: 1 }\n day 0 go\n day 0 at 02:00 sales_activity { kind: "call" }\n expect routed to owner b\n}`);
    expect(runJourney(c, c.journeys[0]!.journey).passed).toBe(true);
  });
  it("steps at the same time run in written order: an unsubscribe before a trigger blocks the send", () => {
    const c = compileText(`lead { country: country }\nevent go {}\nconsent m { in [DE, AT]: double_opt_in  in [US]: opt_out  otherwise: opt_in }\naction send contact requires m\nworkflow w on go { do send }\njourney "j" {\n lead { country: US }\n day 1 unsubscribed\n day 1 go\n expect blocked send\n}`);
    expect(runJourney(c, c.journeys[0]!.journey).passed).toBe(true);
  });
  it("a workflow wait resumes at the right minute and evaluates `when` then", () => {
    const c = compileText(`lead { country: country  size: number }\nevent go {}\naction note(x: text) internal\nworkflow w on go {\n  wait 90 minutes\n  do note("big") when lead.size >= 100\n  do note("small") unless lead.size >= 100\n}\njourney "j" {\n lead { country: US, size: 1 }\n day 0 go\n day 0 at 01:00 update { size: 500 }\n day 0 at 01:29 expect sent none\n day 0 at 01:30 expect sent note("big")\n expect not sent note("small")\n}`);
    const r = runJourney(c, c.journeys[0]!.journey);
    expect(r.expectations.map((e) => e.pass)).toEqual([true, true, true]);
  });
});

describe("on EVENT", () => {
  it("is true in stage conditions, event-triggered route rules and workflow steps while the event is processed", () => {
    const c = compileText(`lead { country: country }\nevent demo {}\nevent other {}\nowner a "a@x"\nowner b "b@x"\naction note internal\nstage new initial\nstage hot when on demo\nroute r on other {\n  rule d: when on other -> owner a\n  otherwise -> owner b\n}\nworkflow w on other { do note when on other }\njourney "j" {\n lead { country: US }\n day 1 other\n expect routed to owner a\n expect sent note\n expect stage == new\n day 2 demo\n expect stage == hot\n}`);
    const r = runJourney(c, c.journeys[0]!.journey);
    expect(r.expectations.map((e) => [e.text, e.pass])).toEqual([["expect routed to owner a", true], ["expect sent note", true], ["expect stage == new", true], ["expect stage == hot", true]]);
  });
});

describe("action arguments", () => {
  it("email arguments compare case-insensitively in expectations, text exactly", () => {
    const c = compileText(`lead { country: country }\nevent go {}\naction notify(to: email, msg: text) internal\nworkflow w on go { do notify("Boss@Acme.Example", "Hi") }\njourney "j" {\n lead { country: US }\n day 0 go\n expect sent notify("boss@acme.example", "Hi")\n expect sent notify("BOSS@ACME.EXAMPLE", "Hi")\n expect not sent notify("boss@acme.example", "hi")\n}`);
    const r = runJourney(c, c.journeys[0]!.journey);
    expect(r.expectations.map((e) => e.pass)).toEqual([true, true, true]);
  });
});
