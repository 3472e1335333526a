/**
 * Test harness for the CLI: builds cli/main.ts once with the same esbuild
 * settings as scripts/build.mjs (into a temporary folder, so a concurrent
 * `npm run build` of other entries cannot interfere), with the bulk-replay
 * worker beside it, and runs it as a subprocess. Golden files are compared by test/support/golden.ts (rewritten with UPDATE_GOLDEN=1).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { golden as compareGolden } from "../support/golden.js";

export const HERE = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.resolve(HERE, "../..");
export const FIXTURES = path.join(HERE, "fixtures");
export const GOLDEN = path.join(HERE, "golden");

let built: Promise<string> | undefined;

/** Path of the built CLI (built once per test file). */
export function buildCli(): Promise<string> {
  built ??= (async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "crmrules-cli-"));
    const out = path.join(dir, "cli.js");
    // The bulk-replay worker sits beside the CLI, as dist/worker.js does beside dist/cli.js.
    await build({
      entryPoints: [path.join(REPO, "runtime/bulk/worker.ts")],
      outfile: path.join(dir, "worker.js"),
      bundle: true,
      platform: "node",
      target: "node20",
      format: "cjs",
      logLevel: "warning",
      define: { "process.env.NODE_ENV": JSON.stringify("development") },
    });
    await build({
      entryPoints: [path.join(REPO, "cli/main.ts")],
      outfile: out,
      bundle: true,
      platform: "node",
      target: "node20",
      format: "cjs",
      logLevel: "warning",
      banner: { js: "#!/usr/bin/env node" },
      define: { "process.env.NODE_ENV": JSON.stringify("development") },
    });
    return out;
  })();
  return built;
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export async function run(args: string[], options: { cwd?: string; input?: string | Buffer; env?: Record<string, string | undefined> } = {}): Promise<RunResult> {
  const cli = await buildCli();
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: "1", FORCE_COLOR: undefined, ...options.env };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: options.cwd ?? FIXTURES, input: options.input, env: env as NodeJS.ProcessEnv, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Compares `actual` with the golden file `name` (under test/cli/golden/), or rewrites it with UPDATE_GOLDEN=1. */
export function golden(name: string, actual: string): void {
  compareGolden(path.join(GOLDEN, name), actual);
}

/** Replaces machine-specific absolute paths by stable placeholders. */
export function stable(text: string): string {
  return text.split(FIXTURES).join("<FIXTURES>").split(REPO).join("<REPO>");
}
