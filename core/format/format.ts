/**
 * The formatter: one canonical layout for `.crmrules` files.
 *
 * It works on the token stream (comments included), so it is robust to broken
 * input, and it only ever changes whitespace between tokens:
 *
 * - indentation is `indent` spaces per open `{` (one extra level for a line that
 *   continues a statement begun on an earlier line);
 * - spacing between tokens is normalized (`a == b`, `enum(a, b)`, `[NO, SE]`,
 *   `+10`, `25%`, `->`, `rule x: +10 on e`);
 * - the user's line breaks are kept (and, with `maxLineLength`, a long condition
 *   is broken before `and` / `or`), runs of blank lines become one, no trailing
 *   whitespace, exactly one final newline, no column alignment (unless
 *   `alignRuleColons`: the colons after the rule names of consecutive rule lines);
 * - a line touched by a syntax error is left exactly as written.
 *
 * INVARIANT: the output lexes to the same tokens and comments as the input
 * (text outside whitespace is never lost, added or reordered), and
 * `format(format(x)) === format(x)`.
 */
import { isNameChar } from "../syntax/tokens.js";
import { visitObjects } from "../syntax/walk.js";
import { parse, type ParseResult } from "../syntax/parse.js";
import { LineIndex, type Range } from "../text/positions.js";

export interface FormatOptions {
  /** Spaces per indentation level (default 2); ignored when `useTabs`. */
  indent?: number;
  /** One tab per indentation level instead of `indent` spaces (default false). */
  useTabs?: boolean;
  /**
   * Line up the colons after rule names (`rule NAME:`) of consecutive rule
   * lines of a block, so they read as a table (default false). A blank line,
   * a comment line, any other line or a change of indentation ends a run.
   */
  alignRuleColons?: boolean;
  /**
   * Lines longer than this are broken before an `and` / `or` of their
   * condition (outside brackets; not the `and` of `between … and`), the
   * continuation indented one level more; a line that has no such place, or
   * holds a brace, stays as it is. Absent: no line is broken.
   */
  maxLineLength?: number;
}

/** A replacement of `range` (in the original text) by `newText`. */
export interface FormatEdit {
  range: Range;
  newText: string;
}

/** Returns the formatted text. Never throws. */
export function format(text: string, options?: FormatOptions): string {
  return layout(text, options).text;
}

/**
 * Edits that format the lines touched by `range` (LSP range formatting).
 * Only `line` and `character` of the range are read (offsets may be 0); the
 * returned ranges carry all three. Empty when those lines are already formatted.
 */
export function formatRange(text: string, range: Range, options?: FormatOptions): FormatEdit[] {
  const { lines } = layout(text, options);
  const startLine = Math.min(range.start.line, range.end.line);
  let endLine = Math.max(range.start.line, range.end.line);
  // A selection ending at column 0 of a line does not include that line.
  if (endLine > startLine && range.end.character === 0 && range.end.line === endLine) endLine--;
  const picked = lines.filter((l) => l.lastLine >= startLine && l.firstLine <= endLine);
  if (picked.length === 0) return [];
  const first = picked[0]!;
  const last = picked[picked.length - 1]!;
  let newText = "";
  for (let i = 0; i < picked.length; i++) {
    const l = picked[i]!;
    if (i > 0) newText += l.blankBefore ? l.eol + l.eol : l.eol;
    newText += l.output;
  }
  const index = new LineIndex(text);
  const from = first.startOffset;
  const to = last.endOffset;
  if (text.slice(from, to) === newText) return [];
  return [{ range: index.range(from, to), newText }];
}

/** One edit that turns `text` into `format(text)` (empty when nothing changes). */
export function formatEdits(text: string, options?: FormatOptions): FormatEdit[] {
  const formatted = format(text, options);
  if (formatted === text) return [];
  // Keep the edit small: trim the common prefix and suffix.
  let a = 0;
  const max = Math.min(text.length, formatted.length);
  while (a < max && text.charCodeAt(a) === formatted.charCodeAt(a)) a++;
  let b = 0;
  while (b < max - a && text.charCodeAt(text.length - 1 - b) === formatted.charCodeAt(formatted.length - 1 - b)) b++;
  const index = new LineIndex(text);
  return [{ range: index.range(a, text.length - b), newText: formatted.slice(a, formatted.length - b) }];
}

// ------------------------------------------------------------------ internals

/** A token, a comment, or a run of characters the lexer could not read. */
interface Piece {
  image: string;
  start: number;
  /** Exclusive. */
  end: number;
  type: string;
}

/** A run of pieces with no line break between them. */
interface OutLine {
  pieces: Piece[];
  /** Index of the first piece among all pieces. */
  firstIndex: number;
  /** Source lines covered (0-based, inclusive). */
  firstLine: number;
  lastLine: number;
  /** Offsets in the original text: start of the first source line, end of the last one's content. */
  startOffset: number;
  endOffset: number;
  blankBefore: boolean;
  output: string;
  eol: string;
  /** Where the colon of a `rule NAME:` line is in `output` (alignRuleColons only). */
  colonAt?: number;
}

const OPENERS_NO_SPACE_AFTER = new Set(["LParen", "LBracket", "Dot"]);
const NO_SPACE_BEFORE = new Set(["Comma", "Colon", "Semicolon", "RParen", "RBracket", "Percent", "Dot"]);
/** Tokens after which `+`/`-` is a binary operator; anywhere else it is a sign. */
const VALUE_END = new Set(["Identifier", "NumberLiteral", "StringLiteral", "DateLiteral", "TimeOfDay", "RParen", "RBracket", "Kw_true", "Kw_false"]);
/** Words directly followed by `(` with no space: calls, `enum(`, `list(`, `count(`. */
const CALL_WORDS = new Set(["Identifier", "Kw_count"]);
/** A line starting with one of these lines up with the line that opened it. */
const CLOSERS = new Set(["RBrace", "RBracket", "RParen"]);
const COMMENT = new Set(["LineComment", "DocComment", "BlockComment"]);

/** Nodes that stand on a line of their own; a line inside one (at the same depth) is a continuation. */
const STATEMENT_KINDS = new Set([
  "Import", "Lead", "Event", "Set", "Score", "Grade", "Stage", "Reenter", "Owner", "Queue", "Team", "Route",
  "Consent", "Action", "Workflow", "Journey", "Field", "Cap", "Floor", "Decay", "ScoreRule", "GradeEntry",
  "Member", "Limit", "RouteRule", "RouteFallback", "ConsentClause", "Do", "Wait", "EventStep", "UpdateStep",
  "ExpectStep", "RecordEntry",
]);

/** A character that joins the word before or after it (names take Unicode letters; a lone surrogate half is taken as a letter). */
function isWordChar(c: string | undefined): boolean {
  return c !== undefined && (isNameChar(c) || (c >= "\ud800" && c <= "\udfff"));
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= "0" && c <= "9";
}

/** Whether writing `a` and `b` with nothing between them still lexes as the same two tokens. */
function canJoin(a: string, b: string): boolean {
  const x = a[a.length - 1];
  const y = b[0];
  if (isWordChar(x) && isWordChar(y)) return false;
  if (x !== undefined && "-=!<>".includes(x) && (y === ">" || y === "=")) return false;
  if (x === "/" && (y === "/" || y === "*")) return false;
  if (isDigit(x) && (y === "." || y === ":" || y === "-")) return false;
  if ((x === "." || x === ":") && isDigit(y)) return false;
  if (x === '"' && y === '"') return false;
  return true;
}

function layout(text: string, options?: FormatOptions): { text: string; lines: OutLine[] } {
  const unit = options?.useTabs ? "\t" : " ".repeat(Math.max(0, Math.floor(options?.indent ?? 2)));
  const eol = /\r\n?|\n/.exec(text)?.[0] ?? "\n";
  const index = new LineIndex(text);
  const parsed = parse(text);
  const pieces = collectPieces(text, parsed);
  if (pieces.length === 0) return { text: "", lines: [] };

  // Source lines that a syntax error touches are left as written.
  const errorLines = new Set<number>();
  for (const d of parsed.diagnostics) {
    for (let l = d.range.start.line; l <= d.range.end.line; l++) errorLines.add(l);
  }

  // Statement ranges for continuation indentation.
  const statements: { start: number; end: number }[] = [];
  collectStatements(parsed.file, statements);
  statements.sort((p, q) => p.start - q.start || q.end - p.end);

  // Split into lines at every line break between pieces.
  const lines: OutLine[] = [];
  let current: Piece[] = [];
  let currentStart = 0;
  let blankBefore = false;
  const flush = (): void => {
    if (current.length === 0) return;
    const firstLine = index.position(current[0]!.start).line;
    const lastLine = index.position(current[current.length - 1]!.end).line;
    lines.push({
      pieces: current,
      firstIndex: currentStart,
      firstLine,
      lastLine,
      startOffset: index.offsetAt(firstLine, 0),
      endOffset: lineContentEnd(text, current[current.length - 1]!.end),
      blankBefore: blankBefore && lines.length > 0,
      output: "",
      eol,
    });
    current = [];
  };
  for (let i = 0; i < pieces.length; i++) {
    const p = pieces[i]!;
    if (i > 0) {
      const breaks = countBreaks(text, pieces[i - 1]!.end, p.start);
      if (breaks > 0) {
        flush();
        blankBefore = breaks > 1;
      }
    }
    if (current.length === 0) currentStart = i;
    current.push(p);
  }
  flush();

  // Brace depth before each piece (pieces are in text order), then the layout of each line.
  const depths = new Int32Array(pieces.length);
  let depth = 0;
  for (let i = 0; i < pieces.length; i++) {
    depths[i] = depth;
    const type = pieces[i]!.type;
    if (type === "LBrace") depth++;
    else if (type === "RBrace") depth = Math.max(0, depth - 1);
  }
  /** Depth before the piece that starts at `offset` (or the first one after it). */
  const depthAtOffset = (offset: number): number => {
    let lo = 0;
    let hi = pieces.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (pieces[mid]!.start < offset) lo = mid + 1;
      else hi = mid;
    }
    return depths[lo] ?? 0;
  };

  const open: { start: number; end: number; depth: number }[] = [];
  let next = 0;
  for (const line of lines) {
    const first = line.pieces[0]!;
    let verbatim = false;
    for (let l = line.firstLine; l <= line.lastLine && !verbatim; l++) if (errorLines.has(l)) verbatim = true;
    if (!verbatim) verbatim = line.pieces.some((p) => p.type === "Raw");
    if (verbatim) {
      line.output = text.slice(line.startOffset, line.endOffset);
      continue;
    }
    // Leading `}` close their level before the line is indented.
    const lineDepth = depths[line.firstIndex] ?? 0;
    let level = lineDepth;
    for (const p of line.pieces) {
      if (p.type !== "RBrace") break;
      level = Math.max(0, level - 1);
    }
    while (next < statements.length && statements[next]!.start < first.start) {
      const s = statements[next++]!;
      open.push({ ...s, depth: depthAtOffset(s.start) });
    }
    while (open.length > 0 && open[open.length - 1]!.end <= first.start) open.pop();
    const continues =
      !CLOSERS.has(first.type) && open.some((s) => s.start < first.start && first.start < s.end && s.depth === lineDepth);
    if (continues) level++;
    let out = unit.repeat(level);
    const max = options?.maxLineLength;
    const breaks = max !== undefined ? breakPoints(line.pieces) : new Set<number>();
    /** Where the current output line starts in `out`. */
    let lineStart = 0;
    for (let i = 0; i < line.pieces.length; i++) {
      const p = line.pieces[i]!;
      if (breaks.has(i) && out.length - lineStart + 1 + segmentLength(line.pieces, i, breaks) > max!) {
        // The rest of the condition goes on a continuation line (as the layout indents one when it is read back).
        out += eol;
        lineStart = out.length;
        out += unit.repeat(lineDepth + 1);
      } else if (i > 0 && spaceBetween(line.pieces[i - 1]!, p, line.pieces[i - 2])) out += " ";
      if (i === 2 && options?.alignRuleColons && isRuleHead(line.pieces)) line.colonAt = out.length;
      out += p.image;
    }
    line.output = out;
  }
  if (options?.alignRuleColons) alignColons(lines);

  let result = "";
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (i > 0) result += l.blankBefore ? eol + eol : eol;
    result += l.output;
  }
  return { text: result + eol, lines };
}

/**
 * Indices of the pieces a long line may be broken before: `and` / `or` outside
 * brackets and parentheses, not the `and` of `between … and`; none in a line
 * holding a brace or a comment (its layout is not a condition's).
 */
function breakPoints(pieces: Piece[]): Set<number> {
  const out = new Set<number>();
  if (pieces.some((p) => p.type === "LBrace" || p.type === "RBrace" || COMMENT.has(p.type))) return out;
  let nesting = 0;
  let between = false;
  for (let i = 1; i < pieces.length; i++) {
    const t = pieces[i]!.type;
    if (t === "LParen" || t === "LBracket") nesting++;
    else if (t === "RParen" || t === "RBracket") nesting = Math.max(0, nesting - 1);
    else if (nesting === 0 && t === "Kw_between") between = true;
    else if (nesting === 0 && t === "Kw_and" && between) between = false;
    else if (nesting === 0 && (t === "Kw_and" || t === "Kw_or") && i < pieces.length - 1) out.add(i);
  }
  return out;
}

/** The length of pieces `from`… up to the next break point, written with single spaces (an upper bound). */
function segmentLength(pieces: Piece[], from: number, breaks: Set<number>): number {
  let n = 0;
  for (let i = from; i < pieces.length && (i === from || !breaks.has(i)); i++) n += pieces[i]!.image.length + (i > from ? 1 : 0);
  return n;
}

/** `rule NAME :` (followed by something on the same line). */
function isRuleHead(pieces: Piece[]): boolean {
  return pieces.length > 3 && pieces[0]!.type === "Kw_rule" && pieces[1]!.type === "Identifier" && pieces[2]!.type === "Colon";
}

/** Pads the names of each run of consecutive rule lines at one indentation so their colons line up. */
function alignColons(lines: OutLine[]): void {
  const indentOf = (l: OutLine) => /^[ \t]*/.exec(l.output)![0];
  let i = 0;
  while (i < lines.length) {
    if (lines[i]!.colonAt === undefined) {
      i++;
      continue;
    }
    const indent = indentOf(lines[i]!);
    let j = i + 1;
    while (j < lines.length && lines[j]!.colonAt !== undefined && !lines[j]!.blankBefore && indentOf(lines[j]!) === indent) j++;
    const column = Math.max(...lines.slice(i, j).map((l) => l.colonAt!));
    for (let k = i; k < j; k++) {
      const l = lines[k]!;
      l.output = l.output.slice(0, l.colonAt) + " ".repeat(column - l.colonAt!) + l.output.slice(l.colonAt);
    }
    i = j;
  }
}

function spaceBetween(a: Piece, b: Piece, beforeA: Piece | undefined): boolean {
  return wantsSpace(a, b, beforeA) || !canJoin(a.image, b.image);
}

function wantsSpace(a: Piece, b: Piece, beforeA: Piece | undefined): boolean {
  if (COMMENT.has(a.type) || COMMENT.has(b.type)) return true;
  if (NO_SPACE_BEFORE.has(b.type)) return false;
  if (OPENERS_NO_SPACE_AFTER.has(a.type)) return false;
  if (b.type === "LParen") return !CALL_WORDS.has(a.type);
  if (a.type === "LBrace" && b.type === "RBrace") return false;
  // A sign sticks to its number: `+10`, `-5`, `>= -5`.
  if ((a.type === "Plus" || a.type === "Minus") && (beforeA === undefined || !VALUE_END.has(beforeA.type))) return false;
  return true;
}

function countBreaks(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) n++;
    else if (c === 13) {
      n++;
      if (text.charCodeAt(i + 1) === 10) i++;
    }
  }
  return n;
}

function lineContentEnd(text: string, from: number): number {
  let i = from;
  while (i < text.length && text[i] !== "\n" && text[i] !== "\r") i++;
  return i;
}

/** Tokens and comments in order, plus unreadable text between them as `Raw` pieces. */
function collectPieces(text: string, parsed: ParseResult): Piece[] {
  const comments = parsed.comments;
  const toks = parsed.tokens;
  const merged: Piece[] = [];
  let i = 0;
  let j = 0;
  while (i < toks.length || j < comments.length) {
    const t = i < toks.length && (j >= comments.length || toks[i]!.startOffset < comments[j]!.startOffset) ? toks[i++]! : comments[j++]!;
    merged.push({ image: t.image, start: t.startOffset, end: t.startOffset + t.image.length, type: t.tokenType.name });
  }
  // Only a file with problems can hold characters the lexer skipped.
  if (parsed.diagnostics.length === 0) return merged;
  // Keep every character the lexer skipped: split the non-whitespace of each gap into pieces.
  const out: Piece[] = [];
  let pos = 0;
  const gap = (from: number, to: number): void => {
    const re = /[^ \t\r\n\f\v\u00a0\ufeff]+/g;
    const s = text.slice(from, to);
    for (let m = re.exec(s); m; m = re.exec(s)) out.push({ image: m[0], start: from + m.index, end: from + m.index + m[0].length, type: "Raw" });
  };
  for (const p of merged) {
    if (p.start > pos) gap(pos, p.start);
    out.push(p);
    pos = p.end;
  }
  if (pos < text.length) gap(pos, text.length);
  return out;
}

function collectStatements(node: unknown, out: { start: number; end: number }[]): void {
  // An explicit stack (an operator chain is as deep as it is long), same order as a recursive walk.
  visitObjects(node, allKeys, (n) => {
    const r = n["range"] as Range | undefined;
    if (typeof n["kind"] === "string" && r && STATEMENT_KINDS.has(n["kind"])) out.push({ start: r.start.offset, end: r.end.offset });
  });
}

function allKeys(n: Record<string, unknown>): string[] {
  const keys: string[] = [];
  for (const key in n) if (key !== "range" && key !== "kind") keys.push(key);
  return keys;
}
