/**
 * Compiling consent and actions (docs/language.md §9, §10 "Actions"): each purpose's clauses
 * (region as a constant list of countries, or `otherwise`) and bases; each action's parameters,
 * reach and required purpose.
 */
import type * as A from "../syntax/ast.js";
import type { CAction, CBasis, CClause, CConsent } from "./compiled.js";
import { fieldInfo, type CompileContext } from "./compileContext.js";
import { isConsentBasis } from "../vocabulary.js";

export function compileConsent(cx: CompileContext, uri: string, d: A.ConsentDecl): CConsent | null {
  if (!d.name) return null;
  const { src, textOf, dur } = cx;
  const clauses: CClause[] = [];
  for (const cl of d.clauses) {
    const bases: CBasis[] = [];
    for (const b of cl.bases) {
      const name = b.basis?.text;
      if (name === undefined || !isConsentBasis(name)) {
        cx.problems.push(`consent \`${d.name.text}\`: unknown basis \`${name ?? ""}\` skipped`);
        continue;
      }
      bases.push({ basis: name, expires: b.expires ? (dur(b.expires) ?? null) : null, impliedFor: b.impliedFor ? (dur(b.impliedFor) ?? null) : null, anchor: b.anchor?.text ?? null, text: textOf(src(uri, b)), source: src(uri, b) });
    }
    clauses.push({
      region: cl.otherwise || cl.unknown ? null : cx.constList(uri, cl.region),
      ...(cl.unknown ? { unknown: true } : {}),
      text: cl.otherwise ? "otherwise" : cl.unknown ? "unknown" : `in ${cl.region ? textOf(src(uri, cl.region)) : "?"}`,
      bases,
      source: src(uri, cl),
    });
  }
  return { name: d.name.text, clauses, source: src(uri, d) };
}

export function compileAction(cx: CompileContext, uri: string, d: A.ActionDecl): CAction | null {
  if (!d.name) return null;
  return {
    name: d.name.text,
    params: d.params.map((p) => p.name?.text ?? ""),
    paramTypes: d.params.map((p) => (p.type ? (fieldInfo({ ...p, name: p.name ?? { kind: "Name", text: "", range: p.range } })?.type ?? "") : "")),
    reach: d.reach ?? "contact",
    requires: d.requires?.text ?? null,
    source: cx.src(uri, d),
  };
}
