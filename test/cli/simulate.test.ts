import { describe, expect, it } from "vitest";
import { golden, run } from "./harness.js";

describe("crmrules simulate", () => {
  it("prints the trace of a journey named in part, with source locations", async () => {
    const r = await run(["simulate", "danish", "acme-v1"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("  route inbound: nordics -> owner kari (entered mql: first matching rule) [lead.country = \"DK\"]  acme-v1/routing.crmrules:8:3");
    golden("simulate/danish.txt", r.stdout);
  });

  it("answers --why score, route and action", async () => {
    const s = await run(["simulate", "danish", "acme-v1", "--why", "score", "engagement"]);
    expect(s.code).toBe(0);
    expect(s.stdout).toContain("`engagement` is 35 at day 3: pricing +10, pricing +10, webinar +15");
    const ro = await run(["simulate", "danish", "acme-v2", "--why", "route"]);
    expect(ro.stdout).toContain("route `inbound` sent the lead to owner ben by denmark on day 3");
    const a = await run(["simulate", "german", "acme-v1", "--why", "action", "send_email"]);
    expect(a.stdout).toContain("blocked on day 2: double_opt_in: no double opt-in consent was given");
    golden("simulate/why-action.txt", a.stdout);
  });

  it("writes the trace as JSON", async () => {
    const r = await run(["simulate", "Nordic CTO books a demo", "acme-v1", "--format", "json"]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.journey).toBe("Nordic CTO books a demo");
    expect(j.final.stage).toBe("sql");
    expect(j.trace[0].kind).toBe("start");
  });

  it("replays every journey of a file", async () => {
    const r = await run(["simulate", "acme-v1/journeys/journeys.crmrules", "acme-v1", "--format", "json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toHaveLength(5);
  });

  describe("bad input (exit code 2)", () => {
    it("suggests the closest journey name", async () => {
      const r = await run(["simulate", "Nordc CTO books a demo", "acme-v1"]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe('crmrules: there is no journey named `Nordc CTO books a demo`; did you mean "Nordic CTO books a demo"?\n');
      const word = await run(["simulate", "danihs", "acme-v1"]);
      expect(word.stderr).toBe('crmrules: there is no journey named `danihs`; did you mean "Danish director reads the pricing page"?\n');
    });

    it("lists the journeys an ambiguous name matches", async () => {
      const r = await run(["simulate", "s", "acme-v1"]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^crmrules: `s` matches 5 journeys: /);
    });

    it("rejects a malformed --why and an unknown score", async () => {
      const w = await run(["simulate", "danish", "acme-v1", "--why", "owner"]);
      expect(w.code).toBe(2);
      expect(w.stderr).toBe("crmrules: `--why` takes `score NAME`, `route` or `action NAME`, not `owner`\n");
      const s = await run(["simulate", "danish", "acme-v1", "--why", "score", "engagment"]);
      expect(s.code).toBe(2);
      expect(s.stderr).toBe("crmrules: there is no score named `engagment`; did you mean `engagement`?\n");
    });

    it("names a journey file that does not exist", async () => {
      const r = await run(["simulate", "nope.crmrules", "acme-v1"]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe("crmrules: `nope.crmrules` does not exist\n");
    });
  });
});
