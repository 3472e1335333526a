// Journeys with several leads in the language server (docs/language.md §11): lenses, inlay hints,
// the journey view's per-lead items and the failing-expectation diagnostics (CR3040), in-process.
import { describe, expect, it } from "vitest";
import { fixture } from "../support/fixture.js";
import { codeLenses, inlayHints, labels } from "../support/features.js";
import { JourneyRunner, journeyDiagnostics, journeyView } from "../../server/src/journeys.js";
import type { JourneyView } from "../../protocol/journeys.js";

const f = fixture(`
  //- /rules.crmrules
  lead {
    country: country
  }
  event form_submitted {}
  owner sofia "sofia@acme.example"
  owner lars "lars@acme.example"
  queue overflow "Overflow"
  team sdr round_robin {
    member sofia
    member lars
    cap 1 per day
  }
  stage new initial
  route inbound on form_submitted {
    rule nordics: when lead.country in [NO, SE] -> team sdr
    otherwise -> queue overflow
  }
  //- /j.crmrules
  import "./rules.crmrules"

  journey "Three on a team of two" {
    lead ana { country: NO }
    lead ben { country: SE }
    lead cai { country: NO }
    day 0 at 09:00 ana: form_submitted
    day 0 at 09:10 ben: form_submitted
    day 0 at 09:20 cai: form_submitted
    ana: expect routed to owner sofia
    cai: expect routed to owner lars
  }
`);

describe("journeys with several leads in the server", () => {
  it("lenses: pass/fail for the journey, and the routing rules count it", () => {
    expect(codeLenses(f, "j").map((l) => l.command!.title)).toEqual(["▶ Simulate", "✗ 1 of 2 expectations failed"]);
    expect(codeLenses(f, "rules").map((l) => l.command!.title)).toEqual(["routes 1 journey", "routes 0 journeys"]);
  });

  it("hints: each step's lead with its own state and routing; a routing rule names the leads it caught", () => {
    expect(inlayHints(f, "j").map((h) => [h.position.line, h.label])).toEqual([
      [6, "→ ana: stage new, routed to team sdr (owner sofia)"],
      [7, "→ ben: stage new, routed to team sdr (owner lars)"],
      [8, "→ cai: stage new, routed to queue overflow"],
    ]);
    expect(inlayHints(f, "rules").map((h) => h.label)).toEqual(['catches: "Three on a team of two" (ana, ben, cai)']);
  });

  it("the failing expectation is a CR3040 naming its lead, related to that lead's routing decision", () => {
    const runner = new JourneyRunner(() => {});
    const ds = journeyDiagnostics(f.snap, runner, f.path("j"), () => {});
    expect(ds.map((d) => [d.code, d.range.start.line, d.message])).toEqual([
      ["CR3040", 10, '`cai: expect routed to owner lars` fails at day 0 at 09:20 in the journey "Three on a team of two" for the lead `cai`: expected routed to owner lars, actual queue overflow by inbound.nordics'],
    ]);
    expect(ds[0]!.related!.map((r) => [r.range.start.line, r.message])).toEqual([
      [14, "routed by `inbound`.`nordics` at day 0 at 09:20: on form_submitted: first matching rule; every member of team `sdr` is at the cap; using the route's otherwise"],
      [8, "the journey step before it: day 0 at 09:20, event `form_submitted`"],
    ]);
  });

  it("the view lists the leads and says whose each item is; one score line per lead", () => {
    const v = journeyView(f.snap, new JourneyRunner(() => {}), f.path("j"), "Three on a team of two") as JourneyView;
    expect(v.leads).toEqual(["ana", "ben", "cai"]);
    expect(v.routing.map((r) => `${r.leadName} ${r.target}`)).toEqual(["ana team sdr (owner sofia)", "ben team sdr (owner lars)", "cai queue overflow"]);
    expect(v.events.map((e) => e.leadName)).toEqual(["ana", "ben", "cai"]);
    expect(v.expectations.map((e) => [e.leadName, e.passed])).toEqual([["ana", true], ["cai", false]]);
    expect(new Set(v.lead!.map((x) => x.leadName))).toEqual(new Set(["ana", "ben", "cai"]));
  });

  it("completion: a step starts with a lead's name; after `ana:` come the events and steps", () => {
    const J = 'import "./rules.crmrules"\n\njourney "x" {\n  lead ana { country: NO }\n  lead ben { country: SE }\n';
    const at = (text: string) => f.probe("/scratch.crmrules", J + text + "\n}\n", labels);
    expect(at("  $0")).toEqual(expect.arrayContaining(["ana:", "ben:"]));
    expect(at("  day 1 $0")).toEqual(["ana:", "ben:", "at"]);
    const step = at("  day 1 at 09:00 ben: $0");
    expect(step).toEqual(expect.arrayContaining(["form_submitted", "update", "expect"]));
    expect(step).not.toContain("ana:");
    expect(at("  ana: $0")).toEqual(expect.arrayContaining(["form_submitted", "update", "expect"]));
    // A one-lead journey offers no lead names.
    expect(f.probe("/scratch.crmrules", 'import "./rules.crmrules"\n\njourney "y" {\n  lead { country: NO }\n  day 1 $0\n}\n', labels)).not.toContain("ana:");
  });
});
