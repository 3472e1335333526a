/**
 * Comparisons between two values written in the source (`"pth" starts_with "/pricing"`, `3 > 5`):
 * their outcome is fixed, so the condition never depends on the lead (CR3030). Usually a field name
 * was written as a text or a value, or the two sides were both meant to be fields.
 */
import type * as A from "../syntax/ast.js";
import { literal, type Literal } from "../syntax/literal.js";
import { globMatch } from "../text/glob.js";


function list(e: A.Expr | undefined): Literal[] | undefined {
  if (e?.kind === "Paren") return list(e.inner);
  if (e?.kind !== "List" || !e.items.length) return undefined;
  const out: Literal[] = [];
  for (const i of e.items) {
    const l = literal(i);
    if (!l) return undefined;
    out.push(l);
  }
  return out;
}

/** Same kind of value on both sides (else the type check reports the mismatch instead). */
function sameKind(a: Literal, b: Literal): boolean {
  return a.type === b.type;
}

/**
 * The written form and the fixed outcome of a comparison whose two sides are literals, or undefined
 * when a side is not a literal or the sides are of different kinds.
 */
export function fixedComparison(e: A.BinaryExpr): { text: string; value: boolean } | undefined {
  const l = literal(e.left);
  if (!l) return undefined;
  if (e.op === "in" || e.op === "not in") {
    const items = list(e.right);
    if (!items || !items.every((i) => sameKind(l, i))) return undefined;
    const has = items.some((i) => i.value === l.value);
    return { text: `${l.text} ${e.op} [${items.map((i) => i.text).join(", ")}]`, value: e.op === "in" ? has : !has };
  }
  const r = literal(e.right);
  if (!r || !sameKind(l, r)) return undefined;
  const text = `${l.text} ${e.op} ${r.text}`;
  const a = l.value;
  const b = r.value;
  switch (e.op) {
    case "==":
      return { text, value: a === b };
    case "!=":
      return { text, value: a !== b };
    case "<":
    case "<=":
    case ">":
    case ">=": {
      // Numbers and dates (YYYY-MM-DD compares in calendar order); text and booleans have no order (the type check says so).
      if (typeof a === "boolean" || (typeof a === "string" && l.type !== "date")) return undefined;
      const value = e.op === "<" ? a < b : e.op === "<=" ? a <= b : e.op === ">" ? a > b : a >= b;
      return { text, value };
    }
    case "starts_with":
    case "ends_with":
    case "contains":
    case "matches": {
      if (typeof a !== "string" || typeof b !== "string" || l.type === "date") return undefined;
      const value = e.op === "starts_with" ? a.startsWith(b) : e.op === "ends_with" ? a.endsWith(b) : e.op === "contains" ? a.includes(b) : globMatch(a, b);
      return { text, value };
    }
    default:
      return undefined;
  }
}
