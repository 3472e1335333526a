/** The bundled example workspace: every journey runs through the real checker and the engine. */
import { describe, it, expect } from "vitest";
import { resolve } from "node:path";
import { checkWorkspace } from "../../core/checker/check.js";
import { compile, runJourney, renderTraceText } from "../../core/engine/index.js";
import { crmSources } from "../support/files.js";

const root = resolve("examples/acme");

describe("examples/acme journeys", () => {
  const input = { root, files: crmSources(root) };
  const check = checkWorkspace(input);
  for (const f of input.files.filter((x) => x.uri.slice(root.length).includes("/journeys/"))) {
    it(f.uri.slice(root.length + 1), () => {
      const rules = compile(check, f.uri);
      const mine = rules.journeys.filter((j) => j.uri === f.uri);
      expect(mine.length).toBeGreaterThan(0);
      for (const j of mine) {
        const r = runJourney(rules, j.journey);
        if (!r.passed) console.log(renderTraceText(r));
        expect(r.expectations.filter((e) => !e.pass).map((e) => `${e.text}: expected ${e.expected}, actual ${e.actual}`)).toEqual([]);
      }
    });
  }
});
