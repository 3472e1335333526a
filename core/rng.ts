/**
 * The one seeded pseudo-random generator (mulberry32) of the project: what generates inputs
 * (`crmrules generate`, the benchmarks' workspaces and logs, the differential test's random
 * workspaces) draws from it, so every generated input is reproducible from its seed. The
 * engine itself draws nothing at random (test/architecture/boundaries.test.ts).
 */
export class Rng {
  private s: number;
  /** `state` is the generator's 32-bit state as given; callers mix their seed into it as they choose. */
  constructor(state: number) {
    this.s = state >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}
