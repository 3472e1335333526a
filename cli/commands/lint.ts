/**
 * `crmrules lint [paths…]`: the style linter (core/lint, docs/lint.md), separate from `check`:
 * naming, unused imports, repeated numbers, missing descriptions; levels from crmrules.json.
 * Text, json and sarif through the check renderers (cli/output/diagnostics.ts); exit codes as `check`.
 */
import { Command, Option } from "commander";
import type { Severity } from "../../core/diagnostics/diagnostic.js";
import { lintWorkspace } from "../../core/lint/lint.js";
import { lintRule } from "../../core/diagnostics/lintCatalogue.js";
import { lintHelpUri } from "../../core/docLinks.js";
import { colorsFor } from "../color.js";
import { ExitCode } from "../exit.js";
import { loadWorkspace } from "../files.js";
import { repositoryRoot } from "../git.js";
import { reportProblems, worst, writeJson, writeText } from "../report.js";
import { checkFiles } from "../workspace.js";
import type { LoadedConfig } from "../config.js";
import { atLeast, type CheckReport, type CodeInfo } from "../output/checkReport.js";
import { renderText } from "../output/checkText.js";
import { renderJson } from "../output/checkJson.js";
import { renderSarif } from "../output/checkSarif.js";

export const LINT_FORMATS = ["text", "json", "sarif"] as const;

interface LintOptions {
  format: (typeof LINT_FORMATS)[number];
  failLevel: "error" | "warning" | "info";
  root?: string;
  /** crmrules.json, when there is one (set by cli/config.ts). */
  config?: LoadedConfig;
}

export function lintCommand(): Command {
  return new Command("lint")
    .description("point out style problems (naming, unused imports, repeated numbers, missing descriptions); separate from `check`, which finds mistakes")
    .argument("[paths...]", "files, folders or quoted globs to lint (folders are searched for .crmrules files)", ["."])
    .addOption(new Option("-f, --format <format>", "output format").choices(LINT_FORMATS).default("text"))
    .addOption(new Option("--fail-level <level>", "lowest severity that makes the command fail (exit code 1)").choices(["error", "warning", "info"]).default("warning"))
    .option("--root <folder>", "workspace root (default: the folder containing every path); imports may not leave it")
    .addHelpText(
      "after",
      `
Examples:
  $ crmrules lint                        lint every .crmrules file under the current folder
  $ crmrules lint --format sarif > lint.sarif
  $ crmrules lint rules/ --fail-level error

Rules are turned on and off, or given another severity, in crmrules.json ("lint": { "rules": { "L003": "off" } }).
Every rule, with an example, is in docs/lint.md.

Exit codes: 0 no findings at the fail level, 1 findings, 2 bad arguments or unreadable input.
`,
    )
    .action((paths: string[], opts: LintOptions) => {
      process.exitCode = runLint(paths, opts);
    });
}

export function describeLint(code: string): CodeInfo | undefined {
  const r = lintRule(code);
  return r && { severity: r.level === "off" ? "warning" : r.level, title: r.title, help: r.help, helpUri: lintHelpUri(r.code, r.name) };
}

export function runLint(paths: string[], opts: LintOptions): ExitCode {
  const cwd = process.cwd();
  const ws = loadWorkspace(paths, { root: opts.root, cwd });
  reportProblems(ws.problems);
  const check = checkFiles(ws.root, ws.files);
  const diagnostics = lintWorkspace(check, { rules: opts.config?.config.lint?.rules ?? {}, only: ws.selected });
  const report: CheckReport = {
    root: ws.root,
    files: ws.files.map((f) => f.uri).filter((u) => ws.selected.has(u)),
    texts: new Map(ws.files.map((f) => [f.uri, f.text])),
    diagnostics,
    cwd,
    problems: ws.problems,
    describe: describeLint,
  };
  switch (opts.format) {
    case "json":
      writeJson(renderJson(report));
      break;
    case "sarif":
      writeJson(renderSarif({ ...report, reportBase: repositoryRoot(ws.root, cwd) }));
      break;
    default:
      if (report.files.length > 0 || ws.problems.length === 0) writeText(renderText(report, colorsFor(process.stdout)));
  }
  const failLevel: Severity = opts.failLevel;
  const findings = diagnostics.some((d) => atLeast(d.severity, failLevel)) ? ExitCode.Findings : ExitCode.Success;
  return worst(findings, ws.problems.length ? ExitCode.Usage : ExitCode.Success);
}
