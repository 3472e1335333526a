/** `crmrules simulate <journey>`: replay one journey and show its trace, or answer why. */
import { existsSync, statSync } from "node:fs";
import * as path from "node:path";
import { Command, Option } from "commander";
import { compile, leadResult, renderEntry, runJourney, why, type JourneyResult, type TraceEntry, type WhyQuery } from "../../core/engine/index.js";
import { colorsFor, plain, type Colors } from "../color.js";
import { ExitCode, UsageError } from "../exit.js";
import { displayPath, loadWorkspace, toPosix } from "../files.js";
import { journeysOf } from "../journeys.js";
import { reportInternalErrors, reportProblems, worst, write, writeJson, writeText } from "../report.js";
import { escapeControls, sanitize } from "../output/safe.js";
import { closest } from "../suggest.js";
import { checkFiles, InternalErrors, type WorkspaceJourney } from "../workspace.js";
import { guarded } from "../../core/diagnostics/internalError.js";
import { location } from "../output/caret.js";
import { bulkReportText, openLog, replay, rulesFile } from "../bulk.js";
import { prepareOutcomeOutput } from "../outcomeOutput.js";
import { ChunkWriter, jsonChunks } from "../stream.js";
import { journeyLeadSubject, journeySubject, whyNot, whyNotProblem } from "../../core/engine/explain.js";
import { journeyLeadDecls } from "../../core/engine/runLeads.js";
import { parseWhyNot, renderWhyNot } from "../whyNot.js";
import { runEval } from "./eval.js";
import { runDistributed } from "../distributed.js";
import { plural } from "../../core/text/words.js";

interface SimulateOptions {
  format: "text" | "json";
  events?: string;
  out?: string;
  from?: string;
  workers?: string;
  why?: string[];
  whyNot?: string[];
  id?: string;
  lead?: string;
  seed?: string;
  root?: string;
  strict?: boolean;
  shard?: string;
  dask?: string;
  shards?: string;
  parts?: string;
}

export function simulateCommand(): Command {
  return new Command("simulate")
    .description("replay a journey and show what happened, step by step: scores, stages, routing, consent and actions")
    .argument("[journey]", "the journey's name (or part of it), or a .crmrules file whose journeys to replay (not with --events)")
    .argument("[paths...]", "files or folders of the workspace", ["."])
    .addOption(new Option("-f, --format <format>", "output format").choices(["text", "json"]).default("text"))
    .option("--why <question...>", "answer one question: `score NAME`, `route` or `action NAME`")
    .option("--why-not <question...>", "explain what did not happen: `rule NAME`, `stage NAME`, `route NAME`, `routed to owner|team|queue NAME`, each optionally `at day N`")
    .option("--seed <n>", "seed for round-robin choices (default: the journey's `seed`)")
    .option("--root <folder>", "workspace root (default: the folder containing every path)")
    .option("--events <source>", "replay the history of many leads: an event log (JSON Lines, docs/event-log.md; `-` reads standard input), a Parquet, CSV or JSON file, folder or glob, FILE.duckdb#TABLE, `sql:SELECT …`, or a mapping file (crmrules.map.json) for exports in other shapes (docs/data.md)")
    .option("--out <file>", "with --events: write each lead's outcome to this file, in the format of its extension: .jsonl (JSON Lines; `-`: standard output, and the summary goes to standard error), .parquet, .csv, or FILE.duckdb#TABLE (a DuckDB table); docs/data.md, \"Outcomes\"")
    .option("--from <file>", "with --events: the rules file whose declarations (and imports) apply (default: the file that sees the most)")
    .option("--workers <n>", "with --events: worker threads (0 replays in this thread; default: 0 on a machine with 2 cores or fewer, else 2)")
    .option("--strict", "with --events: exit with 1 when any record or value of the data has a problem (docs/data.md, \"Validation\"); without it they are reported and left out")
    .option("--shard <I/N>", "with --events: replay only shard I of N (the leads whose id hashes there) into a part file (--out); `crmrules merge` combines the parts (docs/distributed.md)")
    .option("--dask <scheduler>", "with --events: replay on a Dask cluster, one task per shard, then merge: `tcp://host:8786`, or `local:N` for a local cluster of N worker processes (docs/distributed.md)")
    .option("--shards <n>", "with --dask: the number of shards (default: the cluster's worker threads)")
    .option("--parts <folder>", "with --dask: where the workers write their parts, on storage they share (default: a new temporary folder)")
    .option("--id <lead>", "with --events and --why or --why-not: the lead to explain (needed when the log has several)")
    .option("--lead <name>", "with --why or --why-not on a journey with several leads: the lead to explain (default: each lead in turn)")
    .addHelpText(
      "after",
      `
Examples:
  $ crmrules simulate "Nordic CTO converts after a webinar"
  $ crmrules simulate nordic --why score fit      why does the lead have this fit score?
  $ crmrules simulate nordic --why route          why was the lead routed there?
  $ crmrules simulate nordic --why action send_email
  $ crmrules simulate nordic --why-not routed to owner ingrid
  $ crmrules simulate nordic --why-not rule engagement.price_pages at day 3
  $ crmrules simulate --events log.jsonl --id L000042 --why route     one lead of a log
  $ crmrules simulate journeys/nordic.crmrules --format json
  $ crmrules simulate --events leads.jsonl --out outcomes.jsonl     bulk replay of a log
  $ crmrules simulate --events events.parquet --out outcomes.parquet  outcomes as Parquet (also .csv, out.duckdb#outcomes)
  $ crmrules simulate --events leads.parquet --dask local:2 --out outcomes.jsonl
  $ crmrules simulate --events leads.jsonl --shard 0/4 --out part-0.jsonl   one shard, for crmrules merge
`,
    )
    .action(async (journey: string | undefined, paths: string[], opts: SimulateOptions) => {
      if (opts.events !== undefined) {
        // With --events every argument names the workspace: a journey name is a mistake, not a path to skip.
        if (journey !== undefined && !existsSync(path.resolve(process.cwd(), journey)))
          throw new UsageError(`\`${journey}\` is not a file or folder; \`--events\` replays the log through the workspace, so it takes paths, not a journey name`);
        const ws = journey === undefined ? paths : [journey, ...paths.filter((p) => p !== ".")];
        // A question is about one lead: the log's lead (or `--id`'s) is evaluated as `crmrules eval` does.
        if (opts.why || opts.whyNot) {
          if (opts.out !== undefined || opts.workers !== undefined || opts.shard !== undefined || opts.dask !== undefined) throw new UsageError("`--why` and `--why-not` explain one lead; they do not go with `--out`, `--workers`, `--shard` or `--dask`");
          process.exitCode = runEval(ws, { events: opts.events, format: opts.format, ...(opts.id !== undefined ? { id: opts.id } : {}), ...(opts.from !== undefined ? { from: opts.from } : {}), ...(opts.why ? { why: opts.why } : {}), ...(opts.whyNot ? { whyNot: opts.whyNot } : {}), ...(opts.seed !== undefined ? { seed: opts.seed } : {}), ...(opts.root !== undefined ? { root: opts.root } : {}) });
          return;
        }
        if (opts.id !== undefined) throw new UsageError("`--id` picks the lead that `--why` or `--why-not` explains");
        if (opts.lead !== undefined) throw new UsageError("`--lead` picks a lead of a journey with several leads; with `--events`, `--id` picks the lead of the log");
        if (opts.shard !== undefined || opts.dask !== undefined || opts.shards !== undefined || opts.parts !== undefined) {
          process.exitCode = await runDistributed(ws, { ...opts, events: opts.events, seed: parseSeed(opts.seed), workers: parseWorkers(opts.workers) });
          return;
        }
        process.exitCode = await runBulk(ws, opts);
        return;
      }
      for (const o of ["out", "from", "workers", "id", "shard", "dask", "shards", "parts"] as const) if (opts[o] !== undefined) throw new UsageError(`\`--${o}\` goes with \`--events\``);
      if (opts.lead !== undefined && !opts.why && !opts.whyNot) throw new UsageError("`--lead` picks the lead that `--why` or `--why-not` explains in a journey with several leads");
      if (opts.why && opts.whyNot) throw new UsageError("ask one question at a time: `--why` or `--why-not`");
      if (journey === undefined) throw new UsageError("name a journey to simulate (or give `--events log.jsonl` to replay a log)");
      process.exitCode = runSimulate(journey, paths, opts);
    });
}

function parseWorkers(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const n = Number(s);
  if (!Number.isInteger(n) || n < 0 || n > 64) throw new UsageError(`\`--workers ${s}\` must be a whole number from 0 to 64`);
  return n;
}

async function runBulk(paths: string[], opts: SimulateOptions): Promise<ExitCode> {
  const seed = parseSeed(opts.seed);
  const workers = parseWorkers(opts.workers);
  const cwd = process.cwd();
  const input = openLog(opts.events!, cwd);
  const ws = loadWorkspace(paths.length ? paths : ["."], { root: opts.root, cwd });
  reportProblems(ws.problems);
  const check = checkFiles(ws.root, ws.files);
  const errors = check.diagnostics.filter((d) => d.severity === "error").length;
  if (errors) process.stderr.write(`warning: the rules have ${plural(errors, "error")}; incomplete declarations are left out (see \`crmrules check\`)\n`);
  const fromUri = rulesFile(check, opts.from, cwd);
  // The target is reserved first, so that one that cannot be written fails before any work.
  const pending = opts.out ? prepareOutcomeOutput(opts.out, cwd) : undefined;
  const workerScript = path.join(__dirname, "worker.js");
  let rules;
  try {
    rules = compile(check, fromUri);
  } catch (e) {
    pending?.abort();
    throw e;
  }
  // Parquet, CSV and DuckDB tables have a member per score and grade of the rules.
  const out = pending ? await pending.open({ scores: rules.scores.map((s) => s.name), grades: rules.grades.map((g) => g.name) }) : undefined;
  const result = await replay({ root: ws.root, files: ws.files, fromUri }, input, { workers, seed, out, schema: rules, workerScript: existsSync(workerScript) ? workerScript : undefined });
  // With `--out -` standard output carries the outcomes (JSON Lines only); the summary goes to standard error.
  const say = opts.out === "-" ? (t: string) => void process.stderr.write(sanitize(t)) : opts.format === "json" ? writeJson : writeText;
  const internalActions = [...rules.actions.values()].filter((a) => a.reach === "internal").map((a) => a.name).sort();
  // The one report (cli/bulk.ts), which `crmrules merge` writes from shard parts too.
  say(bulkReportText({ rules: displayPath(fromUri, cwd), rulesGiven: opts.from !== undefined, internalActions, lines: result.lines, malformedLines: result.errorCount, dataProblems: result.problems, summary: result.summary, errors: result.errors }, opts.format));
  // --strict: a problem with the data fails the run (malformed lines already do, with 2).
  const strict = opts.strict && (result.problems.count > 0 || result.errorCount > 0) ? ExitCode.Findings : ExitCode.Success;
  return worst(ws.problems.length || result.errorCount ? ExitCode.Usage : ExitCode.Success, strict);
}

export function parseWhy(words: string[] | undefined): WhyQuery | undefined {
  if (!words) return undefined;
  const [kind, name, ...rest] = words;
  const usage = "`--why` takes `score NAME`, `route` or `action NAME`";
  if (rest.length) throw new UsageError(`${usage}; \`${rest.join(" ")}\` is one word too many`);
  if (kind === "route") {
    if (name !== undefined) throw new UsageError(`${usage}; \`route\` takes no name`);
    return { kind: "route" };
  }
  if (kind === "score" || kind === "action") {
    if (!name) throw new UsageError(`${usage}; \`${kind}\` needs a name`);
    return { kind, name };
  }
  throw new UsageError(`${usage}, not \`${words.join(" ")}\``);
}

function parseSeed(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const n = Number(s);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`\`--seed ${s}\` must be a whole number of 0 or more`);
  return n;
}

/** Journeys named by `arg`: a file (all its journeys), an exact name, or the one name containing it. */
export function pickJourneys(arg: string, journeys: WorkspaceJourney[], cwd: string): WorkspaceJourney[] {
  const asPath = path.resolve(cwd, arg);
  if (arg.endsWith(".crmrules") || (existsSync(asPath) && statSync(asPath).isFile())) {
    const uri = toPosix(asPath);
    const inFile = journeys.filter((j) => j.uri === uri);
    if (inFile.length) return inFile;
    if (!existsSync(asPath)) throw new UsageError(`\`${arg}\` does not exist`);
    throw new UsageError(`\`${arg}\` declares no journeys (or is not part of the workspace)`);
  }
  const lower = arg.toLowerCase();
  const exact = journeys.filter((j) => j.name.toLowerCase() === lower);
  if (exact.length) return exact.slice(0, 1);
  const partial = journeys.filter((j) => j.name.toLowerCase().includes(lower));
  if (partial.length === 1) return partial;
  if (partial.length > 1) throw new UsageError(`\`${arg}\` matches ${partial.length} journeys: ${partial.map((j) => `"${j.name}"`).join(", ")}; give more of the name`);
  const near = closest(arg, journeys.map((j) => j.name));
  throw new UsageError(`there is no journey named \`${arg}\`${near ? `; did you mean "${near}"?` : journeys.length ? "" : " (the workspace has no journeys)"}`);
}

export function runSimulate(arg: string, paths: string[], opts: SimulateOptions): ExitCode {
  const query = parseWhy(opts.why);
  const notQuery = parseWhyNot(opts.whyNot);
  const seed = parseSeed(opts.seed);
  const cwd = process.cwd();
  const ws = loadWorkspace(paths, { root: opts.root, cwd });
  reportProblems(ws.problems);
  const check = checkFiles(ws.root, ws.files);
  const internal = new InternalErrors();
  let picked: WorkspaceJourney[];
  try {
    picked = pickJourneys(arg, journeysOf(check, internal), cwd);
  } catch (e) {
    // The file named failed internally (its journeys are left out): say that, not "declares no journeys".
    if (e instanceof UsageError && internal.has(toPosix(path.resolve(cwd, arg)))) {
      reportInternalErrors(internal.list, cwd);
      return ExitCode.Findings;
    }
    throw e;
  }
  if (query && query.kind !== "route") {
    for (const j of picked) {
      const names = query.kind === "score" ? j.rules.scores.map((s) => s.name) : [...j.rules.actions.keys()];
      if (!names.includes(query.name)) {
        const near = closest(query.name, names);
        throw new UsageError(`there is no ${query.kind} named \`${query.name}\`${near ? `; did you mean \`${near}\`?` : ""}`);
      }
    }
  }
  if (opts.lead !== undefined)
    for (const j of picked) {
      if (!j.decl.leads?.length) throw new UsageError(`the journey "${j.name}" has one lead; \`--lead\` picks a lead of a journey with several leads (\`lead NAME { … }\`)`);
      leadsAsked(j, opts.lead);
    }
  if (notQuery) for (const j of picked) {
    const p = whyNotProblem(j.rules, notQuery);
    if (p) throw new UsageError(p);
  }
  const c = colorsFor(process.stdout);
  // Written in pieces: a long journey's trace is more text than one string can hold.
  // Control and bidirectional characters from the rules are escaped as they are written (cli/output/safe.ts).
  const out = new ChunkWriter(opts.format === "json" ? writeJson : writeText);
  // A long journey's trace is written while it runs and never kept (without `--why`, which reads it whole).
  if (!query && !notQuery && picked.some((j) => j.decl.steps.length > STREAM_STEPS)) {
    streamJourneys(picked, seed, opts.format, out, cwd, c);
    out.flush();
    return worst(ws.problems.length ? ExitCode.Usage : ExitCode.Success);
  }
  // The guard per file: a journey whose run fails internally is one CR9001 for its file; the others are shown.
  if (notQuery) {
    const answers = picked.flatMap((j) =>
      guarded(
        "simulate",
        j.uri,
        () =>
          j.decl.leads?.length
            ? leadsAsked(j, opts.lead).map((lead) => ({ journey: j.name, lead, answer: whyNot(j.rules, journeyLeadSubject(j.rules, j.decl, lead, seed)!, notQuery) }))
            : [{ journey: j.name, answer: whyNot(j.rules, journeySubject(j.rules, j.decl, seed), notQuery) }],
        (e) => (internal.add(j.uri, "simulate", e), []),
      ),
    );
    reportInternalErrors(internal.list, cwd);
    if (opts.format === "json") {
      const docs = answers.map((a) => ({ journey: a.journey, ...("lead" in a ? { lead: a.lead } : {}), query: notQuery, ...a.answer }));
      out.addAll(jsonChunks(docs.length === 1 ? docs[0] : docs));
      out.add("\n");
    } else answers.forEach((a, i) => out.add((i ? "\n" : "") + renderWhyNot(`journey "${escapeControls(a.journey)}"${"lead" in a ? `, lead ${a.lead}` : ""}`, a.answer, cwd, c)));
    out.flush();
    return worst(ws.problems.length ? ExitCode.Usage : ExitCode.Success, internal.list.length ? ExitCode.Findings : ExitCode.Success);
  }
  const results = picked.flatMap((j) => guarded("simulate", j.uri, () => [runJourney(j.rules, j.decl, seed === undefined ? {} : { seed })], (e) => (internal.add(j.uri, "simulate", e), [])));
  reportInternalErrors(internal.list, cwd);
  // `--why` on a journey with several leads: one answer per lead (or `--lead`'s), from that lead's part of the result.
  const asked = (r: JourneyResult, j: WorkspaceJourney): { r: JourneyResult; lead?: string }[] => (r.leads ? leadsAsked(j, opts.lead).map((lead) => ({ r: leadResult(r, lead)!, lead })) : [{ r }]);
  const judged = query ? picked.flatMap((j) => results.filter((r) => r.source.uri === j.uri && r.journey === j.name).flatMap((r) => asked(r, j))) : [];
  if (opts.format === "json") {
    const docs = query ? judged.map(({ r, lead }) => ({ journey: r.journey, ...(lead !== undefined ? { lead } : {}), question: query, ...why(r, query) })) : results;
    out.addAll(jsonChunks(docs.length === 1 ? docs[0] : docs));
    out.add("\n");
  } else if (query) {
    judged.forEach(({ r, lead }, i) => out.add((i ? "\n" : "") + renderWhy(r, query, cwd, c, lead !== undefined ? `journey "${escapeControls(r.journey)}", lead ${lead}` : undefined)));
  } else {
    results.forEach((r, i) => {
      if (i) out.add("\n");
      for (const line of traceLines(r, cwd, c)) out.add(line + "\n");
    });
  }
  out.flush();
  return worst(ws.problems.length ? ExitCode.Usage : ExitCode.Success, internal.list.length ? ExitCode.Findings : ExitCode.Success);
}

/** Journeys longer than this many steps are streamed (`streamJourneys`). */
export const STREAM_STEPS = 10_000;

/**
 * Runs the journeys and writes each one's trace as it happens (the engine keeps none of it): the
 * same bytes as the JSON or text of their results. Without the guard per file: a run that fails
 * internally has already written part of its output, so the error is not caught here.
 */
export function streamJourneys(picked: WorkspaceJourney[], seed: number | undefined, format: "text" | "json", out: ChunkWriter, cwd: string, c: Colors): void {
  const many = picked.length > 1;
  if (format === "json" && many) out.add("[");
  picked.forEach((j, i) => {
    const pad = many ? "  " : "";
    const p1 = pad + "  ";
    const p2 = p1 + "  ";
    const at = { last: "" };
    let entries = 0;
    const leaf = (v: unknown, p: string) => JSON.stringify(v, null, 2).replace(/\n/g, "\n" + p);
    if (format === "json") out.add(many ? (i ? ",\n  " : "\n  ") : "");
    else if (i) out.add("\n");
    const r = runJourney(j.rules, j.decl, {
      ...(seed === undefined ? {} : { seed }),
      onStart: (h) => {
        if (format === "text") out.add(traceHead(h, cwd, c) + "\n");
        else out.add(`{\n${p1}"journey": ${leaf(h.journey, p1)},\n${p1}"seed": ${leaf(h.seed, p1)},\n${p1}"source": ${leaf(h.source, p1)},\n${p1}"trace": `);
      },
      onTrace: (e) => {
        if (format === "text") for (const line of entryLines(e, at, cwd, c)) out.add(line + "\n");
        else out.add((entries ? ",\n" : "[\n") + p2 + leaf(e, p2));
        entries++;
      },
    });
    if (format === "text") {
      for (const line of traceEnd(r, c)) out.add(line + "\n");
      return;
    }
    out.add(entries ? `\n${p1}]` : "[]");
    for (const k of ["expectations", "final", ...(r.leads ? (["leads"] as const) : []), "passed"] as const) {
      out.add(`,\n${p1}${JSON.stringify(k)}: `);
      out.addAll(jsonChunks(r[k], p1, 1));
    }
    out.add(`\n${pad}}`);
  });
  if (format === "json") out.add(many ? "\n]\n" : "\n");
}

const TONE: Record<string, keyof Colors> = { score: "cyan", suppressed: "dim", stage: "magenta", route: "green", escalation: "yellow", action: "blue", expect: "bold", note: "yellow" };

export function renderTrace(r: JourneyResult, cwd: string, c: Colors = plain, label?: string): string {
  return [...traceLines(r, cwd, c, label)].join("\n") + "\n";
}

/** The lines of `renderTrace`, one at a time. `label`: the heading's subject (default `journey "NAME"`). */
export function* traceLines(r: JourneyResult, cwd: string, c: Colors = plain, label?: string): Generator<string> {
  yield traceHead(r, cwd, c, label);
  const at = { last: "" };
  for (const e of r.trace) yield* entryLines(e, at, cwd, c);
  yield* traceEnd(r, c);
}

function traceHead(r: Pick<JourneyResult, "journey" | "seed" | "source">, cwd: string, c: Colors, label?: string): string {
  return c.bold(label ?? `journey "${escapeControls(r.journey)}"`) + c.dim(` (seed ${r.seed}) ${location(displayPath(r.source.uri, cwd), r.source.range)}`);
}

/** One entry's lines (its time first when it differs from the previous entry's, kept in `at`). */
function* entryLines(e: TraceEntry, at: { last: string }, cwd: string, c: Colors): Generator<string> {
  if (e.time !== at.last) {
    yield c.bold(e.time);
    at.last = e.time;
  }
  let text = renderEntry(e);
  if (e.kind === "expect") text = e.pass ? c.green(text) : c.red(text);
  else if (e.kind === "action" && e.status === "blocked") text = c.red(text);
  else {
    const tone = TONE[e.kind];
    if (tone) text = (c[tone] as (s: string) => string)(text);
  }
  yield `  ${text}  ${c.dim(location(displayPath(e.source.uri, cwd), e.source.range))}`;
}

function* traceEnd(r: JourneyResult, c: Colors): Generator<string> {
  yield c.bold(`at the end (${r.final.time})`);
  // A journey with several leads: each lead's state, under its name.
  if (r.leads)
    for (const l of r.leads) {
      yield `  ${l.name}:`;
      for (const line of finalLines(l.final)) yield `  ${line}`;
    }
  else yield* finalLines(r.final);
  const passed = r.expectations.filter((x) => x.pass).length;
  if (r.expectations.length) yield (r.passed ? c.green : c.red)(`${passed} of ${r.expectations.length} expectations passed`);
}

function* finalLines(f: JourneyResult["final"]): Generator<string> {
  yield `  stage: ${f.stage ?? "none"}`;
  const scores = Object.entries(f.scores).map(([k, v]) => `${k} ${v ?? "unscored"}`);
  if (scores.length) yield `  scores: ${scores.join(", ")}`;
  const grades = Object.entries(f.grades).map(([k, v]) => `${k} ${v ?? "none"}`);
  if (grades.length) yield `  grades: ${grades.join(", ")}`;
  for (const x of f.routing) yield `  routed by ${x.route}: ${x.target ? `${x.target.kind} ${x.target.name ?? ""}${x.target.member ? ` (owner ${x.target.member})` : ""}`.trim() : "nobody"}${x.rule ? ` (rule ${x.rule})` : ""}`;
  yield `  sent: ${f.sent.length ? f.sent.map((s) => s.action).join(", ") : "nothing"}; blocked: ${f.blocked.length ? f.blocked.map((s) => s.action).join(", ") : "nothing"}`;
}

/** The leads `--why`/`--why-not` explain in a journey with several leads: `--lead`'s (which must be one of them), else each. */
function leadsAsked(j: WorkspaceJourney, lead: string | undefined): string[] {
  const names = journeyLeadDecls(j.decl).map((l) => l.name!.text);
  if (lead === undefined) return names;
  if (names.includes(lead)) return [lead];
  const near = closest(lead, names);
  throw new UsageError(`the journey "${j.name}" has no lead named \`${lead}\`${near ? `; did you mean \`${near}\`?` : `; its leads are ${names.join(", ")}`}`);
}

export function renderWhy(r: JourneyResult, q: WhyQuery, cwd: string, c: Colors, label?: string): string {
  const a = why(r, q);
  const out = [c.bold(`${label ?? `journey "${escapeControls(r.journey)}"`}: why ${q.kind}${q.kind === "route" ? "" : " " + q.name}?`), a.summary];
  a.entries.forEach((e, i) => out.push(`  ${a.lines[i]}  ${c.dim(location(displayPath(e.source.uri, cwd), e.source.range))}`));
  return out.join("\n") + "\n";
}
