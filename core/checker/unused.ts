/** Unused declarations: warnings tagged `unnecessary`, with a fix that removes them. */
import type * as A from "../syntax/ast.js";
import type { SymbolKind } from "../workspace.js";
import { makeDiagnostic } from "../diagnostics/catalogue.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { KIND_WORDS, removeFix, type Binding } from "../binder/bind.js";

/** Kinds that only matter when something refers to them (scores, stages, routes, workflows and journeys act on their own). */
const CHECKED: SymbolKind[] = ["set", "territory", "owner", "queue", "team", "grade", "action", "consent", "event"];

export function unusedDeclarations(b: Binding): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const s of b.symbols.values()) {
    if (s.builtin || !CHECKED.includes(s.kind) || b.referenced.has(s.id) || b.duplicates.has(s.id)) continue;
    const pr = b.files.get(s.uri);
    if (!pr || !s.node) continue;
    const node = s.node as A.Node;
    out.push(
      makeDiagnostic("CR2007", s.uri, s.range, `${KIND_WORDS[s.kind]} \`${s.name}\` is never used`, {
        tags: ["unnecessary"],
        fixes: [removeFix(pr, s.uri, node.range, `remove the unused ${KIND_WORDS[s.kind]} \`${s.name}\``)],
      }),
    );
  }
  return out;
}
