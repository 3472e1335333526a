/**
 * The simulation of one lead: a state machine fed with timed inputs (events,
 * field updates, expectation checks). Used by `runJourney` and by bulk replay.
 * Deterministic: no clock, no randomness except the seeded round robin start.
 */
import { scoreOrder } from "./compile.js";
import type { EventInfo, CompiledRules, CScore, CEventRule, CInactivityRule, CAttributeRule, CGrade, CStage, CTarget, CEscalation, CRoute, CWorkflow, CBasis, CClause, FieldInfo } from "./compile.js";
import { addRead, bindings, truth, type EvalCtx, type HistoryItem } from "./expr.js";
import { CONSENT_EVENTS, IMPLIED_METHODS } from "../vocabulary.js";
import {
  formatTime,
  type ConsentDecision,
  type FinalState,
  type SourceRef,
  type TargetValue,
  type TimerKind,
  type TraceEntry,
  type Value,
} from "./trace.js";
import { plural } from "../text/words.js";

interface Timer {
  due: number;
  seq: number;
  kind: TimerKind;
  owner: string;
  source: SourceRef;
  cancelled: boolean;
  fire: () => void;
  /** When given and false at fire time, the timer leaves no trace entry (a decay tick with nothing to decay). */
  worthTracing?: () => boolean;
  /** For a decay tick: its score's tick sequence (the tick is due at `start + k * every`). */
  decay?: DecayClock;
}

/** A score's decay ticks: due at `start + k * every` for k = 1, 2, … (`k` is the pending tick's). */
interface DecayClock {
  start: number;
  every: number;
  k: number;
}

/**
 * A score's timers in one simulation, created when the score first needs one (decay,
 * inactivity). Everything else a score keeps is in `Simulation.num`: at `3 * slot` the
 * scored flag (0 or 1), the attribute part and the behaviour part, and each attribute
 * rule's on/off flag at its `AttributeRuleRef.a`.
 */
interface ScoreTimers {
  /** Per rule (created when an inactivity rule is first armed). */
  inactivityTimers: (Timer | null)[] | null;
  decayTimer: Timer | null;
}

/**
 * What one event rule remembers for one lead when it does not fit in
 * `Simulation.num` (see `EventRuleRef`): for `limit N per D` the firing times of
 * the last D minutes, for `at least K times within D` with a filter on the payload
 * alone the times of matching events in the last D minutes (the trace shows that count).
 */
interface EventRuleState {
  /** Firing times not older than the limit's period, oldest first. */
  firings: number[];
  /** Times of matching events not older than the `within` window, oldest first. */
  matches: number[];
}

/** A score rule by position: the score (in `RulesIndex.scores` order) and the rule within it. */
interface RuleRef<R> {
  s: number;
  r: R;
  i: number;
}

interface EventRuleRef extends RuleRef<CEventRule> {
  /** Slot of this rule's `EventRuleState` in a simulation. */
  k: number;
  /**
   * For `at least K times`: the filter reads only the payload (or there is none), so
   * whether a past event matched never changes and the rule counts its own matches
   * instead of walking the event history.
   */
  ownCount: boolean;
  /**
   * Offsets in `Simulation.num` (-1: not there). `limitAt`: for `limit N per D` with a small N,
   * a cursor then the last N firing times (N times within D decide the limit, older ones never
   * matter). `firedAt`: the firing count of a limit without a period. `matchAt`: for a payload-only
   * `at least K times within D` with a small K, a cursor then the last K matching times (used when
   * the trace is off: the rule needs only whether K of them are in the window). `matchedAt`: the
   * match count of `at least K times` without `within`.
   */
  limitAt: number;
  firedAt: number;
  matchAt: number;
  matchedAt: number;
}

interface AttributeRuleRef extends RuleRef<CAttributeRule> {
  /** Offset of the rule's on/off flag (0 or 1) in `Simulation.num`. */
  a: number;
}

/** Rings longer than this stay in `EventRuleState` arrays. */
const RING_MAX = 16;
const ringSize = (n: number) => (Number.isInteger(n) && n > 0 && n <= RING_MAX ? n : 0);

/**
 * Lookups precompiled once per `CompiledRules` (shared by every simulation of
 * those rules), so an event only touches the rules that listen to it.
 */
interface RulesIndex {
  /** Score definitions in the order a simulation keeps them (one per name, see `scoreOrder`). */
  scores: CScore[];
  /** Score name → slot in `scores`. */
  scoreSlot: Map<string, number>;
  /** The initial numbers of a simulation (copied into its block of `Simulation.num`). */
  num: Float64Array;
  /** Offset of the earliest pending timer's due time in a simulation's block (right after the scores). */
  due: number;
  eventRules: Map<string, EventRuleRef[]>;
  /** Number of event rules (`EventRuleRef.k` slots). */
  eventRuleCount: number;
  inactivityByEvent: Map<string, RuleRef<CInactivityRule>[]>;
  inactivity: RuleRef<CInactivityRule>[];
  /** Per score (same order): its attribute rules. */
  attributes: AttributeRuleRef[][];
  /** Attribute rules whose condition reads more than lead fields, in score then rule order. */
  dynamicAttributes: AttributeRuleRef[];
  /** Where simulations take their `num` from: consecutive blocks of one shared buffer (see `allocNum`). */
  slab: Float64Array;
  slabUsed: number;
  routesByEvent: Map<string, CRoute[]>;
  workflowsByEvent: Map<string, CWorkflow[]>;
  routesByStage: Map<number, CRoute[]>;
  workflowsByStage: Map<number, CWorkflow[]>;
  grades: Map<string, CGrade>;
  /** Everything an event name leads to, found with one lookup per event. */
  plans: Map<string, EventPlan>;
  /** The same plans by id (`EventPlan.id`, what `eventId` hands out). */
  planById: EventPlan[];
}

interface EventPlan {
  /** Numeric id: the slot of this event's history in a simulation. */
  id: number;
  name: string;
  info: EventInfo | undefined;
  /** Payload fields of type email (their text values are stored lowercase). */
  emailFields: string[];
  /**
   * How far back (minutes) some reader looks into this event's history: -1 when
   * nothing reads it (no history is kept), 0 for the latest event only, `Infinity` for all.
   */
  keep: number;
  /** Some stage condition reads this event's history (its arrival bumps `Simulation.stageHistVersion`). */
  stageRead: boolean;
  rules: EventRuleRef[] | undefined;
  rearm: RuleRef<CInactivityRule>[] | undefined;
  routes: CRoute[] | undefined;
  workflows: CWorkflow[] | undefined;
}

const indexes = new WeakMap<CompiledRules, RulesIndex>();

function indexOf(rules: CompiledRules): RulesIndex {
  let ix = indexes.get(rules);
  if (ix) return ix;
  // One per name at its first position, with its last definition (the slots compiled conditions read).
  const byName = new Map<string, CScore>();
  for (const s of rules.scores) byName.set(s.name, s);
  const scores = scoreOrder(rules.scores).map((n) => byName.get(n)!);
  // A simulation's block of numbers: three per score, the earliest pending timer's due time, the event
  // rules' counters and rings, then the attribute rules' flags (what most events touch comes first).
  let size = 3 * scores.length;
  const due = size++;
  const rings: [number, number][] = [];
  const slot = (n: number) => ((size += n), size - n);
  const ring = (n: number) => {
    const at = slot(n + 1);
    rings.push([at + 1, n]);
    return at;
  };
  const push = <K, V>(m: Map<K, V[]>, k: K, v: V) => {
    const l = m.get(k);
    if (l) l.push(v);
    else m.set(k, [v]);
  };
  ix = { scores, scoreSlot: new Map(scores.map((s, i) => [s.name, i])), num: new Float64Array(0), due: 0, eventRules: new Map(), eventRuleCount: 0, inactivityByEvent: new Map(), inactivity: [], attributes: [], dynamicAttributes: [], slab: new Float64Array(0), slabUsed: 0, routesByEvent: new Map(), workflowsByEvent: new Map(), routesByStage: new Map(), workflowsByStage: new Map(), grades: new Map(), plans: new Map(), planById: [] };
  // How far back each event's history must reach (see `EventPlan.keep`).
  const reads = new Map<string, number>();
  const keepAll = !rules.historyReads;
  if (rules.historyReads) for (const [e, w] of rules.historyReads) addRead(reads, e, w);
  scores.forEach((def, s) => {
    const attrs: AttributeRuleRef[] = [];
    def.rules.forEach((r, i) => {
      if (r.kind === "event") {
        const ownCount = r.times !== null && (r.where === null || r.where.payloadOnly);
        // A count that re-reads past payloads needs the history of its window.
        if (r.times !== null && !ownCount) addRead(reads, r.event, r.within ?? Infinity);
        const limitRing = r.limit && r.limit.per !== null ? ringSize(r.limit.count) : 0;
        const matchRing = ownCount && r.within !== null ? ringSize(r.times!) : 0;
        push(ix!.eventRules, r.event, {
          s,
          r,
          i,
          k: ix!.eventRuleCount++,
          ownCount,
          limitAt: limitRing ? ring(limitRing) : -1,
          firedAt: r.limit && r.limit.per === null ? slot(1) : -1,
          matchAt: matchRing ? ring(matchRing) : -1,
          matchedAt: ownCount && r.within === null ? slot(1) : -1,
        });
      } else if (r.kind === "attribute") {
        const ref = { s, r, i, a: -1 };
        attrs.push(ref);
        if (!r.when.fieldsOnly) ix!.dynamicAttributes.push(ref);
      }
      else {
        ix!.inactivity.push({ s, r, i });
        for (const e of new Set(r.events)) push(ix!.inactivityByEvent, e, { s, r, i });
        // The trace of an inactivity rule shows when each of its events last happened.
        for (const e of r.events) addRead(reads, e, 0);
      }
    });
    ix!.attributes.push(attrs);
  });
  for (const route of rules.routes) {
    if (route.trigger.kind === "event") push(ix.routesByEvent, route.trigger.event, route);
    else if (route.trigger.kind === "stage") push(ix.routesByStage, route.trigger.stage, route);
  }
  for (const wf of rules.workflows) {
    if (wf.trigger.kind === "event") push(ix.workflowsByEvent, wf.trigger.event, wf);
    else if (wf.trigger.kind === "stage") push(ix.workflowsByStage, wf.trigger.stage, wf);
  }
  for (const g of rules.grades) if (!ix.grades.has(g.name)) ix.grades.set(g.name, g);
  // Consent decisions read the whole history of consent events and of implied-consent anchors.
  for (const e of CONSENT_EVENTS) addRead(reads, e, Infinity);
  for (const c of rules.consents.values()) for (const cl of c.clauses) for (const b of cl.bases) if (b.anchor !== null) addRead(reads, b.anchor, Infinity);
  for (const attrs of ix.attributes) for (const ref of attrs) ref.a = slot(1);
  const stageReads = new Set<string>();
  // (Conditions not made by `compile` may not say what they read: then every event counts.)
  let stageReadsAll = false;
  for (const st of rules.stages) if (st.when) {
    if (st.when.reads) for (const e of st.when.reads.keys()) stageReads.add(e);
    else stageReadsAll = true;
  }
  const names = new Set<string>([...rules.events.keys(), ...ix.eventRules.keys(), ...ix.inactivityByEvent.keys(), ...ix.routesByEvent.keys(), ...ix.workflowsByEvent.keys(), ...reads.keys()]);
  for (const name of names) {
    const info = rules.events.get(name);
    const emailFields = info ? [...info.fields].filter(([, f]) => f.type === "email").map(([k]) => k) : [];
    const keep = keepAll ? Infinity : reads.get(name) ?? -1;
    const plan: EventPlan = { id: ix.plans.size, name, info, emailFields, keep, stageRead: stageReadsAll || stageReads.has(name), rules: ix.eventRules.get(name), rearm: ix.inactivityByEvent.get(name), routes: ix.routesByEvent.get(name), workflows: ix.workflowsByEvent.get(name) };
    ix.plans.set(name, plan);
    ix.planById.push(plan);
  }
  ix.num = new Float64Array(size);
  for (const [at, n] of rings) ix.num.fill(-Infinity, at, at + n);
  // No timer pending.
  ix.num[due] = Infinity;
  ix.due = due;
  indexes.set(rules, ix);
  return ix;
}

/** Blocks of this many simulations' numbers share one buffer: one allocation instead of one per lead, and neighbours in memory. */
const SLAB_BLOCKS = 256;

/** A fresh copy of the initial numbers in the rules' current slab; returns its offset (the slab is `ix.slab`). */
function allocNum(ix: RulesIndex): number {
  const size = ix.num.length;
  if (ix.slabUsed + size > ix.slab.length) {
    ix.slab = new Float64Array(size * SLAB_BLOCKS);
    ix.slabUsed = 0;
  }
  const at = ix.slabUsed;
  ix.slabUsed += size;
  ix.slab.set(ix.num, at);
  return at;
}

const NO_VALUES: Record<string, Value> = Object.freeze({}) as Record<string, Value>;
const NO_HISTORY: readonly HistoryItem[] = Object.freeze([]) as readonly HistoryItem[];

/**
 * The event rules an event satisfied (positions in its plan's rule list) and their
 * bindings, decided before any of them fires. Shared scratch space: `event` never
 * runs inside another `event`.
 */
const decidedRules: number[] = [];
const decidedValues: Record<string, Value>[] = [];

/**
 * A payload that can stand for its own copy: a plain object (an own `__proto__`
 * key would become the copy's prototype instead of a value).
 */
function plainPayload(payload: Record<string, Value>): boolean {
  return Object.getPrototypeOf(payload) === Object.prototype && !Object.prototype.hasOwnProperty.call(payload, "__proto__");
}

interface TeamState {
  current: number[];
  daily: Map<string, number>;
}

/** Round-robin state shared by the routes of one simulation. */
export class RoutingPool {
  private teams = new Map<string, TeamState>();
  constructor(private readonly seed: number) {}

  /**
   * Smooth weighted round robin over every member, whether at its cap or not (so a cap that does not
   * bind never changes the order); a member at its cap loses its turn (as if picked) and the turn
   * passes to the next member in that order. Returns null, changing nothing, when all are at cap.
   * `skipped` lists the members at their cap.
   */
  pick(team: { name: string; members: { owner: string; weight: number }[]; cap: { count: number; per: number } | null }, now: number): { member: string | null; skipped: string[] } {
    const ms = team.members.filter((m) => m.weight > 0);
    if (ms.length === 0) return { member: null, skipped: [] };
    let st = this.teams.get(team.name);
    if (!st) {
      st = { current: ms.map(() => 0), daily: new Map() };
      this.teams.set(team.name, st);
      const total = ms.reduce((a, m) => a + m.weight, 0);
      const warm = ((this.seed % total) + total) % total;
      for (let i = 0; i < warm; i++) this.step(st, ms);
    }
    const bucket = team.cap ? Math.floor(now / team.cap.per) : 0;
    const skipped: string[] = [];
    const available = (i: number) => {
      if (!team.cap) return true;
      const n = st!.daily.get(`${ms[i]!.owner}#${bucket}`) ?? 0;
      return n < team.cap.count;
    };
    for (let i = 0; i < ms.length; i++) if (!available(i)) skipped.push(ms[i]!.owner);
    if (skipped.length === ms.length) return { member: null, skipped };
    let i = this.step(st, ms);
    // Within one cycle of the order every member has a turn, so this ends.
    while (!available(i)) i = this.step(st, ms);
    const key = `${ms[i]!.owner}#${bucket}`;
    st.daily.set(key, (st.daily.get(key) ?? 0) + 1);
    return { member: ms[i]!.owner, skipped };
  }

  private step(st: TeamState, ms: { weight: number }[]): number {
    let total = 0;
    let best = -1;
    for (let i = 0; i < ms.length; i++) {
      st.current[i]! += ms[i]!.weight;
      total += ms[i]!.weight;
      if (best < 0 || st.current[i]! > st.current[best]!) best = i;
    }
    st.current[best]! -= total;
    return best;
  }
}

/** What a condition read while it was evaluated through `ReadTracker` (besides the stage, always a dependency). */
const DEP_FIELDS = 1;
const DEP_SCORES = 2;
const DEP_HISTORY = 4;
const DEP_CLOCK = 8;
const DEP_CURRENT = 16;

/**
 * Evaluates conditions against a simulation and records which kinds of state they
 * actually read (after short-circuits): the stage conditions' value can change only
 * when one of those changes. One shared instance: evaluations never nest across simulations.
 */
class ReadTracker implements EvalCtx {
  sim: Simulation = null as unknown as Simulation;
  deps = 0;
  /** Set and restored by `count(… where …)` while it looks at past payloads. */
  payload: Record<string, Value> | null = null;
  get now(): number {
    this.deps |= DEP_CLOCK;
    return this.sim.now;
  }
  get fields(): Map<string, Value> {
    this.deps |= DEP_FIELDS;
    return this.sim.fields;
  }
  get stageIndex(): number {
    return this.sim.stageIndex;
  }
  get stageName(): string | null {
    return this.sim.stageName;
  }
  get current(): string | null {
    this.deps |= DEP_CURRENT;
    return this.sim.current;
  }
  score(name: string): number | null {
    this.deps |= DEP_SCORES;
    return this.sim.score(name);
  }
  scoreAt(slot: number): number | null {
    this.deps |= DEP_SCORES;
    return this.sim.scoreAt(slot);
  }
  gradeRank(name: string): number | null {
    this.deps |= DEP_SCORES;
    return this.sim.gradeRank(name);
  }
  gradeLetter(name: string): string | null {
    this.deps |= DEP_SCORES;
    return this.sim.gradeLetter(name);
  }
  history(event: string): readonly HistoryItem[] {
    this.deps |= DEP_HISTORY;
    return this.sim.history(event);
  }
}
const tracker = new ReadTracker();
/** Where `Simulation.feed` leaves what its look-ahead read (kept so that the reads are not optimised away). */
let feedSink = 0;

/**
 * The id of an event name under these rules, for `Simulation.event`: callers that feed many
 * events (bulk replay) can look each name up once instead of once per event. -1 for a name the
 * rules neither declare nor mention (pass such names as text). Ids are stable for a given
 * `CompiledRules` object only.
 */
export function eventId(rules: CompiledRules, name: string): number {
  return indexOf(rules).plans.get(name)?.id ?? -1;
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
  private readonly ix: RulesIndex;
  /**
   * Per-lead numbers in one block: each score's scored flag and parts, the due time of the earliest
   * pending timer (Infinity: none, so that most inputs never look at the heap), event rules' counters
   * and rings, attribute rules' flags (layout: `indexOf`).
   */
  private readonly num: Float64Array;
  /** Where this simulation's block starts in `num` (a slab shared with other simulations of the same rules). */
  private readonly b: number;
  readonly tracing: boolean;
  now = 0;
  private seq = 0;
  current: string | null = null;
  payload: Record<string, Value> | null = null;
  /**
   * After a stage fixpoint that moved nowhere: what the conditions it evaluated read
   * (`DEP_*`; -1: no such fixpoint yet) and the state they read then (the `stageAt*` fields).
   * While none of it has changed, the next fixpoint would move nowhere either and is skipped.
   */
  private stageDeps = -1;
  /** Bumped by every stage entry. */
  private stageEntries = 0;
  private stageAtEntries = 0;
  /** Bumped by every change to a score's numbers (scored flag, attribute or behaviour part). */
  private scoreVersion = 0;
  private stageAtScores = 0;
  private stageAtNow = 0;
  /** Bumped by every event whose history some stage condition reads (`EventPlan.stageRead`). */
  private stageHistVersion = 0;
  private stageAtHist = 0;
  /** Bumped by every field change; attribute rules that read only fields skip re-evaluation when it has not moved. */
  private fieldsVersion = 0;
  /** `fieldsVersion` when attribute rules on lead fields alone were last evaluated (-1: never). */
  private settledFields = -1;
  private stageAtFields = 0;
  private stageAtCurrent: string | null = null;
  /** Event histories kept, by event id (`EventPlan.id`): only for events something reads, and only as far back as it reads. */
  private histById: (HistoryItem[] | undefined)[] | null = null;
  stageIndex = -1;
  stageName: string | null = null;
  erasedAt: number | null = null;
  /** The lead's fields. Change them only through `start`/`update`: attribute rules on fields are re-evaluated only after those. */
  readonly fields = new Map<string, Value>();
  readonly seed: number;
  /** Pending timers: a binary min-heap ordered by due time, then scheduling order. */
  private timers: Timer[] | null = null;
  /** Per event rule (`EventRuleRef.k`), created when first needed. */
  private ruleStates: (EventRuleState | undefined)[] | null = null;
  /** Per score (`RulesIndex.scores` order), created when a score first arms a timer. */
  private scoreTimers: (ScoreTimers | undefined)[] | null = null;
  private stageEnteredAt = 0;
  /** Routes that already ran (created when the first route runs). */
  private routesDone: Set<string> | null = null;
  /** Created when a team is first picked from, unless one was given. */
  private poolOpt: RoutingPool | null;
  /** Escalation timers not yet due, with the target each one names. */
  private escalationTimers: { timer: Timer; target: TargetValue }[] | null = null;
  private runCounter = 0;
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

  constructor(readonly rules: CompiledRules, opts: SimOptions = {}) {
    this.seed = opts.seed ?? 0;
    this.tracing = opts.trace ?? true;
    this.poolOpt = opts.pool ?? null;
    if (opts.onTrace && this.tracing) this.traceList = sinkList(opts.onTrace);
    this.ix = indexOf(rules);
    this.b = allocNum(this.ix);
    this.num = this.ix.slab;
  }

  // ------------------------------------------------------------ EvalCtx

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
    return slot < 0 || slot >= this.ix.scores.length ? null : this.valueOf(slot);
  }

  gradeLetter(name: string): string | null {
    const g = this.ix.grades.get(name);
    if (!g) return null;
    const v = this.score(g.score);
    if (v === null) return null;
    for (const e of g.entries) if (e.min === null || v >= e.min) return e.letter;
    return null;
  }

  gradeRank(name: string): number | null {
    const g = this.ix.grades.get(name);
    const l = this.gradeLetter(name);
    if (!g || l === null) return null;
    return g.entries.length - g.entries.findIndex((e) => e.letter === l);
  }

  // ------------------------------------------------------------ inputs

  /** Day 0: the lead arrives. */
  start(lead: Record<string, Value>, source: SourceRef): void {
    for (const k of Object.keys(lead)) this.setField(k, lead[k]!);
    if (this.tracing) this.trace.push({ kind: "start", at: 0, time: formatTime(0), source, lead: this.leadSnapshot(), seed: this.seed });
    for (const x of this.ix.inactivity) this.armInactivity(x.s, x.r, x.i, 0);
    this.settleScores();
    const init = this.rules.stages[this.rules.initialStage];
    if (init) this.enterStage(init.index, "initial", {}, init.source);
    this.settle(null);
  }

  /** Processes every timer due at or before `t`, then moves the clock to `t` (never backwards). */
  advanceTo(t: number): void {
    if (!(this.num[this.b + this.ix.due]! <= t)) {
      if (t > this.now) this.now = t;
      return;
    }
    // True while the state is one that `settle(null)` leaves as it is (the last timer's settle changed
    // nothing): then decay ticks with nothing to decay change nothing either until something else
    // happens, and are skipped (`skipIdleTicks`).
    let quiet = false;
    for (;;) {
      const next = this.timers![0];
      if (!next || next.due > t) break;
      if (quiet && next.decay !== undefined && !next.cancelled && !next.worthTracing!() && this.skipIdleTicks(t)) continue;
      this.popTimer();
      if (next.cancelled) continue;
      this.timersRun++;
      this.now = Math.max(this.now, next.due);
      if (this.tracing && (!next.worthTracing || next.worthTracing())) this.trace.push({ kind: "timer", at: this.now, time: formatTime(this.now), source: next.source, timer: next.kind, due: next.due, owner: next.owner });
      next.fire();
      const seq = this.seq;
      const scores = this.scoreVersion;
      const entries = this.stageEntries;
      this.settle(null);
      quiet = seq === this.seq && scores === this.scoreVersion && entries === this.stageEntries;
    }
    if (t > this.now) this.now = t;
  }

  /**
   * With the state settled at `now` and the earliest timer an idle decay tick (its score's behaviour
   * part would not change), moves every idle decay tick forward to the first of its ticks that could
   * matter: at or after the next other timer, the input at `t` or a re-entry wait's end, or after the
   * clock leaves a condition's window (`CompiledRules.clockWindows`). The ticks passed over would
   * each change nothing (no trace entry, no state), so the result and the trace are those of
   * processing them one by one, in time that does not grow with the clock. Returns whether any tick
   * moved.
   */
  private skipIdleTicks(t: number): boolean {
    const windows = this.rules.clockWindows;
    if (windows === undefined) return false;
    const h = this.timers!;
    // The first moment a tick may matter: at or after `until`, or strictly after `after`.
    let until = t;
    let after = Infinity;
    const idle: Timer[] = [];
    for (const x of h) {
      if (x.decay !== undefined && !x.cancelled && !x.worthTracing!()) idle.push(x);
      else if (x.due < until) until = x.due;
    }
    const now = this.now;
    const cur = this.rules.stages[this.stageIndex];
    if (cur?.detour) for (const re of this.rules.reenters) if (re.from === this.stageIndex && this.stageEnteredAt + re.after > now && this.stageEnteredAt + re.after < until) until = this.stageEnteredAt + re.after;
    for (const [e, ds] of windows) {
      const hist = this.history(e);
      for (const d of ds) {
        // The oldest event still inside the window leaves it first (history is in time order).
        let lo = 0;
        let hi = hist.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (hist[mid]!.at + d < now) lo = mid + 1;
          else hi = mid;
        }
        if (lo < hist.length && hist[lo]!.at + d < after) after = hist[lo]!.at + d;
      }
    }
    const moved: { x: Timer; from: number }[] = [];
    for (const x of idle) {
      const c = x.decay!;
      const at = (k: number) => c.start + k * c.every;
      // Smallest k with at(k) >= until, and smallest with at(k) > after (never before the pending tick).
      // (Beyond the exact range of the clock (core/time.ts) nothing is skipped.)
      let k = Math.max(c.k, Math.ceil((until - c.start) / c.every));
      if (!Number.isSafeInteger(k) || !Number.isSafeInteger(at(k) + c.every)) continue;
      while (k > c.k && at(k - 1) >= until) k--;
      while (at(k) < until) k++;
      const k2from = Math.floor((after - c.start) / c.every);
      if (Number.isSafeInteger(k2from) && Number.isSafeInteger(c.start + (k2from + 2) * c.every)) {
        let k2 = Math.max(c.k, k2from);
        while (k2 > c.k && at(k2 - 1) > after) k2--;
        while (at(k2) <= after) k2++;
        if (k2 < k) k = k2;
      }
      if (k === c.k) continue;
      c.k = k;
      // Where this tick would have been scheduled: by the tick before it.
      moved.push({ x, from: at(k - 1) });
    }
    if (moved.length === 0) return false;
    // Re-insert the moved ticks with the order they would have had: scheduled later than every
    // pending timer, among themselves in the order of their previous ticks.
    moved.sort((a, b) => a.from - b.from || a.x.seq - b.x.seq);
    const movedSet = new Set(moved.map((m) => m.x));
    const rest = h.filter((x) => !movedSet.has(x));
    this.timers = [];
    for (const x of rest) this.pushTimer(x);
    for (const { x } of moved) {
      x.due = x.decay!.start + x.decay!.k * x.decay!.every;
      x.seq = this.seq++;
      this.pushTimer(x);
    }
    return true;
  }

  /**
   * An event at time `t`. `event` is its name, or its id under these rules (`eventId`): both
   * give the same result and trace.
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
    this.advanceTo(t);
    // The engine's own copy of the payload, unless nothing keeps it (trace, history) or changes it
    // (email fields): then the caller's object is only read during this call.
    let p = payload;
    if (this.tracing || plan === undefined || plan.keep >= 0 || plan.emailFields.length > 0 || !plainPayload(payload)) {
      p = {};
      for (const k of Object.keys(payload)) p[k] = payload[k]!;
      if (plan) for (const k of plan.emailFields) if (Object.prototype.hasOwnProperty.call(payload, k)) p[k] = normalize(plan.info!.fields.get(k), payload[k]!);
    }
    if (this.tracing) this.trace.push({ kind: "event", at: this.now, time: formatTime(this.now), source, name, values: p });
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
    this.current = name;
    if (name === "erasure_requested" && this.erasedAt === null) this.erasedAt = this.now;
    if (name === "sales_activity") this.cancelEscalations(source);

    // Event rules: decide on the state before this event's score changes, then apply.
    const listeners = plan?.rules;
    if (listeners) {
      let decided = 0;
      for (let j = 0; j < listeners.length; j++) {
        const x = listeners[j]!;
        const r = x.r;
        if (r.where) {
          this.payload = p;
          const ok = truth(r.where.ev(this)) === true;
          if (!ok) {
            this.payload = null;
            continue;
          }
        }
        const values = this.tracing ? { ...bindings(r.where ?? undefined, this) } : NO_VALUES;
        this.payload = null;
        if (r.times !== null) {
          let n = 0;
          if (x.ownCount) n = this.countMatch(x);
          else {
            // History is in time order: walk back from the newest until the window starts.
            const from = r.within !== null ? this.now - r.within : -Infinity;
            for (let k = list!.length - 1; k >= 0; k--) {
              const h = list![k]!;
              if (h.at < from) break;
              this.payload = h.payload;
              if (!r.where || truth(r.where.ev(this)) === true) n++;
              this.payload = null;
            }
          }
          if (this.tracing) values[`count(${name})`] = n;
          if (n < r.times) continue;
        }
        if (r.when) {
          if (truth(r.when.ev(this)) !== true) continue;
          if (this.tracing) Object.assign(values, bindings(r.when, this));
        }
        decidedRules[decided] = j;
        decidedValues[decided] = values;
        decided++;
      }
      for (let d = 0; d < decided; d++) {
        const x = listeners[decidedRules[d]!]!;
        const values = decidedValues[d]!;
        decidedValues[d] = NO_VALUES;
        this.fireEventRule(x, values);
      }
    }
    const rearm = plan?.rearm;
    if (rearm) for (const x of rearm) this.armInactivity(x.s, x.r, x.i, this.now);
    this.settle(name);
    // Event-triggered routes and workflows (`on EVENT` in their conditions is still true).
    this.current = name;
    const routes = plan?.routes;
    if (routes) for (const route of routes) if (this.triggerMatches(route.trigger.where, p)) this.runRoute(route, `on ${name}`);
    const wfs = plan?.workflows;
    if (wfs) for (const wf of wfs) if (this.triggerMatches(wf.trigger.where, p)) this.startWorkflow(wf, `on ${name}`);
    this.current = null;
  }

  update(t: number, values: Record<string, Value>, source: SourceRef): void {
    this.advanceTo(t);
    for (const [k, v] of Object.entries(values)) this.setField(k, v);
    const shown: Record<string, Value> = {};
    for (const k of Object.keys(values)) shown[k] = this.fields.get(k) ?? null;
    if (this.tracing) this.trace.push({ kind: "update", at: this.now, time: formatTime(this.now), source, name: "update", values: shown });
    this.settle(null);
  }

  note(message: string, source: SourceRef): void {
    if (this.tracing) this.trace.push({ kind: "note", at: this.now, time: formatTime(this.now), source, message });
  }

  push(e: TraceEntry): void {
    if (this.tracing) this.trace.push(e);
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

  // ------------------------------------------------------------ internals

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

  private triggerMatches(where: { ev: (c: EvalCtx) => Value | undefined } | null, p: Record<string, Value>): boolean {
    if (!where) return true;
    this.payload = p;
    const ok = truth(where.ev(this)) === true;
    this.payload = null;
    return ok;
  }

  private schedule(due: number, kind: TimerKind, owner: string, source: SourceRef, fire: () => void): Timer {
    const t: Timer = { due, seq: this.seq++, kind, owner, source, cancelled: false, fire, worthTracing: undefined, decay: undefined };
    this.pushTimer(t);
    return t;
  }

  /** Adds a timer to the heap (ordered by due time, then `seq`). */
  private pushTimer(t: Timer): void {
    const due = t.due;
    // Sift up in the heap.
    const h = (this.timers ??= []);
    let k = h.length;
    h.push(t);
    while (k > 0) {
      const parent = (k - 1) >> 1;
      const p = h[parent]!;
      if (p.due < due || (p.due === due && p.seq < t.seq)) break;
      h[k] = p;
      k = parent;
    }
    h[k] = t;
    this.num[this.b + this.ix.due] = h[0]!.due;
  }

  /** Removes the earliest timer (the heap's root). */
  private popTimer(): void {
    const h = this.timers!;
    const last = h.pop()!;
    const n = h.length;
    if (n === 0) {
      this.num[this.b + this.ix.due] = Infinity;
      return;
    }
    let k = 0;
    for (;;) {
      const l = 2 * k + 1;
      if (l >= n) break;
      const r = l + 1;
      let c = l;
      if (r < n && (h[r]!.due < h[l]!.due || (h[r]!.due === h[l]!.due && h[r]!.seq < h[l]!.seq))) c = r;
      const m = h[c]!;
      if (last.due < m.due || (last.due === m.due && last.seq < m.seq)) break;
      h[k] = m;
      k = c;
    }
    h[k] = last;
    this.num[this.b + this.ix.due] = h[0]!.due;
  }

  /** The value of the score in slot `si` (null when unscored). */
  private valueOf(si: number): number | null {
    const num = this.num;
    const o = this.b + 3 * si;
    if (num[o] === 0) return null;
    return this.clamp(this.ix.scores[si]!, num[o + 1]! + num[o + 2]!);
  }

  /** The behaviour part of a score. */
  private beh(si: number): number {
    return this.num[this.b + 3 * si + 2]!;
  }

  private setBeh(si: number, v: number): void {
    this.scoreVersion++;
    this.num[this.b + 3 * si + 2] = v;
  }

  private timersOf(si: number): ScoreTimers {
    const all = (this.scoreTimers ??= []);
    let t = all[si];
    if (t === undefined) all[si] = t = { inactivityTimers: null, decayTimer: null };
    return t;
  }

  private clamp(def: CScore, v: number): number {
    if (def.cap !== null && v > def.cap) v = def.cap;
    if (def.floor !== null && v < def.floor) v = def.floor;
    return v;
  }

  /** Adds `delta` to the behaviour part, limited so the total stays within [floor, cap]. Returns the applied change. */
  private applyBehaviour(si: number, delta: number): number {
    const d = this.ix.scores[si]!;
    const num = this.num;
    const o = this.b + 3 * si;
    const beh = num[o + 2]!;
    const attr = num[o + 1]!;
    let nb = beh + delta;
    if (delta > 0 && d.cap !== null) nb = Math.max(beh, Math.min(nb, d.cap - attr));
    if (delta < 0 && d.floor !== null) nb = Math.min(beh, Math.max(nb, d.floor - attr));
    const applied = nb - beh;
    num[o + 2] = nb;
    this.scoreVersion++;
    return applied;
  }

  private markScored(s: number): void {
    const o = this.b + 3 * s;
    if (this.num[o] !== 0) return;
    this.num[o] = 1;
    this.scoreVersion++;
    const def = this.ix.scores[s]!;
    const dec = def.decay;
    if (dec) {
      const timers = this.timersOf(s);
      const clock: DecayClock = { start: this.now, every: dec.every, k: 1 };
      const tick = () => {
        const before = this.valueOf(s);
        const nb = Math.trunc(this.beh(s) * (1 - dec.percent / 100));
        const applied = nb - this.beh(s);
        this.setBeh(s, nb);
        if (applied !== 0) {
          if (this.tracing) this.trace.push({ kind: "score", at: this.now, time: formatTime(this.now), source: def.source, score: def.name, rule: "decay", cause: "decay", points: applied, applied, before, after: this.valueOf(s), values: { percent: dec.percent } });
        }
        clock.k++;
        timers.decayTimer = this.schedule(clock.start + clock.k * clock.every, "decay", def.name, def.source, tick);
        timers.decayTimer.worthTracing = idle;
        timers.decayTimer.decay = clock;
      };
      const idle = () => Math.trunc(this.beh(s) * (1 - dec.percent / 100)) !== this.beh(s);
      timers.decayTimer = this.schedule(clock.start + clock.every, "decay", def.name, def.source, tick);
      timers.decayTimer.worthTracing = idle;
      timers.decayTimer.decay = clock;
    }
  }

  private ruleState(k: number): EventRuleState {
    const all = (this.ruleStates ??= []);
    let st = all[k];
    if (st === undefined) all[k] = st = { firings: [], matches: [] };
    return st;
  }

  /** `at least K times`: records that the current event matched the rule's filter; returns the matches in the window. */
  private countMatch(x: EventRuleRef): number {
    const num = this.num;
    if (x.matchedAt >= 0) {
      const at = this.b + x.matchedAt;
      return (num[at] = num[at]! + 1);
    }
    const within = x.r.within!;
    if (x.matchAt >= 0 && !this.tracing) {
      // The last K matching times: K of them in the window is all the rule asks (the exact count is traced only).
      const o = this.b + x.matchAt;
      const k = x.r.times!;
      const c = num[o]!;
      num[o + 1 + c] = this.now;
      num[o] = c + 1 === k ? 0 : c + 1;
      const from = this.now - within;
      let n = 0;
      for (let j = 1; j <= k; j++) if (num[o + j]! >= from) n++;
      return n;
    }
    const st = this.ruleState(x.k);
    const m = st.matches;
    m.push(this.now);
    const from = this.now - within;
    while (m.length > 0 && m[0]! < from) m.shift();
    return m.length;
  }

  private fireEventRule(x: EventRuleRef, values: Record<string, Value>): void {
    const r = x.r;
    const s = x.s;
    if (r.limit) {
      const per = r.limit.per;
      const num = this.num;
      const count = r.limit.count;
      let n: number;
      if (per === null) n = num[this.b + x.firedAt]!;
      else if (x.limitAt >= 0) {
        // The last N firing times: only whether all N are within the period matters.
        const o = this.b + x.limitAt;
        const from = this.now - per;
        n = 0;
        for (let j = 1; j <= count; j++) if (num[o + j]! >= from) n++;
      } else {
        const st = this.ruleState(x.k);
        // Firing times are in time order: drop those before the period, count the rest.
        const f = st.firings;
        const from = this.now - per;
        while (f.length > 0 && f[0]! < from) f.shift();
        n = f.length;
      }
      if (n >= count) {
        if (this.tracing) this.trace.push({ kind: "suppressed", at: this.now, time: formatTime(this.now), source: r.source, score: this.ix.scores[s]!.name, rule: r.name, reason: "limit", detail: r.limit!.text, points: r.points });
        return;
      }
      if (per === null) num[this.b + x.firedAt] = num[this.b + x.firedAt]! + 1;
      else if (x.limitAt >= 0) {
        const o = this.b + x.limitAt;
        const c = num[o]!;
        num[o + 1 + c] = this.now;
        num[o] = c + 1 === count ? 0 : c + 1;
      } else this.ruleState(x.k).firings.push(this.now);
    }
    const before = this.valueOf(s);
    this.markScored(s);
    const applied = this.applyBehaviour(s, r.points);
    const after = this.valueOf(s);
    if (this.tracing) this.trace.push({ kind: "score", at: this.now, time: formatTime(this.now), source: r.source, score: this.ix.scores[s]!.name, rule: r.name, cause: "event", points: r.points, applied, before, after, values });
    if (r.within !== null && r.times === null && applied !== 0) {
      this.schedule(this.now + r.within + 1, "expiry", `${this.ix.scores[s]!.name}.${r.name}`, r.source, () => {
        const remove = applied > 0 ? Math.min(applied, Math.max(this.beh(s), 0)) : Math.max(applied, Math.min(this.beh(s), 0));
        const b = this.valueOf(s);
        this.setBeh(s, this.beh(s) - remove);
        const a = this.valueOf(s);
        if (this.tracing) this.trace.push({ kind: "score", at: this.now, time: formatTime(this.now), source: r.source, score: this.ix.scores[s]!.name, rule: `expiry of ${r.name}`, cause: "expiry", points: -applied, applied: -remove, before: b, after: a, values: { fired: formatTime(this.now - r.within! - 1) } });
      });
    }
  }

  private armInactivity(s: number, r: CInactivityRule, i: number, from: number): void {
    const def = this.ix.scores[s]!;
    const st = this.timersOf(s);
    const timers = (st.inactivityTimers ??= def.rules.map(() => null));
    const old = timers[i];
    if (old) old.cancelled = true;
    timers[i] = this.schedule(from + r.after, "inactivity", `${def.name}.${r.name}`, r.source, () => {
      timers[i] = null;
      const before = this.valueOf(s);
      this.markScored(s);
      const applied = this.applyBehaviour(s, r.points);
      const after = this.valueOf(s);
      const last: Record<string, Value> = {};
      for (const e of r.events) {
        const h = this.history(e);
        last[e] = h.length ? formatTime(h[h.length - 1]!.at) : null;
      }
      if (this.tracing) this.trace.push({ kind: "score", at: this.now, time: formatTime(this.now), source: r.source, score: def.name, rule: r.name, cause: "inactivity", points: r.points, applied, before, after, values: last });
    });
  }

  /** After any change: attribute rules, then stages (to a fixpoint), then stage-triggered routes and workflows. */
  private settle(event: string | null): void {
    this.current = event;
    this.settleScores();
    this.settleStages();
    this.current = null;
  }

  private settleScores(): void {
    const version = this.fieldsVersion;
    if (version === this.settledFields) {
      // A condition on lead fields only cannot change while the fields have not: evaluate the others.
      const dyn = this.ix.dynamicAttributes;
      for (let j = 0; j < dyn.length; j++) this.settleAttribute(dyn[j]!);
      return;
    }
    this.settledFields = version;
    const attributes = this.ix.attributes;
    for (let si = 0; si < attributes.length; si++) {
      const rs = attributes[si]!;
      for (let j = 0; j < rs.length; j++) this.settleAttribute(rs[j]!);
    }
  }

  private settleAttribute(x: AttributeRuleRef): void {
    const s = x.s;
    const r = x.r;
    const on = truth(r.when.ev(this)) === true;
    const num = this.num;
    const b = this.b;
    if (on === (num[b + x.a] === 1)) return;
    const before = this.valueOf(s);
    num[b + x.a] = on ? 1 : 0;
    this.scoreVersion++;
    num[b + 3 * s + 1] = num[b + 3 * s + 1]! + (on ? r.points : -r.points);
    if (on) this.markScored(s);
    const after = this.valueOf(s);
    if (this.tracing) this.trace.push({ kind: "score", at: this.now, time: formatTime(this.now), source: r.source, score: this.ix.scores[s]!.name, rule: r.name, cause: on ? "attribute-on" : "attribute-off", points: on ? r.points : -r.points, applied: on ? r.points : -r.points, before, after, values: bindings(r.when, this) });
  }

  private settleStages(): void {
    const deps = this.stageDeps;
    if (
      deps >= 0 &&
      this.stageEntries === this.stageAtEntries &&
      ((deps & DEP_SCORES) === 0 || this.scoreVersion === this.stageAtScores) &&
      ((deps & DEP_CLOCK) === 0 || this.now === this.stageAtNow) &&
      ((deps & DEP_HISTORY) === 0 || this.stageHistVersion === this.stageAtHist) &&
      ((deps & DEP_FIELDS) === 0 || this.fieldsVersion === this.stageAtFields) &&
      ((deps & DEP_CURRENT) === 0 || this.current === this.stageAtCurrent)
    )
      return;
    this.stageDeps = -1;
    const stages = this.rules.stages;
    const t = tracker;
    for (let guard = 0; guard <= stages.length; guard++) {
      t.sim = this;
      t.deps = 0;
      t.payload = this.payload;
      const cur = stages[this.stageIndex];
      const fromDetour = cur?.detour === true;
      // Eligible: later non-detour stages (from a non-detour), detours (from a detour: only later ones),
      // reenter targets after their wait (from a detour). The furthest declared wins, so look from the
      // last stage back and stop at the first eligible one whose condition holds.
      let to = -1;
      let how: "forward" | "detour" | "reenter" = "forward";
      let cond: CStage["when"] = null;
      let source: SourceRef | null = null;
      for (let k = stages.length - 1; k >= 0; k--) {
        const st = stages[k]!;
        if (st.index === this.stageIndex || !st.when) continue;
        if (st.detour) {
          if (fromDetour && st.index < this.stageIndex) continue;
        } else if (fromDetour || st.index <= this.stageIndex) continue;
        if (truth(st.when.ev(t)) === true) {
          to = st.index;
          how = st.detour ? "detour" : "forward";
          cond = st.when;
          source = st.source;
          break;
        }
      }
      if (fromDetour) {
        for (const re of this.rules.reenters) {
          if (re.from !== this.stageIndex) continue;
          // Waiting out `after` depends on the clock alone.
          t.deps |= DEP_CLOCK;
          if (this.now - this.stageEnteredAt < re.after) continue;
          const st = stages[re.stage]!;
          if (st.detour || !st.when || re.stage <= to) continue;
          if (truth(st.when.ev(t)) === true) {
            to = re.stage;
            how = "reenter";
            cond = st.when;
            source = re.source;
          }
        }
      }
      if (to < 0) {
        this.stageDeps = t.deps;
        this.stageAtFields = this.fieldsVersion;
        this.stageAtScores = this.scoreVersion;
        this.stageAtHist = this.stageHistVersion;
        this.stageAtNow = this.now;
        this.stageAtCurrent = this.current;
        this.stageAtEntries = this.stageEntries;
        break;
      }
      t.sim = null as unknown as Simulation;
      this.enterStage(to, how, this.tracing && cond ? bindings(cond, this) : NO_VALUES, source!);
    }
    t.sim = null as unknown as Simulation;
  }

  /** Enters a stage; routes and workflows `on stage` it run (stages skipped over by a jump do not trigger). */
  private enterStage(to: number, how: "initial" | "forward" | "detour" | "reenter", values: Record<string, Value>, source: SourceRef): void {
    const from = this.stageName;
    const st = this.rules.stages[to]!;
    this.stageIndex = to;
    this.stageName = st.name;
    this.stageEnteredAt = this.now;
    this.stageEntries++;
    if (this.tracing) this.trace.push({ kind: "stage", at: this.now, time: formatTime(this.now), source, from, to: st.name, how, values });
    if (st.detour) {
      for (const re of this.rules.reenters) {
        if (re.from !== to || re.after <= 0) continue;
        const enteredAt = this.now;
        this.schedule(this.now + re.after, "reenter", `stage ${st.name}`, re.source, () => {
          if (this.stageIndex === to && this.stageEnteredAt === enteredAt) this.note(`${formatDurationShort(re.after)} in \`${st.name}\` have passed; the lead may leave it`, re.source);
        });
      }
    }
    const event = this.current;
    const routes = this.ix.routesByStage.get(to);
    if (routes) for (const route of routes) this.runRoute(route, `entered ${st.name}`);
    const wfs = this.ix.workflowsByStage.get(to);
    if (wfs) for (const wf of wfs) this.startWorkflow(wf, `entered ${st.name}`);
    this.current = event;
  }

  // ------------------------------------------------------------ routing

  private resolveTarget(route: CRoute, t: CTarget): { target: TargetValue | null; reason: string } {
    if (t.kind !== "team") return { target: { kind: t.kind, name: t.name, member: null }, reason: "" };
    const team = this.rules.teams.get(t.name ?? "");
    if (!team) return { target: null, reason: `team \`${t.name}\` is not declared` };
    const pick = (this.poolOpt ??= new RoutingPool(this.seed)).pick(team, this.now);
    if (pick.member) return { target: { kind: "team", name: team.name, member: pick.member }, reason: pick.skipped.length ? `round robin (skipped at cap: ${pick.skipped.join(", ")})` : "round robin" };
    const fb = route.fallback;
    if (fb && !(fb.target.kind === "team" && fb.target.name === team.name)) {
      const r = this.resolveTarget({ ...route, fallback: null }, fb.target);
      return { target: r.target, reason: `every member of team \`${team.name}\` is at the cap; using the route's otherwise` };
    }
    return { target: null, reason: `every member of team \`${team.name}\` is at the cap and the route has no other target` };
  }

  private runRoute(route: CRoute, why: string): void {
    const done = (this.routesDone ??= new Set());
    if (done.has(route.name)) {
      this.note(`route \`${route.name}\` was triggered again (${why}); a route routes a lead only once`, route.source);
      return;
    }
    done.add(route.name);
    let chosen: { rule: string | null; target: CTarget; escalations: CEscalation[]; source: SourceRef; values: Record<string, Value> } | null = null;
    for (const r of route.rules) {
      if (truth(r.when.ev(this)) === true) {
        chosen = { rule: r.name, target: r.target, escalations: r.escalations, source: r.source, values: this.tracing ? bindings(r.when, this) : NO_VALUES };
        break;
      }
    }
    if (!chosen && route.fallback) chosen = { rule: "otherwise", target: route.fallback.target, escalations: route.fallback.escalations, source: route.fallback.source, values: {} };
    if (!chosen) {
      this.routing.push({ route: route.name, rule: null, target: null });
      if (this.tracing) this.trace.push({ kind: "route", at: this.now, time: formatTime(this.now), source: route.source, route: route.name, rule: null, target: null, reason: `${why}: no rule matched and the route has no otherwise; the lead stays unrouted`, values: {} });
      return;
    }
    const res = this.resolveTarget(route, chosen.target);
    this.routing.push({ route: route.name, rule: chosen.rule, target: res.target });
    if (res.target) {
      this.assignment = res.target;
      this.assignedBy = `${route.name}.${chosen.rule}`;
    }
    const reason = chosen.rule === "otherwise" ? `${why}: no rule matched` : `${why}: first matching rule`;
    if (this.tracing) this.trace.push({ kind: "route", at: this.now, time: formatTime(this.now), source: chosen.source, route: route.name, rule: chosen.rule, target: res.target, reason: res.reason ? `${reason}; ${res.reason}` : reason, values: chosen.values });
    if (!res.target) return;
    const routedAt = this.now;
    for (const e of chosen.escalations) {
      const tv: TargetValue = { kind: e.target.kind, name: e.target.name, member: null };
      if (this.tracing) this.trace.push({ kind: "escalation", at: this.now, time: formatTime(this.now), source: e.source, route: route.name, status: "scheduled", target: tv, due: routedAt + e.after, reason: `unless a sales activity happens before ${formatTime(routedAt + e.after)}` });
      const timer = this.schedule(routedAt + e.after, "escalation", `route ${route.name}`, e.source, () => {
        const r = this.resolveTarget({ ...route, fallback: null }, e.target);
        const target = r.target ?? tv;
        this.escalated.push(target);
        this.assignment = target;
        this.assignedBy = `escalation of ${route.name}`;
        if (this.tracing) this.trace.push({ kind: "escalation", at: this.now, time: formatTime(this.now), source: e.source, route: route.name, status: "escalated", target, due: routedAt + e.after, reason: `no sales activity within ${formatDurationShort(e.after)} of routing` });
      });
      (this.escalationTimers ??= []).push({ timer, target: tv });
    }
  }

  private cancelEscalations(source: SourceRef): void {
    if (this.escalationTimers === null) return;
    for (const { timer: t, target } of this.escalationTimers) {
      // Timers due now have fired already (timers fall due before events at the same time).
      if (t.cancelled || t.due <= this.now) continue;
      t.cancelled = true;
      if (this.tracing) this.trace.push({ kind: "escalation", at: this.now, time: formatTime(this.now), source: t.source, route: t.owner.replace(/^route /, ""), status: "cancelled", target, due: t.due, reason: "a sales activity happened before the escalation was due" });
    }
    this.escalationTimers = this.escalationTimers.filter((x) => !x.timer.cancelled && x.timer.due > this.now);
    void source;
  }

  // ------------------------------------------------------------ workflows and actions

  private startWorkflow(wf: CWorkflow, why: string): void {
    const run = ++this.runCounter;
    if (this.tracing) this.trace.push({ kind: "workflow", at: this.now, time: formatTime(this.now), source: wf.source, workflow: wf.name, status: "started", run, reason: why });
    this.continueWorkflow(wf, run, 0);
  }

  private continueWorkflow(wf: CWorkflow, run: number, from: number): void {
    const event = this.current;
    for (let i = from; i < wf.steps.length; i++) {
      const step = wf.steps[i]!;
      if (step.kind === "wait") {
        if (this.tracing) this.trace.push({ kind: "workflow", at: this.now, time: formatTime(this.now), source: step.source, workflow: wf.name, status: "waiting", run, reason: `wait until ${formatTime(this.now + step.duration)}` });
        this.schedule(this.now + step.duration, "wait", `workflow ${wf.name}`, step.source, () => this.continueWorkflow(wf, run, i + 1));
        return;
      }
      this.runAction(wf, step);
    }
    this.current = event;
    if (this.tracing) this.trace.push({ kind: "workflow", at: this.now, time: formatTime(this.now), source: wf.source, workflow: wf.name, status: "finished", run, reason: "every step ran" });
  }

  private runAction(wf: CWorkflow, step: Extract<CWorkflow["steps"][number], { kind: "do" }>): void {
    const action = this.rules.actions.get(step.action);
    const args = step.args.map((a, i) => {
      const v = a.ev(this);
      if (v === undefined) return null;
      return action?.paramTypes[i] === "email" && typeof v === "string" ? v.toLowerCase() : v;
    });
    const base = () => ({ at: this.now, time: formatTime(this.now), source: step.source, workflow: wf.name, action: step.action, args, reach: action?.reach ?? "contact" }) as const;
    if (step.when) {
      const v = truth(step.when.ev(this));
      if (v !== true) {
        if (this.tracing) this.trace.push({ kind: "action", ...base(), status: "skipped", consent: null, reason: `\`when ${step.when!.text}\` is ${v === false ? "false" : "unknown"}`, values: bindings(step.when!, this) });
        return;
      }
    }
    if (step.unless) {
      if (truth(step.unless.ev(this)) === true) {
        if (this.tracing) this.trace.push({ kind: "action", ...base(), status: "skipped", consent: null, reason: `\`unless ${step.unless!.text}\` is true`, values: bindings(step.unless!, this) });
        return;
      }
    }
    if (!action) {
      if (this.tracing) this.trace.push({ kind: "action", ...base(), status: "blocked", consent: null, reason: `action \`${step.action}\` is not declared`, values: {} });
      this.blocked.push({ action: step.action, args, at: this.now, purpose: null, clause: null, reason: "undeclared action" });
      return;
    }
    if (action.reach === "internal") {
      if (this.tracing) this.trace.push({ kind: "action", ...base(), status: "sent", consent: null, reason: "internal action", values: {} });
      this.sent.push({ action: step.action, args, at: this.now });
      return;
    }
    const decision = this.consentFor(action.requires);
    if (this.tracing) this.trace.push({ kind: "action", ...base(), status: decision.allowed ? "sent" : "blocked", consent: decision.consent, reason: decision.consent.reason, values: decision.values });
    if (decision.allowed) this.sent.push({ action: step.action, args, at: this.now });
    else this.blocked.push({ action: step.action, args, at: this.now, purpose: decision.consent.purpose || null, clause: decision.consent.clause, reason: decision.consent.reason });
  }

  /** Checks consent for a purpose right now. */
  consentFor(purpose: string | null): { allowed: boolean; consent: ConsentDecision; values: Record<string, Value> } {
    const country = this.fields.get("country");
    const values: Record<string, Value> = { "lead.country": country ?? null };
    const decision = (allowed: boolean, clause: CClause | null, basis: string | null, reason: string) => ({
      allowed,
      consent: { purpose: purpose ?? "", clause: clause ? clause.text : null, clauseSource: clause ? clause.source : null, basis, reason },
      values,
    });
    if (this.erasedAt !== null) return decision(false, null, null, `erasure was requested on ${formatTime(this.erasedAt)}; no contact is allowed after it`);
    if (!purpose) return decision(false, null, null, "the action is a contact action with no consent purpose");
    const c = this.rules.consents.get(purpose);
    if (!c) return decision(false, null, null, `no consent rule named \`${purpose}\``);
    let clause: CClause | undefined;
    if (typeof country === "string") clause = c.clauses.find((cl) => cl.region !== null && cl.region.includes(country));
    clause ??= c.clauses.find((cl) => cl.region === null);
    if (!clause) return decision(false, null, null, `no consent rule for the jurisdiction \`${typeof country === "string" ? country : "unknown"}\``);
    const failures: string[] = [];
    for (const b of clause.bases) {
      const r = this.checkBasis(purpose, b);
      if (r.ok) return decision(true, clause, b.text, r.reason);
      failures.push(`${b.text}: ${r.reason}`);
    }
    return decision(false, clause, null, failures.join("; ") || "the clause lists no basis");
  }

  private checkBasis(purpose: string, b: CBasis): { ok: boolean; reason: string } {
    const given = this.history("consent_given").filter((h) => h.payload["purpose"] === purpose);
    const withdrawals = [...this.history("consent_withdrawn").filter((h) => h.payload["purpose"] === purpose), ...this.history("unsubscribed")];
    const lastWithdrawal = withdrawals.reduce<HistoryItem | null>((a, h) => (!a || h.seq > a.seq ? h : a), null);
    const lastGiven = given[given.length - 1] ?? null;
    const withdrawnAfter = (seq: number) => lastWithdrawal !== null && lastWithdrawal.seq > seq;
    const wd = () => (lastWithdrawal ? `withdrawn on ${formatTime(lastWithdrawal.at)}` : "");
    switch (b.basis) {
      case "opt_in":
      case "double_opt_in": {
        // opt_in counts express consent only: a `purchase` or `inquiry` method records implied consent (issue 12.1).
        const list = b.basis === "double_opt_in" ? given.filter((h) => h.payload["method"] === "double_opt_in") : given.filter((h) => !IMPLIED_METHODS.has(h.payload["method"] as string));
        const g = list[list.length - 1];
        if (!g) {
          const last = given[given.length - 1];
          if (b.basis === "opt_in" && last) return { ok: false, reason: `no express consent was given: \`${String(last.payload["method"])}\` on ${formatTime(last.at)} is implied consent` };
          return { ok: false, reason: b.basis === "double_opt_in" ? (given.length ? "consent was given but not confirmed by double opt-in" : "no double opt-in consent was given") : "no consent was given" };
        }
        if (withdrawnAfter(g.seq)) return { ok: false, reason: `consent given on ${formatTime(g.at)} was ${wd()}` };
        if (b.expires !== null && this.now > g.at + b.expires) return { ok: false, reason: `consent given on ${formatTime(g.at)} expired on ${formatTime(g.at + b.expires)}` };
        return { ok: true, reason: `consent given on ${formatTime(g.at)}${b.expires !== null ? `, valid until ${formatTime(g.at + b.expires)}` : ""}` };
      }
      case "opt_out": {
        if (lastWithdrawal && withdrawnAfter(lastGiven ? lastGiven.seq : -1)) return { ok: false, reason: `opted out on ${formatTime(lastWithdrawal.at)}` };
        return { ok: true, reason: "not opted out" };
      }
      case "implied": {
        const anchor = b.anchor ?? "";
        const d = b.impliedFor ?? 0;
        let anchors: readonly HistoryItem[];
        if (this.rules.events.has(anchor) && !this.rules.events.get(anchor)!.builtin) anchors = this.history(anchor);
        else anchors = given.filter((h) => h.payload["method"] === anchor);
        const a = anchors[anchors.length - 1];
        if (!a) return { ok: false, reason: `no \`${anchor}\` happened` };
        if (lastWithdrawal && withdrawnAfter(lastGiven ? lastGiven.seq : -1)) return { ok: false, reason: `implied consent was cancelled: opted out on ${formatTime(lastWithdrawal.at)}` };
        if (this.now > a.at + d) return { ok: false, reason: `implied consent from \`${anchor}\` on ${formatTime(a.at)} ended on ${formatTime(a.at + d)}` };
        return { ok: true, reason: `implied by \`${anchor}\` on ${formatTime(a.at)}, valid until ${formatTime(a.at + d)}` };
      }
    }
  }
}

/** Emails are stored lowercase (compared case-insensitively). */
export function normalize(f: FieldInfo | undefined, v: Value): Value {
  if (f?.type === "email" && typeof v === "string") return v.toLowerCase();
  return v;
}

export function formatDurationShort(minutes: number): string {
  if (minutes % 1440 === 0) return plural(minutes / 1440, "day");
  if (minutes % 60 === 0) return plural(minutes / 60, "hour");
  return plural(minutes, "minute");
}
