// The Dask suite (test/dask/*.suite.ts): a 10^6-event log replayed on a local Dask cluster and
// through shard/merge. Its own step of `npm test` (scripts/test-all.mjs), after
// test/dask/setup.mjs has installed python3-distributed; the main vitest run leaves it out.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/dask/**/*.suite.ts"],
    testTimeout: 900_000,
    hookTimeout: 900_000,
    pool: "forks",
    fileParallelism: false,
  },
});
