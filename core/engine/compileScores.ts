/**
 * Compiling scores and grades (docs/language.md §6): settings (`cap`, `floor`, `decay`), the three
 * kinds of rule, and grade entries best first.
 */
import type * as A from "../syntax/ast.js";
import type { CGrade, CScore } from "./compiled.js";
import type { CompileContext } from "./compileContext.js";

export function compileScore(cx: CompileContext, uri: string, d: A.ScoreDecl): CScore | null {
  if (!d.name) return null;
  const { src, dur, cond, problems } = cx;
  const sc: CScore = { name: d.name.text, label: d.label?.value ?? null, cap: null, floor: null, decay: null, rules: [], source: src(uri, d) };
  for (const s of d.settings) {
    if (s.kind === "Cap" && s.value) sc.cap = s.value.value;
    else if (s.kind === "Floor" && s.value) sc.floor = s.value.value;
    else if (s.kind === "Decay" && s.percent) {
      const every = dur(s.every);
      if (every && every > 0 && s.percent.value > 0 && s.percent.value <= 100) sc.decay = { percent: s.percent.value, every };
      else problems.push(`score \`${sc.name}\`: a decay setting was skipped`);
    }
  }
  for (const r of d.rules) {
    const t = r.trigger;
    if (!r.name || !r.points || !t) {
      problems.push(`score \`${sc.name}\`: an incomplete rule was skipped`);
      continue;
    }
    const base = { name: r.name.text, points: r.points.value, source: src(uri, r) };
    if (t.kind === "AttributeTrigger") {
      if (!t.when) {
        problems.push(`rule \`${base.name}\` has no condition`);
        continue;
      }
      sc.rules.push({ kind: "attribute", ...base, when: cond(uri, t.when) });
    } else if (t.kind === "EventTrigger") {
      if (!t.event) continue;
      const pf = cx.payloadFields(uri, t.event.text);
      const per = t.limit?.per ? (dur(t.limit.per) ?? null) : null;
      sc.rules.push({
        kind: "event",
        ...base,
        event: t.event.text,
        where: t.where ? cond(uri, t.where, pf) : null,
        times: t.times ? t.times.value : null,
        within: t.within ? (dur(t.within) ?? null) : null,
        limit: t.limit?.count ? { count: t.limit.count.value, per, text: cx.textOf(src(uri, t.limit)) } : null,
        when: t.when ? cond(uri, t.when) : null,
      });
    } else {
      const after = dur(t.after);
      if (after === undefined || after <= 0) {
        problems.push(`rule \`${base.name}\`: an inactivity period was skipped`);
        continue;
      }
      sc.rules.push({ kind: "inactivity", ...base, after, events: t.events.map((e) => e.text) });
    }
  }
  return sc;
}

export function compileGrade(cx: CompileContext, uri: string, d: A.GradeDecl): CGrade | null {
  if (!d.name || !d.score) return null;
  return { name: d.name.text, score: d.score.text, entries: d.entries.filter((e) => e.letter).map((e) => ({ letter: e.letter!.text, min: e.otherwise ? null : (e.min?.value ?? null) })), source: cx.src(uri, d) };
}
