// Golden diagnostics: each cases/*.crmrules is a workspace of its own, each
// cases/<folder>/ a multi-file workspace; `X.diagnostics.txt` beside every file
// lists its diagnostics (compared by test/support/golden.ts: `UPDATE_GOLDEN=1` rewrites them).
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { checkWorkspace } from "../../../core/checker/check.js";
import { allCodes } from "../../../core/diagnostics/catalogue.js";
import { crmFiles, formatDiagnostic } from "../../checker/helpers.js";
import { golden } from "../../support/golden.js";

const casesDir = resolve(__dirname, "cases");
const seen = new Set<string>();

function expectedPath(file: string): string {
  return file.replace(/\.crmrules$/, ".diagnostics.txt");
}

describe("golden diagnostics", () => {
  const entries = readdirSync(casesDir).sort();
  for (const name of entries) {
    const p = join(casesDir, name);
    const isDir = statSync(p).isDirectory();
    if (!isDir && !name.endsWith(".crmrules")) continue;
    const files = isDir ? crmFiles(p) : [p];
    const root = isDir ? p : casesDir;
    it(name, () => {
      const check = checkWorkspace({ root, files: files.map((f) => ({ uri: resolve(f), text: readFileSync(f, "utf8") })) });
      for (const f of files) {
        const lines = check.diagnostics.filter((d) => d.uri === resolve(f)).map((d) => (seen.add(d.code), formatDiagnostic(d)));
        const actual = lines.join("\n") + (lines.length ? "\n" : "");
        golden(expectedPath(f), actual);
      }
    });
  }

  // CR3040 (a failing journey expectation) comes from simulating, not checking: test/server/expectationDiagnostics.test.ts.
  it("covers every catalogue code (except the internal safety nets CR1000 and CR9001, and CR3040)", () => {
    const missing = allCodes()
      .map((e) => e.code)
      .filter((c) => c !== "CR1000" && c !== "CR9001" && c !== "CR3040" && !seen.has(c));
    expect(missing).toEqual([]);
  });
});
