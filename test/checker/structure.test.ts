// Structural rules of docs/language.md (core/checker/structure.ts and the
// attribute-rule / `matches` checks): each fix leaves text that checks clean
// of that code, and the edge cases the spec decides.
import { describe, expect, it } from "vitest";
import { checkSources } from "./helpers.js";
import type { Diagnostic } from "../../core/diagnostics/diagnostic.js";

const SCHEMA = `lead { email: email  country: country  role: enum(ceo, student) }
event demo_requested
owner kari "kari@acme.example"
queue desk "Desk"
consent mail { otherwise: double_opt_in }
`;

function check(body: string, files: Record<string, string> = {}) {
  return checkSources({ "a.crmrules": SCHEMA + body, ...files });
}

function only(body: string, code: string): Diagnostic[] {
  return check(body).diagnostics.filter((d) => d.code === code);
}

/** Applies a diagnostic's first fix to a.crmrules and returns the codes of the result. */
function fixed(body: string, d: Diagnostic): { text: string; codes: string[] } {
  let text = SCHEMA + body;
  const edits = [...d.fixes![0]!.edits].sort((x, y) => y.range.start.offset - x.range.start.offset);
  for (const e of edits) text = text.slice(0, e.range.start.offset) + e.newText + text.slice(e.range.end.offset);
  // The shared schema's owner, queue and purpose are unused in most bodies.
  return { text, codes: checkSources({ "a.crmrules": text }).diagnostics.map((x) => x.code).filter((c) => c !== "CR2007") };
}

describe("fixes", () => {
  it("removes `requires` from an internal action", () => {
    const body = "action note internal requires mail\nworkflow w on demo_requested { do note }\n";
    const [d] = only(body, "CR3014");
    expect(d!.message).toBe("`note` is internal, so it never contacts anyone and needs no consent; remove `requires mail` or mark the action `contact`");
    const r = fixed(body, d!);
    expect(r.text).toContain("action note internal\n");
    expect(r.codes).not.toContain("CR3014");
  });

  it("removes a rule with zero points", () => {
    const body = "score s {\n  rule a: +5 on demo_requested\n  rule z: 0 on demo_requested\n}\n";
    const [d] = only(body, "CR5008");
    const r = fixed(body, d!);
    expect(r.text).not.toContain("rule z");
    expect(r.codes).toEqual([]);
  });

  it("removes a second `initial`", () => {
    const body = "stage a initial\nstage b initial when lead.role == ceo\n";
    const [d] = only(body, "CR5009");
    const r = fixed(body, d!);
    expect(r.text).toContain("stage b when lead.role == ceo");
    expect(r.codes).toEqual([]);
  });

  it("removes a repeated team member", () => {
    const body = "team t { member kari\n  member kari weight 2 }\nroute r on demo_requested { otherwise -> team t }\n";
    const [d] = only(body, "CR5012");
    expect(d!.related![0]!.message).toBe("first listing of `kari`");
    expect(fixed(body, d!).codes).toEqual([]);
  });

  it("removes the escalation after `discard`", () => {
    const body = "route r on demo_requested { otherwise -> discard escalate after 1 hour to owner kari, after 2 hours to queue desk }\n";
    const [d] = only(body, "CR5011");
    const r = fixed(body, d!);
    expect(r.text).toContain("otherwise -> discard }");
    expect(r.codes).toEqual([]);
  });

  it("removes a second journey `seed`", () => {
    const body = 'journey "j" {\n  seed 1\n  seed 2\n  demo_requested\n}\n';
    const [d] = only(body, "CR3018");
    const r = fixed(body, d!);
    expect(r.text).toContain("seed 1\n  demo_requested");
    expect(r.codes).toEqual([]);
  });
});

describe("edge cases the spec decides", () => {
  it("treats the first non-detour stage as initial when none is marked, in declaration order across imports", () => {
    const r = checkSources({
      "schema.crmrules": "lead { role: text }\nstage first\n",
      "a.crmrules": 'import "./schema.crmrules"\nstage second\nstage third when lead.role == "x"\n',
    });
    expect(r.diagnostics.map((d) => `${d.uri.split("/").pop()} ${d.code} ${d.message.split(":")[0]}`)).toEqual(["a.crmrules CR4009 no lead can ever enter `second`"]);
  });

  it("reports a stage that only a `reenter` leads back to (it has no condition to hold)", () => {
    const body = "stage a initial\nstage back\nstage out detour when lead.role == student\nreenter back from out\n";
    expect(only(body, "CR4009").map((d) => d.message.split(":")[0])).toEqual(["no lead can ever enter `back`"]);
  });

  it("lets attribute rules read lead fields, sets and constants but not scores, grades, events or the stage", () => {
    const body = `territory nordics = [NO, SE]
score s {
  rule ok: +5 when lead.country in nordics and lead.role == ceo and lead.email.domain == "acme.example"
  rule on_event: +5 on demo_requested when s >= 5
  rule bad: +5 when on demo_requested or s is unscored or g == A or stage == a
}
grade g from s { A >= 5 }
stage a initial
`;
    const ds = only(body, "CR3013");
    expect(ds.map((d) => d.message.slice(0, d.message.indexOf(","))))
      .toEqual(["`bad` depends on the event `demo_requested`", "`bad` depends on the score `s`", "`bad` depends on the grade `g`", "`bad` depends on the current stage"]);
  });

  it("accepts `matches` with a quoted pattern only", () => {
    const body = 'score s {\n  rule a: +1 when lead.email matches "*@acme.example"\n  rule b: +1 when lead.email matches ("a?c")\n  rule c: +1 when lead.email matches lead.email\n}\n';
    expect(only(body, "CR3015").map((d) => d.range.start.line)).toEqual([8]);
  });

  it("orders escalations strictly and counts each from the decision", () => {
    const body = "route r on demo_requested { otherwise -> queue desk escalate after 1 day to owner kari, after 24 hours to queue desk, after 2 days to owner kari }\n";
    expect(only(body, "CR5010").map((d) => d.message.slice(0, d.message.indexOf(";")))).toEqual(["`after 24 hours` is the same as the step before it (`after 1 day`)"]);
  });

  it("checks journey times: valid times of day, never back in time, steps without `day` keep the previous time", () => {
    const body = 'journey "j" {\n  day 1 at 23:59 demo_requested\n  demo_requested\n  day 1 at 0:00 demo_requested\n  day 2 at 24:00 demo_requested\n  day 2 at 9:60 demo_requested\n  day 2 at 9:59 demo_requested\n}\n';
    expect(check(body).diagnostics.filter((d) => d.code !== "CR2007").map((d) => `${d.range.start.line - 5} ${d.code}`)).toEqual(["3 CR3017", "4 CR3016", "5 CR3016"]);
  });

  it("finds set cycles through several sets once, and accepts sets built from other sets", () => {
    const body = "set a = b + [1]\nset b = c\nset c = a - [2]\nset ok = [3] + d\nset d = [4]\n";
    const ds = only(body, "CR2010");
    expect(ds).toHaveLength(1);
    expect(ds[0]!.message).toContain("(`a` → `b` → `c` → `a`)");
  });

  it("reports a second `lead` only where both are seen", () => {
    const r = checkSources({
      "one.crmrules": "lead { a: text }\n",
      "two.crmrules": "lead { b: text }\n",
      "both.crmrules": 'import "./one.crmrules"\nimport "./two.crmrules"\nlead { c: text }\n',
    });
    expect(r.diagnostics.filter((d) => d.code === "CR2009").map((d) => d.uri.split("/").pop())).toEqual(["both.crmrules", "two.crmrules"]);
  });
  it("reports a journey name shared by files that do not see each other (CR2020), leaving files that see each other to CR2002", () => {
    const j = (lead: string) => `journey "Same" { lead { a: "${lead}" } }\n`;
    const r = checkSources({
      "schema.crmrules": "lead { a: text }\n",
      "a.crmrules": 'import "./schema.crmrules"\n' + j("x"),
      "b.crmrules": 'import "./schema.crmrules"\n' + j("y"),
      "c.crmrules": 'import "./a.crmrules"\n' + j("z"),
    });
    const of = (code: string) => r.diagnostics.filter((d) => d.code === code).map((d) => `${d.uri.split("/").pop()}:${d.range.start.line + 1}`);
    expect(of("CR2020")).toEqual(["b.crmrules:2"]);
    expect(of("CR2002")).toEqual(["c.crmrules:2"]);
    expect(r.diagnostics.find((d) => d.code === "CR2020")!.message).toBe("a journey in `a.crmrules` is also named `Same`; test reports, `simulate` and `diff` name journeys by their name, so give this one its own name");
  });
});
