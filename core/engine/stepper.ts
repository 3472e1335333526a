/**
 * The journey debugger's core (docs/debugger.md): a journey run as a sequence of steps — the
 * start, each event, update and expectation, and each timer at its own time (decay, expiry,
 * inactivity, escalations, workflow waits, re-entry waits; docs/language.md §13–§14) — with the
 * state before and after each, the evaluations each contains (rule firings, stage moves,
 * routing, actions: its trace entries) and, for each evaluation, its conditions explained part
 * by part with the value of every operand at the moment the engine decided them.
 *
 * Everything is computed by the real engine: `runJourney` runs with a `SimObserver` (sim.ts) that
 * is told of each trace entry, each decided condition (`bindings`, expr.ts) and the end of each
 * evaluation of §14, and reads the simulation then; the conditions are explained with
 * `explainCondition` (explain.ts), which compiles their parts with the engine's own compiler.
 * Nothing here interprets a rule a second time.
 *
 * On top of the recording: the positions a debugger can stop at (`DebugCursor`: a step, an
 * evaluation inside it, a part of one of its conditions, the end), moves between them (next,
 * step in, step out, continue to a breakpoint), breakpoints on journey steps and on rules by line
 * or by name (`score.rule`, `route.rule`), the stack of a position and its variables. The debug
 * adapter (debug/adapter.ts) only speaks the Debug Adapter Protocol over this. Pure: no IO.
 */
import type * as A from "../syntax/ast.js";
import type { Range } from "../text/positions.js";
import { suggest } from "../text/didYouMean.js";
import type { CompiledRules } from "./compiled.js";
import type { CompiledExpr, EvalCtx } from "./expr.js";
import { explainCondition, type ConditionPart } from "./explain.js";
import { renderEntry } from "./render.js";
import { runJourney, showTarget, showValue } from "./run.js";
import type { SimObserver, Simulation } from "./sim.js";
import { formatTime, type FinalState, type JourneyResult, type SourceRef, type TargetValue, type TimerKind, type TraceEntry, type Value } from "./trace.js";

// ------------------------------------------------------------------ the recording

/** The lead's state at one moment, as the variables of the debugger show it. */
export interface DebugState {
  at: number;
  time: string;
  /** The lead's fields, by name (sorted). */
  fields: Record<string, Value>;
  scores: Record<string, number | null>;
  grades: Record<string, string | null>;
  stage: string | null;
  /** When the lead entered its stage (null: no stage). */
  stageSince: string | null;
  assignment: TargetValue | null;
  assignedBy: string | null;
  /** Each consent purpose: may a contact action requiring it reach the lead now (§9)? */
  consent: { purpose: string; allowed: boolean; clause: string | null; basis: string | null; reason: string }[];
  /** Pending timers, earliest first. */
  timers: { kind: TimerKind; owner: string; due: number; time: string; source: SourceRef }[];
  /** Each team's round robin: every member's counter and assignments per cap period (null before the team's first pick). */
  teams: { team: string; strategy: string; cap: string | null; members: { owner: string; weight: number; counter: number | null; assigned: { period: string; count: number }[] }[] }[];
  /** The expectations checked so far. */
  expectations: { text: string; pass: boolean; expected: string; actual: string; time: string; source: SourceRef }[];
  routing: FinalState["routing"];
  escalations: TargetValue[];
  sent: FinalState["sent"];
  blocked: FinalState["blocked"];
  erased: boolean;
}

/** A condition of an evaluation, explained at the moment the engine decided it. */
export interface DebugCondition {
  /** `when`, `where`, `rule emea (tried before, false)`, `unless`. */
  label: string;
  /** The file the condition is written in. */
  uri: string;
  part: ConditionPart;
}

/** One evaluation inside a step: a trace entry after the step's first (a rule firing, a stage move, a routing decision, an action…). */
export interface DebugEvaluation {
  entry: TraceEntry;
  /** What happened, in the trace's words. */
  label: string;
  /** The rule or declaration (the entry's source). */
  source: SourceRef;
  /** The name function breakpoints match: `score.rule` for a score rule's change, `route.rule` for a routing decision; null for the rest. */
  rule: string | null;
  conditions: DebugCondition[];
  /** The state just before this evaluation's effect. */
  before: DebugState;
}

export type DebugStepKind = "start" | "event" | "update" | "timer" | "expect" | "note";

/** One step of a journey: the start, an input, an expectation or a timer at its own time. */
export interface DebugStep {
  index: number;
  kind: DebugStepKind;
  /** In a journey with several leads: the lead whose step this is (null: the journey's own, or a journey of one lead). */
  leadName: string | null;
  at: number;
  time: string;
  /** `day 3 at 09:00: event demo_requested`. */
  label: string;
  /** The step's first trace entry: the journey step, or for a timer the rule or declaration it belongs to. */
  head: TraceEntry;
  source: SourceRef;
  /** The journey step this belongs to (for a timer: the step whose time moved the clock past it). */
  journeyStep: SourceRef;
  evaluations: DebugEvaluation[];
  before: DebugState;
  after: DebugState;
  /** In a journey with several leads: every lead's state after this step, in written order (empty for one lead). */
  leadStates: { name: string; state: DebugState }[];
}

export interface DebugRun {
  journey: string;
  uri: string;
  source: SourceRef;
  steps: DebugStep[];
  /** The run's result, as `runJourney` gives it (the same trace and expectations). */
  result: JourneyResult;
  /** The state before the start (no fields, nothing scored). */
  initial: DebugState;
  /** In a journey with several leads: their names, in written order (empty for one lead). */
  leads: string[];
}

export interface StepOptions {
  seed?: number;
  /** The most trace entries recorded (default 20,000): a longer run is refused with an error saying so. */
  maxEntries?: number;
}

const DEFAULT_MAX_ENTRIES = 20_000;

/** Who a compiled condition belongs to: the key of the trace entries it decides, its label, and for a route rule the rules tried before it. */
interface ConditionOwner {
  key: string;
  label: string;
  uri: string;
  before: { name: string; when: CompiledExpr }[];
}

function conditionOwners(rules: CompiledRules): Map<CompiledExpr, ConditionOwner> {
  const out = new Map<CompiledExpr, ConditionOwner>();
  const put = (ce: CompiledExpr | null, key: string, label: string, uri: string, before: ConditionOwner["before"] = []) => {
    if (ce) out.set(ce, { key, label, uri, before });
  };
  for (const s of rules.scores)
    for (const r of s.rules) {
      if (r.kind === "attribute") put(r.when, `score ${s.name}.${r.name}`, "when", r.source.uri);
      else if (r.kind === "event") {
        put(r.where, `score ${s.name}.${r.name}`, "where", r.source.uri);
        put(r.when, `score ${s.name}.${r.name}`, "when", r.source.uri);
      }
    }
  for (const st of rules.stages) put(st.when, `stage ${st.name}`, "when", st.source.uri);
  for (const route of rules.routes)
    route.rules.forEach((r, i) => put(r.when, `route ${route.name}.${r.name}`, `rule ${r.name}`, r.source.uri, route.rules.slice(0, i).map((x) => ({ name: x.name, when: x.when }))));
  for (const wf of rules.workflows)
    for (const step of wf.steps)
      if (step.kind === "do") {
        const key = `step ${sourceKey(step.source)}`;
        put(step.when, key, "when", step.source.uri);
        put(step.unless, key, "unless", step.source.uri);
      }
  return out;
}

function sourceKey(s: SourceRef): string {
  return `${s.uri}#${s.range.start.offset}`;
}

/** The key of the conditions that decided an entry (matching `conditionOwners`). */
function entryKey(e: TraceEntry): string | null {
  switch (e.kind) {
    case "score":
      return `score ${e.score}.${e.rule}`;
    case "stage":
      return `stage ${e.to}`;
    case "route":
      return e.rule && e.rule !== "otherwise" ? `route ${e.route}.${e.rule}` : null;
    case "action":
      return `step ${sourceKey(e.source)}`;
    default:
      return null;
  }
}

/** The name a function breakpoint gives for the rule behind an entry. */
function ruleName(e: TraceEntry): string | null {
  if (e.kind === "score" || e.kind === "suppressed") return e.kind === "score" && (e.cause === "decay" || e.cause === "expiry") ? null : `${e.score}.${e.rule}`;
  if (e.kind === "route") return e.rule ? `${e.route}.${e.rule}` : null;
  return null;
}

function snapshot(sim: Simulation, rules: CompiledRules, expectations: DebugState["expectations"]): DebugState {
  const fields: Record<string, Value> = {};
  for (const k of [...sim.fields.keys()].sort()) fields[k] = copyValue(sim.fields.get(k)!);
  const scores: Record<string, number | null> = {};
  for (const s of rules.scores) scores[s.name] = sim.score(s.name);
  const grades: Record<string, string | null> = {};
  for (const g of rules.grades) grades[g.name] = sim.gradeLetter(g.name);
  const consent: DebugState["consent"] = [];
  for (const purpose of [...rules.consents.keys()].sort()) {
    const a = sim.consentFor(purpose);
    consent.push({ purpose, allowed: a.allowed, clause: a.consent.clause, basis: a.consent.basis, reason: a.consent.reason });
  }
  const timers = (sim.timers ?? [])
    .filter((t) => !t.cancelled)
    .sort((a, b) => a.due - b.due || a.seq - b.seq)
    .map((t) => ({ kind: t.kind, owner: t.owner, due: t.due, time: formatTime(t.due), source: t.source }));
  const teams: DebugState["teams"] = [];
  for (const team of rules.teams.values()) {
    const st = sim.pool?.teamState(team.name);
    const active = team.members.filter((m) => m.weight > 0);
    teams.push({
      team: team.name,
      strategy: team.strategy,
      cap: team.cap ? `${team.cap.count} per ${formatSpan(team.cap.per)}` : null,
      members: team.members.map((m) => {
        const i = active.indexOf(m);
        const assigned: { period: string; count: number }[] = [];
        for (const [key, count] of st?.assigned ?? []) {
          const hash = key.lastIndexOf("#");
          if (key.slice(0, hash) !== m.owner) continue;
          const bucket = Number(key.slice(hash + 1));
          assigned.push({ period: team.cap ? `from ${formatTime(bucket * team.cap.per)}` : "all time", count });
        }
        return { owner: m.owner, weight: m.weight, counter: st && i >= 0 ? (st.counters[i] ?? null) : null, assigned };
      }),
    });
  }
  return {
    at: sim.now,
    time: formatTime(sim.now),
    fields,
    scores,
    grades,
    stage: sim.stageName,
    stageSince: sim.stageName === null ? null : formatTime(sim.stageEnteredAt),
    assignment: sim.assignment ? { ...sim.assignment } : null,
    assignedBy: sim.assignedBy,
    consent,
    timers,
    teams,
    expectations: expectations.slice(),
    routing: sim.routing.map((r) => ({ ...r })),
    escalations: sim.escalated.map((t) => ({ ...t })),
    sent: sim.sent.map((s) => ({ ...s, args: s.args.map(copyValue) })),
    blocked: sim.blocked.map((b) => ({ ...b, args: b.args.map(copyValue) })),
    erased: sim.erasedAt !== null,
  };
}

function copyValue(v: Value): Value {
  return Array.isArray(v) ? v.map(copyValue) : v;
}

function formatSpan(minutes: number): string {
  if (minutes % 1440 === 0) return minutes === 1440 ? "day" : `${minutes / 1440} days`;
  if (minutes % 60 === 0) return minutes === 60 ? "hour" : `${minutes / 60} hours`;
  return `${minutes} minutes`;
}

function emptyState(rules: CompiledRules): DebugState {
  const scores: Record<string, number | null> = {};
  for (const s of rules.scores) scores[s.name] = null;
  const grades: Record<string, string | null> = {};
  for (const g of rules.grades) grades[g.name] = null;
  return { at: 0, time: formatTime(0), fields: {}, scores, grades, stage: null, stageSince: null, assignment: null, assignedBy: null, consent: [], timers: [], teams: [], expectations: [], routing: [], escalations: [], sent: [], blocked: [], erased: false };
}

function stepKind(e: TraceEntry): DebugStepKind {
  switch (e.kind) {
    case "start":
    case "event":
    case "update":
    case "timer":
    case "expect":
    case "note":
      return e.kind;
    default:
      // Only the engine's own inputs open a step; anything else first is an evaluation of no input (never expected).
      return "note";
  }
}

/**
 * Runs a journey through the engine and records it as steps (see the file's comment). In a
 * journey with several leads each step is one lead's, with that lead's state before and after it
 * (the team state is shared); the journey's own notes are steps of no lead.
 */
export function stepJourney(rules: CompiledRules, journey: A.JourneyDecl, opts: StepOptions = {}): DebugRun {
  const owners = conditionOwners(rules);
  const max = opts.maxEntries ?? DEFAULT_MAX_ENTRIES;
  const initial = emptyState(rules);
  const steps: DebugStep[] = [];
  const expectations: DebugState["expectations"] = [];
  const trace: TraceEntry[] = [];
  /** Each lead's state after its latest entry or evaluation (a journey of one lead has one). */
  const last = new Map<Simulation, DebugState>();
  const leadOf = new Map<Simulation, string | null>();
  const lastOf = (sim: Simulation | null) => (sim ? last.get(sim) : undefined) ?? initial;
  let latest = initial;
  let count = 0;
  let pending: DebugEvaluation[] = [];
  let pendingSim: Simulation | null = null;
  /** The latest entry handed to `onTrace` (with its lead's name), until the observer claims it: one it never claims is the journey's own. */
  let unclaimed: TraceEntry | null = null;
  const decided = new Map<string, DebugCondition[]>();
  const close = (after: DebugState) => {
    const [head, ...evaluations] = pending;
    const sim = pendingSim;
    pending = [];
    pendingSim = null;
    decided.clear();
    if (!head) return;
    const e = head.entry;
    const leadName = sim ? (leadOf.get(sim) ?? null) : null;
    const leadStates = [...leadOf].filter(([, n]) => n !== null).map(([s, n]) => ({ name: n!, state: lastOf(s) }));
    steps.push({ index: steps.length, kind: stepKind(e), leadName, at: e.at, time: e.time, label: head.label, head: e, source: e.source, journeyStep: e.source, evaluations, before: head.before, after, leadStates });
  };
  const record = (e: TraceEntry, sim: Simulation | null) => {
    if (++count > max) throw new Error(`the journey makes more than ${max} trace entries; the debugger records at most ${max}`);
    if (e.kind === "expect") expectations.push({ text: e.text, pass: e.pass, expected: e.expected, actual: e.actual, time: e.time, source: e.source });
    const key = entryKey(e);
    const conditions = key !== null ? (decided.get(key) ?? []) : [];
    if (key !== null) decided.delete(key);
    // renderEntry names the lead of a journey with several.
    // The routing pool is shared by the leads: its state is the latest any lead saw.
    const before = sim ? (pending.length === 0 && lastOf(sim) !== latest ? { ...lastOf(sim), teams: latest.teams } : lastOf(sim)) : latest;
    pending.push({ entry: e, label: `${e.time}: ${renderEntry(e)}`, source: e.source, rule: ruleName(e), conditions, before });
    if (pending.length === 1) pendingSim = sim;
    const now = sim ? snapshot(sim, rules, expectations) : { ...latest, expectations: expectations.slice() };
    if (sim) last.set(sim, now);
    latest = now;
    // An expectation, and a note of the journey itself (a step it cannot run), are steps of their own outside any evaluation.
    if (pending.length === 1 && (e.kind === "expect" || e.kind === "note")) close(now);
  };
  /** A journey note handed to `onTrace` by no simulation. */
  const flushUnclaimed = () => {
    const e = unclaimed;
    unclaimed = null;
    if (e) record(e, null);
  };
  const observer: SimObserver = {
    condition(ce: CompiledExpr, ctx: EvalCtx) {
      const owner = owners.get(ce);
      if (!owner) return;
      const list = decided.get(owner.key) ?? [];
      // A routing rule is the first that held: the ones before it were tried on the same state and did not.
      for (const b of owner.before) {
        const part = explainCondition(b.when, ctx);
        list.push({ label: `rule ${b.name} (tried first: ${part.value === null ? "unknown" : String(part.value)})`, uri: owner.uri, part });
      }
      list.push({ label: owner.label, uri: owner.uri, part: explainCondition(ce, ctx) });
      decided.set(owner.key, list);
    },
    entry(_e: TraceEntry, sim: Simulation) {
      // `onTrace` had this entry first, with its lead's name.
      const e = unclaimed ?? _e;
      unclaimed = null;
      if (!leadOf.has(sim)) leadOf.set(sim, e.leadName ?? null);
      record(e, sim);
    },
    settled(sim: Simulation) {
      flushUnclaimed();
      const now = snapshot(sim, rules, expectations);
      last.set(sim, now);
      latest = now;
      if (pendingSim === sim || pendingSim === null) close(now);
    },
  };
  const onTrace = (e: TraceEntry) => {
    flushUnclaimed();
    trace.push(e);
    unclaimed = e;
  };
  const result = runJourney(rules, journey, { ...(opts.seed !== undefined ? { seed: opts.seed } : {}), observer, onTrace });
  flushUnclaimed();
  if (pending.length) close(pendingSim ? lastOf(pendingSim) : latest);
  result.trace = trace;
  // A timer belongs to the journey step whose time moved the clock past it: the next step of the journey's own.
  let next: SourceRef = result.source;
  for (let i = steps.length - 1; i >= 0; i--) {
    const s = steps[i]!;
    if (s.kind === "timer") s.journeyStep = next;
    else next = s.source;
  }
  const uri = result.source.uri;
  return { journey: result.journey, uri, source: result.source, steps, result, initial, leads: (result.leads ?? []).map((l) => l.name) };
}

// ------------------------------------------------------------------ positions and moves

/** A place the debugger can stop at. */
export type DebugPosition =
  | { kind: "step"; step: number }
  | { kind: "evaluation"; step: number; evaluation: number }
  /** `path`: the condition's index in the evaluation, then the index of each part below it. */
  | { kind: "condition"; step: number; evaluation: number; path: number[] }
  | { kind: "end" };

interface Node {
  pos: DebugPosition;
  depth: number;
  parent: number;
  /** The index after this node's subtree. */
  end: number;
}

/** A breakpoint as the debugger keeps it: on a line of a file, or on a rule's name. */
export type Breakpoint = { kind: "line"; uri: string; line: number } | { kind: "rule"; name: string };

/** What a breakpoint was set on, or why it can never stop. */
export interface BreakpointCheck {
  verified: boolean;
  message?: string;
}

/**
 * Positions in order (a step, then each of its evaluations, each followed by its conditions and
 * their parts) and the moves between them.
 */
export class DebugCursor {
  private readonly nodes: Node[] = [];
  private lineBreakpoints: Breakpoint[] = [];
  private ruleBreakpoints = new Set<string>();
  /** The current node (nodes.length: past the end, the run is over). */
  index = 0;

  constructor(
    readonly run: DebugRun,
    private readonly rules: CompiledRules,
  ) {
    const add = (pos: DebugPosition, depth: number, parent: number): number => {
      this.nodes.push({ pos, depth, parent, end: -1 });
      return this.nodes.length - 1;
    };
    const finish = (i: number) => (this.nodes[i]!.end = this.nodes.length);
    const addPart = (step: number, evaluation: number, path: number[], part: ConditionPart, depth: number, parent: number) => {
      const i = add({ kind: "condition", step, evaluation, path }, depth, parent);
      part.parts.forEach((p, k) => addPart(step, evaluation, [...path, k], p, depth + 1, i));
      finish(i);
    };
    run.steps.forEach((s, si) => {
      const i = add({ kind: "step", step: si }, 0, -1);
      s.evaluations.forEach((ev, ei) => {
        const j = add({ kind: "evaluation", step: si, evaluation: ei }, 1, i);
        ev.conditions.forEach((c, ci) => addPart(si, ei, [ci], c.part, 2, j));
        finish(j);
      });
      finish(i);
    });
    finish(add({ kind: "end" }, 0, -1));
  }

  get position(): DebugPosition | null {
    return this.nodes[this.index]?.pos ?? null;
  }

  get done(): boolean {
    return this.index >= this.nodes.length;
  }

  /** Over the current position (its evaluations and conditions) to the next one. */
  next(): void {
    const n = this.nodes[this.index];
    this.index = n ? n.end : this.nodes.length;
  }

  /** Into the current position: its first evaluation or condition part, else as `next`. */
  stepIn(): void {
    const n = this.nodes[this.index];
    const c = this.nodes[this.index + 1];
    if (n && c && c.depth > n.depth) this.index++;
    else this.next();
  }

  /** Out to the position after the one holding the current position; from a step, as `continue`. */
  stepOut(): boolean {
    const n = this.nodes[this.index];
    if (!n || n.parent < 0) return this.continue();
    this.index = this.nodes[n.parent]!.end;
    return false;
  }

  /** Back to the position before the current one (the recording can be read backwards). */
  stepBack(): void {
    this.index = Math.max(0, Math.min(this.index, this.nodes.length) - 1);
  }

  /** Back to the latest step or evaluation before the current one that a breakpoint holds, else to the start. */
  reverseContinue(): void {
    for (let i = Math.min(this.index, this.nodes.length) - 1; i >= 0; i--) {
      const n = this.nodes[i]!;
      if ((n.pos.kind === "step" || n.pos.kind === "evaluation") && this.hits(n.pos)) {
        this.index = i;
        return;
      }
    }
    this.index = 0;
  }

  /** On to the next step or evaluation a breakpoint holds; returns whether one did (else the run is over). */
  continue(): boolean {
    for (let i = this.index + 1; i < this.nodes.length; i++) {
      const n = this.nodes[i]!;
      if (n.pos.kind === "condition" || n.pos.kind === "end") continue;
      if (this.hits(n.pos)) {
        this.index = i;
        return true;
      }
    }
    this.index = this.nodes.length;
    return false;
  }

  /** The position a fresh start stops at with `stopOnEntry`, or the first breakpoint (false: none, the run is over). */
  start(stopOnEntry: boolean): boolean {
    this.index = 0;
    if (stopOnEntry) return true;
    const first = this.nodes[0];
    if (first && this.hits(first.pos)) return true;
    return this.continue();
  }

  /** Which breakpoint holds at `pos`, if any: a line breakpoint on its source's first line, or a rule breakpoint on its rule. */
  hitBy(pos: DebugPosition): Breakpoint | null {
    if (pos.kind !== "step" && pos.kind !== "evaluation") return null;
    const step = this.run.steps[pos.step]!;
    const ev = pos.kind === "evaluation" ? step.evaluations[pos.evaluation]! : null;
    const source = ev ? ev.source : step.source;
    // An evaluation written where its step's head is (an inactivity rule's firing in its own timer step) stops once, at the step.
    const sameAsHead = ev !== null && sourceKey(ev.source) === sourceKey(step.source);
    if (!sameAsHead) for (const b of this.lineBreakpoints) if (b.kind === "line" && b.uri === source.uri && b.line === source.range.start.line) return b;
    if (ev?.rule && this.ruleBreakpoints.has(ev.rule)) return { kind: "rule", name: ev.rule };
    return null;
  }

  private hits(pos: DebugPosition): boolean {
    return this.hitBy(pos) !== null;
  }

  /** Sets the line breakpoints of one file (replacing its earlier ones); says of each line whether anything can stop there. */
  setLineBreakpoints(uri: string, lines: number[]): BreakpointCheck[] {
    this.lineBreakpoints = this.lineBreakpoints.filter((b) => b.kind !== "line" || b.uri !== uri);
    const starts = stopLines(this.run, this.rules, uri);
    return lines.map((line) => {
      const what = starts.get(line);
      if (!what) return { verified: false, message: "no journey step or rule starts on this line" };
      this.lineBreakpoints.push({ kind: "line", uri, line });
      return { verified: true, message: what };
    });
  }

  /** Sets the rule breakpoints (replacing the earlier ones): `score.rule` or `route.rule` (`route.otherwise` too). */
  setRuleBreakpoints(names: string[]): BreakpointCheck[] {
    this.ruleBreakpoints = new Set();
    const known = ruleNames(this.rules);
    return names.map((raw) => {
      const name = raw.trim();
      if (known.has(name)) {
        this.ruleBreakpoints.add(name);
        return { verified: true, message: known.get(name)! };
      }
      const near = suggest(name, known.keys(), 1)[0];
      return { verified: false, message: `no score rule or routing rule is named \`${name}\` (write SCORE.RULE or ROUTE.RULE)${near ? `; did you mean \`${near}\`?` : ""}` };
    });
  }

  // ------------------------------------------------------------ what a position shows

  /** The state the variables show at `pos`: before the step or evaluation (at the end: the final state). */
  stateAt(pos: DebugPosition): DebugState {
    if (pos.kind === "end") return this.run.steps[this.run.steps.length - 1]?.after ?? this.run.initial;
    const step = this.run.steps[pos.step]!;
    return pos.kind === "step" ? step.before : step.evaluations[pos.evaluation]!.before;
  }

  /** In a journey with several leads: each lead's state at `pos` (before the step; at the end, after the last). */
  leadStatesAt(pos: DebugPosition): { name: string; state: DebugState }[] {
    if (this.run.leads.length === 0) return [];
    const steps = this.run.steps;
    const k = pos.kind === "end" ? steps.length : pos.step;
    const known = k > 0 ? steps[k - 1]!.leadStates : [];
    return this.run.leads.map((name) => ({ name, state: known.find((l) => l.name === name)?.state ?? this.run.initial }));
  }

  /** The stack at `pos`, innermost first. */
  frames(pos: DebugPosition): DebugFrame[] {
    if (pos.kind === "end") {
      const r = this.run.result;
      const passed = r.expectations.filter((e) => e.pass).length;
      return [{ name: `end of journey "${this.run.journey}": ${passed} of ${r.expectations.length} expectations passed`, source: this.run.source, pos }];
    }
    const step = this.run.steps[pos.step]!;
    const out: DebugFrame[] = [];
    if (pos.kind === "condition") {
      const ev = step.evaluations[pos.evaluation]!;
      const c = ev.conditions[pos.path[0]!]!;
      const parts = [c.part];
      for (const k of pos.path.slice(1)) parts.push(parts[parts.length - 1]!.parts[k]!);
      for (let i = parts.length - 1; i >= 0; i--) {
        const p = parts[i]!;
        const label = i === 0 ? `${c.label}: ` : "";
        out.push({ name: `${label}${p.text} → ${partValue(p)}`, source: { uri: c.uri, range: p.range ?? ev.source.range }, pos: { kind: "condition", step: pos.step, evaluation: pos.evaluation, path: pos.path.slice(0, i + 1) } });
      }
    }
    if (pos.kind !== "step") {
      const ev = step.evaluations[pos.evaluation]!;
      out.push({ name: ev.label, source: ev.source, pos: { kind: "evaluation", step: pos.step, evaluation: pos.evaluation } });
    }
    out.push({ name: step.label, source: step.source, pos: { kind: "step", step: pos.step } });
    if (step.kind === "timer") out.push({ name: `journey: the clock moves on to the step at line ${step.journeyStep.range.start.line + 1}`, source: step.journeyStep, pos: { kind: "step", step: pos.step } });
    return out;
  }

  /** The variables at `pos`: scopes, each a tree. */
  scopes(pos: DebugPosition): DebugScope[] {
    const s = this.stateAt(pos);
    const out: DebugScope[] = [];
    if (pos.kind === "condition") {
      const step = this.run.steps[pos.step]!;
      const ev = step.evaluations[pos.evaluation]!;
      const c = ev.conditions[pos.path[0]!]!;
      let p = c.part;
      for (const k of pos.path.slice(1)) p = p.parts[k]!;
      out.push({ name: "Condition", expensive: false, variables: conditionVars(p) });
    }
    if (pos.kind === "evaluation") {
      const ev = this.run.steps[pos.step]!.evaluations[pos.evaluation]!;
      out.push({ name: "Evaluation", expensive: false, variables: evaluationVars(ev) });
    }
    // At a step the lead's state comes first (the scope a client opens), then what the step is.
    out.push({ name: "Lead", expensive: false, variables: leadVars(s) });
    if (pos.kind === "step") {
      const step = this.run.steps[pos.step]!;
      out.push({ name: "Step", expensive: false, variables: stepVars(step) });
    }
    out.push({ name: "Consent", expensive: false, variables: s.consent.map((c): DebugVariable => ({ name: c.purpose, value: `${c.allowed ? "allowed" : "blocked"}: ${c.reason}`, children: [v("allowed", String(c.allowed)), v("clause", c.clause ?? "none"), v("basis", c.basis ?? "none"), v("reason", c.reason)] })).concat(s.erased ? [v("erased", "true: no contact is allowed")] : []) });
    out.push({ name: "Timers", expensive: false, variables: s.timers.map((t, i) => ({ name: `${i + 1}. ${t.kind}`, value: `${t.owner}, due ${t.time}`, children: [v("kind", t.kind), v("owner", t.owner), v("due", t.time), v("at", `${t.source.uri.split("/").pop()}:${t.source.range.start.line + 1}`)] })) });
    out.push({ name: "Teams", expensive: false, variables: s.teams.map(teamVar) });
    const leads = this.leadStatesAt(pos);
    if (leads.length) out.push({ name: "Leads", expensive: false, variables: leads.map(({ name, state }) => v(name, [Object.entries(state.scores).map(([k, x]) => `${k} ${x ?? "unscored"}`).join(", "), state.stage ?? "no stage", showTarget(state.assignment)].filter((part) => part !== "").join("; "), leadVars(state))) });
    out.push({ name: "Expectations", expensive: false, variables: s.expectations.map((x) => ({ name: x.text, value: x.pass ? "passed" : `FAILED: expected ${x.expected}, actual ${x.actual}`, children: [v("passed", String(x.pass)), v("expected", x.expected), v("actual", x.actual), v("checked", x.time)] })) });
    return out;
  }

  /** The value of a name at `pos` (the debug console, hovers): `fit`, `fit_grade`, `lead.country`, `stage`, `assignment`, a consent purpose. */
  evaluate(pos: DebugPosition, expression: string): { value: string; children?: DebugVariable[] } {
    const s = this.stateAt(pos);
    const x = expression.trim();
    if (x.startsWith("lead.")) {
      const f = x.slice(5);
      if (f in s.fields) return { value: showValue(s.fields[f]!) };
      if (this.rules.fields.has(f)) return { value: "missing" };
      const near = suggest(f, this.rules.fields.keys(), 1)[0];
      throw new Error(`the lead has no field \`${f}\`${near ? `; did you mean \`lead.${near}\`?` : ""}`);
    }
    if (x === "lead") return { value: `${Object.keys(s.fields).length} fields`, children: leadVars(s)[0]!.children ?? [] };
    if (x in s.scores) return { value: s.scores[x] === null ? "unscored" : String(s.scores[x]) };
    if (x in s.grades) return { value: s.grades[x] ?? "missing (score unscored)" };
    if (x === "stage") return { value: s.stage ?? "no stage" };
    if (x === "assignment") return { value: showTarget(s.assignment) };
    if (x === "now" || x === "time") return { value: s.time };
    const c = s.consent.find((p) => p.purpose === x);
    if (c) return { value: `${c.allowed ? "allowed" : "blocked"}: ${c.reason}` };
    // A bare field name (what an editor's hover picks out of `lead.country`).
    if (x in s.fields) return { value: showValue(s.fields[x]!) };
    const names = ["lead", "stage", "assignment", "now", ...Object.keys(s.scores), ...Object.keys(s.grades), ...s.consent.map((p) => p.purpose), ...Object.keys(s.fields).map((f) => `lead.${f}`), ...Object.keys(s.fields)];
    const near = suggest(x, names, 1)[0];
    throw new Error(`\`${x}\` is not a score, grade, consent purpose, \`lead.FIELD\`, \`stage\` or \`assignment\`${near ? `; did you mean \`${near}\`?` : ""}`);
  }
}

export interface DebugFrame {
  name: string;
  source: SourceRef;
  /** The position this frame stands for (its scopes are that position's). */
  pos: DebugPosition;
}

/** A variable: a name, its value as text, and the variables under it. */
export interface DebugVariable {
  name: string;
  value: string;
  children?: DebugVariable[];
}

export interface DebugScope {
  name: string;
  expensive: boolean;
  variables: DebugVariable[];
}

const v = (name: string, value: string, children?: DebugVariable[]): DebugVariable => (children ? { name, value, children } : { name, value });

function partValue(p: ConditionPart): string {
  return p.value === null ? "unknown" : String(p.value);
}

function conditionVars(p: ConditionPart): DebugVariable[] {
  const out: DebugVariable[] = [v("value", partValue(p)), v("text", p.text)];
  const operands = Object.entries(p.values);
  if (operands.length) out.push(v("operands", operands.map(([k, x]) => `${k} = ${x === null ? "missing" : showValue(x)}`).join(", "), operands.map(([k, x]) => v(k, x === null ? "missing" : showValue(x)))));
  if (p.missing.length) out.push(v("missing", p.missing.join(", ")));
  if (p.op) out.push(v(p.op, `${p.parts.length} parts`, p.parts.map((q) => v(q.text, partValue(q), conditionVars(q)))));
  if (p.note) out.push(v("note", p.note));
  return out;
}

function bindingsVars(values: Record<string, Value>): DebugVariable[] {
  return Object.entries(values).map(([k, x]) => v(k, x === null ? "missing" : showValue(x)));
}

function evaluationVars(ev: DebugEvaluation): DebugVariable[] {
  const e = ev.entry;
  const out: DebugVariable[] = [v("what", renderEntry(e)), v("kind", e.kind)];
  if (ev.rule) out.push(v("rule", ev.rule));
  if (e.kind === "score") out.push(v("score", e.score), v("points", String(e.points)), v("applied", String(e.applied)), v("before", e.before === null ? "unscored" : String(e.before)), v("after", e.after === null ? "unscored" : String(e.after)), v("cause", e.cause));
  if (e.kind === "route") out.push(v("target", showTarget(e.target)), v("reason", e.reason));
  if (e.kind === "stage") out.push(v("from", e.from ?? "none"), v("to", e.to), v("how", e.how));
  if (e.kind === "action") {
    out.push(v("status", e.status), v("reason", e.reason));
    if (e.consent) out.push(v("consent", `${e.consent.purpose}: ${e.consent.clause ?? "no clause"}`, [v("purpose", e.consent.purpose), v("clause", e.consent.clause ?? "none"), v("basis", e.consent.basis ?? "none"), v("reason", e.consent.reason)]));
  }
  if ("values" in e && e.kind !== "event" && e.kind !== "update" && Object.keys(e.values).length) out.push(v("operands", `${Object.keys(e.values).length}`, bindingsVars(e.values)));
  if (ev.conditions.length) out.push(v("conditions", `${ev.conditions.length}`, ev.conditions.map((c) => v(`${c.label}: ${c.part.text}`, partValue(c.part), conditionVars(c.part)))));
  return out;
}

function stepVars(step: DebugStep): DebugVariable[] {
  const e = step.head;
  const out: DebugVariable[] = [v("what", renderEntry(e)), v("time", step.time), v("kind", step.kind)];
  if (e.kind === "event" || e.kind === "update") out.push(v(e.kind === "event" ? "payload" : "changes", `${Object.keys(e.values).length}`, bindingsVars(e.values)));
  if (e.kind === "timer") out.push(v("timer", e.timer), v("owner", e.owner), v("due", formatTime(e.due)));
  out.push(v("evaluations", `${step.evaluations.length}`, step.evaluations.map((ev, i) => v(`${i + 1}`, ev.label))));
  return out;
}

function leadVars(s: DebugState): DebugVariable[] {
  return [
    v("fields", `${Object.keys(s.fields).length}`, bindingsVars(s.fields)),
    v("scores", Object.entries(s.scores).map(([k, x]) => `${k} ${x ?? "unscored"}`).join(", ") || "none", Object.entries(s.scores).map(([k, x]) => v(k, x === null ? "unscored" : String(x)))),
    v("grades", Object.entries(s.grades).map(([k, x]) => `${k} ${x ?? "missing"}`).join(", ") || "none", Object.entries(s.grades).map(([k, x]) => v(k, x ?? "missing (score unscored)"))),
    v("stage", s.stage ? `${s.stage} (since ${s.stageSince})` : "no stage"),
    v("assignment", s.assignment ? `${showTarget(s.assignment)} by ${s.assignedBy}` : "unrouted"),
    v("routing", `${s.routing.length}`, s.routing.map((r, i) => v(`${i + 1}. ${r.route}`, `${r.rule ?? "no rule"} → ${showTarget(r.target)}`))),
    v("sent", `${s.sent.length}`, s.sent.map((x, i) => v(`${i + 1}. ${x.action}`, `(${x.args.map(showValue).join(", ")}) at ${formatTime(x.at)}`))),
    v("blocked", `${s.blocked.length}`, s.blocked.map((x, i) => v(`${i + 1}. ${x.action}`, `${x.reason} at ${formatTime(x.at)}`))),
    v("time", s.time),
  ];
}

function teamVar(t: DebugState["teams"][number]): DebugVariable {
  return v(t.team, `${t.strategy}${t.cap ? `, cap ${t.cap}` : ""}`, t.members.map((m) => v(m.owner, `weight ${m.weight}, counter ${m.counter ?? "not started"}${m.assigned.length ? `, assigned ${m.assigned.map((a) => `${a.count} ${a.period}`).join("; ")}` : ""}`, [v("weight", String(m.weight)), v("counter", m.counter === null ? "not started" : String(m.counter)), ...m.assigned.map((a) => v(`assigned ${a.period}`, String(a.count)))])));
}

/** Lines of `uri` where something can stop (0-based): the journey's steps and every rule or declaration the trace can name. */
function stopLines(run: DebugRun, rules: CompiledRules, uri: string): Map<number, string> {
  const out = new Map<number, string>();
  const at = (s: SourceRef, what: string) => {
    if (s.uri === uri && !out.has(s.range.start.line)) out.set(s.range.start.line, what);
  };
  for (const step of run.steps) if (step.kind !== "timer") at(step.source, "journey step");
  for (const s of rules.scores) {
    if (s.decay) at(s.source, `score ${s.name} (its decay)`);
    for (const r of s.rules) at(r.source, `rule ${s.name}.${r.name}`);
  }
  for (const st of rules.stages) at(st.source, `stage ${st.name}`);
  for (const re of rules.reenters) at(re.source, "reenter");
  for (const route of rules.routes) {
    at(route.source, `route ${route.name}`);
    for (const r of route.rules) {
      at(r.source, `rule ${route.name}.${r.name}`);
      for (const e of r.escalations) at(e.source, `escalation of ${route.name}`);
    }
    if (route.fallback) {
      at(route.fallback.source, `rule ${route.name}.otherwise`);
      for (const e of route.fallback.escalations) at(e.source, `escalation of ${route.name}`);
    }
  }
  for (const wf of rules.workflows) {
    at(wf.source, `workflow ${wf.name}`);
    for (const s of wf.steps) at(s.source, `workflow ${wf.name} step`);
  }
  return out;
}

/** Every name a rule breakpoint may give, with what it is. */
function ruleNames(rules: CompiledRules): Map<string, string> {
  const out = new Map<string, string>();
  for (const s of rules.scores) for (const r of s.rules) out.set(`${s.name}.${r.name}`, `score rule ${s.name}.${r.name}`);
  for (const route of rules.routes) {
    for (const r of route.rules) out.set(`${route.name}.${r.name}`, `routing rule ${route.name}.${r.name}`);
    if (route.fallback) out.set(`${route.name}.otherwise`, `routing rule ${route.name}.otherwise`);
  }
  return out;
}

/** The range type positions use (re-exported for the adapter). */
export type { Range };
