/** `crmrules test [paths…]`: run every journey's expectations, with a coverage summary. */
import { Command, Option } from "commander";
import { colorsFor } from "../color.js";
import { ExitCode, UsageError } from "../exit.js";
import { loadWorkspace } from "../files.js";
import { repositoryRoot } from "../git.js";
import { belowMinimum, coverage, journeysOf, runAll } from "../journeys.js";
import { belowMinimums, moreCoverage, parseMinimums, renderLcov } from "../coverage.js";
import { OutputError, writeFileAtomic } from "../atomicWrite.js";
import * as path from "node:path";
import { displayPath } from "../files.js";
import { reportInternalErrors, reportProblems, worst, write, writeJson, writeText } from "../report.js";
import { closest } from "../suggest.js";
import { checkFiles, InternalErrors } from "../workspace.js";
import { expectationKey, type TestReport } from "../output/testReport.js";
import { renderTestText } from "../output/testText.js";
import { renderTestJson } from "../output/testJson.js";
import { renderTestJUnit } from "../output/testJUnit.js";
import { renderTestGithub } from "../output/testGithub.js";
import { renderTestSarif } from "../output/testSarif.js";
import { renderTestMarkdown } from "../output/testMarkdown.js";
import { runJourney } from "../../core/engine/index.js";
import { explainExpectation, type ExpectationExplanation } from "../../core/engine/explain.js";
import { guarded } from "../../core/diagnostics/internalError.js";
import type { JourneyRun } from "../journeys.js";
import { plural } from "../../core/text/words.js";
import { watch, type WatchSession } from "../watch.js";

export const TEST_FORMATS = ["text", "json", "junit", "github", "sarif", "markdown"] as const;

interface TestOptions {
  format: (typeof TEST_FORMATS)[number];
  filter?: string;
  minCoverage?: string;
  root?: string;
  verbose?: boolean;
  explain?: boolean;
  quiet?: boolean;
  linkBase?: string;
  coverageOut?: string;
  watch?: boolean;
}

export function testCommand(): Command {
  return new Command("test")
    .description("run the journeys: replay each one and check its `expect` lines; report what no journey exercises")
    .argument("[paths...]", "files or folders (the whole workspace is checked; journeys in these paths run)", ["."])
    .addOption(new Option("-f, --format <format>", "output format").choices(TEST_FORMATS).default("text"))
    .option("--filter <text>", "run only journeys whose name contains this text (case does not matter)")
    .option("--min-coverage <percent>", "fail below this percentage of score rules, routing entries and consent clauses exercised, or per kind: `rules=90,stages=100` (rules, stages, workflows, steps, actions, blocked)")
    .option("--coverage-out <file>", "write the coverage of every kind as an lcov tracefile (or JSON when the name ends in .json; `-`: standard output)")
    .option("--root <folder>", "workspace root (default: the folder containing every path)")
    .option("--verbose", "list every item no journey exercises")
    .option("-q, --quiet", "text: print only failed journeys and the summary")
    .option("--link-base <url>", "markdown: prefix of the links to journeys' lines (default: relative to the workspace folder)")
    .option("-w, --watch", "run again on every save: only the journeys whose rules or file changed; ends with Ctrl-C")
    .option("--explain", "for each failed expectation, the trace entries that decided it and, for `stage ==` and `routed to`, why not")
    .addHelpText(
      "after",
      `
Examples:
  $ crmrules test                          run every journey under the current folder
  $ crmrules test --filter nordic          only journeys with "nordic" in their name
  $ crmrules test --format junit > crmrules-junit.xml
  $ crmrules test --min-coverage 80        fail below 80% coverage
  $ crmrules test --min-coverage rules=90,stages=100
  $ crmrules test --coverage-out coverage.lcov
  $ crmrules test --explain                what decided each failed expectation
  $ crmrules test --format sarif > crmrules-test.sarif

Exit codes: 0 all passed, 1 a journey failed or coverage is below the minimum, 2 bad arguments or unreadable input.
`,
    )
    .action(async (paths: string[], opts: TestOptions) => {
      process.exitCode = opts.watch ? await watch("test", paths, opts, (s) => runTest(paths, opts, s)) : runTest(paths, opts);
    });
}


/** With `session` (`--watch`), files are read through it, checked incrementally, and only journeys whose file's check changed run again. */
export function runTest(paths: string[], opts: TestOptions, session?: WatchSession): ExitCode {
  const minimums = parseMinimums(opts.minCoverage);
  const minCoverage = minimums.get("rules") ?? null;
  const cwd = process.cwd();
  const ws = loadWorkspace(paths, { root: opts.root, cwd, ...(session ? { read: session.read } : {}) });
  reportProblems(ws.problems);
  const check = session ? session.check(ws) : checkFiles(ws.root, ws.files);
  const errors = check.diagnostics.filter((d) => d.severity === "error").length;
  const c = colorsFor(process.stderr);
  if (errors) process.stderr.write(`${c.yellow("warning:")} the rules have ${plural(errors, "error")}; incomplete declarations are left out of the journeys (see \`crmrules check\`)\n`);
  // The guard per file: a file whose rules or journeys fail internally is one CR9001; the others run.
  const internal = new InternalErrors();
  let journeys = journeysOf(check, internal).filter((j) => ws.selected.has(j.uri));
  if (journeys.length === 0) {
    process.stderr.write(`${c.red("crmrules:")} no journeys found in ${plural(ws.files.length, "file")}\n`);
    return ExitCode.Usage;
  }
  if (opts.filter !== undefined) {
    const f = opts.filter.toLowerCase();
    const all = journeys;
    journeys = journeys.filter((j) => j.name.toLowerCase().includes(f));
    if (journeys.length === 0) {
      const near = closest(opts.filter, all.map((j) => j.name));
      throw new UsageError(`no journey name contains \`${opts.filter}\`${near ? `; did you mean \`${near}\`?` : ""}`);
    }
  }
  const runs = session ? session.run(journeys, internal) : runAll(journeys, internal);
  const cov = coverage(check, runs, internal);
  const more = moreCoverage(check, runs, cov, internal);
  // `--explain`: only the failed journeys run again, with their whole trace.
  const explanations = opts.explain ? explainFailures(runs, internal) : undefined;
  reportInternalErrors(internal.list, cwd);
  const report: TestReport = {
    runs,
    coverage: cov,
    texts: new Map(ws.files.map((f) => [f.uri, f.text])),
    cwd,
    minCoverage,
    root: ws.root,
    ruleErrors: [...check.diagnostics.filter((d) => d.severity === "error"), ...internal.list],
    ...(explanations ? { explanations } : {}),
    more,
    minimums,
  };
  if (opts.coverageOut !== undefined) {
    const text = opts.coverageOut.endsWith(".json") ? JSON.stringify({ kinds: more.kinds.map((k) => ({ ...k, items: k.items.map((i) => ({ name: i.name, file: displayPath(i.source.uri, cwd), line: i.source.range.start.line + 1, journeys: i.hits })) })), expectationsPerFile: more.files.map((f) => ({ file: displayPath(f.uri, cwd), passed: f.passed, total: f.total })) }, null, 2) + "\n" : renderLcov(more.kinds, (u) => displayPath(u, cwd));
    if (opts.coverageOut === "-") write(text);
    else {
      try {
        writeFileAtomic(path.resolve(cwd, opts.coverageOut), text);
      } catch (e) {
        if (e instanceof OutputError) throw new UsageError(`--coverage-out ${opts.coverageOut}: ${e.reason}`);
        throw e;
      }
    }
  }
  switch (opts.format) {
    case "json":
      writeJson(renderTestJson(report));
      break;
    case "junit":
      write(renderTestJUnit({ ...report, reportBase: repositoryRoot(ws.root, cwd) }));
      break;
    case "github":
      writeText(renderTestGithub(report));
      break;
    case "sarif":
      writeJson(renderTestSarif({ ...report, reportBase: repositoryRoot(ws.root, cwd) }));
      break;
    case "markdown":
      writeText(renderTestMarkdown(report, opts.linkBase));
      break;
    default:
      writeText(renderTestText(report, colorsFor(process.stdout), opts.verbose, opts.quiet));
  }
  const failed = runs.some((r) => !r.result.passed) || errors > 0 || internal.list.length > 0 || (minCoverage !== null && belowMinimum(report.coverage, minCoverage)) || belowMinimums(more.kinds, minimums).some((k) => k.kind !== "rules");
  return worst(failed ? ExitCode.Findings : ExitCode.Success, ws.problems.length ? ExitCode.Usage : ExitCode.Success);
}

/** Each failed expectation's explanation: its journey replayed again with the whole trace. */
function explainFailures(runs: JourneyRun[], internal: InternalErrors): Map<string, ExpectationExplanation> {
  const out = new Map<string, ExpectationExplanation>();
  for (const { journey, result } of runs) {
    if (result.passed) continue;
    guarded(
      "simulate",
      journey.uri,
      () => {
        const full = runJourney(journey.rules, journey.decl, { seed: result.seed });
        for (const x of full.expectations) if (!x.pass) out.set(expectationKey(x), explainExpectation(journey.rules, journey.decl, full, x));
      },
      (e) => internal.add(journey.uri, "simulate", e),
    );
  }
  return out;
}
