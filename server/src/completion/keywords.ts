/**
 * Completion of keywords: the words that may follow at this point of a rule
 * (the comparisons a lead field's type allows, what narrows a score rule, time
 * units after a number, journey steps after `day N`, expectation words), and
 * the keyword lists the other providers offer.
 */
import { B, NAME } from "./context.js";
import { typeOfField } from "./scope.js";
import { UNIT_MINUTES } from "../../../core/vocabulary.js";
import type { Provider } from "./provider.js";

export const EXPR_KEYWORDS = ["and", "or", "not", "in", "is", "between", "within", "count", "on", "stage", "lead", "true", "false", "starts_with", "ends_with", "contains", "matches"];
export const TYPES = ["text", "number", "boolean", "date", "email", "country", "enum()", "list()"];
export const UNITS = Object.keys(UNIT_MINUTES).map((u) => `${u}s`);

/** The comparisons each field type allows (a type not listed takes the text comparisons). */
const COMPARISONS: Record<string, string[]> = {
  enum: ["==", "!=", "in", "not in", "is"],
  number: ["==", "!=", "<", "<=", ">", ">=", "between", "is"],
  date: ["==", "!=", "<", "<=", ">", ">=", "between", "is"],
  country: ["==", "!=", "in", "not in", "is"],
  boolean: ["==", "!=", "is"],
  list: ["contains", "is"],
};
const TEXT_COMPARISONS = ["==", "!=", "in", "not in", "starts_with", "ends_with", "contains", "matches", "is"];

/** After a lead field: the comparisons its type allows. */
export const comparisons: Provider = ({ line, scope }, out) => {
  const after = new RegExp(`${B}lead\\.(${NAME})(\\.domain)?\\s+$`, "u").exec(line);
  if (!after) return false;
  const f = scope.named(after[1]!, "field");
  const t = after[2] ? "text" : typeOfField(f);
  out.words(COMPARISONS[t] ?? TEXT_COMPARISONS, `comparison for a ${t} field`);
  return true;
};

/** `routed ` / `escalated ` → `to`; `expect not ` → what can be expected not to happen. */
export const expectationWords: Provider = ({ prev, prev2 }, out) => {
  if (prev === "routed" || prev === "escalated") {
    out.words(["to"], "where the lead went");
    return true;
  }
  if (prev === "not" && prev2 === "expect") {
    out.words(["routed", "escalated", "sent", "blocked"], "expectation");
    return true;
  }
  return false;
};

/** Keywords that may follow at this point of a score or routing rule. */
export const ruleContinuations: Provider = ({ block, line }, out) => {
  if (block?.keyword === "score" && new RegExp(`^\\s*rule\\s+${NAME}\\s*:\\s*[+-]?\\d+(\\.\\d+)?\\s+$`, "u").test(line)) {
    out.words(["when", "on", "after"], "what earns the points");
    return true;
  }
  if (block?.keyword === "score" && new RegExp(`^\\s*rule\\s+${NAME}\\s*:\\s*[+-]?\\d+\\s+on\\s+${NAME}\\s+$`, "u").test(line)) {
    out.words(["where", "at least", "within", "limit", "when"], "narrows the event rule");
    return true;
  }
  if (block?.keyword === "route" && new RegExp(`^\\s*rule\\s+${NAME}\\s*:\\s*$`, "u").test(line)) {
    out.words(["when"], "the condition of this routing rule");
    return true;
  }
  return false;
};

/** A number after `within`, `per`, `every`, `after` → time units. */
export const timeUnits: Provider = ({ prev, prev2 }, out) => {
  if (!(/^\d+$/.test(prev) && /^(within|per|every|after)$/.test(prev2))) return false;
  out.words(UNITS, "time unit");
  return true;
};

/** `day N ` in a journey → events and the other journey steps (in a journey with several leads, the leads' names first). */
export const journeyDay: Provider = (cx, out) => {
  const { prev, prev2, block } = cx;
  if (!(/^\d+$/.test(prev) && prev2 === "day" && block?.keyword === "journey")) return false;
  const leads = journeyLeadNames(cx);
  if (leads.length) {
    out.words(leads.map((n) => `${n}:`), "a lead of this journey");
    out.words(["at"], "journey step");
    return true;
  }
  out.events();
  out.words(["update", "expect", "at"], "journey step");
  return true;
};

/** The named leads (`lead ana { … }`) of the journey around the cursor, in written order. */
export function journeyLeadNames(cx: Parameters<Provider>[0]): string[] {
  const at = cx.before.length;
  const j = cx.snap.file(cx.path)?.file.decls.find((d) => d.kind === "Journey" && d.range.start.offset < at && at <= d.range.end.offset);
  return j?.kind === "Journey" ? (j.leads ?? []).flatMap((l) => (l.name ? [l.name.text] : [])) : [];
}

/** In a journey with several leads, after `ana:` (or `day N [at HH:MM] ana:`): the step (events, `update`, `expect`). */
export const journeyLeadStep: Provider = (cx, out) => {
  if (cx.block?.keyword !== "journey" || cx.prev !== ":") return false;
  if (!new RegExp(`^\\s*(?:day\\s+\\d+(?:\\s+at\\s+\\d{1,2}:\\d{2})?\\s+)?${NAME}\\s*:\\s*$`, "u").test(cx.line)) return false;
  out.events();
  out.words(["update", "expect"], "journey step");
  return true;
};
