/**
 * The simulation of one lead (docs/language.md §14 "Evaluation order"): a state machine fed with
 * timed inputs (the start, events, field updates, expectation checks), each handled as the steps
 * of §14 in the spec's order. Used by `runJourney` and by bulk replay. Deterministic: no clock,
 * no randomness except the seeded round robin start.
 *
 * What each step means lives in a file of its own: the per-lead state's layout (`layout.ts`), the
 * timer queue (`timers.ts`), scores (`scores.ts`, `eventRules.ts`, `atLeast.ts`, `limits.ts`,
 * `attributeRules.ts`, `inactivity.ts`, `decay.ts`), stages (`stages.ts`, `stageDeps.ts`), routing
 * (`routes.ts`, `targets.ts`, `roundRobin.ts`, `escalations.ts`), consent (`consent.ts`) and
 * workflows (`workflows.ts`). The fields of `Simulation` below are the lead's state those files
 * read and change; nothing outside core/engine should write them.
 */
import type { CompiledRules, FieldInfo } from "./compiled.js";
import { truth, type CompiledExpr, type EvalCtx, type HistoryItem } from "./expr.js";
import { allocBlock, rulesIndex, type EventPlan, type EventRuleState, type RulesIndex } from "./layout.js";
import { earliestDue, nextTimer, popTimer, type Timer } from "./timers.js";
import { gradeLetter, gradeRank, scoreValue } from "./scores.js";
import { isIdleDecayTick, skipIdleDecayTicks } from "./decay.js";
import { applyEventRules } from "./eventRules.js";
import { armInactivity, rearmInactivity } from "./inactivity.js";
import { evaluateAttributeRules } from "./attributeRules.js";
import { enterStage, moveStages } from "./stages.js";
import { runEventRoutes } from "./routes.js";
import { cancelEscalations } from "./escalations.js";
import { startEventWorkflows } from "./workflows.js";
import { decideConsent, type ConsentAnswer } from "./consent.js";
import type { RoutingPool } from "./roundRobin.js";
import { formatTime, type FinalState, type SourceRef, type TargetValue, type TraceEntry, type Value, traceEntry } from "./trace.js";

export { RoutingPool } from "./roundRobin.js";
export { formatDurationShort } from "./trace.js";

const NO_HISTORY: readonly HistoryItem[] = Object.freeze([]) as readonly HistoryItem[];

/**
 * A payload that can stand for its own copy: a plain object (an own `__proto__`
 * key would become the copy's prototype instead of a value).
 */
function plainPayload(payload: Record<string, Value>): boolean {
  return Object.getPrototypeOf(payload) === Object.prototype && !Object.prototype.hasOwnProperty.call(payload, "__proto__");
}

/** Emails are stored lowercase (compared case-insensitively). */
export function normalize(f: FieldInfo | undefined, v: Value): Value {
  if (f?.type === "email" && typeof v === "string") return v.toLowerCase();
  return v;
}

/** Where `Simulation.feed` leaves what its look-ahead read (kept so that the reads are not optimised away). */
let feedSink = 0;

/**
 * The id of an event name under these rules, for `Simulation.event`: callers that feed many
 * events (bulk replay) can look each name up once instead of once per event. -1 for a name the
 * rules neither declare nor mention (pass such names as text). Ids are stable for a given
 * `CompiledRules` object only.
 */
export function eventId(rules: CompiledRules, name: string): number {
  return rulesIndex(rules).plans.get(name)?.id ?? -1;
}

/** An event for `Simulation.feed`: which simulation it goes to (an index), when, what (a name or an `eventId`) and its payload. */
export interface LeadEvent {
  lead: number;
  at: number;
  name: string | number;
  payload: Record<string, Value>;
}

/** Events `Simulation.feed` looks ahead at once. */
const FEED_BLOCK = 64;

export interface SimOptions {
  seed?: number;
  /** Routing state to share with other simulations (default: a fresh pool from the seed). */
  pool?: RoutingPool;
  /** Record the trace (default true; bulk replay turns it off). */
  trace?: boolean;
  /**
   * With the trace on: hand each trace entry to this function as it happens instead of keeping
   * it (`trace` then stays empty), so a long run's trace can be written or summarised as it goes.
   */
  onTrace?: (e: TraceEntry) => void;
  /** A debugger's observer (core/engine/stepper.ts); with the trace on only. Absent in every ordinary run. */
  observer?: SimObserver;
}

/**
 * What a debugger is told of a traced simulation, as it happens (core/engine/stepper.ts builds
 * the steps of a journey from it). Each call only reads the simulation; with no observer the
 * engine makes one null test per trace entry and per evaluation.
 */
export interface SimObserver {
  /** A condition whose operands the trace records (`bindings`), at the moment it is decided, before the decision changes anything. */
  condition(ce: CompiledExpr, ctx: EvalCtx): void;
  /** A trace entry, just recorded. */
  entry(e: TraceEntry, sim: Simulation): void;
  /** The end of one evaluation of §14 (the start, an event, an update, or a timer with its steps 5–6): the state is the one after it. */
  settled(sim: Simulation): void;
}

/** A trace list that hands each entry to `sink` instead of keeping it (the simulation only pushes to its list). */
function sinkList(sink: (e: TraceEntry) => void): TraceEntry[] {
  const list: TraceEntry[] = [];
  list.push = (...entries: TraceEntry[]) => {
    for (const e of entries) sink(e);
    return 0;
  };
  return list;
}

export class Simulation implements EvalCtx {
  // What every input reads comes first (V8 lays fields out in this order, so they share cache
  // lines); what only some inputs need is created on first use.
  readonly ix: RulesIndex;
  /** The buffer holding this simulation's block of numbers (layout: `layout.ts`), shared with other simulations of the same rules. */
  readonly num: Float64Array;
  /** Where this simulation's block starts in `num`. */
  readonly b: number;
  readonly tracing: boolean;
  now = 0;
  /** Numbers events and timers in processing order (history items and timers share it). */
  seq = 0;
  /** The event being processed (for `on E`), if any. */
  current: string | null = null;
  /** The payload a `where` filter looks at. */
  payload: Record<string, Value> | null = null;
  /**
   * After a stage evaluation that moved nowhere: what the conditions it evaluated read
   * (`DEP_*` of `stageDeps.ts`; -1: no such evaluation yet) and the state they read then (the
   * `stageAt*` fields). While none of it has changed, the next evaluation would move nowhere
   * either and is skipped.
   */
  stageDeps = -1;
  /** Bumped by every stage entry. */
  stageEntries = 0;
  /** Per stage: the number of the `moveStages` call that last entered it (§7: each stage at most once per evaluation). */
  enteredInMove: number[] = [];
  moveCount = 0;
  stageAtEntries = 0;
  /** Bumped by every change to a score's numbers (scored flag, attribute or behaviour part). */
  scoreVersion = 0;
  stageAtScores = 0;
  stageAtNow = 0;
  /** Bumped by every event whose history some stage condition reads (`EventPlan.stageRead`). */
  stageHistVersion = 0;
  stageAtHist = 0;
  /** Bumped by every field change; attribute rules that read only fields skip re-evaluation when it has not moved. */
  fieldsVersion = 0;
  /** `fieldsVersion` when attribute rules on lead fields alone were last evaluated (-1: never). */
  settledFields = -1;
  stageAtFields = 0;
  stageAtCurrent: string | null = null;
  /** Event histories kept, by event id (`EventPlan.id`): only for events something reads, and only as far back as it reads. */
  private histById: (HistoryItem[] | undefined)[] | null = null;
  stageIndex = -1;
  stageName: string | null = null;
  erasedAt: number | null = null;
  /** The lead's fields. Change them only through `start`/`update`: attribute rules on fields are re-evaluated only after those. */
  readonly fields = new Map<string, Value>();
  readonly seed: number;
  /** Pending timers: a binary min-heap ordered by due time, then scheduling order (`timers.ts`). */
  timers: Timer[] | null = null;
  /** Per event rule (`EventRuleRef.k`), created when first needed. */
  private ruleStates: (EventRuleState | undefined)[] | null = null;
  /** Per score slot, per rule: its pending inactivity timer (created when an inactivity rule is first armed). */
  inactivityTimers: ((Timer | null)[] | undefined)[] | null = null;
  stageEnteredAt = 0;
  /** Routes that already ran (created when the first route runs). */
  routesDone: Set<string> | null = null;
  /** Created when a team is first picked from, unless one was given. */
  pool: RoutingPool | null;
  /** Escalation timers not yet due, with the target each one names. */
  escalationTimers: { timer: Timer; target: TargetValue }[] | null = null;
  /** Workflow runs started so far. */
  runCounter = 0;
  /** Timers processed so far (a measure of work: idle decay ticks that are skipped are not counted). */
  timersRun = 0;
  /** The lead's current owner, team or queue: the latest routing decision or escalation. */
  assignment: TargetValue | null = null;
  /** What set the assignment: `route.rule` or `escalation of route`. */
  assignedBy: string | null = null;
  private traceList: TraceEntry[] | null = null;
  private routingList: FinalState["routing"] | null = null;
  private escalatedList: TargetValue[] | null = null;
  private sentList: FinalState["sent"] | null = null;
  private blockedList: FinalState["blocked"] | null = null;
  /** The debugger's observer (`SimOptions.observer`), or null. */
  readonly observer: SimObserver | null;

  /**
   * Feeds time-ordered events of many simulations: exactly `sims[e.lead].event(e.at, e.name,
   * e.payload, source)` for each event in order (same results, traces and errors), but faster
   * when the simulations are many and their events interleaved (a whole log replayed at once).
   * Each block of 64 events is processed after a first look at each event's simulation and its
   * numbers (reads only), so that their memory loads overlap instead of stalling one event at a time.
   */
  static feed(sims: readonly Simulation[], events: readonly LeadEvent[], source: SourceRef): void {
    let touched = 0;
    for (let i = 0; i < events.length; i += FEED_BLOCK) {
      const end = Math.min(events.length, i + FEED_BLOCK);
      for (let k = i; k < end; k++) {
        const s = sims[events[k]?.lead ?? -1];
        if (s !== undefined) touched += s.num[s.b]! + s.now;
      }
      for (let k = i; k < end; k++) {
        const e = events[k]!;
        sims[e.lead]!.event(e.at, e.name, e.payload, source);
      }
    }
    feedSink = touched;
  }

  /** The trace so far (stays empty with the trace off). */
  get trace(): TraceEntry[] {
    return (this.traceList ??= []);
  }
  /** Routing decisions so far, in order. */
  get routing(): FinalState["routing"] {
    return (this.routingList ??= []);
  }
  /** Escalations that happened, in order. */
  get escalated(): TargetValue[] {
    return (this.escalatedList ??= []);
  }
  get sent(): FinalState["sent"] {
    return (this.sentList ??= []);
  }
  get blocked(): FinalState["blocked"] {
    return (this.blockedList ??= []);
  }

  constructor(
    readonly rules: CompiledRules,
    opts: SimOptions = {},
  ) {
    this.seed = opts.seed ?? 0;
    this.tracing = opts.trace ?? true;
    this.pool = opts.pool ?? null;
    this.observer = this.tracing ? (opts.observer ?? null) : null;
    if (opts.onTrace && this.tracing) this.traceList = sinkList(opts.onTrace);
    this.ix = rulesIndex(rules);
    this.b = allocBlock(this.ix);
    this.num = this.ix.slab;
  }

  // ------------------------------------------------------------ what conditions read (EvalCtx)

  history(event: string): readonly HistoryItem[] {
    const plan = this.ix.plans.get(event);
    const hs = this.histById;
    return (plan !== undefined && hs !== null && hs[plan.id]) || NO_HISTORY;
  }

  score(name: string): number | null {
    const i = this.ix.scoreSlot.get(name);
    return i === undefined ? null : this.scoreAt(i);
  }

  scoreAt(slot: number): number | null {
    return slot < 0 || slot >= this.ix.scores.length ? null : scoreValue(this, slot);
  }

  gradeLetter(name: string): string | null {
    const g = this.ix.grades.get(name);
    return g ? gradeLetter(g, this.score(g.score)) : null;
  }

  gradeRank(name: string): number | null {
    const g = this.ix.grades.get(name);
    return g ? gradeRank(g, this.gradeLetter(name)) : null;
  }

  // ------------------------------------------------------------ inputs (§14)

  /** §14 "At the start of a journey" (day 0): the lead arrives. */
  start(lead: Record<string, Value>, source: SourceRef): void {
    for (const k of Object.keys(lead)) this.setField(k, lead[k]!);
    if (this.tracing) this.push(traceEntry.start(0, source, { lead: this.leadSnapshot(), seed: this.seed }));
    for (const x of this.ix.inactivity) armInactivity(this, x, 0);
    evaluateAttributeRules(this);
    const init = this.rules.stages[this.rules.initialStage];
    if (init) enterStage(this, init.index, "initial", {}, init.source);
    this.afterChange(null);
    if (this.observer !== null) this.observer.settled(this);
  }

  /**
   * §14 step 1: processes every timer due at or before `t` (each its own evaluation: its effect,
   * then steps 5–6), then moves the clock to `t` (never backwards).
   */
  advanceTo(t: number): void {
    if (!(earliestDue(this) <= t)) {
      if (t > this.now) this.now = t;
      return;
    }
    // True while the state is one that `afterChange(null)` leaves as it is (the last timer's
    // evaluation changed nothing): then decay ticks with nothing to decay change nothing either
    // until something else happens, and are skipped (`skipIdleDecayTicks`).
    let quiet = false;
    for (;;) {
      const next = nextTimer(this);
      if (!next || next.due > t) break;
      if (quiet && isIdleDecayTick(next) && skipIdleDecayTicks(this, t)) continue;
      popTimer(this);
      if (next.cancelled) continue;
      this.timersRun++;
      this.now = Math.max(this.now, next.due);
      if (this.tracing && (!next.worthTracing || next.worthTracing())) this.push(traceEntry.timer(this.now, next.source, { timer: next.kind, due: next.due, owner: next.owner }));
      next.fire();
      const seq = this.seq;
      const scores = this.scoreVersion;
      const entries = this.stageEntries;
      this.afterChange(null);
      quiet = seq === this.seq && scores === this.scoreVersion && entries === this.stageEntries;
      if (this.observer !== null) this.observer.settled(this);
    }
    if (t > this.now) this.now = t;
  }

  /**
   * §14 "For an event E at time t". `event` is its name, or its id under these rules (`eventId`):
   * both give the same result and trace.
   */
  event(t: number, event: string | number, payload: Record<string, Value>, source: SourceRef): void {
    let plan: EventPlan | undefined;
    let name: string;
    if (typeof event === "number") {
      plan = this.ix.planById[event];
      if (plan === undefined) throw new RangeError(`no event has the id ${event} under these rules`);
      name = plan.name;
    } else {
      name = event;
      plan = this.ix.plans.get(name);
    }
    this.processTimersDue(t); // 1
    const p = this.ownPayload(plan, payload);
    if (this.tracing) this.push(traceEntry.event(this.now, source, { name, values: p }));
    const history = this.recordInHistory(plan, p); // 2
    this.current = name;
    this.consentAndSlaEffects(name); // 3
    if (plan !== undefined) {
      applyEventRules(this, plan, p, history); // 4
      rearmInactivity(this, plan.rearm);
    }
    evaluateAttributeRules(this); // 5
    moveStages(this); // 6
    if (plan !== undefined) {
      runEventRoutes(this, plan, p); // 7
      startEventWorkflows(this, plan, p); // 8
    }
    this.current = null;
    if (this.observer !== null) this.observer.settled(this);
  }

  /** §14 "For an update": step 1, then the fields change, then steps 5–6. */
  update(t: number, values: Record<string, Value>, source: SourceRef): void {
    this.processTimersDue(t);
    for (const [k, v] of Object.entries(values)) this.setField(k, v);
    const shown: Record<string, Value> = {};
    for (const k of Object.keys(values)) shown[k] = this.fields.get(k) ?? null;
    if (this.tracing) this.push(traceEntry.update(this.now, source, { name: "update", values: shown }));
    this.afterChange(null);
    if (this.observer !== null) this.observer.settled(this);
  }

  note(message: string, source: SourceRef): void {
    if (this.tracing) this.push(traceEntry.note(this.now, source, { message }));
  }

  push(e: TraceEntry): void {
    if (!this.tracing) return;
    this.trace.push(e);
    if (this.observer !== null) this.observer.entry(e, this);
  }

  final(): FinalState {
    const scores: Record<string, number | null> = {};
    for (const s of this.rules.scores) scores[s.name] = this.score(s.name);
    const grades: Record<string, string | null> = {};
    for (const g of this.rules.grades) grades[g.name] = this.gradeLetter(g.name);
    return {
      at: this.now,
      time: formatTime(this.now),
      stage: this.stageName,
      scores,
      grades,
      routing: this.routing.map((r) => ({ ...r })),
      assignment: this.assignment ? { ...this.assignment } : null,
      assignedBy: this.assignedBy,
      escalations: this.escalated.map((e) => ({ ...e })),
      sent: this.sent.map((s) => ({ ...s })),
      blocked: this.blocked.map((b) => ({ ...b })),
      erased: this.erasedAt !== null,
    };
  }

  /** §9: may a contact action that requires `purpose` reach the lead now? */
  consentFor(purpose: string | null): ConsentAnswer {
    return decideConsent(purpose, this.rules.consents, {
      now: this.now,
      erasedAt: this.erasedAt,
      country: this.fields.get("country"),
      history: (e) => this.history(e),
      isDeclaredEvent: (n) => {
        const e = this.rules.events.get(n);
        return e !== undefined && !e.builtin;
      },
    });
  }

  // ------------------------------------------------------------ the steps of §14

  /** Step 1. */
  private processTimersDue(t: number): void {
    this.advanceTo(t);
  }

  /**
   * The engine's own copy of an event's payload (email fields lowercase), unless nothing keeps it
   * (trace, history) or changes it (email fields): then the caller's object is only read during this call.
   */
  private ownPayload(plan: EventPlan | undefined, payload: Record<string, Value>): Record<string, Value> {
    if (!(this.tracing || plan === undefined || plan.keep >= 0 || plan.emailFields.length > 0 || !plainPayload(payload))) return payload;
    const p: Record<string, Value> = {};
    for (const k of Object.keys(payload)) p[k] = payload[k]!;
    if (plan) for (const k of plan.emailFields) if (Object.prototype.hasOwnProperty.call(payload, k)) p[k] = normalize(plan.info!.fields.get(k), payload[k]!);
    return p;
  }

  /**
   * Step 2: records the event in its history (when something reads it, and only as far back as the
   * longest reader looks). Returns the history (undefined: not kept).
   */
  private recordInHistory(plan: EventPlan | undefined, p: Record<string, Value>): HistoryItem[] | undefined {
    const seq = this.seq++;
    let list: HistoryItem[] | undefined;
    if (plan !== undefined && plan.keep >= 0) {
      const hs = (this.histById ??= []);
      list = hs[plan.id];
      if (!list) hs[plan.id] = list = [];
      list.push({ at: this.now, seq, payload: p });
      if (plan.keep !== Infinity) {
        // Drop what no reader looks at any more (older than the longest window), keeping the latest.
        const from = this.now - plan.keep;
        const last = list.length - 1;
        if (last > 0 && list[0]!.at < from) {
          let k = 1;
          while (k < last && list[k]!.at < from) k++;
          list.splice(0, k);
        }
      }
    }
    if (plan !== undefined && plan.stageRead) this.stageHistVersion++;
    return list;
  }

  /**
   * Step 3: the consent state is read from the history when an action runs; what remains is the
   * erasure (for ever after) and the cancelling of pending escalations.
   */
  private consentAndSlaEffects(name: string): void {
    if (name === "erasure_requested" && this.erasedAt === null) this.erasedAt = this.now;
    if (name === "sales_activity") cancelEscalations(this);
  }

  /** Steps 5–6, after any change (an event's own steps call them between steps 4 and 7). */
  private afterChange(event: string | null): void {
    this.current = event;
    evaluateAttributeRules(this);
    moveStages(this);
    this.current = null;
  }

  // ------------------------------------------------------------ state the step files share

  /** Whether a trigger's `where` holds on the payload `p`. */
  triggerMatches(where: { ev: (c: EvalCtx) => Value | undefined } | null, p: Record<string, Value>): boolean {
    if (!where) return true;
    this.payload = p;
    const ok = truth(where.ev(this)) === true;
    this.payload = null;
    return ok;
  }

  /** What event rule `k` keeps out of the block (created when first needed). */
  ruleState(k: number): EventRuleState {
    const all = (this.ruleStates ??= []);
    let st = all[k];
    if (st === undefined) all[k] = st = { firings: [], firingsCursor: 0, matches: [] };
    return st;
  }

  private leadSnapshot(): Record<string, Value> {
    const out: Record<string, Value> = {};
    for (const k of [...this.fields.keys()].sort()) out[k] = this.fields.get(k)!;
    return out;
  }

  private setField(k: string, v: Value): void {
    this.fieldsVersion++;
    if (v === null) this.fields.delete(k);
    else this.fields.set(k, normalize(this.rules.fields.get(k), v));
  }
}
