/**
 * Thresholds no lead can reach: the most a score can ever hold is its
 * positive attribute points (each counted once) plus positive event points
 * that a `limit N` (without `per`) bounds, clamped to cap and floor; any
 * unbounded positive rule makes it unbounded unless capped. A comparison
 * `score >= N` (or `>`, `==`, `between`, or a grade letter whose minimum is
 * above that) in any condition can then never be true.
 */
import type * as A from "../../syntax/ast.js";
import type { CrmSymbol } from "../../workspace.js";
import type { Diagnostic } from "../../diagnostics/diagnostic.js";
import { makeDiagnostic } from "../../diagnostics/catalogue.js";
import type { Binding } from "../../binder/bind.js";

import type { MaxScore } from "../../binder/scoreMaximum.js";

/** Per-node part of the analysis (called from the shared walk in analyses/index.ts). */
export function unreachableVisitor(b: Binding, uri: string, maxOf: (s: CrmSymbol) => MaxScore, out: Diagnostic[]): (n: A.Node) => void {
    const scoreNamed = (e: A.Expr | undefined): CrmSymbol | undefined => {
      if (e?.kind === "Paren") return scoreNamed(e.inner);
      if (e?.kind !== "Path" || e.segments.length) return undefined;
      const s = b.lookup(uri, "value", e.head.text);
      return s?.kind === "score" || s?.kind === "grade" ? s : undefined;
    };
    const report = (at: A.Node, s: CrmSymbol, m: MaxScore, what: string) =>
      out.push(
        makeDiagnostic("CR4003", uri, at.range, `no lead can reach ${what}: \`${s.name}\` is never more than ${m.value} (${m.reason})`, {
          related: [{ uri: s.uri, range: s.range, message: `\`${s.name}\` is declared here` }],
          example: { score: s.name, maxPossible: m.value },
        }),
      );
    const gradeMin = (g: CrmSymbol, letter: string): { score?: CrmSymbol; min?: number } => {
      const gd = g.node as A.GradeDecl;
      const score = gd.score ? b.lookup(g.uri, "value", gd.score.text) : undefined;
      const e = gd.entries.find((x) => x.letter?.text === letter);
      return { ...(score?.kind === "score" ? { score } : {}), ...(e?.min ? { min: e.min.value } : {}) };
    };
    return (n: A.Node) => {
      if (n.kind === "Grade") {
        const g = n as A.GradeDecl;
        const score = g.score ? b.lookup(uri, "value", g.score.text) : undefined;
        if (score?.kind !== "score") return;
        const m = maxOf(score);
        for (const e of g.entries) if (e.min && e.min.value > m.value) report(e, score, m, `grade \`${e.letter?.text ?? "?"}\` (${e.min.value} or more)`);
        return;
      }
      if (n.kind === "Between") {
        const bt = n as A.BetweenExpr;
        const s = scoreNamed(bt.operand);
        if (s?.kind === "score" && bt.low?.kind === "Number" && bt.low.value > maxOf(s).value) report(bt, s, maxOf(s), `\`${s.name}\` of ${bt.low.value} or more`);
        return;
      }
      if (n.kind !== "Binary") return;
      const e = n as A.BinaryExpr;
      let op = e.op;
      let s = scoreNamed(e.left);
      let other = e.right;
      if (!s) {
        s = scoreNamed(e.right);
        other = e.left;
        op = op === "<" ? ">" : op === "<=" ? ">=" : op === ">" ? "<" : op === ">=" ? "<=" : op;
      }
      if (!s || !other) return;
      if (s.kind === "score" && other.kind === "Number") {
        const m = maxOf(s);
        const v = other.value;
        if (((op === ">=" || op === "==") && v > m.value) || (op === ">" && v >= m.value)) report(e, s, m, `\`${s.name} ${op} ${v}\``);
      } else if (s.kind === "grade" && other.kind === "Path" && !other.segments.length) {
        const { score, min } = gradeMin(s, other.head.text);
        if (!score || min === undefined) return;
        const m = maxOf(score);
        if ((op === ">=" || op === "==") && min > m.value) report(e, score, m, `grade \`${other.head.text}\` of \`${s.name}\` (${min} or more)`);
      }
    };
}
