/** Journeys with several leads (docs/language.md §11): one clock, one routing pool, per-lead results. */
import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { checkWorkspace } from "../../core/checker/check.js";
import { compile, leadResult, runJourney, why, type JourneyResult } from "../../core/engine/index.js";
import { crmSources } from "../support/files.js";
import { compileText } from "./helpers.js";

/** Where each lead's current assignment is: `owner sofia`, `queue overflow`. */
function assignments(r: JourneyResult): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of r.leads ?? []) {
    const a = l.final.assignment;
    out[l.name] = !a ? "unrouted" : a.member ? `owner ${a.member}` : `${a.kind} ${a.name}`;
  }
  return out;
}

function tally(r: JourneyResult, names: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [lead, where] of Object.entries(assignments(r))) if (names.includes(lead)) out[where] = (out[where] ?? 0) + 1;
  return out;
}

const RULES = readFileSync(resolve("examples/team-caps/rules.crmrules"), "utf8");

/** Five Nordic leads at 09:00, 09:10, … on day 0 (written in the order given), on the example's rules with `cap`. */
function fiveLeads(cap: string, order = ["ana", "ben", "cai", "dag", "eva"], seed = 0): JourneyResult {
  const leads = order.map((n) => `  lead ${n} { country: NO }`).join("\n");
  const steps = order.map((n, i) => `  day 0 at 09:${String(i * 10).padStart(2, "0")} ${n}: form_submitted { source: "web" }`).join("\n");
  const text = `journey "five" {\n  seed ${seed}\n${leads}\n${steps}\n}\n`;
  const all = compileText(RULES.replace("cap 2 per day", cap) + "\n" + text);
  return runJourney(all, all.journeys[0]!.journey);
}

describe("journeys with several leads", () => {
  it("runs examples/team-caps: 2, 2 and one to the overflow, then a fresh cap the next day", () => {
    const root = resolve("examples/team-caps");
    const input = { root, files: crmSources(root) };
    const check = checkWorkspace(input);
    expect(check.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const file = input.files.find((f) => f.uri.endsWith("daily-cap.crmrules"))!;
    const rules = compile(check, file.uri);
    const r = runJourney(rules, rules.journeys[0]!.journey);
    expect(r.expectations.filter((e) => !e.pass)).toEqual([]);
    expect(r.expectations.length).toBe(6);
    expect(tally(r, ["ana", "ben", "cai", "dag", "eva"])).toEqual({ "owner sofia": 2, "owner lars": 2, "queue overflow": 1 });
    expect(assignments(r)["fay"]).toBe("owner sofia");
    expect(r.final).toEqual(r.leads![0]!.final);
  });

  it("shares the cap across leads: a higher cap takes everyone, a lower one overflows more", () => {
    expect(tally(fiveLeads("cap 3 per day"), ["ana", "ben", "cai", "dag", "eva"])).toEqual({ "owner sofia": 3, "owner lars": 2 });
    expect(tally(fiveLeads("cap 1 per day"), ["ana", "ben", "cai", "dag", "eva"])).toEqual({ "owner sofia": 1, "owner lars": 1, "queue overflow": 3 });
  });

  it("picks in the order the steps happen, from the journey's seed", () => {
    expect(assignments(fiveLeads("cap 2 per day"))).toEqual({ ana: "owner sofia", ben: "owner lars", cai: "owner sofia", dag: "owner lars", eva: "queue overflow" });
    // Written (and so run) in another order: the first to arrive gets the first pick.
    expect(assignments(fiveLeads("cap 2 per day", ["eva", "dag", "cai", "ben", "ana"]))).toEqual({ eva: "owner sofia", dag: "owner lars", cai: "owner sofia", ben: "owner lars", ana: "queue overflow" });
    // Seed 1: as if one pick had been made.
    expect(assignments(fiveLeads("cap 2 per day", undefined, 1))).toEqual({ ana: "owner lars", ben: "owner sofia", cai: "owner lars", dag: "owner sofia", eva: "queue overflow" });
  });

  it("runs timers of every lead due before a step first, in time order across leads (ties: written order)", () => {
    const rules = compileText(`
lead { country: country }
event form_submitted
owner kari "kari@acme.example"
owner sofia "sofia@acme.example"
owner lars "lars@acme.example"
team sdr round_robin { member sofia  member lars  cap 1 per day }
stage new initial
route inbound on form_submitted {
  rule danes: when lead.country == DK -> owner kari escalate after 2 hours to team sdr
  otherwise -> team sdr
}
journey "timers" {
  lead ana { country: DK }
  lead ben { country: DK }
  lead cai { country: NO }
  day 0 at 09:30 ben: form_submitted
  day 0 at 10:00 ana: form_submitted
  day 0 at 12:00 cai: form_submitted
}
journey "tie" {
  lead ana { country: DK }
  lead ben { country: DK }
  day 0 at 09:00 ben: form_submitted
  ana: form_submitted
  day 0 at 12:00 ana: expect routed to owner sofia
  ben: expect routed to owner lars
}`);
    const r = runJourney(rules, rules.journeys[0]!.journey);
    // ben's escalation (11:30) runs before ana's (12:00, due at cai's step), both before cai's event: sofia, lars, then nobody left.
    const picks = r.trace.filter((e) => e.kind === "escalation" && e.status === "escalated" || e.kind === "route").map((e) => `${e.leadName} ${e.time} ${e.kind}`);
    expect(picks).toEqual(["ben day 0 at 09:30 route", "ana day 0 at 10:00 route", "ben day 0 at 11:30 escalation", "ana day 0 at 12:00 escalation", "cai day 0 at 12:00 route"]);
    expect(assignments(r)).toEqual({ ana: "owner lars", ben: "owner sofia", cai: "unrouted" });
    // Both due at 11:00: ana is written first, so her escalation takes the first pick (sofia) although ben's was scheduled first.
    const tie = runJourney(rules, rules.journeys[1]!.journey);
    expect(tie.expectations.map((x) => [x.text, x.pass])).toEqual([
      ["ana: expect routed to owner sofia", true],
      ["ben: expect routed to owner lars", true],
    ]);
  });

  it("tags every entry and expectation with its lead; leadResult and why answer per lead", () => {
    const r = fiveLeads("cap 2 per day");
    expect(r.trace.every((e) => typeof e.leadName === "string")).toBe(true);
    const eva = leadResult(r, "eva")!;
    expect(eva.trace.every((e) => e.leadName === "eva")).toBe(true);
    expect(why(eva, { kind: "route" }).summary).toContain("queue overflow");
    expect(leadResult(r, "zed")).toBeUndefined();
  });

  it("does not run a step naming an unknown lead, and says so in the trace", () => {
    const ws = checkWorkspace({ root: "/ws", files: [{ uri: "/ws/main.crmrules", text: RULES + `\njourney "typo" {\n  lead ana { country: NO }\n  day 0 ane: form_submitted\n  ana: expect not routed\n}\n` }] });
    expect(ws.diagnostics.map((d) => d.code)).toContain("CR3043");
    const all = compile(ws, "/ws/main.crmrules");
    const r = runJourney(all, all.journeys[0]!.journey);
    expect(r.trace.some((e) => e.kind === "note" && e.leadName === undefined && e.message.includes("no lead named `ane`"))).toBe(true);
    expect(r.passed).toBe(true);
  });
});
