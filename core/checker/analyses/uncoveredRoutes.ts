/**
 * Leads no routing rule covers: for a route without `otherwise`, search the
 * boundary values of every field the rules test, and "missing", for a lead on
 * which no rule can be true (a rule fires only when its condition is true, so
 * a comparison with a missing field does not route; tests on scores, events
 * and stages count as "maybe true"), and report it as an example with a fix
 * that adds `otherwise -> queue …`. A missing field is `null` in the example.
 */
import type * as A from "../../syntax/ast.js";
import type { Diagnostic, TextEdit } from "../../diagnostics/diagnostic.js";
import { makeDiagnostic } from "../../diagnostics/catalogue.js";
import type { Binding } from "../../binder/bind.js";
import type { ParseResult } from "../../syntax/parse.js";
import { insertBeforeCloseEdit } from "../fixes.js";
import { CondCompiler, enumerate, fieldsOf, type Cond, type Val } from "./conditions.js";

const BUDGET = 200_000;

/** Routes of one file that leave some leads unrouted. */
export function uncoveredRoutes(b: Binding, uri: string, out: Diagnostic[], decls?: readonly A.Decl[]): void {
  const pr = b.files.get(uri);
  if (!pr) return;
  for (const d of decls ?? pr.file.decls) if (d.kind === "Route" && !d.fallback && d.name) route(b, uri, pr, d, out);
}

/**
 * Whether `c` can evaluate to `want` on this lead for some outcome of its opaque tests (each opaque test
 * may be true, false or unknown independently: an over-approximation, so a lead is reported only when no
 * rule can route it whatever the scores and events are).
 */
function can(c: Cond, lead: Map<string, Val | undefined>, want: boolean): boolean {
  switch (c.k) {
    case "const":
      return c.v === want;
    case "atom":
      return c.test(lead.get(c.field)) === want;
    case "opaque":
      return true;
    case "not":
      return can(c.a, lead, !want);
    // n-ary (a chain of any length is one node): true needs every item able to be true, false one item able to be false.
    case "and":
      return want ? c.items.every((x) => can(x, lead, true)) : c.items.some((x) => can(x, lead, false));
    case "or":
      return want ? c.items.some((x) => can(x, lead, true)) : c.items.every((x) => can(x, lead, false));
  }
}

/** The first lead (field → value, `null` for missing) that no rule of the route matches, or undefined when every lead is (maybe) covered. */
export function uncoveredLead(b: Binding, uri: string, text: string, d: A.RouteDecl): Record<string, Val | null> | undefined {
  const cc = new CondCompiler(b, uri, text);
  const conds = d.rules.map((r) => cc.compile(r.when));
  const fields = new Set<string>();
  for (const c of conds) fieldsOf(c, fields);
  const list = [...fields].sort((x, y) => (x === "country" ? -1 : y === "country" ? 1 : x < y ? -1 : 1));
  // "missing" last, so a lead with every field given is shown when there is one.
  const domains = list.map((f) => [...cc.domain(f), undefined]);
  const lead = new Map<string, Val | undefined>();
  let found: Record<string, Val | null> | undefined;
  enumerate(list, domains, BUDGET, (vals) => {
    for (let i = 0; i < list.length; i++) lead.set(list[i]!, vals[i] as Val | undefined);
    for (const c of conds) if (can(c, lead, true)) return true;
    found = {};
    list.forEach((f, i) => (found![f] = (vals[i] as Val | undefined) ?? null));
    return false;
  });
  return found;
}

function route(b: Binding, uri: string, pr: ParseResult, d: A.RouteDecl, out: Diagnostic[]): void {
  const example = uncoveredLead(b, uri, pr.lines.text, d);
  if (!example) return;
  const shown = Object.entries(example).map(([k, v]) => `${k}: ${v === null ? "missing" : typeof v === "string" ? JSON.stringify(v) : String(v)}`);
  const lead = shown.length ? `{ ${shown.join(", ")} }` : "every lead";
  const message = d.rules.length
    ? `some leads match no rule of \`${d.name!.text}\` and stay unrouted, for example ${lead}; add \`otherwise\``
    : `\`${d.name!.text}\` has no rules and no \`otherwise\`, so every lead stays unrouted`;
  out.push(makeDiagnostic("CR4002", uri, d.name!.range, message, { example, fixes: [fallbackFix(b, uri, pr, d)] }));
}

function fallbackFix(b: Binding, uri: string, pr: ParseResult, d: A.RouteDecl): { title: string; edits: TextEdit[]; preferred: boolean } {
  const queues = b.namesVisible(uri, "target", ["queue"]).sort();
  const queue = queues.includes("unrouted") ? "unrouted" : (queues[0] ?? "unrouted");
  const edits: TextEdit[] = [];
  const add = insertBeforeCloseEdit(pr, uri, d, `otherwise -> queue ${queue}`);
  if (add) edits.push(add);
  if (!queues.length) {
    const end = d.range.end.offset;
    edits.push({ uri, range: pr.lines.range(end, end), newText: `\n\nqueue unrouted "Unrouted leads"` });
  }
  return { title: `add \`otherwise -> queue ${queue}\``, edits, preferred: true };
}
