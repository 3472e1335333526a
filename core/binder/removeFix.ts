import type { ParseResult } from "../syntax/parse.js";
import type { Range } from "../text/positions.js";

/** A fix that deletes a declaration together with its line break. */
export function removeFix(pr: ParseResult, uri: string, range: Range, title: string): { title: string; edits: { uri: string; range: Range; newText: string }[] } {
  const text = pr.lines.text;
  let end = range.end.offset;
  while (end < text.length && (text[end] === " " || text[end] === "\t")) end++;
  if (text[end] === "\r") end++;
  if (text[end] === "\n") end++;
  let start = range.start.offset;
  // Take the `///` doc lines above along.
  let line = range.start.line;
  while (line > 0 && pr.lines.lineText(line - 1).trimStart().startsWith("///")) line--;
  if (line < range.start.line) start = pr.lines.offsetAt(line, 0);
  return { title, edits: [{ uri, range: pr.lines.range(start, end), newText: "" }] };
}
