/**
 * Bulk replay at scale (issue 14 item 7): 10,000,000-event logs of the examples/acme rules and of
 * the benchmark rules, from JSON Lines and from Parquet, replayed in this thread and on two
 * workers that read their own parts (runtime/bulk/partition.ts), each run in a fresh process for
 * its peak memory; the JSON floor (read + `JSON.parse` each line) measured side by side.
 * `--bulk-events N` (or BENCH_BULK_EVENTS) sets the size; `--quick` uses 200,000.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Section } from "../section.js";
import { result, type BenchResult, type Skipped } from "../report.js";
import { summarize } from "../stats.js";
import { rulesText } from "../simBench.js";
import { RULES_URI } from "../sim/ours.js";
import { jsonFloorOnce, replayFileOnce, writeAcmeLogFile, writeSimLogFile, type ReplayFigures } from "../sim/bulk.js";
import type { RulesSpec } from "../../../runtime/bulk/rules.js";
import { Duck } from "../../../runtime/data/duck.js";
import { crmSources } from "../../../test/support/files.js";

export const GROUP = "Bulk replay at scale";
const RULES = ["acme", "sim"] as const;
type Rules = (typeof RULES)[number];
const TITLE: Record<Rules, string> = { acme: "examples/acme rules", sim: "benchmark rules" };

function specOf(repo: string, rules: Rules): RulesSpec {
  if (rules === "sim") return { root: "/bench/sim", files: [{ uri: RULES_URI, text: rulesText(repo) }], fromUri: RULES_URI };
  const root = path.join(repo, "examples", "acme");
  return { root, files: crmSources(root), fromUri: path.join(root, "workflows.crmrules") };
}

function eventsArg(quick: boolean): number {
  const i = process.argv.indexOf("--bulk-events");
  const given = i >= 0 ? process.argv[i + 1] : process.env["BENCH_BULK_EVENTS"];
  if (given !== undefined) {
    const n = Number(given.replace(/_/g, ""));
    if (!Number.isInteger(n) || n < 1000) throw new Error(`--bulk-events needs a whole number of events (at least 1000), not ${given}`);
    return n;
  }
  return quick ? 200_000 : 10_000_000;
}

const NATIVE = (file: string) => `read_json('${file.replace(/'/g, "''")}', format = 'newline_delimited', columns = {'type': 'VARCHAR', 'lead': 'VARCHAR', 'at': 'JSON', 'event': 'VARCHAR', 'fields': 'JSON', 'payload': 'JSON'})`;

/** The two logs of a size, as JSON Lines and Parquet, made once and kept in bench/.out/bulk-<events>/. */
async function inputs(repo: string, events: number): Promise<Record<Rules, { jsonl: string; parquet: string; records: number; leads: number }>> {
  const dir = path.join(repo, "bench", ".out", `bulk-${events}`);
  mkdirSync(dir, { recursive: true });
  const out = {} as Record<Rules, { jsonl: string; parquet: string; records: number; leads: number }>;
  for (const rules of RULES) {
    const jsonl = path.join(dir, `${rules}.jsonl`);
    const parquet = path.join(dir, `${rules}.parquet`);
    const meta = path.join(dir, `${rules}.json`);
    if (!existsSync(meta) || !existsSync(jsonl) || !existsSync(parquet)) {
      const tmp = jsonl + ".tmp";
      const made = rules === "sim" ? writeSimLogFile(tmp, events, 2026) : writeAcmeLogFile(tmp, events, 2026, specOf(repo, "acme"));
      renameSync(tmp, jsonl);
      const duck = await Duck.open();
      try {
        await duck.conn.run(`COPY (SELECT * FROM ${NATIVE(jsonl)}) TO '${parquet}.tmp' (FORMAT parquet)`);
      } finally {
        duck.close();
      }
      renameSync(parquet + ".tmp", parquet);
      writeFileSync(meta, JSON.stringify(made));
    }
    out[rules] = { jsonl, parquet, ...(JSON.parse(readFileSync(meta, "utf8")) as { records: number; leads: number }) };
  }
  return out;
}

function child<T>(mainJs: string, repo: string, args: string[]): T {
  const text = execFileSync(process.execPath, ["--max-old-space-size=4096", mainJs, "--child", "bulk", ...args], { encoding: "utf8", maxBuffer: 1 << 20, env: { ...process.env, CRMRULES_REPO: repo } });
  return JSON.parse(text.trim().split("\n").pop()!) as T;
}

export const bulkSection: Section = {
  id: "bulk",
  group: GROUP,
  intro:
    "Logs of 10,000,000 events (`--bulk-events N` sets the size; the figures below say theirs) for the examples/acme rules (runtime/bulk's generator, one lead per 50 events) and for the benchmark rules of the simulation section (bench/sim/rules.crmrules; its generator in blocks of 1,000,000 events and 20,000 leads), each written once as JSON Lines and copied to Parquet by DuckDB (`COPY … TO … (FORMAT parquet)`, fields and payloads as JSON). Every replay runs in a fresh process (`--child bulk`), so its peak resident size (maxRSS, all threads) is its own: `replayLog` with each lead on its own (`routing: \"per-lead\"`: the examples/acme rules route to teams, and the team passes that share them across leads, which keep every outcome until the end of the log, are not part of these figures) in this thread, and on two workers that read, check and replay their own parts (a JSON Lines file cut into byte ranges at lead boundaries; Parquet cut into row ranges, each worker reading its rows through its own DuckDB); outcomes go to a hash, and every way of replaying must give the same SHA-256 of the outcomes' JSON Lines, or the run fails. The JSON floor reads the same JSON Lines file with the replay's line reader and `JSON.parse`s each line, nothing else. One round runs every figure of both logs one after the other (floor, JSON Lines in this thread and on two workers, Parquet in this thread and on two workers), so that the ratios compare runs made under the same load; medians are over the rounds.",
  async run(ctx) {
    const events = eventsArg(ctx.quick);
    const rounds = ctx.quick ? 1 : Math.max(1, Number(process.env["BENCH_BULK_RUNS"] ?? 2));
    const files = await inputs(ctx.repo, events);
    const workerScript = path.join(ctx.repo, "bench", ".out", "worker.cjs");
    const results: BenchResult[] = [];
    const skipped: Skipped[] = [];
    type Key = "floor" | "jsonl0" | "jsonl2" | "parquet0" | "parquet2";
    const runs: Record<Rules, Record<Key, (ReplayFigures | { ms: number; peakMB: number })[]>> = { acme: { floor: [], jsonl0: [], jsonl2: [], parquet0: [], parquet2: [] }, sim: { floor: [], jsonl0: [], jsonl2: [], parquet0: [], parquet2: [] } };
    for (let round = 0; round < rounds; round++) {
      for (const rules of RULES) {
        const f = files[rules];
        console.log(`  bulk: round ${round + 1}/${rounds}, ${TITLE[rules]}, ${f.records.toLocaleString("en-US")} records`);
        const floor = child<{ ms: number; peakMB: number }>(ctx.mainJs, ctx.repo, ["floor", f.jsonl]);
        console.log(`    floor: ${JSON.stringify(floor)}`);
        runs[rules].floor.push(floor);
        for (const [key, file, workers] of [["jsonl0", f.jsonl, 0], ["jsonl2", f.jsonl, 2], ["parquet0", f.parquet, 0], ["parquet2", f.parquet, 2]] as const) {
          const one = child<ReplayFigures>(ctx.mainJs, ctx.repo, ["replay", rules, file, String(workers), workerScript]);
          console.log(`    ${key}: ${JSON.stringify(one)}`);
          runs[rules][key].push(one);
        }
      }
    }
    for (const rules of RULES) {
      const r = runs[rules];
      const f = files[rules];
      const all = [...r.jsonl0, ...r.jsonl2, ...r.parquet0, ...r.parquet2] as ReplayFigures[];
      const digests = new Set(all.map((x) => x.digest));
      if (digests.size !== 1) throw new Error(`bulk (${TITLE[rules]}): the replays gave different outcomes (${[...digests].join(", ")})`);
      if (all.some((x) => x.leads !== f.leads)) throw new Error(`bulk (${TITLE[rules]}): a replay did not replay every lead`);
      const size = `${f.records.toLocaleString("en-US")} records, ${f.leads.toLocaleString("en-US")} leads, ${(statSync(f.jsonl).size / 2 ** 20).toFixed(0)} MiB of JSON Lines, ${(statSync(f.parquet).size / 2 ** 20).toFixed(0)} MiB of Parquet`;
      const ms = (k: Key) => r[k].map((x) => x.ms);
      const ratio = (a: Key, b: Key) => summarize(r[a].map((x, i) => x.ms / r[b][i]!.ms));
      const rate = (k: Key) => summarize(ms(k).map((m) => f.records / (m / 1000)));
      const id = `bulk.${rules}`;
      const w2 = r.jsonl2 as ReplayFigures[];
      const p2 = r.parquet2 as ReplayFigures[];
      const speedJ = ratio("jsonl0", "jsonl2");
      const speedP = ratio("parquet0", "parquet2");
      results.push(
        result({ name: `${id}.jsonl.thread.recordsPerSec`, group: GROUP, title: `JSON Lines, this thread (${TITLE[rules]})`, unit: "records/s", summary: rate("jsonl0"), target: null, how: `${size}. \`replayLog({ file, workers: 0 })\`: read, check, group and replay in one thread.` }),
        result({ name: `${id}.jsonl.w2.recordsPerSec`, group: GROUP, title: `JSON Lines, two workers (${TITLE[rules]})`, unit: "records/s", summary: rate("jsonl2"), target: null, how: `Same file, \`workers: 2\`: ${w2[0]!.parts} parts, ${w2[0]!.replayedAgain} replayed again.` }),
        result({ name: `${id}.jsonl.speedup`, group: GROUP, title: `Two workers over this thread, JSON Lines (${TITLE[rules]})`, unit: "×", summary: speedJ, target: { op: ">=", value: 1.7 }, how: "Each round's in-thread time divided by its two-worker time, on the same file.", closeGap: "Two workers can give at most the CPU the machine has free: on this shared 2-core machine other sessions' builds and tests run at the same time (see the load average), and the two workers' CPU time is also above the one thread's by their start-up (each compiles the rules) and the lines this thread counts. Run `npm run bench -- --only bulk` on an idle machine to see the figure the design allows." }),
        result({ name: `${id}.parquet.thread.recordsPerSec`, group: GROUP, title: `Parquet, this thread (${TITLE[rules]})`, unit: "records/s", summary: rate("parquet0"), target: null, how: "The Parquet copy through DuckDB in this thread; rows reach the record check as values." }),
        result({ name: `${id}.parquet.w2.recordsPerSec`, group: GROUP, title: `Parquet, two workers (${TITLE[rules]})`, unit: "records/s", summary: rate("parquet2"), target: null, how: `Two workers, each with its own DuckDB (one DuckDB thread) reading its row range: ${p2[0]!.parts} parts.` }),
        result({ name: `${id}.parquet.speedup`, group: GROUP, title: `Two workers over this thread, Parquet (${TITLE[rules]})`, unit: "×", summary: speedP, target: { op: ">=", value: 1.7 }, how: "Each round's in-thread time divided by its two-worker time, on the Parquet copy.", closeGap: "As for JSON Lines; in addition, each part's query counts (decodes, does not convert) the rows before it." }),
        result({ name: `${id}.jsonl.overFloor`, group: GROUP, title: `JSON Lines replay over the JSON floor, this thread (${TITLE[rules]})`, unit: "×", summary: ratio("jsonl0", "floor"), target: { op: "<=", value: rules === "acme" ? 2 : 1.2 }, how: "Each round's in-thread replay time divided by the floor's (read the same file and `JSON.parse` each line, nothing else) measured just before it.", closeGap: "The rest is the record check (validation against the schema), grouping and the engine's replay of each lead; see the profile in docs/trace.md (\"Performance\")." }),
        result({ name: `${id}.jsonl.w2.overFloor`, group: GROUP, title: `JSON Lines replay on two workers over the JSON floor (${TITLE[rules]})`, unit: "×", summary: ratio("jsonl2", "floor"), target: { op: "<=", value: rules === "acme" ? 2 : 1.2 }, how: "Each round's two-worker replay time divided by the floor's (one thread)." }),
        result({ name: `${id}.parquet.overFloor`, group: GROUP, title: `Parquet replay on two workers over the JSON floor (${TITLE[rules]})`, unit: "×", summary: ratio("parquet2", "floor"), target: { op: "<", value: 1 }, how: "Each round's two-worker replay of the Parquet copy divided by the JSON floor on the JSON Lines file.", closeGap: "The floor does only a fraction of the work (no checks, no replay); Parquet saves the JSON parse of whole lines, but fields and payloads are JSON text in this copy and the replay itself remains." }),
      );
      for (const [k, what] of [["jsonl0", "JSON Lines, this thread"], ["jsonl2", "JSON Lines, two workers"], ["parquet0", "Parquet, this thread"], ["parquet2", "Parquet, two workers"]] as const)
        results.push(result({ name: `${id}.${k}.peakRssMB`, group: GROUP, title: `Peak memory, ${what} (${TITLE[rules]})`, unit: "MB", summary: summarize(r[k].map((x) => x.peakMB)), target: { op: "<", value: 300 }, how: "maxRSS of the replay's fresh process (every thread, DuckDB included)." }));
      const perLead = summarize(w2.map((x) => x.leadIdBytes! / f.leads));
      results.push(result({ name: `${id}.leadIdBytesPerLead`, group: GROUP, title: `Memory per replayed lead id (${TITLE[rules]})`, unit: "bytes", summary: perLead, target: null, how: "Bytes of the set of lead ids taken (runtime/bulk/leadIds.ts: UTF-8 bytes in one buffer, an open-addressing table of typed arrays; allocated sizes, so up to 2× the need after a doubling) over the leads, in the two-worker runs." }));
    }
    return { results, skipped };
  },
  // `--child bulk replay <acme|sim> <file> <workers> <workerScript>` | `--child bulk floor <file>`: one run, its figures as JSON.
  async child(args, ctx) {
    if (args[0] === "floor") {
      console.log(JSON.stringify(await jsonFloorOnce(args[1]!)));
      return;
    }
    if (args[0] !== "replay") throw new Error(`the bulk section has no child mode ${args[0]}`);
    const rules = args[1] as Rules;
    console.log(JSON.stringify(await replayFileOnce(specOf(ctx.repo, rules), args[2]!, Number(args[3]), args[4]!)));
  },
};
