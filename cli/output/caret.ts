/**
 * Source excerpts with a caret line under a range, in the style of rustc/elm:
 *
 *    12 | stage mql when fitt >= 20
 *       |                ^^^^ did you mean `fit`?
 */
import type { Range } from "../../core/text/positions.js";
import { LineIndex } from "../../core/text/positions.js";
import { plain, type Colors } from "../color.js";

const TAB = "  ";

export interface ExcerptOptions {
  colors?: Colors;
  /** Colour of the carets. */
  tone?: "red" | "yellow" | "cyan" | "blue";
  /** Text after the carets. */
  label?: string;
  /** Width of the line-number gutter (so several excerpts line up). */
  gutter?: number;
}

/** Lines (no trailing newline) showing `range` in `text`. */
export function excerpt(text: string, range: Range, options: ExcerptOptions = {}): string[] {
  const c = options.colors ?? plain;
  const tone = c[options.tone ?? "red"];
  const lines = new LineIndex(text);
  const line = Math.min(range.start.line, lines.lineCount - 1);
  const raw = lines.lineText(line);
  const lineNo = String(line + 1);
  const gutter = Math.max(options.gutter ?? 0, lineNo.length);
  const bar = c.blue("|");
  const pad = " ".repeat(gutter);
  const startCol = Math.min(range.start.character, raw.length);
  const endCol = range.end.line === line ? Math.min(Math.max(range.end.character, startCol), raw.length) : raw.length;
  const shown = raw.replace(/\t/g, TAB);
  const prefix = raw.slice(0, startCol).replace(/\t/g, TAB).length;
  const width = Math.max(1, raw.slice(startCol, endCol).replace(/\t/g, TAB).length);
  const more = range.end.line > line ? ` ${c.dim(`(continues to line ${range.end.line + 1})`)}` : "";
  const label = options.label ? " " + tone(options.label) : "";
  return [
    `${pad} ${bar}`,
    `${c.blue(lineNo.padStart(gutter))} ${bar} ${shown}`,
    `${pad} ${bar} ${" ".repeat(prefix)}${tone("^".repeat(width))}${label}${more}`,
  ];
}

/** `file:line:col`, 1-based as people and editors expect. */
export function location(file: string, range: Range): string {
  return `${file}:${range.start.line + 1}:${range.start.character + 1}`;
}
