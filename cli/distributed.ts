/**
 * Replays beyond one process (docs/distributed.md): `simulate --events SRC --shard I/N` (one
 * shard, written as a part), `crmrules merge PART…` (the parts as one machine writes them) and
 * `simulate --events SRC --dask SCHEDULER` (one task per shard on a Dask cluster, driven by
 * runtime/dask/driver.py, then the merge). The contract itself is cli/shard.ts.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { once } from "node:events";
import { addOutcome, emptySummary, routesToTeams, sortSummary, type DataProblem, type SharedRun } from "../runtime/bulk/index.js";
import { prepareOutcomeOutput } from "./outcomeOutput.js";
import { compile } from "../core/engine/index.js";
import { plural } from "../core/text/words.js";
import { openOutput, type AtomicOutput } from "./atomicWrite.js";
import { bulkReportText, lineErrorReporter, MAX_SHOWN_ERRORS, openLog, problemReporter, replay, rulesFile } from "./bulk.js";
import { ExitCode, UsageError } from "./exit.js";
import { displayPath, loadWorkspace } from "./files.js";
import { reportProblems, worst, writeJson, writeText } from "./report.js";
import { sanitize } from "./output/safe.js";
import { checkFiles } from "./workspace.js";
import { checkParts, MAX_SHARDS, mergedView, mergeOutcomes, parseShard, PartWriter, readPart, rulesHash, shardOf, sourceIdentity, type Part, type ShardSpec } from "./shard.js";

/** `simulate --events` with `--shard` or `--dask` (and their options): which of the two, checked. */
export async function runDistributed(paths: string[], opts: BulkOptions & { shard?: string; dask?: string; shards?: string; parts?: string }): Promise<ExitCode> {
  if (opts.shard !== undefined && opts.dask !== undefined) throw new UsageError("`--shard` replays one shard here and `--dask` runs every shard on a cluster: give one of them");
  if (opts.dask === undefined) {
    for (const o of ["shards", "parts"] as const) if (opts[o] !== undefined) throw new UsageError(`\`--${o}\` goes with \`--dask\``);
    return runShard(paths, opts, parseShard(opts.shard!));
  }
  let shards: number | undefined;
  if (opts.shards !== undefined) {
    shards = Number(opts.shards);
    if (!Number.isInteger(shards) || shards < 1 || shards > MAX_SHARDS) throw new UsageError(`\`--shards ${opts.shards}\` must be a whole number from 1 to ${MAX_SHARDS}`);
  }
  return runDask(paths, { ...opts, dask: opts.dask, shards, parts: opts.parts });
}

/** The options of `simulate --events` that a shard takes. */
export interface BulkOptions {
  events: string;
  format: "text" | "json";
  out?: string;
  from?: string;
  root?: string;
  seed?: number;
  workers?: number;
  strict?: boolean;
}

/** `simulate --events SRC --shard I/N --out PART`: the shard's leads, written as a part (cli/shard.ts). */
export async function runShard(paths: string[], opts: BulkOptions, shard: ShardSpec): Promise<ExitCode> {
  if (opts.out === undefined) throw new UsageError("`--shard` writes a part file: give it with `--out PART` (`crmrules merge` combines the parts)");
  const cwd = process.cwd();
  const seed = opts.seed ?? 0;
  const input = openLog(opts.events, cwd);
  const ws = loadWorkspace(paths.length ? paths : ["."], { root: opts.root, cwd });
  reportProblems(ws.problems);
  const check = checkFiles(ws.root, ws.files);
  const fromUri = rulesFile(check, opts.from, cwd);
  const rules = compile(check, fromUri);
  if (opts.out !== "-" && !/\.(jsonl|ndjson)$/i.test(opts.out)) throw new UsageError(`\`--shard\` writes a part as JSON Lines: give \`--out\` a .jsonl file (\`crmrules merge --out\` writes the outcomes in any format), not ${opts.out}`);
  const out = openOutput(opts.out, cwd);
  // Teams shared across leads: the merge runs the team passes, from the workspace the part carries.
  const teams = routesToTeams(rules);
  const part = new PartWriter(out.stream, { shard: shard.index, of: shard.count, source: sourceIdentity(opts.events, cwd), rulesHash: rulesHash(ws.root, ws.files, fromUri), seed, ...(teams ? { teams, workspace: { root: ws.root, from: fromUri, files: ws.files.map((f) => ({ uri: f.uri, text: f.text })) } } : {}) });
  const provisional = emptySummary();
  // Teams shared: the leads that asked no team, whose outcomes the merge takes as they are.
  const plain = emptySummary();
  const problems: DataProblem[] = [];
  const workerScript = path.join(__dirname, "worker.js");
  let result;
  try {
    result = await replay({ root: ws.root, files: ws.files, fromUri }, input, {
      workers: opts.workers,
      seed,
      schema: rules,
      workerScript: existsSync(workerScript) ? workerScript : undefined,
      keepLead: (lead) => shardOf(lead, shard.count) === shard.index,
      // Lines whose lead cannot be read are reported once, by shard 0.
      leadlessErrors: shard.index === 0,
      onOutcome: (o, line) => {
        // A shard is read by this thread (runtime/bulk/replay.ts), which knows each lead's first line.
        if (line === undefined) throw new Error(`the replay gave lead ${o.lead} without its first line`);
        return part.outcome(line, JSON.stringify(o));
      },
      onProblem: (p) => void (problems.length < MAX_SHOWN_ERRORS && problems.push(p)),
      ...(teams
        ? {
            onSharedRun: (run: SharedRun, records: unknown[], line: number) => {
              addOutcome(provisional, run.outcome);
              if (run.routing.requests.length === 0) addOutcome(plain, run.outcome);
              return part.sharedRun(line, run, records);
            },
          }
        : {}),
    });
  } catch (e) {
    const failed = out.failed();
    out.abort();
    throw failed ?? e;
  }
  const internalActions = [...rules.actions.values()].filter((a) => a.reach === "internal").map((a) => a.name).sort();
  part.end({ summary: teams ? sortSummary(provisional) : result.summary, ...(teams ? { plainSummary: sortSummary(plain) } : {}), outcomeNames: { scores: rules.scores.map((x) => x.name), grades: rules.grades.map((g) => g.name) }, lines: result.lines, malformedLines: result.errorCount, dataProblems: result.problems, errors: result.errors, problems, rules: displayPath(fromUri, cwd), rulesGiven: opts.from !== undefined, internalActions, workspaceProblems: ws.problems.length, sourceName: input.name });
  await out.commit();
  const say = opts.out === "-" ? (t: string) => void process.stderr.write(sanitize(t)) : opts.format === "json" ? writeJson : writeText;
  say(`shard ${shard.index}/${shard.count}: replayed ${plural(teams ? provisional.leads : result.summary.leads, "lead")} of ${result.lines} lines into ${opts.out === "-" ? "standard output" : displayPath(out.target, cwd)}; \`crmrules merge\` combines the ${shard.count} parts\n`);
  return ws.problems.length || result.errorCount ? ExitCode.Usage : ExitCode.Success;
}

/** The parts merged: outcomes to `outArg` (atomically), the summary as one machine prints it, its exit code. */
export async function mergeParts(files: string[], opts: { out?: string; format: "text" | "json"; strict?: boolean }, cwd = process.cwd()): Promise<ExitCode> {
  const parts: Part[] = checkParts(files.map((f) => readPart(path.resolve(cwd, f), cwd)));
  // Any format simulate writes (cli/outcomeOutput.ts): JSON Lines as the parts hold them, or Parquet, CSV, DuckDB.
  const pending = opts.out ? prepareOutcomeOutput(opts.out, cwd) : undefined;
  const out = pending ? await pending.open(parts[0]!.end.outcomeNames) : undefined;
  let summary;
  try {
    summary = await mergeOutcomes(
      parts,
      out
        ? async (text, o) => {
            if (out.stream) {
              if (out.stream.destroyed) throw out.failed() ?? new Error("the output stream was closed");
              if (!out.stream.write(text)) await once(out.stream, "drain");
            } else out.onOutcome!(o());
          }
        : undefined,
    );
  } catch (e) {
    const failed = out?.failed();
    out?.abort();
    throw failed ?? e;
  }
  if (out) await out.commit();
  const a = parts[0]!.end;
  const v = mergedView(parts);
  // What one machine reports on standard error while reading: the first malformed lines and problems, then the counts.
  const errors = lineErrorReporter(a.sourceName);
  for (const e of v.errors.slice(0, MAX_SHOWN_ERRORS)) errors.onError(e);
  errors.finish(v.malformedLines);
  const problems = problemReporter(a.sourceName);
  for (const p of v.problems) problems.onProblem(p);
  problems.finish(v.dataProblems.count);
  const report = { rules: a.rules, rulesGiven: a.rulesGiven, internalActions: a.internalActions, lines: a.lines, malformedLines: v.malformedLines, dataProblems: v.dataProblems, summary, errors: v.errors };
  const text = bulkReportText(report, opts.format);
  if (opts.out === "-") process.stderr.write(sanitize(text));
  else (opts.format === "json" ? writeJson : writeText)(text);
  const strict = opts.strict && (v.dataProblems.count > 0 || v.malformedLines > 0) ? ExitCode.Findings : ExitCode.Success;
  return worst(a.workspaceProblems || v.malformedLines ? ExitCode.Usage : ExitCode.Success, strict);
}

/** The Python that has Dask distributed: `CRMRULES_PYTHON`, else `python3`, else `/usr/bin/python3` (Debian's python3-distributed). */
export function findDaskPython(): string {
  const given = process.env["CRMRULES_PYTHON"];
  const candidates = given ? [given] : ["python3", "/usr/bin/python3"];
  const tried: string[] = [];
  for (const py of candidates) {
    // Found, not imported (importing it takes longer than a shard's start; the driver imports it and says so if that fails).
    const r = spawnSync(py, ["-c", "import importlib.util, sys; sys.exit(0 if importlib.util.find_spec('distributed') else 1)"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    if (r.error) tried.push(`${py}: not found`);
    else if (r.status === 0) return py;
    else tried.push(`${py}: no module \`distributed\``);
  }
  throw new UsageError(`\`--dask\` needs Python 3 with Dask distributed (${tried.join("; ")}): install it with \`apt-get install python3-distributed\` (Debian, Ubuntu) or \`pip install distributed\`, or name the interpreter with CRMRULES_PYTHON`);
}

/** The driver script: beside the bundle (dist/dask-driver.py), else in the repository (runtime/dask/driver.py). */
function driverScript(): string {
  const candidates = [path.join(__dirname, "dask-driver.py"), path.resolve(__dirname, "..", "runtime", "dask", "driver.py"), path.resolve("runtime", "dask", "driver.py")];
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new UsageError(`the Dask driver is missing (looked for ${candidates.join(", ")}); reinstall crmrules`);
  return found;
}

/** `--dask local:N` or `tcp://host:port` (also `tls://`). */
export function parseScheduler(arg: string): { local: number } | { address: string } {
  const local = /^local:(\d+)$/.exec(arg);
  if (local) {
    const n = Number(local[1]);
    if (n < 1 || n > 64) throw new UsageError(`\`--dask ${arg}\`: a local cluster has 1 to 64 worker processes`);
    return { local: n };
  }
  if (/^(tcp|tls|ws|wss):\/\/[^\s/]+:\d+$/.test(arg)) return { address: arg };
  throw new UsageError(`\`--dask ${arg}\` must be a scheduler's address (\`tcp://host:8786\`) or \`local:N\` (a local cluster of N worker processes)`);
}

export interface DaskOptions extends BulkOptions {
  dask: string;
  shards?: number;
  parts?: string;
}

/**
 * `simulate --events SRC --dask SCHEDULER`: one task per shard on the cluster (each runs this CLI
 * with `--shard I/N` on a worker), progress per shard on standard error, then the merge.
 */
export async function runDask(paths: string[], opts: DaskOptions): Promise<ExitCode> {
  if (opts.events === "-") throw new UsageError("`--dask` cannot replay standard input: the workers read the source themselves; give a file, folder, glob or query on storage they share");
  const scheduler = parseScheduler(opts.dask);
  const cwd = process.cwd();
  // Checked here first, so that a bad command line fails before the cluster starts.
  const ws = loadWorkspace(paths.length ? paths : ["."], { root: opts.root, cwd });
  if (opts.from !== undefined) rulesFile(checkFiles(ws.root, ws.files), opts.from, cwd);
  if (opts.out !== undefined && opts.out !== "-") openOutput(opts.out, cwd).abort();
  const python = findDaskPython();
  const source = sourceIdentity(opts.events, cwd);
  if (!/^sql:/i.test(opts.events) && !existsSync(source.replace(/#[^/]*$/, "")) && !/[*?[]/.test(opts.events)) throw new UsageError(`${opts.events} does not exist`);
  // The parts go to a folder the workers share: given, or a new one (in the temp folder for a local cluster).
  let partsDir: string;
  let made = false;
  if (opts.parts) {
    partsDir = path.resolve(cwd, opts.parts);
    mkdirSync(partsDir, { recursive: true });
    if (!statSync(partsDir).isDirectory()) throw new UsageError(`\`--parts ${opts.parts}\` is not a folder`);
    if (readdirSync(partsDir).some((f) => f.startsWith("part-"))) throw new UsageError(`\`--parts ${opts.parts}\` already holds parts; give an empty folder`);
  } else {
    partsDir = mkdtempSync(path.join("local" in scheduler ? tmpdir() : cwd, ".crmrules-parts-"));
    made = true;
  }
  const shardArgs = ["simulate", "--events", /^sql:/i.test(opts.events) ? opts.events : source, ...paths, "--workers", String(opts.workers ?? 0)];
  if (opts.root !== undefined) shardArgs.push("--root", path.resolve(cwd, opts.root));
  if (opts.from !== undefined) shardArgs.push("--from", opts.from);
  if (opts.seed !== undefined) shardArgs.push("--seed", String(opts.seed));
  const job = {
    scheduler: opts.dask,
    shards: opts.shards ?? null,
    parts: partsDir,
    cwd,
    node: process.execPath,
    cli: path.resolve(process.argv[1] ?? path.join(__dirname, "cli.js")),
    args: shardArgs,
  };
  try {
    const answer = await runDriver(python, job);
    if (!answer.ok) {
      if (answer.shard === undefined || answer.shard === null) throw new UsageError(`the Dask run failed: ${answer.message ?? "no message"}; nothing was written`);
      const where = `shard ${answer.shard}/${answer.of}`;
      const said = (answer.message ?? "").trim().replace(/^crmrules: /, "");
      throw new UsageError(`${where} failed${answer.exit !== null && answer.exit !== undefined ? ` (exit code ${answer.exit})` : ""}${answer.worker ? ` on worker ${answer.worker}` : ""}: ${said || "no message"}; nothing was written`);
    }
    return await mergeParts(answer.parts, { out: opts.out, format: opts.format, strict: opts.strict }, cwd);
  } finally {
    if (made) rmSync(partsDir, { recursive: true, force: true });
    else for (const f of readdirSync(partsDir)) if (/^(part|progress)-/.test(f)) rmSync(path.join(partsDir, f), { force: true });
  }
}

interface DriverAnswer {
  ok: boolean;
  parts: string[];
  shard?: number;
  of?: number;
  exit?: number | null;
  worker?: string;
  message?: string;
}

/** Runs the driver: the job on its standard input, progress through to standard error, the answer on its standard output. */
function runDriver(python: string, job: object): Promise<DriverAnswer> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, [driverScript()], { stdio: ["pipe", "pipe", "inherit"] });
    let out = "";
    let answered = false;
    const parse = (line: string): DriverAnswer | undefined => {
      try {
        const a = JSON.parse(line) as DriverAnswer;
        return a && typeof a.ok === "boolean" ? a : undefined;
      } catch {
        return undefined;
      }
    };
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (d: string) => {
      out += d;
      // A successful answer is taken as soon as it comes: the merge then runs while the driver stops its cluster.
      if (answered || !out.endsWith("\n")) return;
      const a = parse(out.trim().split("\n").pop() ?? "");
      if (a?.ok) {
        answered = true;
        resolve(a);
      }
    });
    child.on("error", (e) => reject(new UsageError(`the Dask driver could not be started with ${python}: ${e.message}`)));
    // Stopping the command stops the driver (and so its local cluster).
    const stop = () => child.kill("SIGTERM");
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    child.on("close", (code) => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      if (answered) return;
      const answer = parse(out.trim().split("\n").pop() ?? "");
      if (answer) resolve(answer);
      else reject(new UsageError(`the Dask driver ended with exit code ${code} without an answer (its messages are above)`));
    });
    child.stdin.end(JSON.stringify(job));
  });
}
