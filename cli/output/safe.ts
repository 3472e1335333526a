/**
 * Text that is safe on a terminal and in a review: every character that could act on the
 * terminal (C0 and C1 controls, escape sequences, DEL) or reorder or hide what a reader sees
 * (bidirectional controls and marks, zero-width characters, line and paragraph separators)
 * is shown as `\u{XXXX}` instead. Rules files, journey names, event payloads and file names
 * come from anyone who opens a pull request: none of their characters reach a terminal raw.
 */

/** Characters never printed raw (line feed and tab are allowed by `sanitize` only). */
// C0, DEL, C1; ALM; zero-width space, LRM, RLM (not the joiners U+200C/U+200D, which emoji and
// several scripts need); line/paragraph separators,
// LRE RLE PDF LRO RLO; word joiner and invisible operators; LRI RLI FSI PDI; BOM.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b\u200e\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;
const UNSAFE_TEXT = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b\u200e\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;
/** The colour sequences `picocolors` writes (SGR: ESC [ numbers m), kept when colour is on. */
const SGR = /\u001b\[[0-9;]*m/y;

function code(ch: string): string {
  return `\\u{${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}}`;
}

/** `s` with every unsafe character (line feeds and tabs included) written as `\u{XXXX}`: for one-line values. */
export function escapeControls(s: string): string {
  return s.replace(UNSAFE, code);
}

/** Whether `ch` (one UTF-16 unit) is shown escaped by `escapeControls`. */
export function isUnsafe(ch: string): boolean {
  UNSAFE.lastIndex = 0;
  return UNSAFE.test(ch);
}

/**
 * A whole rendered output made safe: unsafe characters escaped, line feeds and tabs kept,
 * and, when `colors` is on, the colour sequences the renderers wrote kept too.
 */
export function sanitize(text: string, colors = false): string {
  if (!colors) return text.replace(UNSAFE_TEXT, code);
  let out = "";
  let last = 0;
  UNSAFE_TEXT.lastIndex = 0;
  for (let m = UNSAFE_TEXT.exec(text); m; m = UNSAFE_TEXT.exec(text)) {
    const i = m.index;
    if (m[0] === "\u001b") {
      SGR.lastIndex = i;
      const sgr = SGR.exec(text);
      if (sgr) {
        UNSAFE_TEXT.lastIndex = i + sgr[0].length;
        continue;
      }
    }
    out += text.slice(last, i) + code(m[0]);
    last = i + 1;
  }
  return out + text.slice(last);
}

/** Invisible characters that JSON.stringify leaves raw (they are legal in JSON strings). */
const JSON_INVISIBLE = /[\u061c\u200b\u200e\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u007f-\u009f]/g;

/** A JSON text with the invisible characters inside its strings written as `\uXXXX` escapes (the same JSON value). */
export function jsonSafe(json: string): string {
  return json.replace(JSON_INVISIBLE, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
