/**
 * The long differential run (`npm run differential -- --runs 100000`, scripts/differential.mjs):
 * the same generated cases as test/engine/differential.test.ts, seeds `seed … seed + runs − 1`.
 */
import { runCase, LOGS_PER_CASE } from "./differential.js";

export interface Summary {
  workspaces: number;
  skipped: number;
  cases: number;
  journeys: number;
  logs: number;
  expectations: number;
  entries: number;
  failures: string[];
}

export function differential(runs: number, seed: number, opts: { onProgress?: (s: Summary) => void; onFailure?: (f: string) => void; minutes?: number; shrink?: boolean } = {}): Summary {
  const s: Summary = { workspaces: 0, skipped: 0, cases: 0, journeys: 0, logs: 0, expectations: 0, entries: 0, failures: [] };
  const started = Date.now();
  for (let k = 0; k < runs; k++) {
    const r = runCase(seed + k, { shrink: opts.shrink ?? true });
    s.workspaces++;
    if (!r.ran) s.skipped++;
    s.journeys += r.journeys;
    s.logs += r.logs;
    s.cases += r.journeys + r.logs;
    s.expectations += r.expectations;
    s.entries += r.entries;
    if (r.failure) {
      s.failures.push(r.failure);
      opts.onFailure?.(r.failure);
    }
    if ((k + 1) % 1000 === 0) opts.onProgress?.(s);
    if (opts.minutes !== undefined && Date.now() - started > opts.minutes * 60000) break;
  }
  return s;
}

export { LOGS_PER_CASE };
