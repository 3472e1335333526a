/** Document and range formatting through core/format. */
import * as L from "vscode-languageserver";
import { formatEdits, formatRange } from "../../core/format/format.js";
import { range } from "./convert.js";
import { faults } from "../../core/diagnostics/internalError.js";

function indentOf(options: L.FormattingOptions): number {
  return options.insertSpaces === false ? 2 : Math.max(1, Math.min(8, options.tabSize || 2));
}

export function formatDocument(text: string, options: L.FormattingOptions, uri = ""): L.TextEdit[] {
  faults.inject?.("format", uri);
  return formatEdits(text, { indent: indentOf(options) }).map((e) => ({ range: range(e.range), newText: e.newText }));
}

export function formatDocumentRange(text: string, r: L.Range, options: L.FormattingOptions, uri = ""): L.TextEdit[] {
  faults.inject?.("format", uri);
  const z = (p: L.Position) => ({ line: p.line, character: p.character, offset: 0 });
  return formatRange(text, { start: z(r.start), end: z(r.end) }, { indent: indentOf(options) }).map((e) => ({ range: range(e.range), newText: e.newText }));
}
