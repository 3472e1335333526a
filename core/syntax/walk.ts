/**
 * Walking expressions without recursion on operator chains.
 *
 * The parser reads `a + b - c …` and `a and b and …` in a loop and builds them
 * left-deep, one Binary node per operator: a chain of 100,000 terms is a tree
 * 100,000 deep. Genuine nesting (parentheses, brackets, `not`, unary `-`) is
 * bounded by the parser (MAX_NESTING, CR1011), so a walker that follows chains
 * with these helpers, and recurses only elsewhere, has a bounded stack.
 */
import type * as A from "./ast.js";

/** Operators that chain: a chain is a run of left-deep nodes of one family. */
export type ChainFamily = "and" | "or" | "arith";

export function chainFamily(op: A.BinaryOp): ChainFamily | undefined {
  switch (op) {
    case "and":
      return "and";
    case "or":
      return "or";
    case "+":
    case "-":
    case "*":
    case "/":
      return "arith";
    default:
      return undefined;
  }
}

/**
 * The chain that ends at `e`, outermost first: `e`, then `e.left` while it is
 * a Binary node of the same family, and so on. The last node's `left` is the
 * chain's first operand; the operands then follow as each node's `right`, from
 * the last node back to `e`.
 */
export function leftSpine(e: A.BinaryExpr): A.BinaryExpr[] {
  const family = chainFamily(e.op);
  const spine: A.BinaryExpr[] = [e];
  if (!family) return spine;
  let cur = e;
  while (cur.left?.kind === "Binary" && chainFamily(cur.left.op) === family) {
    cur = cur.left;
    spine.push(cur);
  }
  return spine;
}

/** The direct sub-expressions of `e`, left to right (absent ones as `undefined`). */
export function exprChildren(e: A.Expr): (A.Expr | undefined)[] {
  switch (e.kind) {
    case "Binary":
      return [e.left, e.right];
    case "Unary":
      return [e.operand];
    case "Paren":
      return [e.inner];
    case "List":
      return e.items;
    case "Is":
      return [e.operand];
    case "Between":
      return [e.operand, e.low, e.high];
    case "Count":
      return [e.where];
    default:
      return [];
  }
}

/**
 * Calls `f` on `root` and every expression under it, parents before children,
 * left to right, with an explicit stack. When `f` returns false, what is under
 * that expression is skipped.
 */
export function visitExprs(root: A.Expr | undefined, f: (e: A.Expr) => boolean | void): void {
  if (!root) return;
  const stack: A.Expr[] = [root];
  while (stack.length) {
    const e = stack.pop()!;
    if (f(e) === false) continue;
    const kids = exprChildren(e);
    for (let i = kids.length - 1; i >= 0; i--) {
      const k = kids[i];
      if (k) stack.push(k);
    }
  }
}

/**
 * Every object under `root` (arrays are walked through, not reported) whose
 * `keysOf` gives the fields to follow, parents before children, in field
 * order, with an explicit stack. Used by the generic AST walks.
 */
export function visitObjects(root: unknown, keysOf: (node: Record<string, unknown>) => readonly string[] | undefined, f: (node: Record<string, unknown>) => void): void {
  const stack: unknown[] = [root];
  while (stack.length) {
    const n = stack.pop();
    if (!n || typeof n !== "object") continue;
    if (Array.isArray(n)) {
      for (let i = n.length - 1; i >= 0; i--) stack.push(n[i]);
      continue;
    }
    const node = n as Record<string, unknown>;
    f(node);
    const keys = keysOf(node);
    if (!keys) continue;
    for (let i = keys.length - 1; i >= 0; i--) {
      const v = node[keys[i]!];
      if (v && typeof v === "object") stack.push(v);
    }
  }
}

/** The child fields of each node kind that can hold nodes (everything else is a leaf or a range). */
const NODE_CHILDREN: Readonly<Record<string, readonly string[]>> = {
  Lead: ["fields"],
  Field: ["type"],
  ListType: ["element"],
  Event: ["fields"],
  Set: ["value"],
  Score: ["settings", "rules"],
  Decay: ["every"],
  ScoreRule: ["trigger"],
  AttributeTrigger: ["when"],
  EventTrigger: ["where", "within", "limit", "when"],
  InactivityTrigger: ["after"],
  Limit: ["count", "per"],
  Grade: ["entries"],
  Stage: ["when"],
  Reenter: ["after"],
  Team: ["members", "cap"],
  Member: ["weight"],
  Route: ["trigger", "rules", "fallback"],
  EventOccurrenceTrigger: ["where"],
  RouteRule: ["when", "escalations"],
  RouteFallback: ["escalations"],
  Escalation: ["after"],
  Consent: ["clauses"],
  ConsentClause: ["region", "bases"],
  ConsentBasis: ["expires", "impliedFor"],
  Action: [],
  Workflow: ["trigger", "steps"],
  Do: ["call", "when", "unless"],
  Wait: ["duration"],
  ActionCall: ["args"],
  Journey: ["lead", "steps"],
  EventStep: ["payload"],
  UpdateStep: ["values"],
  ExpectStep: [],
  Binary: ["left", "right"],
  Unary: ["operand"],
  Is: ["operand"],
  Between: ["operand", "low", "high"],
  List: ["items"],
  Count: ["where", "within"],
  Within: ["within"],
  Paren: ["inner"],
  Record: ["entries"],
  RecordEntry: ["value"],
};

/**
 * Calls `f` on every node under `n` that can matter to an analysis
 * (declarations, settings, expressions, durations, limits, members; not
 * names or literals). Follows NODE_CHILDREN only, so it touches each node once. The domain
 * analyses share one such walk of each file (core/checker/analyses/index.ts).
 */
export function visitNodes(n: unknown, f: (node: A.Node) => void): void {
  // An explicit stack: an operator chain of any length is as deep as it is long.
  visitObjects(n, (node) => NODE_CHILDREN[node.kind as string], (node) => f(node as unknown as A.Node));
}
