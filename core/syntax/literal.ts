/**
 * The one reading of literals written in the source: a number (with any leading minus signs), a
 * text, a boolean or a date, through parentheses. The analyses that fold constants (the score
 * maximum, fixed comparisons, the routing conditions) build on it.
 */
import type * as A from "./ast.js";

export interface Literal {
  value: string | number | boolean;
  /** A date's value is its text (`2026-01-15`; in this form, text order is calendar order). */
  type: "number" | "text" | "boolean" | "date";
  /** Written back: `-3`, `"pricing"`, `true`, `2026-01-15`. */
  text: string;
}

/** The literal `e` is, or undefined when it is anything else (a name, a list, an operation…). */
export function literal(e: A.Expr | undefined): Literal | undefined {
  if (!e) return undefined;
  switch (e.kind) {
    case "Paren":
      return literal(e.inner);
    case "Number":
      return { value: e.value, type: "number", text: String(e.value) };
    case "String":
      return { value: e.value, type: "text", text: JSON.stringify(e.value) };
    case "Bool":
      return { value: e.value, type: "boolean", text: String(e.value) };
    case "Date":
      return { value: e.text, type: "date", text: e.text };
    case "Unary": {
      const x = e.op === "-" ? literal(e.operand) : undefined;
      return x && typeof x.value === "number" ? { value: -x.value, type: "number", text: `-${x.text}` } : undefined;
    }
    default:
      return undefined;
  }
}

/** A literal's value, dates left out (they are read as values only where a date is expected). */
export function literalValue(e: A.Expr | undefined): string | number | boolean | undefined {
  const l = literal(e);
  return l && l.type !== "date" ? l.value : undefined;
}

/** A duration as written (`14 days`), with `?` for a missing number: how messages and hovers quote a duration node. */
export function durationText(d: A.Duration | undefined): string {
  if (!d) return "?";
  return `${d.amount?.text ?? "?"} ${d.unit?.text ?? ""}`.trim();
}
