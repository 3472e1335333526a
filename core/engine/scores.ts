/**
 * The value of a score (docs/language.md §6 "The value of a score"): scored or unscored, the
 * attribute part and the behaviour part, and clamping to `cap` and `floor`; and the grades read
 * from it (§6 "Grades"). The rules that change the parts are in `attributeRules.ts`,
 * `eventRules.ts` (with `limits.ts`), `inactivity.ts` and `decay.ts`.
 */
import type { CGrade, CScore } from "./compiled.js";
import { SCORE_ATTRIBUTE, SCORE_BEHAVIOUR, SCORE_SCORED, scoreOffset } from "./layout.js";
import { startDecay } from "./decay.js";
import type { Simulation } from "./sim.js";

/** `clamp(v, floor, cap)`. */
export function clamp(def: CScore, v: number): number {
  if (def.cap !== null && v > def.cap) v = def.cap;
  if (def.floor !== null && v < def.floor) v = def.floor;
  return v;
}

/** The value of the score in slot `s`: null while unscored, else clamp(attribute part + behaviour part). */
export function scoreValue(sim: Simulation, s: number): number | null {
  const num = sim.num;
  const o = sim.b + scoreOffset(s);
  if (num[o + SCORE_SCORED] === 0) return null;
  return clamp(sim.ix.scores[s]!, num[o + SCORE_ATTRIBUTE]! + num[o + SCORE_BEHAVIOUR]!);
}

export function behaviourPart(sim: Simulation, s: number): number {
  return sim.num[sim.b + scoreOffset(s) + SCORE_BEHAVIOUR]!;
}

export function setBehaviourPart(sim: Simulation, s: number, v: number): void {
  sim.scoreVersion++;
  sim.num[sim.b + scoreOffset(s) + SCORE_BEHAVIOUR] = v;
}

/** Adds `delta` (an attribute rule turning on or off) to the attribute part; never clamped (only the value is). */
export function addToAttributePart(sim: Simulation, s: number, delta: number): void {
  sim.scoreVersion++;
  const at = sim.b + scoreOffset(s) + SCORE_ATTRIBUTE;
  sim.num[at] = sim.num[at]! + delta;
}

/**
 * Adds a rule's `delta` to the behaviour part, clamped when it happens: the part moves so that the
 * total stays within [floor, cap], never against the rule's sign. Returns the applied change.
 */
export function applyToBehaviour(sim: Simulation, s: number, delta: number): number {
  const d = sim.ix.scores[s]!;
  const num = sim.num;
  const o = sim.b + scoreOffset(s);
  const beh = num[o + SCORE_BEHAVIOUR]!;
  const attr = num[o + SCORE_ATTRIBUTE]!;
  let nb = beh + delta;
  if (delta > 0 && d.cap !== null) nb = Math.max(beh, Math.min(nb, d.cap - attr));
  if (delta < 0 && d.floor !== null) nb = Math.min(beh, Math.max(nb, d.floor - attr));
  const applied = nb - beh;
  num[o + SCORE_BEHAVIOUR] = nb;
  sim.scoreVersion++;
  return applied;
}

/** A rule of the score fired (not a suppressed one): the score is scored from now on, and its decay starts. */
export function markScored(sim: Simulation, s: number): void {
  const o = sim.b + scoreOffset(s) + SCORE_SCORED;
  if (sim.num[o] !== 0) return;
  sim.num[o] = 1;
  sim.scoreVersion++;
  const def = sim.ix.scores[s]!;
  if (def.decay) startDecay(sim, s, def, def.decay);
}

/** §6 "Grades": the letter of the first entry whose minimum the score reaches (null while unscored). */
export function gradeLetter(g: CGrade, value: number | null): string | null {
  if (value === null) return null;
  for (const e of g.entries) if (e.min === null || value >= e.min) return e.letter;
  return null;
}

/** The rank of a grade's letter: the best letter ranks highest (null while unscored). */
export function gradeRank(g: CGrade, letter: string | null): number | null {
  if (letter === null) return null;
  return g.entries.length - g.entries.findIndex((e) => e.letter === letter);
}
