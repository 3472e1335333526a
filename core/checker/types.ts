/** The value types of the language, and how they read in messages. */
import type { CrmSymbol } from "../workspace.js";

export type Ty =
  | { k: "text" }
  | { k: "number"; score?: CrmSymbol }
  | { k: "boolean" }
  | { k: "date" }
  | { k: "email" }
  | { k: "country" }
  /** `owner` is the field (or payload field) whose enum values these are. */
  | { k: "enum"; values: string[]; owner?: CrmSymbol }
  | { k: "list"; el: Ty }
  /** A set of values: a `set`/`territory`, a list literal, or a union of them. */
  | { k: "set"; el: Ty }
  | { k: "purpose" }
  | { k: "grade"; sym: CrmSymbol; letters: string[] }
  | { k: "stage" }
  | { k: "unknown" };

export const T = {
  text: { k: "text" } as Ty,
  number: { k: "number" } as Ty,
  boolean: { k: "boolean" } as Ty,
  date: { k: "date" } as Ty,
  email: { k: "email" } as Ty,
  country: { k: "country" } as Ty,
  purpose: { k: "purpose" } as Ty,
  stage: { k: "stage" } as Ty,
  unknown: { k: "unknown" } as Ty,
};

export function describe(t: Ty): string {
  switch (t.k) {
    case "text":
      return "text";
    case "number":
      return t.score ? `a score` : "a number";
    case "boolean":
      return "true or false";
    case "date":
      return "a date";
    case "email":
      return "an email address";
    case "country":
      return "a country";
    case "enum":
      return t.values.length > 6 ? `one of \`${t.values.slice(0, 6).join("`, `")}\`…` : `one of \`${t.values.join("`, `")}\``;
    case "list":
      return `a list of ${manyOf(t.el)}`;
    case "set":
      return `a set of ${manyOf(t.el)}`;
    case "purpose":
      return "a consent purpose";
    case "grade":
      return `a grade letter of \`${t.sym.name}\``;
    case "stage":
      return "a stage";
    case "unknown":
      return "a value";
  }
}

/** A type named in the plural, as in `a list of texts`. */
function manyOf(t: Ty): string {
  switch (t.k) {
    case "text":
      return "texts";
    case "number":
      return "numbers";
    case "country":
      return "countries";
    case "email":
      return "email addresses";
    case "date":
      return "dates";
    case "enum":
      return `values (${describe(t)})`;
    default:
      return "values";
  }
}

/** Can values of these two types be compared for equality / membership? */
export function compatible(a: Ty, b: Ty): boolean {
  if (a.k === "unknown" || b.k === "unknown") return true;
  const textual = (x: Ty) => x.k === "text" || x.k === "email";
  if (textual(a) && textual(b)) return true;
  if (a.k === "purpose" && b.k === "text") return true;
  if (a.k === "text" && b.k === "purpose") return true;
  if (a.k !== b.k) return false;
  switch (a.k) {
    case "enum": {
      const bv = new Set((b as { values: string[] }).values);
      return a.values.some((v) => bv.has(v));
    }
    case "grade":
      return a.sym.id === (b as { sym: CrmSymbol }).sym.id;
    case "list":
    case "set":
      return compatible(a.el, (b as { el: Ty }).el);
    default:
      return true;
  }
}

export function isOrdered(t: Ty): boolean {
  return t.k === "number" || t.k === "date" || t.k === "grade" || t.k === "stage" || t.k === "unknown";
}
