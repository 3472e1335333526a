/**
 * Parts of the project that are optional to the benchmark (the bulk engine
 * bundle, the built server) are loaded here when present; a missing part is
 * reported as "not measured", never faked.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { checkWorkspace } from "../../core/checker/check.js";
import type { WorkspaceCheck, WorkspaceInput } from "../../core/workspace.js";

export interface Optional {
  checkWorkspace?: (input: WorkspaceInput, options?: { previous?: WorkspaceCheck; keepDeclarations?: boolean }) => WorkspaceCheck & { rechecked?: readonly string[] };
  /** Everything the engine bundle exports (runtime/bulk, core/engine). */
  engine?: Record<string, unknown>;
  /** Absolute path of dist/server.js when it exists. */
  serverJs?: string;
  repo: string;
}

export function loadOptional(repo: string): Optional {
  const out = path.join(repo, "bench", ".out");
  const req = createRequire(path.join(out, "main.cjs"));
  const opt: Optional = { repo, checkWorkspace };
  const engine = path.join(out, "engine.cjs");
  if (existsSync(engine)) opt.engine = req(engine) as Record<string, unknown>;
  const server = path.join(repo, "dist", "server.js");
  if (existsSync(server)) opt.serverJs = server;
  return opt;
}
