// The style linter: golden cases (test/golden/lint/<case>/: .crmrules files, an optional
// crmrules.json, and expected.txt, the findings), and its catalogue kept complete and documented.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { checkWorkspace } from "../../core/checker/check.js";
import { parseConfig } from "../../core/config/config.js";
import { lintWorkspace, snakeCase } from "../../core/lint/lint.js";
import { LINT_RULES } from "../../core/diagnostics/lintCatalogue.js";
import type { LintDiagnostic as Diagnostic } from "../../core/diagnostics/diagnostic.js";
import { golden } from "../support/golden.js";

const repo = resolve(__dirname, "../..");
const cases = join(repo, "test/golden/lint");
const ROOT = "/ws";

function workspaceOf(dir: string) {
  const files = readdirSync(dir).filter((f) => f.endsWith(".crmrules")).sort().map((f) => ({ uri: `${ROOT}/${f}`, text: readFileSync(join(dir, f), "utf8") }));
  return checkWorkspace({ root: ROOT, files });
}

function rulesOf(dir: string) {
  const f = join(dir, "crmrules.json");
  if (!existsSync(f)) return {};
  const r = parseConfig(readFileSync(f, "utf8"));
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.config.lint?.rules ?? {};
}

const at = (uri: string, r: Diagnostic["range"]) => `${uri.slice(ROOT.length + 1)}:${r.start.line + 1}:${r.start.character + 1}`;

function render(ds: Diagnostic[]): string {
  const out: string[] = [];
  for (const d of ds) {
    out.push(`${at(d.uri, d.range)} ${d.severity} ${d.code} ${d.message}`);
    for (const r of d.related ?? []) out.push(`  related ${at(r.uri, r.range)} ${r.message}`);
    for (const f of d.fixes ?? []) out.push(`  fix ${f.title}: ${f.edits.map((e) => `${at(e.uri, e.range)}-${e.range.end.line + 1}:${e.range.end.character + 1} ${JSON.stringify(e.newText)}`).join(", ")}`);
  }
  return out.join("\n") + "\n";
}

describe("lint golden cases", () => {
  const dirs = readdirSync(cases).filter((d) => !d.includes("."));
  for (const name of dirs) {
    it(name, () => {
      const dir = join(cases, name);
      golden(join(dir, "expected.txt"), render(lintWorkspace(workspaceOf(dir), { rules: rulesOf(dir) })));
    });
  }

  it("has a case reporting every rule", () => {
    const all = dirs.map((d) => readFileSync(join(cases, d, "expected.txt"), "utf8")).join("\n");
    for (const r of LINT_RULES) expect(all, r.code).toMatch(new RegExp(` ${r.code} `));
  });
});

describe("lint levels", () => {
  const check = workspaceOf(join(cases, "naming"));
  it("turns a rule off or changes its severity", () => {
    expect(lintWorkspace(check).filter((d) => d.code === "L001").map((d) => d.severity)).toEqual(["warning", "warning", "warning", "warning"]);
    expect(lintWorkspace(check, { rules: { L001: "off" } }).filter((d) => d.code === "L001")).toEqual([]);
    expect(new Set(lintWorkspace(check, { rules: { L001: "error" } }).filter((d) => d.code === "L001").map((d) => d.severity))).toEqual(new Set(["error"]));
  });
  it("reports only on the files asked for", () => {
    expect(lintWorkspace(check, { only: new Set(["/ws/other.crmrules"]) })).toEqual([]);
  });
  it("suggests snake_case names", () => {
    expect(["MyScore", "HTTPDesk", "leadSource2", "already_fine", "Größe"].map(snakeCase)).toEqual(["my_score", "http_desk", "lead_source2", "already_fine", "größe"]);
  });
});

describe("lint catalogue", () => {
  it("has unique codes in its own range, with names, titles and help", () => {
    const codes = LINT_RULES.map((r) => r.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const r of LINT_RULES) {
      expect(r.code).toMatch(/^L\d{3}$/);
      expect(r.name).toMatch(/^[a-z-]+$/);
      expect(r.help.length).toBeGreaterThan(20);
    }
  });
  it("knows every code the linter emits", () => {
    const src = readFileSync(join(repo, "core/lint/lint.ts"), "utf8");
    const emitted = new Set([...src.matchAll(/"(L\d{3})"/g)].map((m) => m[1]!));
    expect([...emitted].sort()).toEqual(LINT_RULES.map((r) => r.code).sort());
  });
  it("is documented in docs/lint.md, one section per rule with an example and how to turn it off", () => {
    const doc = readFileSync(join(repo, "docs/lint.md"), "utf8");
    for (const r of LINT_RULES) {
      expect(doc, r.code).toContain(`## ${r.code} — ${r.name}`);
      const section = doc.slice(doc.indexOf(`## ${r.code} — ${r.name}`)).split(/\n## /)[0]!;
      expect(section, r.code).toContain("```crmrules");
      expect(section, r.code).toContain(`"${r.code}": "off"`);
    }
  });
});
