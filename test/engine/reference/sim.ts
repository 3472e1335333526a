/**
 * The simulation of one lead: a state machine fed with timed inputs (events,
 * field updates, expectation checks). Used by `runJourney` and by bulk replay.
 * Deterministic: no clock, no randomness except the seeded round robin start.
 */
import type { EventInfo, CompiledRules, CScore, CEventRule, CInactivityRule, CAttributeRule, CGrade, CStage, CTarget, CEscalation, CRoute, CWorkflow, CBasis, CClause, FieldInfo } from "./compile.js";
import { bindings, truth, type EvalCtx, type HistoryItem } from "./expr.js";
import {
  formatTime,
  type ConsentDecision,
  type FinalState,
  type SourceRef,
  type TargetValue,
  type TimerKind,
  type TraceEntry,
  type Value,
} from "../../../core/engine/trace.js";

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
}

interface ScoreState {
  def: CScore;
  scored: boolean;
  attr: number;
  beh: number;
  active: boolean[];
  /** `fieldsVersion` when each attribute rule was last evaluated (-1: never). */
  seenFields: number[];
  firings: number[][];
  inactivityTimers: (Timer | null)[];
  decayTimer: Timer | null;
}

/** A score rule by position: the score (in `Simulation.scoreList` order) and the rule within it. */
interface RuleRef<R> {
  s: number;
  r: R;
  i: number;
}

/**
 * Lookups precompiled once per `CompiledRules` (shared by every simulation of
 * those rules), so an event only touches the rules that listen to it.
 */
interface RulesIndex {
  /** Score definitions in the order a simulation keeps them (one per name). */
  scores: CScore[];
  eventRules: Map<string, RuleRef<CEventRule>[]>;
  inactivityByEvent: Map<string, RuleRef<CInactivityRule>[]>;
  inactivity: RuleRef<CInactivityRule>[];
  /** Per score (same order): its attribute rules. */
  attributes: RuleRef<CAttributeRule>[][];
  routesByEvent: Map<string, CRoute[]>;
  workflowsByEvent: Map<string, CWorkflow[]>;
  routesByStage: Map<number, CRoute[]>;
  workflowsByStage: Map<number, CWorkflow[]>;
  grades: Map<string, CGrade>;
  /** Everything an event name leads to, found with one lookup per event. */
  plans: Map<string, EventPlan>;
}

interface EventPlan {
  /** Numeric id: the slot of this event's history in a simulation. */
  id: number;
  info: EventInfo | undefined;
  /** Payload fields of type email (their text values are stored lowercase). */
  emailFields: string[];
  rules: RuleRef<CEventRule>[] | undefined;
  rearm: RuleRef<CInactivityRule>[] | undefined;
  routes: CRoute[] | undefined;
  workflows: CWorkflow[] | undefined;
}

const indexes = new WeakMap<CompiledRules, RulesIndex>();

function indexOf(rules: CompiledRules): RulesIndex {
  let ix = indexes.get(rules);
  if (ix) return ix;
  // Same order and de-duplication as a Map keyed by score name (first position, last definition).
  const byName = new Map<string, CScore>();
  for (const s of rules.scores) byName.set(s.name, s);
  const scores = [...byName.values()];
  const push = <K, V>(m: Map<K, V[]>, k: K, v: V) => {
    const l = m.get(k);
    if (l) l.push(v);
    else m.set(k, [v]);
  };
  ix = { scores, eventRules: new Map(), inactivityByEvent: new Map(), inactivity: [], attributes: [], routesByEvent: new Map(), workflowsByEvent: new Map(), routesByStage: new Map(), workflowsByStage: new Map(), grades: new Map(), plans: new Map() };
  scores.forEach((def, s) => {
    const attrs: RuleRef<CAttributeRule>[] = [];
    def.rules.forEach((r, i) => {
      if (r.kind === "event") push(ix!.eventRules, r.event, { s, r, i });
      else if (r.kind === "attribute") attrs.push({ s, r, i });
      else {
        ix!.inactivity.push({ s, r, i });
        for (const e of new Set(r.events)) push(ix!.inactivityByEvent, e, { s, r, i });
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
  const names = new Set<string>([...rules.events.keys(), ...ix.eventRules.keys(), ...ix.inactivityByEvent.keys(), ...ix.routesByEvent.keys(), ...ix.workflowsByEvent.keys()]);
  for (const name of names) {
    const info = rules.events.get(name);
    const emailFields = info ? [...info.fields].filter(([, f]) => f.type === "email").map(([k]) => k) : [];
    ix.plans.set(name, { id: ix.plans.size, info, emailFields, rules: ix.eventRules.get(name), rearm: ix.inactivityByEvent.get(name), routes: ix.routesByEvent.get(name), workflows: ix.workflowsByEvent.get(name) });
  }
  indexes.set(rules, ix);
  return ix;
}

const NO_VALUES: Record<string, Value> = Object.freeze({}) as Record<string, Value>;

interface TeamState {
  current: number[];
  daily: Map<string, number>;
}

/** `consent_given` methods that record implied consent (CASL): they anchor `implied`, never count as `opt_in`. */
const IMPLIED_METHODS: ReadonlySet<string> = new Set(["purchase", "inquiry"]);

/** Round-robin state shared by the routes of one simulation. */
export class RoutingPool {
  private teams = new Map<string, TeamState>();
  constructor(private readonly seed: number) {}

  /** Smooth weighted round robin; members at their cap are skipped. Returns null when all are at cap. */
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

export interface SimOptions {
  seed?: number;
  /** Routing state to share with other simulations (default: a fresh pool from the seed). */
  pool?: RoutingPool;
  /** Record the trace (default true; bulk replay turns it off). */
  trace?: boolean;
}

export class Simulation implements EvalCtx {
  now = 0;
  /** The lead's fields. Change them only through `start`/`update`: attribute rules on fields are re-evaluated only after those. */
  readonly fields = new Map<string, Value>();
  stageIndex = -1;
  stageName: string | null = null;
  current: string | null = null;
  payload: Record<string, Value> | null = null;
  readonly trace: TraceEntry[] = [];
  readonly seed: number;
  readonly tracing: boolean;

  private seq = 0;
  /** Pending timers: a binary min-heap ordered by due time, then scheduling order. */
  private timers: Timer[] = [];
  private hist = new Map<string, HistoryItem[]>();
  /** The same history lists by event id (`EventPlan.id`). */
  private histById: (HistoryItem[] | undefined)[] = [];
  private scores = new Map<string, ScoreState>();
  private readonly scoreList: ScoreState[] = [];
  private readonly ix: RulesIndex;
  /** Bumped by every field change; attribute rules that read only fields skip re-evaluation when it has not moved. */
  private fieldsVersion = 0;
  private stageEnteredAt = 0;
  private routesDone = new Set<string>();
  private pool: RoutingPool;
  private escalationTimers: { timer: Timer; target: TargetValue }[] = [];
  private runCounter = 0;
  erasedAt: number | null = null;
  readonly routing: FinalState["routing"] = [];
  /** The lead's current owner, team or queue: the latest routing decision or escalation. */
  assignment: TargetValue | null = null;
  /** What set the assignment: `route.rule` or `escalation of route`. */
  assignedBy: string | null = null;
  readonly escalated: TargetValue[] = [];
  readonly sent: FinalState["sent"] = [];
  readonly blocked: FinalState["blocked"] = [];

  constructor(readonly rules: CompiledRules, opts: SimOptions = {}) {
    this.seed = opts.seed ?? 0;
    this.tracing = opts.trace ?? true;
    this.pool = opts.pool ?? new RoutingPool(this.seed);
    this.ix = indexOf(rules);
    for (const s of this.ix.scores) {
      const st: ScoreState = {
        def: s,
        scored: false,
        attr: 0,
        beh: 0,
        active: s.rules.map(() => false),
        seenFields: s.rules.map(() => -1),
        firings: s.rules.map(() => []),
        inactivityTimers: s.rules.map(() => null),
        decayTimer: null,
      };
      this.scores.set(s.name, st);
      this.scoreList.push(st);
    }
  }

  // ------------------------------------------------------------ EvalCtx

  history(event: string): readonly HistoryItem[] {
    return this.hist.get(event) ?? [];
  }

  score(name: string): number | null {
    const s = this.scores.get(name);
    return s ? this.valueOf(s) : null;
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
    for (const [k, v] of Object.entries(lead)) this.setField(k, v);
    if (this.tracing) this.trace.push({ kind: "start", at: 0, time: formatTime(0), source, lead: this.leadSnapshot(), seed: this.seed });
    for (const x of this.ix.inactivity) this.armInactivity(this.scoreList[x.s]!, x.r, x.i, 0);
    this.settleScores();
    const init = this.rules.stages[this.rules.initialStage];
    if (init) this.enterStage(init.index, "initial", {}, init.source);
    this.settle(null);
  }

  /** Processes every timer due at or before `t`, then moves the clock to `t` (never backwards). */
  advanceTo(t: number): void {
    for (;;) {
      const next = this.timers[0];
      if (!next || next.due > t) break;
      this.popTimer();
      if (next.cancelled) continue;
      this.now = Math.max(this.now, next.due);
      if (this.tracing && (!next.worthTracing || next.worthTracing())) this.trace.push({ kind: "timer", at: this.now, time: formatTime(this.now), source: next.source, timer: next.kind, due: next.due, owner: next.owner });
      next.fire();
      this.settle(null);
    }
    if (t > this.now) this.now = t;
  }

  event(t: number, name: string, payload: Record<string, Value>, source: SourceRef): void {
    this.advanceTo(t);
    const plan = this.ix.plans.get(name);
    const p: Record<string, Value> = {};
    for (const k of Object.keys(payload)) p[k] = payload[k]!;
    if (plan) for (const k of plan.emailFields) if (Object.prototype.hasOwnProperty.call(payload, k)) p[k] = normalize(plan.info!.fields.get(k), payload[k]!);
    if (this.tracing) this.trace.push({ kind: "event", at: this.now, time: formatTime(this.now), source, name, values: p });
    const item: HistoryItem = { at: this.now, seq: this.seq++, payload: p };
    let list = plan ? this.histById[plan.id] : this.hist.get(name);
    if (!list) {
      this.hist.set(name, (list = []));
      if (plan) this.histById[plan.id] = list;
    }
    list.push(item);
    this.current = name;
    if (name === "erasure_requested" && this.erasedAt === null) this.erasedAt = this.now;
    if (name === "sales_activity") this.cancelEscalations(source);

    // Event rules: decide on the state before this event's score changes, then apply.
    const listeners = plan?.rules;
    if (listeners) {
      let decisions: { s: ScoreState; r: CEventRule; i: number; values: Record<string, Value> }[] | null = null;
      for (const { s: si, r, i } of listeners) {
        const s = this.scoreList[si]!;
        this.payload = p;
        if (r.where && truth(r.where.ev(this)) !== true) {
          this.payload = null;
          continue;
        }
        const values = this.tracing ? { ...bindings(r.where ?? undefined, this) } : NO_VALUES;
        this.payload = null;
        if (r.times !== null) {
          // History is in time order: walk back from the newest until the window starts.
          let n = 0;
          const from = r.within !== null ? this.now - r.within : -Infinity;
          for (let k = list.length - 1; k >= 0; k--) {
            const h = list[k]!;
            if (h.at < from) break;
            this.payload = h.payload;
            if (!r.where || truth(r.where.ev(this)) === true) n++;
            this.payload = null;
          }
          if (this.tracing) values[`count(${name})`] = n;
          if (n < r.times) continue;
        }
        if (r.when) {
          if (truth(r.when.ev(this)) !== true) continue;
          if (this.tracing) Object.assign(values, bindings(r.when, this));
        }
        (decisions ??= []).push({ s, r, i, values });
      }
      if (decisions) for (const d of decisions) this.fireEventRule(d.s, d.r, d.i, d.values);
    }
    const rearm = plan?.rearm;
    if (rearm) for (const x of rearm) this.armInactivity(this.scoreList[x.s]!, x.r, x.i, this.now);
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
    const t: Timer = { due, seq: this.seq++, kind, owner, source, cancelled: false, fire, worthTracing: undefined };
    // Sift up in the heap.
    const h = this.timers;
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
    return t;
  }

  /** Removes the earliest timer (the heap's root). */
  private popTimer(): void {
    const h = this.timers;
    const last = h.pop()!;
    const n = h.length;
    if (n === 0) return;
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
  }

  private valueOf(s: ScoreState): number | null {
    if (!s.scored) return null;
    return this.clamp(s.def, s.attr + s.beh);
  }

  private clamp(def: CScore, v: number): number {
    if (def.cap !== null && v > def.cap) v = def.cap;
    if (def.floor !== null && v < def.floor) v = def.floor;
    return v;
  }

  /** Adds `delta` to the behaviour part, limited so the total stays within [floor, cap]. Returns the applied change. */
  private applyBehaviour(s: ScoreState, delta: number): number {
    const d = s.def;
    let nb = s.beh + delta;
    if (delta > 0 && d.cap !== null) nb = Math.max(s.beh, Math.min(nb, d.cap - s.attr));
    if (delta < 0 && d.floor !== null) nb = Math.min(s.beh, Math.max(nb, d.floor - s.attr));
    const applied = nb - s.beh;
    s.beh = nb;
    return applied;
  }

  private markScored(s: ScoreState): void {
    if (s.scored) return;
    s.scored = true;
    const dec = s.def.decay;
    if (dec) {
      const start = this.now;
      let k = 1;
      const tick = () => {
        const before = this.valueOf(s);
        const nb = Math.trunc(s.beh * (1 - dec.percent / 100));
        const applied = nb - s.beh;
        s.beh = nb;
        if (applied !== 0) {
          if (this.tracing) this.trace.push({ kind: "score", at: this.now, time: formatTime(this.now), source: s.def.source, score: s.def.name, rule: "decay", cause: "decay", points: applied, applied, before, after: this.valueOf(s), values: { percent: dec.percent } });
        }
        k++;
        s.decayTimer = this.schedule(start + k * dec.every, "decay", s.def.name, s.def.source, tick);
        s.decayTimer.worthTracing = idle;
      };
      const idle = () => Math.trunc(s.beh * (1 - dec.percent / 100)) !== s.beh;
      s.decayTimer = this.schedule(start + dec.every, "decay", s.def.name, s.def.source, tick);
      s.decayTimer.worthTracing = idle;
    }
  }

  private fireEventRule(s: ScoreState, r: CEventRule, i: number, values: Record<string, Value>): void {
    const firings = s.firings[i]!;
    if (r.limit) {
      const per = r.limit.per;
      const n = per === null ? firings.length : firings.filter((f) => f >= this.now - per).length;
      if (n >= r.limit.count) {
        if (this.tracing) this.trace.push({ kind: "suppressed", at: this.now, time: formatTime(this.now), source: r.source, score: s.def.name, rule: r.name, reason: "limit", detail: r.limit!.text, points: r.points });
        return;
      }
    }
    firings.push(this.now);
    const before = this.valueOf(s);
    this.markScored(s);
    const applied = this.applyBehaviour(s, r.points);
    const after = this.valueOf(s);
    if (this.tracing) this.trace.push({ kind: "score", at: this.now, time: formatTime(this.now), source: r.source, score: s.def.name, rule: r.name, cause: "event", points: r.points, applied, before, after, values });
    if (r.within !== null && r.times === null && applied !== 0) {
      this.schedule(this.now + r.within + 1, "expiry", `${s.def.name}.${r.name}`, r.source, () => {
        const remove = applied > 0 ? Math.min(applied, Math.max(s.beh, 0)) : Math.max(applied, Math.min(s.beh, 0));
        const b = this.valueOf(s);
        s.beh -= remove;
        const a = this.valueOf(s);
        if (this.tracing) this.trace.push({ kind: "score", at: this.now, time: formatTime(this.now), source: r.source, score: s.def.name, rule: `expiry of ${r.name}`, cause: "expiry", points: -applied, applied: -remove, before: b, after: a, values: { fired: formatTime(this.now - r.within! - 1) } });
      });
    }
  }

  private armInactivity(s: ScoreState, r: CInactivityRule, i: number, from: number): void {
    const old = s.inactivityTimers[i];
    if (old) old.cancelled = true;
    s.inactivityTimers[i] = this.schedule(from + r.after, "inactivity", `${s.def.name}.${r.name}`, r.source, () => {
      s.inactivityTimers[i] = null;
      const before = this.valueOf(s);
      this.markScored(s);
      const applied = this.applyBehaviour(s, r.points);
      const after = this.valueOf(s);
      const last: Record<string, Value> = {};
      for (const e of r.events) {
        const h = this.history(e);
        last[e] = h.length ? formatTime(h[h.length - 1]!.at) : null;
      }
      if (this.tracing) this.trace.push({ kind: "score", at: this.now, time: formatTime(this.now), source: r.source, score: s.def.name, rule: r.name, cause: "inactivity", points: r.points, applied, before, after, values: last });
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
    const attributes = this.ix.attributes;
    for (let si = 0; si < this.scoreList.length; si++) {
      const s = this.scoreList[si]!;
      for (const { r, i } of attributes[si]!) {
        // A condition on lead fields only cannot change while the fields have not.
        if (r.when.fieldsOnly) {
          if (s.seenFields[i] === version) continue;
          s.seenFields[i] = version;
        }
        const on = truth(r.when.ev(this)) === true;
        if (on === s.active[i]) continue;
        const before = this.valueOf(s);
        s.active[i] = on;
        s.attr += on ? r.points : -r.points;
        if (on) this.markScored(s);
        const after = this.valueOf(s);
        if (this.tracing) this.trace.push({ kind: "score", at: this.now, time: formatTime(this.now), source: r.source, score: s.def.name, rule: r.name, cause: on ? "attribute-on" : "attribute-off", points: on ? r.points : -r.points, applied: on ? r.points : -r.points, before, after, values: bindings(r.when, this) });
      }
    }
  }

  private settleStages(): void {
    const stages = this.rules.stages;
    for (let guard = 0; guard <= stages.length; guard++) {
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
        if (truth(st.when.ev(this)) === true) {
          to = st.index;
          how = st.detour ? "detour" : "forward";
          cond = st.when;
          source = st.source;
          break;
        }
      }
      if (fromDetour) {
        for (const re of this.rules.reenters) {
          if (re.from !== this.stageIndex || this.now - this.stageEnteredAt < re.after) continue;
          const st = stages[re.stage]!;
          if (st.detour || !st.when || re.stage <= to) continue;
          if (truth(st.when.ev(this)) === true) {
            to = re.stage;
            how = "reenter";
            cond = st.when;
            source = re.source;
          }
        }
      }
      if (to < 0) break;
      this.enterStage(to, how, this.tracing && cond ? bindings(cond, this) : NO_VALUES, source!);
    }
  }

  /** Enters a stage; routes and workflows `on stage` it run (stages skipped over by a jump do not trigger). */
  private enterStage(to: number, how: "initial" | "forward" | "detour" | "reenter", values: Record<string, Value>, source: SourceRef): void {
    const from = this.stageName;
    const st = this.rules.stages[to]!;
    this.stageIndex = to;
    this.stageName = st.name;
    this.stageEnteredAt = this.now;
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
    const pick = this.pool.pick(team, this.now);
    if (pick.member) return { target: { kind: "team", name: team.name, member: pick.member }, reason: pick.skipped.length ? `round robin (skipped at cap: ${pick.skipped.join(", ")})` : "round robin" };
    const fb = route.fallback;
    if (fb && !(fb.target.kind === "team" && fb.target.name === team.name)) {
      const r = this.resolveTarget({ ...route, fallback: null }, fb.target);
      return { target: r.target, reason: `every member of team \`${team.name}\` is at the cap; using the route's otherwise` };
    }
    return { target: null, reason: `every member of team \`${team.name}\` is at the cap and the route has no other target` };
  }

  private runRoute(route: CRoute, why: string): void {
    if (this.routesDone.has(route.name)) {
      this.note(`route \`${route.name}\` was triggered again (${why}); a route routes a lead only once`, route.source);
      return;
    }
    this.routesDone.add(route.name);
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
      this.escalationTimers.push({ timer, target: tv });
    }
  }

  private cancelEscalations(source: SourceRef): void {
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
  if (minutes % 1440 === 0) return `${minutes / 1440} day${minutes === 1440 ? "" : "s"}`;
  if (minutes % 60 === 0) return `${minutes / 60} hour${minutes === 60 ? "" : "s"}`;
  return `${minutes} minute${minutes === 1 ? "" : "s"}`;
}
