// `npm run fuzz -- --runs 100000 [--seed 1] [--scale 1] [--minutes M] [--json out.json]`: the long fuzz run (issue 13).
// Bundles test/fuzz/ (generator + properties, the same code the vitest suite runs on 2,000 inputs) with
// esbuild into a temporary file and runs it on the main thread's default stack, as the CLI runs.
// Prints progress every 1,000 inputs and a summary; exits 1 if any input threw, hung or broke a property.
import { writeFileSync } from "node:fs";
import { importBundled, option as opt } from "./bundled.mjs";

const runs = Number(opt("runs", "10000"));
// (Times are CPU times of this process, so a loaded machine does not turn into "hangs".)
const seed = Number(opt("seed", "1"));
const scale = Number(opt("scale", "1"));
const jsonOut = opt("json", undefined);
const minutes = opt("minutes", undefined) === undefined ? undefined : Number(opt("minutes", undefined));
if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(seed) || !(scale > 0 && scale <= 1)) {
  console.error("usage: npm run fuzz -- [--runs N] [--seed S] [--scale 0-1] [--json FILE]");
  process.exit(2);
}
const { fuzz } = await importBundled("test/fuzz/run.ts", "fuzz");
const started = Date.now();
const line = (s) =>
  `${s.runs} inputs, ${(s.bytes / 1048576).toFixed(1)} MB, ${((Date.now() - started) / 1000).toFixed(0)} s: ${s.crashes} crashes, ${s.hangs} hangs, ${s.violations} violations; ` +
  `engine-checked ${s.engineChecked} (${s.sent} sent, ${s.blocked} blocked); slowest ${s.slowestPerKb.msPerKb.toFixed(1)} ms/KB (seed ${s.slowestPerKb.seed}), slowest under 10 KB ${s.slowestSmall.ms.toFixed(0)} ms CPU (seed ${s.slowestSmall.seed}; longest on the clock ${s.slowestSmallWallMs.toFixed(0)} ms)`;
const summary = fuzz(runs, seed, { scale, ...(minutes ? { minutes } : {}), onProgress: (_, s) => console.log(line(s)) });
if (summary.runs < runs) console.log(`stopped after ${minutes} minutes: ${summary.runs} of ${runs} inputs ran`);
console.log(line(summary));
console.log(`shapes: ${JSON.stringify(summary.byShape)}`);
for (const f of summary.failures) console.log(`FAIL seed ${f.seed} (${f.shape}): ${f.failure}`);
if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ ...summary, seconds: (Date.now() - started) / 1000, scale }, null, 2) + "\n");
process.exit(summary.crashes + summary.hangs + summary.violations ? 1 : 0);
