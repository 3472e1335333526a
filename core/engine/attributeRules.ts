/**
 * Attribute rules (docs/language.md §6 "Rules", §14 step 5): `+P when CONDITION` contributes P
 * to the attribute part while its condition is true. Re-evaluated at the start of a journey and
 * after every event, update and timer; a rule whose condition reads lead fields only is skipped
 * while the fields have not changed.
 */
import { bindings, truth } from "./expr.js";
import type { AttributeRuleRef } from "./layout.js";
import { addToAttributePart, markScored, scoreValue } from "./scores.js";
import { traceEntry } from "./trace.js";
import type { Simulation } from "./sim.js";

/** §14 step 5: every attribute rule is evaluated; a score whose first firing this is becomes scored (and its decay starts). */
export function evaluateAttributeRules(sim: Simulation): void {
  const version = sim.fieldsVersion;
  if (version === sim.settledFields) {
    // A condition on lead fields only cannot change while the fields have not: evaluate the others.
    const dyn = sim.ix.dynamicAttributes;
    for (let j = 0; j < dyn.length; j++) evaluateAttributeRule(sim, dyn[j]!);
    return;
  }
  sim.settledFields = version;
  const attributes = sim.ix.attributes;
  for (let si = 0; si < attributes.length; si++) {
    const rs = attributes[si]!;
    for (let j = 0; j < rs.length; j++) evaluateAttributeRule(sim, rs[j]!);
  }
}

function evaluateAttributeRule(sim: Simulation, x: AttributeRuleRef): void {
  const s = x.s;
  const r = x.r;
  const on = truth(r.when.ev(sim)) === true;
  const num = sim.num;
  const at = sim.b + x.flagAt;
  if (on === (num[at] === 1)) return;
  const before = scoreValue(sim, s);
  num[at] = on ? 1 : 0;
  const points = on ? r.points : -r.points;
  addToAttributePart(sim, s, points);
  if (on) markScored(sim, s);
  const after = scoreValue(sim, s);
  if (sim.tracing) sim.push(traceEntry.score(sim.now, r.source, { score: sim.ix.scores[s]!.name, rule: r.name, cause: on ? "attribute-on" : "attribute-off", points, applied: points, before, after, values: bindings(r.when, sim) }));
}
