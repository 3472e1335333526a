/** `crmrules diff <base> [<head>]`: what a change to the rules does to the journeys. */
import { existsSync, statSync } from "node:fs";
import * as path from "node:path";
import { Command, Option } from "commander";
import { colorsFor } from "../color.js";
import { compareSides, type Side } from "../compare.js";
import { ExitCode, UsageError } from "../exit.js";
import { displayPath, loadWorkspace, type InputProblem } from "../files.js";
import { readRevision } from "../git.js";
import { reportProblems, worst, write } from "../report.js";
import { renderDiffJson, renderDiffMarkdown, renderDiffText } from "../output/diff.js";

interface DiffOptions {
  format: "text" | "markdown" | "json";
  dir: string;
  failOnChange?: boolean;
}

export function diffCommand(): Command {
  return new Command("diff")
    .description("replay the journeys through two versions of the rules and show what changes: stages, scores, owners, blocked messages")
    .argument("<base>", "the rules before: a folder or a git revision (branch, tag, commit)")
    .argument("[head]", "the rules after: a folder or a git revision (default: the working folder)")
    .addOption(new Option("-f, --format <format>", "output format (markdown is ready for a pull-request comment)").choices(["text", "markdown", "json"]).default("text"))
    .option("-C, --dir <folder>", "the workspace folder inside the repository, for git revisions", ".")
    .option("--fail-on-change", "exit with 1 when some journey changes")
    .addHelpText(
      "after",
      `
Examples:
  $ crmrules diff rules-old/ rules-new/             two folders
  $ crmrules diff main                              the main branch against the working folder
  $ crmrules diff origin/main HEAD -C rules --format markdown > diff.md

Journeys are taken from <head> and replayed through both versions; git revisions are read
with git itself, without a checkout.
`,
    )
    .action((base: string, head: string | undefined, opts: DiffOptions) => {
      process.exitCode = runDiff(base, head, opts);
    });
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function side(arg: string | undefined, opts: DiffOptions, cwd: string, problems: InputProblem[]): Side {
  const dir = path.resolve(cwd, opts.dir);
  if (arg === undefined) {
    const ws = loadWorkspace([dir], { cwd });
    problems.push(...ws.problems);
    return { label: displayPath(dir, cwd) === "." ? "the working folder" : displayPath(dir, cwd), root: ws.root, files: ws.files };
  }
  const asPath = path.resolve(cwd, arg);
  if (isDir(asPath)) {
    const ws = loadWorkspace([asPath], { cwd });
    problems.push(...ws.problems);
    return { label: displayPath(asPath, cwd), root: ws.root, files: ws.files };
  }
  if (existsSync(asPath)) throw new UsageError(`\`${arg}\` is a file; give a folder or a git revision`);
  if (!isDir(dir)) throw new UsageError(`\`--dir ${opts.dir}\` is not a folder`);
  let rev;
  try {
    rev = readRevision(arg, dir);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  problems.push(...rev.problems);
  if (rev.files.length === 0) problems.push({ input: arg, message: `has no .crmrules files under \`${displayPath(dir, cwd)}\`` });
  return { label: arg, root: rev.root, files: rev.files };
}

export function runDiff(baseArg: string, headArg: string | undefined, opts: DiffOptions): ExitCode {
  const cwd = process.cwd();
  const problems: InputProblem[] = [];
  const base = side(baseArg, opts, cwd, problems);
  const head = side(headArg, opts, cwd, problems);
  reportProblems(problems);
  const report = compareSides(base, head);
  if (report.journeys.length === 0) {
    process.stderr.write(`crmrules: ${head.label} has no journeys to replay\n`);
    return ExitCode.Usage;
  }
  switch (opts.format) {
    case "json":
      write(renderDiffJson(report));
      break;
    case "markdown":
      write(renderDiffMarkdown(report));
      break;
    default:
      write(renderDiffText(report, colorsFor(process.stdout)));
  }
  return worst(opts.failOnChange && report.summary.changed > 0 ? ExitCode.Findings : ExitCode.Success, problems.length ? ExitCode.Usage : ExitCode.Success);
}
