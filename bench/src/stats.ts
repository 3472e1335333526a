/** Repeated measurement and summary statistics. */

export interface Summary {
  median: number;
  min: number;
  max: number;
  samples: number[];
}

export function summarize(samples: number[]): Summary {
  const s = [...samples].sort((a, b) => a - b);
  if (s.length === 0) throw new Error("no samples to summarize");
  return { median: quantile(s, 0.5), min: s[0]!, max: s[s.length - 1]!, samples };
}

/** Quantile of an ascending array (linear interpolation between closest ranks). */
export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** Milliseconds elapsed while `fn` runs. */
export function timeMs(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

export async function timeMsAsync(fn: () => Promise<void>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

export function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}
