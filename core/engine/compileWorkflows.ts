/**
 * Compiling workflows (docs/language.md §10 "Workflows"): the trigger and the steps (`do ACTION(…)
 * [when|unless …]`, `wait D`).
 */
import type * as A from "../syntax/ast.js";
import type { CStep, CWorkflow } from "./compiled.js";
import type { CompileContext } from "./compileContext.js";

export function compileWorkflow(cx: CompileContext, uri: string, d: A.WorkflowDecl): CWorkflow | null {
  const tr = cx.trigger(uri, d.trigger);
  if (!d.name || !tr) {
    cx.problems.push(`a workflow without a name or trigger was skipped (${uri})`);
    return null;
  }
  const steps: CStep[] = [];
  for (const s of d.steps) {
    if (s.kind === "Wait") {
      const m = cx.dur(s.duration);
      if (m === undefined) {
        cx.problems.push(`workflow \`${d.name.text}\`: an incomplete wait was skipped`);
        continue;
      }
      steps.push({ kind: "wait", duration: m, source: cx.src(uri, s) });
    } else {
      if (!s.call?.action) continue;
      steps.push({
        kind: "do",
        action: s.call.action.text,
        args: (s.call.args ?? []).map((a) => cx.cond(uri, a)),
        when: s.when ? cx.cond(uri, s.when) : null,
        unless: s.unless ? cx.cond(uri, s.unless) : null,
        text: cx.textOf(cx.src(uri, s.call)),
        source: cx.src(uri, s),
      });
    }
  }
  return { name: d.name.text, trigger: tr, steps, source: cx.src(uri, d) };
}
