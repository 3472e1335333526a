/**
 * Settings that cannot be meant: zero or negative periods, decay outside
 * (0%, 100%], a cap below one rule's points, a floor above the cap, team
 * weights ≤ 0, `limit 0`, grade letters out of order.
 */
import type * as A from "../../syntax/ast.js";
import type { Diagnostic, Fix } from "../../diagnostics/diagnostic.js";
import { makeDiagnostic } from "../../diagnostics/catalogue.js";
import type { Binding } from "../../binder/bind.js";
import type { Checker } from "../checker.js";
import type { ParseResult } from "../../syntax/parse.js";
import { removeClauseFix, removeLinesFix, reorderFix, replaceFix } from "../fixes.js";

/** Per-node part of the settings checks (called from the shared walk in analyses/index.ts). */
export function settingsVisitor(pr: ParseResult, uri: string, out: Diagnostic[]): (n: A.Node) => void {
  /** `limit 0`: allow one, or (in a score rule) remove the rule, which can never fire. */
  const zeroLimit = (l: A.Limit | undefined, keyword: "limit" | "cap", rule?: A.ScoreRule) => {
    if (!l?.count || l.count.value > 0) return;
    const fixes = [replaceFix(uri, l.count.range, "1", `allow at least 1 (\`${keyword} 1\`)`)];
    if (rule) fixes.push(removeLinesFix(pr, uri, rule.range, `remove the rule \`${rule.name?.text ?? "rule"}\``));
    out.push(makeDiagnostic("CR5006", uri, l.count.range, `\`${keyword} ${l.count.text}\` means this can never happen; remove it or allow at least 1`, { fixes }));
  };
  return (n) => {
      if (n.kind === "Duration") {
        const d = n as A.Duration;
        if (d.amount && d.amount.value <= 0)
          out.push(makeDiagnostic("CR5001", uri, d.range, `a period of \`${d.unit ? `${d.amount.text} ${d.unit.text}` : d.amount.text}\` is ${d.amount.value === 0 ? "zero" : "negative"}; periods must be longer than zero`));
      } else if (n.kind === "ScoreRule") {
        const r = n as A.ScoreRule;
        if (r.trigger?.kind === "EventTrigger") zeroLimit(r.trigger.limit, "limit", r);
      } else if (n.kind === "Team") zeroLimit((n as A.TeamDecl).cap, "cap");
      else if (n.kind === "Member") {
        const m = n as A.TeamMember;
        if (m.weight && m.weight.value <= 0)
          out.push(
            makeDiagnostic("CR5005", uri, m.weight.range, `\`weight ${m.weight.text}\` would never give \`${m.owner?.text ?? "this member"}\` a lead; weights must be above zero`, {
              fixes: [removeClauseFix(pr, uri, m.range, `remove the member \`${m.owner?.text ?? "member"}\``, true)],
            }),
          );
      }
  };
}

/** Settings of one file's scores and grades. */
export function settings(b: Binding, uri: string, out: Diagnostic[], decls?: readonly A.Decl[]): void {
  const pr = b.files.get(uri);
  for (const d of decls ?? pr?.file.decls ?? []) {
    if (d.kind === "Score") score(pr!, uri, d, out);
    else if (d.kind === "Grade") grade(pr!, uri, d, out);
  }
}

function score(pr: ParseResult, uri: string, d: A.ScoreDecl, out: Diagnostic[]): void {
  let cap: A.NumberLit | undefined;
  let floor: A.NumberLit | undefined;
  for (const s of d.settings) {
    if (s.kind === "Cap") cap = s.value ?? cap;
    else if (s.kind === "Floor") floor = s.value ?? floor;
    else if (s.percent && (s.percent.value <= 0 || s.percent.value > 100))
      out.push(
        makeDiagnostic("CR5002", uri, s.percent.range, `decay of ${s.percent.text}% is out of range; use more than 0% and at most 100%`, {
          // Above 100%: the most there is. Zero or less: no decay at all, which is what the line says.
          fixes: [s.percent.value > 100 ? replaceFix(uri, s.percent.range, "100", "change to `100%` (all points decay)", true) : removeLinesFix(pr, uri, s.range, "remove the decay (the score does not decay)", true)],
        }),
      );
  }
  if (cap && floor && floor.value > cap.value)
    out.push(makeDiagnostic("CR5004", uri, floor.range, `floor ${floor.text} is above the cap ${cap.text}`, { related: [{ uri, range: cap.range, message: "the cap" }] }));
  for (const r of d.rules) {
    if (!r.points) continue;
    if (cap && r.points.value > cap.value)
      out.push(makeDiagnostic("CR5003", uri, r.points.range, `\`${r.name?.text ?? "this rule"}\` gives ${r.points.value} points but \`${d.name?.text ?? "the score"}\` is capped at ${cap.value}`, { related: [{ uri, range: cap.range, message: "the cap" }] }));
  }
}

function grade(pr: ParseResult, uri: string, d: A.GradeDecl, out: Diagnostic[]): void {
  const fixes = bestFirst(pr, uri, d);
  let prev: A.GradeEntry | undefined;
  let otherwise: A.GradeEntry | undefined;
  for (const e of d.entries) {
    if (otherwise) {
      out.push(makeDiagnostic("CR5007", uri, e.range, `\`${e.letter?.text ?? "this letter"}\` comes after \`otherwise\`, so no score ever gets it`, { related: [{ uri, range: otherwise.range, message: "the `otherwise` letter" }], fixes }));
      continue;
    }
    if (e.otherwise) {
      otherwise = e;
      continue;
    }
    if (prev?.min && e.min && e.min.value >= prev.min.value)
      out.push(makeDiagnostic("CR5007", uri, e.min.range, `\`${e.letter?.text ?? "?"} >= ${e.min.text}\` must be below \`${prev.letter?.text ?? "?"} >= ${prev.min.text}\`; write the best letter first`, { related: [{ uri, range: prev.range, message: "the letter before" }], fixes }));
    if (e.min) prev = e;
  }
}

/**
 * The grade's entries best first (highest minimum first, `otherwise` last), when that order
 * is well defined: every entry has a minimum or is the one `otherwise`, and no two minimums are equal.
 */
function bestFirst(pr: ParseResult, uri: string, d: A.GradeDecl): Fix[] {
  const entries = d.entries;
  const others = entries.filter((e) => e.otherwise);
  if (others.length > 1 || entries.some((e) => !e.letter || (!e.otherwise && !e.min))) return [];
  const mins = entries.filter((e) => !e.otherwise).map((e) => e.min!.value);
  if (new Set(mins).size !== mins.length) return [];
  const order = [...entries.filter((e) => !e.otherwise).sort((a, b) => b.min!.value - a.min!.value), ...others];
  const fix = reorderFix(pr, uri, entries, order, "write the letters best first");
  return fix ? [fix] : [];
}
