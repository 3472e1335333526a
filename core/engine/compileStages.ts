/**
 * Compiling stages (docs/language.md §7): declaration order is the forward order; `initial`
 * (else the first non-detour stage), `detour`, and `reenter S from DETOUR [after D]`.
 */
import type * as A from "../syntax/ast.js";
import type { CReenter, CStage } from "./compiled.js";
import type { CompileContext } from "./compileContext.js";

export function compileStages(cx: CompileContext): { stages: CStage[]; initialStage: number } {
  const stages: CStage[] = cx.stageDecls.map(({ uri, d }, i) => ({
    name: d.name!.text,
    index: i,
    detour: d.modifiers.some((m) => m.text === "detour"),
    when: d.when ? cx.cond(uri, d.when) : null,
    source: cx.src(uri, d),
  }));
  let initialStage = cx.stageDecls.findIndex((s) => s.d.modifiers.some((m) => m.text === "initial"));
  if (initialStage < 0) initialStage = stages.findIndex((s) => !s.detour);
  return { stages, initialStage };
}

export function compileReenter(cx: CompileContext, uri: string, d: A.ReenterDecl): CReenter | null {
  const s = d.stage ? cx.stageIndex.get(d.stage.text) : undefined;
  const f = d.from ? cx.stageIndex.get(d.from.text) : undefined;
  if (s === undefined || f === undefined) return null;
  return { stage: s, from: f, after: d.after ? (cx.dur(d.after) ?? 0) : 0, source: cx.src(uri, d) };
}
