/** Generic AST helpers: children, the chain of nodes containing an offset. */
import type * as A from "../../core/syntax/ast.js";

export function children(node: A.Node): A.Node[] {
  const out: A.Node[] = [];
  for (const [k, v] of Object.entries(node)) {
    if (k === "range" || !v || typeof v !== "object") continue;
    if (Array.isArray(v)) {
      for (const x of v) if (isNode(x)) out.push(x);
    } else if (isNode(v)) out.push(v);
  }
  out.sort((a, b) => a.range.start.offset - b.range.start.offset);
  return out;
}

function isNode(x: unknown): x is A.Node {
  return !!x && typeof x === "object" && typeof (x as A.Node).kind === "string" && !!(x as A.Node).range;
}

/** Nodes containing `offset`, outermost first. */
export function pathAt(root: A.Node, offset: number): A.Node[] {
  const out: A.Node[] = [root];
  let cur: A.Node = root;
  for (;;) {
    const next: A.Node | undefined = children(cur).find((c) => c.range.start.offset <= offset && offset <= c.range.end.offset && c.range.end.offset > c.range.start.offset);
    if (!next) return out;
    out.push(next);
    cur = next;
  }
}
