/**
 * Bulk replay, the pure part: one lead's records through the rules, and
 * outcome aggregation (merge-able, so worker partials combine exactly).
 * Teams shared across leads (the team pass): `sharedRouting.ts`.
 */
import type { CompiledRules } from "../compile.js";
import { Simulation } from "../sim.js";
import type { PickAnswer } from "../roundRobin.js";
import { formatTime, type FinalState, type SourceRef, type TargetValue, type TraceEntry, type Value } from "../trace.js";
import { epochOf, minutesOf, timeProblem, type LogRecord } from "./records.js";
import { ScriptedPool, sharedDay, sharedOffset, type AnsweredRequest, type LeadRouting } from "./sharedRouting.js";

/** One round-robin pick for a lead: the team, the member (null: every member was at its cap, an overflow) and the calendar day on the shared clock. */
export interface TeamPick {
  team: string;
  member: string | null;
  /** `day 3` (day offsets) or `2026-01-05` (ISO times, UTC). */
  day: string;
}

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
  /** Every pick of a team's round robin for this lead, in order (routes and escalations). */
  teamPicks: TeamPick[];
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
  /** Round-robin assignments per team member (`team sdr (owner anna)`) per calendar day (`day 3`, `2026-01-05`). */
  perMemberDay: Record<string, Record<string, number>>;
  /** Requests a team could not answer because every member was at its cap, per team per day. */
  capOverflows: Record<string, Record<string, number>>;
}

export interface ReplayOptions {
  /** The replay seed (default 0): the shared teams' seed; on its own, mixed into the lead's seed (`leadSeed`). */
  seed?: number;
}

/** How a lead's replay meets the teams. */
export type LeadRoutingMode =
  /** On its own: teams as if the lead were alone, seeded from its id (`leadSeed`); a journey of one lead. */
  | { kind: "own" }
  /** In a log whose leads share the teams: provisional answers, or the team pass's (`script`) for the requests it answered. */
  | { kind: "shared"; script: readonly AnsweredRequest[] | null };

/** One lead's replay in full: its outcome, the simulation's final state and (when asked for) its trace. */
export interface LeadRun {
  outcome: LeadOutcome;
  final: FinalState;
  /** Empty unless `trace` was asked for. */
  trace: TraceEntry[];
  /** The lead's requests to teams, the answers its replay used, and which one its assignment is. */
  routing: LeadRouting;
  /** Whether the lead's times are ISO times (its picks' days are dates). */
  iso: boolean;
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

/**
 * `replayLead`, also handing back the final state, the lead's team requests and, with `trace`, the
 * trace (as a journey's run has one). `routing` (default: on its own) says how it meets the teams;
 * in a shared replay the outcome is final only after `settleOutcome` with the team pass's answers.
 */
export function replayLeadRun(rules: CompiledRules, lead: string, records: LogRecord[], opts: ReplayOptions & { trace?: boolean; routing?: LeadRoutingMode } = {}): LeadRun {
  const mode = opts.routing ?? { kind: "own" };
  const seed = mode.kind === "own" ? leadSeed(lead, opts.seed ?? 0) : (opts.seed ?? 0);
  const first = records[0];
  const epoch = first ? epochOf(first.at) : null;
  const iso = typeof first?.at === "string";
  const pool = new ScriptedPool(seed, sharedOffset(epoch), mode.kind === "shared" ? mode.script : null, mode.kind === "own");
  const sim = new Simulation(rules, { seed, pool, trace: opts.trace ?? false });
  const src: SourceRef = { uri: `log:${lead}`, range: { start: { line: 0, character: 0, offset: 0 }, end: { line: 0, character: 0, offset: 0 } } };
  const problems: string[] = [];
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
  const outcome = leadOutcome(lead, records.length, now, f, problems, pool.requests.map((r) => ({ team: r.team, member: r.answer.member, day: sharedDay(r.at, iso) })));
  return { outcome, final: f, trace: opts.trace ? sim.trace : [], routing: pool.routing(), iso };
}

/** A lead's outcome from its final state: `records` given, `last` the time of the last one replayed, `picks` its round-robin picks. */
export function leadOutcome(lead: string, records: number, last: number, f: FinalState, problems: string[], picks: TeamPick[]): LeadOutcome {
  return {
    lead,
    records,
    last: formatTime(last),
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
    teamPicks: picks,
  };
}

/**
 * A shared replay's outcome with the team pass's last answers (`answers`, one per request of
 * `run.routing`, each the same way as the answer the run used, `sameWay`): the members the
 * passes picked, in the assignment and the picks. Nothing else in an outcome depends on who the
 * member is. A new outcome; `run` is left as it is.
 */
export function settleOutcome(run: Pick<LeadRun, "outcome" | "routing" | "iso">, answers: readonly PickAnswer[]): LeadOutcome {
  const { requests, assignedFrom } = run.routing;
  if (answers.length !== requests.length) throw new Error(`lead \`${run.outcome.lead}\`: ${answers.length} team answers for ${requests.length} requests`);
  const o: LeadOutcome = { ...run.outcome, teamPicks: requests.map((r, k) => ({ team: r.team, member: answers[k]!.member, day: sharedDay(r.at, run.iso) })) };
  if (assignedFrom >= 0) o.assignment = describeTarget({ kind: "team", name: requests[assignedFrom]!.team, member: answers[assignedFrom]!.member });
  return o;
}

export function emptySummary(): BulkSummary {
  return { leads: 0, records: 0, perStage: {}, perAssignment: {}, blockedPerClause: {}, sentPerAction: {}, blockedPerAction: {}, leadsWithProblems: 0, perMemberDay: {}, capOverflows: {} };
}

const bump2 = (m: Record<string, Record<string, number>>, k: string, day: string, by = 1) => {
  const d = (m[k] ??= {});
  d[day] = (d[day] ?? 0) + by;
};

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
  for (const p of o.teamPicks ?? []) {
    if (p.member !== null) bump2(s.perMemberDay, describeTarget({ kind: "team", name: p.team, member: p.member })!, p.day);
    else bump2(s.capOverflows, p.team, p.day);
  }
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
    for (const key of ["perMemberDay", "capOverflows"] as const) for (const [k, days] of Object.entries(s[key] ?? {})) for (const [d, v] of Object.entries(days)) bump2(out[key], k, d, v);
  }
  return sortSummary(out);
}

/** Text order, except that `day 9` comes before `day 10` (ISO dates sort as text). */
function dayOrder(x: string, y: string): number {
  const a = /^day (\d+)$/.exec(x);
  const b = /^day (\d+)$/.exec(y);
  if (a && b) return Number(a[1]) - Number(b[1]);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Keys in a stable order (so summaries compare and print the same however they were merged). */
export function sortSummary(s: BulkSummary): BulkSummary {
  const sortMap = (m: Record<string, number>, by: (x: string, y: string) => number = (x, y) => (x < y ? -1 : x > y ? 1 : 0)) => Object.fromEntries(Object.entries(m).sort(([x], [y]) => by(x, y)));
  const sortNested = (m: Record<string, Record<string, number>> = {}) => Object.fromEntries(Object.entries(m).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)).map(([k, d]) => [k, sortMap(d, dayOrder)]));
  return { ...s, perStage: sortMap(s.perStage), perAssignment: sortMap(s.perAssignment), blockedPerClause: sortMap(s.blockedPerClause), sentPerAction: sortMap(s.sentPerAction), blockedPerAction: sortMap(s.blockedPerAction), perMemberDay: sortNested(s.perMemberDay), capOverflows: sortNested(s.capOverflows) };
}
