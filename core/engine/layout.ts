/**
 * The layout of one lead's state (docs/language.md §6 "The value of a score", §6 "Rules", §13):
 * which numbers a simulation keeps per lead and where, and the lookups compiled once per
 * `CompiledRules` so that an event touches only the rules that listen to it.
 *
 * A simulation's numbers are one block of a `Float64Array` shared by many simulations
 * (`allocBlock`), laid out by `rulesIndex`, what most events touch first:
 *
 * | offset                         | what |
 * |---|---|
 * | `scoreOffset(s) + SCORE_SCORED`   | 1 once score `s` is scored, else 0 |
 * | `scoreOffset(s) + SCORE_ATTRIBUTE`| its attribute part |
 * | `scoreOffset(s) + SCORE_BEHAVIOUR`| its behaviour part |
 * | `RulesIndex.dueAt`             | the due time of the earliest pending timer (`Infinity`: none) |
 * | `EventRuleRef.limitAt`         | `limit N [per D]` (N ≤ `RING_MAX`): a cursor, then the last N firing times |
 * | `EventRuleRef.matchAt`         | payload-only `at least K times within D` (K ≤ `RING_MAX`): a cursor, then the last K matching times |
 * | `EventRuleRef.matchedAt`       | payload-only `at least K times` without `within`: the match count |
 * | `AttributeRuleRef.flagAt`      | 1 while the attribute rule is true, else 0 |
 */
import { scoreOrder } from "./compiled.js";
import type { EventInfo, CompiledRules, CScore, CEventRule, CInactivityRule, CAttributeRule, CGrade, CRoute, CWorkflow } from "./compiled.js";
import { addRead } from "./expr.js";
import { CONSENT_EVENTS } from "../vocabulary.js";
import { ReadTracker } from "./stageDeps.js";
import { intern } from "./intern.js";

/** The numbers of one score, at `scoreOffset(s)`: its scored flag, attribute part and behaviour part. */
export const SCORE_SCORED = 0;
export const SCORE_ATTRIBUTE = 1;
export const SCORE_BEHAVIOUR = 2;
const SCORE_WORDS = 3;

/** Where score slot `s`'s numbers start in a simulation's block. */
export function scoreOffset(s: number): number {
  return s * SCORE_WORDS;
}

/** A ring (see `EventRuleRef.limitAt`, `matchAt`): the cursor (the position of the oldest time), then the times. */
export const RING_CURSOR = 0;
export const RING_TIMES = 1;
/** Rings longer than this are kept out of the block, in `EventRuleState`. */
export const RING_MAX = 16;

/** A score rule by position: the score (in `RulesIndex.scores` order) and the rule within it. */
export interface RuleRef<R> {
  s: number;
  r: R;
  i: number;
}

export interface EventRuleRef extends RuleRef<CEventRule> {
  /** Slot of this rule's `EventRuleState` in a simulation. */
  k: number;
  /**
   * For `at least K times`: the filter reads only the payload (or there is none), so
   * whether a past event matched never changes and the rule counts its own matches
   * instead of walking the event history.
   */
  ownCount: boolean;
  /**
   * Offset of this rule's `limit N [per D]` ring in the block: a cursor, then the last N firing times
   * (-1: no limit, or N above `RING_MAX` and the ring is `EventRuleState.firings`).
   */
  limitAt: number;
  /**
   * For a payload-only `at least K times within D` with K ≤ `RING_MAX`: a cursor, then the last K
   * matching times (used when the trace is off: the rule needs only whether K of them are in the
   * window). -1: none.
   */
  matchAt: number;
  /** The match count of a payload-only `at least K times` without `within` (-1: none). */
  matchedAt: number;
}

export interface AttributeRuleRef extends RuleRef<CAttributeRule> {
  /** Offset of the rule's on/off flag (0 or 1) in the block. */
  flagAt: number;
}

/**
 * What one event rule remembers for one lead when it does not fit in the block: for a
 * `limit N [per D]` with N above `RING_MAX` the last N firing times (a ring, filled up to N),
 * for `at least K times within D` with a filter on the payload alone the times of matching
 * events in the last D minutes (the trace shows that count).
 */
export interface EventRuleState {
  /** The last N firing times (at most N); once N are there, `firingsCursor` is the oldest's position. */
  firings: number[];
  firingsCursor: number;
  /** Times of matching events not older than the `within` window, oldest first. */
  matches: number[];
}

/**
 * Lookups precompiled once per `CompiledRules` (shared by every simulation of
 * those rules), so an event only touches the rules that listen to it.
 */
export interface RulesIndex {
  /** Score definitions in the order a simulation keeps them (one per name, see `scoreOrder`). */
  scores: CScore[];
  /** Score name → slot in `scores`. */
  scoreSlot: Map<string, number>;
  /** The initial numbers of a simulation (copied into its block). */
  initial: Float64Array;
  /** Offset of the earliest pending timer's due time in a simulation's block (right after the scores). */
  dueAt: number;
  eventRules: Map<string, EventRuleRef[]>;
  /** Number of event rules (`EventRuleRef.k` slots). */
  eventRuleCount: number;
  inactivityByEvent: Map<string, RuleRef<CInactivityRule>[]>;
  inactivity: RuleRef<CInactivityRule>[];
  /** Per score (same order): its attribute rules. */
  attributes: AttributeRuleRef[][];
  /** Attribute rules whose condition reads more than lead fields, in score then rule order. */
  dynamicAttributes: AttributeRuleRef[];
  /** Where simulations take their block from: consecutive blocks of one shared buffer (see `allocBlock`). */
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
  /** Evaluates the stage conditions of these rules' simulations and records what they read (`stageDeps.ts`). */
  stageReads: ReadTracker;
}

export interface EventPlan {
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

const ringSize = (n: number) => (Number.isInteger(n) && n > 0 && n <= RING_MAX ? n : 0);

const indexes = new WeakMap<CompiledRules, RulesIndex>();

/** The lookups and block layout of `rules` (computed once per `CompiledRules` object). */
export function rulesIndex(rules: CompiledRules): RulesIndex {
  let ix = indexes.get(rules);
  if (ix) return ix;
  // One per name at its first position, with its last definition (the slots compiled conditions read).
  const byName = new Map<string, CScore>();
  for (const s of rules.scores) byName.set(s.name, s);
  const scores = scoreOrder(rules.scores).map((n) => byName.get(n)!);
  // The block: the scores' numbers, the earliest pending timer's due time, the event rules' counters
  // and rings, then the attribute rules' flags (what most events touch comes first).
  let size = scoreOffset(scores.length);
  const dueAt = size++;
  /** Rings to fill at the start: [offset of the first time, length, the "no time" value]. */
  const rings: [number, number, number][] = [];
  const slot = (n: number) => ((size += n), size - n);
  const ring = (n: number, empty: number) => {
    const at = slot(RING_TIMES + n);
    rings.push([at + RING_TIMES, n, empty]);
    return at;
  };
  const push = <K, V>(m: Map<K, V[]>, k: K, v: V) => {
    const l = m.get(k);
    if (l) l.push(v);
    else m.set(k, [v]);
  };
  const index: RulesIndex = { scores, scoreSlot: new Map(scores.map((s, i) => [s.name, i])), initial: new Float64Array(0), dueAt, eventRules: new Map(), eventRuleCount: 0, inactivityByEvent: new Map(), inactivity: [], attributes: [], dynamicAttributes: [], slab: new Float64Array(0), slabUsed: 0, routesByEvent: new Map(), workflowsByEvent: new Map(), routesByStage: new Map(), workflowsByStage: new Map(), grades: new Map(), plans: new Map(), planById: [], stageReads: new ReadTracker() };
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
        const limitRing = r.limit ? ringSize(r.limit.count) : 0;
        const matchRing = ownCount && r.within !== null ? ringSize(r.times!) : 0;
        push(index.eventRules, r.event, {
          s,
          r,
          i,
          k: index.eventRuleCount++,
          ownCount,
          // A firing time is never NaN, and NaN is never within a period: an empty place of the ring.
          limitAt: limitRing ? ring(limitRing, NaN) : -1,
          matchAt: matchRing ? ring(matchRing, -Infinity) : -1,
          matchedAt: ownCount && r.within === null ? slot(1) : -1,
        });
      } else if (r.kind === "attribute") {
        const ref = { s, r, i, flagAt: -1 };
        attrs.push(ref);
        if (!r.when.fieldsOnly) index.dynamicAttributes.push(ref);
      } else {
        index.inactivity.push({ s, r, i });
        for (const e of new Set(r.events)) push(index.inactivityByEvent, e, { s, r, i });
        // The trace of an inactivity rule shows when each of its events last happened.
        for (const e of r.events) addRead(reads, e, 0);
      }
    });
    index.attributes.push(attrs);
  });
  for (const route of rules.routes) {
    if (route.trigger.kind === "event") push(index.routesByEvent, route.trigger.event, route);
    else if (route.trigger.kind === "stage") push(index.routesByStage, route.trigger.stage, route);
  }
  for (const wf of rules.workflows) {
    if (wf.trigger.kind === "event") push(index.workflowsByEvent, wf.trigger.event, wf);
    else if (wf.trigger.kind === "stage") push(index.workflowsByStage, wf.trigger.stage, wf);
  }
  for (const g of rules.grades) if (!index.grades.has(g.name)) index.grades.set(g.name, g);
  // Consent decisions read the whole history of consent events and of implied-consent anchors.
  for (const e of CONSENT_EVENTS) addRead(reads, e, Infinity);
  for (const c of rules.consents.values()) for (const cl of c.clauses) for (const b of cl.bases) if (b.anchor !== null) addRead(reads, b.anchor, Infinity);
  for (const attrs of index.attributes) for (const ref of attrs) ref.flagAt = slot(1);
  const stageReads = new Set<string>();
  // (Conditions not made by `compile` may not say what they read: then every event counts.)
  let stageReadsAll = false;
  for (const st of rules.stages)
    if (st.when) {
      if (st.when.reads) for (const e of st.when.reads.keys()) stageReads.add(e);
      else stageReadsAll = true;
    }
  const names = new Set<string>([...rules.events.keys(), ...index.eventRules.keys(), ...index.inactivityByEvent.keys(), ...index.routesByEvent.keys(), ...index.workflowsByEvent.keys(), ...reads.keys()]);
  for (const written of names) {
    // The plan's name is what `Simulation.event` sets as the current event, compared with names of the caller's.
    const name = intern(written);
    const info = rules.events.get(name);
    const emailFields = info ? [...info.fields].filter(([, f]) => f.type === "email").map(([k]) => k) : [];
    const keep = keepAll ? Infinity : (reads.get(name) ?? -1);
    const plan: EventPlan = { id: index.plans.size, name, info, emailFields, keep, stageRead: stageReadsAll || stageReads.has(name), rules: index.eventRules.get(name), rearm: index.inactivityByEvent.get(name), routes: index.routesByEvent.get(name), workflows: index.workflowsByEvent.get(name) };
    index.plans.set(name, plan);
    index.planById.push(plan);
  }
  index.initial = new Float64Array(size);
  for (const [at, n, empty] of rings) index.initial.fill(empty, at, at + n);
  // No timer pending.
  index.initial[dueAt] = Infinity;
  indexes.set(rules, index);
  return index;
}

/** Blocks of this many simulations' numbers share one buffer: one allocation instead of one per lead, and neighbours in memory. */
const SLAB_BLOCKS = 256;

/** A fresh copy of the initial numbers in the rules' current slab; returns its offset (the slab is `ix.slab`). */
export function allocBlock(ix: RulesIndex): number {
  const size = ix.initial.length;
  if (ix.slabUsed + size > ix.slab.length) {
    ix.slab = new Float64Array(size * SLAB_BLOCKS);
    ix.slabUsed = 0;
  }
  const at = ix.slabUsed;
  ix.slabUsed += size;
  ix.slab.set(ix.initial, at);
  return at;
}
