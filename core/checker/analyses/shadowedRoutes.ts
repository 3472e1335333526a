/**
 * Routing rules that can never match: an earlier rule matches every lead the
 * later one would match (decided over the boundary values of both rules'
 * conditions, with missing fields and unknown tests as third values), or the
 * rule is written after `otherwise`.
 */
import type * as A from "../../syntax/ast.js";
import type { Diagnostic } from "../../diagnostics/diagnostic.js";
import { makeDiagnostic } from "../../diagnostics/catalogue.js";
import type { Binding } from "../../binder/bind.js";
import { CondCompiler, enumerate, evaluate, fieldsOf, type Cond, type Tri, type Val } from "./conditions.js";

/** Combinations tried per pair of rules; beyond it the pair is not judged (no report). */
const PAIR_BUDGET = 20_000;
/** Pairs judged per route (keeps huge routes linear enough). */
const PAIRS_PER_ROUTE = 5_000;

/** Shadowed rules in the routes of one file. */
export function shadowedRoutes(b: Binding, uri: string, out: Diagnostic[], decls?: readonly A.Decl[]): void {
  const pr = b.files.get(uri);
  if (!pr) return;
  for (const d of decls ?? pr.file.decls) if (d.kind === "Route") route(b, uri, pr.lines.text, d, out);
}

function ruleLabel(r: A.RouteRule): string {
  return r.name ? `\`${r.name.text}\`` : "this rule";
}

function route(b: Binding, uri: string, text: string, d: A.RouteDecl, out: Diagnostic[]): void {
  const fb = d.fallback;
  const cc = new CondCompiler(b, uri, text);
  const conds: Cond[] = d.rules.map((r) => cc.compile(r.when));
  let pairs = 0;
  d.rules.forEach((r, j) => {
    const at = r.name?.range ?? r.range;
    if (fb && r.range.start.offset > fb.range.start.offset) {
      out.push(makeDiagnostic("CR4001", uri, at, `${ruleLabel(r)} comes after \`otherwise\`, so it never routes anyone`, { related: [{ uri, range: fb.range, message: "`otherwise` takes every lead that reaches it" }] }));
      return;
    }
    for (let i = 0; i < j; i++) {
      if (++pairs > PAIRS_PER_ROUTE) return;
      if (implies(cc, conds[j]!, conds[i]!)) {
        const s = d.rules[i]!;
        out.push(
          makeDiagnostic("CR4001", uri, at, `${ruleLabel(r)} never matches: every lead it would take is already taken by ${ruleLabel(s)} above it`, {
            related: [{ uri, range: s.name?.range ?? s.range, message: `${ruleLabel(s)} matches first` }],
          }),
        );
        return;
      }
    }
  });
}

/** True when `later` can be true and every lead that makes `later` true makes `earlier` true. */
/** What a condition reads (cached: a rule's condition takes part in many pairs). */
const readsOf = new WeakMap<Cond, { fields: string[]; opaque: string[] }>();
function reads(c: Cond): { fields: string[]; opaque: string[] } {
  let r = readsOf.get(c);
  if (!r) {
    const { fields, opaque } = fieldsOf(c);
    readsOf.set(c, (r = { fields: [...fields], opaque: [...opaque] }));
  }
  return r;
}

/** A field's candidate values plus "missing" (cached per compiler and field). */
const withMissing = new WeakMap<CondCompiler, Map<string, { base: readonly Val[]; values: (Val | undefined)[] }>>();
function domainOrMissing(cc: CondCompiler, field: string): (Val | undefined)[] {
  let m = withMissing.get(cc);
  if (!m) withMissing.set(cc, (m = new Map()));
  const base = cc.domain(field);
  const hit = m.get(field);
  if (hit && hit.base === base) return hit.values;
  const values = [...base, undefined];
  m.set(field, { base, values });
  return values;
}

const OPAQUE_DOMAIN: readonly Tri[] = [true, false, undefined];

function union(a: string[], b: string[]): string[] {
  if (!b.length) return a;
  if (!a.length) return b;
  const out = a.slice();
  for (const x of b) if (!out.includes(x)) out.push(x);
  return out;
}

export function implies(cc: CondCompiler, later: Cond, earlier: Cond): boolean {
  const l = reads(later);
  const e = reads(earlier);
  const fieldList = union(l.fields, e.fields);
  const opaqueList = union(l.opaque, e.opaque);
  const domains: (readonly unknown[])[] = [];
  for (const f of fieldList) domains.push(domainOrMissing(cc, f));
  for (let i = 0; i < opaqueList.length; i++) domains.push(OPAQUE_DOMAIN);
  const lead = new Map<string, Val | undefined>();
  const op = new Map<string, Tri>();
  let satisfiable = false;
  let holds = true;
  const complete = enumerate([...fieldList, ...opaqueList], domains, PAIR_BUDGET, (vals) => {
    // Plain loops: this runs once per combination (up to PAIR_BUDGET per pair of rules).
    for (let i = 0; i < fieldList.length; i++) lead.set(fieldList[i]!, vals[i] as Val | undefined);
    for (let i = 0; i < opaqueList.length; i++) op.set(opaqueList[i]!, vals[fieldList.length + i] as Tri);
    if (evaluate(later, lead, op) !== true) return true;
    satisfiable = true;
    if (evaluate(earlier, lead, op) !== true) {
      holds = false;
      return false;
    }
    return true;
  });
  return complete && satisfiable && holds;
}
