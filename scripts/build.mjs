// Bundles the CLI, the language server, the extension client and the bulk-replay
// worker with esbuild: one file each, no node_modules needed at run time.
import { build } from "esbuild";
import { chmodSync } from "node:fs";

const production = process.argv.includes("--production");
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
  inject: ["cli/compat.ts"],
};

const entries = [
  { entryPoints: ["cli/main.ts"], outfile: "dist/cli.js", banner: { js: "#!/usr/bin/env node" } },
  { entryPoints: ["server/src/main.ts"], outfile: "dist/server.js" },
  { entryPoints: ["client/src/extension.ts"], outfile: "dist/client.js", external: ["vscode"] },
  { entryPoints: ["runtime/bulk/worker.ts"], outfile: "dist/worker.js" },
];

await Promise.all(entries.map((e) => build({ ...common, ...e })));
chmodSync("dist/cli.js", 0o755);
