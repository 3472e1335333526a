/**
 * Journeys through the server: the custom requests against the real server
 * over stdio (the lenses and hints themselves: codeLens.test.ts, in-process),
 * and the note the journey view gives a score firing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import * as P from "vscode-languageserver-protocol/node";
import { copyFixture, startClient, uri, type Client } from "./helpers.js";
import { firingNote } from "../../server/src/journeys.js";

let root: string;
let c: Client;
const R = () => uri(join(root, "routing.crmrules"));
const J = () => uri(join(root, "journeys.crmrules"));
const S = () => uri(join(root, "scoring.crmrules"));
const NORDIC = "Nordic CTO converts after a webinar";
const SMALL = "Small Swedish company stays a lead";
const rng = (l1: number, c1: number, l2: number, c2: number) => ({ start: { line: l1, character: c1 }, end: { line: l2, character: c2 } });

beforeAll(async () => {
  root = copyFixture("basic");
  c = await startClient([root]);
});
afterAll(async () => {
  await c?.stop();
});

describe("crmrules/listJourneys", () => {
  it("lists every journey of the workspace with its expectations and status", async () => {
    const list = await c.conn.sendRequest("crmrules/listJourneys", {});
    expect(list).toEqual([
      { uri: J(), name: SMALL, range: rng(2, 0, 6, 1), expectations: [{ index: 0, text: "expect stage == mql", range: rng(5, 2, 5, 21) }], status: "failed" },
      {
        uri: R(),
        name: NORDIC,
        range: rng(20, 0, 28, 1),
        expectations: [
          { index: 0, text: "expect stage == sql", range: rng(25, 2, 25, 21) },
          { index: 1, text: "expect routed to owner kari", range: rng(26, 2, 26, 29) },
          { index: 2, text: "expect score fit == 35", range: rng(27, 2, 27, 24) },
        ],
        status: "passed",
      },
    ]);
    expect(await c.conn.sendRequest("crmrules/listJourneys", { uri: R() })).toHaveLength(1);
  });
});

describe("crmrules/runJourney", () => {
  it("returns the expectations, the trace text and the trace with protocol locations", async () => {
    const r = (await c.conn.sendRequest("crmrules/runJourney", { uri: R(), name: NORDIC })) as {
      passed: boolean;
      expectations: unknown[];
      traceText: string;
      trace: { kind: string; uri?: string; source: { uri: string; range: P.Range } }[];
    };
    expect(r.passed).toBe(true);
    expect(r.expectations[1]).toEqual({ index: 1, text: "expect routed to owner kari", range: rng(26, 2, 26, 29), passed: true, expected: "routed to owner kari", actual: "owner kari by inbound.enterprise_nordics", time: 14400 });
    expect(r.traceText).toContain("route inbound: enterprise_nordics -> owner kari");
    expect(r.traceText).toContain("3 of 3 expectations passed");
    const route = r.trace.find((e) => e.kind === "route")!;
    expect(route.source).toEqual({ uri: R(), range: rng(14, 2, 14, 99) });
  });

  it("reports a failing expectation with expected and actual", async () => {
    const r = (await c.conn.sendRequest("crmrules/runJourney", { uri: J(), name: SMALL })) as { passed: boolean; expectations: unknown[] };
    expect(r.passed).toBe(false);
    expect(r.expectations).toEqual([{ index: 0, text: "expect stage == mql", range: rng(5, 2, 5, 21), passed: false, expected: "stage == mql", actual: "lead_in", time: 1440 }]);
  });

  it("answers an unknown journey with an error field and bad parameters with InvalidParams", async () => {
    expect(await c.conn.sendRequest("crmrules/runJourney", { uri: R(), name: "nope" })).toEqual({ uri: R(), name: "nope", passed: false, expectations: [], error: 'there is no journey named "nope" in this file' });
    await expect(c.conn.sendRequest("crmrules/runJourney", { uri: R() })).rejects.toMatchObject({ code: P.ErrorCodes.InvalidParams });
  });
});

describe("crmrules/journeyView", () => {
  it("gives the timeline, score series with thresholds, stages, routing, each with source locations", async () => {
    const v = (await c.conn.sendRequest("crmrules/journeyView", { uri: R(), name: NORDIC })) as Record<string, any>;
    expect(v.end).toBe(14400);
    expect(v.events.map((e: any) => [e.time, e.label, e.range.start.line, e.rules.map((r: any) => `${r.score}.${r.rule} +${r.applied}`)])).toEqual([
      [0, 'page_view { url: "/pricing" }', 22, ["engagement.pricing_visit +10"]],
      [4320, 'webinar_attended { topic: "Navigation 101" }', 23, ["engagement.webinar +15"]],
      [14400, "demo_requested", 24, ["engagement.demo +40"]],
    ]);
    expect(v.events[0].rules[0].uri).toBe(S());
    expect(v.scores).toEqual([
      { name: "fit", max: 50, thresholds: [{ value: 0, label: "lead_in" }, { value: 20, label: "mql" }], points: [{ time: 0, value: 20 }, { time: 0, value: 35 }] },
      { name: "engagement", max: 100, thresholds: [{ value: 40, label: "mql" }], points: [{ time: 0, value: 10 }, { time: 4320, value: 25 }, { time: 14400, value: 65 }] },
    ]);
    expect(v.stages.map((s: any) => [s.time, s.from ?? null, s.to, s.uri, s.range.start.line])).toEqual([
      [0, null, "lead_in", S(), 18],
      [14400, "lead_in", "mql", S(), 19],
      [14400, "mql", "sql", S(), 20],
    ]);
    expect(v.routing).toEqual([{ time: 14400, route: "inbound", target: "owner kari", rule: "enterprise_nordics", note: "entered mql: first matching rule", uri: R(), range: rng(14, 2, 14, 99) }]);
    expect(v.actions).toEqual([{ time: 14400, call: "send_email(\"nurture-1\")", status: "blocked", consent: "email_marketing", reason: "opt_in: no consent was given", uri: uri(join(root, "consent.crmrules")), range: rng(11, 2, 11, 28) }]);
    expect(v.expectations.every((e: any) => e.passed)).toBe(true);
  });
});

describe("journeys after an edit", () => {
  it("re-runs journeys after an edit to the rules", async () => {
    const text = (await import("node:fs")).readFileSync(join(root, "scoring.crmrules"), "utf8");
    await c.conn.sendNotification(P.DidOpenTextDocumentNotification.type, { textDocument: { uri: S(), languageId: "crmrules", version: 1, text } });
    // `rule enterprise: +15` → `+5`: the Nordic journey's `expect score fit == 35` now fails.
    await c.conn.sendNotification(P.DidChangeTextDocumentNotification.type, { textDocument: { uri: S(), version: 2 }, contentChanges: [{ range: rng(6, 20, 6, 22), text: "5" }] });
    const list = (await c.conn.sendRequest("crmrules/listJourneys", { uri: R() })) as { status: string }[];
    expect(list.map((j) => j.status)).toEqual(["failed"]);
    await c.conn.sendNotification(P.DidCloseTextDocumentNotification.type, { textDocument: { uri: S() } });
  });
});

// `applied` is the stored part's change, so a value that the cap or floor held is said in words (issue 12.7).
describe("journey view: a firing's note", () => {
  it("says when the cap or floor held the value although the stored part changed", () => {
    expect(firingNote({ points: -8, applied: -8, before: 20, after: 20 })).toEqual({ note: "value held within cap and floor" });
    expect(firingNote({ points: 28, applied: 28, before: null, after: 20 })).toEqual({ note: "value held within cap and floor" });
  });
  it("says when points did not all apply, and nothing when all is plain", () => {
    expect(firingNote({ points: 40, applied: 10, before: 40, after: 50 })).toEqual({ note: "40 points, 10 applied" });
    expect(firingNote({ points: 5, applied: 5, before: 10, after: 15 })).toEqual({});
  });
});
