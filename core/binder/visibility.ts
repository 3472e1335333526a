import type { Binding } from "./binding.js";

/** What each file sees: itself and every file reachable through its imports (`b.visible`). */
export function computeVisibility(b: Binding, uris: string[], edges: Map<string, { to: string }[]>): void {
  for (const u of uris) {
    const seen = new Set<string>([u]);
    const queue = [u];
    while (queue.length) {
      const x = queue.pop()!;
      for (const e of edges.get(x) ?? []) if (!seen.has(e.to)) (seen.add(e.to), queue.push(e.to));
    }
    b.visible.set(u, seen);
  }
}
