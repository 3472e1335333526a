/**
 * `reparse(previous, text, change?)`: the parse result of `text`, reusing the
 * previous parse of the same document for every top-level declaration an edit
 * does not touch. Only the declarations overlapping the edit are lexed and
 * parsed again; the new nodes are spliced in and the nodes after them are
 * moved to their new positions.
 *
 * OWNERSHIP: `reparse` takes over `previous`. The declarations after the edit
 * are not copied (copying them costs as much as parsing them): their positions
 * are moved in place, so `previous` must not be read afterwards (the language
 * server's workspace replaces it by the result; its diagnostics are copies).
 *
 * INVARIANT: `reparse(parse(a), b)` deep-equals `parse(b)` (tree, diagnostics,
 * comments, tokens, ranges): test/syntax/incremental.test.ts checks it on
 * random edits of every .crmrules file of the repository and of fuzz inputs.
 *
 * Why a span of declarations can be parsed alone. The span runs from the start
 * of a declaration before the edit to the start of a declaration after it, both
 * at column 0 of their line, so no token crosses either boundary (the lexer has
 * no modes: a token depends only on the text from its start). The parser is in
 * its top-level loop at the start of every declaration. What precedes the span
 * is unchanged and the parser looks at most `maxLookahead` (3) tokens ahead, so
 * the parse before the span is the same when the span's first four token types
 * are. What follows the span is unchanged and starts in the top-level loop with
 * the same tokens, so it parses the same way, shifted. In between, the span
 * parsed alone must be free of any diagnostic and end with `}` (no
 * declaration continues after its closing brace, so seeing the end of input
 * instead of the next declaration cannot change a decision). Anything else
 * falls back to a full parse: an edit reaching the file's imports or the
 * first declaration's first tokens, a diagnostic of the previous parse touching
 * the span (its cause may lie outside), an unterminated string or comment, a
 * syntax error in the span, a boundary that is no longer at column 0.
 */
import type { IToken } from "chevrotain";
import type { CrmFile, Decl } from "./ast.js";
import { parse, parseResult, lexedTokens, type ParseResult } from "./parse.js";
import { crmLexer, RBrace } from "./tokens.js";
import { LineIndex, type Position } from "../text/positions.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";

/** One replacement in the previous text: `[start, end)` (offsets in the previous text) becomes `text`. */
export interface TextChange {
  start: number;
  end: number;
  text: string;
}

/** Characters compared at once by `changeBetween` before it compares one by one. */
const BLOCK = 1024;

/** The one replacement turning `before` into `after` (their common prefix and suffix kept), or undefined when they are equal. */
export function changeBetween(before: string, after: string): TextChange | undefined {
  if (before === after) return undefined;
  const max = Math.min(before.length, after.length);
  // Whole blocks compared first (string equality of slices runs in native code), then one character at a time:
  // the prefix and suffix of a one-line edit of a 1 MB document are about a megabyte together.
  let start = 0;
  while (start + BLOCK <= max && before.slice(start, start + BLOCK) === after.slice(start, start + BLOCK)) start += BLOCK;
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let tail = 0;
  while (tail + BLOCK <= max - start && before.slice(before.length - tail - BLOCK, before.length - tail) === after.slice(after.length - tail - BLOCK, after.length - tail)) tail += BLOCK;
  while (tail < max - start && before.charCodeAt(before.length - 1 - tail) === after.charCodeAt(after.length - 1 - tail)) tail++;
  return { start, end: before.length - tail, text: after.slice(start, after.length - tail) };
}

/** Why the last `reparse` parsed the whole text (for tests and benchmarks); undefined when it reparsed a span. */
export let lastFallback: string | undefined;

/** Tokens the parser may look at beyond its position (`maxLookahead` in parser/base.ts) plus the current one. */
const LOOKAHEAD = 4;

export function reparse(previous: ParseResult, text: string, change?: TextChange): ParseResult {
  const uri = previous.file.uri;
  const oldText = previous.lines.text;
  change ??= changeBetween(oldText, text);
  if (!change) return previous;
  const why = tryReparse(previous, text, change);
  if (typeof why !== "string") {
    lastFallback = undefined;
    return why;
  }
  lastFallback = why;
  return parse(text, uri);
}

function tryReparse(previous: ParseResult, text: string, change: TextChange): ParseResult | string {
  const oldText = previous.lines.text;
  if (change.start < 0 || change.end > oldText.length || change.start > change.end) return "the change lies outside the text";
  if (oldText.length - (change.end - change.start) + change.text.length !== text.length) return "the change does not produce the text";
  const { decls, imports } = previous.file;
  if (decls.length === 0) return "no declarations";
  // Imports are file items too; keep them out of the span (they are few and at the top).
  const lastImport = imports.length ? imports[imports.length - 1]!.range.end.offset : -1;
  // lo: the last declaration starting strictly before the change; hi: the first one starting at or after its end.
  let lo = lastIndexBefore(decls, change.start);
  if (lo < 0) return "the change reaches the first declaration's start";
  let hi = lo + 1;
  while (hi < decls.length && decls[hi]!.range.start.offset < change.end) hi++;
  const segStart = decls[lo]!.range.start.offset;
  if (segStart <= lastImport) return "imports after a declaration";
  if (!atLineStart(oldText, segStart)) return "the span's first declaration is not at column 0";
  const oldSegEnd = hi < decls.length ? decls[hi]!.range.start.offset : oldText.length;
  if (hi < decls.length && !atLineStart(oldText, oldSegEnd)) return "the declaration after the change is not at column 0";
  const delta = change.text.length - (change.end - change.start);
  const segEnd = oldSegEnd + delta;
  if (hi < decls.length && !atLineStart(text, segEnd)) return "the edit joins the next declaration to its line";
  // A diagnostic of the previous parse touching the span may have its cause outside it.
  for (const d of previous.diagnostics) if (d.range.end.offset >= segStart && d.range.start.offset <= oldSegEnd) return "a previous diagnostic touches the span";

  const segText = text.slice(segStart, segEnd);
  const seg = parse(segText, previous.file.uri);
  if (seg.diagnostics.length > 0) return "the span has diagnostics";
  if (seg.file.imports.length > 0) return "the span has an import";
  const segTokens = seg.tokens;
  const last = segTokens[segTokens.length - 1];
  if (hi < decls.length && last?.tokenType !== RBrace) return "the span does not end with `}`";
  const oldSegTokens = crmLexer.tokenize(oldText.slice(segStart, oldSegEnd)).tokens;
  if (segTokens.length < LOOKAHEAD || oldSegTokens.length < LOOKAHEAD) return "the span is too short";
  for (let i = 0; i < LOOKAHEAD; i++) if (segTokens[i]!.tokenType !== oldSegTokens[i]!.tokenType) return "the span's first tokens changed";

  const lines = new LineIndex(text);
  const startPos = lines.position(segStart);
  const lineDelta = lines.lineCount - previous.lines.lineCount;
  const into = { offset: segStart, line: startPos.line };
  const after = { offset: delta, line: lineDelta };
  // Copied before the tree moves: a diagnostic may share its positions with a node.
  const diagnostics: Diagnostic[] = previous.diagnostics.map((d) => (d.range.start.offset > oldSegEnd ? (copyShifted(d, after) as Diagnostic) : d));
  const file: CrmFile = {
    ...previous.file,
    decls: [...decls.slice(0, lo), ...shiftInPlace(seg.file.decls, into), ...shiftInPlace(decls.slice(hi), after)],
    range: lines.range(0, text.length),
  };
  const comments = spliceTokens(previous.comments, seg.comments, segStart, oldSegEnd, startPos.line, delta, lineDelta);
  const oldTokens = lexedTokens(previous);
  return parseResult(
    file,
    diagnostics,
    comments,
    lines,
    oldTokens ? () => spliceTokens(oldTokens, segTokens, segStart, oldSegEnd, startPos.line, delta, lineDelta) : () => crmLexer.tokenize(text).tokens,
  );
}

function lastIndexBefore(decls: readonly Decl[], offset: number): number {
  let lo = -1;
  let a = 0;
  let b = decls.length - 1;
  while (a <= b) {
    const m = (a + b) >> 1;
    if (decls[m]!.range.start.offset < offset) {
      lo = m;
      a = m + 1;
    } else b = m - 1;
  }
  return lo;
}

function atLineStart(text: string, offset: number): boolean {
  if (offset === 0) return true;
  const c = text.charCodeAt(offset - 1);
  return c === 10 || c === 13;
}

/**
 * The distinct positions (`{ line, character, offset }`) in the tree of one
 * top-level declaration, found by one walk and kept while the declaration
 * lives: a declaration an edit does not touch is the same object after the
 * reparse, so the next edit moves it by looping over this list instead of
 * walking the tree again (the walk of a 1 MB file costs about 100 ms, the loop
 * a few). Nothing changes a parse result's tree after parsing but the moves
 * below, which keep every position object in place. A loop over an explicit
 * stack: operator chains are trees as deep as they are long.
 */
const positionsOfDecl = new WeakMap<object, Position[]>();

function positionsIn(root: object): Position[] {
  const hit = positionsOfDecl.get(root);
  if (hit) return hit;
  const list: Position[] = [];
  const seen = new Set<object>();
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v !== "object" || v === null) continue;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) if (typeof v[i] === "object") stack.push(v[i]);
      continue;
    }
    const o = v as Record<string, unknown>;
    if (typeof o["offset"] === "number" && typeof o["character"] === "number" && typeof o["line"] === "number") {
      if (seen.has(o)) continue;
      seen.add(o);
      list.push(o as unknown as Position);
      continue;
    }
    if (Object.getPrototypeOf(o) !== Object.prototype) continue;
    for (const k in o) {
      const c = o[k];
      if (typeof c === "object" && c !== null) stack.push(c);
    }
  }
  positionsOfDecl.set(root, list);
  return list;
}

/**
 * Moves every position in the trees of `roots` by `by`, in place; a position
 * shared between nodes (or between the lists of two declarations) moves once:
 * the first pass marks a moved offset by storing its complement (offsets are
 * never negative), the second restores it. Characters stay: every moved
 * position lies on a line that starts after the edit (or in the span, which
 * starts at column 0).
 */
function shiftInPlace<T extends object>(roots: T[], by: { offset: number; line: number }): T[] {
  if (by.offset === 0 && by.line === 0) return roots;
  const lists = roots.map(positionsIn);
  for (const list of lists)
    for (let i = 0; i < list.length; i++) {
      const p = list[i]!;
      if (p.offset < 0) continue;
      p.offset = ~(p.offset + by.offset);
      p.line += by.line;
    }
  for (const list of lists)
    for (let i = 0; i < list.length; i++) {
      const p = list[i]!;
      if (p.offset < 0) p.offset = ~p.offset;
    }
  return roots;
}

/**
 * A deep copy of a tree of plain objects and arrays, every position in it
 * (`{ line, character, offset }`) moved by `by`. Characters stay: every moved
 * position lies on a line that starts after the edit (or in the span, which
 * starts at column 0). Positions shared between nodes stay shared.
 */
function copyShifted(value: unknown, by: { offset: number; line: number }, seen = new Map<object, unknown>()): unknown {
  if (typeof value !== "object" || value === null) return value;
  const known = seen.get(value);
  if (known !== undefined) return known;
  if (Array.isArray(value)) {
    const out: unknown[] = new Array(value.length);
    seen.set(value, out);
    for (let i = 0; i < value.length; i++) out[i] = copyShifted(value[i], by, seen);
    return out;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  const o = value as Record<string, unknown>;
  if (typeof o["offset"] === "number" && typeof o["line"] === "number" && typeof o["character"] === "number") {
    const p = { ...o, line: (o["line"] as number) + by.line, offset: (o["offset"] as number) + by.offset };
    seen.set(value, p);
    return p;
  }
  const out: Record<string, unknown> = {};
  seen.set(value, out);
  for (const k in o) out[k] = copyShifted(o[k], by, seen);
  return out;
}

/**
 * Old tokens before the span, the span's tokens (relative to it) moved into place, old tokens after
 * it moved by the edit. The tokens are moved in place, not copied: the span's are this reparse's own,
 * and the old ones belong to `previous`, which the reparse takes over (copying the tokens of a 1 MB
 * document costs more than the rest of the reparse).
 */
function spliceTokens(old: readonly IToken[], span: readonly IToken[], segStart: number, oldSegEnd: number, startLine: number, delta: number, lineDelta: number): IToken[] {
  const out: IToken[] = [];
  let i = 0;
  while (i < old.length && old[i]!.startOffset < segStart) out.push(old[i++]!);
  for (const t of span) out.push(moved(t, segStart, startLine));
  while (i < old.length && old[i]!.startOffset < oldSegEnd) i++;
  for (; i < old.length; i++) out.push(moved(old[i]!, delta, lineDelta));
  return out;
}

function moved(t: IToken, offset: number, line: number): IToken {
  if (offset === 0 && line === 0) return t;
  t.startOffset += offset;
  if (t.endOffset !== undefined) t.endOffset += offset;
  if (t.startLine !== undefined) t.startLine += line;
  if (t.endLine !== undefined) t.endLine += line;
  return t;
}
