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
  final: FinalState;
  /** True when every expectation passed. */
  passed: boolean;
}

/** How a time is written: core/time.ts (re-exported for the engine's modules). */
import { formatTime } from "../time.js";
import { plural } from "../text/words.js";
export { formatTime };

/** The entry of the trace of kind `K`. */
export type EntryOf<K extends TraceEntry["kind"]> = TraceEntry extends infer E ? (E extends { kind: infer EK } ? (K extends EK ? E : never) : never) : never;
/** What an entry of kind `K` says besides its kind, time and source. */
export type EntryFields<K extends TraceEntry["kind"]> = Omit<EntryOf<K>, "kind" | "at" | "time" | "source">;

/**
 * A trace entry of kind `kind` at `at` written at `source`: the one place entries are made, so
 * every entry has its fields in one order (kind, at, time, source, then `fields` as given) and
 * `JSON.stringify` of a trace is byte-identical for identical runs.
 */
export function traceEntry<K extends TraceEntry["kind"]>(kind: K, at: number, source: SourceRef, fields: EntryFields<K>): EntryOf<K> {
  return { kind, at, time: formatTime(at), source, ...fields } as unknown as EntryOf<K>;
}

/** `2 hours`, `1 day`, `90 minutes`: a duration in the largest unit that divides it. */
export function formatDurationShort(minutes: number): string {
  if (minutes % 1440 === 0) return plural(minutes / 1440, "day");
  if (minutes % 60 === 0) return plural(minutes / 60, "hour");
  return plural(minutes, "minute");
}
