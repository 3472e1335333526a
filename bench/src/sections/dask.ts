import type { Section } from "../section.js";
import { daskBench, GROUP } from "../daskBench.js";

export const daskSection: Section = {
  id: "dask",
  group: GROUP,
  intro:
    "Sharded replay on Dask distributed (docs/distributed.md): `crmrules simulate --events LOG --dask local:2` (a LocalCluster of two worker processes started by the run, one task per shard running the CLI with `--shard I/2`, then `crmrules merge`'s work in the calling process) against the one-machine run on the same log, both with the built CLI as new processes. Each run's outcomes are checked byte for byte against the one-machine run's. On this 2-core machine the figure is the overhead; the gain is for clusters with more cores.",
  run: (ctx) => daskBench({ repo: ctx.repo, quick: ctx.quick }),
};
