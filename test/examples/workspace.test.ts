/**
 * The example workspace checks clean and every journey passes: the checker and
 * the engine agree with the expectations written by hand from docs/language.md.
 */
import { describe, expect, it } from "vitest";
import { relative, resolve } from "node:path";
import { checkWorkspace } from "../../core/checker/check.js";
import { compile, renderTraceText, runJourney } from "../../core/engine/index.js";
import { crmSources } from "../support/files.js";

const ROOT = resolve(__dirname, "../../examples/acme");


const input = { root: ROOT, files: crmSources(ROOT) };
const check = checkWorkspace(input);

describe("examples/acme checks clean", () => {
  it("has no checker errors", () => {
    const errors = check.diagnostics
      .filter((d) => d.severity === "error")
      .map((d) => `${relative(ROOT, d.uri)}:${d.range.start.line + 1}:${d.range.start.character + 1} ${d.code} ${d.message}`);
    expect(errors).toEqual([]);
  });

  it("has no checker warnings", () => {
    const warnings = check.diagnostics
      .filter((d) => d.severity === "warning")
      .map((d) => `${relative(ROOT, d.uri)}:${d.range.start.line + 1}:${d.range.start.character + 1} ${d.code} ${d.message}`);
    expect(warnings).toEqual([]);
  });
});

/**
 * Expectations that are right by docs/language.md but fail because the engine
 * disagrees. Each entry asserts today's wrong behaviour so that the fix shows
 * up as a failing test here (then delete the entry).
 */
// Expectations the engine is known to get wrong, by file. Empty: the detour
// ping-pong (recycled ↔ disqualified) was fixed in the engine; an entry here
// must fail today, so a fix shows up as a failing test and the entry is removed.
const KNOWN_ENGINE_BUGS: Record<string, string[]> = {};

describe("examples/acme journeys pass", () => {
  const journeyFiles = input.files.filter((f) => relative(ROOT, f.uri).startsWith("journeys/"));
  it("there are at least 15 journeys", () => expect(journeyFiles.length).toBeGreaterThanOrEqual(15));
  for (const f of journeyFiles) {
    it(relative(ROOT, f.uri), () => {
      const rules = compile(check, f.uri);
      const mine = rules.journeys.filter((j) => j.uri === f.uri);
      expect(mine.length).toBe(1);
      for (const j of mine) {
        const result = runJourney(rules, j.journey);
        const known = KNOWN_ENGINE_BUGS[relative(ROOT, f.uri)] ?? [];
        const failed = result.expectations.filter((e) => !e.pass && !known.includes(e.text));
        if (failed.length > 0) console.log(renderTraceText(result));
        expect(failed.map((e) => `${e.text}: expected ${e.expected}, actual ${e.actual}`)).toEqual([]);
        const stillWrong = result.expectations.filter((e) => !e.pass && known.includes(e.text)).map((e) => e.text);
        expect(stillWrong, "an engine bug listed in KNOWN_ENGINE_BUGS is fixed: remove it from the list").toEqual(known);
        expect(result.expectations.length).toBeGreaterThanOrEqual(3);
      }
    });
  }
});
