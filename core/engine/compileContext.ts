/**
 * What every part of `compile` shares (docs/language.md §3 names, §4 the schema, §5 sets,
 * §12 conditions, §2 durations): the files visible from one file, the lead's fields and the
 * events (with the built-in ones), the scope a condition's names resolve in, conditions compiled
 * with what they read (event histories, clock windows), constant lists, triggers, sources and
 * the list of skipped declarations.
 */
import type * as A from "../syntax/ast.js";
import type { WorkspaceCheck } from "../workspace.js";
import type { ParseResult } from "../syntax/parse.js";
import { BUILTIN_EVENTS, durationMinutes } from "../vocabulary.js";
import type { SourceRef, Value } from "./trace.js";
import { addRead, compileExpr, type CompiledExpr, type EvalCtx, type Scope, type ScoreSlot } from "./expr.js";
import type { CTrigger, EventInfo, FieldInfo } from "./compiled.js";

/** A lead field, event field or action parameter as the engine sees its type. */
export function fieldInfo(f: A.FieldDecl): FieldInfo | undefined {
  if (!f.name || !f.type) return undefined;
  const t = f.type;
  if (t.kind === "SimpleType") return { name: f.name.text, type: t.name.text, values: [], element: null };
  if (t.kind === "EnumType") return { name: f.name.text, type: "enum", values: t.values.map((v) => v.text), element: null };
  const el = t.element;
  return { name: f.name.text, type: "list", values: el?.kind === "EnumType" ? el.values.map((v) => v.text) : [], element: el?.kind === "SimpleType" ? el.name.text : el?.kind === "EnumType" ? "enum" : null };
}

/** A declaration with the file it is written in. */
export interface Located<D> {
  uri: string;
  d: D;
}

export interface CompileContext {
  /** Every declaration of the visible files, in file then written order. */
  decls: Located<A.Decl>[];
  /** Stage declarations in order (their position is the stage's index). */
  stageDecls: Located<A.StageDecl>[];
  stageIndex: Map<string, number>;
  fields: Map<string, FieldInfo>;
  events: Map<string, EventInfo>;
  /** Declarations skipped because they are incomplete (the checker explains them). */
  problems: string[];
  /** Score name → the slot conditions read it from (filled in at the end, see `scoreOrder`). */
  scoreSlots: Map<string, ScoreSlot>;
  historyReads: Map<string, number>;
  clockWindows: Map<string, number[]>;
  src(uri: string, n: A.Node): SourceRef;
  textOf(s: SourceRef): string;
  /** A duration in minutes (undefined: incomplete). */
  dur(d: A.Duration | undefined): number | undefined;
  /** A condition of file `uri` (`payload`: the fields of the event a `where` looks at), noting what it reads. */
  cond(uri: string, e: A.Expr | undefined, payload?: Set<string> | null): CompiledExpr;
  /** A constant list of texts (a consent clause's region). */
  constList(uri: string, e: A.Expr | undefined): string[];
  /** The fields of an event's payload (empty for an unknown event). */
  payloadFields(uri: string, event: string): Set<string>;
  /** `on stage S` or `on EVENT [where FILTER]` (null: incomplete). */
  trigger(uri: string, t: A.Trigger | undefined): CTrigger | null;
}

/** A context in which constant expressions (sets, regions) are evaluated: nothing but constants. */
const NO_STATE: EvalCtx = {
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

/** The declarations visible from `fromUri` and the schema they declare. */
export function compileContext(check: WorkspaceCheck, fromUri: string): CompileContext {
  const uris = check.visibleFiles(fromUri);
  const files: { uri: string; pr: ParseResult }[] = [];
  for (const u of uris) {
    const pr = check.files.get(u);
    if (pr) files.push({ uri: u, pr });
  }
  const textByUri = new Map(files.map((f) => [f.uri, f.pr.lines.text]));
  const problems: string[] = [];
  const decls: Located<A.Decl>[] = [];
  for (const f of files) for (const d of f.pr.file.decls) decls.push({ uri: f.uri, d });

  const fields = new Map<string, FieldInfo>();
  const events = new Map<string, EventInfo>();
  for (const { name, fields: fs } of BUILTIN_EVENTS) {
    events.set(name, { name, builtin: true, fields: new Map(fs.map(({ name: n, type: t }) => [n, typeof t === "object" ? { name: n, type: "enum", values: t.enum, element: null } : { name: n, type: "text", values: [], element: null }])) });
  }
  const setDecls = new Map<string, Located<A.SetDecl>>();
  const gradeDecls = new Map<string, A.GradeDecl>();
  const scoreNames = new Set<string>();
  const stageDecls: Located<A.StageDecl>[] = [];
  for (const { uri, d } of decls) {
    if (d.kind === "Lead")
      for (const f of d.fields) {
        const fi = fieldInfo(f);
        if (fi) fields.set(fi.name, fi);
      }
    else if (d.kind === "Event" && d.name) {
      const m = new Map<string, FieldInfo>();
      for (const f of d.fields) {
        const fi = fieldInfo(f);
        if (fi) m.set(fi.name, fi);
      }
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
  const eventFields = (n: string) => {
    const e = events.get(n);
    return e ? new Set(e.fields.keys()) : undefined;
  };

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
    eventFields,
    stageIndex: (n) => stageIndex.get(n),
    payloadFields,
    problems,
  });

  /** A set's value (sets may name other sets; a cycle, which the checker reports, gives none). */
  function setValue(name: string): Value[] | undefined {
    const cached = setValues.get(name);
    if (cached) return cached;
    const sd = setDecls.get(name);
    if (!sd || resolving.has(name)) return undefined;
    resolving.add(name);
    const v = compileExpr(sd.d.value, scopeFor(sd.uri, null)).ev(NO_STATE);
    resolving.delete(name);
    const arr = Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
    setValues.set(name, arr);
    return arr;
  }
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
  const payloadFields = (_uri: string, event: string) => eventFields(event) ?? new Set<string>();

  return {
    decls,
    stageDecls,
    stageIndex,
    fields,
    events,
    problems,
    scoreSlots,
    historyReads,
    clockWindows,
    src: (uri, n) => ({ uri, range: n.range }),
    textOf: (s) => (textByUri.get(s.uri) ?? "").slice(s.range.start.offset, s.range.end.offset),
    dur: durationMinutes,
    cond,
    constList: (uri, e) => {
      const v = compileExpr(e, scopeFor(uri, null)).ev(NO_STATE);
      const arr = Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
      return arr.filter((x): x is string => typeof x === "string");
    },
    payloadFields,
    trigger: (uri, t) => {
      if (!t) return null;
      if (t.kind === "StageTrigger") {
        const i = t.stage ? stageIndex.get(t.stage.text) : undefined;
        return i === undefined ? null : { kind: "stage", stage: i, event: "", where: null };
      }
      if (!t.event) return null;
      return { kind: "event", stage: -1, event: t.event.text, where: t.where ? cond(uri, t.where, payloadFields(uri, t.event.text)) : null };
    },
  };
}
