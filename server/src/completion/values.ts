/**
 * Completion of values: `lead.` members, the values a comparison takes (enum
 * values, country codes, territories, grade letters), the countries of a
 * territory, and the keys and values of journey records (`lead { … }`,
 * `update { … }`, event payloads) and of `where` filters.
 */
import * as L from "vscode-languageserver";
import { NAME_PART } from "../../../core/syntax/tokens.js";
import { CONSENT_METHODS } from "../../../core/vocabulary.js";
import { B, NAME } from "./context.js";
import { typeOfField } from "./scope.js";
import type { Provider } from "./provider.js";

/** `lead.` → lead fields; `lead.email.` → domain. */
export const leadMembers: Provider = ({ line }, out) => {
  const member = new RegExp(`${B}lead\\.(${NAME}\\.)?${NAME_PART}*$`, "u").exec(line);
  if (!member) return false;
  if (member[1]) out.push({ label: "domain", kind: L.CompletionItemKind.Property, detail: "text", documentation: "the part of the email address after `@`, lowercased" });
  else out.names(["field"]);
  return true;
};

/** Inside a string or a comment: nothing. */
export const insideStringOrComment: Provider = ({ line }) => /\/\/[^"]*$/.test(line) || (line.split('"').length - 1) % 2 === 1;

/** Values after a comparison with an enum or country field: `lead.role == ` / `lead.role in [`. */
export const fieldValues: Provider = ({ line, scope }, out) => {
  const cmp = new RegExp(`${B}lead\\.(${NAME})\\s*(==|!=|in|not in)\\s*\\[?(?:${NAME_PART}+\\s*,\\s*)*${NAME_PART}*$`, "u").exec(line);
  if (!cmp) return false;
  const f = scope.named(cmp[1]!, "field");
  const vals = scope.enumValues(f);
  if (vals.length) {
    for (const v of vals) out.push(scope.item(v));
    return true;
  }
  if (f && typeOfField(f) === "country") {
    // `== ` / `in [` take a country code; `in ` takes a territory.
    if (cmp[2] === "==" || cmp[2] === "!=" || /\[[^\]]*$/.test(line)) out.countries();
    else out.names(["territory"]);
    return true;
  }
  return false;
};

/** Letters after a comparison with a grade: `fit_grade >= `, `expect grade fit_grade == `, `fit_grade in [A, `. */
export const gradeLetters: Provider = ({ line, scope }, out) => {
  const gradeCmp = new RegExp(`${B}(${NAME})\\s*(?:==|!=|>=|<=|>|<|in|not in)\\s*\\[?(?:${NAME_PART}+\\s*,\\s*)*${NAME_PART}*$`, "u").exec(line);
  if (!gradeCmp || /\blead\.$/.test(line.slice(0, gradeCmp.index))) return false;
  const g = scope.named(gradeCmp[1]!, "grade");
  const letters = g ? scope.letters(g) : [];
  if (!letters.length) return false;
  for (const v of letters) out.push(scope.item(v));
  return true;
};

/** The countries of a territory: `territory t = [NO, `. */
export const territoryCountries: Provider = ({ stack, line, prev }, out) => {
  if (!(stack.length === 0 && new RegExp(`^\\s*territory\\s+${NAME}\\s*=\\s*\\[[^\\]]*$`, "u").test(line) && (prev === "[" || prev === ","))) return false;
  out.countries();
  return true;
};

/** Record keys in journeys: `lead { ` / `update {` / `event_name {`. */
export const recordKeys: Provider = ({ block, prev, scope }, out) => {
  if (!(block && (block.keyword === "leadRecord" || block.keyword === "payload") && (prev === "{" || prev === ","))) return false;
  if (block.keyword === "leadRecord") out.names(["field"]);
  else for (const d of scope.payloadFields(block.event ?? "")) out.push(scope.item(d));
  return true;
};

/** A record value: enum values of that field, country codes, consent purposes, consent methods. */
export const recordValues: Provider = ({ block, prev, prior, scope }, out) => {
  if (!(block && (block.keyword === "leadRecord" || block.keyword === "payload") && prev === ":")) return false;
  const key = prior[prior.length - 2]?.image ?? "";
  const field = block.keyword === "leadRecord" ? scope.named(key, "field") : scope.payloadFields(block.event ?? "").find((d) => d.name === key);
  const vals = scope.enumValues(field);
  if (vals.length) for (const v of vals) out.push(scope.item(v));
  else if (field && typeOfField(field) === "country") out.countries();
  else if (key === "purpose") out.names(["consent"]);
  else if (key === "method") out.words(CONSENT_METHODS, "consent method");
  return true;
};

/** Inside `where` after an event: payload fields of that event. */
export const whereFields: Provider = ({ line, prev, scope }, out) => {
  const where = new RegExp(`${B}(?:on|count\\()\\s*(${NAME})\\s+where\\b(?:(?!\\b(limit|within|when|at)\\b).)*$`, "u").exec(line);
  if (!(where && /(where|and|or|not|\()$/.test(prev))) return false;
  for (const d of scope.payloadFields(where[1]!)) out.push(scope.item(d));
  return true;
};
