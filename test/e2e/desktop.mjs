#!/usr/bin/env node
// Runs the same extension-host suite (test/e2e/suite/index.js) in a desktop VS Code with
// @vscode/test-electron. Needs internet (it downloads VS Code): for a developer machine, not CI
// here (use test/e2e/run.mjs, which runs code-server offline).
//
//   npm run build && node test/e2e/desktop.mjs [--version stable|1.91.0]
import { cpSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { runTests } from "@vscode/test-electron";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..", "..");
const vi = process.argv.indexOf("--version");
const version = vi > 0 ? process.argv[vi + 1] : "stable";
const scratch = mkdtempSync(join(tmpdir(), "crmrules-e2e-"));
const workspace = join(scratch, "workspace");
cpSync(join(here, "workspace"), workspace, { recursive: true });
const results = join(scratch, "results.jsonl");

try {
  await runTests({
    version,
    extensionDevelopmentPath: root,
    extensionTestsPath: join(here, "suite", "index.js"),
    launchArgs: [workspace, "--disable-extensions", "--disable-workspace-trust", "--skip-welcome", "--skip-release-notes"],
    extensionTestsEnv: { CRMRULES_E2E_RESULTS: results },
  });
  console.log("desktop suite passed");
} catch (err) {
  console.error(`desktop suite failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
