/**
 * Conditions and values (docs/language.md §12): a direct walk of the expression tree.
 * Missing is `null`; a condition's result is `true`, `false` or `null` (unknown, §12.3).
 * Stages and grades are tagged so that they compare by declaration order / grade order.
 */
import type * as A from "../../../core/syntax/ast.js";
import { minutes, typeName, payloadType, type Model } from "./model.js";

export type OValue = null | number | boolean | string | OValue[] | { stage: number } | { grade: number; letter: string };

export interface HistoryEvent {
  name: string;
  at: number;
  payload: Record<string, unknown>;
}

/** What an expression can see when it is evaluated. */
export interface Scope {
  model: Model;
  uri: string;
  now: number;
  fields: Record<string, unknown>;
  history: HistoryEvent[];
  /** The event being processed by this evaluation (`on E`), if any. */
  current: string | null;
  stage: number;
  score: (name: string) => number | null;
  /** Inside a `where`: the filtered event and its payload. */
  payload?: { event: string; values: Record<string, unknown> };
}

const isObj = (v: OValue): v is { stage: number } | { grade: number; letter: string } => typeof v === "object" && v !== null && !Array.isArray(v);

/** §6 Grades: the first entry whose minimum the score meets, else `otherwise`; unscored: missing. */
export function gradeOf(g: A.GradeDecl, value: number | null): { letter: string; rank: number } | null {
  if (value === null) return null;
  for (let i = 0; i < g.entries.length; i++) {
    const e = g.entries[i]!;
    if (!e.letter) continue;
    if (e.otherwise || (e.min && value >= e.min.value)) return { letter: e.letter.text, rank: g.entries.length - i };
  }
  return null;
}

function gradeValue(s: Scope, g: A.GradeDecl): OValue {
  const r = gradeOf(g, s.score(g.score?.text ?? ""));
  return r ? { grade: r.rank, letter: r.letter } : null;
}

/** A stored field value as a condition sees it (lists stay lists). */
function stored(v: unknown): OValue {
  if (v === undefined || v === null) return null;
  return v as OValue;
}

/** Whether an expression denotes an email (§12.2: every comparison involving an email is case-insensitive). */
export function isEmail(s: Scope, e: A.Expr | undefined): boolean {
  if (!e) return false;
  if (e.kind === "Paren") return isEmail(s, e.inner);
  if (e.kind !== "Path") return false;
  let t: A.TypeRef | undefined;
  if (e.head.text === "lead") {
    if (e.segments.length !== 1) return false;
    t = s.model.fieldTypes.get(e.segments[0]!.text);
  } else if (e.segments.length === 0 && s.payload && s.model.ref(s.uri, e.head)?.kind === "payloadField") {
    t = payloadType(s.model, s.payload.event, e.head.text);
  }
  if (!t) return false;
  if (t.kind === "ListType") t = t.element;
  return typeName(t) === "email";
}

function lower(v: OValue): OValue {
  if (typeof v === "string") return v.toLowerCase();
  if (Array.isArray(v)) return v.map(lower);
  return v;
}

/** §12.2 `matches`: `*` any run, `?` one UTF-16 code unit, the whole value; plain dynamic programming. */
export function glob(value: string, pattern: string): boolean {
  // can[i][j]: value[i..] matches pattern[j..]
  const n = value.length;
  const q = pattern.length;
  let next: boolean[] = new Array(n + 1).fill(false);
  next[n] = true; // empty pattern matches the empty rest only
  for (let j = q - 1; j >= 0; j--) {
    const cur: boolean[] = new Array(n + 1).fill(false);
    const c = pattern[j]!;
    for (let i = n; i >= 0; i--) {
      if (c === "*") cur[i] = next[i]! || (i < n && cur[i + 1]!);
      else cur[i] = i < n && (c === "?" || value[i] === c) && next[i + 1]!;
    }
    next = cur;
  }
  return next[0]!;
}

function equal(a: OValue, b: OValue): boolean {
  if (isObj(a) && isObj(b)) return "stage" in a && "stage" in b ? a.stage === b.stage : "grade" in a && "grade" in b ? a.grade === b.grade : false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => equal(x, b[i]!));
  return a === b;
}

function order(v: OValue): number | string {
  if (isObj(v)) return "stage" in v ? v.stage : v.grade;
  return v as number | string;
}

function compare(op: string, a: OValue, b: OValue): boolean | null {
  if (a === null || b === null) return null;
  switch (op) {
    case "==":
      return equal(a, b);
    case "!=":
      return !equal(a, b);
  }
  const x = order(a);
  const y = order(b);
  switch (op) {
    case "<":
      return x < y;
    case "<=":
      return x <= y;
    case ">":
      return x > y;
    default:
      return x >= y;
  }
}

function members(v: OValue): OValue[] | null {
  if (v === null) return null;
  return Array.isArray(v) ? v : [v];
}

/** Kleene's logic (§12.3). */
const and = (a: boolean | null, b: boolean | null) => (a === false || b === false ? false : a === null || b === null ? null : true);
const or = (a: boolean | null, b: boolean | null) => (a === true || b === true ? true : a === null || b === null ? null : false);

function events(s: Scope, name: string, where: A.Expr | undefined, within: A.Duration | undefined): number {
  let n = 0;
  for (const h of s.history) {
    if (h.name !== name) continue;
    if (within && !(s.now - minutes(within) <= h.at && h.at <= s.now)) continue;
    if (where && evaluate({ ...s, payload: { event: name, values: h.payload } }, where) !== true) continue;
    n++;
  }
  return n;
}

/** A condition (§12.3: it fires only when true). */
export function holds(s: Scope, e: A.Expr | undefined): boolean {
  return evaluate(s, e) === true;
}

export function evaluate(s: Scope, e: A.Expr | undefined): OValue {
  if (!e) return null;
  switch (e.kind) {
    case "Number":
      return e.value;
    case "String":
      return e.value;
    case "Bool":
      return e.value;
    case "Date":
      return e.text;
    case "List":
      return e.items.map((i) => evaluate(s, i));
    case "Paren":
      return evaluate(s, e.inner);
    case "StageRef":
      return { stage: s.stage };
    case "On":
      return s.current !== null && s.current === e.event?.text;
    case "Within":
      return events(s, e.event.text, undefined, e.within) > 0;
    case "Count":
      return events(s, e.event?.text ?? "", e.where, e.within);
    case "Path":
      return path(s, e);
    case "Unary": {
      const v = evaluate(s, e.operand);
      if (e.op === "not") return v === null ? null : !(v as boolean);
      return typeof v === "number" ? -v : null;
    }
    case "Is": {
      const test = e.test?.text;
      const v = evaluate(s, e.operand);
      if (test === "present") return v !== null;
      if (test === "unscored") {
        // A grade is unscored when its score is.
        const op = e.operand?.kind === "Path" ? e.operand : undefined;
        const sym = op && op.segments.length === 0 ? s.model.ref(s.uri, op.head) : undefined;
        if (sym?.kind === "grade") {
          const g = s.model.grades.find((x) => x.name?.text === sym.name);
          return s.score(g?.score?.text ?? "") === null;
        }
        return v === null;
      }
      return v === null;
    }
    case "Between": {
      const email = isEmail(s, e.operand);
      let v = evaluate(s, e.operand);
      let lo = evaluate(s, e.low);
      let hi = evaluate(s, e.high);
      if (email) [v, lo, hi] = [lower(v), lower(lo), lower(hi)];
      return and(compare("<=", lo, v), compare("<=", v, hi));
    }
    case "Binary":
      return binary(s, e);
  }
}

function binary(s: Scope, e: A.BinaryExpr): OValue {
  if (e.op === "and") {
    const a = evaluate(s, e.left) as boolean | null;
    return and(a, evaluate(s, e.right) as boolean | null);
  }
  if (e.op === "or") {
    const a = evaluate(s, e.left) as boolean | null;
    return or(a, evaluate(s, e.right) as boolean | null);
  }
  let a = evaluate(s, e.left);
  let b = evaluate(s, e.right);
  if (e.op === "+" || e.op === "-") {
    if (Array.isArray(a) || Array.isArray(b)) {
      // §5: union and difference of sets.
      const x = members(a) ?? [];
      const y = members(b) ?? [];
      if (e.op === "+") return [...x, ...y.filter((v) => !x.some((w) => equal(v, w)))];
      return x.filter((v) => !y.some((w) => equal(v, w)));
    }
    if (typeof a !== "number" || typeof b !== "number") return null;
    return e.op === "+" ? a + b : a - b;
  }
  if (e.op === "*" || e.op === "/") {
    if (typeof a !== "number" || typeof b !== "number") return null;
    if (e.op === "*") return a * b;
    return b === 0 ? null : a / b;
  }
  if (isEmail(s, e.left) || isEmail(s, e.right)) {
    a = lower(a);
    b = lower(b);
  }
  if (a === null || b === null) return null;
  switch (e.op) {
    case "in":
    case "not in": {
      const list = members(b)!;
      if (list.some((x) => x === null)) return null;
      const hit = list.some((x) => equal(a, x));
      return e.op === "in" ? hit : !hit;
    }
    case "contains":
      if (Array.isArray(a)) return a.some((x) => equal(x, b));
      return (a as string).includes(b as string);
    case "starts_with":
      return (a as string).startsWith(b as string);
    case "ends_with":
      return (a as string).endsWith(b as string);
    case "matches":
      return glob(a as string, b as string);
    default:
      return compare(e.op, a, b);
  }
}

/** §12.1: names in conditions, resolved as the checker resolved them. */
function path(s: Scope, e: A.PathExpr): OValue {
  if (e.head.text === "lead" && e.segments.length > 0) {
    const field = e.segments[0]!.text;
    const v = stored(s.fields[field]);
    if (e.segments.length > 1 && e.segments[1]!.text === "domain") {
      if (typeof v !== "string") return null;
      const at = v.lastIndexOf("@");
      return at < 0 ? null : v.slice(at + 1).toLowerCase();
    }
    return v;
  }
  const sym = s.model.ref(s.uri, e.head);
  const name = e.head.text;
  switch (sym?.kind) {
    case "payloadField":
      return stored(s.payload?.values[name]);
    case "set":
    case "territory":
      return evaluate({ ...s, uri: s.model.uriOf.get(s.model.sets.get(name)!)!, payload: undefined }, s.model.sets.get(name)?.value);
    case "score":
      return s.score(name);
    case "grade":
      return gradeValue(s, s.model.grades.find((g) => g.name?.text === name)!);
    case "event":
      return s.history.some((h) => h.name === name);
    case "stage":
      return { stage: s.model.stages.findIndex((x) => x.name?.text === name) };
    case "gradeLetter": {
      const g = s.model.grades.find((x) => x.name?.text === sym.container)!;
      const i = g.entries.findIndex((x) => x.letter?.text === name);
      return { grade: g.entries.length - i, letter: name };
    }
    default:
      // An enum value, a consent purpose or a country code: the name itself.
      return name;
  }
}
