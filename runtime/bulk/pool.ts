/**
 * A small worker-thread pool for bulk replay. Finds dist/worker.js next to the
 * bundle; when running from source (tests), bundles runtime/bulk/worker.ts
 * once with esbuild into the temp directory.
 */
import { Worker } from "node:worker_threads";
import { existsSync, mkdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { tmpdir } from "node:os";
import type { PartResult, PartTask, WorkerLead, WorkerRequest, WorkerResponse } from "./protocol.js";
import type { RulesSpec } from "./rules.js";
import type { LeadOutcome } from "../../core/engine/bulk/replay.js";
import type { SharedRun } from "../../core/engine/bulk/sharedReplay.js";

/** A batch's outcomes, and with teams shared each lead's team requests (for the team passes). */
export interface WorkerBatchResult {
  outcomes: LeadOutcome[];
  routings: Omit<SharedRun, "outcome">[] | null;
}

declare const __dirname: string | undefined;

/** The directory of this module: the bundle's (dist/) in CJS, runtime/bulk under vitest (which defines __dirname). */
function hereDir(): string {
  if (typeof __dirname === "string") return __dirname;
  return resolve("runtime", "bulk");
}

let bundled: Promise<string> | null = null;

/** The worker script: `dist/worker.js` beside the running bundle, else a bundle of the source. */
export async function resolveWorkerScript(explicit?: string): Promise<string> {
  if (explicit) return explicit;
  const here = hereDir();
  const beside = join(here, "worker.js");
  if (existsSync(beside) && !here.endsWith(join("runtime", "bulk"))) return beside;
  // From source: beside this module, else the repository layout from the working directory.
  const source = [resolve(here, "worker.ts"), resolve("runtime", "bulk", "worker.ts")].find((p) => existsSync(p));
  if (!source) {
    const built = resolve("dist", "worker.js");
    if (existsSync(built)) return built;
    throw new Error(`cannot find the bulk worker (looked for ${beside}); build it with \`npm run build\` or pass \`workerScript\``);
  }
  bundled ??= (async () => {
    const dir = join(tmpdir(), "crmrules-worker");
    mkdirSync(dir, { recursive: true });
    const out = join(dir, `worker-${process.pid}-${Math.floor(statSync(source).mtimeMs)}.cjs`);
    // Only when running from source: a computed specifier keeps esbuild out of the bundles.
    const specifier = ["es", "build"].join("");
    const esbuild = (await import(specifier)) as typeof import("esbuild");
    await esbuild.build({ entryPoints: [source], bundle: true, platform: "node", format: "cjs", target: "node20", outfile: out, logLevel: "error" });
    return out;
  })();
  return bundled;
}

interface Slot {
  worker: Worker;
  busy: number;
  /** Why the worker is gone (then everything sent to it fails with this). */
  dead?: Error;
}

export class WorkerPool {
  private slots: Slot[] = [];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  private pending = new Map<number, { resolve: (o: any) => void; reject: (e: Error) => void; slot: Slot }>();
  private closing = false;
  private nextId = 0;

  private constructor() {}

  /** `shared`: the leads share the teams (the workers replay with provisional answers and send each lead's requests back). */
  static async start(size: number, spec: RulesSpec, seed: number, workerScript?: string, shared = false): Promise<WorkerPool> {
    const pool = new WorkerPool();
    const script = await resolveWorkerScript(workerScript);
    await Promise.all(
      Array.from({ length: Math.max(1, size) }, async () => {
        // A small young generation: a worker's garbage is short-lived (lines, records, one lead's state), and
        // V8's default lets each worker's heap grow by tens of megabytes (measured: 310 MB peak with two
        // workers on a 1M-record log by default, 250 MB with 4 MB, the same CPU time).
        const worker = new Worker(script, { resourceLimits: { maxYoungGenerationSizeMb: 4 } });
        const slot: Slot = { worker, busy: 0 };
        await new Promise<void>((res, rej) => {
          const onMsg = (m: WorkerResponse) => {
            if (m.type === "ready") {
              worker.off("message", onMsg);
              res();
            } else if (m.type === "error") rej(new Error(m.message));
          };
          worker.on("message", onMsg);
          worker.once("error", rej);
          worker.postMessage({ type: "init", spec, seed, shared } satisfies WorkerRequest);
        });
        worker.on("message", (m: WorkerResponse) => pool.onMessage(m));
        worker.on("error", (e) => pool.failAll(slot, new Error(`a bulk-replay worker failed: ${e.message}`)));
        // A worker that stops (killed, out of memory, process.exit) fails what it was given: nothing waits forever.
        worker.on("exit", (code) => {
          if (!pool.closing) pool.failAll(slot, new Error(`a bulk-replay worker stopped unexpectedly (exit code ${code}); the replay was abandoned`));
        });
        pool.slots.push(slot);
      }),
    );
    return pool;
  }

  get size(): number {
    return this.slots.length;
  }

  /** Batches in flight (for back-pressure). */
  get inFlight(): number {
    return this.pending.size;
  }

  private leastBusy(): Slot {
    return this.slots.reduce((a, s) => (s.busy < a.busy ? s : a), this.slots[0]!);
  }

  /** Has the least busy worker read, check and replay one part of a log file (runtime/bulk/part.ts). */
  part(task: PartTask): Promise<PartResult> {
    const slot = this.leastBusy();
    const id = this.nextId++;
    slot.busy++;
    return new Promise((resolve, reject) => {
      if (slot.dead) return reject(slot.dead);
      this.pending.set(id, { resolve, reject, slot });
      slot.worker.postMessage({ type: "part", id, task } satisfies WorkerRequest);
    });
  }

  /** Replays a batch of leads, each given as its validated record lines (see `groupLeads` `keepLines`). */
  run(leads: WorkerLead[]): Promise<WorkerBatchResult> {
    const slot = this.leastBusy();
    const id = this.nextId++;
    slot.busy++;
    const ids: string[] = [];
    const counts: number[] = [];
    const all: string[] = [];
    for (const l of leads) {
      ids.push(l.lead);
      counts.push(l.lines.length);
      for (const line of l.lines) all.push(line);
    }
    return new Promise((resolve, reject) => {
      if (slot.dead) return reject(slot.dead);
      this.pending.set(id, { resolve, reject, slot });
      slot.worker.postMessage({ type: "batch", id, leads: ids, counts, text: all.join("\u0000") } satisfies WorkerRequest);
    });
  }

  private onMessage(m: WorkerResponse): void {
    if (m.type === "ready") return;
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    p.slot.busy--;
    if (m.type === "result") p.resolve({ outcomes: m.outcomes, routings: m.routings ?? null } satisfies WorkerBatchResult);
    else if (m.type === "part") p.resolve(m.result);
    else p.reject(new Error(m.message));
  }

  private failAll(slot: Slot, e: Error): void {
    slot.dead ??= e;
    for (const [id, p] of this.pending) if (p.slot === slot) {
      this.pending.delete(id);
      p.reject(e);
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    this.slots = [];
  }
}
