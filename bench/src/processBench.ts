/**
 * Commands as a user runs them: `crmrules check`, `test` and `simulate` each started as a
 * new process (`node dist/cli.js …`), timed from the spawn to the child's exit, beside an
 * empty `node -e 0`. The cases alternate run by run (round 1: every case once, round 2: every
 * case again…), so a burst of load on the shared machine falls on all of them alike.
 *
 * The child's CPU time is read inside the child: a preload (`--require`, written to the
 * temporary folder) reports `process.cpuUsage()` of the whole process (every thread, from its
 * start) when it exits. The same preload runs in `node -e 0`, so the comparison is fair.
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { generateWorkspace } from "./gen/workspace.js";
import { summarize } from "./stats.js";
import { result, type BenchResult, type Skipped, type Target } from "./report.js";

export const GROUP = "Commands as a user runs them (processes)";

export interface ProcessCase {
  /** Figure names start with `process.<key>`. */
  key: string;
  title: string;
  /** Arguments after `node` (the first is the script, or `-e`). */
  args: string[];
  cwd: string;
  /** The exit code the command must end with, or the run fails (a command failing fast would look fast). */
  exitCode: number;
  /** A line of standard output or error that shows the command did its work. */
  expect: RegExp;
  how: string;
}

export interface ProcessTiming {
  wallMs: number[];
  cpuMs: number[];
}

const PRELOAD = `"use strict";
const { isMainThread } = require("node:worker_threads");
if (isMainThread && process.env.CRMRULES_BENCH_CPU_OUT) {
  const out = process.env.CRMRULES_BENCH_CPU_OUT;
  process.on("exit", () => {
    const u = process.cpuUsage();
    require("node:fs").writeFileSync(out, String((u.user + u.system) / 1000));
  });
}
`;

/** One spawn of `node <args>`: its wall time (spawn to exit) and the CPU time it reported. */
export function runOnce(c: ProcessCase, preload: string, cpuFile: string): Promise<{ wallMs: number; cpuMs: number }> {
  rmSync(cpuFile, { force: true });
  return new Promise((resolve, reject) => {
    let output = "";
    const t0 = process.hrtime.bigint();
    const child = spawn(process.execPath, ["--require", preload, ...c.args], {
      cwd: c.cwd,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, CRMRULES_BENCH_CPU_OUT: cpuFile, NO_COLOR: "1" },
    });
    // The output is read (a terminal would draw it) and only the last 64 KB kept, for the check below.
    const keep = (b: Buffer) => {
      output += b.toString("utf8");
      if (output.length > 1 << 16) output = output.slice(-(1 << 16));
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    child.on("error", reject);
    child.on("exit", (code) => {
      const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
      child.on("close", () => {
        if (code !== c.exitCode) return reject(new Error(`\`node ${c.args.join(" ")}\` exited with ${code}, not ${c.exitCode}:\n${output.slice(-2000)}`));
        if (!c.expect.test(output)) return reject(new Error(`\`node ${c.args.join(" ")}\` did not print ${c.expect}:\n${output.slice(-2000)}`));
        if (!existsSync(cpuFile)) return reject(new Error(`\`node ${c.args.join(" ")}\` did not report its CPU time`));
        resolve({ wallMs, cpuMs: Number(readFileSync(cpuFile, "utf8")) });
      });
    });
  });
}

/** Every case `rounds` times, alternating, after one discarded warm-up round (disk cache, V8's compile cache). */
export async function timeProcesses(cases: ProcessCase[], rounds: number, dir: string): Promise<Map<string, ProcessTiming>> {
  mkdirSync(dir, { recursive: true });
  const preload = path.join(dir, "cpu-report.cjs");
  writeFileSync(preload, PRELOAD);
  const cpuFile = path.join(dir, "cpu.txt");
  const out = new Map<string, ProcessTiming>(cases.map((c) => [c.key, { wallMs: [], cpuMs: [] }]));
  for (let r = -1; r < rounds; r++) {
    for (const c of cases) {
      const t = await runOnce(c, preload, cpuFile);
      if (r < 0) continue;
      out.get(c.key)!.wallMs.push(t.wallMs);
      out.get(c.key)!.cpuMs.push(t.cpuMs);
    }
  }
  return out;
}

export async function processBench(opts: { repo: string; mainJs: string; rounds: number; quick: boolean }): Promise<{ results: BenchResult[]; skipped: Skipped[] }> {
  const results: BenchResult[] = [];
  const skipped: Skipped[] = [];
  const acme = path.join(opts.repo, "examples", "acme");
  const dir = path.join(os.tmpdir(), `crmrules-bench-process-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  // The CLI as the package ships it: scripts/build.mjs --production (minified, Chevrotain's
  // grammar validations off), the bin dist/cli.js with dist/cli-main.js beside it.
  execFileSync(process.execPath, [path.join(opts.repo, "scripts", "build.mjs"), "--production", "--outdir", path.join(dir, "dist")], { stdio: "inherit" });
  const cli = path.join(dir, "dist", "cli.js");
  const lines = opts.quick ? 10_000 : 100_000;
  const files = opts.quick ? 40 : 400;
  const ws = generateWorkspace({ seed: 20261123, lines, files });
  const wsDir = path.join(dir, "ws");
  for (const f of ws.files) {
    const p = path.join(wsDir, path.relative(ws.root, f.uri));
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, f.text);
  }
  const wsDesc = `the generated workspace of the parse-and-check group (${ws.files.length} files, ${ws.lines.toLocaleString("en-US")} lines, seed 20261123) written to a temporary folder`;
  const cases: ProcessCase[] = [
    { key: "node", title: "`node -e 0`", args: ["-e", "0"], cwd: dir, exitCode: 0, expect: /^$/, how: "An empty Node process: the floor of every command below." },
    {
      key: "version",
      title: "`crmrules --version`",
      args: [cli, "--version"],
      cwd: acme,
      exitCode: 0,
      expect: /^\d+\.\d+\.\d+/,
      how: "`crmrules --version`: Node's start, the bin and the command-line library, and no command (none is loaded for it).",
    },
    {
      key: "checkOne",
      title: "`crmrules check` of one small file",
      args: [cli, "check", "schema.crmrules"],
      cwd: acme,
      exitCode: 0,
      expect: /warnings? in 1 file/,
      how: "`crmrules check schema.crmrules` in examples/acme (60 lines, no imports; its unused declarations are reported as warnings, as a user sees them).",
    },
    {
      key: "check100k",
      title: `\`crmrules check\` of ${Math.round(ws.lines / 1000)}k lines`,
      args: [cli, "check"],
      cwd: wsDir,
      exitCode: 0,
      expect: new RegExp(`in ${ws.files.length} files`),
      how: `\`crmrules check\` in ${wsDesc}: reading the files, the full check and the text report of its warnings (read by the benchmark, as a terminal would).`,
    },
    {
      key: "test",
      title: "`crmrules test` of examples/acme",
      args: [cli, "test"],
      cwd: acme,
      exitCode: 0,
      expect: /expectations: \d+ of \d+ passed/,
      how: "`crmrules test` in examples/acme: the check, then every journey with its expectations and the coverage summary.",
    },
    {
      key: "simulate",
      title: "`crmrules simulate` of one acme journey",
      args: [cli, "simulate", "nordic"],
      cwd: acme,
      exitCode: 0,
      expect: /expectations passed/,
      how: "`crmrules simulate nordic` in examples/acme: the check, then one journey replayed and its trace printed.",
    },
  ];
  let timings: Map<string, ProcessTiming>;
  const parserMs: number[] = [];
  try {
    timings = await timeProcesses(cases, opts.rounds, dir);
    // Building the Chevrotain parser (its self-analysis), the one start-up cost every command that parses pays.
    for (let i = 0; i < Math.max(3, opts.rounds); i++) {
      const out = execFileSync(process.execPath, [opts.mainJs, "--child", "process", "parser"], { encoding: "utf8" });
      parserMs.push((JSON.parse(out.trim().split("\n").pop()!) as { ms: number }).ms);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const parserMedian = summarize(parserMs).median;
  const wallOf = (key: string) => summarize(timings.get(key)!.wallMs).median;
  const node = timings.get("node")!;
  const nodeWall = summarize(node.wallMs).median;
  const nodeCpu = summarize(node.cpuMs).median;
  const alternation = `Median of ${opts.rounds} runs, the cases alternating run by run after one discarded warm-up round (the second start onwards, as a user runs a command again); CPU is the child's own (all its threads), reported by the child at exit.`;
  const targets: Record<string, { wall?: Target; cpuOverNode?: Target }> = {
    check100k: { wall: { op: "<", value: 1000 } },
    // Judged on CPU time, as issue 20 measured it (0.25 s of CPU, 3.2× `node -e 0`): on a shared machine
    // the wall time of a 20 ms process is mostly waiting for a core.
    checkOne: { cpuOverNode: { op: "<", value: 2 } },
  };
  const cpuOf = (key: string) => summarize(timings.get(key)!.cpuMs).median;
  const gaps: Record<string, string> = {
    checkOne: `Of the one-file check's median ${Math.round(cpuOf("checkOne"))} ms of CPU, \`node -e 0\` takes ${Math.round(nodeCpu)} ms and \`crmrules --version\` (Node, the bin with its compile cache, the command-line library) ${Math.round(cpuOf("version"))} ms; the rest is the command: loading the check's code (the parser, checker and report; nothing else is loaded), building the parser and checking. Building the Chevrotain parser alone takes ${parserMedian.toFixed(1)} ms of CPU (\`process.parserBuild.cpuMs\`): its self-analysis records every grammar rule and computes the lookahead functions each time a process starts. Meeting 2× needs that work gone from the start, e.g. lookahead paths computed at build time and handed to the parser, or a start-up snapshot.`,
  };
  for (const c of cases) {
    const t = timings.get(c.key)!;
    const target = targets[c.key] ?? {};
    results.push(
      result({
        group: GROUP,
        name: `process.${c.key}.wallMs`,
        title: `${c.title}, wall`,
        unit: "ms",
        summary: summarize(t.wallMs),
        target: target.wall ?? null,
        how: `${c.how} ${alternation}`,
        ...(c.key === "check100k"
          ? {
              closeGap: `The process used ${Math.round(cpuOf("check100k"))} ms of CPU (median); starting Node and loading the CLI take about ${Math.round(cpuOf("checkOne"))} ms of it (the one-file check, \`process.checkOne.cpuMs\`). The rest is reading the files, the full check and printing the report; a CPU profile of the command shows \`checkWorkspace\` as 96 % of it (the report under 5 %), so the gap is the in-process check's (\`check.full.ms\` in the parse-and-check group, explained there). The wall time is far above the CPU time when other processes share the machine's cores (see the load average above).`,
            }
          : {}),
      }),
      result({
        group: GROUP,
        name: `process.${c.key}.cpuMs`,
        title: `${c.title}, CPU`,
        unit: "ms",
        summary: summarize(t.cpuMs),
        target: null,
        how: c.key === "node" ? "User and system CPU time of the same empty process." : `User and system CPU time of the same process (more than the wall time when Node's background threads, e.g. the garbage collector's, work in parallel).`,
      }),
    );
    if (c.key !== "node")
      results.push(
        result({
          group: GROUP,
          name: `process.${c.key}.overNode`,
          title: `${c.title} ÷ \`node -e 0\` (wall)`,
          unit: "×",
          summary: summarize(t.wallMs.map((m) => m / nodeWall)),
          target: null,
          how: `Each run's wall time divided by the median of \`node -e 0\` (${nodeWall.toFixed(1)} ms wall).`,
        }),
        result({
          group: GROUP,
          name: `process.${c.key}.cpuOverNode`,
          title: `${c.title} ÷ \`node -e 0\` (CPU)`,
          unit: "×",
          summary: summarize(t.cpuMs.map((m) => m / nodeCpu)),
          target: target.cpuOverNode ?? null,
          how: `Each run's CPU time divided by the median of \`node -e 0\` (${nodeCpu.toFixed(1)} ms CPU).`,
          ...(gaps[c.key] ? { closeGap: gaps[c.key] } : {}),
        }),
      );
  }
  results.push(
    result({
      group: GROUP,
      name: "process.parserBuild.cpuMs",
      title: "Building the parser in a new process, CPU",
      unit: "ms",
      summary: summarize(parserMs),
      target: null,
      how: "The CPU time of the first `parse` of a two-line text in a fresh process (`--child process parser` of the benchmark's own bundle, production mode as shipped): almost all of it is `new CrmParser()`, Chevrotain's self-analysis of the grammar, which every command that parses pays once.",
    }),
  );
  return { results, skipped };
}

/** `--child process parser`: the CPU time of the first parse in this fresh process (the parser is built by it). */
export function firstParseMs(parse: (text: string, uri: string) => unknown): number {
  const t0 = process.cpuUsage();
  parse('score s "S" {\n}\n', "/first.crmrules");
  const d = process.cpuUsage(t0);
  return (d.user + d.system) / 1000;
}
