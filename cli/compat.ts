/**
 * The bundle targets Node 20 (the `bin` runs on the user's node), but the
 * parser library calls `Object.groupBy` (Node 21+). Define it when missing,
 * with the standard semantics, before any parse happens.
 */
const O = Object as unknown as { groupBy?: unknown };
/** True when this Node lacks `Object.groupBy` (before 21): worker threads would lack it too. */
export const NEEDS_POLYFILL = typeof O.groupBy !== "function";
if (NEEDS_POLYFILL) {
  O.groupBy = function groupBy<T>(items: Iterable<T>, key: (item: T, index: number) => PropertyKey): Record<PropertyKey, T[]> {
    const out = Object.create(null) as Record<PropertyKey, T[]>;
    let i = 0;
    for (const item of items) {
      const k = key(item, i++);
      (out[k] ??= []).push(item);
    }
    return out;
  };
}
