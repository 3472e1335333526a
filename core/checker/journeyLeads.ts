/**
 * The leads of a journey (docs/language.md §11 "Journeys with several leads"): a journey has one
 * unnamed `lead { … }` or several named ones (`lead ana { … }`); in a journey with named leads
 * every step names its lead (`ana: form_submitted`), and a step names only a lead the journey
 * declares. Structural: needs no types, one pass over the journey's leads and steps.
 */
import type * as A from "../syntax/ast.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { ParseResult } from "../syntax/parse.js";
import type { Range } from "../text/positions.js";
import { makeDiagnostic } from "../diagnostics/catalogue.js";
import { suggest } from "../text/didYouMean.js";
import { choiceFixes, replaceFix } from "./fixes.js";

/** CR3043 (a step names a lead the journey does not declare), CR3044 (a lead declared twice), CR3045 (a lead or step without a name in a journey with named leads). */
export function journeyLeads(pr: ParseResult, uri: string, d: A.JourneyDecl, out: Diagnostic[]): void {
  const named = new Map<string, A.JourneyLead>();
  for (const l of d.leads ?? []) {
    if (!l.name) continue;
    const first = named.get(l.name.text);
    if (first) {
      out.push(
        makeDiagnostic("CR3044", uri, l.name.range, `the lead \`${l.name.text}\` is declared twice in this journey; give each lead its own name (steps name the lead they happen to)`, {
          related: [{ uri, range: first.name!.range, message: `the first \`lead ${l.name.text}\`` }],
        }),
      );
      continue;
    }
    named.set(l.name.text, l);
  }
  const names = [...named.keys()];
  if (names.length === 0) {
    // A one-lead journey: a step may not name a lead (there is none to name).
    for (const s of d.steps)
      if (s.lead)
        out.push(
          makeDiagnostic("CR3043", uri, s.lead.range, `this journey has no lead named \`${s.lead.text}\`: it declares no named leads (\`lead ${s.lead.text} { … }\`), so its steps name none; declare the lead or remove \`${s.lead.text}:\``, {
            fixes: [{ title: `remove \`${s.lead.text}:\``, edits: [{ uri, range: leadPrefix(pr, s), newText: "" }] }],
          }),
        );
    return;
  }
  // Named leads: no unnamed `lead { … }` beside them, and every step names a declared lead.
  for (const e of d.entries)
    if (e.keyword === "lead")
      out.push(makeDiagnostic("CR3045", uri, e.range, `this journey has named leads (${names.map((n) => `\`${n}\``).join(", ")}), so its lead needs a name too: write \`lead NAME { … }\``));
  for (const s of d.steps) {
    if (!s.lead) {
      const at = s.time ? { start: s.time.range.end, end: s.time.range.end } : { start: s.range.start, end: s.range.start };
      const what = s.kind === "ExpectStep" ? "expectation" : s.kind === "UpdateStep" ? "update" : "event";
      out.push(
        makeDiagnostic("CR3045", uri, s.range, `this ${what} does not say which lead it is for; in a journey with several leads each step starts with its lead's name, as in \`${names[0]}: ${stepExample(s)}\``, {
          fixes: names.map((n, i) => ({ title: `for \`${n}\``, edits: [{ uri, range: at, newText: s.time ? ` ${n}:` : `${n}: ` }], ...(i === 0 && names.length === 1 ? { preferred: true } : {}) })),
        }),
      );
      continue;
    }
    if (named.has(s.lead.text)) continue;
    const near = suggest(s.lead.text, names);
    const hint = near.length ? `; did you mean \`${near[0]}\`?` : `; its leads are ${names.map((n) => `\`${n}\``).join(", ")}`;
    out.push(
      makeDiagnostic("CR3043", uri, s.lead.range, `this journey has no lead named \`${s.lead.text}\`${hint}`, {
        fixes: near.length ? choiceFixes(uri, s.lead.range, s.lead.text, names) : names.map((n) => replaceFix(uri, s.lead!.range, n)),
      }),
    );
  }
}

/** The range of `ana:` and the spaces after it. */
function leadPrefix(pr: ParseResult, s: A.JourneyStep): Range {
  const text = pr.lines.text;
  let e = s.lead!.range.end.offset;
  while (e < text.length && (text[e] === " " || text[e] === "\t")) e++;
  if (text[e] === ":") e++;
  while (e < text.length && (text[e] === " " || text[e] === "\t")) e++;
  return pr.lines.range(s.lead!.range.start.offset, e);
}

function stepExample(s: A.JourneyStep): string {
  if (s.kind === "EventStep") return s.event?.text ?? "form_submitted";
  if (s.kind === "UpdateStep") return "update { … }";
  return "expect …";
}
