// `npm run bench` (after `npm run build`): bundles the benchmark (bench/src/main.ts
// with the core it measures, and every section of bench/src/sections/) into bench/.out/
// in production mode, then runs it in a child Node with --expose-gc so runs start from a
// collected heap. Options are main.ts's: --only <section ids>, --quick, --render.
import { build } from "esbuild";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import path from "node:path";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const outDir = path.join(repo, "bench", ".out");
const common = {
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  // Chevrotain validations are skipped, as in the shipped build.
  define: { "process.env.NODE_ENV": JSON.stringify("production") },
  logLevel: "warning",
};
// Everything bundled into bench/.out/ before the run, built from the same sources as the
// benchmark. A section that needs its own bundle (a worker, a child script) adds one line here.
const BUNDLES = [
  // The bulk worker, so a concurrent `npm run build` cannot hand the pool a worker speaking another protocol.
  { entry: "runtime/bulk/worker.ts", out: "worker.cjs" },
  // The benchmark itself; the native zen engine stays external.
  { entry: "bench/src/main.ts", out: "main.cjs", external: ["@gorules/zen-engine"] },
];
for (const b of BUNDLES) {
  await build({ ...common, entryPoints: [path.join(repo, b.entry)], outfile: path.join(outDir, b.out), external: b.external ?? [] });
}
const r = spawnSync(process.execPath, ["--expose-gc", "--max-old-space-size=8192", path.join(outDir, "main.cjs"), ...process.argv.slice(2)], {
  stdio: "inherit",
  cwd: repo,
  env: { ...process.env, CRMRULES_REPO: repo, NODE_ENV: "production" },
});
process.exit(r.status ?? 1);
