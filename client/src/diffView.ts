/** Turns a `crmrules diff --format json` report into two texts for a diff editor. Pure. */

/**
 * Splits a `crmrules diff --format json` report into the HEAD side and the working-tree side:
 * every `before`/`head` value goes left, every `after`/`current` value right, keyed by where it sits.
 */
export function splitDiff(report: unknown): { before: string; after: string } {
  const pick = (v: unknown, side: "before" | "after"): unknown => {
    if (Array.isArray(v)) return v.map((x) => pick(x, side));
    if (v && typeof v === "object") {
      const o = v as Record<string, unknown>;
      const keys = side === "before" ? ["before", "head", "old", "base"] : ["after", "current", "new", "working"];
      const other = side === "before" ? ["after", "current", "new", "working"] : ["before", "head", "old", "base"];
      const out: Record<string, unknown> = {};
      for (const [k, val] of Object.entries(o)) {
        if (keys.includes(k)) return { ...Object.fromEntries(Object.entries(o).filter(([kk]) => !keys.includes(kk) && !other.includes(kk))), outcome: pick(val, side) };
        if (!other.includes(k)) out[k] = pick(val, side);
      }
      return out;
    }
    return v;
  };
  return { before: JSON.stringify(pick(report, "before"), null, 2) + "\n", after: JSON.stringify(pick(report, "after"), null, 2) + "\n" };
}
