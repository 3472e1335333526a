/** `crmrules lint` (issue 17 item 8) and crmrules.json under every command (item 9). */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO, run } from "./harness.js";

function workspace(kase: string): string {
  const d = mkdtempSync(path.join(tmpdir(), "crmrules-lint-"));
  cpSync(path.join(REPO, "test/golden/lint", kase), d, { recursive: true });
  return d;
}

describe("crmrules lint", () => {
  it("reports style findings in text, exit 1 at warnings, and the fix", async () => {
    const d = workspace("naming");
    const r = await run(["lint"], { cwd: d });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("warning[L001]: the score `MyScore` is not in snake_case: `my_score`\n --> rules.crmrules:6:7");
    expect(r.stdout).toContain("4 warnings in 1 file");
    // Lint findings are not mistakes: `check` is clean.
    expect((await run(["check"], { cwd: d })).code).toBe(0);
    expect((await run(["lint", "--fail-level", "error"], { cwd: d })).code).toBe(0);
  });

  it("writes json and sarif with the lint rules' titles and documentation", async () => {
    const d = workspace("repeated-number");
    const j = JSON.parse((await run(["lint", "--format", "json"], { cwd: d })).stdout);
    expect(j.diagnostics.map((x: { code: string; severity: string; title: string; line: number; column: number }) => [x.code, x.severity, x.title, x.line, x.column])).toEqual([["L003", "info", "number repeated across rules", 7, 40]]);
    const s = await run(["lint", "--format", "sarif"], { cwd: d });
    expect(s.code).toBe(0);
    const rule = JSON.parse(s.stdout).runs[0].tool.driver.rules[0];
    expect(rule.id).toBe("L003");
    expect(rule.helpUri).toMatch(/docs\/lint\.md#l003--repeated-number$/);
  });

  it("takes levels from crmrules.json", async () => {
    const d = workspace("naming");
    writeFileSync(path.join(d, "crmrules.json"), JSON.stringify({ lint: { rules: { L001: "off" } } }));
    const r = await run(["lint"], { cwd: d });
    expect(r.stdout).toBe("no problems in 1 file\n");
    expect(r.code).toBe(0);
    writeFileSync(path.join(d, "crmrules.json"), JSON.stringify({ lint: { rules: { L001: "error" } }, output: { lint: "json" } }));
    const e = await run(["lint"], { cwd: d });
    expect(JSON.parse(e.stdout).summary.errors).toBe(4);
    // The command line wins over the file.
    expect((await run(["lint", "--format", "text"], { cwd: d })).stdout).toContain("error[L001]");
  });
});

describe("crmrules.json", () => {
  it("refuses a broken file with each problem at file:line:column, for every command", async () => {
    const d = workspace("naming");
    writeFileSync(path.join(d, "crmrules.json"), '{\n  "format": { "indentSize": 12 },\n  "lnit": {}\n}\n');
    for (const cmd of [["check"], ["lint"], ["fmt", "--check"], ["test"]]) {
      const r = await run(cmd, { cwd: d });
      expect(r.code, cmd.join(" ")).toBe(2);
      expect(r.stderr).toBe(
        "crmrules: crmrules.json is not a valid configuration:\n" +
          "  crmrules.json:2:29: `format.indentSize` must be at most 8\n" +
          "  crmrules.json:3:3: unknown setting `lnit` (expected one of: root, lint, format, output, coverage)\n",
      );
    }
  });

  it("is found from a subfolder and gives root, formats, formatter options and coverage defaults", async () => {
    const d = mkdtempSync(path.join(tmpdir(), "crmrules-config-"));
    mkdirSync(path.join(d, "rules/sub"), { recursive: true });
    writeFileSync(path.join(d, "rules/a.crmrules"), "lead {\n  employees: number\n}\n\nscore fit {\n  rule big: +20 when lead.employees > 250\n  rule mid: +10 when lead.employees > 50 and lead.employees < 250\n}\n\nstage new initial\nstage mql when fit >= 20\n");
    writeFileSync(path.join(d, "rules/sub/j.crmrules"), 'import "../a.crmrules"\n\njourney "big" {\n  lead { employees: 300 }\n  expect stage == mql\n}\n');
    writeFileSync(path.join(d, "crmrules.json"), JSON.stringify({ root: "rules", output: { check: "json" }, format: { indentSize: 4, alignRuleColons: true }, coverage: { minimum: 100 } }));
    const sub = path.join(d, "rules/sub");
    const c = await run(["check", "."], { cwd: sub });
    const j = JSON.parse(c.stdout);
    expect(j.root).toBe(`${d}/rules`);
    expect(c.code).toBe(0);
    // fmt uses the configured layout: four spaces, colons lined up.
    const f = await run(["fmt", "--diff", "../a.crmrules"], { cwd: sub });
    expect(f.stdout).toContain("+    rule big: +20");
    expect(f.stdout).toContain("+    rule mid: +10");
    expect((await run(["fmt", "--diff", "--indent", "2", "../a.crmrules"], { cwd: sub })).stdout).not.toContain("+    rule");
    // coverage.minimum 100: `mid` is never exercised, so the tests fail; --min-coverage on the command line wins.
    const t = await run(["test", "."], { cwd: sub });
    expect(t.code).toBe(1);
    expect((await run(["test", ".", "--min-coverage", "0"], { cwd: sub })).code).toBe(0);
    expect(readFileSync(path.join(d, "rules/a.crmrules"), "utf8")).toContain("  rule big");
  });
});
