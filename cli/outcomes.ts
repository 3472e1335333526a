/**
 * What a run of the rules ends with, how two runs differ, and which changed declarations
 * cause each difference. Shared by `diff`'s journeys and its event-log replay: a journey's
 * run and a lead's replay both end in a `FinalState` with a trace.
 *
 * Causes: the declarations whose text differs between the two versions (`score engagement`,
 * `engagement.webinar`, `inbound.denmark`, `email_marketing in [US]`, …). A changed
 * declaration causes a changed outcome when a trace entry of that outcome's kind, present in
 * one run and not the other, comes from it (the entry's source lies inside the declaration,
 * or the entry names it: the route, the target team, the action, the consent purpose). When
 * no such entry explains an outcome, the outcomes it depends on do (stage on scores; routing
 * on the stage; actions on the stage and routing), and failing those, changed declarations
 * the trace does not point at (the schema, sets, territories, owners, queues, teams).
 */
import type { IToken } from "chevrotain";
import type * as A from "../core/syntax/ast.js";
import type { ParseResult } from "../core/syntax/parse.js";
import type { WorkspaceCheck } from "../core/workspace.js";
import type { CompiledRules, FinalState, TraceEntry, TargetValue, Value } from "../core/engine/index.js";
import { blockKey } from "../core/engine/bulk/index.js";

// ------------------------------------------------------------------ outcomes

export interface Outcome {
  stage: string | null;
  scores: Record<string, number | null>;
  grades: Record<string, string | null>;
  /** `route: target` per routing decision, e.g. `inbound: owner kari`. */
  routing: string[];
  /** The current assignment (after escalations): `owner kari`, `queue unrouted`, or `not routed`. */
  owner: string;
  /** Sent actions: per action, each call as `name(args)`. */
  sent: Record<string, string[]>;
  /** Blocked actions: per `action (purpose clause)`, each call as `name(args)`. */
  blocked: Record<string, string[]>;
  /** Escalation targets, in order. */
  escalations: string[];
  erased: boolean;
}

export function showTargetValue(t: TargetValue | null): string {
  if (!t) return "not routed";
  if (t.kind === "discard") return "discard";
  return t.member ? `${t.kind} ${t.name} (owner ${t.member})` : `${t.kind} ${t.name}`;
}

function showArg(v: Value): string {
  return typeof v === "string" ? JSON.stringify(v) : Array.isArray(v) ? `[${v.map(showArg).join(", ")}]` : String(v);
}

const call = (action: string, args: Value[]) => (args.length ? `${action}(${args.map(showArg).join(", ")})` : action);

function push(m: Record<string, string[]>, k: string, v: string): void {
  (m[k] ??= []).push(v);
}

export function outcomeOf(f: FinalState): Outcome {
  const sent: Record<string, string[]> = {};
  for (const s of f.sent) push(sent, s.action, call(s.action, s.args));
  const blocked: Record<string, string[]> = {};
  for (const b of f.blocked) push(blocked, `${b.action} (${blockKey(b)})`, call(b.action, b.args));
  return {
    stage: f.stage,
    scores: f.scores,
    grades: f.grades,
    routing: f.routing.map((x) => `${x.route}: ${showTargetValue(x.target)}`),
    owner: showTargetValue(f.assignment),
    sent,
    blocked,
    escalations: f.escalations.map(showTargetValue),
    erased: f.erased,
  };
}

// ------------------------------------------------------------------ declarations and what changed

interface Piece {
  key: string;
  start: number;
  end: number;
}

interface FilePieces {
  pieces: Piece[];
  /** Key → the declaration's own tokens (children left out), for comparing versions. */
  own: Map<string, string>;
}

const piecesMemo = new WeakMap<ParseResult, FilePieces>();

/** Keys of declarations the trace never points at: a change to one of these is named only when nothing traced explains an outcome. */
const UNTRACED = /^(lead|lead field|event|set|territory|owner|queue|team)( |$)/;

function declPieces(d: A.Decl, text: (n: { range: A.Node["range"] }) => string): { key: string; node: A.Node; children: { key: string; node: A.Node }[] } | null {
  const n = (x: A.Name | undefined) => x?.text ?? "?";
  switch (d.kind) {
    case "Lead":
      return { key: "lead", node: d, children: d.fields.filter((f) => f.name).map((f) => ({ key: `lead field ${f.name!.text}`, node: f })) };
    case "Event":
      return { key: `event ${n(d.name)}`, node: d, children: [] };
    case "Set":
      return { key: `${d.keyword} ${n(d.name)}`, node: d, children: [] };
    case "Score":
      return { key: `score ${n(d.name)}`, node: d, children: d.rules.map((r) => ({ key: `${n(d.name)}.${n(r.name)}`, node: r })) };
    case "Grade":
      return { key: `grade ${n(d.name)}`, node: d, children: [] };
    case "Stage":
      return { key: `stage ${n(d.name)}`, node: d, children: [] };
    case "Reenter":
      return { key: `reenter ${n(d.stage)} from ${n(d.from)}`, node: d, children: [] };
    case "Owner":
      return { key: `owner ${n(d.name)}`, node: d, children: [] };
    case "Queue":
      return { key: `queue ${n(d.name)}`, node: d, children: [] };
    case "Team":
      return { key: `team ${n(d.name)}`, node: d, children: [] };
    case "Route": {
      const children: { key: string; node: A.Node }[] = d.rules.map((r) => ({ key: `${n(d.name)}.${n(r.name)}`, node: r }));
      if (d.fallback) children.push({ key: `${n(d.name)}.otherwise`, node: d.fallback });
      return { key: `route ${n(d.name)}`, node: d, children };
    }
    case "Consent":
      return { key: `consent ${n(d.name)}`, node: d, children: d.clauses.map((c) => ({ key: `${n(d.name)} ${c.otherwise ? "otherwise" : `in ${c.region ? text(c.region) : "?"}`}`, node: c })) };
    case "Action":
      return { key: `action ${n(d.name)}`, node: d, children: [] };
    case "Workflow":
      return { key: `workflow ${n(d.name)}`, node: d, children: [] };
    default:
      return null;
  }
}

function filePieces(pr: ParseResult): FilePieces {
  const hit = piecesMemo.get(pr);
  if (hit) return hit;
  const tokens: IToken[] = pr.tokens;
  const src = pr.lines.text;
  const text = (x: { range: A.Node["range"] }) => src.slice(x.range.start.offset, x.range.end.offset).replace(/\s+/g, " ");
  // The significant tokens (comments and layout left out) of [start, end) minus the holes.
  // Tokens are in offset order: find the first of a range by bisection, then read on to its end.
  const firstAt = (offset: number) => {
    let lo = 0;
    let hi = tokens.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (tokens[mid]!.startOffset < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const tokensIn = (start: number, end: number, holes: { start: number; end: number }[]) => {
    const out: string[] = [];
    let h = 0;
    for (let i = firstAt(start); i < tokens.length && tokens[i]!.startOffset < end; i++) {
      const at = tokens[i]!.startOffset;
      while (h < holes.length && holes[h]!.end <= at) h++;
      if (h < holes.length && holes[h]!.start <= at) continue;
      out.push(tokens[i]!.image);
    }
    return out.join(" ");
  };
  const pieces: Piece[] = [];
  const own = new Map<string, string>();
  const add = (key: string, s: string) => own.set(key, own.has(key) ? `${own.get(key)}\n${s}` : s);
  for (const d of pr.file.decls) {
    const p = declPieces(d, text);
    if (!p) continue;
    const span = (x: A.Node) => ({ start: x.range.start.offset, end: x.range.end.offset });
    const holes = p.children.map((c) => span(c.node)).sort((x, y) => x.start - y.start);
    pieces.push({ key: p.key, ...span(p.node) });
    add(p.key, tokensIn(span(p.node).start, span(p.node).end, holes));
    for (const c of p.children) {
      pieces.push({ key: c.key, ...span(c.node) });
      add(c.key, tokensIn(span(c.node).start, span(c.node).end, []));
    }
  }
  const out = { pieces, own };
  piecesMemo.set(pr, out);
  return out;
}

/** The declarations of one side, by file, and each declaration's text. */
export class Declarations {
  readonly own = new Map<string, string>();
  private readonly byUri = new Map<string, Piece[]>();

  constructor(check: WorkspaceCheck) {
    for (const uri of [...check.files.keys()].sort()) {
      const fp = filePieces(check.files.get(uri)!);
      this.byUri.set(uri, fp.pieces);
      for (const [k, v] of fp.own) this.own.set(k, this.own.has(k) ? `${this.own.get(k)}\n${v}` : v);
    }
  }

  /** Keys of the declarations containing a range (the innermost and its parent). */
  at(uri: string, range: A.Node["range"]): string[] {
    const ps = this.byUri.get(uri);
    if (!ps) return [];
    return ps.filter((p) => p.start <= range.start.offset && range.end.offset <= p.end).map((p) => p.key);
  }
}

/** Keys whose text differs between the two sides, or that only one side declares. */
export function changedDeclarations(base: Declarations, head: Declarations): Set<string> {
  const out = new Set<string>();
  for (const [k, v] of head.own) if (base.own.get(k) !== v) out.add(k);
  for (const k of base.own.keys()) if (!head.own.has(k)) out.add(k);
  return out;
}

// ------------------------------------------------------------------ thresholds

export interface Threshold {
  score: string;
  op: A.CompareOp;
  value: number;
  /** `engagement >= 25 (stage mql)`. */
  label: string;
}

const COMPARE = new Set(["==", "!=", "<", "<=", ">", ">="]);
const FLIP: Record<string, A.CompareOp> = { "<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!=" };

function children(n: unknown): A.Node[] {
  const out: A.Node[] = [];
  for (const [k, v] of Object.entries(n as object)) {
    if (k === "range" || k === "opRange" || k === "keyword" || k === "reachRange") continue;
    if (Array.isArray(v)) for (const x of v) if (x && typeof x === "object" && typeof (x as A.Node).kind === "string") out.push(x as A.Node);
    if (v && typeof v === "object" && typeof (v as A.Node).kind === "string") out.push(v as A.Node);
  }
  return out;
}

/** Comparisons of a score with a number in the rules (`engagement >= 25` in `stage mql`), and each grade's letters. */
export function thresholds(check: WorkspaceCheck, rules: CompiledRules): Threshold[] {
  const scores = new Set(rules.scores.map((s) => s.name));
  const out = new Map<string, Threshold>();
  const add = (t: Omit<Threshold, "label">, where: string) => {
    const label = `${t.score} ${t.op} ${t.value} (${where})`;
    out.set(label, { ...t, label });
  };
  for (const uri of [...check.files.keys()].sort()) {
    const pr = check.files.get(uri)!;
    for (const d of pr.file.decls) {
      if (d.kind === "Journey") continue;
      const top = declPieces(d, () => "");
      if (!top) continue;
      if (d.kind === "Grade" && d.score && scores.has(d.score.text)) {
        for (const e of d.entries) if (!e.otherwise && e.min && e.letter) add({ score: d.score.text, op: ">=", value: e.min.value }, `grade ${d.name?.text ?? "?"} ${e.letter.text}`);
        continue;
      }
      // An explicit stack: operator chains are left-deep trees as deep as they are long (core/syntax/walk.ts).
      const stack: [A.Node, string][] = [[d, top.key]];
      while (stack.length) {
        const [n, where] = stack.pop()!;
        const child = top.children.find((c) => c.node === n);
        const here = child ? child.key : where;
        if (n.kind === "Binary" && COMPARE.has((n as A.BinaryExpr).op)) {
          const b = n as A.BinaryExpr;
          const isScore = (x: A.Expr | undefined): x is A.PathExpr => x?.kind === "Path" && x.segments.length === 0 && scores.has(x.head.text);
          if (isScore(b.left) && b.right?.kind === "Number") add({ score: b.left.head.text, op: b.op as A.CompareOp, value: b.right.value }, here);
          else if (isScore(b.right) && b.left?.kind === "Number") add({ score: b.right.head.text, op: FLIP[b.op]!, value: b.left.value }, here);
        }
        for (const c of children(n).reverse()) stack.push([c, here]);
      }
    }
  }
  return [...out.values()];
}

function holds(t: Threshold, v: number | null | undefined): boolean {
  if (v === null || v === undefined) return false;
  switch (t.op) {
    case "==":
      return v === t.value;
    case "!=":
      return v !== t.value;
    case "<":
      return v < t.value;
    case "<=":
      return v <= t.value;
    case ">":
      return v > t.value;
    default:
      return v >= t.value;
  }
}

/** The thresholds a score's move crosses, with the direction (`up`: now holds). */
export function crossed(ts: Threshold[], score: string, before: number | null | undefined, after: number | null | undefined): { label: string; up: boolean }[] {
  return ts.filter((t) => t.score === score && holds(t, before) !== holds(t, after)).map((t) => ({ label: t.label, up: holds(t, after) }));
}

// ------------------------------------------------------------------ changes and their causes

export interface Change {
  /** `stage`, `owner`, `routing`, `score engagement`, `grade fit_grade`, `sent send_email`, `blocked send_email (email_marketing in [US])`, `escalations`, `erasure`. */
  what: string;
  before: string;
  after: string;
  /** For a score: the thresholds the move crosses (`engagement >= 25 (stage mql)`, rising or falling). */
  crosses?: { label: string; up: boolean }[];
  /** The changed declarations behind it. */
  causes: string[];
}

/** One side of a comparison: the run's outcome and trace, and the declarations it ran on. */
export interface RunSide {
  final: FinalState;
  trace: TraceEntry[];
  rules: CompiledRules;
  decls: Declarations;
}

type Category = string; // `score:NAME`, `stage`, `routing`, `action:NAME`, `escalation`

function signature(e: TraceEntry): [Category, string] | null {
  switch (e.kind) {
    case "score":
      return [`score:${e.score}`, JSON.stringify([e.at, e.rule, e.applied])];
    case "suppressed":
      return [`score:${e.score}`, JSON.stringify(["suppressed", e.at, e.rule])];
    case "stage":
      return ["stage", JSON.stringify([e.at, e.to, e.how])];
    case "route":
      return ["routing", JSON.stringify([e.at, e.route, e.rule, e.target])];
    case "escalation":
      return ["escalation", JSON.stringify([e.at, e.route, e.status, e.target, e.due])];
    case "action":
      return [`action:${e.action}`, JSON.stringify([e.at, e.workflow, e.args, e.status, e.consent?.clause ?? null, e.consent?.basis ?? null])];
    default:
      return null;
  }
}

/** Declarations an entry comes from or names. */
function touched(e: TraceEntry, decls: Declarations): string[] {
  const out = decls.at(e.source.uri, e.source.range);
  // A team's members and weights decide who gets the lead; an owner's or queue's declaration (an address, a label) does not.
  const target = (t: TargetValue | null) => {
    if (t?.kind === "team" && t.name) out.push(`team ${t.name}`);
  };
  switch (e.kind) {
    case "score":
    case "suppressed":
      out.push(`score ${e.score}`);
      break;
    case "stage":
      out.push(`stage ${e.to}`);
      break;
    case "route":
      out.push(`route ${e.route}`);
      target(e.target);
      break;
    case "escalation":
      out.push(`route ${e.route}`);
      target(e.target);
      break;
    case "action":
      out.push(`action ${e.action}`, `workflow ${e.workflow}`);
      if (e.consent) {
        out.push(`consent ${e.consent.purpose}`);
        if (e.consent.clauseSource) out.push(...decls.at(e.consent.clauseSource.uri, e.consent.clauseSource.range));
      }
      break;
  }
  return out;
}

/** The entries per category that one run has and the other has not (a multiset difference both ways), with the declarations they touch. */
function differing(a: RunSide, b: RunSide): Map<Category, Set<string>> {
  const index = (s: RunSide) => {
    const m = new Map<Category, Map<string, { n: number; touched: string[][] }>>();
    for (const e of s.trace) {
      const sig = signature(e);
      if (!sig) continue;
      const [cat, k] = sig;
      let c = m.get(cat);
      if (!c) m.set(cat, (c = new Map()));
      const x = c.get(k) ?? { n: 0, touched: [] };
      x.n++;
      x.touched.push(touched(e, s.decls));
      c.set(k, x);
    }
    return m;
  };
  const ia = index(a);
  const ib = index(b);
  const out = new Map<Category, Set<string>>();
  for (const [one, other] of [
    [ia, ib],
    [ib, ia],
  ] as const) {
    for (const [cat, sigs] of one) {
      for (const [k, x] of sigs) {
        const n = other.get(cat)?.get(k)?.n ?? 0;
        if (x.n <= n) continue;
        let set = out.get(cat);
        if (!set) out.set(cat, (set = new Set()));
        // The surplus occurrences (the last ones) are the ones the other run lacks.
        for (const t of x.touched.slice(n)) for (const key of t) set.add(key);
      }
    }
  }
  return out;
}

const sortKeys = (xs: Iterable<string>) => [...new Set(xs)].sort();

/** Every outcome that differs between two runs, each with the changed declarations behind it. */
export function compareRuns(before: RunSide, after: RunSide, changed: Set<string>, ts: Threshold[]): Change[] {
  const b = outcomeOf(before.final);
  const a = outcomeOf(after.final);
  const diff = differing(before, after);
  const direct = (cat: Category) => [...(diff.get(cat) ?? [])].filter((k) => changed.has(k));
  const untraced = [...changed].filter((k) => UNTRACED.test(k));
  const memo = new Map<Category, string[]>();
  const scoreCats = () => [...diff.keys()].filter((c) => c.startsWith("score:"));
  const upstream: Record<string, () => Category[]> = {
    stage: scoreCats,
    routing: () => ["stage", ...scoreCats()],
    escalation: () => ["routing"],
  };
  const causesOf = (cat: Category, seen: Set<Category> = new Set()): string[] => {
    const hit = memo.get(cat);
    if (hit) return hit;
    seen.add(cat);
    let out = direct(cat);
    if (!out.length) {
      const ups = cat.startsWith("action:") ? ["stage", "routing", ...scoreCats()] : (upstream[cat]?.() ?? []);
      out = ups.filter((u) => diff.has(u) && !seen.has(u)).flatMap((u) => causesOf(u, seen));
    }
    if (!out.length) out = untraced;
    const r = sortKeys(out);
    memo.set(cat, r);
    return r;
  };
  const changes: Change[] = [];
  if (b.stage !== a.stage) changes.push({ what: "stage", before: b.stage ?? "none", after: a.stage ?? "none", causes: causesOf("stage") });
  if (b.owner !== a.owner) changes.push({ what: "owner", before: b.owner, after: a.owner, causes: sortKeys([...causesOf("routing"), ...(diff.has("escalation") ? causesOf("escalation") : [])]) });
  else if (b.routing.join("\n") !== a.routing.join("\n")) changes.push({ what: "routing", before: b.routing.join(", ") || "not routed", after: a.routing.join(", ") || "not routed", causes: causesOf("routing") });
  for (const s of sortKeys([...Object.keys(b.scores), ...Object.keys(a.scores)])) {
    const x = b.scores[s] ?? null;
    const y = a.scores[s] ?? null;
    if (x === y) continue;
    const crosses = crossed(ts, s, x, y);
    changes.push({ what: `score ${s}`, before: x === null ? "unscored" : String(x), after: y === null ? "unscored" : String(y), ...(crosses.length ? { crosses } : {}), causes: causesOf(`score:${s}`) });
  }
  const gradeScore = new Map([...before.rules.grades, ...after.rules.grades].map((g) => [g.name, g.score]));
  for (const g of sortKeys([...Object.keys(b.grades), ...Object.keys(a.grades)])) {
    const x = b.grades[g] ?? null;
    const y = a.grades[g] ?? null;
    if (x === y) continue;
    const s = gradeScore.get(g);
    const causes = sortKeys([...(changed.has(`grade ${g}`) ? [`grade ${g}`] : []), ...(s ? causesOf(`score:${s}`) : [])]);
    changes.push({ what: `grade ${g}`, before: x ?? "none", after: y ?? "none", causes });
  }
  const actionOf = (k: string) => k.split(" ")[0]!;
  const list = (xs: string[] | undefined, none: string) => (xs?.length ? xs.join(", ") : none);
  for (const k of sortKeys([...Object.keys(b.sent), ...Object.keys(a.sent)])) {
    if ((b.sent[k] ?? []).join("\n") === (a.sent[k] ?? []).join("\n")) continue;
    changes.push({ what: `sent ${k}`, before: list(b.sent[k], "not sent"), after: list(a.sent[k], "not sent"), causes: causesOf(`action:${k}`) });
  }
  for (const k of sortKeys([...Object.keys(b.blocked), ...Object.keys(a.blocked)])) {
    if ((b.blocked[k] ?? []).join("\n") === (a.blocked[k] ?? []).join("\n")) continue;
    changes.push({ what: `blocked ${k}`, before: list(b.blocked[k], "not blocked"), after: list(a.blocked[k], "not blocked"), causes: causesOf(`action:${actionOf(k)}`) });
  }
  if (b.escalations.join("\n") !== a.escalations.join("\n")) changes.push({ what: "escalations", before: list(b.escalations, "none"), after: list(a.escalations, "none"), causes: causesOf("escalation") });
  if (b.erased !== a.erased) changes.push({ what: "erasure", before: b.erased ? "erased" : "not erased", after: a.erased ? "erased" : "not erased", causes: untraced });
  return changes;
}
