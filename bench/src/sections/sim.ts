import { execFileSync } from "node:child_process";
import path from "node:path";
import type { Section } from "../section.js";
import { simBench, rulesText, FULL_SIZE, GROUP, type SimSize } from "../simBench.js";
import { generateLog } from "../sim/model.js";
import { compileBenchRules, runOurs } from "../sim/ours.js";
import { toJsonLines, runBulk } from "../sim/bulk.js";

const QUICK_SIZE: SimSize = { seed: 1123, leads: 400, events: 20_000, peerLeads: 100 };

export const simSection: Section = {
  id: "sim",
  group: GROUP,
  intro:
    "A generated log of 1,000,000 events (page views with bursts, forms, webinars, demo requests) for 20,000 leads whose fields are sometimes missing, replayed through the rules in `bench/sim/rules.crmrules`: a fit score (attribute rules), an engagement score (event rules with `starts_with` filters, `limit 3 per 7 days`, `at least 3 times within 1 day`, cap and floor), stages `new → mql → sql` (`demo_requested within 14 days`) and a first-match route on entering mql. These are the scoring and routing parts of a typical funnel, chosen so that every baseline can express them; timers (decay, inactivity, escalations), consent and workflows are left out because the peers have no notion of time. Our engine runs two ways: directly (one `Simulation` per lead from core/engine, events handed over as objects, like the baselines) and through runtime/bulk's `replayLog` on the same log written as JSON Lines (the `crmrules` bulk path, in-thread and on its worker pool). All implementations must produce the same fit, engagement, stage, route rule and target for every lead (the bulk outcome has no rule name, so it is compared on the rest), or the run fails. The peers are much slower per event, so they replay the first 1,000 leads and their events, and the ratio is taken against our engine on the same subset. Last, the full examples/acme rules (decay, expiry, detours, round robin, escalations, consent, workflows) replay a 1,000,000-record log made by runtime/bulk's own generator: a throughput figure without baselines.",
  run(ctx) {
    const size = ctx.quick ? QUICK_SIZE : FULL_SIZE;
    // Peak memory is measured in a fresh process (this section's `child`), so earlier runs do not count.
    const memory = async (mode: "direct" | "bulk") => {
      const out = execFileSync(process.execPath, ["--max-old-space-size=8192", ctx.mainJs, "--child", "sim", "memory", JSON.stringify(size), mode], { encoding: "utf8", maxBuffer: 1 << 20, env: { ...process.env, CRMRULES_REPO: ctx.repo } });
      return JSON.parse(out.trim().split("\n").pop()!) as { peakMB: number; baseMB: number };
    };
    return simBench({ repo: ctx.repo, mainJs: ctx.mainJs, size, runs: ctx.quick ? 1 : 3, peerRuns: ctx.quick ? 1 : 2, memory });
  },
  // `--child sim memory <size JSON> direct|bulk`: one replay, then the peak and the base resident size.
  async child(args, ctx) {
    if (args[0] !== "memory") throw new Error(`the sim section has no child mode ${args[0]}`);
    const size = JSON.parse(args[1]!) as SimSize;
    const text = rulesText(ctx.repo);
    const rules = compileBenchRules(text);
    const log = generateLog(size);
    if (args[2] === "bulk") {
      const lines = toJsonLines(log);
      const baseMB = process.memoryUsage().rss / 2 ** 20;
      await runBulk({ rulesText: text, lines, leads: log.leads, workers: 0, workerScript: path.join(ctx.repo, "bench", ".out", "worker.cjs") });
      console.log(JSON.stringify({ peakMB: process.resourceUsage().maxRSS / 1024, baseMB }));
      return;
    }
    const baseMB = process.memoryUsage().rss / 2 ** 20;
    runOurs(rules, log);
    console.log(JSON.stringify({ peakMB: process.resourceUsage().maxRSS / 1024, baseMB }));
  },
};
