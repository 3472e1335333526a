/**
 * The items one completion answer collects, and the ways providers add them:
 * declarations by kind, keywords, snippets, country codes.
 */
import * as L from "vscode-languageserver";
import type { SymbolKind } from "../../../core/workspace.js";
import { COUNTRY_CODES } from "../../../core/checker/countries.js";
import type { Scope } from "./scope.js";
import type { Snip } from "./snippets.js";

export class Items {
  private readonly items: L.CompletionItem[] = [];

  constructor(private readonly scope: Scope) {}

  push(...items: L.CompletionItem[]): void {
    this.items.push(...items);
  }

  /** The declarations of these kinds that the file may name (see `Scope.declarations`). */
  names(kinds: SymbolKind[]): void {
    for (const k of kinds) for (const d of this.scope.declarations(k)) this.items.push(this.scope.item(d));
  }

  words(ws: string[], detail: string): void {
    for (const w of ws) this.items.push({ label: w, kind: L.CompletionItemKind.Keyword, detail, documentation: detail });
  }

  /** Declared events, then the built-in ones. */
  events(): void {
    this.names(["event"]);
    for (const b of this.scope.builtinEvents()) this.items.push(this.scope.item(b));
  }

  snippets(ss: Snip[]): void {
    for (const s of ss)
      this.items.push({
        label: s.label,
        kind: L.CompletionItemKind.Snippet,
        detail: s.detail,
        documentation: { kind: "markdown", value: s.doc + "\n\n```crmrules\n" + s.body.replace(/\$\{\d+\|([^,|]*)[^}]*\}/g, "$1").replace(/\$\{\d+:?([^}]*)\}/g, "$1") + "\n```" },
        insertText: s.body,
        insertTextFormat: L.InsertTextFormat.Snippet,
      });
  }

  countries(): void {
    for (const code of [...COUNTRY_CODES].sort()) this.items.push({ label: code, kind: L.CompletionItemKind.EnumMember, detail: "country (ISO 3166-1 alpha-2)", documentation: `the country code \`${code}\`` });
  }

  /** The answer: every item once (by label and kind), in the order added. */
  list(): L.CompletionList {
    return { isIncomplete: false, items: dedupe(this.items) };
  }
}

function dedupe(items: L.CompletionItem[]): L.CompletionItem[] {
  const seen = new Set<string>();
  return items.filter((i) => {
    const k = `${i.label}\u0000${i.kind}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
