/**
 * Compiling routing (docs/language.md §8): teams (members, weights, cap), routes (trigger, rules,
 * `otherwise`) and their targets and escalation steps.
 */
import type * as A from "../syntax/ast.js";
import type { CEscalation, CRoute, CRouteRule, CTarget, CTeam } from "./compiled.js";
import type { CompileContext } from "./compileContext.js";

export function compileTeam(cx: CompileContext, uri: string, d: A.TeamDecl): CTeam | null {
  if (!d.name) return null;
  const per = d.cap?.per ? cx.dur(d.cap.per) : undefined;
  return {
    name: d.name.text,
    strategy: d.strategy?.text ?? "round_robin",
    members: d.members.filter((m) => m.owner).map((m) => ({ owner: m.owner!.text, weight: m.weight ? Math.max(0, m.weight.value) : 1 })),
    cap: d.cap?.count && per ? { count: d.cap.count.value, per } : null,
    source: cx.src(uri, d),
  };
}

function target(cx: CompileContext, uri: string, t: A.Target | undefined): CTarget | null {
  if (!t) return null;
  if (t.targetKind !== "discard" && !t.ref) return null;
  return { kind: t.targetKind, name: t.ref?.text ?? null, source: cx.src(uri, t) };
}

function escalations(cx: CompileContext, uri: string, es: A.Escalation[]): CEscalation[] {
  const out: CEscalation[] = [];
  for (const e of es) {
    const after = cx.dur(e.after);
    const t = target(cx, uri, e.target);
    if (after === undefined || !t) {
      cx.problems.push(`an incomplete escalation was skipped (${uri})`);
      continue;
    }
    out.push({ after, target: t, source: cx.src(uri, e) });
  }
  return out;
}

export function compileRoute(cx: CompileContext, uri: string, d: A.RouteDecl): CRoute | null {
  const tr = cx.trigger(uri, d.trigger);
  if (!d.name || !tr) {
    cx.problems.push(`a route without a name or trigger was skipped (${uri})`);
    return null;
  }
  const rules: CRouteRule[] = [];
  for (const r of d.rules) {
    const t = target(cx, uri, r.target);
    if (!r.name || !t || !r.when) {
      cx.problems.push(`route \`${d.name.text}\`: an incomplete rule was skipped`);
      continue;
    }
    rules.push({ name: r.name.text, when: cx.cond(uri, r.when), target: t, escalations: escalations(cx, uri, r.escalations), source: cx.src(uri, r) });
  }
  const ft = d.fallback ? target(cx, uri, d.fallback.target) : null;
  return { name: d.name.text, trigger: tr, rules, fallback: ft && d.fallback ? { target: ft, escalations: escalations(cx, uri, d.fallback.escalations), source: cx.src(uri, d.fallback) } : null, source: cx.src(uri, d) };
}
