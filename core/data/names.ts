/** Did-you-mean for the names a mapping or a record gives (columns, fields, events, values). */
import { suggest } from "../text/didYouMean.js";

const squash = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, "");

/**
 * The candidate `name` most likely means: the same letters and digits (`Record ID` for
 * `record_id`), the edit-distance suggestion, or the one candidate containing it (`lead_id` for
 * `lead`). Undefined when none is close.
 */
export function nearest(name: string, candidates: readonly string[]): string | undefined {
  const s = squash(name);
  const same = candidates.find((c) => c !== name && squash(c) === s && s !== "");
  if (same) return same;
  const near = suggest(name, candidates, 1)[0];
  if (near) return near;
  if (s.length >= 3) {
    const containing = candidates.filter((c) => squash(c).includes(s) || (squash(c).length >= 3 && s.includes(squash(c))));
    if (containing.length === 1) return containing[0];
  }
  return undefined;
}
