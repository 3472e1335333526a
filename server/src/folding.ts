/** Folding ranges (declarations, blocks, comment runs) and selection ranges (AST nesting). */
import * as L from "vscode-languageserver";
import type { ParseResult } from "../../core/syntax/parse.js";
import { pathAt } from "./ast.js";
import { range } from "./convert.js";

export function foldingRanges(pr: ParseResult): L.FoldingRange[] {
  const out: L.FoldingRange[] = [];
  const seen = new Set<string>();
  const add = (start: number, end: number, kind?: string) => {
    if (end <= start) return;
    const k = `${start}:${end}`;
    if (seen.has(k)) return;
    seen.add(k);
    out.push(kind ? { startLine: start, endLine: end, kind } : { startLine: start, endLine: end });
  };
  const imports = pr.file.imports;
  if (imports.length > 1) add(imports[0]!.range.start.line, imports[imports.length - 1]!.range.end.line, L.FoldingRangeKind.Imports);
  // Brace pairs fold (every block: lead, event, score, route, journey, records).
  const stack: number[] = [];
  for (const t of pr.tokens) {
    if (t.image === "{") stack.push((t.startLine ?? 1) - 1);
    else if (t.image === "}") {
      const start = stack.pop();
      const end = (t.startLine ?? 1) - 1;
      // Keep the closing brace visible.
      if (start !== undefined) add(start, end - 1 >= start + 1 ? end - 1 : end);
    }
  }
  // Runs of line comments and block comments.
  let runStart = -1;
  let runEnd = -2;
  for (const c of pr.comments) {
    const s = (c.startLine ?? 1) - 1;
    const e = (c.endLine ?? c.startLine ?? 1) - 1;
    if (s === runEnd + 1 && runStart >= 0) runEnd = e;
    else {
      if (runStart >= 0) add(runStart, runEnd, L.FoldingRangeKind.Comment);
      runStart = s;
      runEnd = e;
    }
  }
  if (runStart >= 0) add(runStart, runEnd, L.FoldingRangeKind.Comment);
  out.sort((a, b) => a.startLine - b.startLine || b.endLine - a.endLine);
  return out;
}

export function selectionRanges(pr: ParseResult, offsets: number[]): L.SelectionRange[] {
  return offsets.map((offset) => {
    const chain = pathAt(pr.file, offset);
    let sel: L.SelectionRange | undefined;
    let last: string | undefined;
    for (const n of chain) {
      const key = `${n.range.start.offset}:${n.range.end.offset}`;
      if (key === last) continue;
      last = key;
      sel = { range: range(n.range), parent: sel };
    }
    // Innermost first: the chain was built outermost → innermost, so `sel` is the innermost.
    return sel ?? { range: range(pr.lines.range(offset, offset)) };
  });
}
