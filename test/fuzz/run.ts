/**
 * The fuzz loop shared by the vitest suite (test/fuzz/fuzz.test.ts, 2,000 inputs) and the long runs
 * (`npm run fuzz -- --runs 100000 [--seed N]`, scripts/fuzz.mjs): generates inputs from consecutive
 * seeds, checks every property, and sums up what it saw.
 */
import { generate } from "./generator.js";
import { checkInput, SLOW_MS, SMALL_BYTES } from "./properties.js";

export interface FuzzSummary {
  runs: number;
  firstSeed: number;
  /** Inputs that threw anywhere in the pipeline. */
  crashes: number;
  /** Inputs under 10 KB that took more than 1 s of CPU time. */
  hangs: number;
  /** Other property violations (internal-error diagnostics, formatter, engine invariants). */
  violations: number;
  engineChecked: number;
  /** Contact actions the consent model judged. */
  sent: number;
  blocked: number;
  bytes: number;
  ms: number;
  /** The slowest input per KB (CPU milliseconds per kilobyte), with its seed. */
  slowestPerKb: { seed: number; msPerKb: number; ms: number; bytes: number; shape: string };
  /** The slowest input under 10 KB (CPU milliseconds; `wallMs` as measured on the clock). */
  slowestSmall: { seed: number; ms: number; wallMs: number; bytes: number; shape: string };
  /** The longest wall-clock time of an input under 10 KB (load on the machine included). */
  slowestSmallWallMs: number;
  byShape: Record<string, number>;
  /** The first failures (seed, shape, what). */
  failures: { seed: number; shape: string; failure: string }[];
}

/** `minutes`: stop after that long (the summary says how many inputs ran). */
export function fuzz(runs: number, firstSeed: number, opts: { scale?: number; minutes?: number; onProgress?: (done: number, s: FuzzSummary) => void } = {}): FuzzSummary {
  const onProgress = opts.onProgress;
  const deadline = opts.minutes === undefined ? Infinity : Date.now() + opts.minutes * 60_000;
  const s: FuzzSummary = {
    runs: 0,
    firstSeed,
    crashes: 0,
    hangs: 0,
    violations: 0,
    engineChecked: 0,
    sent: 0,
    blocked: 0,
    bytes: 0,
    ms: 0,
    slowestPerKb: { seed: -1, msPerKb: 0, ms: 0, bytes: 0, shape: "" },
    slowestSmall: { seed: -1, ms: 0, wallMs: 0, bytes: 0, shape: "" },
    slowestSmallWallMs: 0,
    byShape: {},
    failures: [],
  };
  // Warm up the JIT on inputs that are not counted, so the first counted input is not timed cold.
  for (let i = 0; i < 10; i++) checkInput(generate(1_000_000_000 + i, { scale: 0.05 }));
  for (let i = 0; i < runs && Date.now() < deadline; i++) {
    const seed = firstSeed + i;
    const g = generate(seed, opts.scale === undefined ? {} : { scale: opts.scale });
    const o = checkInput(g);
    s.runs++;
    s.bytes += o.bytes;
    s.ms += o.ms;
    s.byShape[g.shape] = (s.byShape[g.shape] ?? 0) + 1;
    if (o.engineChecked) s.engineChecked++;
    s.sent += o.decisions.sent;
    s.blocked += o.decisions.blocked;
    const perKb = o.ms / Math.max(1, o.bytes / 1024);
    if (perKb > s.slowestPerKb.msPerKb) s.slowestPerKb = { seed, msPerKb: perKb, ms: o.ms, bytes: o.bytes, shape: g.shape };
    if (o.bytes < SMALL_BYTES && o.ms > s.slowestSmall.ms) s.slowestSmall = { seed, ms: o.ms, wallMs: o.wallMs, bytes: o.bytes, shape: g.shape };
    if (o.bytes < SMALL_BYTES && o.wallMs > s.slowestSmallWallMs) s.slowestSmallWallMs = o.wallMs;
    const slow = o.bytes < SMALL_BYTES && o.ms > SLOW_MS;
    if (slow) s.hangs++;
    if (o.failures.some((f) => f.startsWith("throw"))) s.crashes++;
    else if (o.failures.length) s.violations++;
    for (const f of slow ? [...o.failures, `slow: ${o.ms.toFixed(0)} ms of CPU (${o.wallMs.toFixed(0)} ms on the clock) for ${o.bytes} bytes`] : o.failures) if (s.failures.length < 50) s.failures.push({ seed, shape: g.shape, failure: f });
    if (onProgress && (i + 1) % 1000 === 0) onProgress(i + 1, s);
  }
  return s;
}
