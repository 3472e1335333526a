/**
 * `crmrules eval`: one lead through the rules without writing a journey (as `opa eval --input`
 * and `cedar evaluate` do for one request): its fields as JSON, its events as JSON or JSON Lines,
 * from files or standard input → its outcome, the full trace, and `--why` / `--why-not` answers.
 */
import { Command, Option } from "commander";
import { why } from "../../core/engine/index.js";
import { runSubject, whyNot, whyNotProblem } from "../../core/engine/explain.js";
import { colorsFor } from "../color.js";
import { ExitCode, UsageError } from "../exit.js";
import { loadWorkspace } from "../files.js";
import { readInput, readLead, type InputIssue } from "../leadInput.js";
import { rulesFile } from "../bulk.js";
import { reportProblems, worst, writeJson, writeText } from "../report.js";
import { checkFiles } from "../workspace.js";
import { compile } from "../../core/engine/index.js";
import { closest } from "../suggest.js";
import { plural } from "../../core/text/words.js";
import { parseWhy, renderTrace, renderWhy } from "./simulate.js";
import { parseWhyNot, renderWhyNot } from "../whyNot.js";
import { ChunkWriter, jsonChunks } from "../stream.js";
import { escapeControls, sanitize } from "../output/safe.js";

export interface EvalOptions {
  lead?: string;
  events?: string;
  id?: string;
  from?: string;
  format: "text" | "json";
  why?: string[];
  whyNot?: string[];
  seed?: string;
  root?: string;
}

export function evalCommand(): Command {
  return new Command("eval")
    .description("evaluate one lead without writing a journey: its fields (JSON) and events (JSON or JSON Lines) → its outcome, trace, why and why not")
    .argument("[paths...]", "files or folders of the workspace", ["."])
    .option("--lead <file>", "the lead's fields as a JSON object (`-`: standard input), or an event-log `lead` record")
    .option("--events <file>", "the lead's events: a JSON array or JSON Lines of event-log records (docs/event-log.md; `type` and `lead` may be left out; `-`: standard input)")
    .option("--id <lead>", "the lead's id: picks its records from a log of several leads, and gives the round-robin seed bulk replay uses")
    .option("--from <file>", "the rules file whose declarations (and imports) apply (default: the file that sees the most)")
    .addOption(new Option("-f, --format <format>", "output format").choices(["text", "json"]).default("text"))
    .option("--why <question...>", "answer one question: `score NAME`, `route` or `action NAME`")
    .option("--why-not <question...>", "explain what did not happen: `rule NAME`, `stage NAME`, `route NAME`, `routed to owner|team|queue NAME`, each optionally `at day N`")
    .option("--seed <n>", "round-robin seed (mixed with the lead's id when there is one, as bulk replay does)")
    .option("--root <folder>", "workspace root (default: the folder containing every path)")
    .addHelpText(
      "after",
      `
Examples:
  $ crmrules eval --lead maria.json                          outcome and trace of one lead
  $ crmrules eval --lead maria.json --events maria.jsonl --why route
  $ crmrules eval --lead maria.json --why-not routed to owner ingrid
  $ crmrules eval --lead maria.json --why-not rule engagement.price_pages at day 3
  $ crmrules eval --events log.jsonl --id L000042 --format json
  $ echo '{"country": "NO", "company_size": 800}' | crmrules eval --lead - --why-not stage mql

Exit codes: 0 evaluated, 2 bad arguments or input (a malformed record, a value of the wrong type).
`,
    )
    .action((paths: string[], opts: EvalOptions) => {
      process.exitCode = runEval(paths, opts);
    });
}

function parseSeed(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const n = Number(s);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`\`--seed ${s}\` must be a whole number of 0 or more`);
  return n;
}

export function reportIssues(issues: InputIssue[]): boolean {
  const c = colorsFor(process.stderr);
  // In the order of the files and their lines (problems of one file together).
  const key = (i: InputIssue) => /^(.*?)(?::(\d+):(\d+))?$/.exec(i.place)!;
  const sorted = issues.map((i, n) => ({ i, n, m: key(i) })).sort((a, b) => (a.m[1]! < b.m[1]! ? -1 : a.m[1]! > b.m[1]! ? 1 : Number(a.m[2] ?? 0) - Number(b.m[2] ?? 0) || Number(a.m[3] ?? 0) - Number(b.m[3] ?? 0) || a.n - b.n));
  for (const { i } of sorted) process.stderr.write(sanitize(`${i.severity === "error" ? c.red("crmrules: error:") : c.yellow("crmrules: warning:")} ${i.place}: ${i.message}\n`, c.isColorSupported));
  return issues.some((i) => i.severity === "error");
}

export function runEval(paths: string[], opts: EvalOptions): ExitCode {
  if (opts.lead === undefined && opts.events === undefined) throw new UsageError("give the lead: `--lead lead.json` (its fields) and/or `--events events.jsonl` (its records)");
  if (opts.lead === "-" && opts.events === "-") throw new UsageError("`--lead -` and `--events -` cannot both read standard input");
  if (opts.why && opts.whyNot) throw new UsageError("ask one question at a time: `--why` or `--why-not`");
  const query = parseWhy(opts.why);
  const notQuery = parseWhyNot(opts.whyNot);
  const seed = parseSeed(opts.seed);
  const cwd = process.cwd();
  const ws = loadWorkspace(paths, { root: opts.root, cwd });
  reportProblems(ws.problems);
  const check = checkFiles(ws.root, ws.files);
  const errors = check.diagnostics.filter((d) => d.severity === "error").length;
  if (errors) process.stderr.write(`warning: the rules have ${plural(errors, "error")}; incomplete declarations are left out (see \`crmrules check\`)\n`);
  const rules = compile(check, rulesFile(check, opts.from, cwd));
  const lead = opts.lead !== undefined ? readInput(opts.lead, cwd, "--lead") : null;
  const events = opts.events !== undefined ? readInput(opts.events, cwd, "--events", true) : null;
  const input = readLead(rules, lead, events, { ...(opts.id !== undefined ? { id: opts.id } : {}), ...(seed !== undefined ? { seed } : {}) });
  if (reportIssues(input.issues)) return ExitCode.Usage;
  if (query && query.kind !== "route") {
    const names = query.kind === "score" ? rules.scores.map((s) => s.name) : [...rules.actions.keys()];
    if (!names.includes(query.name)) {
      const near = closest(query.name, names);
      throw new UsageError(`there is no ${query.kind} named \`${query.name}\`${near ? `; did you mean \`${near}\`?` : ""}`);
    }
  }
  if (notQuery) {
    const p = whyNotProblem(rules, notQuery);
    if (p) throw new UsageError(p);
  }
  const c = colorsFor(process.stdout);
  const result = runSubject(rules, input.subject);
  const out = new ChunkWriter(opts.format === "json" ? writeJson : writeText);
  const label = escapeControls(input.subject.name);
  if (opts.format === "json") {
    const doc = query ? { lead: input.id, question: query, ...why(result, query) } : notQuery ? { lead: input.id, query: notQuery, ...whyNot(rules, input.subject, notQuery) } : { lead: input.id, seed: result.seed, source: result.source, trace: result.trace, final: result.final };
    out.addAll(jsonChunks(doc));
    out.add("\n");
  } else if (query) out.add(renderWhy(result, query, cwd, c, label));
  else if (notQuery) out.add(renderWhyNot(label, whyNot(rules, input.subject, notQuery), cwd, c));
  else out.add(renderTrace(result, cwd, c, label));
  out.flush();
  return worst(ws.problems.length ? ExitCode.Usage : ExitCode.Success);
}
