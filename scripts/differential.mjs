// `npm run differential -- --runs 100000 [--seed 1] [--minutes M] [--json out.json]`: the long
// differential run, engine against the oracle written from docs/language.md (issue 11 item 2).
// Bundles test/engine/oracle/ (generator, oracle, comparison: the code test/engine/differential.test.ts
// runs on 550 workspaces) with esbuild into a temporary file and runs `runs` generated workspaces,
// each with its journeys and two event logs. Prints progress every 1,000 workspaces and a summary;
// exits 1 on any disagreement (each printed shrunk) or a workspace that did not check cleanly.
import { writeFileSync } from "node:fs";
import { importBundled, option as opt } from "./bundled.mjs";

const runs = Number(opt("runs", "10000"));
const seed = Number(opt("seed", "1"));
const minutes = opt("minutes", undefined) === undefined ? undefined : Number(opt("minutes", undefined));
const jsonOut = opt("json", undefined);
if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(seed) || (minutes !== undefined && !(minutes > 0))) {
  console.error("usage: npm run differential -- [--runs N] [--seed S] [--minutes M] [--json FILE]");
  process.exit(2);
}
const { differential } = await importBundled("test/engine/oracle/run.ts", "differential");
const started = Date.now();
const line = (s) =>
  `${s.workspaces} workspaces (${s.skipped} not checking cleanly), ${s.cases} cases (${s.journeys} journeys, ${s.logs} event logs), ${s.expectations} expectations, ${s.entries} trace entries, ${((Date.now() - started) / 1000).toFixed(0)} s: ${s.failures.length} disagreements`;
const summary = differential(runs, seed, { ...(minutes ? { minutes } : {}), onProgress: (s) => console.log(line(s)), onFailure: (f) => console.log(`\n${f}\n`) });
if (summary.workspaces < runs) console.log(`stopped after ${minutes} minutes: ${summary.workspaces} of ${runs} workspaces ran (seeds ${seed}–${seed + summary.workspaces - 1})`);
console.log(line(summary));
if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ ...summary, seed, seconds: (Date.now() - started) / 1000 }, null, 2) + "\n");
process.exit(summary.failures.length || summary.skipped ? 1 : 0);
