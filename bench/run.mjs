// `npm run bench` (after `npm run build`): bundles the benchmark (bench/src/main.ts
// with the core it measures) into bench/.out/ in production mode, then runs it in
// a child Node with --expose-gc so runs start from a collected heap.
import { build } from "esbuild";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import path from "node:path";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const out = path.join(repo, "bench", ".out", "main.cjs");
const common = {
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  define: { "process.env.NODE_ENV": JSON.stringify("production") },
  logLevel: "warning",
};
// The bulk worker is bundled here too, from the same sources as the benchmark, so a
// concurrent `npm run build` cannot hand the pool a worker speaking another protocol.
await build({ ...common, entryPoints: [path.join(repo, "runtime", "bulk", "worker.ts")], outfile: path.join(repo, "bench", ".out", "worker.cjs") });
await build({
  entryPoints: [path.join(repo, "bench", "src", "main.ts")],
  outfile: out,
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  // Chevrotain validations are skipped, as in the shipped build; the native zen engine stays external.
  define: { "process.env.NODE_ENV": JSON.stringify("production") },
  external: ["@gorules/zen-engine"],
  logLevel: "warning",
});
const r = spawnSync(process.execPath, ["--expose-gc", "--max-old-space-size=8192", out, ...process.argv.slice(2)], {
  stdio: "inherit",
  cwd: repo,
  env: { ...process.env, CRMRULES_REPO: repo, NODE_ENV: "production" },
});
process.exit(r.status ?? 1);
