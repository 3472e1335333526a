/**
 * Teams shared across leads in bulk replay (issue 15 item 5, docs/event-log.md "Determinism and
 * threads"): the shared-team replay of a 1,000,000-event log against the per-lead replay of the
 * same log, side by side, alternating, in this thread.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import type { Section } from "../section.js";
import { generateLog, compileSpec, replayLog } from "../../../runtime/bulk/index.js";
import type { SourceFile } from "../../../core/workspace.js";
import { summarize, timeMsAsync, gc } from "../stats.js";
import { result, type BenchResult } from "../report.js";
import { crmSources } from "../../../test/support/files.js";

const GROUP = "Shared teams in bulk replay";

export const routingSection: Section = {
  id: "routing",
  group: GROUP,
  intro:
    "The full examples/acme rules (seen from workflows.crmrules: the `sdr` team of two with `cap 25 per day` behind the mql route, escalations, scores with decay, consent, workflows) replay a log made by runtime/bulk's generator (seed 2026, 50 events per lead, 1,000,000 events and updates) with `replayLog` in this thread, twice per run, alternating: once with the teams shared across leads (the default: a first replay of every lead with provisional team answers, the team passes, the leads whose answers went the other way replayed again, the others settled) and once per lead (`routing: \"per-lead\"`, each lead as if it were alone, the replay before shared teams). The outcomes of the two differ where a team's turns or caps bind across leads; the figure is the time.",
  async run(ctx) {
    const root = path.join(ctx.repo, "examples", "acme");
    const fromUri = path.join(root, "workflows.crmrules");
    if (!existsSync(fromUri)) return { results: [], skipped: [{ group: GROUP, name: "routing.sharedOverPerLead", reason: "examples/acme/workflows.crmrules is not in the tree" }] };
    const files: SourceFile[] = crmSources(root);
    const spec = { root, files, fromUri };
    const rules = compileSpec(spec);
    const events = ctx.quick ? 50_000 : 1_000_000;
    const perLead = 50;
    const lines = [...generateLog({ seed: 2026, leads: Math.ceil(events / perLead), schema: rules, eventsPerLead: perLead })];
    let leads = 0;
    for (const l of lines) if (l.startsWith('{"type":"lead"')) leads++;
    const records = lines.length - leads;
    const runs = ctx.quick ? 1 : 3;
    const shared: number[] = [];
    const perLeadMs: number[] = [];
    let teams: { passes: number; replayedAgain: number } | null = null;
    let overflows = 0;
    for (let i = 0; i < runs; i++) {
      for (const mode of ["shared", "per-lead"] as const) {
        gc();
        let outcomes = 0;
        const ms = await timeMsAsync(async () => {
          const r = await replayLog({ rules: spec, input: lines, workers: 0, routing: mode, onOutcome: () => void outcomes++ });
          if (r.errorCount) throw new Error(`the acme replay reported ${r.errorCount} bad record(s); first: line ${r.errors[0]?.line}: ${r.errors[0]?.reason}`);
          if (mode === "shared") {
            if (!r.teams) throw new Error("the shared replay ran no team pass: the acme rules route to the sdr team");
            teams = r.teams;
            overflows = Object.values(r.summary.capOverflows).reduce((a, days) => a + Object.values(days).reduce((x, y) => x + y, 0), 0);
          }
        });
        if (outcomes !== leads) throw new Error(`the ${mode} replay produced ${outcomes} outcomes for ${leads} leads`);
        (mode === "shared" ? shared : perLeadMs).push(ms);
      }
    }
    const t = teams as { passes: number; replayedAgain: number } | null;
    const desc = `${records.toLocaleString("en-US")} events and field updates for ${leads.toLocaleString("en-US")} leads; the shared replay ran ${t?.passes ?? 0} team passes, replayed ${(t?.replayedAgain ?? 0).toLocaleString("en-US")} leads again and counted ${overflows.toLocaleString("en-US")} cap overflows`;
    const results: BenchResult[] = [
      result({ group: GROUP, name: "routing.shared.ms", title: "acme log, teams shared across leads", unit: "ms", summary: summarize(shared), target: null, how: `\`replayLog\` in this thread with the teams shared (the default); ${desc}.` }),
      result({ group: GROUP, name: "routing.perLead.ms", title: "acme log, each lead on its own", unit: "ms", summary: summarize(perLeadMs), target: null, how: `\`replayLog\` in this thread with \`routing: "per-lead"\` on the same lines, run alternately with the shared replay.` }),
      result({
        group: GROUP,
        name: "routing.sharedOverPerLead",
        title: "shared teams over per-lead replay",
        unit: "×",
        summary: summarize(shared.map((m, i) => m / perLeadMs[i]!)),
        target: { op: "<=", value: 1.3 },
        how: "Each shared run's time divided by the per-lead run next to it (issue 15: at most 1.3×).",
      }),
    ];
    return { results, skipped: [] };
  },
};
