/**
 * Benchmark 3: simulation throughput on a generated log of 1,000,000 events,
 * against a hand-written implementation of the same rules (the limit) and two
 * rule engines (peers). Every implementation's outcomes are compared lead by
 * lead with the hand-written one; a mismatch fails the run.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { Worker } from "node:worker_threads";
import { generateLog, subsetLog, assertSameOutcomes, type Outcome, type SimLog } from "./sim/model.js";
import { runHandwritten } from "./sim/handwritten.js";
import { runPeer, jsonRulesEngine, zenEngine } from "./sim/peers.js";
import { compileBenchRules, runOurs } from "./sim/ours.js";
import { summarize, timeMs, timeMsAsync, gc } from "./stats.js";
import { result, type BenchResult, type Skipped } from "./report.js";

export const GROUP = "Simulation throughput";

export interface SimSize {
  seed: number;
  leads: number;
  events: number;
  /** Leads replayed through the (much slower) peer engines. */
  peerLeads: number;
}

export const FULL_SIZE: SimSize = { seed: 1123, leads: 20_000, events: 1_000_000, peerLeads: 1_000 };

export function rulesText(repo: string): string {
  return readFileSync(path.join(repo, "bench", "sim", "rules.crmrules"), "utf8");
}

/** Replays leads [from, to) of the log in a worker thread (bench/.out/main.cjs in worker mode). */
function startWorker(mainJs: string, repo: string, size: SimSize, from: number, to: number): { ready: Promise<void>; go: () => Promise<Outcome[]>; worker: Worker } {
  const worker = new Worker(mainJs, { workerData: { mode: "sim-worker", repo, size, from, to } });
  let ready!: () => void;
  let fail!: (e: Error) => void;
  const readyP = new Promise<void>((res, rej) => ((ready = res), (fail = rej)));
  let done!: (o: Outcome[]) => void;
  const doneP = new Promise<Outcome[]>((res, rej) => ((done = res), worker.on("error", rej)));
  worker.on("error", (e) => fail(e));
  worker.on("message", (m: { kind: string; outcomes?: Outcome[] }) => {
    if (m.kind === "ready") ready();
    else if (m.kind === "done") done(m.outcomes!);
  });
  return {
    ready: readyP,
    worker,
    go: () => {
      worker.postMessage("go");
      return doneP;
    },
  };
}

/** Worker side: generate the same log, keep its leads, wait for "go", replay, send outcomes. */
export async function simWorkerMain(data: { repo: string; size: SimSize; from: number; to: number }, port: import("node:worker_threads").MessagePort): Promise<void> {
  const rules = compileBenchRules(rulesText(data.repo));
  const full = generateLog(data.size);
  const log: SimLog = {
    leads: full.leads.slice(data.from, data.to),
    events: full.events.filter((e) => e.lead >= data.from && e.lead < data.to).map((e) => ({ ...e, lead: e.lead - data.from })),
  };
  port.once("message", () => {
    const outcomes = runOurs(rules, log);
    port.postMessage({ kind: "done", outcomes });
  });
  port.postMessage({ kind: "ready" });
}

export async function simBench(opts: { repo: string; mainJs: string; size: SimSize; runs: number; peerRuns: number; memory: () => Promise<{ peakMB: number; baseMB: number } | null> }): Promise<{ results: BenchResult[]; skipped: Skipped[] }> {
  const { size, runs } = opts;
  const results: BenchResult[] = [];
  const skipped: Skipped[] = [];
  const rules = compileBenchRules(rulesText(opts.repo));
  const log = generateLog(size);
  const n = log.events.length;
  const logDesc = `${n.toLocaleString("en-US")} generated events for ${size.leads.toLocaleString("en-US")} leads over 180 days (seed ${size.seed})`;

  // Hand-written baseline.
  let expected: Outcome[] = [];
  const hwMs: number[] = [];
  runHandwritten(log); // warm-up
  for (let i = 0; i < Math.max(runs, 5); i++) {
    gc();
    hwMs.push(timeMs(() => (expected = runHandwritten(log))));
  }
  const routed = expected.filter((o) => o.routedTo !== null).length;

  // Our engine, one thread.
  const oursMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    gc();
    let got: Outcome[] = [];
    oursMs.push(timeMs(() => (got = runOurs(rules, log))));
    if (i === 0) assertSameOutcomes("our engine vs the hand-written rules", expected, got, log.leads);
    got = [];
  }
  const rate = (ms: number[], events = n) => summarize(ms.map((m) => events / (m / 1000)));
  const oursMedian = summarize(oursMs).median;
  const hwMedian = summarize(hwMs).median;
  results.push(
    result({
      group: GROUP,
      name: "sim.ours.eventsPerSec",
      title: "Our engine, one thread",
      unit: "events/s",
      summary: rate(oursMs),
      target: null,
      how: `bench/sim/rules.crmrules checked and compiled once, then one \`Simulation\` (core/engine) per lead fed ${logDesc}, with the full trace kept. Outcomes (fit, engagement, stage, route rule and target per lead; ${routed.toLocaleString("en-US")} leads routed) are verified against the hand-written rules.`,
    }),
    result({
      group: GROUP,
      name: "sim.handwritten.eventsPerSec",
      title: "Hand-written TypeScript (the limit)",
      unit: "events/s",
      summary: rate(hwMs),
      target: null,
      how: "bench/src/sim/handwritten.ts: the same rules as plain functions over the same event objects (typed arrays for state, no trace).",
    }),
    result({
      group: GROUP,
      name: "sim.oursOverHandwritten",
      title: "Our engine ÷ hand-written (time)",
      unit: "×",
      summary: summarize(oursMs.map((m) => m / hwMedian)),
      target: { op: "<=", value: 1.5 },
      how: "Each one-thread run of our engine divided by the hand-written median.",
      closeGap:
        "The engine is an interpreter built for journeys: every event allocates trace entries with bindings and formatted times, re-evaluates every attribute rule and stage condition, and keeps full event history per lead. A bulk mode without the trace (or with counters only), compiling conditions to closures over slot indices instead of Maps, evaluating attribute rules only when a field they read changes, and storing only the windowed history each rule needs would remove most of the gap.",
    }),
  );

  // Peak memory of a one-thread replay (separate process, so earlier runs do not count).
  const mem = await opts.memory();
  if (mem)
    results.push(
      result({
        group: GROUP,
        name: "sim.peakRssMB",
        title: "Peak memory, 1M-event replay",
        unit: "MB",
        summary: summarize([mem.peakMB]),
        target: null,
        how: `Peak resident set size (maxRSS) of a fresh process that generates the log and replays it once on one thread; ${Math.round(mem.baseMB)} MB of it is the process and the generated log before the replay starts.`,
      }),
    );

  // Two workers.
  const twoMs: number[] = [];
  for (let i = 0; i < Math.min(runs, 3); i++) {
    const half = Math.ceil(size.leads / 2);
    const ws = [startWorker(opts.mainJs, opts.repo, size, 0, half), startWorker(opts.mainJs, opts.repo, size, half, size.leads)];
    await Promise.all(ws.map((w) => w.ready));
    let parts: Outcome[][] = [];
    twoMs.push(await timeMsAsync(async () => void (parts = await Promise.all(ws.map((w) => w.go())))));
    await Promise.all(ws.map((w) => w.worker.terminate()));
    if (i === 0) assertSameOutcomes("our engine on two workers vs the hand-written rules", expected, parts.flat(), log.leads);
  }
  results.push(
    result({
      group: GROUP,
      name: "sim.ours2.eventsPerSec",
      title: "Our engine, two worker threads",
      unit: "events/s",
      summary: rate(twoMs),
      target: null,
      how: "The leads split in two halves, each replayed by our engine in its own worker thread (each worker holds its half of the log before the clock starts; outcomes are sent back and verified). runtime/bulk's worker pool is not in the tree yet, so this is the benchmark's own split by lead.",
    }),
    result({
      group: GROUP,
      name: "sim.speedup1to2",
      title: "Speed-up from one to two workers",
      unit: "×",
      summary: summarize(twoMs.map((m) => oursMedian / m)),
      target: null,
      how: "Median one-thread time divided by each two-worker run. The ideal on this 2-core machine is 2×; other processes on the machine reduce it.",
    }),
  );

  // Peers, on the first `peerLeads` leads (their events only).
  const sub = subsetLog(log, size.peerLeads);
  const subExpected = runHandwritten(sub);
  const subOurs: number[] = [];
  for (let i = 0; i < runs; i++) {
    let got: Outcome[] = [];
    subOurs.push(timeMs(() => (got = runOurs(rules, sub))));
    if (i === 0) assertSameOutcomes("our engine vs the hand-written rules (subset)", subExpected, got, sub.leads);
  }
  const subOursMedian = summarize(subOurs).median;
  const subDesc = `the first ${size.peerLeads.toLocaleString("en-US")} leads and their ${sub.events.length.toLocaleString("en-US")} events (our engine takes ${Math.round(subOursMedian)} ms on the same subset)`;
  for (const [key, label, make] of [
    ["jre", "json-rules-engine", () => ({ ev: jsonRulesEngine(), dispose: () => undefined })],
    ["zen", "@gorules/zen-engine", () => { const z = zenEngine(); return { ev: z, dispose: () => z.dispose() }; }],
  ] as const) {
    const peerMs: number[] = [];
    for (let i = 0; i < opts.peerRuns; i++) {
      const { ev, dispose } = make();
      let got: Outcome[] = [];
      peerMs.push(await timeMsAsync(async () => void (got = await runPeer(ev, sub))));
      dispose();
      if (i === 0) assertSameOutcomes(`${label} vs the hand-written rules`, subExpected, got, sub.leads);
    }
    results.push(
      result({
        group: GROUP,
        name: `sim.${key}.eventsPerSec`,
        title: `${label}`,
        unit: "events/s",
        summary: rate(peerMs, sub.events.length),
        target: null,
        how: `The same rules encoded for ${label} (bench/src/sim/peers.ts), replayed on ${subDesc}. The windowed count of \`at least 3 times within 1 day\`, the \`limit … per …\` state, clamping, stages and route-once are computed by shared glue code, because the engine cannot express them; the engine decides which fit, engagement and routing rules match.`,
      }),
      result({
        group: GROUP,
        name: `sim.${key}OverOurs`,
        title: `${label} ÷ our engine (time)`,
        unit: "×",
        summary: summarize(peerMs.map((m) => m / subOursMedian)),
        target: { op: ">=", value: 300 },
        how: `Each ${label} run divided by our engine's median on the same subset.`,
        closeGap:
          key === "jre"
            ? "json-rules-engine here does far less than our engine (no trace, state kept by hand-written glue), and its per-call cost is a few microseconds; a 300× margin is only reachable if our engine approaches the hand-written baseline (see `sim.oursOverHandwritten`) and the peers keep paying their per-event promise and fact-lookup overhead."
            : "zen-engine's cost is mostly the per-call crossing into native code and JSON conversion; closing the gap on our side means the same work as for `sim.oursOverHandwritten` (a trace-free bulk path).",
      }),
    );
  }
  return { results, skipped };
}
