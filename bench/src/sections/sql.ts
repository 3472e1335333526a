import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Section } from "../section.js";
import { result, type BenchResult } from "../report.js";
import { summarize } from "../stats.js";
import { agreement, MODES, prepareLogFiles, runMode, sqlSize, type LogFiles, type Mode } from "../sim/sql.js";

const GROUP = "Hand-written DuckDB SQL against our replay";

const TITLES: Record<Mode, string> = {
  "ours:jsonl:0": "Our replay, JSON Lines, in this thread",
  "ours:jsonl:2": "Our replay, JSON Lines, two workers",
  "ours:parquet:0": "Our replay, Parquet, in this thread",
  "ours:parquet:2": "Our replay, Parquet, two workers",
  "sql:window:parquet": "SQL, window functions (approximate), Parquet",
  "sql:fold:parquet": "SQL, exact fold with list_reduce, Parquet",
  "sql:window:jsonl": "SQL, window functions (approximate), JSON Lines",
  "sql:fold:jsonl": "SQL, exact fold with list_reduce, JSON Lines",
};

export const sqlSection: Section = {
  id: "sql",
  group: GROUP,
  intro:
    "The rules of `bench/sim/rules.crmrules` written by hand in DuckDB SQL, in the two forms a data team would write (`bench/sql/`: `common.sql` for the lead fields, the fit score, the scoring events and the route; then `window.sql`, window functions only, approximate where `limit N per D` counts the rule's own firings; or `fold.sql`, an exact per-lead fold with `list_reduce` over a state struct, no recursive CTE needed), against our replay through runtime/bulk's `replayLog` (in this thread and on two workers) on the same generated log (bench/src/sim/model.ts), written as JSON Lines and as Parquet (fields and payload as JSON columns). The size is 10,000,000 events for 200,000 leads at full size, `CRMRULES_BENCH_SQL_EVENTS=N` for another (one lead per 50 events), 200,000 events with `--quick`. Each run is a fresh process (its peak resident memory is its own; DuckDB with its defaults: as many threads as cores, 80% of memory); the time is the replay or the query alone, reading the file included. Agreement: the leads whose fit, engagement, stage and assignment equal our in-thread replay of the JSON Lines log.",
  async run(ctx) {
    const size = sqlSize(ctx.quick);
    const files = await prepareLogFiles(size, path.join(ctx.repo, "bench", ".out", "sql"));
    const runs = ctx.quick ? 1 : 2;
    const tmp = mkdtempSync(path.join(os.tmpdir(), "crmrules-bench-sql-"));
    const ms = new Map<Mode, number[]>();
    const peak = new Map<Mode, number[]>();
    const outcomes = new Map<Mode, Map<string, string>>();
    try {
      // Alternating the modes run by run, so that a slower stretch of a shared machine does not fall on one of them.
      for (let run = 0; run < runs; run++)
        for (const mode of MODES) {
          const out = path.join(tmp, `${mode.replace(/:/g, "-")}.json`);
          const text = execFileSync(process.execPath, ["--max-old-space-size=8192", ctx.mainJs, "--child", "sql", mode, JSON.stringify(files), out], { encoding: "utf8", maxBuffer: 1 << 20, env: { ...process.env, CRMRULES_REPO: ctx.repo } });
          const answer = JSON.parse(text.trim().split("\n").pop()!) as { ms: number; peakMB: number };
          (ms.get(mode) ?? ms.set(mode, []).get(mode)!).push(answer.ms);
          (peak.get(mode) ?? peak.set(mode, []).get(mode)!).push(answer.peakMB);
          if (run === 0) outcomes.set(mode, new Map(JSON.parse(readFileSync(out, "utf8")) as [string, string][]));
        }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
    const reference = outcomes.get("ours:jsonl:0")!;
    const desc = `${files.events.toLocaleString("en-US")} events for ${files.leads.toLocaleString("en-US")} leads (seed ${size.seed})`;
    const results: BenchResult[] = [];
    for (const mode of MODES) {
      const agree = agreement(reference, outcomes.get(mode)!);
      const exact = !mode.startsWith("sql:window");
      results.push(
        result({ group: GROUP, name: `sql.${mode.replace(/:/g, ".")}.ms`, title: TITLES[mode], unit: "ms", summary: summarize(ms.get(mode)!), target: null, how: `${desc}; wall time of the ${mode.startsWith("ours") ? "replay" : "query (common.sql and the form's SELECT, all rows fetched)"} in a fresh process.` }),
        result({ group: GROUP, name: `sql.${mode.replace(/:/g, ".")}.peakMB`, title: `${TITLES[mode]}: peak resident memory`, unit: "MB", summary: summarize(peak.get(mode)!), target: null, how: "The child process's peak resident set (process.resourceUsage().maxRSS), DuckDB's and the workers' memory included." }),
      );
      // The reference itself has no agreement figure (it would agree by definition).
      if (mode === "ours:jsonl:0") continue;
      results.push(
        result({
          group: GROUP,
          name: `sql.${mode.replace(/:/g, ".")}.agreePct`,
          title: `${TITLES[mode]}: leads that agree with our replay`,
          unit: "%",
          summary: summarize([(100 * agree) / reference.size]),
          target: exact ? { op: ">=", value: 100 } : null,
          how: `${agree.toLocaleString("en-US")} of ${reference.size.toLocaleString("en-US")} leads with the same fit, engagement, stage and assignment as our in-thread replay of the JSON Lines log.`,
        }),
      );
    }
    // Target (issue 14 item 7): our two-worker replay faster than both SQL forms.
    for (const form of ["window", "fold"] as const)
      for (const format of ["parquet", "jsonl"] as const) {
        const sql = ms.get(`sql:${form}:${format}` as Mode)!;
        const ours = summarize(ms.get(`ours:${format}:2` as Mode)!).median;
        results.push(result({ group: GROUP, name: `sql.${form}.${format}.overOurs2`, title: `SQL ${form === "window" ? "window form" : "exact fold"} ÷ our two-worker replay (${format === "parquet" ? "Parquet" : "JSON Lines"}, time)`, unit: "×", summary: summarize(sql.map((m) => m / ours)), target: { op: ">", value: 1 }, how: `Each SQL run divided by the median of our two-worker replay of the same file: above 1, our replay is faster.` }));
      }
    return { results, skipped: [] };
  },
  // `--child sql <mode> <files JSON> <out file>`: one run; prints its time and peak memory, writes each lead's outcome.
  async child(args, ctx) {
    const [mode, filesJson, out] = args as [Mode, string, string];
    if (!MODES.includes(mode)) throw new Error(`the sql section has no mode ${mode}`);
    const files = JSON.parse(filesJson) as LogFiles;
    const r = await runMode(mode, files, ctx.repo);
    writeFileSync(out, JSON.stringify([...r.outcomes]));
    console.log(JSON.stringify({ ms: r.ms, peakMB: process.resourceUsage().maxRSS / 1024 }));
  },
};
