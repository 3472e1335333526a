/**
 * `npm run bench` entry (bundled by bench/run.mjs into bench/.out/main.cjs).
 * Options: --only <ids> (comma-separated section ids, see bench/src/sections/index.ts)
 *          --quick (small inputs, writes nothing)
 *          --render (BENCHMARKS.md from the last bench/results.json, no measuring)
 *          --child <id> … (internal: a section's work in a fresh process, `Section.child`)
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { loadOptional } from "./optional.js";
import { SECTIONS } from "./sections/index.js";
import type { Section } from "./section.js";
import { machineInfo, printTable, renderMarkdown, writeResultsJson, type BenchResult, type Results, type Skipped } from "./report.js";

const NOTES = [
  "Figures taken while other helpers were building and testing on the same 2-core machine are noisy (see the load average above); the min–max spread shows how much. Re-run `npm run bench` on an idle machine for figures to compare releases with.",
];

function sectionById(id: string): Section {
  const s = SECTIONS.find((x) => x.id === id);
  if (!s) throw new Error(`no benchmark section \`${id}\` (sections: ${SECTIONS.map((x) => x.id).join(", ")})`);
  return s;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const repo = path.resolve(process.env["CRMRULES_REPO"] ?? process.cwd());
  const mainJs = path.join(repo, "bench", ".out", "main.cjs");
  for (const key of ["id", "group"] as const) {
    const twice = SECTIONS.find((s, i) => SECTIONS.findIndex((t) => t[key] === s[key]) !== i);
    if (twice) throw new Error(`two benchmark sections share the ${key} \`${twice[key]}\` (bench/src/sections/index.ts)`);
  }
  if (argv[0] === "--child") {
    const s = sectionById(argv[1] ?? "");
    if (!s.child) throw new Error(`the benchmark section \`${s.id}\` has no child mode`);
    await s.child(argv.slice(2), { repo, mainJs });
    return;
  }
  const groups = SECTIONS.map((s) => ({ id: s.id, group: s.group, intro: s.intro }));
  if (argv[0] === "--render") {
    // Re-renders BENCHMARKS.md from the last bench/results.json (after editing the texts, without re-measuring).
    const res = JSON.parse(readFileSync(path.join(repo, "bench", "results.json"), "utf8")) as Results;
    writeFileSync(path.join(repo, "BENCHMARKS.md"), renderMarkdown(res, groups) + "\n");
    console.log("wrote BENCHMARKS.md from bench/results.json");
    return;
  }
  const quick = argv.includes("--quick");
  const onlyArg = argv.indexOf("--only");
  const chosen = onlyArg >= 0 ? (argv[onlyArg + 1] ?? "").split(",").filter(Boolean).map(sectionById) : SECTIONS.filter((s) => s.byDefault !== false);
  if (chosen.length === 0) throw new Error(`--only needs section ids (sections: ${SECTIONS.map((x) => x.id).join(", ")})`);
  const started = Date.now();
  const machine = machineInfo();
  const opt = loadOptional(repo);
  const results: BenchResult[] = [];
  const skipped: Skipped[] = [];
  const step = (what: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(0)} s] ${what}`);

  for (const s of SECTIONS) {
    if (!chosen.includes(s)) continue;
    step(s.group);
    const r = await s.run({ repo, mainJs, quick, opt });
    for (const x of [...r.results, ...r.skipped]) if (x.group !== s.group) throw new Error(`section \`${s.id}\` returned ${x.name} under the heading \`${x.group}\`, not \`${s.group}\``);
    results.push(...r.results);
    skipped.push(...r.skipped);
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
  writeFileSync(path.join(repo, "BENCHMARKS.md"), renderMarkdown(res, groups) + "\n");
  console.log("\nwrote bench/results.json and BENCHMARKS.md");
}

main().catch((e: unknown) => {
  console.error(`benchmark failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  process.exit(1);
});
