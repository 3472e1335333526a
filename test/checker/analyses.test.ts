// One block per domain analysis; each asserts the counterexample it reports.
import { describe, expect, it } from "vitest";
import { checkSources } from "./helpers.js";
import { maxPossibleScore } from "../../core/checker/queries.js";
import type { Diagnostic } from "../../core/diagnostics/diagnostic.js";

const SCHEMA = `
lead { email: email  country: country  company_size: number  role: enum(executive, manager, student)  vip: boolean }
event form_submitted { form: text }
event page_view { url: text }
event demo_requested {}
event inquiry {}
event purchase {}
territory nordics = [NO, SE, DK, FI, IS]
territory dach = [DE, AT, CH]
owner kari "kari@acme.example"
queue sales "Sales"
`;

function diags(body: string, code: string): Diagnostic[] {
  return checkSources({ "a.crmrules": SCHEMA + body }).diagnostics.filter((d) => d.code === code);
}

/** Applies a diagnostic's first fix to the text of a.crmrules. */
function applyFix(body: string, d: Diagnostic): string {
  let text = SCHEMA + body;
  const edits = [...d.fixes![0]!.edits].sort((x, y) => y.range.start.offset - x.range.start.offset);
  for (const e of edits) text = text.slice(0, e.range.start.offset) + e.newText + text.slice(e.range.end.offset);
  return text;
}

describe("uncovered routes", () => {
  const route = `
route inbound on form_submitted {
  rule nordic_big: when lead.country in nordics and lead.company_size >= 1000 -> owner kari
  rule dach: when lead.country in dach -> queue sales
  rule students: when lead.role == student -> discard
}`;

  it("reports a lead no rule covers, as data and in the message", () => {
    const [d, ...rest] = diags(route, "CR4002");
    expect(rest).toEqual([]);
    expect(d!.example).toEqual({ country: "BR", company_size: 999, role: "executive" });
    expect(d!.message).toContain('{ country: "BR", company_size: 999, role: "executive" }');
    expect(d!.range.start.line).toBe(SCHEMA.split("\n").length); // on the route's name line
  });

  it("finds the gap inside a covered country when only big companies are routed", () => {
    const [d] = diags(
      `
route r on form_submitted {
  rule big: when lead.country == NO and lead.company_size >= 1000 -> owner kari
  rule other: when lead.country != NO -> queue sales
}`,
      "CR4002",
    );
    expect(d!.example).toEqual({ country: "NO", company_size: 999 });
  });

  it("offers a fix that adds `otherwise -> queue` with an existing queue, after which the report goes away", () => {
    const [d] = diags(route, "CR4002");
    expect(d!.fixes![0]!.title).toBe("add `otherwise -> queue sales`");
    const fixed = applyFix(route, d!);
    expect(fixed).toContain("  otherwise -> queue sales\n}");
    expect(checkSources({ "a.crmrules": fixed }).diagnostics.filter((x) => x.code === "CR4002")).toEqual([]);
  });

  it("says nothing when every enum value and a missing value are handled", () => {
    expect(diags(`route r on form_submitted { rule a: when lead.role in [executive, manager] -> owner kari  rule b: when lead.role == student or lead.role is missing -> discard }`, "CR4002")).toEqual([]);
  });

  it("reports a lead whose tested field is missing: a comparison with a missing value routes no one", () => {
    const [d, ...rest] = diags(`route r on form_submitted { rule a: when lead.role in [executive, manager] -> owner kari  rule b: when lead.role == student -> discard }`, "CR4002");
    expect(rest).toEqual([]);
    expect(d!.example).toEqual({ role: null });
    expect(d!.message).toContain("for example { role: missing }");
  });

  it("reports `{ title: missing }` when both values of an enum are routed (issue 12, item 4)", () => {
    const text = `lead { country: country  title: enum(vp, ic) }\nevent form_submitted {}\nowner kari "kari@acme.example"\nqueue sales "Sales"\nroute r on form_submitted {\n  rule vps: when lead.title == vp -> owner kari\n  rule ics: when lead.title == ic -> queue sales\n}\n`;
    const ds = checkSources({ "a.crmrules": text }).diagnostics;
    const uncovered = ds.filter((d) => d.code === "CR4002");
    expect(uncovered.map((d) => d.message)).toEqual(['some leads match no rule of `r` and stay unrouted, for example { title: missing }; add `otherwise`']);
  });

  it("shows the missing value only when every given value is routed", () => {
    const text = `lead { country: country  vip: boolean }\nevent form_submitted {}\nowner kari "kari@acme.example"\nroute r on form_submitted {\n  rule a: when lead.vip -> owner kari\n  rule b: when not lead.vip -> owner kari\n}\n`;
    const [d] = checkSources({ "a.crmrules": text }).diagnostics.filter((x) => x.code === "CR4002");
    expect(d!.example).toEqual({ vip: null });
    expect(d!.message).toContain("for example { vip: missing }");
  });

  it("says nothing when rules test scores it cannot evaluate", () => {
    expect(diags(`score fit "Fit" { rule r: +1 when lead.vip }\nroute r on form_submitted { rule a: when fit >= 1 -> owner kari  rule b: when fit < 1 -> queue sales }`, "CR4002")).toEqual([]);
  });
});

describe("shadowed routes", () => {
  it("points at the broader earlier rule", () => {
    const [d, ...rest] = diags(
      `
route r on form_submitted {
  rule europe: when lead.country in nordics + dach -> queue sales
  rule sweden_big: when lead.country == SE and lead.company_size > 5000 -> owner kari
  otherwise -> queue sales
}`,
      "CR4001",
    );
    expect(rest).toEqual([]);
    expect(d!.message).toContain("`sweden_big` never matches");
    expect(d!.related![0]!.message).toContain("`europe`");
    const lines = (SCHEMA + "\n").split("\n").length;
    expect(d!.related![0]!.range.start.line).toBe(lines);
  });

  it("uses numeric bounds: `>= 100` shadows `between 200 and 300` but `< 10` does not shadow `<= 10`", () => {
    const ds = diags(
      `
route r on form_submitted {
  rule mid: when lead.company_size >= 100 -> queue sales
  rule band: when lead.company_size between 200 and 300 -> owner kari
  rule small: when lead.company_size < 10 -> queue sales
  rule tiny: when lead.company_size <= 10 -> queue sales
  otherwise -> queue sales
}`,
      "CR4001",
    );
    expect(ds.map((d) => d.message)).toEqual(["`band` never matches: every lead it would take is already taken by `mid` above it"]);
  });

  it("respects missing values: `not in` does not match a lead without the field", () => {
    expect(diags(`route r on form_submitted { rule a: when lead.country not in nordics -> queue sales  rule b: when lead.country is missing -> owner kari  otherwise -> discard }`, "CR4001")).toEqual([]);
  });

  it("reports rules written after `otherwise`", () => {
    const [d] = diags(`route r on form_submitted {\n  otherwise -> queue sales\n  rule late: when lead.vip -> owner kari\n}`, "CR4001");
    expect(d!.message).toBe("`late` comes after `otherwise`, so it never routes anyone");
  });
});

describe("unreachable stage thresholds", () => {
  const scores = `
score fit "Fit" { cap 30  rule a: +20 when lead.vip  rule b: +20 on page_view }
score intent "Intent" { rule demo: +15 on demo_requested limit 2  rule visit: +5 on page_view limit 1  rule quiet: -5 after 30 days without page_view }
score open "Open" { rule v: +1 on page_view }
`;

  it("computes the most a score can hold from caps, points and limits", () => {
    const check = checkSources({ "a.crmrules": SCHEMA + scores });
    expect(maxPossibleScore(check, "fit")).toEqual({ value: 30, reason: "it is capped at 30" });
    expect(maxPossibleScore(check, "intent")).toEqual({ value: 35, reason: "its rules add at most 35 points" });
    expect(maxPossibleScore(check, "open")!.value).toBe(Infinity);
    expect(maxPossibleScore(check, "nothing")).toBeUndefined();
  });

  it("reports the threshold with the maximum as data", () => {
    const [d, ...rest] = diags(scores + `stage mql when intent >= 36 or open >= 1000`, "CR4003");
    expect(rest).toEqual([]);
    expect(d!.example).toEqual({ score: "intent", maxPossible: 35 });
    expect(d!.message).toBe("no lead can reach `intent >= 36`: `intent` is never more than 35 (its rules add at most 35 points)");
  });

  it("accepts a threshold exactly at the maximum", () => {
    expect(diags(scores + `stage mql when intent >= 35 and fit >= 30`, "CR4003")).toEqual([]);
  });

  describe("attribute rules that exclude each other (issue 12, item 8)", () => {
    const max = (body: string, name = "s") => maxPossibleScore(checkSources({ "a.crmrules": SCHEMA + body }), name)!;

    it("counts only rules one lead can meet at once: 45, not 55", () => {
      const fit = `score s "S" { rule big: +45 when lead.company_size >= 1000  rule small: +10 when lead.company_size < 50 }\n`;
      expect(max(fit)).toEqual({ value: 45, reason: "its rules add at most 45 points: no lead meets the conditions of `big` and also of `small`" });
      const [d, ...rest] = diags(fit + `stage mql when s >= 50\nstage sql when s >= 45\n`, "CR4003");
      expect(rest).toEqual([]);
      expect(d!.example).toEqual({ score: "s", maxPossible: 45 });
    });

    it("decides `==` and `in` on one field, booleans and their negation, `between`", () => {
      expect(max(`score s "S" { rule a: +10 when lead.role == executive  rule b: +20 when lead.role in [manager, student]  rule c: +1 when lead.country == NO }\n`).value).toBe(21);
      expect(max(`score s "S" { rule a: +10 when lead.vip  rule b: +7 when not lead.vip }\n`).value).toBe(10);
      expect(max(`score s "S" { rule a: +10 when lead.company_size between 1 and 9  rule b: +7 when lead.company_size between 10 and 20  rule c: +1 when lead.company_size >= 9 }\n`).value).toBe(11);
      expect(max(`score s "S" { rule a: +10 when lead.role is missing  rule b: +7 when lead.role == student }\n`).value).toBe(10);
    });

    it("adds up rules that can hold together, and whatever it cannot decide (an upper bound)", () => {
      expect(max(`score s "S" { rule a: +10 when lead.company_size >= 10  rule b: +7 when lead.company_size < 100 }\n`).value).toBe(17);
      expect(max(`score s "S" { rule a: +10 when lead.country in nordics  rule b: +7 when lead.country == DE }\n`).value).toBe(17);
      // email compares case-insensitively, so these two are the same address
      expect(max(`score s "S" { rule a: +10 when lead.email == "A@x.example"  rule b: +7 when lead.email == "a@x.example" }\n`).value).toBe(17);
      expect(max(`score s "S" { rule a: +10 when lead.email.domain starts_with "acme"  rule b: +7 when lead.email.domain ends_with ".example" }\n`).value).toBe(17);
      // event rules fire at different times: their points add up whatever their conditions
      expect(max(`score s "S" { rule a: +10 on page_view limit 1 when lead.vip  rule b: +7 on page_view limit 1 when not lead.vip }\n`).value).toBe(17);
    });
  });
});

describe("consent gaps", () => {
  const action = `action send(x: text) contact requires m\nworkflow w on page_view { do send("a") }\n`;

  it("gives the country where a clause is weaker than the law", () => {
    const ds = diags(`consent m "M" { in [DE]: double_opt_in  in nordics + dach: opt_out  otherwise: opt_in }\n` + action, "CR4005");
    expect(ds.map((d) => d.example)).toEqual([{ country: "AT" }]);
    expect(ds[0]!.message).toContain("AT needs double opt-in");
  });

  it("knows CASL limits: 6 months after an inquiry, 2 years after a purchase", () => {
    const ok = `consent m "M" { in [DE, AT]: double_opt_in  in [CA]: implied 6 months after inquiry or implied 2 years after purchase  otherwise: opt_in }\n`;
    expect(diags(ok + action, "CR4005")).toEqual([]);
    const [d] = diags(`consent m "M" { in [DE, AT]: double_opt_in  in [CA]: implied 7 months after inquiry  otherwise: opt_in }\n` + action, "CR4005");
    expect(d!.example).toEqual({ country: "CA" });
  });

  it("allows opt-out in the US only", () => {
    const [d] = diags(`consent m "M" { in [DE, AT]: double_opt_in  in [US, FR]: opt_out  otherwise: opt_in }\n` + action, "CR4005");
    expect(d!.example).toEqual({ country: "FR" });
  });

  it("reports countries without a clause and offers `otherwise`", () => {
    const body = `consent m "M" { in [DE, AT]: double_opt_in }\n` + action;
    const [d] = diags(body, "CR4006");
    expect(d!.example).toEqual({ country: "BR" });
    expect(diags(applyFix(body, d!).slice(SCHEMA.length), "CR4006")).toEqual([]);
  });

  it("requires a purpose on contact actions, with a fix per declared purpose", () => {
    const body = `consent m "M" { in [DE, AT]: double_opt_in  otherwise: opt_in }\naction call contact\nworkflow w on page_view { do call }\n`;
    const [d] = diags(body, "CR4004");
    expect(d!.fixes![0]).toMatchObject({ title: "add `requires m`", preferred: true });
    const fixed = applyFix(body, d!);
    expect(fixed).toContain("action call contact requires m");
    const after = checkSources({ "a.crmrules": fixed }).diagnostics.map((x) => x.code);
    expect(after).not.toContain("CR4004");
    expect(after).not.toContain("CR4007");
  });

  it("reports a workflow sending an action whose purpose has no consent declaration", () => {
    const [d] = diags(`action send contact requires ghost\nworkflow w on page_view { do send }\n`, "CR4007");
    expect(d!.message).toContain("`ghost`");
  });
});

describe("settings", () => {
  it("reports each unusable setting on the offending value", () => {
    const check = checkSources({
      "a.crmrules":
        SCHEMA +
        `score s "S" { cap 10  floor 20  decay 101% every 0 days  rule r: +15 on page_view limit 0 }\nteam t round_robin { member kari weight 0 }\nroute r on page_view { otherwise -> team t }`,
    });
    const got = check.diagnostics.filter((d) => d.code.startsWith("CR5")).map((d) => `${d.code} ${check.files.get(d.uri)!.lines.text.slice(d.range.start.offset, d.range.end.offset)}`);
    expect(got).toEqual(["CR5004 20", "CR5002 101", "CR5001 0 days", "CR5003 +15", "CR5006 0", "CR5005 0"]);
  });
});

describe("shadowed routes on text and booleans", () => {
  it("does not confuse `starts_with` with `ends_with` on the same text", () => {
    expect(diags(`route r on form_submitted { rule a: when lead.email.domain starts_with "acme" -> queue sales  rule b: when lead.email.domain ends_with "acme" -> owner kari  otherwise -> discard }`, "CR4001")).toEqual([]);
  });

  it("sees that a narrower prefix is shadowed by a broader one", () => {
    const [d] = diags(`route r on form_submitted { rule a: when lead.email.domain starts_with "ac" -> queue sales  rule b: when lead.email.domain starts_with "acme" -> owner kari  otherwise -> discard }`, "CR4001");
    expect(d!.message).toContain("`b` never matches");
  });

  it("treats a boolean field as a test of its own", () => {
    const [d] = diags(`route r on form_submitted { rule vips: when lead.vip -> owner kari  rule nordic_vips: when lead.vip and lead.country in nordics -> queue sales  otherwise -> discard }`, "CR4001");
    expect(d!.message).toContain("`nordic_vips` never matches");
    const [u] = diags(`route r on form_submitted { rule vips: when lead.vip -> owner kari }`, "CR4002");
    expect(u!.example).toEqual({ vip: false });
  });
});

describe("consent expiry before a send", () => {
  it("reports a send that comes after the shortest-lived consent has expired, with the country", () => {
    const body = `consent m "M" { in [DE, AT]: double_opt_in expires after 12 months  in [US]: opt_out  otherwise: opt_in expires after 24 months }
action send(x: text) contact requires m
workflow w on page_view { wait 6 months  do send("a")  wait 7 months  do send("b") }
`;
    const ds = diags(body, "CR4008");
    expect(ds.map((d) => d.example)).toEqual([{ country: "DE" }]);
    expect(ds[0]!.message).toBe("this send comes 6 months + 7 months after the workflow starts, but `m` consent for a lead in `DE` expires after 12 months, so a lead who consented at the start is blocked by then");
  });

  it("says nothing when some basis of the clause does not expire", () => {
    expect(diags(`consent m "M" { in [DE, AT]: double_opt_in expires after 1 month or double_opt_in  otherwise: opt_in }\naction send contact requires m\nworkflow w on page_view { wait 2 months  do send }\n`, "CR4008")).toEqual([]);
  });
});
