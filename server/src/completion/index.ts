/**
 * Completion on half-typed input: the context comes from the text before the
 * cursor (tokens and the enclosing blocks, `context.ts`), never from a
 * successful parse. Each completion context has its provider; they are tried
 * in this order and the first that recognises the cursor's context answers.
 */
import type * as L from "vscode-languageserver";
import type { Snapshot } from "../workspace.js";
import { completionContext } from "./context.js";
import { Items } from "./items.js";
import type { Provider } from "./provider.js";
import { importPaths } from "./imports.js";
import { fieldValues, gradeLetters, insideStringOrComment, leadMembers, recordKeys, recordValues, territoryCountries, whereFields } from "./values.js";
import { afterKeyword } from "./afterKeyword.js";
import { comparisons, expectationWords, journeyDay, journeyLeadStep, ruleContinuations, timeUnits } from "./keywords.js";
import { expression, statementStart } from "./statements.js";

export { contextStart } from "./context.js";
export { importEdit } from "./scope.js";

const PROVIDERS: Provider[] = [
  importPaths,
  journeyLeadStep,
  leadMembers,
  insideStringOrComment,
  fieldValues,
  gradeLetters,
  territoryCountries,
  recordKeys,
  recordValues,
  whereFields,
  afterKeyword,
  comparisons,
  expectationWords,
  ruleContinuations,
  timeUnits,
  journeyDay,
  statementStart,
  expression,
];

export function complete(snap: Snapshot, text: string, offset: number, path: string): L.CompletionList {
  const cx = completionContext(snap, text, offset, path);
  const out = new Items(cx.scope);
  for (const provide of PROVIDERS) if (provide(cx, out)) break;
  return out.list();
}
