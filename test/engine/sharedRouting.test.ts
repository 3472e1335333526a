/**
 * Teams shared across leads in bulk replay (docs/language.md §8 "Teams across leads"): the team
 * passes of core/engine/bulk/sharedReplay.ts against the plain all-leads-at-once replay of
 * test/engine/sharedOracle.ts, outcome for outcome and summary for summary, byte for byte, on
 * random logs whose caps bind, whose full teams fall back to another team and whose escalations
 * go to teams; and the five-lead example.
 */
import { describe, it, expect } from "vitest";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { crmSources } from "../support/files.js";
import { compileSpec, type RulesSpec } from "../../runtime/bulk/rules.js";
import { rng } from "../../runtime/bulk/generate.js";
import { addOutcome, emptySummary, parseRecord, replayLead, replayLeadsShared, sortSummary, assignRequests, type LeadOutcome, type LogRecord } from "../../core/engine/bulk/index.js";
import { replayAllAtOnce } from "./sharedOracle.js";
import { replayLog } from "../../runtime/bulk/replay.js";

const RULES = `
lead {
  email: email
  country: country
  company_size: number
}
event demo_requested
event page_view { url: text }

owner ava "ava@x.example"
owner ben "ben@x.example"
owner cat "cat@x.example"
owner dan "dan@x.example"
owner eve "eve@x.example"
queue overflow "Overflow"

team sdr round_robin {
  member ava
  member ben
  cap 2 per day
}

team backup round_robin {
  member cat weight 2
  member dan
  cap 1 per day
}

team seniors round_robin {
  member eve
  member ava weight 3
  cap 3 per 1 week
}

route intake on demo_requested {
  rule big: when lead.company_size >= 500 -> team seniors
    escalate after 2 hours to team sdr, after 1 day to team backup
  rule any: when lead.company_size >= 0 -> team sdr
    escalate after 3 hours to team backup
  otherwise -> team backup escalate after 1 day to queue overflow
}

route pricing on page_view where url starts_with "/pricing" {
  rule nordic: when lead.country in [NO, SE, DK] -> team backup
  otherwise -> team sdr
}
`;

const FIVE = `
lead { company_size: number }
event demo_requested
owner ava "ava@x.example"
owner ben "ben@x.example"
queue overflow "Overflow"
team sdr round_robin {
  member ava
  member ben
  cap 2 per day
}
route intake on demo_requested {
  rule any: when lead.company_size >= 0 -> team sdr
  otherwise -> queue overflow
}
`;

const RULES_SPEC = (): RulesSpec => specOf(RULES);

function specOf(text: string): RulesSpec {
  const uri = "/shared/rules.crmrules";
  return { root: "/shared", files: [{ uri, text }], fromUri: uri };
}

/** A random log: leads arriving over a few days (so caps bind), demo requests, pricing views, sales activity (which cancels escalations). */
function randomLog(seed: number, iso: boolean): string[] {
  const r = rng(seed);
  const n = 5 + Math.floor(r() * 40);
  const lines: string[] = [];
  const base = Date.UTC(2026, 0, 5);
  const at = (leadDay0: number, minutes: number): number | string => (iso ? new Date(base + (leadDay0 * 1440 + minutes) * 60000).toISOString() : Math.round(((leadDay0 * 1440 + minutes) / 1440) * 10000) / 10000);
  for (let i = 0; i < n; i++) {
    // Ids not in log order, so that the tie order (lead id) differs from the log's.
    const id = `L${String(Math.floor(r() * 1000)).padStart(3, "0")}-${i}`;
    const day0 = Math.floor(r() * 4);
    let t = Math.floor(r() * 1440);
    lines.push(JSON.stringify({ type: "lead", lead: id, at: at(day0, t), fields: { email: `x${i}@y.example`, country: ["NO", "DE", "US", "SE"][Math.floor(r() * 4)], company_size: Math.floor(r() * 1000) - 50 } }));
    const k = 1 + Math.floor(r() * 5);
    for (let j = 0; j < k; j++) {
      // Many records at the same minute across leads: ties are broken by lead id.
      t += r() < 0.3 ? 0 : Math.floor(r() * 600);
      const u = r();
      if (u < 0.45) lines.push(JSON.stringify({ type: "event", lead: id, at: at(day0, t), event: "demo_requested" }));
      else if (u < 0.8) lines.push(JSON.stringify({ type: "event", lead: id, at: at(day0, t), event: "page_view", payload: { url: r() < 0.7 ? "/pricing/x" : "/blog" } }));
      else lines.push(JSON.stringify({ type: "event", lead: id, at: at(day0, t), event: "sales_activity", payload: {} }));
    }
  }
  return lines;
}

function leadsOf(lines: string[]): { lead: string; records: LogRecord[] }[] {
  const out: { lead: string; records: LogRecord[] }[] = [];
  for (const l of lines) {
    const p = parseRecord(l);
    if (!p.ok) throw new Error(p.reason);
    if (out.at(-1)?.lead !== p.record.lead) out.push({ lead: p.record.lead, records: [] });
    out.at(-1)!.records.push(p.record);
  }
  return out;
}

const summaryOf = (os: LeadOutcome[]) => {
  const s = emptySummary();
  for (const o of os) addOutcome(s, o);
  return sortSummary(s);
};

describe("shared teams in bulk replay", () => {
  const rules = compileSpec(specOf(RULES));

  it("equals the all-leads-at-once replay on random logs (day offsets and ISO times)", () => {
    let passesAboveOne = 0;
    let overflows = 0;
    let replayed = 0;
    for (let seed = 1; seed <= 120; seed++) {
      const iso = seed % 2 === 0;
      const leads = leadsOf(randomLog(seed, iso));
      const want = replayAllAtOnce(rules, leads, seed % 3);
      const got = replayLeadsShared(rules, leads, seed % 3);
      expect(JSON.stringify(got.outcomes), `seed ${seed}`).toBe(JSON.stringify(want));
      expect(JSON.stringify(summaryOf(got.outcomes))).toBe(JSON.stringify(summaryOf(want)));
      if (got.passes > 1) passesAboveOne++;
      replayed += got.replayed;
      overflows += Object.keys(summaryOf(want).capOverflows).length;
    }
    // The logs exercise what makes the passes necessary: full teams, replays again, several passes.
    expect(overflows).toBeGreaterThan(20);
    expect(replayed).toBeGreaterThan(50);
    expect(passesAboveOne).toBeGreaterThan(20);
  });

  it("differs from replaying each lead on its own once caps bind (the oracle is not the per-lead replay)", () => {
    const leads = leadsOf(randomLog(7, false));
    const got = replayLeadsShared(rules, leads, 0).outcomes;
    const alone = leads.map((l) => replayAllAtOnce(rules, [l], 0)[0]!);
    expect(JSON.stringify(got)).not.toBe(JSON.stringify(alone));
  });

  it("five leads on one day, two members with cap 2 per day: 2, 2 and 1 to the overflow", () => {
    const five = compileSpec(specOf(FIVE));
    const lines = ["a", "b", "c", "d", "e"].flatMap((id, i) => [JSON.stringify({ type: "lead", lead: id, at: 0, fields: { company_size: 10 } }), JSON.stringify({ type: "event", lead: id, at: 0.1 + i / 100, event: "demo_requested" })]);
    const { outcomes } = replayLeadsShared(five, leadsOf(lines));
    expect(outcomes.map((o) => o.assignment)).toEqual(["team sdr (owner ava)", "team sdr (owner ben)", "team sdr (owner ava)", "team sdr (owner ben)", "queue overflow"]);
    const s = summaryOf(outcomes);
    expect(s.perMemberDay).toEqual({ "team sdr (owner ava)": { "day 0": 2 }, "team sdr (owner ben)": { "day 0": 2 } });
    expect(s.capOverflows).toEqual({ sdr: { "day 0": 1 } });
    expect(s.perAssignment).toEqual({ "queue overflow": 1, "team sdr (owner ava)": 2, "team sdr (owner ben)": 2 });
    // The same five at one minute: ties go by lead id, whatever the log's order.
    const same = ["e", "d", "c", "b", "a"].flatMap((id) => [JSON.stringify({ type: "lead", lead: id, at: 0, fields: { company_size: 10 } }), JSON.stringify({ type: "event", lead: id, at: 0.5, event: "demo_requested" })]);
    expect(replayLeadsShared(five, leadsOf(same)).outcomes.map((o) => [o.lead, o.assignment])).toEqual([
      ["e", "queue overflow"],
      ["d", "team sdr (owner ben)"],
      ["c", "team sdr (owner ava)"],
      ["b", "team sdr (owner ben)"],
      ["a", "team sdr (owner ava)"],
    ]);
  });

  it("examples/team-caps as a log gives what its journey expects: 2, 2, overflow 1, and the cap starts again the next day", async () => {
    const root = resolve("examples/team-caps");
    const spec: RulesSpec = { root, files: crmSources(root), fromUri: join(root, "rules.crmrules") };
    const leads: [string, string, string, number][] = [["ana", "ana@fjordline.example", "NO", 9 * 60], ["ben", "ben@skargard.example", "SE", 9 * 60 + 10], ["cai", "cai@havn.example", "DK", 9 * 60 + 20], ["dag", "dag@saimaa.example", "FI", 9 * 60 + 30], ["eva", "eva@nordkapp.example", "NO", 9 * 60 + 40], ["fay", "fay@gotland.example", "SE", 1440 + 8 * 60]];
    // In the log the leads come in another order than their times; the shared clock orders them.
    const lines = [...leads].reverse().flatMap(([id, email, country, t]) => [JSON.stringify({ type: "lead", lead: id, at: 0, fields: { email, country } }), JSON.stringify({ type: "event", lead: id, at: t / 1440, event: "form_submitted", payload: { source: "web" } })]);
    const got: LeadOutcome[] = [];
    const res = await replayLog({ rules: spec, input: lines, workers: 0, onOutcome: (o) => got.push(o) });
    expect(Object.fromEntries(got.map((o) => [o.lead, o.assignment]))).toEqual({ ana: "team sdr (owner sofia)", ben: "team sdr (owner lars)", cai: "team sdr (owner sofia)", dag: "team sdr (owner lars)", eva: "queue overflow", fay: "team sdr (owner sofia)" });
    expect(res.summary.perMemberDay).toEqual({ "team sdr (owner lars)": { "day 0": 2 }, "team sdr (owner sofia)": { "day 0": 2, "day 1": 1 } });
    expect(res.summary.capOverflows).toEqual({ sdr: { "day 0": 1 } });
  });

  it("cuts ISO periods at UTC midnight on the shared clock, whatever each lead's first day", () => {
    const five = compileSpec(specOf(FIVE));
    // Three leads first seen on different days, all asking on 2026-01-07 (one UTC day), then one on the 8th.
    const rec = (id: string, first: string, ask: string) => [JSON.stringify({ type: "lead", lead: id, at: first, fields: { company_size: 1 } }), JSON.stringify({ type: "event", lead: id, at: ask, event: "demo_requested" })];
    const lines = [...rec("p", "2026-01-01", "2026-01-07T08:00Z"), ...rec("q", "2026-01-06T23:00Z", "2026-01-07T09:00Z"), ...rec("r", "2026-01-07", "2026-01-07T10:00Z"), ...rec("s", "2026-01-03", "2026-01-07T23:59:00+00:00"), ...rec("t", "2026-01-03", "2026-01-08T00:00Z")];
    const { outcomes } = replayLeadsShared(five, leadsOf(lines));
    expect(outcomes.map((o) => o.assignment)).toEqual(["team sdr (owner ava)", "team sdr (owner ben)", "team sdr (owner ava)", "team sdr (owner ben)", "team sdr (owner ava)"]);
    expect(summaryOf(outcomes).perMemberDay).toEqual({ "team sdr (owner ava)": { "2026-01-07": 2, "2026-01-08": 1 }, "team sdr (owner ben)": { "2026-01-07": 2 } });
  });

  it("the team pass answers requests in time, lead id, own order, whatever order they are given in", () => {
    const five = compileSpec(specOf(FIVE));
    const reqs = [
      // c at 5: ava; then at 10: a (its 0, then its 1): ben, ava; b: ben; d at 11: everyone at the cap.
      { lead: "b", seq: 0, team: "sdr", at: 10 },
      { lead: "a", seq: 1, team: "sdr", at: 10 },
      { lead: "a", seq: 0, team: "sdr", at: 10 },
      { lead: "c", seq: 0, team: "sdr", at: 5 },
      { lead: "d", seq: 0, team: "sdr", at: 11 },
    ];
    expect(assignRequests(five.teams, 0, reqs).map((a) => a.member)).toEqual(["ben", "ava", "ben", "ava", null]);
  });

  it("replayLog, in this thread and on 2 workers, gives the oracle's outcomes and summary", async () => {
    for (const seed of [3, 4, 11, 12]) {
      const lines = randomLog(seed, seed % 2 === 0);
      const want = replayAllAtOnce(rules, leadsOf(lines), 1);
      for (const workers of [0, 2]) {
        const got: LeadOutcome[] = [];
        const res = await replayLog({ rules: RULES_SPEC(), input: lines, workers, seed: 1, batchSize: 3, onOutcome: (o) => got.push(o) });
        expect(JSON.stringify(got), `seed ${seed}, ${workers} workers`).toBe(JSON.stringify(want));
        expect(JSON.stringify(res.summary)).toBe(JSON.stringify(summaryOf(want)));
        expect(res.teams!.passes).toBeGreaterThanOrEqual(1);
      }
    }
  });

  it("replayLog of a file on workers reading their own parts gives the oracle's outcomes and summary", async () => {
    const dir = mkdtempSync(join(tmpdir(), "crmrules-shared-"));
    try {
      for (const seed of [5, 6]) {
        const lines = randomLog(seed, seed % 2 === 0);
        const file = join(dir, `log-${seed}.jsonl`);
        writeFileSync(file, lines.join("\n") + "\n");
        const want = replayAllAtOnce(rules, leadsOf(lines), 2);
        for (const partBytes of [300, 5000]) {
          const got: LeadOutcome[] = [];
          const res = await replayLog({ rules: RULES_SPEC(), file, workers: 2, seed: 2, partBytes, onOutcome: (o) => got.push(o) });
          expect(res.shape.mode).toBe("parts");
          expect(JSON.stringify(got), `seed ${seed}, parts of ${partBytes} bytes`).toBe(JSON.stringify(want));
          expect(JSON.stringify(res.summary)).toBe(JSON.stringify(summaryOf(want)));
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("keeps the provisional outcomes and records in a temporary folder that is gone after the replay, even a failed one", async () => {
    const dir = mkdtempSync(join(tmpdir(), "crmrules-shared-tmp-"));
    const before = process.env["TMPDIR"];
    process.env["TMPDIR"] = dir;
    try {
      const lines = randomLog(9, false);
      const got: LeadOutcome[] = [];
      let during = -1;
      await replayLog({ rules: RULES_SPEC(), input: lines, workers: 0, onOutcome: (o) => { got.push(o); during = readdirSync(dir).length; } });
      // The folder was there while the outcomes were read back.
      expect(during).toBe(1);
      expect(JSON.stringify(got)).toBe(JSON.stringify(replayAllAtOnce(rules, leadsOf(lines), 0)));
      expect(readdirSync(dir)).toEqual([]);
      const failing = replayLog({ rules: RULES_SPEC(), input: lines, workers: 0, onOutcome: () => { throw new Error("stop"); } });
      await expect(failing).rejects.toThrow("stop");
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      if (before === undefined) delete process.env["TMPDIR"];
      else process.env["TMPDIR"] = before;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("replayLog with routing per-lead replays each lead on its own", async () => {
    const lines = randomLog(7, false);
    const got: LeadOutcome[] = [];
    const res = await replayLog({ rules: RULES_SPEC(), input: lines, workers: 0, routing: "per-lead", onOutcome: (o) => got.push(o) });
    expect(res.teams).toBeNull();
    expect(got).toEqual(leadsOf(lines).map((l) => replayLead(rules, l.lead, l.records)));
  });
});
