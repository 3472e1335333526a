/**
 * The bundled example workspace is test input: every file must parse without
 * a single syntax error, and the journeys must be real tests (several
 * expectations each, covering the scenarios the workspace is meant to show).
 */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { parse } from "../../core/syntax/parse.js";
import type { JourneyDecl } from "../../core/syntax/ast.js";
import { crmFiles } from "../support/files.js";

const ROOT = join(__dirname, "../../examples/acme");


const files = crmFiles(ROOT);

describe("examples/acme parses", () => {
  it("has the expected files", () => {
    const names = files.map((f) => relative(ROOT, f));
    for (const f of ["schema", "scoring", "stages", "routing", "consent", "workflows"]) expect(names).toContain(`${f}.crmrules`);
    expect(names.filter((n) => n.startsWith("journeys/")).length).toBeGreaterThanOrEqual(15);
  });

  for (const f of files) {
    it(`${relative(ROOT, f)} has no syntax errors`, () => {
      const { diagnostics } = parse(readFileSync(f, "utf8"), f);
      const shown = diagnostics.map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${d.code} ${d.message}`);
      expect(shown).toEqual([]);
    });
  }

  it("every journey file holds one journey with a lead and at least three expectations", () => {
    const journeys = files.filter((f) => relative(ROOT, f).startsWith("journeys/"));
    for (const f of journeys) {
      const { file } = parse(readFileSync(f, "utf8"), f);
      const js = file.decls.filter((d): d is JourneyDecl => d.kind === "Journey");
      expect(js.length, relative(ROOT, f)).toBe(1);
      const j = js[0]!;
      expect(j.lead, relative(ROOT, f)).toBeDefined();
      expect(j.steps.filter((s) => s.kind === "ExpectStep").length, relative(ROOT, f)).toBeGreaterThanOrEqual(3);
      expect(file.imports.length, relative(ROOT, f)).toBeGreaterThan(0);
    }
  });

  it("journey names are unique", () => {
    const names = files.flatMap((f) =>
      parse(readFileSync(f, "utf8"), f).file.decls.flatMap((d) => (d.kind === "Journey" && d.name ? [d.name.value] : [])),
    );
    expect(new Set(names).size).toBe(names.length);
  });
});
