/**
 * SARIF for GitHub code scanning (issue 19 item 3): uris relative to the
 * repository root, stable partial fingerprints, help links into
 * docs/diagnostics.md, and unreadable inputs as tool execution notifications;
 * every log is checked against the final SARIF 2.1.0 schema.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { allCodes } from "../../core/diagnostics/catalogue.js";
import { diagnosticHelpUri, HOMEPAGE, headingAnchor } from "../../cli/version.js";
import { REPO, run } from "./harness.js";
import { validateSarif } from "./schemas.js";

const BROKEN = 'event demo_requested\nstage mql when fitt >= 20\n';

function gitRepo(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(path.join(tmpdir(), "crmrules-sarif-"));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  execFileSync("git", ["init", "-q"], { cwd: dir });
  return dir;
}

async function sarif(args: string[], cwd: string) {
  const r = await run(["check", ...args, "--format", "sarif"], { cwd });
  const log = JSON.parse(r.stdout);
  expect(validateSarif(log)).toEqual([]);
  return { code: r.code, stderr: r.stderr, log, run0: log.runs[0] };
}

describe("SARIF paths", () => {
  it("are relative to the repository root when `check rules` runs from the root", async () => {
    const dir = gitRepo({ "rules/broken.crmrules": BROKEN });
    const { run0 } = await sarif(["rules"], dir);
    expect(run0.results[0].locations[0].physicalLocation.artifactLocation).toEqual({ uri: "rules/broken.crmrules", uriBaseId: "%SRCROOT%" });
    expect(run0.artifacts.map((a: { location: { uri: string } }) => a.location.uri)).toEqual(["rules/broken.crmrules"]);
    expect(run0.originalUriBaseIds["%SRCROOT%"].uri).toBe(`file://${dir}/`);
  });

  it("are relative to the repository root from a subfolder too", async () => {
    const dir = gitRepo({ "team/rules/broken.crmrules": BROKEN });
    const { run0 } = await sarif(["."], path.join(dir, "team/rules"));
    expect(run0.results[0].locations[0].physicalLocation.artifactLocation.uri).toBe("team/rules/broken.crmrules");
  });

  it("are relative to the working folder outside git, and absolute file uris outside it", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "crmrules-nogit-"));
    mkdirSync(path.join(dir, "rules"));
    writeFileSync(path.join(dir, "rules/broken.crmrules"), BROKEN);
    const inside = await sarif(["rules"], dir);
    expect(inside.run0.results[0].locations[0].physicalLocation.artifactLocation).toEqual({ uri: "rules/broken.crmrules", uriBaseId: "%SRCROOT%" });
    const elsewhere = mkdtempSync(path.join(tmpdir(), "crmrules-cwd-"));
    const outside = await sarif([path.join(dir, "rules")], elsewhere);
    expect(outside.run0.results[0].locations[0].physicalLocation.artifactLocation).toEqual({ uri: `file://${dir}/rules/broken.crmrules` });
  });

  it("escape characters that uris do not allow", async () => {
    const dir = gitRepo({ "my rules/a#1.crmrules": BROKEN });
    const { run0 } = await sarif(["my rules"], dir);
    expect(run0.results[0].locations[0].physicalLocation.artifactLocation.uri).toBe("my%20rules/a%231.crmrules");
  });
});

describe("SARIF partial fingerprints", () => {
  it("stay the same when lines are added above a finding, and differ between findings", async () => {
    const dir = gitRepo({ "rules/a.crmrules": BROKEN + "stage sql when fitt >= 40\n" });
    const before = (await sarif(["rules"], dir)).run0.results;
    writeFileSync(path.join(dir, "rules/a.crmrules"), "// a comment\n\n" + BROKEN + "stage sql when fitt >= 40\n");
    const after = (await sarif(["rules"], dir)).run0.results;
    const prints = (rs: { partialFingerprints: Record<string, string>; locations: { physicalLocation: { region: { startLine: number } } }[] }[]) => rs.map((r) => r.partialFingerprints["crmrulesFinding/v1"]);
    expect(before.length).toBeGreaterThanOrEqual(2);
    expect(prints(after)).toEqual(prints(before));
    expect(after[0].locations[0].physicalLocation.region.startLine).toBe(before[0].locations[0].physicalLocation.region.startLine + 2);
    expect(new Set(prints(before)).size).toBe(before.length);
  });

  it("count identical findings apart", async () => {
    const dir = gitRepo({ "a.crmrules": "event e\nstage s1 when fitt >= 1\nstage s1 when fitt >= 1\n" });
    const results = (await sarif(["."], dir)).run0.results.filter((r: { ruleId: string }) => r.ruleId === "CR2001");
    const prints = results.map((r: { partialFingerprints: Record<string, string> }) => r.partialFingerprints["crmrulesFinding/v1"]);
    expect(prints).toHaveLength(2);
    expect(prints[0]!.replace(/:\d+$/, "")).toBe(prints[1]!.replace(/:\d+$/, ""));
    expect(prints[0]).not.toBe(prints[1]);
  });
});

describe("SARIF rules and tool", () => {
  it("link each rule to its section of docs/diagnostics.md, in text and markdown help", async () => {
    const dir = gitRepo({ "a.crmrules": BROKEN });
    const { run0 } = await sarif(["."], dir);
    expect(run0.tool.driver.informationUri).toBe(HOMEPAGE);
    const rule = run0.tool.driver.rules.find((r: { id: string }) => r.id === "CR2001");
    expect(rule.helpUri).toBe(`${HOMEPAGE}/blob/main/docs/diagnostics.md#cr2001--unknown-name`);
    expect(rule.help.markdown).toContain(`[CR2001 — unknown name](${rule.helpUri})`);
    expect(rule.help.text).toContain(rule.helpUri);
  });

  it("every catalogue code's help uri names an existing heading of docs/diagnostics.md", () => {
    const doc = readFileSync(path.join(REPO, "docs/diagnostics.md"), "utf8");
    const anchors = new Set([...doc.matchAll(/^#+ (.*)$/gm)].map((m) => headingAnchor(m[1]!.trim())));
    const missing = allCodes()
      .map((e) => diagnosticHelpUri(e.code, e.title))
      .filter((u) => !anchors.has(u.slice(u.indexOf("#") + 1)));
    expect(missing).toEqual([]);
    expect(headingAnchor("CR1007 — second `otherwise` in a route")).toBe("cr1007--second-otherwise-in-a-route");
  });

  it("the repository address is package.json's", () => {
    const pkg = JSON.parse(readFileSync(path.join(REPO, "package.json"), "utf8"));
    expect(pkg.repository.url).toBe(`git+${HOMEPAGE}.git`);
  });
});

describe("SARIF tool execution notifications", () => {
  it("record each unreadable input with its location, and the run as unsuccessful", async () => {
    const dir = gitRepo({ "rules/ok.crmrules": BROKEN, "rules/image.crmrules": Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 1]) });
    const { code, run0, stderr } = await sarif(["rules", "missing"], dir);
    expect(code).toBe(2);
    expect(stderr).toContain("image.crmrules is not a text file");
    const inv = run0.invocations[0];
    expect(inv.executionSuccessful).toBe(false);
    const notes = inv.toolExecutionNotifications.map((n: { level: string; message: { text: string }; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) => [n.level, n.message.text, n.locations[0]!.physicalLocation.artifactLocation.uri]);
    expect(notes).toEqual([
      ["error", "missing does not exist", "missing"],
      ["error", "rules/image.crmrules is not a text file (it contains binary data); skipped", "rules/image.crmrules"],
    ]);
    expect(run0.results.length).toBeGreaterThan(0);
  });

  it("a clean run is successful with no notifications", async () => {
    const dir = gitRepo({ "a.crmrules": "event demo_requested\nstage mql when on demo_requested\n" });
    const { run0 } = await sarif(["."], dir);
    expect(run0.invocations).toEqual([{ executionSuccessful: true, toolExecutionNotifications: [] }]);
  });
});

describe("the SARIF validator", () => {
  it("rejects what the final schema forbids", () => {
    const good = { version: "2.1.0", runs: [{ tool: { driver: { name: "x", informationUri: "https://example.com/" } }, results: [] }] };
    expect(validateSarif(good)).toEqual([]);
    expect(validateSarif({ ...good, version: "2.0.0" }).length).toBeGreaterThan(0);
    expect(validateSarif({ version: "2.1.0", runs: [{ tool: { driver: { name: "x", informationUri: "not a uri" } } }] }).length).toBeGreaterThan(0);
    // The final schema's language pattern (the errata fixed rtm.5's).
    expect(validateSarif({ version: "2.1.0", runs: [{ tool: { driver: { name: "x" } }, language: "en-USA" }] }).length).toBeGreaterThan(0);
  });
});
