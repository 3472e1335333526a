/**
 * `npm run bench` entry (bundled by bench/run.mjs into bench/.out/main.cjs).
 * Options: --only parse,reparse,lsp,sim,startup   --quick (small inputs, writes nothing)
 *          --render (BENCHMARKS.md from the last bench/results.json, no measuring)
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { loadOptional } from "./optional.js";
import { parseBench, GROUP as PARSE_GROUP } from "./parseBench.js";
import { lspBench, startupBench, LATENCY_GROUP, STARTUP_GROUP } from "./lspBench.js";
import { reparseBench, GROUP as REPARSE_GROUP } from "./reparseBench.js";
import { simBench, rulesText, FULL_SIZE, GROUP as SIM_GROUP, type SimSize } from "./simBench.js";
import { generateLog } from "./sim/model.js";
import { compileBenchRules, runOurs } from "./sim/ours.js";
import { toJsonLines, runBulk } from "./sim/bulk.js";
import { machineInfo, printTable, renderMarkdown, writeResultsJson, type BenchResult, type Results, type Skipped } from "./report.js";

const GROUPS = [
  {
    group: PARSE_GROUP,
    intro:
      "A generated workspace of about 100,000 lines: one schema file (lead fields, events, sets and territories, stages, owners, consent) and 400 rule files importing it, each made of scores with attribute, event, windowed and inactivity rules, grades, teams, routes with escalations, contact and internal actions, workflows and journeys with expectations (bench/src/gen/workspace.ts). The generator is checked to produce no syntax errors. Figures are taken with `NODE_ENV=production`, so Chevrotain's grammar validations are skipped as in the shipped build.",
  },
  {
    group: LATENCY_GROUP,
    intro:
      "The real language server (`node dist/server.js --stdio`) driven over JSON-RPC by a `vscode-languageserver-protocol` client, on a generated workspace of 500 files written to a temporary folder. Each request is sent alone and timed from send to answer; 10 warm-up requests are discarded.",
  },
  {
    group: REPARSE_GROUP,
    intro:
      "The incremental reparse (core/syntax/incremental.ts) and a full parse side by side in one run, in-process, on the 1 MB document of the editor-latency group: the time from a one-line edit to the document's diagnostics (parse, then `checkWorkspace` with the previous check, as the server's workspace does) and of full semantic tokens (the server's provider) after it. Both ways must give the same diagnostics, or the run fails.",
  },
  {
    group: SIM_GROUP,
    intro:
      "A generated log of 1,000,000 events (page views with bursts, forms, webinars, demo requests) for 20,000 leads whose fields are sometimes missing, replayed through the rules in `bench/sim/rules.crmrules`: a fit score (attribute rules), an engagement score (event rules with `starts_with` filters, `limit 3 per 7 days`, `at least 3 times within 1 day`, cap and floor), stages `new → mql → sql` (`demo_requested within 14 days`) and a first-match route on entering mql. These are the scoring and routing parts of a typical funnel, chosen so that every baseline can express them; timers (decay, inactivity, escalations), consent and workflows are left out because the peers have no notion of time. Our engine runs two ways: directly (one `Simulation` per lead from core/engine, events handed over as objects, like the baselines) and through runtime/bulk's `replayLog` on the same log written as JSON Lines (the `crmrules` bulk path, in-thread and on its worker pool). All implementations must produce the same fit, engagement, stage, route rule and target for every lead (the bulk outcome has no rule name, so it is compared on the rest), or the run fails. The peers are much slower per event, so they replay the first 1,000 leads and their events, and the ratio is taken against our engine on the same subset. Last, the full examples/acme rules (decay, expiry, detours, round robin, escalations, consent, workflows) replay a 1,000,000-record log made by runtime/bulk's own generator: a throughput figure without baselines.",
  },
  {
    group: STARTUP_GROUP,
    intro: "How long until the editor gets answers after opening a folder.",
  },
];

const NOTES = [
  "Figures taken while other helpers were building and testing on the same 2-core machine are noisy (see the load average above); the min–max spread shows how much. Re-run `npm run bench` on an idle machine for figures to compare releases with.",
];

async function measureMemory(mainJs: string, repo: string, size: SimSize, mode: "direct" | "bulk"): Promise<{ peakMB: number; baseMB: number }> {
  const out = execFileSync(process.execPath, ["--max-old-space-size=8192", mainJs, "--sim-memory", repo, JSON.stringify(size), mode], { encoding: "utf8", maxBuffer: 1 << 20 });
  const line = out.trim().split("\n").pop()!;
  return JSON.parse(line) as { peakMB: number; baseMB: number };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === "--sim-memory") {
    const repo = argv[1]!;
    const size = JSON.parse(argv[2]!) as SimSize;
    const text = rulesText(repo);
    const rules = compileBenchRules(text);
    const log = generateLog(size);
    if (argv[3] === "bulk") {
      const lines = toJsonLines(log);
      const baseMB = process.memoryUsage().rss / 2 ** 20;
      await runBulk({ rulesText: text, lines, leads: log.leads, workers: 0, workerScript: path.join(repo, "bench", ".out", "worker.cjs") });
      console.log(JSON.stringify({ peakMB: process.resourceUsage().maxRSS / 1024, baseMB }));
      return;
    }
    const baseMB = process.memoryUsage().rss / 2 ** 20;
    runOurs(rules, log);
    console.log(JSON.stringify({ peakMB: process.resourceUsage().maxRSS / 1024, baseMB }));
    return;
  }
  if (argv[0] === "--render") {
    // Re-renders BENCHMARKS.md from the last bench/results.json (after editing the texts, without re-measuring).
    const repo = path.resolve(process.env["CRMRULES_REPO"] ?? process.cwd());
    const res = JSON.parse(readFileSync(path.join(repo, "bench", "results.json"), "utf8")) as Results;
    writeFileSync(path.join(repo, "BENCHMARKS.md"), renderMarkdown(res, GROUPS) + "\n");
    console.log("wrote BENCHMARKS.md from bench/results.json");
    return;
  }
  const quick = argv.includes("--quick");
  const onlyArg = argv.indexOf("--only");
  const only = new Set(onlyArg >= 0 ? argv[onlyArg + 1]!.split(",") : ["parse", "reparse", "lsp", "sim", "startup"]);
  const repo = path.resolve(process.env["CRMRULES_REPO"] ?? process.cwd());
  const mainJs = path.join(repo, "bench", ".out", "main.cjs");
  const started = Date.now();
  const machine = machineInfo();
  const opt = loadOptional(repo);
  const results: BenchResult[] = [];
  const skipped: Skipped[] = [];
  const add = (r: { results: BenchResult[]; skipped: Skipped[] }) => {
    results.push(...r.results);
    skipped.push(...r.skipped);
  };
  const step = (what: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(0)} s] ${what}`);

  if (only.has("parse")) {
    step("parse and check");
    add(await parseBench(opt, quick ? 2 : 5));
  }
  if (only.has("reparse")) {
    step("incremental reparse");
    add(await reparseBench(quick ? 10 : 30));
  }
  if (only.has("lsp")) {
    step("editor latency");
    add(await lspBench(opt.serverJs, quick ? 20 : 200));
  }
  if (only.has("sim")) {
    step("simulation");
    const size = quick ? { seed: 1123, leads: 400, events: 20_000, peerLeads: 100 } : FULL_SIZE;
    add(await simBench({ repo, mainJs, size, runs: quick ? 1 : 3, peerRuns: quick ? 1 : 2, memory: (mode) => measureMemory(mainJs, repo, size, mode) }));
  }
  if (only.has("startup")) {
    step("start-up");
    add(await startupBench(opt.serverJs, repo, quick ? 2 : 5));
  }
  step("done");

  const res: Results = {
    generatedAt: new Date().toISOString(),
    machine,
    node: process.version,
    noisy: true,
    notes: NOTES,
    benchmarks: results,
    skipped,
    durationSeconds: (Date.now() - started) / 1000,
  };
  // A run of some groups (--only) keeps the other groups' figures of the last run, and says so.
  if (onlyArg >= 0 && !quick) {
    const measured = new Set([...results, ...skipped].map((r) => r.group));
    try {
      const last = JSON.parse(readFileSync(path.join(repo, "bench", "results.json"), "utf8")) as Results;
      const kept = last.benchmarks.filter((b) => !measured.has(b.group));
      if (kept.length > 0) {
        res.benchmarks = [...kept, ...results];
        res.skipped = [...last.skipped.filter((s) => !measured.has(s.group)), ...skipped];
        res.notes = [...NOTES, `Only ${[...measured].join(", ")} measured at ${res.generatedAt}; the other groups are from the run of ${last.generatedAt}.`];
      }
    } catch {
      // no previous results: only this run's
    }
  }
  printTable(results, skipped);
  if (quick) return; // quick runs are smoke tests: they never overwrite the published figures
  writeResultsJson(path.join(repo, "bench", "results.json"), res);
  writeFileSync(path.join(repo, "BENCHMARKS.md"), renderMarkdown(res, GROUPS) + "\n");
  console.log("\nwrote bench/results.json and BENCHMARKS.md");
}

main().catch((e: unknown) => {
  console.error(`benchmark failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  process.exit(1);
});
