/**
 * Completion right after a keyword or operator: the names or words that the
 * token before the cursor calls for (`member ` → owners, `requires ` →
 * consent purposes, `-> ` → routing targets, `expect ` → what can be expected…).
 */
import { NAME } from "./context.js";
import { CONSENT_BASES } from "../../../core/vocabulary.js";
import { TYPES } from "./keywords.js";
import type { Provider } from "./provider.js";

export const afterKeyword: Provider = ({ prev, prev2, stack, block, line }, out) => {
  switch (prev) {
    case "on":
      if (block?.keyword === "score" || block?.keyword === "" || !block) {
        out.events();
        if (!block) out.words(["stage"], "trigger on entering a stage");
        return true;
      }
      out.events();
      return true;
    case "without":
    case "count":
    case "(":
      if (prev === "(" && prev2 !== "count") return false;
      out.events();
      return true;
    case "stage":
      if (prev2 === "on" || prev2 === "expect" || stack.length === 0) {
        if (prev2 === "expect") out.words(["==", ">=", "<="], "compare the stage");
        else out.names(["stage"]);
        if (stack.length === 0 && prev2 !== "on" && prev2 !== "from") return true;
        return true;
      }
      out.words(["is"], "the lead's current stage");
      return true;
    case "is":
      if (prev2 === "stage") {
        out.names(["stage"]);
        return true;
      }
      out.words(["missing", "present", "unscored"], "test");
      return true;
    case "==":
    case "!=":
    case ">=":
    case "<=":
    case ">":
    case "<":
      if (prev2 === "stage") {
        out.names(["stage"]);
        return true;
      }
      return false;
    case "from":
    case "reenter":
      out.names(prev2 === "grade" || new RegExp(`grade\\s+${NAME}\\s+from$`, "u").test(line.trimEnd()) ? ["score"] : ["stage"]);
      if (/^\s*grade\b/.test(line)) out.names(["score"]);
      return true;
    case "owner":
      if (stack.length) {
        out.names(["owner"]);
        return true;
      }
      return false;
    case "member":
      out.names(["owner"]);
      return true;
    case "team":
      if (stack.length || prev2 === "->" || prev2 === "to") {
        out.names(["team"]);
        return true;
      }
      return false;
    case "queue":
      if (stack.length || prev2 === "->" || prev2 === "to") {
        out.names(["queue"]);
        return true;
      }
      return false;
    case "->":
    case "to":
      out.words(["owner", "team", "queue", "discard"], "routing target");
      return true;
    case "requires":
      out.names(["consent"]);
      return true;
    case "do":
    case "sent":
    case "blocked":
      out.names(["action"]);
      if (prev !== "do") out.words(["none"], "no action at all");
      return true;
    case "score":
      if (prev2 === "expect") {
        out.names(["score"]);
        return true;
      }
      return false;
    case "grade":
      if (prev2 === "expect") {
        out.names(["grade"]);
        return true;
      }
      return false;
    case "expect":
      out.words(["stage", "score", "grade", "routed", "escalated", "not", "sent", "blocked"], "expectation");
      return true;
    case "in":
      if (block?.keyword === "consent") {
        out.names(["territory"]);
        return true;
      }
      out.names(["territory", "set"]);
      return true;
    case ":":
      if (block?.keyword === "consent") {
        out.words([...CONSENT_BASES], "consent basis");
        return true;
      }
      if (block?.keyword === "lead" || block?.keyword === "event" || /^\s*action\b/.test(line)) {
        out.words(TYPES, "type");
        return true;
      }
      return false;
    case "every":
    case "per":
    case "after":
    case "within":
      return false;
  }
  return false;
};
