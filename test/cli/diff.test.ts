import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { FIXTURES, REPO, golden, run } from "./harness.js";

// acme-v2 differs from acme-v1 in two ways: Danish leads are routed to `ben` by a new
// rule `inbound.denmark` (routing change), and a webinar is worth 5 points instead of 15
// (scoring change), which leaves some journeys below the MQL threshold (engagement >= 25).

describe("crmrules diff", () => {
  it("compares two folders: a routing change moves a journey to another owner, a scoring change moves journeys across the MQL threshold", async () => {
    const r = await run(["diff", "acme-v1", "acme-v2", "--format", "json"]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    const byName = new Map(j.journeys.map((x: { name: string }) => [x.name, x]));
    const danish: any = byName.get("Danish director reads the pricing page");
    expect(danish.before.owner).toBe("owner kari");
    expect(danish.after.owner).toBe("owner ben");
    expect(danish.causes).toEqual(["engagement.webinar", "inbound.denmark"]);
    // Each changed outcome names its own cause: the new rule moves the owner, the webinar's points the score.
    expect(danish.changes.map((c: any) => [c.what, c.causes])).toEqual([
      ["owner", ["inbound.denmark"]],
      ["score engagement", ["engagement.webinar"]],
    ]);
    const german: any = byName.get("German manager without consent");
    expect([german.before.stage, german.after.stage]).toEqual(["mql", "new"]);
    expect(german.changes.find((c: any) => c.what === "blocked send_email (email_marketing in dach)")).toEqual({ what: "blocked send_email (email_marketing in dach)", before: 'send_email("nurture-1")', after: "not blocked", causes: ["engagement.webinar"] });
    expect(german.changes.find((c: any) => c.what === "score engagement").crosses).toEqual([{ label: "engagement >= 25 (stage mql)", up: false }]);
    expect(j.summary.stageChanges).toEqual([{ from: "mql", to: "new", count: 2 }]);
    expect(j.summary.ownerChanges).toEqual([
      { from: "owner anna", to: "not routed", count: 2 },
      { from: "owner kari", to: "owner ben", count: 1 },
    ]);
    expect(j.summary.causes).toEqual([
      { rule: "engagement.webinar", journeys: 5 },
      { rule: "inbound.denmark", journeys: 1 },
    ]);
    golden("diff/folders.json", r.stdout);
  });

  it("writes text and a markdown pull-request comment", async () => {
    const t = await run(["diff", "acme-v1", "acme-v2"]);
    expect(t.code).toBe(0);
    expect(t.stdout).toContain("  owner: owner kari -> owner ben\n    because of inbound.denmark\n");
    golden("diff/folders.txt", t.stdout);
    const m = await run(["diff", "acme-v1", "acme-v2", "--format", "markdown"]);
    expect(m.code).toBe(0);
    expect(m.stdout).toContain("| stage `mql` → `new` | 2 |");
    expect(m.stdout).toContain("| owner kari → owner ben | 1 |");
    golden("diff/folders.md", m.stdout);
  });

  it("reports no change between a folder and itself, and --fail-on-change", async () => {
    const same = await run(["diff", "acme-v1", "acme-v1", "--fail-on-change"]);
    expect(same.code).toBe(0);
    expect(same.stdout).toContain("0 of 5 journeys change");
    const changed = await run(["diff", "acme-v1", "acme-v2", "--fail-on-change"]);
    expect(changed.code).toBe(1);
  });

  it("matches journeys by file and name: a folder with a journey name given twice is unchanged against itself", async () => {
    const r = await run(["diff", path.join(REPO, "examples/diagnostics"), path.join(REPO, "examples/diagnostics")]);
    // 6 one-lead journeys, and the journey of CR3043–CR3045 with two leads (ana, bea), each compared on its own.
    expect(r.stdout).toContain("0 of 8 journeys change");
    expect(r.stdout).not.toContain("Showcase lead");
  });

  describe("git revisions", () => {
    let repo: string;
    beforeAll(() => {
      repo = mkdtempSync(path.join(tmpdir(), "crmrules-git-"));
      const git = (...args: string[]) => execFileSync("git", args, { cwd: repo, stdio: "pipe" });
      git("init", "-q", "-b", "main");
      git("config", "user.email", "test@example.com");
      git("config", "user.name", "test");
      cpSync(path.join(FIXTURES, "acme-v1"), path.join(repo, "rules"), { recursive: true });
      git("add", ".");
      git("commit", "-q", "-m", "v1");
      git("tag", "v1");
      rmSync(path.join(repo, "rules"), { recursive: true });
      cpSync(path.join(FIXTURES, "acme-v2"), path.join(repo, "rules"), { recursive: true });
      git("add", ".");
      git("commit", "-q", "-m", "v2");
    });

    it("reads two revisions from git without a checkout, with the same result as the folders", async () => {
      const folders = JSON.parse((await run(["diff", "acme-v1", "acme-v2", "--format", "json"])).stdout);
      const r = await run(["diff", "v1", "HEAD", "-C", "rules", "--format", "json"], { cwd: repo });
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      const revs = JSON.parse(r.stdout);
      expect(revs.base).toBe("v1");
      expect(revs.head).toBe("HEAD");
      expect(revs.journeys).toEqual(folders.journeys);
      expect(revs.summary).toEqual(folders.summary);
      expect(execFileSync("git", ["status", "--porcelain"], { cwd: repo }).toString()).toBe("");
    });

    it("compares a revision with the working folder", async () => {
      const r = await run(["diff", "HEAD~1", "--format", "json"], { cwd: path.join(repo, "rules") });
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).summary.changed).toBe(5);
    });

    it("names a revision that does not exist, exit code 2", async () => {
      const r = await run(["diff", "no-such-branch", "HEAD", "-C", "rules"], { cwd: repo });
      expect(r.code).toBe(2);
      expect(r.stderr).toBe("crmrules: `no-such-branch` is not a folder and not a git revision of this repository\n");
    });

    it("says when the folder is not in a git repository", async () => {
      const dir = mkdtempSync(path.join(tmpdir(), "crmrules-nogit-"));
      const r = await run(["diff", "main"], { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^crmrules: `.*` is not inside a git repository, so `main` cannot be read\n$/);
    });
  });
});
