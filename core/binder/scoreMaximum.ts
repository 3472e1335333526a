/**
 * The most a score can ever hold, from its declaration alone: positive
 * attribute points (each counted once) plus positive event points that a
 * `limit N` (without `per`) bounds, clamped to cap and floor; any unbounded
 * positive rule makes it unbounded unless capped. The binder shows it in the
 * score's detail; the unreachable-threshold analysis compares against it.
 */
import type * as A from "../syntax/ast.js";

export interface MaxScore {
  /** The most the score can ever hold (Infinity when unbounded). */
  value: number;
  /** Why, in words, for messages and hovers. */
  reason: string;
}

export function maxScoreOf(d: A.ScoreDecl): MaxScore {
  let sum = 0;
  let unbounded: string | undefined;
  let cap: number | undefined;
  let floor: number | undefined;
  for (const s of d.settings) {
    if (s.kind === "Cap" && s.value) cap = s.value.value;
    if (s.kind === "Floor" && s.value) floor = s.value.value;
  }
  for (const r of d.rules) {
    const p = r.points?.value;
    if (p === undefined || p <= 0 || !r.trigger) continue;
    const t = r.trigger;
    if (t.kind === "AttributeTrigger") sum += p;
    else if (t.kind === "EventTrigger") {
      if (t.limit?.count && !t.limit.per) sum += p * Math.max(0, t.limit.count.value);
      else unbounded ??= r.name?.text ?? "a rule";
    } else unbounded ??= r.name?.text ?? "a rule";
  }
  let value = unbounded ? Infinity : sum;
  let reason = unbounded ? `\`${unbounded}\` can add points again and again` : `its rules add at most ${sum} points`;
  if (cap !== undefined && cap < value) {
    value = cap;
    reason = `it is capped at ${cap}`;
  }
  if (floor !== undefined && floor > value) {
    value = floor;
    reason = `its floor is ${floor}`;
  }
  return { value, reason };
}

