/**
 * Quick fixes of the syntax errors whose message says what to write: a closing quote (CR1006),
 * `unscored` after `is` (CR1008), a time unit the language knows (CR1009). Computed from the
 * diagnostic's range and the text, after parsing; the parser itself only reports.
 */
import type { Diagnostic, Fix } from "../diagnostics/diagnostic.js";
import type { LineIndex } from "../text/positions.js";
import { suggest } from "../text/didYouMean.js";
import { UNIT_MINUTES } from "../vocabulary.js";

const UNIT = Object.keys(UNIT_MINUTES);
const UNITS = UNIT.map((u) => `${u}s`);

/** Adds the fixes of one syntax diagnostic (in place); others are left as they are. */
export function addSyntaxFixes(d: Diagnostic, lines: LineIndex): void {
  const fixes = syntaxFixes(d, lines);
  if (fixes.length) d.fixes = fixes;
}

function syntaxFixes(d: Diagnostic, lines: LineIndex): Fix[] {
  const text = lines.text;
  const { uri, range } = d;
  const written = text.slice(range.start.offset, range.end.offset);
  switch (d.code) {
    case "CR1006": {
      // After the last character of the text on its line (trailing spaces stay outside the quotes).
      let end = range.end.offset;
      while (end > range.start.offset + 1 && (text[end - 1] === " " || text[end - 1] === "\t")) end--;
      const at = lines.range(end, end);
      return [{ title: 'add the closing quote `"`', edits: [{ uri, range: at, newText: '"' }], preferred: true }];
    }
    case "CR1008":
      return [{ title: "change to `unscored`", edits: [{ uri, range, newText: "unscored" }], preferred: true }];
    case "CR1009": {
      // Singular after the number 1 (`1 day`), plural otherwise, as written elsewhere in the language.
      const amount = /(\d+(?:\.\d+)?)\s*$/.exec(text.slice(Math.max(0, range.start.offset - 40), range.start.offset))?.[1];
      const allowed = amount !== undefined && Number(amount) === 1 ? UNIT : UNITS;
      const near = suggest(written, allowed);
      const list = near.length ? near : allowed;
      return list.map((u, i) => ({ title: `change to \`${u}\``, edits: [{ uri, range, newText: u }], ...(near.length && i === 0 ? { preferred: true } : {}) }));
    }
    default:
      return [];
  }
}
