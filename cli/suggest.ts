/** "Did you mean …" for journey names: the closest candidate by edit distance (core/binder/didYouMean.ts), if it is close enough. */
import { editDistance as distance } from "../core/text/didYouMean.js";

export function closest(name: string, candidates: Iterable<string>): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestScore = Infinity;
  for (const c of candidates) {
    const cl = c.toLowerCase();
    let d = distance(lower, cl);
    // A candidate that contains what was typed is a good guess ("nordic" → "Nordic CTO converts").
    if (lower.length >= 3 && cl.includes(lower)) d = Math.min(d, 1);
    // The start of a long name, typed with a slip ("swis executive" → "Swiss executive at a webinar").
    if (lower.length >= 4 && cl.length > lower.length) d = Math.min(d, distance(lower, cl.slice(0, lower.length)) + 1);
    // A one-word guess is compared with each word of a longer name ("danihs" → "Danish director …").
    if (!lower.includes(" ") && cl.includes(" ")) {
      for (const w of cl.split(/\s+/)) if (w.length >= 3) d = Math.min(d, distance(lower, w) + 1);
    }
    if (d < bestScore) {
      bestScore = d;
      best = c;
    }
  }
  if (best === undefined) return undefined;
  return bestScore <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}
