import { makeDiagnostic } from "../diagnostics/catalogue.js";
import { article } from "../text/words.js";
import type { CrmSymbol } from "../workspace.js";
import { relativeTo } from "./paths.js";
import type { Binding } from "./binding.js";
import { KIND_WORDS } from "./kindWords.js";

/** Names declared more than once (CR2002) where some file sees the declarations together: each later one is reported, at it. */
export function reportDuplicates(b: Binding, uris: string[]): void {
  for (const [group, name, list] of b.repeatedNames()) {
    const sorted = [...list].sort((p, q) => (p.uri < q.uri ? -1 : p.uri > q.uri ? 1 : p.range.start.offset - q.range.start.offset));
    // A later declaration is a duplicate when some file sees it together with an earlier one.
    const firstOf = new Map<CrmSymbol, CrmSymbol>();
    for (const f of uris) {
      const vis = b.visible.get(f)!;
      let first: CrmSymbol | undefined;
      for (const s of sorted) {
        if (!vis.has(s.uri)) continue;
        if (!first) first = s;
        else if (!firstOf.has(s) || sorted.indexOf(firstOf.get(s)!) > sorted.indexOf(first)) firstOf.set(s, first);
      }
    }
    for (const s of sorted) {
      const first = firstOf.get(s);
      if (!first) continue;
      b.duplicates.add(s.id);
      const what = group === "field" ? "the lead field" : group === "journey" ? "a journey named" : `the name`;
      const as = group === "field" || group === "journey" ? "" : ` (as ${article(KIND_WORDS[first.kind])})`;
      b.diagnostics.push(
        makeDiagnostic("CR2002", s.uri, s.range, `${what} \`${name}\` is already declared${first.uri !== s.uri ? ` in \`${relativeTo(b.root, first.uri)}\`` : ""}${as}`, {
          related: [{ uri: first.uri, range: first.range, message: `first declaration of \`${name}\`` }],
        }),
      );
    }
  }
}
