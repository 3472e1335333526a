/** `crmrules diff <base> [<head>]`: what a change to the rules does to the journeys. */
import { existsSync, statSync } from "node:fs";
import * as path from "node:path";
import { Command, Option } from "commander";
import { colorsFor, plain } from "../color.js";
import { bothThresholds, compareSides, declarationsOf, tally, type CauseCount, type LogDiff, type Side } from "../compare.js";
import { changedDeclarations, compareRuns, outcomeOf, type Outcome } from "../outcomes.js";
import { compile } from "../../core/engine/index.js";
import { openLog, replayBoth, rulesFile } from "../bulk.js";
import { checkFiles } from "../workspace.js";
import { ExitCode, UsageError } from "../exit.js";
import { displayPath, loadWorkspace, type InputProblem } from "../files.js";
import { readRevision } from "../git.js";
import { reportProblems, say, worst, write } from "../report.js";
import { jsonSafe, sanitize } from "../output/safe.js";
import { DEFAULT_MAX_CHARS, GITHUB_COMMENT_LIMIT, renderDiffJson, renderDiffMarkdown, renderDiffText } from "../output/diff.js";
import { openOutput } from "../atomicWrite.js";

interface DiffOptions {
  format: "text" | "markdown" | "json";
  events?: string;
  from?: string;
  dir: string;
  failOnChange?: boolean;
  maxChars?: string;
  linkBase?: string;
  outFull?: string;
  strict?: boolean;
}

export function diffCommand(): Command {
  return new Command("diff")
    .description("replay the journeys through two versions of the rules and show every outcome that changes (stage, owner, scores and grades, sent and blocked actions, escalations) and the changed declarations behind it")
    .argument("<base>", "the rules before: a folder or a git revision (branch, tag, commit)")
    .argument("[head]", "the rules after: a folder or a git revision (default: the working folder)")
    .addOption(new Option("-f, --format <format>", "output format (markdown is ready for a pull-request comment)").choices(["text", "markdown", "json"]).default("text"))
    .option("-C, --dir <folder>", "the workspace folder inside the repository, for git revisions", ".")
    .option("--fail-on-change", "exit with 1 when some journey (or lead of --events) changes")
    .option("--events <source>", "also replay this lead history through both versions and count the leads whose outcomes change: an event log (JSON Lines, `-` standard input) or any source of `simulate --events` (Parquet, CSV, JSON, FILE.duckdb#TABLE, `sql:…`, a mapping file; docs/data.md)")
    .option("--strict", "with --events: exit with 1 when any record or value of the data has a problem (docs/data.md, \"Validation\"); without it they are reported and left out")
    .option("--from <file>", "with --events: the rules file (path relative to the workspace) whose declarations apply (default: the file that sees the most)")
    .option("--max-chars <n>", `with --format markdown: cut the changed journeys' details to keep the comment within N characters (default ${DEFAULT_MAX_CHARS}; GitHub's limit is ${GITHUB_COMMENT_LIMIT})`)
    .option("--out-full <file>", "also write the full report, never cut, to this file (for a CI artifact; `-` is standard output)")
    .option("--link-base <url>", "with --format markdown: link each journey to its line under this URL (e.g. https://github.com/OWNER/REPO/blob/SHA/rules); default: links relative to the workspace folder")
    .addHelpText(
      "after",
      `
Examples:
  $ crmrules diff rules-old/ rules-new/             two folders
  $ crmrules diff main                              the main branch against the working folder
  $ crmrules diff origin/main HEAD -C rules --format markdown > diff.md
  $ crmrules diff main --events last-quarter.jsonl   how many real leads would change
  $ crmrules diff origin/main --format markdown --out-full diff-full.md > comment.md

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

/** Counts per outcome over a log's leads (one side): what the totals compare. */
function tallyOutcome(m: Map<string, number>, o: Outcome): void {
  const bump = (k: string, n = 1) => m.set(k, (m.get(k) ?? 0) + n);
  bump(`leads in stage ${o.stage ?? "none"}`);
  bump(o.owner === "not routed" ? "leads not routed" : `leads assigned to ${o.owner}`);
  for (const [k, v] of Object.entries(o.sent)) bump(`sent ${k}`, v.length);
  for (const [k, v] of Object.entries(o.blocked)) bump(`blocked ${k}`, v.length);
  for (const [k, v] of Object.entries(o.grades)) bump(`leads with grade ${k} ${v ?? "none"}`);
  if (o.escalations.length) bump("escalations", o.escalations.length);
  if (o.erased) bump("leads erased");
}

async function logDiff(base: Side, head: Side, opts: DiffOptions, cwd: string): Promise<LogDiff> {
  const input = openLog(opts.events!, cwd);
  const headCheck = checkFiles(head.root, head.files);
  const headFrom = opts.from ? `${head.root}/${opts.from.replace(/^\.\//, "")}` : rulesFile(headCheck, undefined, cwd);
  if (!headCheck.files.has(headFrom)) throw new UsageError(`\`--from ${opts.from}\` is not a .crmrules file of ${head.label}`);
  const relFrom = path.posix.relative(head.root, headFrom);
  const baseFrom = `${base.root}/${relFrom}`;
  if (!base.files.some((f) => f.uri === baseFrom)) throw new UsageError(`${base.label} has no \`${relFrom}\` to replay the log through (give \`--from\`)`);
  const baseCheck = checkFiles(base.root, base.files, headCheck);
  const baseRules = compile(baseCheck, baseFrom);
  const headRules = compile(headCheck, headFrom);
  const baseDecls = declarationsOf(baseCheck);
  const headDecls = declarationsOf(headCheck);
  const changed = changedDeclarations(baseDecls, headDecls);
  const ts = bothThresholds(baseCheck, baseRules, headCheck, headRules);
  const examples: LogDiff["examples"] = [];
  const stagePairs: [string, string][] = [];
  const ownerPairs: [string, string][] = [];
  const perWhat = new Map<string, { leads: number; causes: Map<string, number> }>();
  const causeCount = new Map<string, number>();
  const crossings = new Map<string, { up: number; down: number }>();
  const totalsBefore = new Map<string, number>();
  const totalsAfter = new Map<string, number>();
  let changedLeads = 0;
  const r = await replayBoth({ rules: baseRules }, { rules: headRules }, input, (p) => {
    const b = outcomeOf(p.before.final);
    const a = outcomeOf(p.after.final);
    tallyOutcome(totalsBefore, b);
    tallyOutcome(totalsAfter, a);
    if (JSON.stringify(b) === JSON.stringify(a)) return;
    // Only a lead that changes is replayed again with the trace on, for the causes.
    const t = p.retrace();
    const changes = compareRuns({ final: t.before.final, trace: t.before.trace, rules: baseRules, decls: baseDecls }, { final: t.after.final, trace: t.after.trace, rules: headRules, decls: headDecls }, changed, ts);
    if (!changes.length) return;
    changedLeads++;
    if (examples.length < 50) examples.push({ lead: p.lead, changes });
    for (const c of changes) {
      if (c.what === "stage") stagePairs.push([c.before, c.after]);
      if (c.what === "owner") ownerPairs.push([c.before, c.after]);
      const w = perWhat.get(c.what) ?? { leads: 0, causes: new Map<string, number>() };
      w.leads++;
      for (const k of c.causes) w.causes.set(k, (w.causes.get(k) ?? 0) + 1);
      perWhat.set(c.what, w);
      for (const x of c.crosses ?? []) {
        const e = crossings.get(x.label) ?? { up: 0, down: 0 };
        if (x.up) e.up++;
        else e.down++;
        crossings.set(x.label, e);
      }
    }
    for (const k of new Set(changes.flatMap((c) => c.causes))) causeCount.set(k, (causeCount.get(k) ?? 0) + 1);
  });
  const byCount = (m: Map<string, number>): CauseCount[] => [...m].map(([cause, leads]) => ({ cause, leads })).sort((x, y) => y.leads - x.leads || (x.cause < y.cause ? -1 : 1));
  const totals = [...new Set([...totalsBefore.keys(), ...totalsAfter.keys()])]
    .map((what) => ({ what, before: totalsBefore.get(what) ?? 0, after: totalsAfter.get(what) ?? 0 }))
    .filter((x) => x.before !== x.after)
    .sort((x, y) => Math.abs(y.after - y.before) - Math.abs(x.after - x.before) || (x.what < y.what ? -1 : 1));
  return {
    name: input.name,
    rules: relFrom,
    rulesGiven: opts.from !== undefined,
    leads: r.leads,
    lines: r.lines,
    malformedLines: r.malformed,
    dataProblems: r.problems,
    oldSchemaProblems: r.oldSchema,
    changedLeads,
    stageChanged: perWhat.get("stage")?.leads ?? 0,
    ownerChanged: perWhat.get("owner")?.leads ?? 0,
    changes: [...perWhat].map(([what, w]) => ({ what, leads: w.leads, causes: byCount(w.causes) })).sort((x, y) => y.leads - x.leads || (x.what < y.what ? -1 : 1)),
    totals,
    crossings: [...crossings].map(([threshold, c]) => ({ threshold, ...c })).sort((x, y) => y.up + y.down - (x.up + x.down) || (x.threshold < y.threshold ? -1 : 1)),
    stageMoves: tally(stagePairs),
    ownerMoves: tally(ownerPairs),
    causes: byCount(causeCount),
    examples,
  };
}

export async function runDiff(baseArg: string, headArg: string | undefined, opts: DiffOptions): Promise<ExitCode> {
  const cwd = process.cwd();
  let maxChars = DEFAULT_MAX_CHARS;
  if (opts.maxChars !== undefined) {
    const n = /^\d+$/.test(opts.maxChars.trim()) ? Number(opts.maxChars) : NaN;
    if (!Number.isSafeInteger(n) || n < 2000) throw new UsageError(`\`--max-chars ${opts.maxChars}\` must be a whole number of 2000 or more`);
    maxChars = n;
  }
  if (opts.strict && !opts.events) throw new UsageError("`--strict` checks the data of `--events`; give `--events SOURCE`");
  if (opts.linkBase !== undefined && !/^[a-z][a-z0-9+.-]*:\/\/\S+$/i.test(opts.linkBase)) throw new UsageError(`\`--link-base ${opts.linkBase}\` must be a URL such as https://github.com/OWNER/REPO/blob/SHA/rules`);
  // Opened first, so that an output that cannot be created fails before any work.
  const full = opts.outFull !== undefined ? openOutput(opts.outFull, cwd) : undefined;
  const problems: InputProblem[] = [];
  const base = side(baseArg, opts, cwd, problems);
  const head = side(headArg, opts, cwd, problems);
  reportProblems(problems);
  const report = compareSides(base, head);
  if (report.journeys.length === 0 && !opts.events) {
    say(`crmrules: ${head.label} has no journeys to replay\n`);
    return ExitCode.Usage;
  }
  if (opts.events) report.log = await logDiff(base, head, opts, cwd);
  const render = (cut: boolean) => {
    switch (opts.format) {
      // Control and bidirectional characters from the rules are escaped (cli/output/safe.ts).
      case "json":
        return jsonSafe(renderDiffJson(report));
      case "markdown":
        return sanitize(renderDiffMarkdown(report, { linkBase: opts.linkBase, ...(cut ? { maxChars, fullReport: opts.outFull === "-" ? undefined : opts.outFull } : {}) }));
      default: {
        const c = cut ? colorsFor(process.stdout) : plain;
        return sanitize(renderDiffText(report, c), c.isColorSupported);
      }
    }
  };
  if (full) {
    full.stream.write(render(false));
    await full.commit();
  }
  if (opts.outFull !== "-") write(render(true));
  const changed = report.summary.changed > 0 || (report.log !== undefined && report.log.changedLeads > 0);
  // --strict, as for simulate: a problem with the data fails the run (malformed lines already do, with 2).
  const strict = opts.strict && report.log && (report.log.dataProblems.count > 0 || report.log.malformedLines > 0) ? ExitCode.Findings : ExitCode.Success;
  return worst(opts.failOnChange && changed ? ExitCode.Findings : ExitCode.Success, strict, problems.length || report.log?.malformedLines ? ExitCode.Usage : ExitCode.Success);
}
