/**
 * Finds the journeys of a file and their expectations straight from the parser, so the test
 * explorer lists them even before the language server has answered. Pure: no `vscode` import.
 */
import { parse } from "../../core/syntax/parse.js";
import type { JourneyInfo } from "./adapt.js";

export function journeysOf(text: string, uri: string): JourneyInfo[] {
  const { file } = parse(text, uri);
  const out: JourneyInfo[] = [];
  for (const decl of file.decls) {
    if (decl.kind !== "Journey" || !decl.name) continue;
    const expectations = decl.steps
      .filter((s) => s.kind === "ExpectStep")
      .map((s, index) => ({
        index,
        text: text.slice(s.range.start.offset, s.range.end.offset).replace(/\s+/g, " ").trim(),
        range: lsp(s.range),
      }));
    out.push({ uri, name: decl.name.value, range: lsp(decl.range), expectations });
  }
  return out;
}

function lsp(r: { start: { line: number; character: number }; end: { line: number; character: number } }) {
  return { start: { line: r.start.line, character: r.start.character }, end: { line: r.end.line, character: r.end.character } };
}
