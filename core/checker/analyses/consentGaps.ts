/**
 * Consent gaps: a contact action without `requires`; a consent purpose whose
 * clauses let some jurisdiction through on a basis weaker than the legal
 * baseline (EU/EEA opt-in, DE/AT double opt-in, CA express or implied for at
 * most 24 months after a purchase / 6 months after an inquiry, US opt-out), or
 * leave countries uncovered without `otherwise`; a workflow sending a contact
 * action whose purpose has no consent declaration.
 */
import type * as A from "../../syntax/ast.js";
import { durationText } from "../../syntax/literal.js";
import type { Diagnostic, Fix } from "../../diagnostics/diagnostic.js";
import { makeDiagnostic } from "../../diagnostics/catalogue.js";
import type { Binding } from "../../binder/bind.js";
import type { ParseResult } from "../../syntax/parse.js";
import { constValue } from "./conditions.js";
import { insertBeforeCloseEdit } from "../fixes.js";
import { COUNTRY_CODES, EU_EEA, EXAMPLE_COUNTRIES } from "../countries.js";
import { CONSENT_METHODS, DAY, EXPRESS_BASES, durationMinutes, isConsentBasis, isExpressBasis } from "../../vocabulary.js";

interface Requirement {
  label: string;
  ok(basis: A.ConsentBasis): boolean;
}

const strong = (bs: A.ConsentBasis) => isExpressBasis(bs.basis?.text);

/** The legal baseline, in the order countries are tried for examples. */
export function requirementFor(country: string): Requirement | undefined {
  if (country === "DE" || country === "AT") return { label: `${country} needs double opt-in`, ok: (bs) => bs.basis?.text === "double_opt_in" };
  if (EU_EEA.includes(country)) return { label: `${country} (EU/EEA) needs opt-in`, ok: strong };
  if (country === "CA")
    return {
      label: "CA needs express consent, or implied consent for at most 24 months after a purchase or 6 months after an inquiry",
      ok: (bs) => {
        if (strong(bs)) return true;
        if (bs.basis?.text !== "implied") return false;
        const mins = durationMinutes(bs.impliedFor);
        if (mins === undefined) return true;
        const anchor = bs.anchor?.text ?? "";
        // The law counts calendar time (2 years, 6 months); allow the longest calendar length of each.
        const limit = /purchase|contract|order|sale/.test(anchor) ? 2 * 366 * DAY : 184 * DAY;
        return mins <= limit;
      },
    };
  return undefined;
}

/** Whether an `implied` basis's anchor is a declared event or a writable `consent_given` method (other bases: true). */
function knownAnchor(b: Binding, uri: string, bs: A.ConsentBasis): boolean {
  if (bs.basis?.text !== "implied" || !bs.anchor) return true;
  const s = b.lookup(uri, "event", bs.anchor.text);
  if (s && !s.builtin) return true;
  return !s && CONSENT_METHODS.includes(bs.anchor.text) && bs.anchor.text !== "import";
}

/**
 * `implied D after checkbox` / `after double_opt_in` (methods, when no declared event has that name)
 * follow express consent: for the baseline they are `opt_in` / `double_opt_in` that expire after D.
 */
function expressForm(b: Binding, uri: string, bs: A.ConsentBasis): A.ConsentBasis {
  const anchor = bs.anchor?.text;
  if (bs.basis?.text !== "implied" || (anchor !== "checkbox" && anchor !== "double_opt_in")) return bs;
  const s = b.lookup(uri, "event", anchor);
  if (s && !s.builtin) return bs;
  return { ...bs, basis: { ...bs.basis, text: anchor === "double_opt_in" ? "double_opt_in" : "opt_in" } };
}

const CHECKED_COUNTRIES = ["DE", "AT", ...EU_EEA.filter((c) => c !== "DE" && c !== "AT").sort(), "CA"];

/**
 * The weakest basis that meets the baseline of every checked country the clause decides, as a fix:
 * an implied period shortened to the longest the law allows (after a purchase or an inquiry),
 * else `opt_in`, else `double_opt_in`.
 */
function lawfulBasis(b: Binding, uri: string, bs: A.ConsentBasis, countries: Set<string>): Fix[] {
  if (!bs.basis) return [];
  const checked = CHECKED_COUNTRIES.filter((c) => countries.has(c));
  const lawful = (x: A.ConsentBasis) => checked.every((c) => requirementFor(c)!.ok(expressForm(b, uri, x)));
  const name = (text: string): A.ConsentBasis => ({ ...bs, basis: { ...bs.basis!, text }, impliedFor: undefined, anchor: undefined });
  const anchor = bs.anchor?.text ?? "";
  if (bs.basis.text === "implied" && bs.impliedFor?.amount && bs.anchor && (anchor === "inquiry" || /purchase|contract|order|sale/.test(anchor))) {
    const months = anchor === "inquiry" ? 6 : 24;
    const period: A.Duration = { ...bs.impliedFor, amount: { ...bs.impliedFor.amount, value: months, text: String(months) }, unit: { kind: "Name", text: "months", range: bs.impliedFor.range } as A.Name };
    if (lawful({ ...bs, impliedFor: period }))
      return [{ title: `shorten to \`implied ${months} months after ${anchor}\``, edits: [{ uri, range: bs.impliedFor.range, newText: `${months} months` }], preferred: true }];
  }
  for (const strong of EXPRESS_BASES) {
    if (!lawful(name(strong))) continue;
    // `implied …` is replaced as a whole; otherwise only the word, so an `expires after` stays.
    const range = bs.basis.text === "implied" ? bs.range : bs.basis.range;
    return [{ title: `require \`${strong}\``, edits: [{ uri, range, newText: strong }], preferred: true }];
  }
  return [];
}

/** Consent gaps in one file's consent purposes, actions and workflows. */
export function consentGaps(b: Binding, uri: string, out: Diagnostic[], decls?: readonly A.Decl[]): void {
  const pr = b.files.get(uri);
  if (!pr) return;
  for (const d of decls ?? pr.file.decls) {
    if (d.kind === "Consent") consent(b, uri, pr, d, out);
    else if (d.kind === "Action") action(b, uri, pr, d, out);
    else if (d.kind === "Workflow") workflow(b, uri, d, out);
  }
}

/** For each clause, the countries it decides (earlier clauses win); undefined when a region cannot be evaluated. */
const clauseCache = new WeakMap<Binding, Map<A.ConsentDecl, { value: Set<string>[] | undefined; deps: readonly string[] }>>();

export function clauseCountries(b: Binding, uri: string, d: A.ConsentDecl): Set<string>[] | undefined {
  let cache = clauseCache.get(b);
  if (!cache) clauseCache.set(b, (cache = new Map()));
  const hit = cache.get(d);
  // The names it read are kept with it: a declaration that reuses the countries depends on them too (check.ts).
  if (hit) {
    b.replay(hit.deps);
    return hit.value;
  }
  const result = b.recordApart(() => computeClauseCountries(b, uri, d));
  cache.set(d, result);
  return result.value;
}

function computeClauseCountries(b: Binding, uri: string, d: A.ConsentDecl): Set<string>[] | undefined {
  const taken = new Set<string>();
  const out: Set<string>[] = [];
  for (const cl of d.clauses) {
    let region: Set<string>;
    // `unknown` decides no known country: it is for leads whose country is missing or invalid.
    if (cl.unknown) region = new Set();
    else if (cl.otherwise) region = new Set([...COUNTRY_CODES].filter((c) => !taken.has(c)));
    else {
      const v = constValue(cl.region, b, uri);
      const set = v instanceof Set ? v : typeof v === "string" ? new Set([v]) : undefined;
      if (!set) return undefined;
      region = new Set([...set].filter((c): c is string => typeof c === "string" && !taken.has(c)));
    }
    for (const c of region) taken.add(c);
    out.push(region);
  }
  return out;
}

const dur = (d: A.Duration) => `${d.amount?.text ?? "?"} ${d.unit?.text ?? ""}`.trim();

/** Minutes of a basis's expiry or implied period (Infinity: none). */
const lasts = (d: A.Duration | undefined) => (d ? (durationMinutes(d) ?? Infinity) : Infinity);

/** Whether basis `x` holding means `y` holds too (§9 "Bases"): so a clause with `y` allows whatever `x` allows. */
function implies(x: A.ConsentBasis, y: A.ConsentBasis): boolean {
  const xb = x.basis?.text;
  const yb = y.basis?.text;
  if (yb === "opt_out") return true;
  if (yb === "opt_in") return (xb === "opt_in" || xb === "double_opt_in") && lasts(x.expires) <= lasts(y.expires);
  if (yb === "double_opt_in") return xb === "double_opt_in" && lasts(x.expires) <= lasts(y.expires);
  if (yb === "implied") return xb === "implied" && x.anchor?.text === y.anchor?.text && lasts(x.impliedFor) <= lasts(y.impliedFor);
  return false;
}

/**
 * CR4010: a basis of the `unknown` clause that lets a lead of unknown country through where some
 * other clause would not (the lead may be under that clause: its country is not known).
 */
function unknownClause(b: Binding, uri: string, d: A.ConsentDecl, out: Diagnostic[]): void {
  for (const u of d.clauses.filter((c) => c.unknown)) {
    for (const bs of u.bases) {
      if (!bs.basis || !isConsentBasis(bs.basis.text) || !knownAnchor(b, uri, bs)) continue;
      const x = expressForm(b, uri, bs);
      const stricter = d.clauses.find((c) => !c.unknown && c.bases.length > 0 && c.bases.every((cb) => cb.basis && isConsentBasis(cb.basis.text)) && !c.bases.some((cb) => implies(x, expressForm(b, uri, cb))));
      if (!stricter) continue;
      const words = (x: A.ConsentBasis) => `${x.basis?.text ?? "?"}${x.expires ? ` expires after ${dur(x.expires)}` : ""}${x.impliedFor ? ` ${dur(x.impliedFor)} after ${x.anchor?.text ?? "?"}` : ""}`;
      const which = `${stricter.otherwise ? "`otherwise`" : "the clause"} on line ${stricter.range.start.line + 1} (\`${stricter.bases.map(words).join(" or ")}\`)`;
      out.push(makeDiagnostic("CR4010", uri, bs.range, `\`unknown\` lets \`${d.name!.text}\` reach a lead of unknown country on \`${words(bs)}\`, which ${which} would not allow; such a lead may be under that clause, so make \`unknown\` at least as strict`));
    }
  }
}

function consent(b: Binding, uri: string, pr: ParseResult, d: A.ConsentDecl, out: Diagnostic[]): void {
  if (!d.name) return;
  const regions = clauseCountries(b, uri, d);
  if (!regions) return;
  d.clauses.forEach((cl, i) => {
    const countries = regions[i]!;
    for (const bs of cl.bases) {
      if (!bs.basis || !isConsentBasis(bs.basis.text)) continue;
      if (!knownAnchor(b, uri, bs)) continue; // already an error of its own (CR2001, CR3025)
      const eff = expressForm(b, uri, bs);
      const bad = CHECKED_COUNTRIES.find((c) => countries.has(c) && !requirementFor(c)!.ok(eff));
      if (!bad) continue;
      const req = requirementFor(bad)!;
      const what = bs.basis.text === "implied" && bs.impliedFor ? `implied consent for ${bs.impliedFor.amount?.text ?? "?"} ${bs.impliedFor.unit?.text ?? ""} after \`${bs.anchor?.text ?? "?"}\`` : `\`${bs.basis.text}\``;
      out.push(
        makeDiagnostic("CR4005", uri, bs.range, `${cl.otherwise ? "`otherwise`" : "this clause"} lets \`${d.name!.text}\` reach a lead in \`${bad}\` on ${what}, but ${req.label}`, {
          example: { country: bad },
          fixes: lawfulBasis(b, uri, bs, countries),
        }),
      );
    }
  });
  unknownClause(b, uri, d, out);
  if (!d.clauses.some((c) => c.otherwise)) {
    const covered = new Set<string>();
    for (const r of regions) for (const c of r) covered.add(c);
    const example = EXAMPLE_COUNTRIES.find((c) => !covered.has(c)) ?? [...COUNTRY_CODES].find((c) => !covered.has(c));
    if (!example) return;
    const fixes: Fix[] = [];
    const add = insertBeforeCloseEdit(pr, uri, d, "otherwise: opt_in");
    if (add) fixes.push({ title: "add `otherwise: opt_in`", preferred: true, edits: [add] });
    out.push(
      makeDiagnostic("CR4006", uri, d.name.range, `no clause of \`${d.name.text}\` covers leads in \`${example}\` (and other countries), so every contact to them is blocked; add \`otherwise\``, {
        example: { country: example },
        fixes,
      }),
    );
  }
}

function action(b: Binding, uri: string, pr: ParseResult, d: A.ActionDecl, out: Diagnostic[]): void {
  if (d.reach === "internal" || d.requires || !d.name) return;
  const purposes = b.namesVisible(uri, "consent").sort();
  const at = d.reachRange ?? d.range;
  const insert = d.reachRange ? " requires " : " contact requires ";
  const fixes: Fix[] = (purposes.length ? purposes : ["email_marketing"]).map((p, i) => ({
    title: `add \`requires ${p}\``,
    edits: [{ uri, range: pr.lines.range(at.end.offset, at.end.offset), newText: `${insert}${p}` }],
    ...(i === 0 ? { preferred: true } : {}),
  }));
  if (!d.reachRange) fixes.push({ title: "mark it `internal`", edits: [{ uri, range: pr.lines.range(d.range.end.offset, d.range.end.offset), newText: " internal" }] });
  out.push(makeDiagnostic("CR4004", uri, d.reachRange ?? d.name.range, `\`${d.name.text}\` contacts people but names no consent purpose; add \`requires …\`${d.reachRange ? "" : " or mark it `internal`"}`, { fixes }));
}


function workflow(b: Binding, uri: string, d: A.WorkflowDecl, out: Diagnostic[]): void {
  let waited = 0;
  const waits: A.Duration[] = [];
  for (const s of d.steps) {
    if (s.kind === "Wait") {
      const m = durationMinutes(s.duration);
      if (m !== undefined && m > 0) (waited += m), waits.push(s.duration!);
      continue;
    }
    if (s.kind !== "Do" || !s.call?.action) continue;
    if (waited > 0) expiryBeforeSend(b, uri, s.call.action, waited, waits, out);
    const a = b.lookup(uri, "action", s.call.action.text);
    if (!a || a.kind !== "action") continue;
    const ad = a.node as A.ActionDecl;
    if (ad.reach === "internal") continue;
    if (!ad.requires) {
      out.push(makeDiagnostic("CR4007", uri, s.call.action.range, `\`${a.name}\` contacts people but has no consent purpose, so nothing proves this send is allowed`, { related: [{ uri: a.uri, range: a.range, message: `\`${a.name}\` is declared here` }] }));
    } else if (!b.lookup(a.uri, "consent", ad.requires.text)) {
      out.push(makeDiagnostic("CR4007", uri, s.call.action.range, `\`${a.name}\` needs consent \`${ad.requires.text}\`, which no \`consent\` declaration defines, so this send can never be proved allowed`, { related: [{ uri: a.uri, range: ad.requires.range, message: "the purpose it requires" }] }));
    }
  }
}

/** A send after `waited` minutes, when the shortest consent expiry of the action's purpose is shorter. */
function expiryBeforeSend(b: Binding, uri: string, at: A.Name, waited: number, waits: A.Duration[], out: Diagnostic[]): void {
  const a = b.lookup(uri, "action", at.text);
  const ad = a?.kind === "action" ? (a.node as A.ActionDecl) : undefined;
  if (!a || !ad || ad.reach === "internal" || !ad.requires) return;
  const c = b.lookup(a.uri, "consent", ad.requires.text);
  if (!c || c.kind !== "consent") return;
  const cd = c.node as A.ConsentDecl;
  const regions = clauseCountries(b, c.uri, cd);
  let worst: { bs: A.ConsentBasis; mins: number; clause: number } | undefined;
  cd.clauses.forEach((cl, i) => {
    // Only a clause whose every basis expires can block: any basis without expiry keeps the send allowed.
    const mins = cl.bases.map((bs) => (isExpressBasis(bs.basis?.text) ? durationMinutes(bs.expires) : undefined));
    if (!cl.bases.length || mins.some((m) => m === undefined)) return;
    const longest = Math.max(...(mins as number[]));
    if (longest < waited && (!worst || longest < worst.mins)) worst = { bs: cl.bases[mins.indexOf(longest)]!, mins: longest, clause: i };
  });
  if (!worst) return;
  const region = regions?.[worst.clause];
  const country = region ? (CHECKED_COUNTRIES.find((x) => region.has(x)) ?? [...region].sort()[0]) : undefined;
  const total = waits.length === 1 ? durationText(waits[0]!) : `${waits.map(durationText).join(" + ")}`;
  out.push(
    makeDiagnostic("CR4008", uri, at.range, `this send comes ${total} after the workflow starts, but \`${c.name}\` consent${country ? ` for a lead in \`${country}\`` : ""} expires after ${durationText(worst.bs.expires!)}, so a lead who consented at the start is blocked by then`, {
      related: [{ uri: c.uri, range: worst.bs.range, message: "the consent that expires" }],
      ...(country ? { example: { country } } : {}),
    }),
  );
}
