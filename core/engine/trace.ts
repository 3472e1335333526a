/**
 * The trace a simulation produces (documented in docs/trace.md, schema in
 * docs/trace.schema.json). Plain JSON data: no classes, no Maps, no undefined
 * values, so `JSON.stringify` is byte-identical for identical runs.
 */
import type { Range } from "../text/positions.js";

/** Where a rule or declaration is written: editors jump here. */
export interface SourceRef {
  uri: string;
  range: Range;
}

/** A lead field, payload or argument value as the engine sees it. */
export type Value = string | number | boolean | Value[] | null;

/** The values of the operands a condition read when it was evaluated (`lead.role` → `executive`). */
export type Bindings = Record<string, Value>;

interface EntryBase {
  /** Minutes since day 0, 00:00. */
  at: number;
  /** `day 3 at 14:30`. */
  time: string;
  /** In a journey with several leads: the lead the entry is about (absent in a one-lead journey). */
  leadName?: string;
  source: SourceRef;
}

export interface StartEntry extends EntryBase {
  kind: "start";
  lead: Record<string, Value>;
  seed: number;
}

export interface InputEntry extends EntryBase {
  kind: "event" | "update";
  /** Event name (for `update`: `update`). */
  name: string;
  /** Payload for events, changed fields for updates. */
  values: Record<string, Value>;
}

export type TimerKind = "decay" | "expiry" | "inactivity" | "escalation" | "wait" | "reenter";

export interface TimerEntry extends EntryBase {
  kind: "timer";
  timer: TimerKind;
  /** When the timer was due (minutes). */
  due: number;
  /** What it belongs to, e.g. `engagement.gone_quiet`, `route inbound`, `workflow nurture`. */
  owner: string;
}

/** A score rule that changed (or tried to change) a score. */
export interface ScoreEntry extends EntryBase {
  kind: "score";
  score: string;
  /** Rule name, or `decay` / `expiry of RULE`. */
  rule: string;
  cause: "attribute-on" | "attribute-off" | "event" | "inactivity" | "decay" | "expiry";
  /** Points the rule stands for (negative when it is taken away). */
  points: number;
  /** The change to the score after limits, caps, floors and decay. */
  applied: number;
  before: number | null;
  after: number | null;
  values: Bindings;
}

export interface SuppressedEntry extends EntryBase {
  kind: "suppressed";
  score: string;
  rule: string;
  reason: "limit";
  /** e.g. `limit 2 per 7 days`. */
  detail: string;
  points: number;
}

export interface StageEntry extends EntryBase {
  kind: "stage";
  from: string | null;
  to: string;
  how: "initial" | "forward" | "detour" | "reenter";
  values: Bindings;
}

export interface TargetValue {
  kind: "owner" | "team" | "queue" | "discard";
  name: string | null;
  /** For a team: the member (owner) chosen. */
  member: string | null;
}

export interface RouteEntry extends EntryBase {
  kind: "route";
  route: string;
  /** Rule name, `otherwise`, or null when nothing matched. */
  rule: string | null;
  target: TargetValue | null;
  reason: string;
  values: Bindings;
}

export interface EscalationEntry extends EntryBase {
  kind: "escalation";
  route: string;
  status: "scheduled" | "escalated" | "cancelled";
  target: TargetValue;
  due: number;
  reason: string;
}

export interface ConsentDecision {
  purpose: string;
  /** `in dach`, `otherwise`, or null when no clause covers the lead. */
  clause: string | null;
  clauseSource: SourceRef | null;
  /** The basis that allowed the send (sent) or null. */
  basis: string | null;
  /** Why each basis failed (blocked), or why it passed (sent). */
  reason: string;
}

export interface ActionEntry extends EntryBase {
  kind: "action";
  workflow: string;
  action: string;
  args: Value[];
  status: "sent" | "blocked" | "skipped";
  reach: "contact" | "internal";
  consent: ConsentDecision | null;
  reason: string;
  values: Bindings;
}

export interface WorkflowEntry extends EntryBase {
  kind: "workflow";
  workflow: string;
  status: "started" | "waiting" | "finished";
  run: number;
  reason: string;
}

export interface ExpectEntry extends EntryBase {
  kind: "expect";
  text: string;
  pass: boolean;
  expected: string;
  actual: string;
}

export interface NoteEntry extends EntryBase {
  kind: "note";
  message: string;
}

export type TraceEntry =
  | StartEntry
  | InputEntry
  | TimerEntry
  | ScoreEntry
  | SuppressedEntry
  | StageEntry
  | RouteEntry
  | EscalationEntry
  | ActionEntry
  | WorkflowEntry
  | ExpectEntry
  | NoteEntry;

export interface ExpectationResult {
  text: string;
  /** In a journey with several leads: the lead the expectation names. */
  leadName?: string;
  pass: boolean;
  expected: string;
  actual: string;
  at: number;
  time: string;
  source: SourceRef;
}

export interface FinalState {
  at: number;
  time: string;
  stage: string | null;
  scores: Record<string, number | null>;
  grades: Record<string, string | null>;
  /** Every routing decision, in order. */
  routing: { route: string; rule: string | null; target: TargetValue | null }[];
  /** Where the lead is now: the latest routing decision or escalation (null: never routed). */
  assignment: TargetValue | null;
  /** What set the assignment: `route.rule` or `escalation of route` (null: never routed). */
  assignedBy: string | null;
  escalations: TargetValue[];
  sent: { action: string; args: Value[]; at: number }[];
  blocked: { action: string; args: Value[]; at: number; purpose: string | null; clause: string | null; reason: string }[];
  erased: boolean;
}

export interface JourneyResult {
  journey: string;
  seed: number;
  source: SourceRef;
  trace: TraceEntry[];
  expectations: ExpectationResult[];
  /** The state when the journey ends; in a journey with several leads, the first lead's (each lead's is in `leads`). */
  final: FinalState;
  /** A journey with several leads only: each lead's name, declaration and final state, in written order. */
  leads?: LeadResult[];
  /** True when every expectation passed. */
  passed: boolean;
}

/** One lead of a journey with several leads. */
export interface LeadResult {
  name: string;
  /** Its `lead NAME { … }`. */
  source: SourceRef;
  final: FinalState;
}

/** How a time is written: core/time.ts (re-exported for the engine's modules). */
import { formatTime } from "../time.js";
export { formatTime };

/** The entry of the trace of kind `K`. */
export type EntryOf<K extends TraceEntry["kind"]> = TraceEntry extends infer E ? (E extends { kind: infer EK } ? (K extends EK ? E : never) : never) : never;
/** What an entry of kind `K` says besides its kind, time and source. */
export type EntryFields<K extends TraceEntry["kind"]> = Omit<EntryOf<K>, "kind" | "at" | "time" | "source">;

/**
 * The one maker of trace entries, one function per kind: `traceEntry.score(at, source, { … })` is the
 * entry of kind `score` at `at` written at `source`. Every entry has its fields in one order (kind,
 * at, time, source, then the kind's own, as in its interface above), so `JSON.stringify` of a trace
 * is byte-identical for identical runs. Each maker writes its entry as one object literal (no
 * spread, which costs several times as much per entry on traced runs).
 */
export const traceEntry = {
  start: (at: number, source: SourceRef, f: EntryFields<"start">): StartEntry => ({ kind: "start", at, time: formatTime(at), source, lead: f.lead, seed: f.seed }),
  event: (at: number, source: SourceRef, f: EntryFields<"event">): InputEntry => ({ kind: "event", at, time: formatTime(at), source, name: f.name, values: f.values }),
  update: (at: number, source: SourceRef, f: EntryFields<"update">): InputEntry => ({ kind: "update", at, time: formatTime(at), source, name: f.name, values: f.values }),
  timer: (at: number, source: SourceRef, f: EntryFields<"timer">): TimerEntry => ({ kind: "timer", at, time: formatTime(at), source, timer: f.timer, due: f.due, owner: f.owner }),
  score: (at: number, source: SourceRef, f: EntryFields<"score">): ScoreEntry => ({ kind: "score", at, time: formatTime(at), source, score: f.score, rule: f.rule, cause: f.cause, points: f.points, applied: f.applied, before: f.before, after: f.after, values: f.values }),
  suppressed: (at: number, source: SourceRef, f: EntryFields<"suppressed">): SuppressedEntry => ({ kind: "suppressed", at, time: formatTime(at), source, score: f.score, rule: f.rule, reason: f.reason, detail: f.detail, points: f.points }),
  stage: (at: number, source: SourceRef, f: EntryFields<"stage">): StageEntry => ({ kind: "stage", at, time: formatTime(at), source, from: f.from, to: f.to, how: f.how, values: f.values }),
  route: (at: number, source: SourceRef, f: EntryFields<"route">): RouteEntry => ({ kind: "route", at, time: formatTime(at), source, route: f.route, rule: f.rule, target: f.target, reason: f.reason, values: f.values }),
  escalation: (at: number, source: SourceRef, f: EntryFields<"escalation">): EscalationEntry => ({ kind: "escalation", at, time: formatTime(at), source, route: f.route, status: f.status, target: f.target, due: f.due, reason: f.reason }),
  action: (at: number, source: SourceRef, f: EntryFields<"action">): ActionEntry => ({ kind: "action", at, time: formatTime(at), source, workflow: f.workflow, action: f.action, args: f.args, reach: f.reach, status: f.status, consent: f.consent, reason: f.reason, values: f.values }),
  workflow: (at: number, source: SourceRef, f: EntryFields<"workflow">): WorkflowEntry => ({ kind: "workflow", at, time: formatTime(at), source, workflow: f.workflow, status: f.status, run: f.run, reason: f.reason }),
  expect: (at: number, source: SourceRef, f: EntryFields<"expect">): ExpectEntry => ({ kind: "expect", at, time: formatTime(at), source, text: f.text, pass: f.pass, expected: f.expected, actual: f.actual }),
  note: (at: number, source: SourceRef, f: EntryFields<"note">): NoteEntry => ({ kind: "note", at, time: formatTime(at), source, message: f.message }),
} satisfies { [K in TraceEntry["kind"]]: (at: number, source: SourceRef, f: EntryFields<K>) => EntryOf<K> };

export { formatDurationShort } from "../time.js";
