/**
 * Source excerpts with a caret line under a range, in the style of rustc/elm:
 *
 *    12 | stage mql when fitt >= 20
 *       |                ^^^^ did you mean `fit`?
 */
import type { Range } from "../../core/text/positions.js";
import { LineIndex } from "../../core/text/positions.js";
import { plain, type Colors } from "../color.js";
import { escapeControls, isUnsafe } from "./safe.js";

const TAB = "  ";
/** Display columns of source shown per excerpt: a longer line is cut to a window around the range. */
export const MAX_EXCERPT_WIDTH = 100;
/** Display columns kept before the range when a long line is cut. */
const CONTEXT_BEFORE = 30;
const ELLIPSIS = "…";

export interface ExcerptOptions {
  colors?: Colors;
  /** Colour of the carets. */
  tone?: "red" | "yellow" | "cyan" | "blue";
  /** Text after the carets. */
  label?: string;
  /** Width of the line-number gutter (so several excerpts line up). */
  gutter?: number;
}

/** How one source character is shown: a tab as two spaces, a control or bidi character escaped. */
function shownChar(ch: string): string {
  return ch === "\t" ? TAB : isUnsafe(ch) ? escapeControls(ch) : ch;
}

/** The shown text of `raw[from, to)`. */
function shownSlice(raw: string, from: number, to: number): string {
  let out = "";
  for (let i = from; i < to; i++) out += shownChar(raw[i]!);
  return out;
}

/**
 * The part of `raw` to show with its caret columns: the whole line when it fits in
 * `MAX_EXCERPT_WIDTH` columns, otherwise a window around `[startCol, endCol)` with `…` where
 * it is cut. Only the window's characters are looked at, so a 5 MB line costs no more than a short one.
 */
export function excerptWindow(raw: string, startCol: number, endCol: number, max = MAX_EXCERPT_WIDTH): { text: string; caretStart: number; caretWidth: number } {
  if (raw.length <= max) {
    const whole = shownSlice(raw, 0, raw.length);
    if (whole.length <= max) {
      const caretStart = shownSlice(raw, 0, startCol).length;
      return { text: whole, caretStart, caretWidth: Math.max(1, shownSlice(raw, startCol, endCol).length) };
    }
  }
  // Room for the source between the two ellipses.
  const room = max - 2;
  let from = startCol;
  let before = 0;
  while (from > 0 && before + shownChar(raw[from - 1]!).length <= CONTEXT_BEFORE) before += shownChar(raw[--from]!).length;
  let to = from;
  let used = 0;
  while (to < raw.length && used + shownChar(raw[to]!).length <= room) used += shownChar(raw[to++]!).length;
  // At the end of the line: use the room left for more text before the range.
  while (to >= raw.length && from > 0 && used + shownChar(raw[from - 1]!).length <= room) used += shownChar(raw[--from]!).length;
  const lead = from > 0 ? ELLIPSIS : "";
  const tail = to < raw.length ? ELLIPSIS : "";
  const s = Math.min(Math.max(startCol, from), to);
  const e = Math.min(Math.max(endCol, s), to);
  return { text: lead + shownSlice(raw, from, to) + tail, caretStart: lead.length + shownSlice(raw, from, s).length, caretWidth: Math.max(1, shownSlice(raw, s, e).length) };
}

/** The last few texts' line indexes: many excerpts of one file index it once. */
const indexes: LineIndex[] = [];
function lineIndex(text: string): LineIndex {
  const hit = indexes.find((x) => x.text === text);
  if (hit) return hit;
  const made = new LineIndex(text);
  indexes.unshift(made);
  if (indexes.length > 4) indexes.pop();
  return made;
}

/** Lines (no trailing newline) showing `range` in `text`. */
export function excerpt(text: string, range: Range, options: ExcerptOptions = {}): string[] {
  const c = options.colors ?? plain;
  const tone = c[options.tone ?? "red"];
  const lines = lineIndex(text);
  const line = Math.min(range.start.line, lines.lineCount - 1);
  const raw = lines.lineText(line);
  const lineNo = String(line + 1);
  const gutter = Math.max(options.gutter ?? 0, lineNo.length);
  const bar = c.blue("|");
  const pad = " ".repeat(gutter);
  const startCol = Math.min(range.start.character, raw.length);
  const endCol = range.end.line === line ? Math.min(Math.max(range.end.character, startCol), raw.length) : raw.length;
  const w = excerptWindow(raw, startCol, endCol);
  const more = range.end.line > line ? ` ${c.dim(`(continues to line ${range.end.line + 1})`)}` : "";
  const label = options.label ? " " + tone(escapeControls(options.label)) : "";
  return [
    `${pad} ${bar}`,
    `${c.blue(lineNo.padStart(gutter))} ${bar} ${w.text}`,
    `${pad} ${bar} ${" ".repeat(w.caretStart)}${tone("^".repeat(w.caretWidth))}${label}${more}`,
  ];
}

/** `file:line:col`, 1-based as people and editors expect. */
export function location(file: string, range: Range): string {
  return `${file}:${range.start.line + 1}:${range.start.character + 1}`;
}
