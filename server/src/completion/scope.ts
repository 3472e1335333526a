/**
 * What completion may name in a file (its `Scope`, read from the check), the
 * item for one declaration, and the import edit an item from a file not yet
 * imported carries.
 */
import * as L from "vscode-languageserver";
import type { CrmSymbol, SymbolKind } from "../../../core/workspace.js";
import { declarationsOf, lookup, membersOf } from "../../../core/checker/queries.js";
import { relativeImport } from "../../../core/binder/paths.js";
import type { CheckResult } from "../../../core/checker/check.js";
import type { ParseResult } from "../../../core/syntax/parse.js";
import { describe } from "../hover.js";
import type { Snapshot } from "../workspace.js";

/** The type of a lead or payload field as completion distinguishes it (`email` reads as `text`). */
export function typeOfField(d: CrmSymbol | undefined): string {
  const t = (d?.node as { type?: { kind: string; name?: { text: string } } } | undefined)?.type;
  if (!t) return "text";
  if (t.kind === "EnumType") return "enum";
  if (t.kind === "ListType") return "list";
  const n = t.name?.text ?? "text";
  return n === "email" ? "text" : n;
}

/**
 * The names completion may offer in a file, from its check: the declarations
 * the file sees (its own, its imports', built-in events) and, after them, those
 * of other files of the same check that it could import without closing a
 * circle of imports; accepting one of those adds the import
 * (`additionalTextEdits`), so what completion inserts always resolves.
 */
export class Scope {
  private readonly check: CheckResult | undefined;
  private readonly visible: Set<string>;
  private readonly importable = new Map<string, boolean>();

  constructor(
    private readonly snap: Snapshot,
    private readonly path: string,
  ) {
    this.check = snap.checkOf(path);
    this.visible = new Set(this.check?.visibleFiles(path) ?? [path]);
  }

  /** Whether declarations of `uri` are offered: seen already, or importable (an absolute file that does not see this one). */
  private offered(uri: string): boolean {
    if (this.visible.has(uri)) return true;
    let ok = this.importable.get(uri);
    if (ok === undefined) {
      ok = !!this.check && this.path.startsWith("/") && uri.startsWith("/") && !this.check.visibleFiles(uri).includes(this.path);
      this.importable.set(uri, ok);
    }
    return ok;
  }

  /** Declarations of a kind (no built-ins), those the file sees first. */
  declarations(kind: SymbolKind): CrmSymbol[] {
    if (!this.check) return [];
    const all = declarationsOf(this.check, [kind]).filter((d) => !d.builtin && this.offered(d.uri));
    return [...all.filter((d) => this.visible.has(d.uri)), ...all.filter((d) => !this.visible.has(d.uri))];
  }

  builtinEvents(): CrmSymbol[] {
    return this.check ? declarationsOf(this.check, ["event"]).filter((d) => d.builtin) : [];
  }

  /** The declaration of `name` the file sees, else the first one it could import. */
  named(name: string, kind: SymbolKind): CrmSymbol | undefined {
    if (!this.check) return undefined;
    return lookup(this.check, this.path, name, [kind]) ?? this.declarations(kind).find((d) => d.name === name);
  }

  /** The payload fields of the event named `event` (built-in events too). */
  payloadFields(event: string): CrmSymbol[] {
    const ev = this.named(event, "event");
    return ev && this.check ? membersOf(this.check, ev.id).filter((m) => m.kind === "payloadField") : [];
  }

  /** The values of an enum field (a lead field or a payload field). */
  enumValues(field: CrmSymbol | undefined): CrmSymbol[] {
    return field && this.check ? membersOf(this.check, field.id).filter((m) => m.kind === "enumValue") : [];
  }

  /** The letters of a grade, best first. */
  letters(grade: CrmSymbol): CrmSymbol[] {
    return this.check ? membersOf(this.check, grade.id).filter((m) => m.kind === "gradeLetter") : [];
  }

  item(d: CrmSymbol): L.CompletionItem {
    const item: L.CompletionItem = {
      label: d.name,
      kind: ITEM_KIND[d.kind],
      detail: d.builtin && d.kind === "event" ? "built-in event" : d.kind === "enumValue" ? `value of ${d.container}` : d.kind === "payloadField" ? `field of ${d.container}` : d.kind,
      documentation: { kind: L.MarkupKind.Markdown, value: describe(this.snap, d) },
    };
    if (!d.builtin && !this.visible.has(d.uri)) {
      const spec = relativeImport(this.path, d.uri);
      item.detail = `${item.detail} (adds import "${spec}")`;
      item.additionalTextEdits = [importEdit(this.snap.file(this.path), spec)];
    }
    return item;
  }
}

/**
 * The edit adding `import "<spec>"`: on the line after the last import (or at
 * the top, followed by a blank line, when there is none). When the last import
 * ends on the file's last line, there is no next line to insert at: the import
 * goes at the end of the file, after a line break.
 */
export function importEdit(pr: ParseResult | undefined, spec: string): L.TextEdit {
  const line = `import ${JSON.stringify(spec)}`;
  const imports = pr?.file.imports ?? [];
  const last = imports[imports.length - 1];
  // The file's own line break (its first one), so that a CRLF file stays CRLF.
  const text = pr?.lines.text ?? "";
  const lf = text.indexOf("\n");
  const eol = lf > 0 && text[lf - 1] === "\r" ? "\r\n" : "\n";
  if (!pr || !last) return { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: `${line}${eol}${eol}` };
  const next = last.range.end.line + 1;
  if (next < pr.lines.lineCount) return { range: { start: { line: next, character: 0 }, end: { line: next, character: 0 } }, newText: `${line}${eol}` };
  const { line: l, character } = pr.lines.position(pr.lines.text.length);
  const end = { line: l, character };
  return { range: { start: end, end }, newText: `${eol}${line}` };
}

const ITEM_KIND: Record<SymbolKind, L.CompletionItemKind> = {
  field: L.CompletionItemKind.Field,
  payloadField: L.CompletionItemKind.Field,
  event: L.CompletionItemKind.Event,
  set: L.CompletionItemKind.Constant,
  territory: L.CompletionItemKind.Constant,
  score: L.CompletionItemKind.Class,
  scoreRule: L.CompletionItemKind.Method,
  grade: L.CompletionItemKind.Class,
  gradeLetter: L.CompletionItemKind.EnumMember,
  stage: L.CompletionItemKind.EnumMember,
  owner: L.CompletionItemKind.Reference,
  queue: L.CompletionItemKind.Reference,
  team: L.CompletionItemKind.Reference,
  route: L.CompletionItemKind.Module,
  routeRule: L.CompletionItemKind.Method,
  consent: L.CompletionItemKind.Interface,
  action: L.CompletionItemKind.Function,
  param: L.CompletionItemKind.Variable,
  workflow: L.CompletionItemKind.Module,
  journey: L.CompletionItemKind.Module,
  enumValue: L.CompletionItemKind.EnumMember,
};
