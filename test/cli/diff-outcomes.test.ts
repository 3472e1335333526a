// `crmrules diff` compares every outcome, names the changed declaration behind each, and keeps a
// pull-request comment within GitHub's limit (issue 12 items 12-13, issue 19 item 5). Each case
// edits a copy of test/cli/fixtures/acme-v1 in a temporary folder.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { FIXTURES, run } from "./harness.js";
import { declarationsOf } from "../../cli/compare.js";
import { changedDeclarations } from "../../cli/outcomes.js";
import { checkFiles } from "../../cli/workspace.js";
import { crmSources } from "../support/files.js";

let dir: string;

/** A copy of acme-v1 named `name`, with `edits` applied as [file, from, to] text replacements. */
function variant(name: string, edits: [string, string, string][] = [], extra: Record<string, string> = {}): void {
  const to = path.join(dir, name);
  cpSync(path.join(FIXTURES, "acme-v1"), to, { recursive: true });
  for (const [file, from, repl] of edits) {
    const p = path.join(to, file);
    const text = readFileSync(p, "utf8");
    if (!text.includes(from)) throw new Error(`${file} has no ${from}`);
    writeFileSync(p, text.replace(from, repl));
  }
  for (const [file, text] of Object.entries(extra)) writeFileSync(path.join(to, file), text);
}

const US_JOURNEY = `import "../routing.crmrules"

journey "US marina manager without consent" {
  lead { email: "amy@marina.example", country: US, company_size: 300, role: director }
  day 1 webinar_attended { topic: "Radar basics" }
  day 2 page_view { url: "/pricing" }
  expect stage == mql
}
`;

const json = async (args: string[]) => {
  const r = await run(args, { cwd: dir });
  return { ...r, report: JSON.parse(r.stdout) };
};

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "crmrules-diff-"));
  variant("v1", [], { "journeys/us.crmrules": US_JOURNEY });
  variant("us-opt-in", [["routing.crmrules", "in [US]: opt_out", "in [US]: opt_in"]], { "journeys/us.crmrules": US_JOURNEY });
  variant("reworded", [["routing.crmrules", "rule nordics: when lead.country in nordics -> owner kari", "// Nordic leads go to Kari.\n  rule nordics:   when lead.country in nordics\n    -> owner kari"]]);
  variant("anna", [["routing.crmrules", "rule nordics: when lead.country in nordics -> owner kari", "rule nordics: when lead.country in nordics -> owner anna"]]);
  variant("escalate", [["routing.crmrules", "rule nordics: when lead.country in nordics -> owner kari", "rule nordics: when lead.country in nordics -> owner kari escalate after 2 hours to owner anna"]]);
  const grade = "\ngrade engagement_grade from engagement { A >= 30  B >= 20  C otherwise }\n";
  variant("g1", [["scoring.crmrules", "stage new initial", `stage new initial${grade}`]]);
  variant("g2", [
    ["scoring.crmrules", "stage new initial", `stage new initial${grade}`],
    ["scoring.crmrules", "rule webinar: +15 on webinar_attended", "rule webinar: +5 on webinar_attended"],
  ]);
  // A log with US leads: generated from the workspace, so its purposes and fields are acme-v1's.
  const g = await run(["generate", "v1", "--leads", "400", "--seed", "3", "--out", "log.jsonl"], { cwd: dir });
  expect(g.code).toBe(0);
});

describe("diff compares every outcome", () => {
  it("sees consent: a US clause from opt_out to opt_in blocks the sends, for journeys and over a log, because of that clause", async () => {
    const { report, code } = await json(["diff", "v1", "us-opt-in", "--events", "log.jsonl", "--format", "json"]);
    expect(code).toBe(0);
    const us = report.journeys.find((j: { name: string }) => j.name === "US marina manager without consent");
    expect(us.changes).toEqual([
      { what: "sent send_email", before: 'send_email("nurture-1")', after: "not sent", causes: ["email_marketing in [US]"] },
      { what: "blocked send_email (email_marketing in [US])", before: "not blocked", after: 'send_email("nurture-1")', causes: ["email_marketing in [US]"] },
    ]);
    expect(report.summary.changed).toBe(1);
    const log = report.log;
    expect(log.stageChanged).toBe(0);
    expect(log.ownerChanged).toBe(0);
    expect(log.changedLeads).toBeGreaterThan(0);
    const sent = log.totals.find((t: { what: string }) => t.what === "sent send_email");
    const blocked = log.totals.find((t: { what: string }) => t.what === "blocked send_email (email_marketing in [US])");
    expect(sent.before - sent.after).toBe(log.changedLeads);
    expect(blocked.after - blocked.before).toBe(log.changedLeads);
    expect(log.causes).toEqual([{ cause: "email_marketing in [US]", leads: log.changedLeads }]);
    const text = await run(["diff", "v1", "us-opt-in", "--events", "log.jsonl"], { cwd: dir });
    expect(text.stdout).toContain(`event log log.jsonl: ${log.changedLeads} of 400 leads change (0 change stage, 0 change owner)\n`);
    expect(text.stdout).toContain(`    sent send_email: ${sent.before} -> ${sent.after}\n`);
    const md = await run(["diff", "v1", "us-opt-in", "--events", "log.jsonl", "--format", "markdown"], { cwd: dir });
    expect(md.stdout).toContain(`| sent send_email | ${sent.before} | ${sent.after} |`);
    expect(md.stdout).toContain("| blocked send_email (email_marketing in [US]) | not blocked | send_email(\"nurture-1\") | `email_marketing in [US]` |");
  });

  it("names the changed routing rule, not a score rule, when only an owner changes", async () => {
    const { report } = await json(["diff", "v1", "anna", "--format", "json"]);
    const changed = report.journeys.filter((j: { changes: unknown[] }) => j.changes.length);
    expect(changed.map((j: { name: string }) => j.name)).toEqual(["Nordic CTO books a demo", "Danish director reads the pricing page"]);
    for (const j of changed) expect(j.changes).toEqual([{ what: "owner", before: "owner kari", after: "owner anna", causes: ["inbound.nordics"] }]);
    expect(report.summary.causes).toEqual([{ rule: "inbound.nordics", journeys: 2 }]);
  });

  it("does not count a comment or a layout change as a changed declaration", () => {
    const decls = (name: string) => {
      const root = path.join(dir, name);
      return declarationsOf(checkFiles(root, crmSources(root)));
    };
    expect([...changedDeclarations(decls("v1"), decls("reworded"))]).toEqual([]);
    expect([...changedDeclarations(decls("reworded"), decls("anna"))]).toEqual(["inbound.nordics"]);
    expect([...changedDeclarations(decls("v1"), decls("us-opt-in"))].sort()).toEqual(["email_marketing in [US]"]);
  });

  it("compares escalations", async () => {
    const { report } = await json(["diff", "v1", "escalate", "--format", "json"]);
    const cto = report.journeys.find((j: { name: string }) => j.name === "Nordic CTO books a demo");
    expect(cto.changes).toEqual([
      { what: "owner", before: "owner kari", after: "owner anna", causes: ["inbound.nordics"] },
      { what: "escalations", before: "none", after: "owner anna", causes: ["inbound.nordics"] },
    ]);
  });

  it("compares grades and names the thresholds a score crosses", async () => {
    const { report } = await json(["diff", "g1", "g2", "--format", "json"]);
    const danish = report.journeys.find((j: { name: string }) => j.name === "Danish director reads the pricing page");
    expect(danish.changes).toEqual([
      { what: "score engagement", before: "35", after: "25", crosses: [{ label: "engagement >= 30 (grade engagement_grade A)", up: false }], causes: ["engagement.webinar"] },
      { what: "grade engagement_grade", before: "A", after: "B", causes: ["engagement.webinar"] },
    ]);
    const text = await run(["diff", "g1", "g2"], { cwd: dir });
    expect(text.stdout).toContain("  score engagement: 25 -> 15; crosses engagement >= 20 (grade engagement_grade B) downward, engagement >= 25 (stage mql) downward\n    because of engagement.webinar\n");
  });
});

describe("the pull-request comment", () => {
  const many = (n: number) => {
    const out = ['import "../routing.crmrules"', ""];
    for (let i = 1; i <= n; i++)
      out.push(`journey "Webinar guest ${i}" {`, `  lead { email: "g${i}@werft.example", country: DE, company_size: 80, role: director }`, `  day 1 webinar_attended { topic: "Autopilots" }`, `  day 2 page_view { url: "/pricing" }`, "}", "");
    return out.join("\n");
  };

  beforeAll(() => {
    variant("big-v1", [], { "journeys/many.crmrules": many(650) });
    variant("big-v2", [["scoring.crmrules", "rule webinar: +15 on webinar_attended", "rule webinar: +5 on webinar_attended"]], { "journeys/many.crmrules": many(650) });
  });

  it("is cut below GitHub's comment limit: summary first, biggest changes next, a stated cut, and the full report in a file", async () => {
    const full = path.join(dir, "full.md");
    const r = await run(["diff", "big-v1", "big-v2", "--format", "markdown", "--out-full", full], { cwd: dir });
    expect(r.code).toBe(0);
    const md = r.stdout;
    expect(md.length).toBeLessThanOrEqual(65_000);
    expect(md.startsWith("## crmrules: what this change does to the journeys\n\nComparing `big-v1` (before) with `big-v2` (after): **655 of 655 journeys change**.")).toBe(true);
    const shown = [...md.matchAll(/^\| ([^|]+)<br><sub>/gm)].map((m) => m[1]!);
    expect(shown.length).toBeGreaterThan(10);
    expect(md).toContain(`> **Cut to fit a comment (65,000 characters): ${655 - shown.length} more changed journeys are not shown.** The full report is in \`${full}\`.`);
    // Biggest first: the journeys whose stage and owner change come before those whose score alone does.
    expect(shown[0]).toBe("German manager without consent");
    expect(shown).not.toContain("Student browses");
    // Every journey shown keeps its causes.
    for (const row of md.split("\n").filter((l) => l.includes("<br><sub>"))) expect(row).toMatch(/\| `engagement\.webinar` \|$/);
    const whole = readFileSync(full, "utf8");
    expect(whole.length).toBeGreaterThan(65_536);
    expect(whole).not.toContain("Cut to fit");
    expect([...whole.matchAll(/<br><sub>/g)]).toHaveLength(655);
    expect(whole.startsWith(md.slice(0, md.indexOf("| Journey |")))).toBe(true);
  });

  it("links each journey to its line, under --link-base when given", async () => {
    const rel = await run(["diff", "v1", "anna", "--format", "markdown"], { cwd: dir });
    expect(rel.stdout).toContain("Nordic CTO books a demo<br><sub>[journeys/journeys.crmrules:3](journeys/journeys.crmrules#L3)</sub>");
    const abs = await run(["diff", "v1", "anna", "--format", "markdown", "--link-base", "https://github.com/acme/rules/blob/4f2a9c1/rules/"], { cwd: dir });
    expect(abs.stdout).toContain("[journeys/journeys.crmrules:3](https://github.com/acme/rules/blob/4f2a9c1/rules/journeys/journeys.crmrules#L3)");
  });

  it("takes --max-chars and rejects a bad one or a bad --link-base", async () => {
    const r = await run(["diff", "big-v1", "big-v2", "--format", "markdown", "--max-chars", "20000"], { cwd: dir });
    expect(r.stdout.length).toBeLessThanOrEqual(20_000);
    expect(r.stdout).toContain("Run `crmrules diff` with `--out-full FILE` for the full report.");
    const bad = await run(["diff", "v1", "anna", "--max-chars", "many"], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe("crmrules: `--max-chars many` must be a whole number of 2000 or more\n");
    const link = await run(["diff", "v1", "anna", "--link-base", "rules/"], { cwd: dir });
    expect(link.code).toBe(2);
    expect(link.stderr).toBe("crmrules: `--link-base rules/` must be a URL such as https://github.com/OWNER/REPO/blob/SHA/rules\n");
  });
});
