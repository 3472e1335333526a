// What the long-run scripts (fuzz.mjs, differential.mjs) share: reading `--name value` options, and
// bundling a TypeScript entry of the repository with esbuild into a temporary file to import it
// (so the loop runs on the main thread's default stack, as the CLI runs).
import { build } from "esbuild";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** The value after `--name` on the command line, or `fallback`. */
export function option(name, fallback) {
  const argv = process.argv.slice(2);
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : fallback;
}

/** Bundles `entry` (relative to the repository) and imports it. */
export async function importBundled(entry, name) {
  const out = join(mkdtempSync(join(tmpdir(), `crmrules-${name}-`)), `${name}.mjs`);
  await build({
    entryPoints: [join(repo, entry)],
    outfile: out,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    logLevel: "warning",
    define: { "process.env.NODE_ENV": JSON.stringify("development") },
    inject: [join(repo, "cli/compat.ts")],
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
  return import(pathToFileURL(out).href);
}
