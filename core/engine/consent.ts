/**
 * Consent (docs/language.md §9): choosing the clause, and each basis as a pure function of
 * the lead's consent history at one moment. Consent never fails open: every way of not
 * finding an answer (erasure, no purpose, no consent rule, no clause, no basis that holds)
 * blocks, with the reason.
 */
import type { CBasis, CClause, CConsent } from "./compiled.js";
import type { HistoryItem } from "./expr.js";
import { formatTime, type ConsentDecision, type Value } from "./trace.js";
import { COUNTRY_CODES, IMPLIED_METHODS } from "../vocabulary.js";


/** What a consent decision reads from a simulation at one moment. */
export interface ConsentFacts {
  now: number;
  /** When `erasure_requested` first happened (null: never). */
  erasedAt: number | null;
  /** The lead's `country` field (undefined: missing). */
  country: Value | undefined;
  history(event: string): readonly HistoryItem[];
  /** True for an event the rules declare (not a built-in one): such an anchor of `implied` is that event. */
  isDeclaredEvent(name: string): boolean;
}

export interface ConsentAnswer {
  allowed: boolean;
  consent: ConsentDecision;
  values: Record<string, Value>;
}

/**
 * §9 "Choosing the clause": for a known country (a valid ISO 3166-1 code), the first clause whose
 * region holds it, else `otherwise` (undefined: none applies). For a lead of unknown jurisdiction
 * (the country missing, or not a valid code) the `unknown` clause, else `"every"`: every clause
 * the lead might fall under must allow the contact (the strictest decides).
 */
export function chooseClause(c: CConsent, country: Value | undefined): CClause | "every" | undefined {
  if (typeof country === "string" && COUNTRY_CODES.has(country)) return c.clauses.find((cl) => cl.region !== null && cl.region.includes(country)) ?? c.clauses.find((cl) => cl.region === null && !cl.unknown);
  return c.clauses.find((cl) => cl.unknown) ?? "every";
}

/** The consent history of one purpose: its `consent_given` events and its latest cancellation. */
export interface ConsentRecord {
  /** `consent_given` for the purpose, oldest first. */
  given: readonly HistoryItem[];
  lastGiven: HistoryItem | null;
  /** The latest `consent_withdrawn` for the purpose or `unsubscribed` (by processing order). */
  lastCancellation: HistoryItem | null;
}

export function consentRecord(purpose: string, history: (event: string) => readonly HistoryItem[]): ConsentRecord {
  const given = history("consent_given").filter((h) => h.payload["purpose"] === purpose);
  const cancellations = [...history("consent_withdrawn").filter((h) => h.payload["purpose"] === purpose), ...history("unsubscribed")];
  const lastCancellation = cancellations.reduce<HistoryItem | null>((a, h) => (!a || h.seq > a.seq ? h : a), null);
  return { given, lastGiven: given[given.length - 1] ?? null, lastCancellation };
}

export interface BasisResult {
  ok: boolean;
  reason: string;
}

/** True when a cancellation was processed after the event numbered `seq`. */
function cancelledAfter(rec: ConsentRecord, seq: number): boolean {
  return rec.lastCancellation !== null && rec.lastCancellation.seq > seq;
}

/** Cancelled since the latest `consent_given` for the purpose (of any method), or ever when there was none. */
function cancelledSinceLastGiven(rec: ConsentRecord): boolean {
  return cancelledAfter(rec, rec.lastGiven ? rec.lastGiven.seq : -1);
}

/** `opt_in [expires after D]` and `double_opt_in [expires after D]`. */
export function expressConsent(rec: ConsentRecord, b: CBasis, now: number): BasisResult {
  // opt_in counts express consent only: a `purchase` or `inquiry` method records implied consent (issue 12.1).
  const double = b.basis === "double_opt_in";
  const list = double ? rec.given.filter((h) => h.payload["method"] === "double_opt_in") : rec.given.filter((h) => !IMPLIED_METHODS.has(h.payload["method"] as string));
  const g = list[list.length - 1];
  if (!g) {
    const last = rec.lastGiven;
    if (!double && last) return { ok: false, reason: `no express consent was given: \`${String(last.payload["method"])}\` on ${formatTime(last.at)} is implied consent` };
    return { ok: false, reason: double ? (rec.given.length ? "consent was given but not confirmed by double opt-in" : "no double opt-in consent was given") : "no consent was given" };
  }
  if (cancelledAfter(rec, g.seq)) return { ok: false, reason: `consent given on ${formatTime(g.at)} was withdrawn on ${formatTime(rec.lastCancellation!.at)}` };
  if (b.expires !== null && now > g.at + b.expires) return { ok: false, reason: `consent given on ${formatTime(g.at)} expired on ${formatTime(g.at + b.expires)}` };
  return { ok: true, reason: `consent given on ${formatTime(g.at)}${b.expires !== null ? `, valid until ${formatTime(g.at + b.expires)}` : ""}` };
}

/** `opt_out`. */
export function optOut(rec: ConsentRecord): BasisResult {
  if (cancelledSinceLastGiven(rec)) return { ok: false, reason: `opted out on ${formatTime(rec.lastCancellation!.at)}` };
  return { ok: true, reason: "not opted out" };
}

/** `implied D after ANCHOR`: `anchors` are the anchor's occurrences, oldest first. */
export function impliedConsent(rec: ConsentRecord, b: CBasis, anchors: readonly HistoryItem[], now: number): BasisResult {
  const anchor = b.anchor ?? "";
  const d = b.impliedFor ?? 0;
  const a = anchors[anchors.length - 1];
  if (!a) return { ok: false, reason: `no \`${anchor}\` happened` };
  if (cancelledSinceLastGiven(rec)) return { ok: false, reason: `implied consent was cancelled: opted out on ${formatTime(rec.lastCancellation!.at)}` };
  if (now > a.at + d) return { ok: false, reason: `implied consent from \`${anchor}\` on ${formatTime(a.at)} ended on ${formatTime(a.at + d)}` };
  return { ok: true, reason: `implied by \`${anchor}\` on ${formatTime(a.at)}, valid until ${formatTime(a.at + d)}` };
}

/** The anchors of `implied … after ANCHOR`: a declared event's occurrences, else the `consent_given` of that method. */
export function impliedAnchors(rec: ConsentRecord, anchor: string, facts: ConsentFacts): readonly HistoryItem[] {
  return facts.isDeclaredEvent(anchor) ? facts.history(anchor) : rec.given.filter((h) => h.payload["method"] === anchor);
}

/** Whether one basis holds now. */
export function checkBasis(rec: ConsentRecord, b: CBasis, facts: ConsentFacts): BasisResult {
  switch (b.basis) {
    case "opt_in":
    case "double_opt_in":
      return expressConsent(rec, b, facts.now);
    case "opt_out":
      return optOut(rec);
    case "implied":
      return impliedConsent(rec, b, impliedAnchors(rec, b.anchor ?? "", facts), facts.now);
  }
}

/**
 * §9: may a contact action that requires `purpose` reach the lead now? Erasure first, then the
 * consent rule, its clause for the lead's country, and the first of the clause's bases that holds.
 */
export function decideConsent(purpose: string | null, consents: ReadonlyMap<string, CConsent>, facts: ConsentFacts): ConsentAnswer {
  const country = facts.country;
  const values: Record<string, Value> = { "lead.country": country ?? null };
  const answer = (allowed: boolean, clause: CClause | null, basis: string | null, reason: string): ConsentAnswer => ({
    allowed,
    consent: { purpose: purpose ?? "", clause: clause ? clause.text : null, clauseSource: clause ? clause.source : null, basis, reason },
    values,
  });
  if (facts.erasedAt !== null) return answer(false, null, null, `erasure was requested on ${formatTime(facts.erasedAt)}; no contact is allowed after it`);
  if (!purpose) return answer(false, null, null, "the action is a contact action with no consent purpose");
  const c = consents.get(purpose);
  if (!c) return answer(false, null, null, `no consent rule named \`${purpose}\``);
  const clause = chooseClause(c, country);
  if (!clause) return answer(false, null, null, `no consent rule for the jurisdiction \`${typeof country === "string" ? country : "unknown"}\``);
  const rec = consentRecord(purpose, (e) => facts.history(e));
  if (clause === "every") {
    // Unknown jurisdiction without an `unknown` clause: the lead might be under any clause, so each must allow it.
    const unknown = country === undefined || country === null ? "the lead's country is missing" : `the lead's country \`${String(country)}\` is not a country code`;
    const clauses = c.clauses.filter((cl) => !cl.unknown);
    if (!clauses.length) return answer(false, null, null, `${unknown} and \`${purpose}\` has no clause`);
    for (const cl of clauses) {
      const r = holdsIn(cl, rec, facts);
      if (!r.ok) return answer(false, cl, null, `${unknown}, so every clause must allow the contact and \`${cl.text}\` does not: ${r.reason}`);
    }
    return answer(true, null, null, `${unknown}, and every clause allows the contact`);
  }
  const r = holdsIn(clause, rec, facts);
  return answer(r.ok, clause, r.basis, r.reason);
}

/** The first basis of a clause that holds now, or why none does. */
function holdsIn(clause: CClause, rec: ConsentRecord, facts: ConsentFacts): { ok: boolean; basis: string | null; reason: string } {
  const failures: string[] = [];
  for (const b of clause.bases) {
    const r = checkBasis(rec, b, facts);
    if (r.ok) return { ok: true, basis: b.text, reason: r.reason };
    failures.push(`${b.text}: ${r.reason}`);
  }
  return { ok: false, basis: null, reason: failures.join("; ") || "the clause lists no basis" };
}
