/**
 * Consent (docs/language.md §9): the clause chosen by the lead's country when a contact action
 * runs, and each basis read directly from the history of events (so "a cancellation takes effect
 * at its own instant" is the order of the history).
 */
import type * as A from "../../../core/syntax/ast.js";
import { countryField, minutes } from "./model.js";
import { evaluate } from "./conditions.js";
import type { OracleSim } from "./simulation.js";
import { COUNTRY_CODES } from "../../../core/checker/countries.js";

/** §4: `checkbox`, `double_opt_in`, `import` (and no method) are express consent; `purchase`, `inquiry` implied. */
const EXPRESS = new Set(["checkbox", "double_opt_in", "import"]);

export interface Decision {
  allowed: boolean;
  clause: string | null;
  basis: string | null;
}

export function decide(sim: OracleSim, purpose: string): Decision {
  const h = sim.history;
  // "erasure_requested blocks every contact action for ever after ... checked before any clause"
  if (h.some((e) => e.name === "erasure_requested")) return { allowed: false, clause: null, basis: null };
  const decl = sim.model.consents.get(purpose);
  if (!decl) return { allowed: false, clause: null, basis: null };
  const uri = sim.model.uriOf.get(decl)!;
  const field = countryField(sim.model);
  const country = field === undefined ? undefined : sim.fields[field];
  const textOf = (c: A.ConsentClause) => (c.otherwise ? "otherwise" : c.unknown ? "unknown" : `in ${sim.model.text(uri, c.region!)}`);
  const allows = (c: A.ConsentClause) => c.bases.find((b) => holdsBasis(sim, purpose, b));
  let clause: A.ConsentClause | undefined;
  // "A lead whose country is missing, or is not an ISO 3166-1 code, is of unknown jurisdiction"
  if (typeof country === "string" && COUNTRY_CODES.has(country)) {
    clause = decl.clauses.find((c) => {
      if (c.otherwise || c.unknown || !c.region) return false;
      const v = evaluate(sim.scope(uri), c.region);
      return Array.isArray(v) ? v.includes(country) : v === country;
    });
    // "`otherwise` is for known countries no clause took, never for it"
    clause ??= decl.clauses.find((c) => c.otherwise);
  } else {
    // "It takes the `unknown` clause when the purpose has one ... and otherwise every clause must allow the contact"
    clause = decl.clauses.find((c) => c.unknown);
    if (!clause) {
      const all = decl.clauses.filter((c) => !c.unknown);
      const refusing = all.find((c) => !allows(c));
      if (all.length === 0) return { allowed: false, clause: null, basis: null };
      if (refusing) return { allowed: false, clause: textOf(refusing), basis: null };
      return { allowed: true, clause: null, basis: null };
    }
  }
  if (!clause) return { allowed: false, clause: null, basis: null };
  const b = allows(clause);
  return b ? { allowed: true, clause: textOf(clause), basis: sim.model.text(uri, b) } : { allowed: false, clause: textOf(clause), basis: null };
}

function isGiven(e: { name: string; payload: Record<string, unknown> }, purpose: string): boolean {
  return e.name === "consent_given" && e.payload["purpose"] === purpose;
}
function isCancel(e: { name: string; payload: Record<string, unknown> }, purpose: string): boolean {
  return (e.name === "consent_withdrawn" && e.payload["purpose"] === purpose) || e.name === "unsubscribed";
}
function method(e: { payload: Record<string, unknown> }): string | null {
  const m = e.payload["method"];
  return typeof m === "string" ? m : null;
}
/** Index of the latest history entry satisfying `p`, or -1. */
function latest(sim: OracleSim, p: (e: OracleSim["history"][number]) => boolean): number {
  for (let i = sim.history.length - 1; i >= 0; i--) if (p(sim.history[i]!)) return i;
  return -1;
}

function holdsBasis(sim: OracleSim, purpose: string, b: A.ConsentBasis): boolean {
  const h = sim.history;
  const lastCancel = latest(sim, (e) => isCancel(e, purpose));
  const kind = b.basis?.text;
  if (kind === "opt_in" || kind === "double_opt_in") {
    // "the latest consent_given for the purpose of an accepted method; expiry counts from it"
    const accepted = (e: OracleSim["history"][number]) => {
      if (!isGiven(e, purpose)) return false;
      const m = method(e);
      return kind === "double_opt_in" ? m === "double_opt_in" : m === null || EXPRESS.has(m);
    };
    const g = latest(sim, accepted);
    if (g < 0 || lastCancel > g) return false;
    return !b.expires || sim.now <= h[g]!.at + minutes(b.expires);
  }
  if (kind === "opt_out") {
    // "no cancellation since the latest consent_given { purpose } (or ever, if there was none)"
    const g = latest(sim, (e) => isGiven(e, purpose));
    return lastCancel < 0 || lastCancel < g;
  }
  if (kind === "implied") {
    const anchor = b.anchor?.text ?? "";
    const byEvent = sim.model.events.has(anchor);
    const a = latest(sim, (e) => (byEvent ? e.name === anchor : isGiven(e, purpose) && method(e) === anchor));
    if (a < 0 || !b.impliedFor || sim.now > h[a]!.at + minutes(b.impliedFor)) return false;
    // "has not been cancelled since", and "implied consent stays cancelled until a new consent_given
    // for the purpose (any method ...), even if the anchor event happens again"
    if (lastCancel < 0) return true;
    return latest(sim, (e) => isGiven(e, purpose)) > lastCancel;
  }
  return false;
}
