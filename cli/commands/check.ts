/** `crmrules check [paths…]`: every diagnostic of the workspace, in the chosen format. */
import { Command, Option } from "commander";
import type { Severity } from "../../core/diagnostics/diagnostic.js";
import { colorsFor } from "../color.js";
import { readFileSync } from "node:fs";
import { ExitCode, UsageError } from "../exit.js";
import { decodeText, loadWorkspace } from "../files.js";
import { repositoryRoot } from "../git.js";
import { reportProblems, worst, write, writeJson, writeText } from "../report.js";
import { checkFiles } from "../workspace.js";
import { atLeast, type CheckReport } from "../output/checkReport.js";
import { renderText } from "../output/checkText.js";
import { renderJson } from "../output/checkJson.js";
import { renderSarif } from "../output/checkSarif.js";
import { renderGithub } from "../output/checkGithub.js";
import { renderJUnit } from "../output/checkJUnit.js";
import { watch, type WatchSession } from "../watch.js";

export const CHECK_FORMATS = ["text", "json", "sarif", "github", "junit"] as const;

interface CheckOptions {
  format: (typeof CHECK_FORMATS)[number];
  failLevel: "error" | "warning";
  root?: string;
  stdinFilepath?: string;
  quiet?: boolean;
  watch?: boolean;
}

export function checkCommand(): Command {
  return new Command("check")
    .description("check .crmrules files for mistakes: syntax, unknown names, types, routing gaps, consent weaker than the law")
    .argument("[paths...]", "files, folders or quoted globs to check (folders are searched for .crmrules files); `-` reads one file's text from standard input", ["."])
    .addOption(new Option("-f, --format <format>", "output format").choices(CHECK_FORMATS).default("text"))
    .addOption(new Option("--fail-level <level>", "lowest severity that makes the command fail (exit code 1)").choices(["error", "warning"]).default("error"))
    .option("--root <folder>", "workspace root (default: the folder containing every path); imports may not leave it")
    .option("--stdin-filepath <path>", "with `-`: the path the text from standard input stands for (messages name it, its imports resolve from it; default: stdin.crmrules here)")
    .option("-q, --quiet", "report errors only (warnings and notes are neither shown nor counted)")
    .option("-w, --watch", "check again on every save, only what the change affects; ends with Ctrl-C")
    .addHelpText(
      "after",
      `
Examples:
  $ crmrules check                       check every .crmrules file under the current folder
  $ crmrules check rules/ --fail-level warning
  $ crmrules check --format sarif > crmrules.sarif
  $ crmrules check --format github       annotations on the pull request in GitHub Actions
  $ crmrules check 'rules/**/*.crmrules' a glob (quoted: crmrules expands it)
  $ cat a.crmrules | crmrules check - --stdin-filepath rules/a.crmrules
  $ crmrules check --quiet               errors only

Exit codes: 0 no findings at the fail level, 1 findings, 2 bad arguments or unreadable input.
`,
    )
    .action(async (paths: string[], opts: CheckOptions) => {
      process.exitCode = opts.watch ? await watch("check", paths, opts, (s) => runCheck(paths, opts, s)) : runCheck(paths, opts);
    });
}

/** With `session` (`--watch`), files are read through it and checked incrementally from its previous check. */
export function runCheck(paths: string[], opts: CheckOptions, session?: WatchSession): ExitCode {
  const cwd = process.cwd();
  if (opts.quiet && opts.failLevel === "warning") throw new UsageError("`--quiet` reports errors only; it does not go with `--fail-level warning`");
  const fromStdin = paths.includes("-");
  if (opts.stdinFilepath !== undefined && !fromStdin) throw new UsageError("`--stdin-filepath` names the text read from standard input: give `-` as a path too");
  const stdin = fromStdin ? { path: opts.stdinFilepath ?? "stdin.crmrules", text: readStdinText() } : undefined;
  const rest = paths.filter((p) => p !== "-");
  const ws = loadWorkspace(rest, { root: opts.root, cwd, ...(stdin ? { stdin } : {}), ...(session ? { read: session.read } : {}) });
  reportProblems(ws.problems);
  const start = performance.now();
  const checked = session ? session.check(ws, opts.quiet) : checkFiles(ws.root, ws.files);
  const seconds = (performance.now() - start) / 1000;
  const report: CheckReport = {
    root: ws.root,
    files: ws.files.map((f) => f.uri).filter((u) => ws.selected.has(u)),
    texts: new Map(ws.files.map((f) => [f.uri, f.text])),
    diagnostics: checked.diagnostics.filter((d) => ws.selected.has(d.uri) && (!opts.quiet || d.severity === "error")),
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

/** The text of standard input (`check -`), refused when binary, over the size limit or not UTF-8. */
function readStdinText(): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(0);
  } catch (e) {
    throw new UsageError(`standard input cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  const r = decodeText(bytes);
  if (!r.ok) throw new UsageError(`standard input ${r.message.replace(/; skipped$/, "")}`);
  return r.text;
}
