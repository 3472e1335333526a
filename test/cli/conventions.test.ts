/** Input and output conventions of eslint and prettier (issue 17, item 6): `check -`, `--stdin-filepath`, globs, `--quiet`, `fmt --diff`, `test --format markdown`. */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { FIXTURES, run } from "./harness.js";

function workspace(): string {
  const d = mkdtempSync(path.join(tmpdir(), "crmrules-conv-"));
  cpSync(path.join(FIXTURES, "acme-v1"), path.join(d, "rules"), { recursive: true });
  return d;
}

describe("standard input", () => {
  it("`check -` checks the text of standard input as the file --stdin-filepath names, its imports resolved from there", async () => {
    const d = workspace();
    const r = await run(["check", "-", "--stdin-filepath", "rules/extra.crmrules"], { cwd: d, input: 'import "./scoring.crmrules"\nstage late when fitt >= 2\n' });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("error[CR2001]: no score, grade, set or event named `fitt`; did you mean `fit`?\n --> rules/extra.crmrules:2:17");
    expect(r.stdout).toContain("1 error in 1 file");
    // The text stands for the file on disk (an editor's unsaved buffer): the disk's version is not read.
    const onDisk = await run(["check", "-", "--stdin-filepath", "rules/routing.crmrules", "--format", "json"], { cwd: d, input: readFileSync(path.join(d, "rules/routing.crmrules"), "utf8") + "\nowner kari\n" });
    const j = JSON.parse(onDisk.stdout);
    expect(j.files).toEqual(["rules/routing.crmrules"]);
    expect(j.diagnostics.map((x: { code: string }) => x.code)).toContain("CR2002");
    const clean = await run(["check", "-", "--stdin-filepath", "rules/routing.crmrules"], { cwd: d, input: readFileSync(path.join(d, "rules/routing.crmrules")) });
    expect(clean.code).toBe(0);
    const bin = await run(["check", "-"], { cwd: d, input: Buffer.from([0, 1, 2]) });
    expect(bin.code).toBe(2);
    expect(bin.stderr).toBe("crmrules: standard input is not a text file (it contains binary data)\n");
    expect((await run(["check", "--stdin-filepath", "a.crmrules"], { cwd: d })).stderr).toContain("give `-` as a path too");
  });

  it("`fmt --stdin-filepath` formats standard input; `fmt --diff` prints a patch and exits with 1, changing nothing", async () => {
    const d = workspace();
    const f = await run(["fmt", "--stdin-filepath", "rules/x.crmrules"], { cwd: d, input: "stage   x when fit>=2\n" });
    expect(f.stdout).toBe("stage x when fit >= 2\n");
    writeFileSync(path.join(d, "rules/ugly.crmrules"), "stage   x when fit>=2\n");
    const diff = await run(["fmt", "--diff"], { cwd: d });
    expect(diff.code).toBe(1);
    expect(diff.stdout).toBe("--- a/rules/ugly.crmrules\n+++ b/rules/ugly.crmrules\n@@ -1,1 +1,1 @@\n-stage   x when fit>=2\n+stage x when fit >= 2\n");
    expect(readFileSync(path.join(d, "rules/ugly.crmrules"), "utf8")).toBe("stage   x when fit>=2\n");
    const sd = await run(["fmt", "--diff", "--stdin-filepath", "rules/y.crmrules"], { cwd: d, input: "stage x when fit >= 2\n" });
    expect(sd.code).toBe(0);
    expect(sd.stdout).toBe("");
  });
});

describe("globs", () => {
  it("a quoted glob is expanded by crmrules, with discovery's rules (hidden and skipped folders left out)", async () => {
    const d = workspace();
    writeFileSync(path.join(d, "rules/journeys/bad.crmrules"), 'import "../scoring.crmrules"\nstage late when fitt >= 2\n');
    const r = await run(["check", "rules/**/*.crmrules", "--format", "json"], { cwd: d });
    const j = JSON.parse(r.stdout);
    expect(j.files).toEqual(["rules/journeys/bad.crmrules", "rules/journeys/journeys.crmrules", "rules/routing.crmrules", "rules/schema.crmrules", "rules/scoring.crmrules"]);
    const only = JSON.parse((await run(["check", "rules/journeys/*.crmrules", "--root", "rules", "--format", "json"], { cwd: d })).stdout);
    expect(only.files).toEqual(["rules/journeys/bad.crmrules", "rules/journeys/journeys.crmrules"]);
    const none = await run(["check", "rules/**/*.rules"], { cwd: d });
    expect(none.code).toBe(2);
    expect(none.stderr).toBe("crmrules: rules/**/*.rules matches no .crmrules files\n");
  });
});

describe("--quiet", () => {
  it("`check --quiet` reports errors only: warnings are neither shown nor counted", async () => {
    const d = workspace();
    writeFileSync(path.join(d, "rules/extra.crmrules"), 'import "./scoring.crmrules"\nstage late when fitt >= 2\nowner nobody_uses_me "n@x.example"\n');
    const all = JSON.parse((await run(["check", "rules", "--format", "json"], { cwd: d })).stdout);
    expect(all.summary.warnings).toBeGreaterThan(0);
    const q = JSON.parse((await run(["check", "rules", "--format", "json", "--quiet"], { cwd: d })).stdout);
    expect(q.summary.warnings).toBe(0);
    expect(q.summary.errors).toBe(all.summary.errors);
    expect((await run(["check", "rules", "--quiet", "--fail-level", "warning"], { cwd: d })).code).toBe(2);
  });

  it("`test --quiet` prints only failed journeys and the summary", async () => {
    const r = await run(["test", "acme-v2", "--quiet"]);
    expect(r.stdout).not.toContain("PASS");
    expect(r.stdout).not.toContain("not exercised by any journey");
    expect(r.stdout).toContain("FAIL  Danish director reads the pricing page");
    expect(r.stdout).toContain("2 passed, 3 failed (5 journeys, 13 expectations)");
  });
});

describe("test --format markdown", () => {
  it("gives the counts, a table of failed journeys linked to their lines, each failure, and coverage", async () => {
    const r = await run(["test", "acme-v2", "--format", "markdown", "--link-base", "https://github.com/o/r/blob/abc/test/cli/fixtures"]);
    expect(r.code).toBe(1);
    const lines = r.stdout.split("\n");
    expect(lines[0]).toBe("## ❌ crmrules test: 2 passed, 3 failed (5 journeys, 13 expectations)");
    expect(r.stdout).toContain("| Danish director reads the pricing page | 1 of 2 | [acme-v2/journeys/journeys.crmrules:15](https://github.com/o/r/blob/abc/test/cli/fixtures/acme-v2/journeys/journeys.crmrules#L15) |");
    expect(r.stdout).toContain("- `expect routed to owner kari` at day 3 ([acme-v2/journeys/journeys.crmrules:22](https://github.com/o/r/blob/abc/test/cli/fixtures/acme-v2/journeys/journeys.crmrules#L22)): expected **routed to owner kari**, actual **owner ben by inbound.denmark**");
    expect(r.stdout).toContain("<details><summary>not exercised by any journey (4)</summary>");
    expect(r.stdout).toContain("- blocked: 0 of 1 seen blocked (0%)\n- expectations: 7 of 13 passed in 1 file");
    expect(r.stdout).not.toContain("what decided it");
    expect((await run(["test", "acme-v2", "--format", "markdown", "--explain"])).stdout).toContain("<details><summary>what decided it</summary>");
    const pass = await run(["test", "acme-v1", "--format", "markdown", "--filter", "Nordic CTO"]);
    expect(pass.stdout.split("\n")[0]).toMatch(/^## ✅ crmrules test: 1 passed, 0 failed/);
  });
});
