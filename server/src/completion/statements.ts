/**
 * Completion at the start of a statement (the snippets of what the enclosing
 * block allows, top-level declarations outside any block) and, as the last
 * resort, inside an expression (keywords and the names an expression uses).
 */
import { NAME_START } from "../../../core/syntax/tokens.js";
import { CONSENT_BODY, JOURNEY_BODY, ROUTE_BODY, SCORE_BODY, TOP_SNIPPETS, WORKFLOW_BODY } from "./snippets.js";
import { EXPR_KEYWORDS, journeyLeadNames } from "./keywords.js";
import type { Provider } from "./provider.js";

export const statementStart: Provider = (cx, out) => {
  const { line, block } = cx;
  const atLineStart = new RegExp(`^\\s*${NAME_START}*$`, "u").test(line);
  if (!block) {
    if (atLineStart) out.snippets(TOP_SNIPPETS);
    else {
      out.words(EXPR_KEYWORDS, "keyword");
      out.names(["score", "stage", "territory", "set", "event", "enumValue"]);
    }
    return true;
  }
  if (!atLineStart) return false;
  switch (block.keyword) {
    case "score":
      out.snippets(SCORE_BODY);
      return true;
    case "route":
      out.snippets(ROUTE_BODY);
      return true;
    case "journey": {
      // A journey with several leads: a step starts with its lead's name.
      const leads = journeyLeadNames(cx);
      if (leads.length) out.words(leads.map((n) => `${n}:`), "a lead of this journey");
      out.snippets(JOURNEY_BODY);
      if (!leads.length) out.events();
      return true;
    }
    case "workflow":
      out.snippets(WORKFLOW_BODY);
      return true;
    case "consent":
      out.snippets(CONSENT_BODY);
      return true;
    case "team":
      out.words(["member", "cap"], "team");
      return true;
    case "grade":
    case "lead":
    case "event":
      return true;
  }
  return false;
};

/** Inside an expression: what always answers. */
export const expression: Provider = (_cx, out) => {
  out.words(EXPR_KEYWORDS, "keyword");
  out.words(["when", "where", "limit", "within", "at least", "->"], "keyword");
  out.names(["score", "stage", "territory", "set", "event", "enumValue"]);
  return true;
};
