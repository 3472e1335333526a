/**
 * Our engine on the benchmark log: check + compile bench/sim/rules.crmrules once,
 * then one `Simulation` per lead (core/engine, trace off), fed every event in time order.
 */
import { checkWorkspace } from "../../../core/checker/check.js";
import { compile, Simulation, type CompiledRules, type SourceRef, type Value } from "../../../core/engine/index.js";
import type { Outcome, SimLead, SimLog } from "./model.js";

export const RULES_URI = "/bench/sim/rules.crmrules";

export function compileBenchRules(text: string): CompiledRules {
  const check = checkWorkspace({ root: "/bench/sim", files: [{ uri: RULES_URI, text }] });
  const errors = check.diagnostics.filter((d) => d.severity === "error");
  if (errors.length)
    throw new Error(`bench/sim/rules.crmrules has errors: ${errors.map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${d.message}`).join("; ")}`);
  const rules = compile(check, RULES_URI);
  if (rules.problems.length) throw new Error(`bench/sim/rules.crmrules could not be compiled: ${rules.problems.join("; ")}`);
  return rules;
}

export function leadRecord(l: SimLead): Record<string, Value> {
  const r: Record<string, Value> = {};
  if (l.email !== undefined) r["email"] = l.email;
  if (l.country !== undefined) r["country"] = l.country;
  if (l.company_size !== undefined) r["company_size"] = l.company_size;
  if (l.industry !== undefined) r["industry"] = l.industry;
  if (l.role !== undefined) r["role"] = l.role;
  return r;
}

export function outcomeOf(sim: Simulation): Outcome {
  const f = sim.final();
  const r = f.routing[0];
  return {
    fit: f.scores["fit"] ?? null,
    engagement: f.scores["engagement"] ?? null,
    stage: f.stage ?? "",
    routedTo: r?.target ? `${r.target.kind}${r.target.name ? " " + r.target.name : ""}` : null,
    routeRule: r ? r.rule : null,
  };
}

const ZERO = { line: 0, character: 0, offset: 0 };
const SOURCE: SourceRef = { uri: RULES_URI, range: { start: ZERO, end: ZERO } };

/** One started `Simulation` per lead, with no trace, as in bulk replay: the baselines keep none either. */
function startSims(rules: CompiledRules, log: SimLog): Simulation[] {
  return log.leads.map((l) => {
    const s = new Simulation(rules, { seed: 0, trace: false });
    s.start(leadRecord(l), SOURCE);
    return s;
  });
}

/** Replays the whole log on this thread; returns every lead's outcome. */
export function runOurs(rules: CompiledRules, log: SimLog): Outcome[] {
  const sims = startSims(rules, log);
  for (const e of log.events) sims[e.lead]!.event(e.at, e.name, e.payload, SOURCE);
  return sims.map(outcomeOf);
}

/** The same replay through `Simulation.feed`, the engine's call for a whole interleaved log (same results as one `event` call per event). */
export function runOursFeed(rules: CompiledRules, log: SimLog): Outcome[] {
  const sims = startSims(rules, log);
  Simulation.feed(sims, log.events, SOURCE);
  return sims.map(outcomeOf);
}
