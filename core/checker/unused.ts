/** Unused declarations: warnings tagged `unnecessary`, with a fix that removes them. */
import type * as A from "../syntax/ast.js";
import type { CrmSymbol, SymbolKind } from "../workspace.js";
import { makeDiagnostic } from "../diagnostics/catalogue.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { ParseResult } from "../syntax/parse.js";
import { KIND_WORDS, removeFix, type Binding, type FileDecls } from "../binder/bind.js";

/** Kinds that only matter when something refers to them (scores, stages, routes, workflows and journeys act on their own). */
const CHECKED = new Set<SymbolKind>(["set", "territory", "owner", "queue", "team", "grade", "action", "consent", "event"]);

/** Whether a declaration of this kind is reported when nothing refers to it. */
export function mayBeUnused(kind: SymbolKind): boolean {
  return CHECKED.has(kind);
}

const candidates = new WeakMap<FileDecls, CrmSymbol[]>();
const warnings = new WeakMap<CrmSymbol, { pr: ParseResult; d: Diagnostic }>();

/** `referenced`: every symbol id some file refers to (at least those of the kinds `mayBeUnused`). */
export function unusedDeclarations(b: Binding, referenced: { has(symbolId: string): boolean }): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const decls of b.decls.values()) {
    let list = candidates.get(decls);
    if (!list) candidates.set(decls, (list = [...decls.byId.values()].filter((s) => CHECKED.has(s.kind))));
    for (const s of list) {
      if (referenced.has(s.id) || b.duplicates.has(s.id)) continue;
      const pr = b.files.get(s.uri);
      if (!pr || !s.node) continue;
      // The warning depends on the declaration and the text around it (its fix takes the doc lines above along):
      // kept while the file's parse is the same (a symbol may outlive it: fileDecls.ts keeps untouched declarations' symbols).
      const hit = warnings.get(s);
      let d = hit?.pr === pr ? hit.d : undefined;
      if (!d) {
        const node = s.node as A.Node;
        d = makeDiagnostic("CR2007", s.uri, s.range, `${KIND_WORDS[s.kind]} \`${s.name}\` is never used`, {
          tags: ["unnecessary"],
          fixes: [removeFix(pr, s.uri, node.range, `remove the unused ${KIND_WORDS[s.kind]} \`${s.name}\``)],
        });
        warnings.set(s, { pr, d });
      }
      out.push(d);
    }
  }
  return out;
}
