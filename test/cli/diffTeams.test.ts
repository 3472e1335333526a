/**
 * `crmrules diff --events` with teams shared across leads (docs/language.md §8 "Teams across
 * leads"): raising a cap moves the overflow to a rep, and the markdown for pull requests shows
 * each rep's load before and after. Replaying each lead on its own, no lead would ever find the
 * team full, and nothing would change.
 */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { run } from "./harness.js";

const rules = (cap: number) => `lead { company_size: number }
event demo_requested
owner ava "ava@x.example"
owner ben "ben@x.example"
queue overflow "Overflow"
team sdr round_robin {
  member ava
  member ben
  cap ${cap} per day
}
route intake on demo_requested {
  rule any: when lead.company_size >= 0 -> team sdr
  otherwise -> queue overflow
}
`;

describe("crmrules diff --events with shared teams", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "crmrules-diff-teams-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  for (const [name, cap] of [["before", 2], ["after", 3]] as const) {
    mkdirSync(path.join(dir, name));
    writeFileSync(path.join(dir, name, "rules.crmrules"), rules(cap));
  }
  const log = path.join(dir, "log.jsonl");
  writeFileSync(log, ["a", "b", "c", "d", "e"].flatMap((id, i) => [JSON.stringify({ type: "lead", lead: id, at: 0, fields: { company_size: 10 } }), JSON.stringify({ type: "event", lead: id, at: 0.1 + i / 100, event: "demo_requested" })]).join("\n") + "\n");

  it("shows each rep's load before and after a cap change, and the lead that leaves the overflow", async () => {
    const r = await run(["diff", path.join(dir, "before"), path.join(dir, "after"), "--events", log, "--format", "markdown"]);
    expect(r.stdout).toContain("**1 of 5 leads change (0 change stage, 1 change owner)**");
    expect(r.stdout).toContain("| leads assigned to queue overflow | 1 | 0 |");
    expect(r.stdout).toContain("| leads assigned to team sdr (owner ava) | 2 | 3 |");
    expect(r.stdout).toContain("| queue overflow → team sdr (owner ava) | 1 |");
    expect(r.stdout).not.toContain("owner ben) | 2 |");
  });
});
