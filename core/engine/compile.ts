/**
 * `compile(check, fromUri)`: the declarations visible from a file, compiled
 * once into plain data and closures. Broken or incomplete declarations (the
 * checker reports them) are skipped and listed in `problems`.
 */
import type * as A from "../syntax/ast.js";
import type { WorkspaceCheck } from "../workspace.js";
import type { ParseResult } from "../syntax/parse.js";
import { BUILTIN_EVENTS, durationMinutes, isConsentBasis, type ConsentBasisName } from "../vocabulary.js";
import type { SourceRef, Value } from "./trace.js";
import { addRead, compileExpr, type CompiledExpr, type Scope, type ScoreSlot } from "./expr.js";

export interface FieldInfo {
  name: string;
  /** `text`, `number`, `boolean`, `date`, `email`, `country`, `enum`, `list`. */
  type: string;
  /** Enum values. */
  values: string[];
  /** Element type of a list. */
  element: string | null;
}

export interface EventInfo {
  name: string;
  fields: Map<string, FieldInfo>;
  builtin: boolean;
}

export interface CAttributeRule {
  kind: "attribute";
  name: string;
  points: number;
  when: CompiledExpr;
  source: SourceRef;
}

export interface CEventRule {
  kind: "event";
  name: string;
  points: number;
  event: string;
  where: CompiledExpr | null;
  times: number | null;
  within: number | null;
  limit: { count: number; per: number | null; text: string } | null;
  when: CompiledExpr | null;
  source: SourceRef;
}

export interface CInactivityRule {
  kind: "inactivity";
  name: string;
  points: number;
  after: number;
  events: string[];
  source: SourceRef;
}

export type CScoreRule = CAttributeRule | CEventRule | CInactivityRule;

export interface CScore {
  name: string;
  label: string | null;
  cap: number | null;
  floor: number | null;
  decay: { percent: number; every: number } | null;
  rules: CScoreRule[];
  source: SourceRef;
}

export interface CGrade {
  name: string;
  score: string;
  /** Best first. `min` null for `otherwise`. */
  entries: { letter: string; min: number | null }[];
  source: SourceRef;
}

export interface CStage {
  name: string;
  index: number;
  detour: boolean;
  when: CompiledExpr | null;
  source: SourceRef;
}

export interface CReenter {
  stage: number;
  from: number;
  after: number;
  source: SourceRef;
}

export interface CTarget {
  kind: "owner" | "team" | "queue" | "discard";
  name: string | null;
  source: SourceRef;
}

export interface CEscalation {
  after: number;
  target: CTarget;
  source: SourceRef;
}

export interface CRouteRule {
  name: string;
  when: CompiledExpr;
  target: CTarget;
  escalations: CEscalation[];
  source: SourceRef;
}

export interface CTrigger {
  kind: "stage" | "event";
  stage: number;
  event: string;
  where: CompiledExpr | null;
}

export interface CRoute {
  name: string;
  trigger: CTrigger;
  rules: CRouteRule[];
  fallback: { target: CTarget; escalations: CEscalation[]; source: SourceRef } | null;
  source: SourceRef;
}

export interface CTeam {
  name: string;
  strategy: string;
  members: { owner: string; weight: number }[];
  cap: { count: number; per: number } | null;
  source: SourceRef;
}

export interface CBasis {
  basis: ConsentBasisName;
  expires: number | null;
  impliedFor: number | null;
  anchor: string | null;
  text: string;
  source: SourceRef;
}

export interface CClause {
  /** Country codes covered; null for `otherwise`. */
  region: string[] | null;
  text: string;
  bases: CBasis[];
  source: SourceRef;
}

export interface CConsent {
  name: string;
  clauses: CClause[];
  source: SourceRef;
}

export interface CAction {
  name: string;
  params: string[];
  /** Parameter types (`text`, `email`, …), parallel to `params`. */
  paramTypes: string[];
  reach: "contact" | "internal";
  requires: string | null;
  source: SourceRef;
}

export type CStep =
  | { kind: "do"; action: string; args: CompiledExpr[]; when: CompiledExpr | null; unless: CompiledExpr | null; text: string; source: SourceRef }
  | { kind: "wait"; duration: number; source: SourceRef };

export interface CWorkflow {
  name: string;
  trigger: CTrigger;
  steps: CStep[];
  source: SourceRef;
}

export interface CompiledRules {
  fromUri: string;
  fields: Map<string, FieldInfo>;
  events: Map<string, EventInfo>;
  scores: CScore[];
  grades: CGrade[];
  stages: CStage[];
  initialStage: number;
  reenters: CReenter[];
  owners: Map<string, { name: string; email: string | null; source: SourceRef }>;
  queues: Map<string, { name: string; label: string | null; source: SourceRef }>;
  teams: Map<string, CTeam>;
  routes: CRoute[];
  consents: Map<string, CConsent>;
  actions: Map<string, CAction>;
  workflows: CWorkflow[];
  /** Journeys declared in the visible files, with their file. */
  journeys: { uri: string; journey: A.JourneyDecl }[];
  /** Source text of a range (used to quote expectations and conditions). */
  textOf(source: SourceRef): string;
  /** Declarations that were skipped because they are incomplete (the checker explains them). */
  problems: string[];
  /**
   * Every event history some compiled condition reads, with how far back it looks
   * in minutes (0: the latest event only; `Infinity`: all). The simulation keeps no
   * more history than this (and what score rules and consent need). When absent
   * (rules not made by `compile`), every history is kept whole.
   */
  historyReads?: Map<string, number>;
  /**
   * Every clock window of a compiled condition (`CompiledExpr.windows`): per event, the
   * distinct `D` of its `within D`. When absent, the simulation assumes any condition may
   * change at any minute (and processes every decay tick).
   */
  clockWindows?: Map<string, number[]>;
}

function fieldInfo(f: A.FieldDecl): FieldInfo | undefined {
  if (!f.name || !f.type) return undefined;
  const t = f.type;
  if (t.kind === "SimpleType") return { name: f.name.text, type: t.name.text, values: [], element: null };
  if (t.kind === "EnumType") return { name: f.name.text, type: "enum", values: t.values.map((v) => v.text), element: null };
  const el = t.element;
  return { name: f.name.text, type: "list", values: el?.kind === "EnumType" ? el.values.map((v) => v.text) : [], element: el?.kind === "SimpleType" ? el.name.text : el?.kind === "EnumType" ? "enum" : null };
}

/**
 * Score names in the order a simulation keeps their state: each name once, at its
 * first position (a later score of the same name replaces the definition, not the place).
 */
export function scoreOrder(scores: readonly CScore[]): string[] {
  return [...new Set(scores.map((s) => s.name))];
}

export function compile(check: WorkspaceCheck, fromUri: string): CompiledRules {
  const uris = check.visibleFiles(fromUri);
  const files: { uri: string; pr: ParseResult }[] = [];
  for (const u of uris) {
    const pr = check.files.get(u);
    if (pr) files.push({ uri: u, pr });
  }
  const textByUri = new Map(files.map((f) => [f.uri, f.pr.lines.text]));
  const problems: string[] = [];
  const decls: { uri: string; d: A.Decl }[] = [];
  for (const f of files) for (const d of f.pr.file.decls) decls.push({ uri: f.uri, d });
  const src = (uri: string, n: A.Node): SourceRef => ({ uri, range: n.range });
  const dur = durationMinutes;

  const fields = new Map<string, FieldInfo>();
  const events = new Map<string, EventInfo>();
  for (const { name, fields: fs } of BUILTIN_EVENTS) {
    events.set(name, { name, builtin: true, fields: new Map(fs.map(({ name: n, type: t }) => [n, typeof t === "object" ? { name: n, type: "enum", values: t.enum, element: null } : { name: n, type: "text", values: [], element: null }])) });
  }
  const setDecls = new Map<string, { uri: string; d: A.SetDecl }>();
  const gradeDecls = new Map<string, A.GradeDecl>();
  const scoreNames = new Set<string>();
  const stageDecls: { uri: string; d: A.StageDecl }[] = [];
  for (const { uri, d } of decls) {
    if (d.kind === "Lead") for (const f of d.fields) { const fi = fieldInfo(f); if (fi) fields.set(fi.name, fi); }
    else if (d.kind === "Event" && d.name) {
      const m = new Map<string, FieldInfo>();
      for (const f of d.fields) { const fi = fieldInfo(f); if (fi) m.set(fi.name, fi); }
      if (!events.has(d.name.text)) events.set(d.name.text, { name: d.name.text, fields: m, builtin: false });
    } else if (d.kind === "Set" && d.name) setDecls.set(d.name.text, { uri, d });
    else if (d.kind === "Grade" && d.name) gradeDecls.set(d.name.text, d);
    else if (d.kind === "Score" && d.name) scoreNames.add(d.name.text);
    else if (d.kind === "Stage" && d.name) stageDecls.push({ uri, d });
  }

  const setValues = new Map<string, Value[]>();
  const scoreSlots = new Map<string, ScoreSlot>();
  const resolving = new Set<string>();
  const stageIndex = new Map<string, number>(stageDecls.map((s, i) => [s.d.name!.text, i]));

  const scopeFor = (uri: string, payloadFields: Set<string> | null): Scope => ({
    text: (r) => (textByUri.get(uri) ?? "").slice(r.start.offset, r.end.offset),
    field: (n) => fields.get(n),
    isScore: (n) => scoreNames.has(n),
    scoreSlot: (n) => {
      if (!scoreNames.has(n)) return undefined;
      let cell = scoreSlots.get(n);
      if (!cell) scoreSlots.set(n, (cell = { slot: -1 }));
      return cell;
    },
    grade: (n) => {
      const g = gradeDecls.get(n);
      return g ? g.entries.map((e) => e.letter?.text ?? "") : undefined;
    },
    setValue: (n) => setValue(n),
    isEvent: (n) => events.has(n),
    eventFields: (n) => {
      const e = events.get(n);
      return e ? new Set(e.fields.keys()) : undefined;
    },
    stageIndex: (n) => stageIndex.get(n),
    payloadFields,
    problems,
  });

  const noCtx = {
    now: 0,
    fields: new Map<string, Value>(),
    score: () => null,
    scoreAt: () => null,
    gradeRank: () => null,
    gradeLetter: () => null,
    stageIndex: -1,
    stageName: null,
    current: null,
    payload: null,
    history: () => [],
  };
  function setValue(name: string): Value[] | undefined {
    const cached = setValues.get(name);
    if (cached) return cached;
    const sd = setDecls.get(name);
    if (!sd || resolving.has(name)) return undefined;
    resolving.add(name);
    const v = compileExpr(sd.d.value, scopeFor(sd.uri, null)).ev(noCtx);
    resolving.delete(name);
    const arr = Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
    setValues.set(name, arr);
    return arr;
  }
  const constList = (uri: string, e: A.Expr | undefined): string[] => {
    const v = compileExpr(e, scopeFor(uri, null)).ev(noCtx);
    const arr = Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
    return arr.filter((x): x is string => typeof x === "string");
  };
  const historyReads = new Map<string, number>();
  const clockWindows = new Map<string, number[]>();
  const cond = (uri: string, e: A.Expr | undefined, payload: Set<string> | null = null) => {
    const ce = compileExpr(e, scopeFor(uri, payload));
    for (const [ev, w] of ce.reads) addRead(historyReads, ev, w);
    for (const [ev, w] of ce.windows) {
      const ws = clockWindows.get(ev);
      if (!ws) clockWindows.set(ev, [w]);
      else if (!ws.includes(w)) ws.push(w);
    }
    return ce;
  };
  const textOf = (s: SourceRef) => (textByUri.get(s.uri) ?? "").slice(s.range.start.offset, s.range.end.offset);

  const scores: CScore[] = [];
  const grades: CGrade[] = [];
  const stages: CStage[] = stageDecls.map(({ uri, d }, i) => ({
    name: d.name!.text,
    index: i,
    detour: d.modifiers.some((m) => m.text === "detour"),
    when: d.when ? cond(uri, d.when) : null,
    source: src(uri, d),
  }));
  let initialStage = stageDecls.findIndex((s) => s.d.modifiers.some((m) => m.text === "initial"));
  if (initialStage < 0) initialStage = stages.findIndex((s) => !s.detour);
  const reenters: CReenter[] = [];
  const owners: CompiledRules["owners"] = new Map();
  const queues: CompiledRules["queues"] = new Map();
  const teams = new Map<string, CTeam>();
  const routes: CRoute[] = [];
  const consents = new Map<string, CConsent>();
  const actions = new Map<string, CAction>();
  const workflows: CWorkflow[] = [];
  const journeys: CompiledRules["journeys"] = [];

  const target = (uri: string, t: A.Target | undefined): CTarget | null => {
    if (!t) return null;
    if (t.targetKind !== "discard" && !t.ref) return null;
    return { kind: t.targetKind, name: t.ref?.text ?? null, source: src(uri, t) };
  };
  const escalations = (uri: string, es: A.Escalation[]): CEscalation[] => {
    const out: CEscalation[] = [];
    for (const e of es) {
      const after = dur(e.after);
      const t = target(uri, e.target);
      if (after === undefined || !t) { problems.push(`an incomplete escalation was skipped (${uri})`); continue; }
      out.push({ after, target: t, source: src(uri, e) });
    }
    return out;
  };
  const trigger = (uri: string, t: A.Trigger | undefined): CTrigger | null => {
    if (!t) return null;
    if (t.kind === "StageTrigger") {
      const i = t.stage ? stageIndex.get(t.stage.text) : undefined;
      return i === undefined ? null : { kind: "stage", stage: i, event: "", where: null };
    }
    if (!t.event) return null;
    return { kind: "event", stage: -1, event: t.event.text, where: t.where ? cond(uri, t.where, scopeFor(uri, null).eventFields(t.event.text) ?? new Set()) : null };
  };

  for (const { uri, d } of decls) {
    switch (d.kind) {
      case "Score": {
        if (!d.name) break;
        const sc: CScore = { name: d.name.text, label: d.label?.value ?? null, cap: null, floor: null, decay: null, rules: [], source: src(uri, d) };
        for (const s of d.settings) {
          if (s.kind === "Cap" && s.value) sc.cap = s.value.value;
          else if (s.kind === "Floor" && s.value) sc.floor = s.value.value;
          else if (s.kind === "Decay" && s.percent) {
            const every = dur(s.every);
            if (every && every > 0 && s.percent.value > 0 && s.percent.value <= 100) sc.decay = { percent: s.percent.value, every };
            else problems.push(`score \`${sc.name}\`: a decay setting was skipped`);
          }
        }
        for (const r of d.rules) {
          const t = r.trigger;
          if (!r.name || !r.points || !t) { problems.push(`score \`${sc.name}\`: an incomplete rule was skipped`); continue; }
          const base = { name: r.name.text, points: r.points.value, source: src(uri, r) };
          if (t.kind === "AttributeTrigger") {
            if (!t.when) { problems.push(`rule \`${base.name}\` has no condition`); continue; }
            sc.rules.push({ kind: "attribute", ...base, when: cond(uri, t.when) });
          } else if (t.kind === "EventTrigger") {
            if (!t.event) continue;
            const pf = scopeFor(uri, null).eventFields(t.event.text) ?? new Set<string>();
            const per = t.limit?.per ? dur(t.limit.per) ?? null : null;
            sc.rules.push({
              kind: "event",
              ...base,
              event: t.event.text,
              where: t.where ? cond(uri, t.where, pf) : null,
              times: t.times ? t.times.value : null,
              within: t.within ? dur(t.within) ?? null : null,
              limit: t.limit?.count ? { count: t.limit.count.value, per, text: textOf(src(uri, t.limit)) } : null,
              when: t.when ? cond(uri, t.when) : null,
            });
          } else {
            const after = dur(t.after);
            if (after === undefined || after <= 0) { problems.push(`rule \`${base.name}\`: an inactivity period was skipped`); continue; }
            sc.rules.push({ kind: "inactivity", ...base, after, events: t.events.map((e) => e.text) });
          }
        }
        scores.push(sc);
        break;
      }
      case "Grade":
        if (d.name && d.score) grades.push({ name: d.name.text, score: d.score.text, entries: d.entries.filter((e) => e.letter).map((e) => ({ letter: e.letter!.text, min: e.otherwise ? null : (e.min?.value ?? null) })), source: src(uri, d) });
        break;
      case "Reenter": {
        const s = d.stage ? stageIndex.get(d.stage.text) : undefined;
        const f = d.from ? stageIndex.get(d.from.text) : undefined;
        if (s !== undefined && f !== undefined) reenters.push({ stage: s, from: f, after: d.after ? dur(d.after) ?? 0 : 0, source: src(uri, d) });
        break;
      }
      case "Owner":
        if (d.name) owners.set(d.name.text, { name: d.name.text, email: d.email?.value ?? null, source: src(uri, d) });
        break;
      case "Queue":
        if (d.name) queues.set(d.name.text, { name: d.name.text, label: d.label?.value ?? null, source: src(uri, d) });
        break;
      case "Team":
        if (d.name) {
          const per = d.cap?.per ? dur(d.cap.per) : undefined;
          teams.set(d.name.text, {
            name: d.name.text,
            strategy: d.strategy?.text ?? "round_robin",
            members: d.members.filter((m) => m.owner).map((m) => ({ owner: m.owner!.text, weight: m.weight ? Math.max(0, m.weight.value) : 1 })),
            cap: d.cap?.count && per ? { count: d.cap.count.value, per } : null,
            source: src(uri, d),
          });
        }
        break;
      case "Route": {
        const tr = trigger(uri, d.trigger);
        if (!d.name || !tr) { problems.push(`a route without a name or trigger was skipped (${uri})`); break; }
        const rules: CRouteRule[] = [];
        for (const r of d.rules) {
          const t = target(uri, r.target);
          if (!r.name || !t || !r.when) { problems.push(`route \`${d.name.text}\`: an incomplete rule was skipped`); continue; }
          rules.push({ name: r.name.text, when: cond(uri, r.when), target: t, escalations: escalations(uri, r.escalations), source: src(uri, r) });
        }
        const ft = d.fallback ? target(uri, d.fallback.target) : null;
        routes.push({ name: d.name.text, trigger: tr, rules, fallback: ft && d.fallback ? { target: ft, escalations: escalations(uri, d.fallback.escalations), source: src(uri, d.fallback) } : null, source: src(uri, d) });
        break;
      }
      case "Consent": {
        if (!d.name) break;
        const clauses: CClause[] = [];
        for (const cl of d.clauses) {
          const bases: CBasis[] = [];
          for (const b of cl.bases) {
            const name = b.basis?.text;
            if (name === undefined || !isConsentBasis(name)) { problems.push(`consent \`${d.name.text}\`: unknown basis \`${name ?? ""}\` skipped`); continue; }
            bases.push({ basis: name, expires: b.expires ? dur(b.expires) ?? null : null, impliedFor: b.impliedFor ? dur(b.impliedFor) ?? null : null, anchor: b.anchor?.text ?? null, text: textOf(src(uri, b)), source: src(uri, b) });
          }
          clauses.push({
            region: cl.otherwise ? null : constList(uri, cl.region),
            text: cl.otherwise ? "otherwise" : `in ${cl.region ? textOf(src(uri, cl.region)) : "?"}`,
            bases,
            source: src(uri, cl),
          });
        }
        consents.set(d.name.text, { name: d.name.text, clauses, source: src(uri, d) });
        break;
      }
      case "Action":
        if (d.name) actions.set(d.name.text, { name: d.name.text, params: d.params.map((p) => p.name?.text ?? ""), paramTypes: d.params.map((p) => (p.type ? fieldInfo({ ...p, name: p.name ?? { kind: "Name", text: "", range: p.range } })?.type ?? "" : "")), reach: d.reach ?? "contact", requires: d.requires?.text ?? null, source: src(uri, d) });
        break;
      case "Workflow": {
        const tr = trigger(uri, d.trigger);
        if (!d.name || !tr) { problems.push(`a workflow without a name or trigger was skipped (${uri})`); break; }
        const steps: CStep[] = [];
        for (const s of d.steps) {
          if (s.kind === "Wait") {
            const m = dur(s.duration);
            if (m === undefined) { problems.push(`workflow \`${d.name.text}\`: an incomplete wait was skipped`); continue; }
            steps.push({ kind: "wait", duration: m, source: src(uri, s) });
          } else {
            if (!s.call?.action) continue;
            steps.push({
              kind: "do",
              action: s.call.action.text,
              args: (s.call.args ?? []).map((a) => cond(uri, a)),
              when: s.when ? cond(uri, s.when) : null,
              unless: s.unless ? cond(uri, s.unless) : null,
              text: textOf(src(uri, s.call)),
              source: src(uri, s),
            });
          }
        }
        workflows.push({ name: d.name.text, trigger: tr, steps, source: src(uri, d) });
        break;
      }
      case "Journey":
        journeys.push({ uri, journey: d });
        break;
      default:
        break;
    }
  }

  const order = new Map(scoreOrder(scores).map((n, i) => [n, i]));
  for (const [name, cell] of scoreSlots) cell.slot = order.get(name) ?? -1;
  return { fromUri, fields, events, scores, grades, stages, initialStage, reenters, owners, queues, teams, routes, consents, actions, workflows, journeys, textOf, problems, historyReads, clockWindows };
}
