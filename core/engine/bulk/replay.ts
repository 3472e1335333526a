/**
 * Bulk replay, the pure part: one lead's records through the rules, and
 * outcome aggregation (merge-able, so worker partials combine exactly).
 */
import type { CompiledRules } from "../compile.js";
import { Simulation, RoutingPool } from "../sim.js";
import { formatTime, type FinalState, type SourceRef, type TargetValue, type TraceEntry, type Value } from "../trace.js";
import { epochOf, minutesOf, timeProblem, type LogRecord } from "./records.js";

export interface LeadOutcome {
  lead: string;
  /** Records replayed and the time of the last one (`day N at HH:MM`). */
  records: number;
  last: string;
  stage: string | null;
  /** `owner kari`, `team sdr (owner anna)`, `queue unrouted`, `discard`, or null. */
  assignment: string | null;
  /** What set the assignment: `route.rule`, `escalation of route`, or null. */
  routedBy: string | null;
  scores: Record<string, number | null>;
  grades: Record<string, string | null>;
  sent: number;
  /** Sent actions by name. */
  sentActions: Record<string, number>;
  blocked: { action: string; purpose: string | null; clause: string | null; at: string; reason: string }[];
  escalations: number;
  erased: boolean;
  /** Problems with this lead's records (e.g. out of time order); those records were skipped. */
  problems: string[];
}

export interface BulkSummary {
  leads: number;
  records: number;
  perStage: Record<string, number>;
  perAssignment: Record<string, number>;
  /** Blocked contact actions per consent clause: `email_marketing in [CA]`, `erasure`, … */
  blockedPerClause: Record<string, number>;
  sentPerAction: Record<string, number>;
  blockedPerAction: Record<string, number>;
  leadsWithProblems: number;
}

export interface ReplayOptions {
  /** Mixed into each lead's round-robin seed (default 0). */
  seed?: number;
}

/** One lead's replay in full: its outcome, the simulation's final state and (when asked for) its trace. */
export interface LeadRun {
  outcome: LeadOutcome;
  final: FinalState;
  /** Empty unless `trace` was asked for. */
  trace: TraceEntry[];
}

/** FNV-1a: a stable per-lead seed, so a lead replays the same in any worker. */
export function leadSeed(lead: string, seed = 0): number {
  let h = 0x811c9dc5 ^ (seed | 0);
  for (let i = 0; i < lead.length; i++) {
    h ^= lead.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function describeTarget(t: TargetValue | null): string | null {
  if (!t) return null;
  if (t.kind === "discard") return "discard";
  return t.member ? `${t.kind} ${t.name} (owner ${t.member})` : `${t.kind} ${t.name}`;
}

/** Replays one lead. Records must be this lead's, in time order (later out-of-order records are skipped and reported). */
export function replayLead(rules: CompiledRules, lead: string, records: LogRecord[], opts: ReplayOptions = {}): LeadOutcome {
  return replayLeadRun(rules, lead, records, opts).outcome;
}

/** `replayLead`, also handing back the final state and, with `trace`, the trace (as a journey's run has one). */
export function replayLeadRun(rules: CompiledRules, lead: string, records: LogRecord[], opts: ReplayOptions & { trace?: boolean } = {}): LeadRun {
  const seed = leadSeed(lead, opts.seed ?? 0);
  const sim = new Simulation(rules, { seed, pool: new RoutingPool(seed), trace: opts.trace ?? false });
  const src: SourceRef = { uri: `log:${lead}`, range: { start: { line: 0, character: 0, offset: 0 }, end: { line: 0, character: 0, offset: 0 } } };
  const problems: string[] = [];
  const first = records[0];
  const epoch = first ? epochOf(first.at) : null;
  const kind = first ? typeof first.at : "number";
  let i = 0;
  let initial: Record<string, Value> = {};
  if (first?.type === "lead") {
    initial = first.fields;
    i = 1;
  }
  sim.start(initial, src);
  let now = 0;
  let n = 0;
  for (; i < records.length; i++) {
    const r = records[i]!;
    if (typeof r.at !== kind) {
      problems.push(`record ${i + 1}: mixes day offsets and ISO times; skipped`);
      continue;
    }
    const t = minutesOf(r.at, epoch);
    const far = timeProblem(t, r.at);
    if (far !== null) {
      problems.push(`record ${i + 1}: ${far}; skipped`);
      continue;
    }
    if (t < now) {
      problems.push(`record ${i + 1}: ${formatTime(t)} is before the previous record (${formatTime(now)}); skipped`);
      continue;
    }
    now = t;
    n++;
    if (r.type === "event") sim.event(t, r.event, r.payload, src);
    else sim.update(t, r.fields, src);
  }
  const f = sim.final();
  const outcome: LeadOutcome = {
    lead,
    records: records.length,
    last: formatTime(now),
    stage: f.stage,
    assignment: describeTarget(f.assignment),
    routedBy: f.assignedBy,
    scores: f.scores,
    grades: f.grades,
    sent: f.sent.length,
    sentActions: f.sent.reduce<Record<string, number>>((m, x) => ((m[x.action] = (m[x.action] ?? 0) + 1), m), {}),
    blocked: f.blocked.map((b) => ({ action: b.action, purpose: b.purpose, clause: b.clause, at: formatTime(b.at), reason: b.reason })),
    escalations: f.escalations.length,
    erased: f.erased,
    problems,
  };
  return { outcome, final: f, trace: opts.trace ? sim.trace : [] };
}

export function emptySummary(): BulkSummary {
  return { leads: 0, records: 0, perStage: {}, perAssignment: {}, blockedPerClause: {}, sentPerAction: {}, blockedPerAction: {}, leadsWithProblems: 0 };
}

const bump = (m: Record<string, number>, k: string, by = 1) => {
  m[k] = (m[k] ?? 0) + by;
};

export function addOutcome(s: BulkSummary, o: LeadOutcome): void {
  s.leads++;
  s.records += o.records;
  bump(s.perStage, o.stage ?? "(none)");
  bump(s.perAssignment, o.assignment ?? "(not routed)");
  for (const b of o.blocked) {
    bump(s.blockedPerClause, blockKey(b));
    bump(s.blockedPerAction, b.action);
  }
  for (const [k, v] of Object.entries(o.sentActions)) bump(s.sentPerAction, k, v);
  if (o.problems.length) s.leadsWithProblems++;
}

/** `email_marketing in [CA]`, `email_marketing (erasure)`, `email_marketing (no clause for the country)`. */
export function blockKey(b: { purpose: string | null; clause: string | null; reason: string }): string {
  const purpose = b.purpose ?? "(no purpose)";
  if (b.clause) return `${purpose} ${b.clause}`;
  if (b.reason.startsWith("erasure")) return `${purpose} (erasure)`;
  if (b.reason.startsWith("no consent rule for the jurisdiction")) return `${purpose} (no clause for the country)`;
  return `${purpose} (${b.reason})`;
}

export function mergeSummaries(a: BulkSummary, b: BulkSummary): BulkSummary {
  const out = emptySummary();
  for (const s of [a, b]) {
    out.leads += s.leads;
    out.records += s.records;
    out.leadsWithProblems += s.leadsWithProblems;
    for (const key of ["perStage", "perAssignment", "blockedPerClause", "sentPerAction", "blockedPerAction"] as const) for (const [k, v] of Object.entries(s[key])) bump(out[key], k, v);
  }
  return sortSummary(out);
}

/** Keys in a stable order (so summaries compare and print the same however they were merged). */
export function sortSummary(s: BulkSummary): BulkSummary {
  const sortMap = (m: Record<string, number>) => Object.fromEntries(Object.entries(m).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
  return { ...s, perStage: sortMap(s.perStage), perAssignment: sortMap(s.perAssignment), blockedPerClause: sortMap(s.blockedPerClause), sentPerAction: sortMap(s.sentPerAction), blockedPerAction: sortMap(s.blockedPerAction) };
}
