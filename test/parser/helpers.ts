import { expect } from "vitest";
import { parse, type ParseResult } from "../../core/syntax/parse.js";
import type * as A from "../../core/syntax/ast.js";
import { LineIndex, type Range } from "../../core/text/positions.js";

/** Parses `src`, expects no diagnostics, and checks every node's range is consistent. */
export function ok(src: string): ParseResult & { src: string } {
  const r = parse(src, "test.crmrules");
  expect(r.diagnostics.map((d) => d.message)).toEqual([]);
  checkRanges(src, r.file);
  return { ...r, src };
}

/** Parses one declaration and returns it. */
export function decl<K extends A.Decl["kind"]>(src: string, kind: K): Extract<A.Decl, { kind: K }> & { src: string } {
  const r = ok(src);
  expect(r.file.decls).toHaveLength(1);
  const d = r.file.decls[0]!;
  expect(d.kind).toBe(kind);
  return Object.assign(d as Extract<A.Decl, { kind: K }>, { src });
}

/** The source text a range covers. */
export function slice(src: string, r: Range | undefined): string | undefined {
  return r ? src.slice(r.start.offset, r.end.offset) : undefined;
}

/** The source text of a node. */
export function textOf(src: string, n: { range: Range } | undefined): string | undefined {
  return n ? slice(src, n.range) : undefined;
}

/** Every node's line/character agrees with its offset, starts before it ends, and lies inside its parent. */
export function checkRanges(src: string, root: A.Node): void {
  const idx = new LineIndex(src);
  const problems: string[] = [];
  const check = (r: Range, what: string, parent?: Range): void => {
    for (const [p, name] of [[r.start, "start"], [r.end, "end"]] as const) {
      const want = idx.position(p.offset);
      if (want.line !== p.line || want.character !== p.character || p.offset < 0 || p.offset > src.length)
        problems.push(`${what} ${name} ${JSON.stringify(p)} should be ${JSON.stringify(want)}`);
    }
    if (r.start.offset > r.end.offset) problems.push(`${what} starts after it ends`);
    if (parent && (r.start.offset < parent.start.offset || r.end.offset > parent.end.offset))
      problems.push(`${what} ${JSON.stringify([r.start.offset, r.end.offset])} lies outside its parent ${JSON.stringify([parent.start.offset, parent.end.offset])}`);
  };
  const walk = (v: unknown, parent: Range | undefined, path: string): void => {
    if (Array.isArray(v)) return v.forEach((x, i) => walk(x, parent, `${path}[${i}]`));
    if (!v || typeof v !== "object") return;
    const node = v as Record<string, unknown>;
    let own = parent;
    if (typeof node["kind"] === "string" && node["range"]) {
      own = node["range"] as Range;
      check(own, `${path}(${node["kind"]})`, parent);
    }
    for (const [k, x] of Object.entries(node)) {
      if (k === "range") continue;
      if (k === "opRange" || k === "reachRange" || k === "keyword") {
        if (x && typeof x === "object") check(x as Range, `${path}.${k}`, own);
        continue;
      }
      walk(x, own, `${path}.${k}`);
    }
  };
  walk(root, undefined, "file");
  expect(problems).toEqual([]);
}

/** Messages with 1-based line:column, for compact assertions. */
export function errorsOf(src: string): string[] {
  return parse(src, "test.crmrules").diagnostics.map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${d.message}`);
}
