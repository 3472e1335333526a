/** Code actions: every checker and lint fix as a quick fix, plus "organize imports". */
import * as L from "vscode-languageserver";
import type { AnyDiagnostic, Fix } from "../../core/diagnostics/diagnostic.js";
import type { ParseResult } from "../../core/syntax/parse.js";
import { diagnostic as toLsp, range } from "./convert.js";
import { pathToUri } from "./uri.js";
import { whyNotActions } from "./whyNot.js";

export function codeActions(pr: ParseResult, diags: AnyDiagnostic[], params: L.CodeActionParams): L.CodeAction[] {
  const only = params.context.only;
  const wants = (kind: string) => !only || only.some((k) => kind === k || kind.startsWith(k + "."));
  const out: L.CodeAction[] = [];
  if (wants(L.CodeActionKind.QuickFix)) {
    const r = params.range;
    for (const d of diags) {
      if (!d.fixes?.length) continue;
      if (!overlaps(d, r)) continue;
      for (const f of d.fixes) out.push(quickFix(d, f));
    }
    out.push(...whyNotActions(pr, params));
  }
  if (wants(L.CodeActionKind.SourceOrganizeImports)) {
    const edit = organizeImports(pr);
    if (edit) out.push({ title: "Organize imports", kind: L.CodeActionKind.SourceOrganizeImports, edit: { changes: { [pathToUri(pr.file.uri)]: [edit] } } });
  }
  return out;
}

function overlaps(d: AnyDiagnostic, r: L.Range): boolean {
  const s = d.range.start;
  const e = d.range.end;
  const before = (a: { line: number; character: number }, b: { line: number; character: number }) => a.line < b.line || (a.line === b.line && a.character <= b.character);
  return before(s, r.end) && before(r.start, e);
}

function quickFix(d: AnyDiagnostic, f: Fix): L.CodeAction {
  const changes: Record<string, L.TextEdit[]> = {};
  for (const e of f.edits) (changes[pathToUri(e.uri)] ??= []).push({ range: range(e.range), newText: e.newText });
  return { title: f.title, kind: L.CodeActionKind.QuickFix, diagnostics: [toLsp(d)], isPreferred: f.preferred, edit: { changes } };
}

/** Sorts and de-duplicates the import block at the top of the file (imports must be contiguous). */
export function organizeImports(pr: ParseResult): L.TextEdit | undefined {
  const imports = pr.file.imports;
  if (imports.length === 0) return undefined;
  const first = imports[0]!;
  const last = imports[imports.length - 1]!;
  // Only when nothing but imports and comments lie between the first and the last import.
  if (pr.file.decls.some((d) => d.range.start.offset > first.range.start.offset && d.range.start.offset < last.range.end.offset)) return undefined;
  if (pr.comments.some((c) => c.startOffset > first.range.start.offset && c.startOffset < last.range.end.offset)) return undefined;
  if (imports.some((i) => !i.path)) return undefined;
  const paths = [...new Set(imports.map((i) => i.path!.value))].sort();
  const old = pr.lines.text.slice(first.range.start.offset, last.range.end.offset);
  // The block's own line break, so that a CRLF file stays CRLF.
  const lf = old.indexOf("\n");
  const text = paths.map((p) => `import ${JSON.stringify(p)}`).join(lf > 0 && old[lf - 1] === "\r" ? "\r\n" : "\n");
  if (old === text) return undefined;
  return { range: range({ start: first.range.start, end: last.range.end }), newText: text };
}
