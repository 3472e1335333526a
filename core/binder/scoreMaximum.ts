/**
 * The most a score can ever hold, from its declaration alone: positive
 * attribute points plus positive event points that a `limit N` (without
 * `per`) bounds, clamped to cap and floor; any unbounded positive rule makes
 * it unbounded unless capped. The binder shows it in the score's detail; the
 * unreachable-threshold analysis compares against it.
 *
 * Attribute rules count together only when one lead can make their
 * conditions true at the same time (the attribute part is the sum of the
 * rules that hold now): `+45 when lead.size >= 1000` and `+10 when lead.size
 * < 50` give at most 45, not 55. This is decided over the lead fields the
 * conditions compare with written values (`==`, `!=`, `<`…, `between`, `in
 * [...]`, `starts_with`, `ends_with`, `is missing`/`present`, a boolean field),
 * trying the boundary values of every written constant and "missing". Any
 * other test (a set by name, `contains`, `matches`, arithmetic) may be true
 * or false for every lead, and a text comparison whose outcome would change if
 * the field were compared case-insensitively (email fields are) may be either:
 * so the result is never below the real maximum. Event rules fire at
 * different times, on leads whose fields may have changed since, so their
 * points add up whatever their conditions.
 */
import type * as A from "../syntax/ast.js";
import type { CrmSymbol } from "../workspace.js";
import { literalValue } from "../syntax/literal.js";

export interface MaxScore {
  /** The most the score can ever hold (Infinity when unbounded). */
  value: number;
  /** Why, in words, for messages and hovers. */
  reason: string;
}

type Val = string | number | boolean;
/** true, false, or "maybe" (either, depending on what this analysis does not model). */
type Tri = boolean | "maybe";
type Cond =
  | { k: "and" | "or"; a: Cond; b: Cond }
  | { k: "not"; a: Cond }
  | { k: "const"; v: Tri }
  | { k: "atom"; field: string; test: (v: Val | undefined) => Tri };

/** Combinations of field values tried; beyond it attribute points simply add up (an upper bound). */
const BUDGET = 20_000;

export function maxScoreOf(d: A.ScoreDecl): MaxScore {
  let events = 0;
  let unbounded: string | undefined;
  let cap: number | undefined;
  let floor: number | undefined;
  for (const s of d.settings) {
    if (s.kind === "Cap" && s.value) cap = s.value.value;
    if (s.kind === "Floor" && s.value) floor = s.value.value;
  }
  const attributes: { points: number; when: A.Expr | undefined; name: string }[] = [];
  for (const r of d.rules) {
    const p = r.points?.value;
    if (p === undefined || p <= 0 || !r.trigger) continue;
    const t = r.trigger;
    if (t.kind === "AttributeTrigger") attributes.push({ points: p, when: t.when, name: r.name?.text ?? "a rule" });
    else if (t.kind === "EventTrigger") {
      if (t.limit?.count && !t.limit.per) events += p * Math.max(0, t.limit.count.value);
      else unbounded ??= r.name?.text ?? "a rule";
    } else unbounded ??= r.name?.text ?? "a rule";
  }
  const attrs = attributeMaximum(attributes);
  const sum = attrs.value + events;
  let value = unbounded ? Infinity : sum;
  let reason = unbounded ? `\`${unbounded}\` can add points again and again` : `its rules add at most ${sum} points${attrs.apart ? `: ${attrs.apart}` : ""}`;
  if (cap !== undefined && cap < value) {
    value = cap;
    reason = `it is capped at ${cap}`;
  }
  if (floor !== undefined && floor > value) {
    value = floor;
    reason = `its floor is ${floor}`;
  }
  return { value, reason };
}

/** The most the attribute rules give together, and, when that is less than their sum, which rules never apply together. */
function attributeMaximum(rules: { points: number; when: A.Expr | undefined; name: string }[]): { value: number; apart?: string } {
  const total = rules.reduce((s, r) => s + r.points, 0);
  if (rules.length < 2) return { value: total };
  const mentioned = new Map<string, Set<Val>>();
  const conds = rules.map((r) => compile(r.when, mentioned));
  const fields = [...mentioned.keys()].sort();
  if (!fields.length) return { value: total };
  const domains = fields.map((f) => domain(mentioned.get(f)!));
  let combos = 1;
  for (const dm of domains) if ((combos *= dm.length) > BUDGET) return { value: total };
  const lead = new Map<string, Val | undefined>();
  const idx = fields.map(() => 0);
  let best = 0;
  let bestSet: boolean[] = [];
  for (;;) {
    fields.forEach((f, i) => lead.set(f, domains[i]![idx[i]!]));
    let s = 0;
    const on = conds.map((c) => can(c, lead, true));
    on.forEach((x, i) => x && (s += rules[i]!.points));
    if (s > best) (best = s), (bestSet = on);
    if (best === total) return { value: total };
    let i = fields.length - 1;
    while (i >= 0 && ++idx[i]! >= domains[i]!.length) idx[i--] = 0;
    if (i < 0) break;
  }
  const names = (on: boolean) => rules.filter((_, i) => !!bestSet[i] === on).map((r) => `\`${r.name}\``);
  const left = names(false);
  const taken = names(true);
  const list = (xs: string[], word: string) => (xs.length > 1 ? `${xs.slice(0, -1).join(", ")} ${word} ${xs[xs.length - 1]}` : xs[0]!);
  const apart = taken.length
    ? `no lead meets the conditions of ${list(taken, "and")} and also of ${list(left, "or")}`
    : `no lead meets the condition of ${list(left, "or")}`;
  return { value: best, apart };
}

/** Whether `c` can be `want` on this lead. */
function can(c: Cond, lead: Map<string, Val | undefined>, want: boolean): boolean {
  switch (c.k) {
    case "const":
      return c.v === "maybe" || c.v === want;
    case "atom": {
      const v = c.test(lead.get(c.field));
      return v === "maybe" || v === want;
    }
    case "not":
      return can(c.a, lead, !want);
    case "and":
      return want ? can(c.a, lead, true) && can(c.b, lead, true) : can(c.a, lead, false) || can(c.b, lead, false);
    case "or":
      return want ? can(c.a, lead, true) || can(c.b, lead, true) : can(c.a, lead, false) && can(c.b, lead, false);
  }
}

const MAYBE: Cond = { k: "const", v: "maybe" };

function leadField(e: A.Expr | undefined): string | undefined {
  if (e?.kind === "Paren") return leadField(e.inner);
  if (e?.kind !== "Path" || e.head.text !== "lead" || !e.segments.length) return undefined;
  return e.segments.map((s) => s.text).join(".");
}

/** A value written in the rule: a number, a text, a boolean, or a bare name (an enum value or a country code). */
/** A literal (core/syntax/literal.ts), or a bare name standing for a value (`DE`, `enterprise`). */
function constant(e: A.Expr | undefined): Val | undefined {
  while (e?.kind === "Paren") e = e.inner;
  if (e?.kind === "Path") return !e.segments.length && e.head.text !== "lead" ? e.head.text : undefined;
  return literalValue(e);
}

/** An outcome that is the same compared exactly and case-insensitively, else "maybe" (email fields compare lower-cased). */
function textTest(v: Val | undefined, test: (x: string) => boolean, lowered: (x: string) => boolean): Tri | undefined {
  if (typeof v !== "string") return undefined;
  const a = test(v);
  return a === lowered(v.toLowerCase()) ? a : "maybe";
}

function compile(e: A.Expr | undefined, mentioned: Map<string, Set<Val>>): Cond {
  if (!e) return MAYBE;
  const mention = (f: string, ...vs: Val[]) => {
    let s = mentioned.get(f);
    if (!s) mentioned.set(f, (s = new Set()));
    for (const v of vs) s.add(v);
  };
  switch (e.kind) {
    case "Paren":
      return compile(e.inner, mentioned);
    case "Bool":
      return { k: "const", v: e.value };
    case "Unary":
      return e.op === "not" ? { k: "not", a: compile(e.operand, mentioned) } : MAYBE;
    case "Path": {
      const f = leadField(e);
      if (!f) return MAYBE;
      mention(f, true, false);
      return { k: "atom", field: f, test: (v) => (typeof v === "boolean" ? v : v === undefined ? false : "maybe") };
    }
    case "Is": {
      const f = leadField(e.operand);
      if (!f || (e.test?.text !== "missing" && e.test?.text !== "present")) return MAYBE;
      mention(f);
      const missing = e.test.text === "missing";
      return { k: "atom", field: f, test: (v) => (v === undefined) === missing };
    }
    case "Between": {
      const f = leadField(e.operand);
      const lo = constant(e.low);
      const hi = constant(e.high);
      if (!f || typeof lo !== "number" || typeof hi !== "number") return MAYBE;
      mention(f, lo, hi);
      return { k: "atom", field: f, test: (v) => (typeof v === "number" ? v >= lo && v <= hi : false) };
    }
    case "Binary": {
      if (e.op === "and" || e.op === "or") return { k: e.op, a: compile(e.left, mentioned), b: compile(e.right, mentioned) };
      return compare(e, mention) ?? MAYBE;
    }
    default:
      return MAYBE;
  }
}

const FLIP: Record<string, string> = { "<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!=" };

function compare(e: A.BinaryExpr, mention: (f: string, ...vs: Val[]) => void): Cond | undefined {
  let op: string = e.op;
  let f = leadField(e.left);
  let other = e.right;
  if (!f && op in FLIP) {
    f = leadField(e.right);
    other = e.left;
    op = FLIP[op]!;
  }
  if (!f) return undefined;
  const field = f;
  // A missing value makes every comparison unknown, which never applies a rule: false here.
  const atom = (test: (v: Val) => Tri | undefined): Cond => ({ k: "atom", field, test: (v) => (v === undefined ? false : (test(v) ?? false)) });
  if (op === "in" || op === "not in") {
    if (other?.kind !== "List") return undefined;
    const items = other.items.map(constant);
    if (!items.length || items.some((x) => x === undefined)) return undefined;
    const vals = items as Val[];
    mention(field, ...vals);
    const neg = op === "not in";
    return atom((v) => {
      const exact = vals.includes(v);
      const lower = typeof v === "string" && vals.some((x) => typeof x === "string" && x.toLowerCase() === v.toLowerCase());
      return exact === lower ? exact !== neg : "maybe";
    });
  }
  const c = constant(other);
  if (c === undefined) return undefined;
  mention(field, c);
  switch (op) {
    case "==":
    case "!=": {
      const neg = op === "!=";
      return atom((v) => {
        if (typeof v === "string" && typeof c === "string") {
          const t = textTest(v, (x) => x === c, (x) => x === c.toLowerCase());
          return t === "maybe" || t === undefined ? t : t !== neg;
        }
        return typeof v === typeof c ? (v === c) !== neg : undefined;
      });
    }
    case "<":
    case "<=":
    case ">":
    case ">=":
      if (typeof c !== "number") return undefined;
      return atom((v) => (typeof v !== "number" ? undefined : op === "<" ? v < c : op === "<=" ? v <= c : op === ">" ? v > c : v >= c));
    case "starts_with":
    case "ends_with": {
      if (typeof c !== "string") return undefined;
      const lc = c.toLowerCase();
      return atom((v) => (op === "starts_with" ? textTest(v, (x) => x.startsWith(c), (x) => x.startsWith(lc)) : textTest(v, (x) => x.endsWith(c), (x) => x.endsWith(lc))));
    }
    default:
      return undefined;
  }
}

/** Candidate values of a field: "missing", both booleans, every region between the written numbers, each written text, texts just around it and each two joined, and one other text. */
function domain(written: Set<Val>): (Val | undefined)[] {
  const out: (Val | undefined)[] = [undefined];
  const nums = [...new Set([...written].filter((v): v is number => typeof v === "number"))].sort((a, b) => a - b);
  const strs = [...new Set([...written].filter((v): v is string => typeof v === "string"))].sort();
  if ([...written].some((v) => typeof v === "boolean")) out.push(true, false);
  if (nums.length) {
    out.push(nums[0]! - 1);
    nums.forEach((t, i) => {
      out.push(t);
      const next = nums[i + 1];
      out.push(next === undefined ? t + 1 : (t + next) / 2);
    });
  }
  if (strs.length) {
    let fresh = "other";
    while (strs.includes(fresh)) fresh += "_";
    out.push(fresh, ...strs);
    const seen = new Set<string>(out.filter((v): v is string => typeof v === "string"));
    const add = (v: string) => !seen.has(v) && (seen.add(v), out.push(v));
    for (const s of strs) for (const v of [`_${s}`, `${s}_`]) add(v);
    // One text for each pair, so `starts_with "/p"` and `ends_with ".html"` are seen to hold together.
    for (const s of strs) for (const t of strs) if (s !== t) add(s + t);
  }
  return out;
}

const maxima = new WeakMap<A.Node, MaxScore>();

/** The most a score symbol can hold (memoized per declaration node: it depends on the declaration alone). */
export function maxOfScore(s: CrmSymbol): MaxScore {
  const node = s.node as A.ScoreDecl;
  let m = maxima.get(node);
  if (!m) maxima.set(node, (m = maxScoreOf(node)));
  return m;
}
