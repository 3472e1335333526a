/**
 * The one glob matcher: the engine evaluates `matches` with it, the checker's analyses (routing
 * conditions, fixed comparisons) decide with it.
 *
 * `matches` (docs/language.md §12.2 "Operators"): a compiled glob (`*` any run of characters, `?` exactly one UTF-16 code unit, anything else
 * itself; no escapes). The pattern is split at `*` into segments, each segment at `?` into
 * literal pieces. The first segment must match at the start, the last at the end, and each
 * middle segment is taken at its leftmost place after the previous one (greedy leftmost is
 * exact for fixed-length segments). A middle segment is found by running one Knuth–Morris–Pratt
 * automaton per literal piece over the text in lockstep and counting, per candidate start, the
 * pieces that end at their offset; the segments' scans never overlap, so the text is read once.
 * Cost: O(m) to compile and O(n · q) to match, where q is the largest number of literal pieces
 * in one middle segment (1 for a segment without `?`): linear in the text for patterns whose
 * middle segments have no `?`, never worse than O(n · m).
 */
export interface Glob {
  match(text: string): boolean;
}

interface Piece {
  text: string;
  /** Offset of the piece in its segment. */
  at: number;
  /** KMP failure function. */
  fail: Int32Array;
}

interface Segment {
  /** The segment as written (with its `?`). */
  src: string;
  pieces: Piece[];
  /** Offset just past the end of the last piece, minus 1 (when a start's last piece completes). */
  last: number;
}

/** Steps taken by glob matching (characters compared, automaton moves): a counter for complexity tests. */
export const globCounter = { steps: 0 };

function failure(p: string): Int32Array {
  const f = new Int32Array(p.length);
  let k = 0;
  for (let i = 1; i < p.length; i++) {
    while (k > 0 && p.charCodeAt(i) !== p.charCodeAt(k)) k = f[k - 1]!;
    if (p.charCodeAt(i) === p.charCodeAt(k)) k++;
    f[i] = k;
  }
  return f;
}

function segment(src: string): Segment {
  const pieces: Piece[] = [];
  let start = -1;
  for (let i = 0; i <= src.length; i++) {
    const lit = i < src.length && src[i] !== "?";
    if (lit && start < 0) start = i;
    if (!lit && start >= 0) {
      const text = src.slice(start, i);
      pieces.push({ text, at: start, fail: failure(text) });
      start = -1;
    }
  }
  const lastPiece = pieces[pieces.length - 1];
  return { src, pieces, last: lastPiece ? lastPiece.at + lastPiece.text.length - 1 : 0 };
}

/** Whether `seg` matches `text` at `at` (which must leave room for it). */
function matchesAt(text: string, at: number, seg: string): boolean {
  for (let i = 0; i < seg.length; i++) {
    globCounter.steps++;
    const c = seg.charCodeAt(i);
    if (c !== 63 /* ? */ && c !== text.charCodeAt(at + i)) return false;
  }
  return true;
}

/** The leftmost start s in [from, to - seg.length] where `seg` matches, or -1. */
function find(text: string, from: number, to: number, seg: Segment): number {
  const len = seg.src.length;
  if (to - from < len) return -1;
  const pieces = seg.pieces;
  const q = pieces.length;
  // Only `?`: any place with room will do.
  if (q === 0) return from;
  const last = seg.last;
  const width = last + 1;
  const counts = new Int32Array(width);
  const states = new Int32Array(q);
  // The last text index a match may need to read: its start is at most to - len.
  const end = to - len + last;
  for (let i = from; i <= end; i++) {
    const c = text.charCodeAt(i);
    for (let j = 0; j < q; j++) {
      const p = pieces[j]!;
      let k = states[j]!;
      globCounter.steps++;
      while (k > 0 && p.text.charCodeAt(k) !== c) {
        k = p.fail[k - 1]!;
        globCounter.steps++;
      }
      if (p.text.charCodeAt(k) === c) k++;
      if (k === p.text.length) {
        const s = i - (p.at + p.text.length - 1);
        if (s >= from) counts[s % width]!++;
        k = p.fail[k - 1]!;
      }
      states[j] = k;
    }
    // Every piece of the start i - last has ended by now: it matched if all of them did.
    const s = i - last;
    if (s >= from) {
      if (counts[s % width] === q) return s;
      counts[s % width] = 0;
    }
  }
  return -1;
}

export function compileGlob(pattern: string): Glob {
  const parts = pattern.split("*");
  if (parts.length === 1) return { match: (text) => text.length === pattern.length && matchesAt(text, 0, pattern) };
  const head = parts[0]!;
  const tail = parts[parts.length - 1]!;
  const middle = parts.slice(1, -1).filter((p) => p !== "").map(segment);
  return {
    match(text) {
      if (text.length < head.length + tail.length) return false;
      if (!matchesAt(text, 0, head) || !matchesAt(text, text.length - tail.length, tail)) return false;
      let at = head.length;
      const to = text.length - tail.length;
      for (const seg of middle) {
        const s = find(text, at, to, seg);
        if (s < 0) return false;
        at = s + seg.src.length;
      }
      return true;
    },
  };
}

let lastPattern: string | null = null;
let lastGlob: Glob | null = null;

/** Glob match (see `compileGlob`); the latest pattern's compiled form is kept. */
export function globMatch(text: string, pattern: string): boolean {
  if (pattern !== lastPattern) {
    lastGlob = compileGlob(pattern);
    lastPattern = pattern;
  }
  return lastGlob!.match(text);
}
