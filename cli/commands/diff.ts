/** `crmrules diff <base> [<head>]`: what a change to the rules does to the journeys. */
import { existsSync, statSync } from "node:fs";
import * as path from "node:path";
import { Command, Option } from "commander";
import { colorsFor } from "../color.js";
import { compareSides, tally, type LogDiff, type Side } from "../compare.js";
import { openLog, replayBoth, rulesFile, type LeadChange } from "../bulk.js";
import { checkFiles } from "../workspace.js";
import { ExitCode, UsageError } from "../exit.js";
import { displayPath, loadWorkspace, type InputProblem } from "../files.js";
import { readRevision } from "../git.js";
import { reportProblems, worst, write } from "../report.js";
import { renderDiffJson, renderDiffMarkdown, renderDiffText } from "../output/diff.js";

interface DiffOptions {
  format: "text" | "markdown" | "json";
  events?: string;
  from?: string;
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
    .option("--fail-on-change", "exit with 1 when some journey (or lead of --events) changes")
    .option("--events <log.jsonl>", "also replay this event log (JSON Lines) through both versions and count the leads that change stage or owner")
    .option("--from <file>", "with --events: the rules file (path relative to the workspace) whose declarations apply (default: the file that sees the most)")
    .addHelpText(
      "after",
      `
Examples:
  $ crmrules diff rules-old/ rules-new/             two folders
  $ crmrules diff main                              the main branch against the working folder
  $ crmrules diff origin/main HEAD -C rules --format markdown > diff.md
  $ crmrules diff main --events last-quarter.jsonl   how many real leads would change

Journeys are taken from <head> and replayed through both versions; git revisions are read
with git itself, without a checkout.
`,
    )
    .action(async (base: string, head: string | undefined, opts: DiffOptions) => {
      process.exitCode = await runDiff(base, head, opts);
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

async function logDiff(base: Side, head: Side, opts: DiffOptions, cwd: string): Promise<LogDiff> {
  const input = openLog(opts.events!, cwd);
  const headCheck = checkFiles(head.root, head.files);
  const headFrom = opts.from ? `${head.root}/${opts.from.replace(/^\.\//, "")}` : rulesFile(headCheck, undefined, cwd);
  if (!headCheck.files.has(headFrom)) throw new UsageError(`\`--from ${opts.from}\` is not a .crmrules file of ${head.label}`);
  const relFrom = path.posix.relative(head.root, headFrom);
  const baseFrom = `${base.root}/${relFrom}`;
  if (!base.files.some((f) => f.uri === baseFrom)) throw new UsageError(`${base.label} has no \`${relFrom}\` to replay the log through (give \`--from\`)`);
  const changes: LeadChange[] = [];
  const stagePairs: [string, string][] = [];
  const ownerPairs: [string, string][] = [];
  const causeCount = new Map<string, number>();
  const r = await replayBoth({ root: base.root, files: base.files, fromUri: baseFrom }, { root: head.root, files: head.files, fromUri: headFrom }, input, (c) => {
    if (changes.length < 50) changes.push(c);
    if (c.before.stage !== c.after.stage) stagePairs.push([c.before.stage ?? "none", c.after.stage ?? "none"]);
    if (c.before.assignment !== c.after.assignment) ownerPairs.push([c.before.assignment ?? "not routed", c.after.assignment ?? "not routed"]);
    const causes = new Set<string>();
    const rerouted = c.before.assignment !== c.after.assignment && c.after.routedBy !== null && c.after.routedBy !== c.before.routedBy;
    if (rerouted) causes.add(c.after.routedBy!);
    if (c.before.stage !== c.after.stage || (c.before.assignment !== c.after.assignment && !rerouted)) {
      for (const k of new Set([...Object.keys(c.before.scores), ...Object.keys(c.after.scores)])) if ((c.before.scores[k] ?? null) !== (c.after.scores[k] ?? null)) causes.add(`score ${k}`);
    }
    for (const k of causes) causeCount.set(k, (causeCount.get(k) ?? 0) + 1);
  });
  return {
    name: input.name,
    leads: r.leads,
    lines: r.lines,
    malformedLines: r.malformed,
    stageChanged: r.stageChanged,
    ownerChanged: r.ownerChanged,
    stageMoves: tally(stagePairs),
    ownerMoves: tally(ownerPairs),
    causes: [...causeCount].map(([cause, leads]) => ({ cause, leads })).sort((a, b) => b.leads - a.leads || (a.cause < b.cause ? -1 : 1)),
    examples: changes.map((c) => ({ lead: c.lead, before: { stage: c.before.stage, assignment: c.before.assignment }, after: { stage: c.after.stage, assignment: c.after.assignment } })),
  };
}

export async function runDiff(baseArg: string, headArg: string | undefined, opts: DiffOptions): Promise<ExitCode> {
  const cwd = process.cwd();
  const problems: InputProblem[] = [];
  const base = side(baseArg, opts, cwd, problems);
  const head = side(headArg, opts, cwd, problems);
  reportProblems(problems);
  const report = compareSides(base, head);
  if (report.journeys.length === 0 && !opts.events) {
    process.stderr.write(`crmrules: ${head.label} has no journeys to replay\n`);
    return ExitCode.Usage;
  }
  if (opts.events) report.log = await logDiff(base, head, opts, cwd);
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
  const changed = report.summary.changed > 0 || (report.log !== undefined && report.log.stageChanged + report.log.ownerChanged > 0);
  return worst(opts.failOnChange && changed ? ExitCode.Findings : ExitCode.Success, problems.length || report.log?.malformedLines ? ExitCode.Usage : ExitCode.Success);
}
