/**
 * Our engine on the full examples/acme rules (scores with decay and expiry,
 * stages with detours, round-robin teams, escalations, consent per
 * jurisdiction, workflows), with a log made by runtime/bulk's own generator.
 * No baseline can express these rules, so this is a throughput figure only.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { generateLog, compileSpec, replayLog } from "../../../runtime/bulk/index.js";
import type { SourceFile } from "../../../core/workspace.js";
import { summarize, timeMsAsync, gc } from "../stats.js";
import { result, type BenchResult, type Skipped } from "../report.js";
import { crmSources } from "../../../test/support/files.js";

export async function acmeBench(opts: { repo: string; group: string; events: number; runs: number; workerScript: string }): Promise<{ results: BenchResult[]; skipped: Skipped[] }> {
  const root = path.join(opts.repo, "examples", "acme");
  const fromUri = path.join(root, "workflows.crmrules");
  if (!existsSync(fromUri)) return { results: [], skipped: [{ group: opts.group, name: "sim.acme.eventsPerSec", reason: "examples/acme/workflows.crmrules is not in the tree" }] };
  const files: SourceFile[] = crmSources(root);
  const spec = { root, files, fromUri };
  const rules = compileSpec(spec);
  const perLead = 50;
  const lines = [...generateLog({ seed: 2026, leads: Math.ceil(opts.events / perLead), schema: rules, eventsPerLead: perLead })];
  let leads = 0;
  for (const l of lines) if (l.startsWith('{"type":"lead"')) leads++;
  /** Events and field updates: every record after a lead's first. */
  const events = lines.length - leads;
  const results: BenchResult[] = [];
  const desc = `runtime/bulk's generator (seed 2026) writes ${events.toLocaleString("en-US")} events and field updates for ${leads.toLocaleString("en-US")} leads following the acme schema (consent, page views, downloads, calls, purchases…)`;
  const medians: Record<number, number> = {};
  const samples: Record<number, number[]> = {};
  for (const workers of [0, 1, 2]) {
    const ms: number[] = [];
    let outcomes = 0;
    for (let i = 0; i < opts.runs; i++) {
      gc();
      outcomes = 0;
      ms.push(
        await timeMsAsync(async () => {
          const r = await replayLog({ rules: spec, input: lines, workers, workerScript: opts.workerScript, onOutcome: () => void outcomes++ });
          if (r.errorCount) throw new Error(`the acme replay reported ${r.errorCount} bad record(s); first: line ${r.errors[0]?.line}: ${r.errors[0]?.reason}`);
        }),
      );
      if (outcomes !== leads) throw new Error(`the acme replay produced ${outcomes} outcomes for ${leads} leads`);
    }
    medians[workers] = summarize(ms).median;
    samples[workers] = ms;
    results.push(
      result({
        group: opts.group,
        name: workers === 0 ? "sim.acme.eventsPerSec" : `sim.acme${workers}.eventsPerSec`,
        title: workers === 0 ? "examples/acme rules, runtime/bulk in this thread" : `examples/acme rules, runtime/bulk on ${workers === 1 ? "one worker" : "two workers"}`,
        unit: "events/s",
        summary: summarize(ms.map((m) => events / (m / 1000))),
        target: null,
        how: `Every rule of examples/acme (seen from workflows.crmrules) replayed with \`replayLog\`; ${desc}. One outcome per lead is checked to arrive; no baseline exists for these rules (timers, consent and workflows are beyond the peers).`,
      }),
    );
  }
  results.push(
    result({
      group: opts.group,
      name: "sim.acme.speedup1to2",
      title: "examples/acme rules, speed-up from one to two workers",
      unit: "×",
      summary: summarize(samples[2]!.map((m) => medians[1]! / m)),
      target: null,
      how: "Median one-worker time divided by the two-worker time on the acme replay. Compare with `sim.speedup1to2`: the heavier the rules, the smaller the share of the main thread's own work (reading and grouping lines, handing batches over), which the workers cannot share out.",
    }),
  );
  return { results, skipped: [] };
}
