/**
 * The Dask section (docs/distributed.md): `simulate --events LOG --dask local:2` against the
 * one-machine `simulate --events LOG` on the same generated log, both as processes of the built
 * CLI (dist/cli.js, dist/dask-driver.py), alternating. The per-shard figures come from the
 * driver's own report (`shard I/N: done on … in S s`); the overhead is the rest of the Dask run
 * (starting the local cluster, the driver, the merge).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { result, type BenchResult, type Skipped } from "./report.js";
import { summarize } from "./stats.js";

export const GROUP = "Dask distributed";

function python(): string | undefined {
  for (const py of [process.env["CRMRULES_PYTHON"], "python3", "/usr/bin/python3"].filter((p): p is string => !!p)) {
    if (spawnSync(py, ["-c", "import distributed"], { stdio: "ignore" }).status === 0) return py;
  }
  return undefined;
}

export async function daskBench(opts: { repo: string; quick: boolean }): Promise<{ results: BenchResult[]; skipped: Skipped[] }> {
  const cli = path.join(opts.repo, "dist", "cli.js");
  if (!python()) return { results: [], skipped: [{ group: GROUP, name: "dask.*", reason: "no python3 imports distributed (node test/dask/setup.mjs installs Debian's python3-distributed)" }] };
  if (!existsSync(path.join(opts.repo, "dist", "dask-driver.py"))) return { results: [], skipped: [{ group: GROUP, name: "dask.*", reason: "dist/dask-driver.py is missing: run npm run build" }] };
  const dir = mkdtempSync(path.join(tmpdir(), "crmrules-bench-dask-"));
  try {
    const acme = path.join(opts.repo, "examples", "acme");
    const log = path.join(dir, "log.jsonl");
    const leads = opts.quick ? 5000 : 80_000;
    const gen = spawnSync(process.execPath, [cli, "generate", acme, "--leads", String(leads), "--seed", "16", "-o", log], { encoding: "utf8" });
    if (gen.status !== 0) throw new Error(`generate failed: ${gen.stderr}`);
    const events = readFileSync(log, "utf8").split("\n").length - 1;
    const rounds = opts.quick ? 1 : 3;
    const one: number[] = [];
    const dask: number[] = [];
    const shards: number[] = [];
    const overhead: number[] = [];
    const timed = (args: string[]) => {
      const t0 = performance.now();
      const r = spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
      const ms = performance.now() - t0;
      if (r.status !== 0) throw new Error(`crmrules ${args.join(" ")} failed (${r.status}): ${r.stderr}`);
      return { ms, stderr: r.stderr };
    };
    for (let i = 0; i < rounds; i++) {
      one.push(timed(["simulate", "--events", log, acme, "--out", "one.jsonl"]).ms);
      const d = timed(["simulate", "--events", log, acme, "--dask", "local:2", "--out", "dask.jsonl"]);
      dask.push(d.ms);
      const took = [...d.stderr.matchAll(/shard \d+\/\d+: done on \S+ in ([\d.]+) s/g)].map((m) => Number(m[1]) * 1000);
      if (took.length !== 2) throw new Error(`the Dask run reported ${took.length} shards done: ${d.stderr}`);
      shards.push(...took);
      overhead.push(d.ms - Math.max(...took));
      if (readFileSync(path.join(dir, "one.jsonl"), "utf8") !== readFileSync(path.join(dir, "dask.jsonl"), "utf8")) throw new Error("the Dask run's outcomes differ from the one-machine run's");
    }
    const how = `examples/acme, a generated log of ${leads} leads (${events} events), \`simulate --events LOG --out FILE\` as a new process of dist/cli.js, ${rounds} rounds alternating with the Dask run`;
    const oneS = summarize(one);
    const daskS = summarize(dask);
    return {
      results: [
        result({ name: "dask.one_machine.ms", group: GROUP, title: "one machine: simulate --events (this thread)", unit: "ms", target: null, how, summary: oneS }),
        result({ name: "dask.local2.ms", group: GROUP, title: "--dask local:2 (2 worker processes, 2 shards, merge)", unit: "ms", target: null, how: `${how}; the local cluster is started by each run`, summary: daskS }),
        result({
          name: "dask.ratio",
          group: GROUP,
          title: "--dask local:2 over one machine (2 cores shared)",
          unit: "×",
          target: { op: "<=", value: 1.3 },
          how: "median of the Dask run over median of the one-machine run",
          closeGap: "the cluster's start (a LocalCluster of two processes, a few seconds) is paid by every run: on a long-lived cluster (`--dask tcp://…`) it is not; each shard also scans every line of the source (only its own leads are parsed and checked)",
          summary: summarize([daskS.median / oneS.median]),
        }),
        result({ name: "dask.shard.ms", group: GROUP, title: "one shard's task (half the leads; the whole log scanned)", unit: "ms", target: null, how: "the driver's `done in S s` per shard: the CLI's process on the worker, start to end", summary: summarize(shards) }),
        result({ name: "dask.overhead.ms", group: GROUP, title: "Dask overhead: cluster start, driver, merge (run minus the slowest shard)", unit: "ms", target: null, how: "per run: the Dask run's time minus its slowest shard's", summary: summarize(overhead) }),
      ],
      skipped: [],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
