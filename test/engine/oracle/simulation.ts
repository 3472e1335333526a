/**
 * One lead through the rules: the state, the timers (docs/language.md §13 "Timers") and the
 * evaluation order (§14), written as the numbered steps of §14. The parts live beside it:
 * scores.ts (§6), stages.ts (§7), routing.ts (§8), consent.ts (§9), workflows.ts (§10).
 */
import type * as A from "../../../core/syntax/ast.js";
import { typeName, type Model } from "./model.js";
import { gradeOf, type HistoryEvent, type Scope } from "./conditions.js";
import { attributeRules, eventRules, newScoreState, rearmInactivity, armInactivity, valueOf, type ScoreState } from "./scores.js";
import { enterInitial, evaluateStages } from "./stages.js";
import { routesOnEvent, cancelEscalations, type Target, type TeamState } from "./routing.js";
import { workflowsOnEvent } from "./workflows.js";
import type { Obs, ObsFinal } from "./observed.js";

interface Timer {
  due: number;
  seq: number;
  /** false once cancelled (a re-armed inactivity rule, a cancelled escalation). */
  live: boolean;
  /** Runs the timer's effect; returns whether steps 5-6 follow (every timer but a no-op decay tick). */
  fire: () => void;
}

export class OracleSim {
  now = 0;
  fields: Record<string, unknown> = {};
  history: HistoryEvent[] = [];
  current: string | null = null;
  /** Scores as they were before the event being processed (§14 step 4), while step 4 runs. */
  frozen: Map<string, number | null> | null = null;
  scores = new Map<string, ScoreState>();
  stage = -1;
  stageEnteredAt = 0;
  routesRun = new Set<string>();
  routing: { route: string; rule: string | null; target: Target | null }[] = [];
  assignment: Target | null = null;
  assignedBy: string | null = null;
  escalated: Target[] = [];
  pendingEscalations: { route: string; target: Target; due: number; timer: Timer }[] = [];
  teams = new Map<string, TeamState>();
  runCount = 0;
  sent: { action: string; args: unknown[]; at: number }[] = [];
  blocked: { action: string; args: unknown[]; at: number; purpose: string | null; clause: string | null }[] = [];
  trace: Obs[] = [];
  /** In a journey with several leads (§11): this lead's name, on each of its trace entries. */
  lead: string | undefined = undefined;
  private timers: Timer[] = [];
  private seq = 0;

  constructor(
    readonly model: Model,
    readonly seed: number,
  ) {
    for (const s of model.scores) if (s.name) this.scores.set(s.name.text, newScoreState(s));
  }

  push(e: Record<string, unknown> & { kind: string }): void {
    this.trace.push({ ...e, at: this.now, ...(this.lead !== undefined ? { lead: this.lead } : {}) } as Obs);
  }

  /** When this lead's next timer is due (Infinity: none), for the clock of a journey with several leads. */
  nextDue(): number {
    let d = Infinity;
    for (const x of this.timers) if (x.live && x.due < d) d = x.due;
    return d;
  }

  /** A scope for conditions written in `uri`. */
  scope(uri: string, payload?: { event: string; values: Record<string, unknown> }): Scope {
    return {
      model: this.model,
      uri,
      now: this.now,
      fields: this.fields,
      history: this.history,
      current: this.current,
      stage: this.stage,
      score: (name) => (this.frozen ? (this.frozen.get(name) ?? null) : this.scoreValue(name)),
      ...(payload ? { payload } : {}),
    };
  }

  scoreValue(name: string): number | null {
    const s = this.scores.get(name);
    return s ? valueOf(s) : null;
  }

  gradeLetter(name: string): string | null {
    const g = this.model.grades.find((x) => x.name?.text === name);
    return g ? (gradeOf(g, this.scoreValue(g.score?.text ?? ""))?.letter ?? null) : null;
  }

  schedule(due: number, fire: () => void): Timer {
    const t: Timer = { due, seq: this.seq++, live: true, fire };
    this.timers.push(t);
    return t;
  }

  /** §13: timers due at or before `t`, by due time, then in the order they were scheduled; each its own evaluation. */
  private runTimers(t: number): void {
    for (;;) {
      let next: Timer | undefined;
      for (const x of this.timers) if (x.live && x.due <= t && (!next || x.due < next.due || (x.due === next.due && x.seq < next.seq))) next = x;
      if (!next) break;
      next.live = false;
      this.now = next.due;
      this.current = null;
      next.fire();
    }
    this.timers = this.timers.filter((x) => x.live);
    this.now = t;
  }

  /** The timer entry, then steps 5-6 (§14 "For a timer"). */
  timerEntry(timer: string, due: number, owner: string): void {
    this.push({ kind: "timer", timer, due, owner });
  }

  afterTimer(): void {
    attributeRules(this);
    evaluateStages(this);
  }

  /** Lead values as stored: email fields lower-cased (§12.2). */
  private storeFields(values: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(values)) {
      const t = this.model.fieldTypes.get(k);
      out[k] = lowerEmails(t, v);
    }
    return out;
  }

  /** §14 "At the start of a journey". */
  start(lead: Record<string, unknown>): void {
    this.now = 0;
    this.fields = this.storeFields(lead);
    this.push({ kind: "start", lead: sortKeys(this.fields), seed: this.seed });
    armInactivity(this);
    attributeRules(this);
    enterInitial(this);
    evaluateStages(this);
  }

  /** §14 "For an event `E` at time `t`". */
  event(t: number, name: string, payload: Record<string, unknown>): void {
    // 1. timers due at or before t
    this.runTimers(t);
    const decl = this.model.events.get(name);
    const values: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(payload)) values[k] = lowerEmails(decl?.fields.find((f) => f.name?.text === k)?.type, v);
    this.push({ kind: "event", name, values });
    // 2. record E in the history
    this.history.push({ name, at: t, payload: values });
    this.current = name;
    // 3. consent and SLA effects (consent is read from the history when an action runs, consent.ts)
    if (name === "sales_activity") cancelEscalations(this);
    // 4. event rules against the scores before this event, then re-arm inactivity rules
    this.frozen = new Map([...this.scores.keys()].map((k) => [k, this.scoreValue(k)]));
    eventRules(this, name, values);
    this.frozen = null;
    rearmInactivity(this, name);
    // 5. attribute rules
    attributeRules(this);
    // 6. stages (routes and workflows on stage entry run inside)
    evaluateStages(this);
    // 7. routes triggered by E
    routesOnEvent(this, name, values);
    // 8. workflows triggered by E
    workflowsOnEvent(this, name, values);
    this.current = null;
  }

  /** §14 "For an update". */
  update(t: number, values: Record<string, unknown>): void {
    this.runTimers(t);
    const stored = this.storeFields(values);
    this.push({ kind: "update", name: "update", values: stored });
    for (const [k, v] of Object.entries(stored)) {
      if (v === null) delete this.fields[k];
      else this.fields[k] = v;
    }
    attributeRules(this);
    evaluateStages(this);
  }

  /** §14 "An expectation": step 1 only. */
  advanceTo(t: number): void {
    this.runTimers(t);
  }

  note(): void {
    this.push({ kind: "note" });
  }

  final(): ObsFinal {
    const scores: Record<string, number | null> = {};
    for (const s of this.model.scores) if (s.name) scores[s.name.text] = this.scoreValue(s.name.text);
    const grades: Record<string, string | null> = {};
    for (const g of this.model.grades) if (g.name) grades[g.name.text] = this.gradeLetter(g.name.text);
    return {
      at: this.now,
      stage: this.stage >= 0 ? (this.model.stages[this.stage]!.name?.text ?? null) : null,
      scores,
      grades,
      routing: this.routing.map((r) => ({ ...r })),
      assignment: this.assignment,
      assignedBy: this.assignedBy,
      escalations: [...this.escalated],
      sent: this.sent as ObsFinal["sent"],
      blocked: this.blocked as ObsFinal["blocked"],
      erased: this.history.some((h) => h.name === "erasure_requested"),
    };
  }
}

export function lowerEmails(t: A.TypeRef | undefined, v: unknown): unknown {
  if (t?.kind === "ListType" && Array.isArray(v)) return v.map((x) => lowerEmails(t.element, x));
  return typeName(t) === "email" && typeof v === "string" ? v.toLowerCase() : v;
}

function sortKeys(r: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(r).sort()) out[k] = r[k];
  return out;
}
