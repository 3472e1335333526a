// Bundles the CLI, the language server, the extension client and the bulk-replay
// worker with esbuild: one file each, no node_modules needed at run time.
// `--production` (and every `npm pack`/`npm publish`, whose `prepare` runs this) minifies and
// drops source maps; `--outdir DIR` writes the bundles elsewhere than dist/ (the package test).
import { build } from "esbuild";
import { chmodSync, copyFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const argv = process.argv.slice(2);
const production = argv.includes("--production") || ["pack", "publish"].includes(process.env.npm_command ?? "");
const outdirAt = argv.indexOf("--outdir");
const outdir = outdirAt >= 0 ? resolve(argv[outdirAt + 1] ?? "dist") : join(repo, "dist");
const common = {
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  sourcemap: !production,
  minify: production,
  logLevel: "warning",
  // Chevrotain's grammar validations are skipped in production builds.
  define: { "process.env.NODE_ENV": JSON.stringify(production ? "production" : "development") },
  // The bundles run on the user's Node (20 or later); the parser library calls
  // Object.groupBy (Node 21+), so every bundle, worker threads included, starts
  // with the standard polyfill.
  inject: [join(repo, "cli/compat.ts")],
};

const entries = [
  // DuckDB (a native binary) is never bundled: the CLI and the worker load it at run time when a
  // Parquet, CSV, JSON or DuckDB source is read (runtime/data/duckdb.ts, an optional peer dependency).
  // The bin (dist/cli.js) turns on V8's compile cache, then loads the command line (dist/cli-main.js), cli/bin.ts.
  { entryPoints: ["cli/bin.ts"], outfile: "cli.js", banner: { js: "#!/usr/bin/env node" }, external: ["./cli-main.js"] },
  { entryPoints: ["cli/main.ts"], outfile: "cli-main.js", external: ["@duckdb/node-api"] },
  { entryPoints: ["server/src/main.ts"], outfile: "server.js" },
  { entryPoints: ["client/src/extension.ts"], outfile: "client.js", external: ["vscode"] },
  { entryPoints: ["runtime/bulk/worker.ts"], outfile: "worker.js", external: ["@duckdb/node-api"] },
  // The journey debugger's adapter (Debug Adapter Protocol over stdio), started by the extension.
  { entryPoints: ["debug/main.ts"], outfile: "debug.js" },
];

await Promise.all(entries.map((e) => build({ ...common, ...e, entryPoints: e.entryPoints.map((p) => join(repo, p)), outfile: join(outdir, e.outfile) })));
chmodSync(join(outdir, "cli.js"), 0o755);
// The Dask driver of `simulate --dask` (docs/distributed.md) ships beside the CLI it starts.
copyFileSync(join(repo, "runtime/dask/driver.py"), join(outdir, "dask-driver.py"));
