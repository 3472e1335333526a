/** The benchmarks' generator: core/rng.ts's, seeded as the benchmarks always were (seed 0 is a fixed non-zero state). */
import { Rng as SeededRng } from "../../core/rng.js";

export class Rng extends SeededRng {
  constructor(seed: number) {
    super(seed >>> 0 || 0x9e3779b9);
  }
}
