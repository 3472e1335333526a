/** One test per consent rule of the domain notes (CASL, GDPR/UWG, CAN-SPAM, withdrawal, erasure, expiry). */
import { describe, it, expect } from "vitest";
import { compileText } from "./helpers.js";
import { runJourney } from "../../core/engine/index.js";

const RULES = `
lead { email: email  country: country }
event inquiry {}
event purchase {}
event poke {}
territory dach = [DE, AT]
territory eu = [DE, AT, FR, SE, NL]
consent email_marketing "Email marketing" {
  in dach: double_opt_in
  in eu: opt_in expires after 24 months
  in [CA]: opt_in or implied 6 months after inquiry or implied 2 years after purchase
  in [US]: opt_out
  otherwise: opt_in
}
action send_email(campaign: text) contact requires email_marketing
workflow mail on poke { do send_email("x") }
`;

function run(country: string, steps: string) {
  const rules = compileText(`${RULES}\njourney "j" {\n  lead { email: "a@b.example", country: ${country} }\n${steps}\n}\n`);
  const r = runJourney(rules, rules.journeys[0]!.journey);
  const actions = r.trace.filter((e) => e.kind === "action");
  return { r, actions };
}

describe("consent", () => {
  it("CASL: implied consent after an inquiry allows a send on day 180 and blocks it on day 184", () => {
    const { r, actions } = run("CA", "day 0 inquiry\n day 180 poke\n day 184 poke\n expect blocked send_email");
    expect(actions.map((a) => a.kind === "action" && a.status)).toEqual(["sent", "blocked"]);
    const blocked = actions[1]!;
    expect(blocked.kind === "action" && blocked.consent?.clause).toBe("in [CA]");
    expect(blocked.kind === "action" && blocked.reason).toContain("implied consent from `inquiry` on day 0 ended on day 180");
    expect(r.passed).toBe(true);
  });

  it("CASL: implied consent lasts 2 years after a purchase", () => {
    const { actions } = run("CA", "day 0 purchase\n day 730 poke\n day 731 poke");
    expect(actions.map((a) => a.kind === "action" && a.status)).toEqual(["sent", "blocked"]);
    expect(actions[0]!.kind === "action" && actions[0]!.consent?.basis).toBe("implied 2 years after purchase");
  });

  it("CASL: express consent (opt_in) never expires", () => {
    const { actions } = run("CA", "day 0 consent_given { purpose: email_marketing, method: checkbox }\n day 2000 poke");
    expect(actions[0]!.kind === "action" && actions[0]!.status).toBe("sent");
  });

  it("Germany: without double opt-in the send is blocked; with it, sent", () => {
    const without = run("DE", "day 0 consent_given { purpose: email_marketing, method: checkbox }\n day 1 poke");
    expect(without.actions[0]!.kind === "action" && without.actions[0]!.status).toBe("blocked");
    expect(without.actions[0]!.kind === "action" && without.actions[0]!.reason).toContain("not confirmed by double opt-in");
    expect(without.actions[0]!.kind === "action" && without.actions[0]!.consent?.clause).toBe("in dach");
    const withDoi = run("DE", "day 0 consent_given { purpose: email_marketing, method: double_opt_in }\n day 1 poke");
    expect(withDoi.actions[0]!.kind === "action" && withDoi.actions[0]!.status).toBe("sent");
  });

  it("US: allowed until unsubscribe, blocked within the same day after it", () => {
    const { actions } = run("US", "day 0 poke\n day 5 at 09:00 poke\n day 5 at 09:00 unsubscribed\n day 5 at 09:01 poke");
    expect(actions.map((a) => a.kind === "action" && a.status)).toEqual(["sent", "sent", "blocked"]);
    expect(actions[2]!.kind === "action" && actions[2]!.reason).toContain("opted out on day 5 at 09:00");
  });

  it("consent withdrawal blocks later sends for that purpose, a new consent restores them", () => {
    const { actions } = run(
      "FR",
      "day 0 consent_given { purpose: email_marketing, method: checkbox }\n day 1 poke\n day 2 consent_withdrawn { purpose: email_marketing }\n day 2 poke\n day 3 consent_given { purpose: email_marketing, method: checkbox }\n day 3 poke",
    );
    expect(actions.map((a) => a.kind === "action" && a.status)).toEqual(["sent", "blocked", "sent"]);
    expect(actions[1]!.kind === "action" && actions[1]!.reason).toContain("withdrawn on day 2");
  });

  it("erasure blocks every later contact, whatever consent follows", () => {
    const { actions } = run(
      "US",
      "day 0 consent_given { purpose: email_marketing, method: double_opt_in }\n day 1 poke\n day 2 erasure_requested\n day 3 consent_given { purpose: email_marketing, method: double_opt_in }\n day 3 poke\n day 400 poke",
    );
    expect(actions.map((a) => a.kind === "action" && a.status)).toEqual(["sent", "blocked", "blocked"]);
    for (const a of actions.slice(1)) expect(a.kind === "action" && a.reason).toContain("erasure was requested on day 2");
  });

  it("opt-in expires after 24 months (720 days)", () => {
    const { actions } = run("SE", "day 0 consent_given { purpose: email_marketing, method: checkbox }\n day 720 poke\n day 721 poke");
    expect(actions.map((a) => a.kind === "action" && a.status)).toEqual(["sent", "blocked"]);
    expect(actions[1]!.kind === "action" && actions[1]!.reason).toContain("expired on day 720");
  });

  it("a country no clause covers falls to `otherwise`; a missing country is an unknown jurisdiction, never `otherwise` (issue 14)", () => {
    const { actions } = run("JP", "day 0 poke");
    expect(actions[0]!.kind === "action" && actions[0]!.consent?.clause).toBe("otherwise");
    const rules = compileText(`${RULES}\njourney "j" {\n  lead { email: "a@b.example" }\n day 0 poke\n}\n`);
    const r = runJourney(rules, rules.journeys[0]!.journey);
    const a = r.trace.find((e) => e.kind === "action")!;
    expect(a.kind === "action" && a.consent?.clause).not.toBe("otherwise");
    expect(a.kind === "action" && a.status).toBe("blocked");
  });

  describe("a lead of unknown jurisdiction (§9, issue 14)", () => {
    const GERMAN = `lead { email: email  country: country }
event poke {}
consent email_marketing {
  in [DE, AT]: double_opt_in
  in [US]: opt_out
  otherwise: opt_in
}
action send_email contact requires email_marketing
workflow w on poke { do send_email }
`;
    const journey = (lead: string, consent: string) => `journey "j" {\n  lead { email: "a@b.example"${lead} }\n  day 0 consent_given { purpose: email_marketing, method: ${consent} }\n  day 1 poke\n}\n`;
    const action = (text: string) => {
      const rules = compileText(text);
      const r = runJourney(rules, rules.journeys[0]!.journey);
      return r.trace.find((e) => e.kind === "action")! as Extract<ReturnType<typeof runJourney>["trace"][number], { kind: "action" }>;
    };
    it("without an `unknown` clause every clause must allow it: a checkbox is blocked (DE wants double opt-in), double opt-in is sent", () => {
      const a = action(GERMAN + journey("", "checkbox"));
      expect(a.status).toBe("blocked");
      expect(a.reason).toBe("the lead's country is missing, so every clause must allow the contact and `in [DE, AT]` does not: double_opt_in: consent was given but not confirmed by double opt-in");
      expect(action(GERMAN + journey("", "double_opt_in")).status).toBe("sent");
      // A German lead with checkbox consent is blocked as the law wants; the same lead with no country too.
      expect(action(GERMAN + journey(", country: DE", "checkbox")).status).toBe("blocked");
    });
    it("an `unknown` clause is the deliberate line for it", () => {
      const a = action(GERMAN.replace("otherwise: opt_in", "otherwise: opt_in\n  unknown: opt_out") + journey("", "checkbox"));
      expect(a.status).toBe("sent");
      expect(a.consent?.clause).toBe("unknown");
    });
  });

  it("no clause for the jurisdiction blocks", () => {
    const rules = compileText(`lead { country: country }\nevent poke {}\nconsent p { in [US]: opt_out }\naction m contact requires p\nworkflow w on poke { do m }\njourney "j" { lead { country: NO } day 0 poke }`);
    const r = runJourney(rules, rules.journeys[0]!.journey);
    const a = r.trace.find((e) => e.kind === "action")!;
    expect(a.kind === "action" && a.status).toBe("blocked");
    expect(a.kind === "action" && a.reason).toBe("no consent rule for the jurisdiction `NO`");
  });

  describe("consent methods as anchors (issue 12.1, 12.2)", () => {
    // No event is named inquiry or purchase here: the anchors are `consent_given` methods.
    const METHOD_RULES = `
lead { email: email  country: country }
event poke {}
consent email_marketing {
  in [CA]: opt_in or implied 6 months after inquiry or implied 2 years after purchase
  otherwise: double_opt_in
}
action send_email contact requires email_marketing
workflow mail on poke { do send_email }
`;
    const runM = (steps: string) => {
      const rules = compileText(`${METHOD_RULES}\njourney "j" {\n  lead { email: "a@b.example", country: CA }\n${steps}\n}\n`);
      const r = runJourney(rules, rules.journeys[0]!.journey);
      return r.trace.filter((e) => e.kind === "action").map((a) => (a.kind === "action" ? `${a.time} ${a.status} ${a.consent?.basis ?? "-"}` : ""));
    };
    it("an inquiry recorded as a consent method is implied consent for 6 months, not express consent", () => {
      expect(runM("day 0 consent_given { purpose: email_marketing, method: inquiry }\n day 10 poke\n day 190 poke")).toEqual([
        "day 10 sent implied 6 months after inquiry",
        "day 190 blocked -",
      ]);
    });
    it("a purchase recorded as a consent method is implied consent for 2 years, not express consent", () => {
      expect(runM("day 0 consent_given { purpose: email_marketing, method: purchase }\n day 730 poke\n day 740 poke")).toEqual([
        "day 730 sent implied 2 years after purchase",
        "day 740 blocked -",
      ]);
    });
    it("express methods (checkbox, double opt-in) count for opt_in and never expire", () => {
      expect(runM("day 0 consent_given { purpose: email_marketing, method: checkbox }\n day 740 poke")).toEqual(["day 740 sent opt_in"]);
      expect(runM("day 0 consent_given { purpose: email_marketing, method: double_opt_in }\n day 740 poke")).toEqual(["day 740 sent opt_in"]);
    });
    it("an implied method does not revive express consent after a withdrawal, but gives new implied consent", () => {
      expect(
        runM("day 0 consent_given { purpose: email_marketing, method: checkbox }\n day 5 unsubscribed\n day 6 poke\n day 10 consent_given { purpose: email_marketing, method: inquiry }\n day 11 poke\n day 200 poke"),
      ).toEqual(["day 6 blocked -", "day 11 sent implied 6 months after inquiry", "day 200 blocked -"]);
    });
    it("the blocked reason says an implied method is not express consent", () => {
      const rules = compileText(`${METHOD_RULES}\njourney "j" {\n  lead { email: "a@b.example", country: CA }\n day 0 consent_given { purpose: email_marketing, method: inquiry }\n day 190 poke\n}\n`);
      const a = runJourney(rules, rules.journeys[0]!.journey).trace.find((e) => e.kind === "action")!;
      expect(a.kind === "action" && a.reason).toBe(
        "opt_in: no express consent was given: `inquiry` on day 0 is implied consent; implied 6 months after inquiry: implied consent from `inquiry` on day 0 ended on day 180; implied 2 years after purchase: no `purchase` happened",
      );
    });
  });
});
