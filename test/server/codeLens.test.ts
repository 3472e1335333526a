// Code lenses and inlay hints (server/src/codeLens.ts), in-process on fixtures. (Journeys' lenses over the protocol: journeys.test.ts.)
import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { fixture, fixtureFromFolders } from "../support/fixture.js";
import { codeLenses, inlayHints } from "../support/features.js";
import { FIXTURES } from "./helpers.js";

const NORDIC = "Nordic CTO converts after a webinar";

describe("journeys: lenses and hints", () => {
  const f = fixtureFromFolders({ "/basic": join(FIXTURES, "basic") });

  it("puts Simulate and the pass/fail result above each journey, and a routed count above each routing rule", () => {
    expect(codeLenses(f, "routing").map((l) => [l.range.start.line, l.command!.title, l.command!.command, l.command!.arguments ?? []])).toEqual([
      // A client without crmrules' own commands gets the server's (test/server/commands.test.ts).
      [20, "▶ Simulate", "crmrules.server.simulateJourney", [f.uri("routing"), NORDIC]],
      [20, "✓ passed (3 expectations)", "crmrules.server.showTraceText", [f.uri("routing"), NORDIC]],
      [14, "routes 1 journey", "crmrules.server.showRoutedJourneys", [f.uri("routing"), "inbound", "enterprise_nordics"]],
      [15, "routes 0 journeys", "crmrules.server.showRoutedJourneys", [f.uri("routing"), "inbound", "emea"]],
      [16, "routes 0 journeys", "crmrules.server.showRoutedJourneys", [f.uri("routing"), "inbound", "students"]],
      [17, "routes 0 journeys", "crmrules.server.showRoutedJourneys", [f.uri("routing"), "inbound", "otherwise"]],
    ]);
    expect(codeLenses(f, "journeys").map((l) => l.command!.title)).toEqual(["▶ Simulate", "✗ 1 of 1 expectation failed"]);
  });

  it("with the extension's own commands, a Debug journey lens beside Simulate starts the journey debugger", () => {
    expect(codeLenses(f, "routing", true).slice(0, 3).map((l) => [l.range.start.line, l.command!.title, l.command!.command, l.command!.arguments ?? []])).toEqual([
      [20, "▶ Simulate", "crmrules.simulateJourney", [f.uri("routing"), NORDIC]],
      [20, "Debug journey", "crmrules.debugJourney", [f.uri("routing"), NORDIC]],
      [20, "✓ passed (3 expectations)", "crmrules.showTraceText", [f.uri("routing"), NORDIC]],
    ]);
  });

  it("shows the running scores and stage after each journey step, and which journeys a routing rule catches", () => {
    expect(inlayHints(f, "routing", { start: { line: 0, character: 0 }, end: { line: 40, character: 0 } }).map((h) => [h.position, h.label])).toEqual([
      [{ line: 22, character: 37 }, "→ fit 35, engagement 10, stage lead_in"],
      [{ line: 23, character: 52 }, "→ fit 35, engagement 25, stage lead_in"],
      [{ line: 24, character: 23 }, "→ fit 35, engagement 65, stage sql"],
      [{ line: 14, character: 99 }, `catches: "${NORDIC}"`],
    ]);
    expect(inlayHints(f, "routing", f.range("routing", "$0  day 3 we$0binar_attended")).map((h) => h.label)).toEqual(["→ fit 35, engagement 25, stage lead_in"]);
  });
});

describe("routing lenses and hints count the journeys of their own route", () => {
  it("two unrelated files each declare `route inbound`: a journey routed by one is not counted on the other", () => {
    const route = (target: string) => `
      lead {
        country: country
      }
      queue ${target} "${target}"
      stage s initial when true
      route inbound on stage s {
        rule nordic: when lead.country in [NO, SE] -> queue ${target}
        otherwise -> queue ${target}
      }`;
    const f = fixture(`
      //- /one.crmrules${route("one_q")}
      //- /two.crmrules${route("two_q")}
      //- /j.crmrules
      import "./one.crmrules"

      journey "Norwegian lead" {
        lead { country: NO }
        expect routed to queue one_q
      }
    `);
    const titles = (name: string) => codeLenses(f, name).map((l) => l.command!.title);
    expect(titles("one")).toEqual(["routes 1 journey", "routes 0 journeys"]);
    expect(titles("two")).toEqual(["routes 0 journeys", "routes 0 journeys"]);
    expect(inlayHints(f, "two")).toEqual([]);
    expect(inlayHints(f, "one").map((h) => h.label)).toEqual(['catches: "Norwegian lead"']);
  });
});
