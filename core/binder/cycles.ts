import { makeDiagnostic } from "../diagnostics/catalogue.js";
import { relativeTo } from "./paths.js";
import type { Binding } from "./binding.js";
import type { ImportEdges } from "./imports.js";

/** Circles of imports (CR2005): a depth-first search over the import graph; a back edge closes a circle, reported at that import. */
export function reportCycles(b: Binding, uris: string[], edges: ImportEdges): void {
  const state = new Map<string, 1 | 2>();
  const stack: string[] = [];
  const visit = (u: string): void => {
    state.set(u, 1);
    stack.push(u);
    for (const e of edges.get(u) ?? []) {
      const s = state.get(e.to);
      if (s === 1) {
        const cycle = stack.slice(stack.indexOf(e.to)).concat(e.to).map((p) => relativeTo(b.root, p));
        b.diagnostics.push(makeDiagnostic("CR2005", u, e.node.path!.range, `this import closes a circle of imports: ${cycle.map((c) => `\`${c}\``).join(" → ")}`));
      } else if (!s) visit(e.to);
    }
    stack.pop();
    state.set(u, 2);
  };
  for (const u of uris) if (!state.has(u)) visit(u);
}
