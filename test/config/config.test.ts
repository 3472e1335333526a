// crmrules.json: parsed and validated against schemas/crmrules.schema.json, every problem at its line and column.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../core/config/config.js";
import { CHECK_FORMATS } from "../../cli/commands/check.js";
import { TEST_FORMATS } from "../../cli/commands/test.js";
import { LINT_FORMATS } from "../../cli/commands/lint.js";
import { LINT_RULES } from "../../core/diagnostics/lintCatalogue.js";

const root = resolve(__dirname, "../..");
const schema = JSON.parse(readFileSync(resolve(root, "schemas/crmrules.schema.json"), "utf8"));

describe("crmrules.json", () => {
  it("accepts a full configuration", () => {
    const text = JSON.stringify({
      $schema: "./schemas/crmrules.schema.json",
      root: "rules",
      lint: { rules: { L001: "error", L004: "warning", L003: "off" } },
      format: { alignRuleColons: true, indentSize: 4, maxLineLength: 100 },
      output: { check: "sarif", test: "junit", lint: "json" },
      coverage: { minimum: { rules: 90, stages: 100 } },
    });
    const r = parseConfig(text);
    expect(r).toEqual({ ok: true, config: JSON.parse(text) });
    expect(parseConfig('{ "coverage": { "minimum": 80 } }')).toEqual({ ok: true, config: { coverage: { minimum: 80 } } });
  });

  it("reports each problem at its line and column", () => {
    const text = ['{', '  "lint": { "rules": { "L001": "loud", "L999": "off" } },', '  "format": { "indentSize": 0, "tabs": true },', '  "coverage": { "minimum": { "rules": 190 } }', '}'].join("\n");
    const r = parseConfig(text);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toEqual([
      { line: 2, column: 32, message: '`lint.rules.L001` must be one of "off", "hint", "info", "warning", "error"' },
      { line: 2, column: 40, message: "unknown setting `lint.rules.L999` (expected one of: L001, L002, L003, L004)" },
      { line: 3, column: 29, message: "`format.indentSize` must be at least 1" },
      { line: 3, column: 32, message: "unknown setting `format.tabs` (expected one of: alignRuleColons, indentSize, maxLineLength)" },
      { line: 4, column: 28, message: "`coverage.minimum` must be a number" },
      { line: 4, column: 39, message: "`coverage.minimum.rules` must be at most 100" },
    ]);
  });

  it("says where the JSON is broken", () => {
    const r = parseConfig('{\n  "lint": ,\n}');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]).toMatchObject({ line: 2, column: 11 });
    if (!r.ok) expect(r.problems[0]!.message).toBe("not valid JSON: a value expected");
    expect(parseConfig('{ "root": "a", }')).toEqual({ ok: false, problems: [{ line: 1, column: 16, message: "not valid JSON: a setting's name in double quotes expected" }] });
    const t = parseConfig('["root"]');
    expect(t).toEqual({ ok: false, problems: [{ line: 1, column: 1, message: "the file must be an object ({ … })" }] });
  });

  it("has the one list of formats and lint rules the CLI knows", () => {
    expect(schema.properties.output.properties.check.enum).toEqual([...CHECK_FORMATS]);
    expect(schema.properties.output.properties.test.enum).toEqual([...TEST_FORMATS]);
    expect(schema.properties.output.properties.lint.enum).toEqual([...LINT_FORMATS]);
    expect(Object.keys(schema.properties.lint.properties.rules.properties)).toEqual(LINT_RULES.map((r) => r.code));
  });

  it("is registered for editors in package.json", () => {
    const pkg = JSON.parse(readFileSync(resolve(root, "package.json"), "utf8"));
    expect(pkg.contributes.jsonValidation).toContainEqual({ fileMatch: "crmrules.json", url: "./schemas/crmrules.schema.json" });
  });
});
