/**
 * Correctness of the benchmark's baselines (never timings): the hand-written
 * rules, json-rules-engine and zen-engine encodings must give the same outcome
 * as our engine on small seeded logs and on hand-made edge cases.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { generateLog, subsetLog, assertSameOutcomes, type SimLog, type SimEvent } from "../../bench/src/sim/model.js";
import { runHandwritten, fitOf, routeOf, emailDomain } from "../../bench/src/sim/handwritten.js";
import { runPeer, jsonRulesEngine, zenEngine } from "../../bench/src/sim/peers.js";
import { compileBenchRules, runOurs } from "../../bench/src/sim/ours.js";
import { toJsonLines, runBulk } from "../../bench/src/sim/bulk.js";

const rulesText = readFileSync(path.join(__dirname, "../../bench/sim/rules.crmrules"), "utf8");
const rules = compileBenchRules(rulesText);
const DAY = 1440;

async function allAgree(log: SimLog): Promise<void> {
  const expected = runOurs(rules, log);
  assertSameOutcomes("hand-written", expected, runHandwritten(log), log.leads);
  assertSameOutcomes("json-rules-engine", expected, await runPeer(jsonRulesEngine(), log), log.leads);
  const z = zenEngine();
  try {
    assertSameOutcomes("zen-engine", expected, await runPeer(z, log), log.leads);
  } finally {
    z.dispose();
  }
}

const pv = (at: number, url: string, lead = 0): SimEvent => ({ lead, at, name: "page_view", payload: { url } });

describe("benchmark baselines agree with our engine", () => {
  it("on a generated log (300 leads, 15,000 events)", async () => {
    const log = generateLog({ seed: 42, leads: 300, events: 15_000 });
    const out = runHandwritten(log);
    // The log must exercise the interesting paths, or agreement proves little.
    expect(out.filter((o) => o.stage === "sql").length).toBeGreaterThan(10);
    expect(new Set(out.map((o) => o.routeRule)).size).toBeGreaterThanOrEqual(5);
    expect(out.some((o) => o.fit === null)).toBe(true);
    expect(out.some((o) => o.engagement === 100)).toBe(true);
    await allAgree(log);
  });

  it("on a subset of the leads (the peers' workload)", async () => {
    const log = subsetLog(generateLog({ seed: 9, leads: 200, events: 8_000 }), 50);
    expect(log.events.every((e) => e.lead < 50)).toBe(true);
    await allAgree(log);
  });

  it("limit 3 per 7 days: the fourth pricing view in a week is suppressed, the window is inclusive", async () => {
    const lead = { id: "a", role: "executive", company_size: 5000, country: "NO", email: "a@fjord.example" };
    const log: SimLog = { leads: [lead], events: [pv(0, "/pricing"), pv(10, "/pricing"), pv(20, "/pricing"), pv(30, "/pricing"), pv(7 * DAY, "/pricing"), pv(7 * DAY + 1, "/pricing")] };
    const hw = runHandwritten(log);
    expect(hw[0]!.engagement).toBe(40); // 3 firings, the 4th suppressed, day 7 at 00:00 still sees the firing at 0; one more at 00:01
    await allAgree(log);
  });

  it("at least 3 /docs views within 1 day fire once per 7 days", async () => {
    const lead = { id: "b", role: "director", company_size: 1500, country: "DE" };
    const log: SimLog = { leads: [lead], events: [pv(0, "/docs"), pv(100, "/docs/api"), pv(200, "/docs"), pv(300, "/docs"), pv(3 * DAY, "/docs"), pv(3 * DAY + 1, "/docs"), pv(3 * DAY + 2, "/docs")] };
    expect(runHandwritten(log)[0]!.engagement).toBe(5);
    await allAgree(log);
  });

  it("missing fields never match a condition; email domains compare in lower case", async () => {
    expect(fitOf({ id: "x" })).toBeNull();
    expect(fitOf({ id: "y", email: "Someone@GMAIL.com" })).toBe(-10);
    expect(emailDomain("Someone@GMAIL.com")).toBe("gmail.com");
    expect(routeOf({ id: "z", role: "executive" })).toEqual({ rule: "otherwise", target: "queue unrouted" });
    const log: SimLog = {
      leads: [{ id: "x" }, { id: "y", email: "Someone@GMAIL.com", role: "executive", company_size: 2000 }, { id: "z", role: "executive", company_size: 1000, industry: "finance" }],
      events: [
        { lead: 1, at: 5, name: "demo_requested", payload: {} },
        { lead: 2, at: 6, name: "demo_requested", payload: {} },
        { lead: 0, at: 7, name: "demo_requested", payload: {} },
      ],
    };
    const hw = runHandwritten(log);
    expect(hw[1]).toEqual({ fit: 25, engagement: 40, stage: "sql", routedTo: "queue unrouted", routeRule: "otherwise" });
    expect(hw[2]!.routeRule).toBe("finance_enterprise");
    expect(hw[0]).toEqual({ fit: null, engagement: 40, stage: "new", routedTo: null, routeRule: null });
    await allAgree(log);
  });

  it("the JSON Lines form of the log replays to the same outcomes through runtime/bulk", async () => {
    const log = generateLog({ seed: 11, leads: 80, events: 3_000 });
    const lines = toJsonLines(log);
    expect(lines).toHaveLength(log.leads.length + log.events.length);
    expect(JSON.parse(lines[0]!)).toMatchObject({ type: "lead", lead: "lead-0", at: 0 });
    const bulk = await runBulk({ rulesText, lines, leads: log.leads, workers: 0, workerScript: "" });
    assertSameOutcomes("runtime/bulk", runHandwritten(log), bulk, log.leads, false);
  });

  it("the outcome check fails on a single difference", () => {
    const log = generateLog({ seed: 3, leads: 20, events: 500 });
    const a = runHandwritten(log);
    const b = a.map((o) => ({ ...o }));
    b[7] = { ...b[7]!, engagement: (b[7]!.engagement ?? 0) + 1 };
    expect(() => assertSameOutcomes("test", a, b, log.leads)).toThrow(/1 of 20 leads disagree; first: lead lead-7/);
  });

  it("the generated log is reproducible from its seed", () => {
    const a = generateLog({ seed: 5, leads: 10, events: 300 });
    const b = generateLog({ seed: 5, leads: 10, events: 300 });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(JSON.stringify(generateLog({ seed: 6, leads: 10, events: 300 }))).not.toBe(JSON.stringify(a));
  });
});
