/**
 * Source positions. The core speaks 0-based lines and UTF-16 columns (the same
 * units as the LSP), plus the absolute offset; adapters convert at the edge
 * (the CLI prints 1-based line:column).
 */
export interface Position {
  line: number;
  character: number;
  offset: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/** Maps offsets to positions for one text, in O(log lines). */
export class LineIndex {
  private readonly lineStarts: number[];
  constructor(readonly text: string) {
    const starts = [0];
    if (text.indexOf("\r") < 0) {
      // The common case, only `\n`: let the engine's string search find them.
      for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
      this.lineStarts = starts;
      return;
    }
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) starts.push(i + 1);
      else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      }
    }
    this.lineStarts = starts;
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  position(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: o - this.lineStarts[lo]!, offset: o };
  }

  offsetAt(line: number, character: number): number {
    if (line < 0) return 0;
    if (line >= this.lineStarts.length) return this.text.length;
    const start = this.lineStarts[line]!;
    // A character past the end of the line means the end of the line, before its line break (LSP).
    let end = line + 1 < this.lineStarts.length ? this.lineStarts[line + 1]! : this.text.length;
    if (end > start && this.text[end - 1] === "\n") end--;
    if (end > start && this.text[end - 1] === "\r") end--;
    return Math.min(start + Math.max(0, character), end);
  }

  range(startOffset: number, endOffset: number): Range {
    return { start: this.position(startOffset), end: this.position(endOffset) };
  }

  lineText(line: number): string {
    const start = this.lineStarts[line] ?? this.text.length;
    let end = line + 1 < this.lineStarts.length ? this.lineStarts[line + 1]! : this.text.length;
    while (end > start && (this.text[end - 1] === "\n" || this.text[end - 1] === "\r")) end--;
    return this.text.slice(start, end);
  }
}

export function rangeContains(outer: Range, inner: Range): boolean {
  return outer.start.offset <= inner.start.offset && inner.end.offset <= outer.end.offset;
}

export function containsOffset(range: Range, offset: number): boolean {
  return range.start.offset <= offset && offset <= range.end.offset;
}

export function spanRange(a: Range, b: Range): Range {
  return { start: a.start, end: b.end };
}

export const EMPTY_RANGE: Range = {
  start: { line: 0, character: 0, offset: 0 },
  end: { line: 0, character: 0, offset: 0 },
};
