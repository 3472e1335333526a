/**
 * `runJourney` for a journey with several named leads (docs/language.md §11 "Journeys with several
 * leads"): one `Simulation` per lead, all on the journey's clock and sharing one `RoutingPool`
 * seeded by the journey's `seed`, so a team's turns and caps count across the leads. Each lead
 * starts at day 0 in written order; before each step, the timers of every lead due by then run in
 * time order across the leads (`advanceLeads`); then the step runs on the lead it names. Trace
 * entries and expectations carry the lead's name (`leadName`); the result lists each lead's final
 * state (`leads`), and `final` is the first lead's.
 */
import { MAX_DAY } from "../time.js";
import type * as A from "../syntax/ast.js";
import type { CompiledRules } from "./compile.js";
import { Simulation, RoutingPool } from "./sim.js";
import { advanceLeads } from "./leads.js";
import { evaluateExpectation, pastMoments, recordValues, type RunOptions } from "./run.js";
import { formatTime, traceEntry, type ExpectationResult, type JourneyResult, type SourceRef, type TraceEntry } from "./trace.js";

interface Member {
  name: string;
  decl: A.JourneyLead;
  sim: Simulation;
  /** The lead's scores at the earlier moments its expectations compare with. */
  snapshots: Map<number, Map<string, number | null>>;
}

/** The entry with its lead's name after `time` (entries keep one field order: kind, at, time, leadName, source, …). */
export function tagLead(e: TraceEntry, leadName: string): TraceEntry {
  return Object.assign({ kind: e.kind, at: e.at, time: e.time, leadName } as TraceEntry, e);
}

/** The leads of a journey that run: each named lead once (the first of a name, CR3044), in written order. */
export function journeyLeadDecls(journey: A.JourneyDecl): A.JourneyLead[] {
  const seen = new Set<string>();
  const out: A.JourneyLead[] = [];
  for (const l of journey.leads ?? []) {
    if (!l.name || seen.has(l.name.text)) continue;
    seen.add(l.name.text);
    out.push(l);
  }
  return out;
}

export function runLeads(rules: CompiledRules, journey: A.JourneyDecl, opts: RunOptions = {}): JourneyResult {
  const uri = rules.journeys.find((j) => j.journey === journey)?.uri ?? rules.fromUri;
  const src = (n: A.Node): SourceRef => ({ uri, range: n.range });
  const seed = opts.seed ?? journey.seed?.value ?? 0;
  const name = journey.name?.value ?? "";
  opts.onStart?.({ journey: name, seed, source: src(journey) });
  const trace: TraceEntry[] = [];
  const emit = opts.onTrace ?? ((e: TraceEntry) => void trace.push(e));
  const pool = new RoutingPool(seed);
  const members: Member[] = journeyLeadDecls(journey).map((decl) => {
    const leadName = decl.name!.text;
    return { name: leadName, decl, sim: new Simulation(rules, { seed, pool, onTrace: (e) => emit(tagLead(e, leadName)), ...(opts.observer ? { observer: opts.observer } : {}) }), snapshots: new Map() };
  });
  const byName = new Map(members.map((m) => [m.name, m]));
  const sims = members.map((m) => m.sim);
  let now = 0;
  /** A note about the journey itself (a step no lead runs). */
  const journeyNote = (message: string, n: A.Node) => emit(traceEntry.note(now, src(n), { message }));
  if (journey.lead) journeyNote("the unnamed `lead { … }` is left out: this journey's leads are named (`lead NAME { … }`)", journey.lead);
  for (const m of members) m.sim.start(recordValues(m.decl.fields), src(m.decl.fields ?? m.decl));
  const expectations: ExpectationResult[] = [];
  const moments = pastMoments(journey);
  const noteMoments = (before: number) => {
    while (moments.length && moments[0]! < before) {
      const t = moments.shift()!;
      advanceLeads(sims, t);
      for (const m of members) m.snapshots.set(t, new Map(rules.scores.map((x) => [x.name, m.sim.score(x.name)])));
    }
  };
  for (const step of journey.steps) {
    const m = step.lead ? byName.get(step.lead.text) : undefined;
    const note = (message: string) => (m ? m.sim.note(message, src(step)) : journeyNote(message, step));
    if (step.time?.day) {
      const day = step.time.day.value;
      if (day > MAX_DAY || !Number.isFinite(day)) {
        note(`this step is written for day ${step.time.day.text}, beyond the last day the clock counts (day ${MAX_DAY}); it is not run`);
        continue;
      }
      const t = day * 1440 + (step.time.timeOfDay?.minutes ?? 0);
      if (t < now) note(`this step is written for ${formatTime(t)}, before the previous step; it happens at ${formatTime(now)}`);
      else {
        noteMoments(t);
        now = t;
      }
    }
    if (!m) {
      // CR3043 / CR3045: the step is not run.
      journeyNote(step.lead ? `this journey has no lead named \`${step.lead.text}\`; this step is not run` : "this step does not name its lead (`NAME: …`); it is not run", step);
      continue;
    }
    advanceLeads(sims, now);
    const sim = m.sim;
    if (step.kind === "EventStep") {
      if (step.event) sim.event(now, step.event.text, recordValues(step.payload), src(step));
    } else if (step.kind === "UpdateStep") {
      sim.update(now, recordValues(step.values), src(step));
    } else if (step.expectation) {
      const r = evaluateExpectation(sim, rules, step.expectation, (t) => (t === sim.now ? undefined : m.snapshots.get(t)));
      const text = `${m.name}: expect ${rules.textOf(src(step.expectation))}`;
      const res: ExpectationResult = { text, leadName: m.name, pass: r.pass, expected: r.expected, actual: r.actual, at: sim.now, time: formatTime(sim.now), source: src(step) };
      expectations.push(res);
      sim.push(traceEntry.expect(sim.now, res.source, { text, pass: r.pass, expected: r.expected, actual: r.actual }));
    }
  }
  // The journey ends at its last step, for every lead.
  advanceLeads(sims, now);
  const leads = members.map((m) => ({ name: m.name, source: src(m.decl), final: m.sim.final() }));
  return {
    journey: name,
    seed,
    source: src(journey),
    trace: opts.onTrace ? [] : trace,
    expectations,
    final: leads[0]?.final ?? new Simulation(rules, { seed, trace: false }).final(),
    leads,
    passed: expectations.every((e) => e.pass),
  };
}
