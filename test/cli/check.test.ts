import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { FIXTURES, REPO, golden, run, stable } from "./harness.js";
import { parseJUnit } from "./xml.js";
import { validateSarif } from "./schemas.js";

describe("crmrules check", () => {
  it("reports a clean workspace with exit code 0", async () => {
    const r = await run(["check", "acme-v1"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    golden("check/clean.txt", r.stdout);
  });

  it("shows each problem with its source line and a caret under the range, exit code 1", async () => {
    const r = await run(["check", "broken"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/\n15 \| stage mql when fit >= 20 \$\n   \|                          \^\n/);
    golden("check/broken.txt", r.stdout);
  });

  it("colours only when asked (never with NO_COLOR)", async () => {
    const noColor = await run(["check", "broken"]);
    expect(noColor.stdout).not.toMatch(/\x1b\[/);
    const forced = await run(["check", "broken"], { env: { NO_COLOR: undefined, FORCE_COLOR: "1" } });
    expect(forced.stdout).toMatch(/\x1b\[31m/);
    const both = await run(["check", "broken"], { env: { NO_COLOR: "1", FORCE_COLOR: "1" } });
    expect(both.stdout).not.toMatch(/\x1b\[/);
  });

  it("writes JSON with 1-based positions", async () => {
    const r = await run(["check", "broken", "--format", "json"]);
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout);
    expect(json.summary).toMatchObject({ files: 2, errors: 8 });
    const typo = json.diagnostics.find((d: { message: string }) => d.message.includes("`fitt`"));
    expect(typo.fixes[0]).toMatchObject({ title: "change to `fit`", edits: [{ file: "broken/rules.crmrules", line: 16, column: 33, newText: "fit" }] });
    const dollar = json.diagnostics.find((d: { code: string }) => d.code === "CR1001");
    expect(dollar).toMatchObject({ file: "broken/rules.crmrules", line: 15, column: 26, endLine: 15, endColumn: 27, title: "unexpected character" });
    golden("check/broken.json", r.stdout);
  });

  it("writes SARIF 2.1.0 that the final schema accepts, with rules from the catalogue", async () => {
    const r = await run(["check", "broken", "--format", "sarif"]);
    expect(r.code).toBe(1);
    const log = JSON.parse(r.stdout);
    expect(validateSarif(log)).toEqual([]);
    const run0 = log.runs[0];
    expect(run0.tool.driver.rules.map((x: { id: string }) => x.id)).toEqual(["CR1001", "CR1002", "CR1006", "CR1007", "CR2001", "CR2002", "CR2007"]);
    // did-you-mean fixes and related locations are carried over
    const typo = run0.results.find((x: { message: { text: string } }) => x.message.text.includes("`fitt`"));
    expect(typo.fixes[0].artifactChanges[0].replacements[0]).toEqual({ deletedRegion: { startLine: 16, startColumn: 33, endLine: 16, endColumn: 37 }, insertedContent: { text: "fit" } });
    const dup = run0.results.find((x: { ruleId: string }) => x.ruleId === "CR2002");
    expect(dup.relatedLocations[0].physicalLocation.region.startLine).toBe(6);
    expect(run0.tool.driver.rules[0].help.text).toMatch(/not part of the language/);
    for (const res of run0.results) expect(run0.tool.driver.rules[res.ruleIndex].id).toBe(res.ruleId);
    // Relative to the repository root (the fixtures live in this repository), as code scanning resolves them.
    expect(run0.results[0].locations[0].physicalLocation.artifactLocation).toEqual({ uri: "test/cli/fixtures/broken/other.crmrules", uriBaseId: "%SRCROOT%" });
    golden("check/broken.sarif", stable(r.stdout));
    // The schema check can fail: a result without a message is rejected.
    const bad = structuredClone(log);
    delete bad.runs[0].results[0].message;
    expect(validateSarif(bad).length).toBeGreaterThan(0);
  });

  it("writes a clean SARIF log with no results", async () => {
    const r = await run(["check", "acme-v1", "--format", "sarif"]);
    expect(r.code).toBe(0);
    const log = JSON.parse(r.stdout);
    expect(validateSarif(log)).toEqual([]);
    expect(log.runs[0].results).toEqual([]);
    expect(log.runs[0].artifacts).toHaveLength(4);
  });

  it("writes GitHub workflow annotations", async () => {
    const r = await run(["check", "broken", "--format", "github"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("::error file=broken/rules.crmrules,line=15,endLine=15,col=26,endColumn=26,title=CR1001 unexpected character::unexpected character `$`");
    golden("check/broken.github.txt", r.stdout);
  });

  it("writes JUnit XML with one case per file", async () => {
    const r = await run(["check", "broken", "acme-v1", "--format", "junit"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="crmrules check" tests="6" failures="2" errors="0" time="\d+\.\d{3}">/);
    const x = await parseJUnit(r.stdout);
    const cases = x.suites[0]!.cases;
    expect(cases).toHaveLength(6);
    expect(cases.filter((c) => c.failure).map((c) => c.attrs.name)).toEqual(["test/cli/fixtures/broken/other.crmrules", "test/cli/fixtures/broken/rules.crmrules"]);
    expect(cases.find((c) => c.attrs.name === "test/cli/fixtures/broken/rules.crmrules")!.failure!.text).toContain("test/cli/fixtures/broken/rules.crmrules:15:26 error CR1001: unexpected character `$`");
    golden("check/junit.xml", r.stdout.replace(/ time="\d+\.\d{3}"/g, ' time="…"'));
  });

  it("takes the root from --root; SARIF uris stay relative to the repository root", async () => {
    // Files under the root are read (so imports resolve) but only the named paths are reported.
    const r = await run(["check", "acme-v1/journeys", "--root", "acme-v1", "--format", "sarif"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).runs[0].artifacts).toHaveLength(1);
    expect(JSON.parse(r.stdout).runs[0].artifacts[0].location.uri).toBe("test/cli/fixtures/acme-v1/journeys/journeys.crmrules");
  });

  describe("bad input", () => {
    it("names a missing path, checks the rest and exits with 2", async () => {
      const r = await run(["check", "no-such-folder", "acme-v1"]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe("crmrules: no-such-folder does not exist\n");
      expect(r.stdout).toBe("no problems in 4 files\n");
    });

    it("skips binary, non-UTF-8 and oversized files with one message each", async () => {
      const dir = mkdtempSync(path.join(tmpdir(), "crmrules-bad-"));
      writeFileSync(path.join(dir, "ok.crmrules"), "// rules will follow\n");
      writeFileSync(path.join(dir, "image.crmrules"), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 1]));
      writeFileSync(path.join(dir, "latin1.crmrules"), Buffer.from([0x6f, 0x77, 0x6e, 0x65, 0x72, 0x20, 0xe6, 0x0a]));
      writeFileSync(path.join(dir, "huge.crmrules"), Buffer.alloc(5 * 1024 * 1024 + 1, 0x20));
      const r = await run(["check", "."], { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stderr.split("\n").filter(Boolean).sort()).toEqual([
        "crmrules: huge.crmrules is 5.0 MB, over the 5 MB limit for a rules file; skipped",
        "crmrules: image.crmrules is not a text file (it contains binary data); skipped",
        "crmrules: latin1.crmrules is not UTF-8 text; skipped",
      ]);
      expect(r.stdout).toBe("no problems in 1 file\n");
    });

    it.skipIf(process.getuid?.() === 0)("names an unreadable file", async () => {
      const dir = mkdtempSync(path.join(tmpdir(), "crmrules-perm-"));
      const f = path.join(dir, "secret.crmrules");
      writeFileSync(f, "owner a \"a@b.example\"\n");
      chmodSync(f, 0);
      const r = await run(["check", "."], { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toBe("crmrules: secret.crmrules cannot be read (permission denied)\n");
    });

    it("says when a folder holds no rules files", async () => {
      const dir = mkdtempSync(path.join(tmpdir(), "crmrules-empty-"));
      mkdirSync(path.join(dir, "sub"));
      const r = await run(["check", "sub"], { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toBe("crmrules: sub contains no .crmrules files\n");
    });

    it("rejects an unknown format and an unknown command with exit code 2", async () => {
      const f = await run(["check", "acme-v1", "--format", "xml"]);
      expect(f.code).toBe(2);
      expect(f.stderr).toMatch(/argument 'xml' is invalid. Allowed choices are text, json, sarif, github, junit/);
      const c = await run(["chek"]);
      expect(c.code).toBe(2);
      expect(c.stderr).toMatch(/unknown command 'chek'[\s\S]*Did you mean check\?/);
    });
  });

  it("fails on warnings only with --fail-level warning", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "crmrules-warn-"));
    writeFileSync(path.join(dir, "a.crmrules"), 'owner kari "kari@acme.example"\n');
    const atError = await run(["check", "."], { cwd: dir });
    expect(atError.code).toBe(0);
    expect(atError.stdout).toContain("warning[CR2007]: owner `kari` is never used");
    const atWarning = await run(["check", ".", "--fail-level", "warning"], { cwd: dir });
    expect(atWarning.code).toBe(1);
  });

  it("has help with examples, and exit code 0 for --help and --version", async () => {
    const h = await run(["check", "--help"]);
    expect(h.code).toBe(0);
    expect(h.stdout).toContain("Examples:");
    const v = await run(["--version"]);
    expect(v.code).toBe(0);
    expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe("pipes", () => {
  it("stops quietly when the reader closes the pipe early (| head)", async () => {
    const { execFileSync } = await import("node:child_process");
    const { buildCli } = await import("./harness.js");
    const cli = await buildCli();
    const dir = mkdtempSync(path.join(tmpdir(), "crmrules-pipe-"));
    writeFileSync(path.join(dir, "many.crmrules"), "stage mql when fit >= 20 $\n".repeat(5000));
    // Several hundred kilobytes of output, far more than a pipe buffer holds.
    const out = execFileSync("sh", ["-c", `"${process.execPath}" "${cli}" check 2>err.txt | head -c 7; echo; cat err.txt`], { cwd: dir, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
    expect(out).toBe("error[C\n");
  });
});
