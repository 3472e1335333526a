/**
 * Building blocks of quick fixes (`Fix` in core/diagnostics/diagnostic.ts) for the checks
 * whose message says what to write instead: replace a word, offer each allowed word,
 * remove a clause with the space before it, put a list of written parts in order, add an entry
 * before a block's closing brace.
 * The language server offers every fix as a quick fix, SARIF carries it (docs/diagnostics.md
 * lists the codes that have one).
 */
import type { Fix, TextEdit } from "../diagnostics/diagnostic.js";
import type { Range } from "../text/positions.js";
import type { ParseResult } from "../syntax/parse.js";
import { suggest } from "../text/didYouMean.js";

export function replaceFix(uri: string, range: Range, newText: string, title = `change to \`${newText}\``, preferred = false): Fix {
  return { title, edits: [{ uri, range, newText }], ...(preferred ? { preferred: true } : {}) };
}

/**
 * One fix per allowed word: the closest ones (did you mean) when the word is near one of them,
 * the closest preferred; otherwise every allowed word, none preferred (the writer chooses).
 */
export function choiceFixes(uri: string, range: Range, written: string, allowed: readonly string[]): Fix[] {
  const near = suggest(written, allowed);
  const list = near.length ? near : allowed.filter((w) => w !== written);
  return list.map((w, i) => replaceFix(uri, range, w, undefined, near.length > 0 && i === 0));
}

/** Removes `range` together with the spaces and tabs before it (a clause inside a line). */
export function removeClauseFix(pr: ParseResult, uri: string, range: Range, title: string, preferred = false): Fix {
  const text = pr.lines.text;
  let s = range.start.offset;
  while (s > 0 && (text[s - 1] === " " || text[s - 1] === "\t")) s--;
  return { title, edits: [{ uri, range: pr.lines.range(s, range.end.offset), newText: "" }], ...(preferred ? { preferred: true } : {}) };
}

/**
 * Rewrites written parts (grade entries, escalation steps) in another order: the place of the
 * i-th part gets the text of `order[i]`, so the separators, line breaks and comments between
 * them stay where they are. Undefined when the order is already the written one.
 */
export function reorderFix<N extends { range: Range }>(pr: ParseResult, uri: string, parts: readonly N[], order: readonly N[], title: string): Fix | undefined {
  if (parts.length !== order.length || parts.every((p, i) => p === order[i])) return undefined;
  const text = pr.lines.text;
  const edits = parts
    .map((p, i) => ({ uri, range: p.range, newText: text.slice(order[i]!.range.start.offset, order[i]!.range.end.offset) }))
    .filter((e, i) => parts[i] !== order[i]);
  return { title, edits, preferred: true };
}

/**
 * Removes a part written on lines of its own (a rule, a setting) with those lines: the indentation
 * before it, a `//` comment after it (it speaks of the part) and its `///` doc lines above.
 * A part that shares its line with others is removed as a clause.
 */
export function removeLinesFix(pr: ParseResult, uri: string, range: Range, title: string, preferred = false): Fix {
  const { lines } = pr;
  const before = lines.lineText(range.start.line).slice(0, range.start.character);
  const after = lines.lineText(range.end.line).slice(range.end.character);
  if (before.trim() !== "" || !/^\s*(\/\/(?!\/).*)?$/.test(after)) return removeClauseFix(pr, uri, range, title, preferred);
  let first = range.start.line;
  while (first > 0 && lines.lineText(first - 1).trimStart().startsWith("///")) first--;
  const start = lines.offsetAt(first, 0);
  const last = range.end.line;
  const end = last + 1 < lines.lineCount ? lines.offsetAt(last + 1, 0) : lines.text.length;
  return { title, edits: [{ uri, range: lines.range(start, end), newText: "" }], ...(preferred ? { preferred: true } : {}) };
}

/**
 * Adds `entry` as the last entry of the `{ … }` block that ends at `block.range`: on a line of its
 * own when the closing brace begins its line (indented two spaces more than the brace), else
 * inline before the brace. Undefined when the block has no closing brace (a broken declaration).
 */
export function insertBeforeCloseEdit(pr: ParseResult, uri: string, block: { range: Range }, entry: string): TextEdit | undefined {
  const close = block.range.end.offset - 1;
  if (pr.lines.text[close] !== "}") return undefined;
  const pos = pr.lines.position(close);
  const before = pr.lines.lineText(pos.line).slice(0, pos.character);
  if (before.trim() !== "") return { uri, range: pr.lines.range(close, close), newText: ` ${entry} ` };
  const at = pr.lines.offsetAt(pos.line, 0);
  return { uri, range: pr.lines.range(at, at), newText: `${before}  ${entry}\n` };
}
