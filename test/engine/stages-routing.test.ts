/** Stages (forward-only, detours, reenter, fixpoint), routing (first match, round robin, caps, seeds), escalations. */
import { describe, it, expect } from "vitest";
import { compileText } from "./helpers.js";
import { runJourney, RoutingPool, type RouteEntry, type StageEntry } from "../../core/engine/index.js";

const SCHEMA = `
lead { email: email  country: country  size: number }
event demo {}
event webinar {}
event bad {}
event form { kind: text }
`;

function journey(rules: string, steps: string, lead = `{ size: 10, country: NO }`, seed = "") {
  const c = compileText(`${SCHEMA}\n${rules}\njourney "j" {\n lead ${lead}\n ${seed}\n ${steps}\n}\n`);
  return runJourney(c, c.journeys[0]!.journey);
}
const stages = (r: ReturnType<typeof journey>) => r.trace.filter((e): e is StageEntry => e.kind === "stage").map((e) => `${e.to}:${e.how}`);

const STAGES = `
score eng { rule d: +40 on demo  rule w: +10 on webinar  rule b: -100 on bad }
stage new initial
stage mql when eng >= 40
stage sql when stage == mql and demo within 14 days
stage customer when eng >= 1000
stage recycled detour when eng < 0
reenter mql from recycled after 90 days
`;

describe("stages", () => {
  it("moves to the furthest eligible stage in one event (fixpoint)", () => {
    const r = journey(STAGES, `day 1 demo\n expect stage == sql`);
    expect(r.passed).toBe(true);
    expect(stages(r)).toEqual(["new:initial", "mql:forward", "sql:forward"]);
  });

  it("is forward-only: a falling score never moves the lead back", () => {
    const r = journey(`score eng { rule d: +40 on demo  rule w: -30 on webinar }\nstage new initial\nstage mql when eng >= 40`, `day 1 demo\n day 2 webinar\n expect stage == mql\n expect score eng == 10`);
    expect(r.passed).toBe(true);
  });

  it("a detour can be entered from any stage, and left only by reenter after its period", () => {
    const r = journey(STAGES, `day 1 demo\n day 2 bad\n expect stage == recycled\n day 3 demo\n day 4 demo\n day 5 demo\n day 50 expect stage == recycled\n day 92 expect stage == mql`);
    expect(r.expectations.map((x) => x.pass)).toEqual([true, true, true]);
    expect(stages(r)).toEqual(["new:initial", "mql:forward", "sql:forward", "recycled:detour", "mql:reenter"]);
  });

  it("reenter needs the target stage's condition too", () => {
    const r = journey(STAGES, `day 1 demo\n day 2 bad\n day 200 expect stage == recycled`);
    expect(r.passed).toBe(true);
  });

  it("stage comparisons in expectations use declaration order", () => {
    const r = journey(STAGES, `day 1 demo\n expect stage >= mql\n expect stage < customer\n expect stage != new`);
    expect(r.passed).toBe(true);
  });
});

const ROUTING = `
score eng { rule d: +40 on demo }
stage new initial
stage mql when eng >= 40
owner kari "k@x"
owner anna "a@x"
owner ben "b@x"
owner mia "m@x"
queue unrouted "Unrouted"
territory nordics = [NO, SE]
territory dach = [DE, AT]
team sdr round_robin { member anna weight 2  member ben  cap 1 per day }
`;

describe("routing", () => {
  it("first matching rule wins, in written order", () => {
    const r = journey(`${ROUTING}\nroute inbound on stage mql {\n rule big: when lead.size >= 1000 -> owner kari\n rule nordic: when lead.country in nordics -> owner mia\n otherwise -> queue unrouted\n}`, `day 1 demo\n expect routed to owner mia`, `{ size: 5000, country: NO }`);
    expect(r.expectations[0]!.pass).toBe(false);
    expect(r.expectations[0]!.actual).toBe("owner kari by inbound.big");
    const r2 = journey(`${ROUTING}\nroute inbound on stage mql {\n rule big: when lead.size >= 1000 -> owner kari\n rule nordic: when lead.country in nordics + dach -> owner mia\n otherwise -> queue unrouted\n}`, `day 1 demo\n expect routed to owner mia`, `{ size: 5, country: AT }`);
    expect(r2.passed).toBe(true);
  });

  it("no match and no otherwise leaves the lead unrouted, and the trace says so", () => {
    const r = journey(`${ROUTING}\nroute inbound on stage mql {\n rule big: when lead.size >= 1000 -> owner kari\n}`, `day 1 demo\n expect not routed`);
    expect(r.passed).toBe(true);
    const e = r.trace.find((x): x is RouteEntry => x.kind === "route")!;
    expect(e.reason).toContain("stays unrouted");
  });

  it("a route runs once per lead (first trigger)", () => {
    const r = journey(`${ROUTING}\nroute inbound on form {\n otherwise -> owner kari\n}`, `day 1 form { kind: "a" }\n day 2 form { kind: "b" }`);
    expect(r.trace.filter((e) => e.kind === "route")).toHaveLength(1);
  });

  it("weighted round robin is smooth (anna 2 : ben 1) and deterministic for a seed", () => {
    const team = { name: "t", members: [{ owner: "anna", weight: 2 }, { owner: "ben", weight: 1 }], cap: null };
    const picks = (seed: number) => {
      const p = new RoutingPool(seed);
      return Array.from({ length: 6 }, (_, i) => p.pick(team, i).member);
    };
    expect(picks(0)).toEqual(["anna", "ben", "anna", "anna", "ben", "anna"]);
    expect(picks(0)).toEqual(picks(0));
    expect(picks(1)).toEqual(["ben", "anna", "anna", "ben", "anna", "anna"]);
    expect(picks(3)).toEqual(picks(0));
    const counts = picks(7).reduce<Record<string, number>>((a, m) => ((a[m!] = (a[m!] ?? 0) + 1), a), {});
    expect(counts).toEqual({ anna: 4, ben: 2 });
  });

  it("the journey seed picks the starting member", () => {
    const rules = `${ROUTING}\nroute inbound on stage mql {\n otherwise -> team sdr\n}`;
    expect(journey(rules, `day 1 demo\n expect routed to owner anna`, undefined, "seed 0").passed).toBe(true);
    expect(journey(rules, `day 1 demo\n expect routed to owner ben`, undefined, "seed 1").passed).toBe(true);
    expect(journey(rules, `day 1 demo\n expect routed to team sdr`, undefined, "seed 1").passed).toBe(true);
  });

  it("members at their daily cap are skipped; all at cap falls to the route's otherwise", () => {
    const team = { name: "t", members: [{ owner: "anna", weight: 2 }, { owner: "ben", weight: 1 }], cap: { count: 1, per: 1440 } };
    const p = new RoutingPool(0);
    expect(p.pick(team, 0)).toEqual({ member: "anna", skipped: [] });
    expect(p.pick(team, 10)).toEqual({ member: "ben", skipped: ["anna"] });
    expect(p.pick(team, 20)).toEqual({ member: null, skipped: ["anna", "ben"] });
    expect(p.pick(team, 1440).member).not.toBeNull();
    const rules = `${ROUTING}\nroute a on stage mql {\n rule r: when eng >= 0 -> team sdr\n otherwise -> queue unrouted\n}\nroute b on demo {\n rule r: when eng >= 0 -> team sdr\n otherwise -> queue unrouted\n}\nroute c on webinar {\n rule r: when eng >= 0 -> team sdr\n otherwise -> queue unrouted\n}`;
    const r = journey(rules, `day 1 demo\n day 1 webinar\n expect routed to queue unrouted`);
    expect(r.passed).toBe(true);
    const routes = r.trace.filter((e): e is RouteEntry => e.kind === "route");
    expect(routes.map((e) => e.target?.member ?? e.target?.name)).toEqual(["anna", "ben", "unrouted"]);
    expect(routes[2]!.reason).toContain("every member of team `sdr` is at the cap");
  });
});

describe("round robin with caps (issue 12.3)", () => {
  const equal = (cap: { count: number; per: number } | null) => ({ name: "t", members: [{ owner: "ava", weight: 1 }, { owner: "ben", weight: 1 }], cap });
  const picks = (cap: { count: number; per: number } | null, times: number[]) => {
    const p = new RoutingPool(0);
    return times.map((t) => p.pick(equal(cap), t).member);
  };
  it("a cap that does not bind leaves the order unchanged", () => {
    const times = [23 * 60, 23 * 60 + 30, 1440];
    expect(picks(null, times)).toEqual(["ava", "ben", "ava"]);
    expect(picks({ count: 1, per: 1440 }, times)).toEqual(["ava", "ben", "ava"]);
  });
  it("a member at its cap loses its turn and does not catch up later", () => {
    // ava 2 : ben 1 gives ava, ben, ava, ava, ben, ava … without a cap; with ava capped at 1 per day her turns pass to ben.
    const team = { name: "t", members: [{ owner: "ava", weight: 2 }, { owner: "ben", weight: 1 }], cap: { count: 1, per: 1440 } };
    const p = new RoutingPool(0);
    const day0 = [0, 1, 2, 3].map((t) => p.pick(team, t).member);
    expect(day0).toEqual(["ava", "ben", null, null]);
    // day 1 continues the uncapped order from where it stands (the 3rd pick of the cycle), not with a run of catch-up picks for ava
    const q = new RoutingPool(0);
    const unc = { ...team, cap: null };
    const order = Array.from({ length: 6 }, (_, i) => q.pick(unc, i).member);
    expect(order).toEqual(["ava", "ben", "ava", "ava", "ben", "ava"]);
    expect([1440, 1441].map((t) => p.pick(team, t).member)).toEqual(["ava", "ben"]);
  });
  it("skipping a capped member passes its turn to the next one in the uncapped order", () => {
    const team = { name: "t", members: [{ owner: "ava", weight: 1 }, { owner: "ben", weight: 1 }, { owner: "cy", weight: 1 }], cap: { count: 1, per: 1440 } };
    const p = new RoutingPool(0);
    expect(p.pick(team, 0)).toEqual({ member: "ava", skipped: [] });
    expect(p.pick(team, 1)).toEqual({ member: "ben", skipped: ["ava"] });
    // day 1: the next turn in the uncapped order is cy's
    expect(p.pick(team, 1440)).toEqual({ member: "cy", skipped: [] });
    expect(p.pick(team, 1441)).toEqual({ member: "ava", skipped: ["cy"] });
  });
});

describe("escalations", () => {
  const rules = `${ROUTING}\nevent sales_touch {}\nroute inbound on stage mql {\n rule big: when lead.size >= 0 -> owner kari escalate after 2 hours to owner mia, after 24 hours to queue unrouted\n}`;
  it("fire in order when no sales activity happens", () => {
    const r = journey(rules, `day 1 demo\n day 1 at 03:00 expect escalated to owner mia\n expect escalated to queue unrouted\n day 2 at 01:00 expect escalated to queue unrouted`);
    expect(r.expectations.map((x) => x.pass)).toEqual([true, false, true]);
  });
  it("are cancelled by a sales activity before they are due", () => {
    const r = journey(rules, `day 1 demo\n day 1 at 01:00 sales_activity { kind: "call" }\n day 5 expect routed to owner kari`);
    expect(r.passed).toBe(true);
    expect(r.final.escalations).toEqual([]);
    expect(r.trace.filter((e) => e.kind === "escalation" && e.status === "cancelled")).toHaveLength(2);
  });
  it("a sales activity at the minute an escalation falls due cancels only the later ones, naming their targets (issue 12.5)", () => {
    const r = journey(rules, `day 1 demo\n day 1 at 02:00 sales_activity { kind: "call" }\n day 5 expect escalated to owner mia\n expect escalated to queue unrouted`);
    expect(r.expectations.map((x) => x.pass)).toEqual([true, false]);
    const esc = r.trace.filter((e) => e.kind === "escalation");
    expect(esc.map((e) => e.kind === "escalation" && `${e.time} ${e.status} ${e.target?.kind} ${e.target?.name}`)).toEqual([
      "day 1 scheduled owner mia",
      "day 1 scheduled queue unrouted",
      "day 1 at 02:00 escalated owner mia",
      "day 1 at 02:00 cancelled queue unrouted",
    ]);
    expect(esc[0]!.kind === "escalation" && esc[0]!.reason).toBe("unless a sales activity happens before day 1 at 02:00");
  });
  it("a sales activity after the first escalation cancels only the rest", () => {
    const r = journey(rules, `day 1 demo\n day 1 at 03:00 sales_activity { kind: "call" }\n day 5 expect escalated to owner mia\n expect escalated to queue unrouted`);
    expect(r.expectations.map((x) => x.pass)).toEqual([true, false]);
    expect(r.final.escalations.map((t) => t.name)).toEqual(["mia"]);
  });
});
