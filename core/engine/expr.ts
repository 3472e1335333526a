/**
 * Conditions and values (docs/language.md §12, with §12.3 three-valued logic and §13 windows):
 * expressions compiled once into closures (three-valued: `undefined` is missing / unknown).
 * No `eval`, no AST walk per evaluation.
 */
import type * as A from "../syntax/ast.js";
import { durationMinutes } from "../vocabulary.js";
import type { Bindings, Value } from "./trace.js";
import { chainFamily, leftSpine } from "../syntax/walk.js";

export interface HistoryItem {
  at: number;
  seq: number;
  payload: Record<string, Value>;
}

/** What a compiled expression reads while it runs. */
export interface EvalCtx {
  now: number;
  fields: Map<string, Value>;
  score(name: string): number | null;
  /** A score by its slot (`ScoreSlot.slot`); null when unscored or when the slot is -1. */
  scoreAt(slot: number): number | null;
  /** Rank of the grade (higher is better), or null when unscored. */
  gradeRank(name: string): number | null;
  gradeLetter(name: string): string | null;
  stageIndex: number;
  stageName: string | null;
  /** The event being processed, if any. */
  current: string | null;
  /** The payload of the event a `where` filter looks at. */
  payload: Record<string, Value> | null;
  history(event: string): readonly HistoryItem[];
  /**
   * A debugger's observer (core/engine/stepper.ts), told of each condition whose operands the
   * trace records (`bindings`) at the moment the engine decides it. Absent or null in every
   * ordinary run; `bindings` runs only with the trace on, so untraced runs never look.
   */
  readonly observer?: { condition(ce: CompiledExpr, ctx: EvalCtx): void } | null;
}

export type Ev = (c: EvalCtx) => Value | undefined;

export interface CompiledExpr {
  ev: Ev;
  /** Operands worth showing in a trace (`lead.role`, `fit`, `count(…)`), with their evaluators. */
  operands: { label: string; ev: Ev }[];
  text: string;
  /**
   * True when the value depends on lead fields and constants only (no scores,
   * grades, stage, event history, clock, current event or payload): the engine
   * re-evaluates such a condition only after a field changed.
   */
  fieldsOnly: boolean;
  /**
   * True when the value depends on the payload being looked at (`ctx.payload`) and
   * constants only: for a given payload it never changes, so it can be decided once.
   */
  payloadOnly: boolean;
  /**
   * The event histories the expression reads, each with how far back it looks in
   * minutes: 0 for only the latest event (`demo within 14 days`, `demo`),
   * `Infinity` for all of them (`count(call)`).
   */
  reads: Map<string, number>;
  /**
   * The windows through which the value depends on the clock: `[event, D]` for each
   * `E within D` and `count(E … within D)`. With the state unchanged, the value can change
   * only when the clock passes `t + D` for an event `E` at `t` (the engine skips idle decay
   * ticks up to there).
   */
  windows: [string, number][];
  /**
   * The condition as written and the scope it was compiled in: explanations (`explain.ts`)
   * compile its parts again to show which one failed. Never read while simulating.
   */
  node?: A.Expr;
  scope?: Scope;
}

/** Records that `event`'s history is read `window` minutes back (the longest window wins). */
export function addRead(reads: Map<string, number>, event: string, window: number): void {
  const w = reads.get(event);
  if (w === undefined || window > w) reads.set(event, window);
}

export { globMatch, compileGlob, globCounter, type Glob } from "../text/glob.js";
import { compileGlob, type Glob } from "../text/glob.js";
import { intern } from "./intern.js";

export function truth(v: Value | undefined): boolean | undefined {
  return typeof v === "boolean" ? v : undefined;
}

function eq(a: Value, b: Value): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => eq(x, b[i]!));
  }
  return a === b;
}

function cmp(a: Value, b: Value): number | undefined {
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
  return undefined;
}

export function compareValues(op: A.CompareOp, a: Value | undefined, b: Value | undefined): boolean | undefined {
  if (a === undefined || b === undefined || a === null || b === null) return undefined;
  if (op === "==") return eq(a, b);
  if (op === "!=") return !eq(a, b);
  const c = cmp(a, b);
  if (c === undefined) return undefined;
  switch (op) {
    case "<":
      return c < 0;
    case "<=":
      return c <= 0;
    case ">":
      return c > 0;
    default:
      return c >= 0;
  }
}

function member(a: Value, list: Value): boolean | undefined {
  if (!Array.isArray(list)) return undefined;
  if (Array.isArray(a)) return a.some((x) => list.some((y) => eq(x, y)));
  return list.some((y) => eq(a, y));
}

/** How the compiler resolves a bare name. */
export interface Scope {
  text(range: { start: { offset: number }; end: { offset: number } }): string;
  field(name: string): { type: string } | undefined;
  isScore(name: string): boolean;
  /** The slot a score is read from (filled in once every score is compiled; see `scoreOrder`). */
  scoreSlot?(name: string): ScoreSlot | undefined;
  grade(name: string): string[] | undefined;
  setValue(name: string): Value[] | undefined;
  isEvent(name: string): boolean;
  eventFields(name: string): Set<string> | undefined;
  stageIndex(name: string): number | undefined;
  /** Payload fields in scope (inside `where`). */
  payloadFields: Set<string> | null;
  problems: string[];
}

/** Where a score lives in a simulation: the position of its name in `scoreOrder(rules.scores)` (-1: none). */
export interface ScoreSlot {
  slot: number;
}

type Hint = { kind: "stage" } | { kind: "grade"; letters: string[] } | { kind: "email" } | null;

export function compileExpr(e: A.Expr | undefined, scope: Scope): CompiledExpr {
  const operands: { label: string; ev: Ev }[] = [];
  // Set when the expression reads anything besides lead fields and constants.
  let dynamic = false;
  // Set when the expression reads anything besides the payload and constants.
  let other = false;
  const reads = new Map<string, number>();
  const windows: [string, number][] = [];
  const seen = new Set<string>();
  const add = (label: string, ev: Ev) => {
    if (seen.has(label)) return;
    seen.add(label);
    operands.push({ label, ev });
  };

  const hintOf = (x: A.Expr | undefined): Hint => {
    if (!x) return null;
    if (x.kind === "StageRef") return { kind: "stage" };
    if (x.kind === "Path" && x.segments.length === 0) {
      const letters = scope.grade(x.head.text);
      if (letters && !(scope.payloadFields?.has(x.head.text))) return { kind: "grade", letters };
    }
    if (x.kind === "Path" && x.head.text === "lead" && x.segments.length === 1) {
      if (scope.field(x.segments[0]!.text)?.type === "email") return { kind: "email" };
    }
    return null;
  };

  const c = (x: A.Expr | undefined, hint: Hint): Ev => {
    if (!x) {
      scope.problems.push("an incomplete condition is treated as unknown");
      return () => undefined;
    }
    switch (x.kind) {
      case "Number": {
        const v = x.value;
        return () => v;
      }
      case "String": {
        const v = intern(hint?.kind === "email" ? x.value.toLowerCase() : x.value);
        return () => v;
      }
      case "Bool": {
        const v = x.value;
        return () => v;
      }
      case "Date": {
        const v = x.text;
        return () => v;
      }
      case "List": {
        const items = x.items.map((i) => c(i, hint));
        return (ctx) => {
          const out: Value[] = [];
          for (const i of items) {
            const v = i(ctx);
            if (v !== undefined) out.push(v);
          }
          return out;
        };
      }
      case "Paren":
        return c(x.inner, hint);
      case "StageRef": {
        dynamic = other = true;
        add("stage", (ctx) => ctx.stageName);
        return (ctx) => ctx.stageIndex;
      }
      case "On": {
        const name = x.event?.text ?? "";
        dynamic = other = true;
        return (ctx) => ctx.current === name;
      }
      case "Within": {
        const name = x.event.text;
        dynamic = other = true;
        addRead(reads, name, 0);
        const d = durationMinutes(x.within) ?? 0;
        windows.push([name, d]);
        const ev: Ev = (ctx) => {
          const h = ctx.history(name);
          const last = h[h.length - 1];
          return last !== undefined && ctx.now - d <= last.at && last.at <= ctx.now;
        };
        add(scope.text(x.range), ev);
        return ev;
      }
      case "Count": {
        const name = x.event?.text ?? "";
        dynamic = other = true;
        const whereExpr = x.where ? compileExpr(x.where, { ...scope, payloadFields: scope.eventFields(name) ?? new Set() }) : null;
        const where = whereExpr ? whereExpr.ev : null;
        const d = durationMinutes(x.within);
        addRead(reads, name, d ?? Infinity);
        if (d !== undefined) windows.push([name, d]);
        if (whereExpr) {
          for (const [ev, w] of whereExpr.reads) addRead(reads, ev, w);
          windows.push(...whereExpr.windows);
        }
        const ev: Ev = (ctx) => {
          let n = 0;
          const h = ctx.history(name);
          // History is in time order and never later than now: walk back until the window starts.
          for (let k = h.length - 1; k >= 0; k--) {
            const item = h[k]!;
            if (d !== undefined && item.at < ctx.now - d) break;
            if (d !== undefined && item.at > ctx.now) continue;
            if (where) {
              const prev = ctx.payload;
              ctx.payload = item.payload;
              const ok = where(ctx) === true;
              ctx.payload = prev;
              if (!ok) continue;
            }
            n++;
          }
          return n;
        };
        add(scope.text(x.range), ev);
        return ev;
      }
      case "Path":
        return path(x, hint);
      case "Is": {
        const test = x.test?.text ?? "";
        const operand = x.operand;
        if (test === "unscored" && operand?.kind === "Path" && scope.isScore(operand.head.text)) {
          const name = operand.head.text;
          dynamic = other = true;
          add(name, (ctx) => ctx.score(name));
          const cell = scope.scoreSlot?.(name);
          return cell ? (ctx) => ctx.scoreAt(cell.slot) === null : (ctx) => ctx.score(name) === null;
        }
        const inner = c(operand, null);
        if (test === "missing" || test === "unscored") return (ctx) => { const v = inner(ctx); return v === undefined || v === null; };
        if (test === "present") return (ctx) => { const v = inner(ctx); return v !== undefined && v !== null; };
        scope.problems.push(`unknown test \`is ${test}\``);
        return () => undefined;
      }
      case "Between": {
        const h = hintOf(x.operand);
        const a = c(x.operand, null);
        const lo = c(x.low, h);
        const hi = c(x.high, h);
        return (ctx) => {
          const v = a(ctx);
          const l = compareValues(">=", v, lo(ctx));
          const r = compareValues("<=", v, hi(ctx));
          return and3(l, r);
        };
      }
      case "Unary": {
        const inner = c(x.operand, null);
        if (x.op === "not") return (ctx) => { const v = truth(inner(ctx)); return v === undefined ? undefined : !v; };
        return (ctx) => { const v = inner(ctx); return typeof v === "number" ? -v : undefined; };
      }
      case "Binary":
        return binary(x);
    }
  };

  const binary = (x: A.BinaryExpr): Ev => {
    const op = x.op;
    const family = chainFamily(op);
    // `a and b and …`, `a + b - …` are left-deep, as deep as they are long: compiled into one loop
    // over their operands (first operand first), so neither compiling nor evaluating recurses per term.
    if ((family === "and" || family === "or") && x.left?.kind === "Binary" && x.left.op === op) {
      const spine = leftSpine(x);
      const evs: Ev[] = [c(spine[spine.length - 1]!.left, null)];
      for (let i = spine.length - 1; i >= 0; i--) evs.push(c(spine[i]!.right, null));
      return op === "and"
        ? (ctx) => {
            let unknown = false;
            for (let i = 0; i < evs.length; i++) {
              const a = truth(evs[i]!(ctx));
              if (a === false) return false;
              if (a === undefined) unknown = true;
            }
            return unknown ? undefined : true;
          }
        : (ctx) => {
            let unknown = false;
            for (let i = 0; i < evs.length; i++) {
              const a = truth(evs[i]!(ctx));
              if (a === true) return true;
              if (a === undefined) unknown = true;
            }
            return unknown ? undefined : false;
          };
    }
    if (family === "arith" && x.left?.kind === "Binary" && chainFamily(x.left.op) === "arith") {
      const spine = leftSpine(x);
      const first = binary(spine[spine.length - 1]!);
      const ops: A.BinaryOp[] = [];
      const rights: Ev[] = [];
      for (let i = spine.length - 2; i >= 0; i--) {
        const n = spine[i]!;
        // As for a single operator: a grade on the right is read (and shown) as its letter's rank.
        if (hintOf(n.right)?.kind === "grade") gradeRankOf(n.right as A.PathExpr);
        ops.push(n.op);
        rights.push(c(n.right, null));
      }
      return (ctx) => {
        let a = first(ctx);
        for (let i = 0; i < rights.length; i++) {
          a = arith(ops[i]!, a, rights[i]!(ctx));
          if (a === undefined) return undefined;
        }
        return a;
      };
    }
    if (op === "and" || op === "or") {
      const l = c(x.left, null);
      const r = c(x.right, null);
      // Short-circuit: the right side has no effects, and a false (true) left side decides `and` (`or`).
      return op === "and"
        ? (ctx) => {
            const a = truth(l(ctx));
            return a === false ? false : and3(a, truth(r(ctx)));
          }
        : (ctx) => {
            const a = truth(l(ctx));
            return a === true ? true : or3(a, truth(r(ctx)));
          };
    }
    const lh = hintOf(x.left);
    const rh = hintOf(x.right);
    // The side that gives a meaning to bare names (stage names, grade letters) lends it to the other side.
    const l = c(x.left, rh && lh?.kind !== "grade" && lh?.kind !== "stage" ? rh : rh?.kind === "email" ? rh : null);
    const r = c(x.right, lh);
    const gradeSide = lh?.kind === "grade" ? "left" : rh?.kind === "grade" ? "right" : null;
    const ll = gradeSide === "left" ? gradeRankOf(x.left as A.PathExpr) : l;
    const rr = gradeSide === "right" ? gradeRankOf(x.right as A.PathExpr) : r;
    switch (op) {
      case "==":
      case "!=":
      case "<":
      case "<=":
      case ">":
      case ">=":
        return compareEv(op, ll, rr);
      case "in":
      case "not in":
        return (ctx) => {
          const a = l(ctx);
          const b = r(ctx);
          if (a === undefined || a === null || b === undefined || b === null) return undefined;
          const m = member(a, b);
          return m === undefined ? undefined : op === "in" ? m : !m;
        };
      // One closure per operator (no dispatch on the operator at run time).
      case "starts_with": {
        // Against a text literal (the usual `url starts_with "/pricing"`): one closure call fewer.
        if (x.right?.kind === "String") {
          const b = r(null as unknown as EvalCtx);
          if (typeof b === "string")
            return (ctx) => {
              const a = l(ctx);
              return typeof a === "string" ? a.startsWith(b) : undefined;
            };
        }
        return (ctx) => {
          const a = l(ctx);
          const b = r(ctx);
          if (a === undefined || a === null || b === undefined || b === null) return undefined;
          if (typeof a !== "string" || typeof b !== "string") return undefined;
          return a.startsWith(b);
        };
      }
      case "ends_with":
        return (ctx) => {
          const a = l(ctx);
          const b = r(ctx);
          if (a === undefined || a === null || b === undefined || b === null) return undefined;
          if (typeof a !== "string" || typeof b !== "string") return undefined;
          return a.endsWith(b);
        };
      case "contains":
        return (ctx) => {
          const a = l(ctx);
          const b = r(ctx);
          if (a === undefined || a === null || b === undefined || b === null) return undefined;
          if (Array.isArray(a)) return a.some((v) => eq(v, b));
          if (typeof a !== "string" || typeof b !== "string") return undefined;
          return a.includes(b);
        };
      case "matches": {
        // The pattern is a literal: compiled once (and again only if it ever differs).
        let pattern: string | null = null;
        let glob: Glob | null = null;
        return (ctx) => {
          const a = l(ctx);
          const b = r(ctx);
          if (a === undefined || a === null || b === undefined || b === null) return undefined;
          if (typeof a !== "string" || typeof b !== "string") return undefined;
          if (b !== pattern) {
            glob = compileGlob(b);
            pattern = b;
          }
          return glob!.match(a);
        };
      }
      case "+":
      case "-":
      case "*":
      case "/":
        return (ctx) => arith(op, l(ctx), r(ctx));
    }
  };

  const gradeRankOf = (p: A.PathExpr): Ev => {
    const name = p.head.text;
    dynamic = other = true;
    add(name, (ctx) => ctx.gradeLetter(name));
    return (ctx) => ctx.gradeRank(name);
  };

  const path = (x: A.PathExpr, hint: Hint): Ev => {
    const head = intern(x.head.text);
    const segs = x.segments.map((s) => intern(s.text));
    const label = [head, ...segs].join(".");
    if (head === "lead") {
      other = true;
      const f = segs[0];
      if (f === undefined) return () => undefined;
      if (segs[1] === "domain") {
        const ev: Ev = (ctx) => {
          const v = ctx.fields.get(f);
          if (typeof v !== "string") return undefined;
          const at = v.lastIndexOf("@");
          return at < 0 ? undefined : v.slice(at + 1).toLowerCase();
        };
        add(label, ev);
        return ev;
      }
      const ev: Ev = (ctx) => ctx.fields.get(f);
      add(label, ev);
      return ev;
    }
    if (segs.length === 0) {
      if (scope.payloadFields?.has(head)) {
        dynamic = true;
        const ev: Ev = (ctx) => (ctx.payload ? ctx.payload[head] : undefined);
        add(head, ev);
        return ev;
      }
      if (hint?.kind === "stage") {
        const i = scope.stageIndex(head);
        if (i !== undefined) return () => i;
      }
      if (hint?.kind === "grade") {
        const i = hint.letters.indexOf(head);
        if (i >= 0) {
          const rank = hint.letters.length - i;
          return () => rank;
        }
      }
      if (scope.isScore(head)) {
        dynamic = other = true;
        const cell = scope.scoreSlot?.(head);
        const ev: Ev = cell ? (ctx) => ctx.scoreAt(cell.slot) : (ctx) => ctx.score(head);
        add(head, ev);
        return ev;
      }
      if (scope.grade(head)) {
        dynamic = other = true;
        const ev: Ev = (ctx) => ctx.gradeLetter(head);
        add(head, ev);
        return ev;
      }
      const set = scope.setValue(head);
      if (set) return () => set;
      if (scope.isEvent(head)) {
        dynamic = other = true;
        addRead(reads, head, 0);
        const ev: Ev = (ctx) => ctx.history(head).length > 0;
        add(head, ev);
        return ev;
      }
      const i = scope.stageIndex(head);
      if (i !== undefined && hint?.kind === "stage") return () => i;
    }
    // An enum value, a country code, a purpose: the identifier itself.
    return () => label;
  };

  const ev = c(e, null);
  return { ev, operands, text: e ? scope.text(e.range) : "", fieldsOnly: !dynamic, payloadOnly: !other, reads, windows, ...(e ? { node: e } : {}), scope };
}

/**
 * A comparison as one closure per operator, with a fast path for two numbers
 * (the same arithmetic as `compareValues`: `a - b` against 0, `===` for equality).
 */
function compareEv(op: A.CompareOp, l: Ev, r: Ev): Ev {
  switch (op) {
    case ">=":
      return (ctx) => {
        const a = l(ctx);
        const b = r(ctx);
        return typeof a === "number" && typeof b === "number" ? a - b >= 0 : compareValues(op, a, b);
      };
    case ">":
      return (ctx) => {
        const a = l(ctx);
        const b = r(ctx);
        return typeof a === "number" && typeof b === "number" ? a - b > 0 : compareValues(op, a, b);
      };
    case "<=":
      return (ctx) => {
        const a = l(ctx);
        const b = r(ctx);
        return typeof a === "number" && typeof b === "number" ? a - b <= 0 : compareValues(op, a, b);
      };
    case "<":
      return (ctx) => {
        const a = l(ctx);
        const b = r(ctx);
        return typeof a === "number" && typeof b === "number" ? a - b < 0 : compareValues(op, a, b);
      };
    case "==":
      return (ctx) => {
        const a = l(ctx);
        const b = r(ctx);
        return typeof a === "number" && typeof b === "number" ? a === b : compareValues(op, a, b);
      };
    default:
      return (ctx) => {
        const a = l(ctx);
        const b = r(ctx);
        return typeof a === "number" && typeof b === "number" ? a !== b : compareValues(op, a, b);
      };
  }
}

/** `a op b` for `+ - * /` on numbers, and `+ -` on lists (union, difference); unknown otherwise. */
function arith(op: A.BinaryOp, a: Value | undefined, b: Value | undefined): Value | undefined {
  if (a === undefined || a === null || b === undefined || b === null) return undefined;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (op === "+") return [...a, ...b.filter((y) => !a.some((z) => eq(z, y)))];
    if (op === "-") return a.filter((y) => !b.some((z) => eq(z, y)));
    return undefined;
  }
  if (typeof a !== "number" || typeof b !== "number") return undefined;
  if (op === "+") return a + b;
  if (op === "-") return a - b;
  if (op === "*") return a * b;
  return b === 0 ? undefined : a / b;
}

export function and3(a: boolean | undefined, b: boolean | undefined): boolean | undefined {
  if (a === false || b === false) return false;
  if (a === true && b === true) return true;
  return undefined;
}

export function or3(a: boolean | undefined, b: boolean | undefined): boolean | undefined {
  if (a === true || b === true) return true;
  if (a === false && b === false) return false;
  return undefined;
}

/** The operand values a condition saw (for the trace). */
export function bindings(ce: CompiledExpr | undefined, ctx: EvalCtx): Bindings {
  const out: Bindings = {};
  if (!ce) return out;
  const observer = ctx.observer;
  if (observer) observer.condition(ce, ctx);
  for (const o of ce.operands) {
    const v = o.ev(ctx);
    out[o.label] = v === undefined ? null : v;
  }
  return out;
}
