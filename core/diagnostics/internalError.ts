/**
 * The guard per file: a bug that makes checking, formatting or simulating one
 * file throw becomes one CR9001 diagnostic on that file (what failed, and what
 * to report), and every other file is still checked, formatted and run.
 */
import type { Diagnostic } from "./diagnostic.js";
import { EMPTY_RANGE } from "../text/positions.js";

/** What was being done to the file when it failed. */
export type Phase = "read" | "check" | "workspace" | "format" | "simulate";

const WHAT: Record<Phase, string> = {
  read: "reading this file's declarations",
  check: "checking this file",
  workspace: "running the checks across files",
  format: "formatting this file",
  simulate: "simulating this file's journeys",
};

/**
 * Test hook: called at the start of every guarded step, with the step and the
 * file. Tests (and adapters given `CRMRULES_INJECT_FAULT`, see `injectFaultFromEnv`)
 * make it throw to prove that the guard holds. Never set in normal use.
 */
export const faults: { inject?: (phase: Phase, uri: string) => void } = {};

/** Installs a hook that throws for `phase:file-name-suffix` (as in `check:broken.crmrules`); adapters call it with their environment variable. */
export function injectFault(spec: string | undefined): void {
  if (!spec) return;
  const at = spec.indexOf(":");
  const phase = spec.slice(0, at);
  const suffix = spec.slice(at + 1);
  faults.inject = (p, uri) => {
    if (p === phase && uri.endsWith(suffix)) throw new Error(`fault injected for a test (${spec})`);
  };
}

/** The message of an internal error: what failed, the error, and what to report. */
export function internalErrorMessage(phase: Phase, error: unknown): string {
  const e = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const first = e.split("\n")[0]!.slice(0, 200);
  return `internal error while ${WHAT[phase]} (${first}); this is a bug in crmrules, not in your rules: please report it to the crmrules maintainers with this message and this file (the other files were ${phase === "format" ? "formatted" : phase === "simulate" ? "run" : "checked"} as usual)`;
}

/** CR9001 on `uri` for an error thrown during `phase`. */
export function internalErrorDiagnostic(uri: string, phase: Phase, error: unknown): Diagnostic {
  return { code: "CR9001", severity: "error", message: internalErrorMessage(phase, error), uri, range: EMPTY_RANGE };
}

/** Runs `step` for `uri`; an exception (including stack overflow) becomes `onError`'s result. */
export function guarded<R>(phase: Phase, uri: string, step: () => R, onError: (e: unknown) => R): R {
  try {
    faults.inject?.(phase, uri);
    return step();
  } catch (e) {
    return onError(e);
  }
}
