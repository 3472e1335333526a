/** `crmrules check [paths…]`: every diagnostic of the workspace, in the chosen format. */
import { Command, Option } from "commander";
import type { Severity } from "../../core/diagnostics/diagnostic.js";
import { colorsFor } from "../color.js";
import { ExitCode } from "../exit.js";
import { loadWorkspace } from "../files.js";
import { repositoryRoot } from "../git.js";
import { reportProblems, worst, write, writeJson, writeText } from "../report.js";
import { checkFiles } from "../workspace.js";
import { atLeast, renderGithub, renderJson, renderJUnit, renderSarif, renderText, type CheckReport } from "../output/diagnostics.js";

export const CHECK_FORMATS = ["text", "json", "sarif", "github", "junit"] as const;

interface CheckOptions {
  format: (typeof CHECK_FORMATS)[number];
  failLevel: "error" | "warning";
  root?: string;
}

export function checkCommand(): Command {
  return new Command("check")
    .description("check .crmrules files for mistakes: syntax, unknown names, types, routing gaps, consent weaker than the law")
    .argument("[paths...]", "files or folders to check (folders are searched for .crmrules files)", ["."])
    .addOption(new Option("-f, --format <format>", "output format").choices(CHECK_FORMATS).default("text"))
    .addOption(new Option("--fail-level <level>", "lowest severity that makes the command fail (exit code 1)").choices(["error", "warning"]).default("error"))
    .option("--root <folder>", "workspace root (default: the folder containing every path); imports may not leave it")
    .addHelpText(
      "after",
      `
Examples:
  $ crmrules check                       check every .crmrules file under the current folder
  $ crmrules check rules/ --fail-level warning
  $ crmrules check --format sarif > crmrules.sarif
  $ crmrules check --format github       annotations on the pull request in GitHub Actions

Exit codes: 0 no findings at the fail level, 1 findings, 2 bad arguments or unreadable input.
`,
    )
    .action((paths: string[], opts: CheckOptions) => {
      process.exitCode = runCheck(paths, opts);
    });
}

export function runCheck(paths: string[], opts: CheckOptions): ExitCode {
  const cwd = process.cwd();
  const ws = loadWorkspace(paths, { root: opts.root, cwd });
  reportProblems(ws.problems);
  const start = performance.now();
  const checked = checkFiles(ws.root, ws.files);
  const seconds = (performance.now() - start) / 1000;
  const report: CheckReport = {
    root: ws.root,
    files: ws.files.map((f) => f.uri).filter((u) => ws.selected.has(u)),
    texts: new Map(ws.files.map((f) => [f.uri, f.text])),
    diagnostics: checked.diagnostics.filter((d) => ws.selected.has(d.uri)),
    cwd,
    problems: ws.problems,
    seconds,
  };
  const failLevel: Severity = opts.failLevel;
  switch (opts.format) {
    case "json":
      writeJson(renderJson(report));
      break;
    case "sarif":
      writeJson(renderSarif({ ...report, reportBase: repositoryRoot(ws.root, cwd) }));
      break;
    case "github":
      writeText(renderGithub(report));
      break;
    case "junit":
      write(renderJUnit({ ...report, reportBase: repositoryRoot(ws.root, cwd) }, failLevel));
      break;
    default:
      // Nothing could be read: the errors on stderr say why; "no problems in 0 files" would read as a pass.
      if (report.files.length > 0 || ws.problems.length === 0) writeText(renderText(report, colorsFor(process.stdout)));
  }
  const findings = report.diagnostics.some((d) => atLeast(d.severity, failLevel)) ? ExitCode.Findings : ExitCode.Success;
  return worst(findings, ws.problems.length ? ExitCode.Usage : ExitCode.Success);
}
