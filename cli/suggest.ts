/** "Did you mean …": the closest candidate by edit distance, if it is close enough. */
export function closest(name: string, candidates: Iterable<string>): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestScore = Infinity;
  for (const c of candidates) {
    const cl = c.toLowerCase();
    let d = distance(lower, cl);
    // A candidate that contains what was typed is a good guess ("nordic" → "Nordic CTO converts").
    if (lower.length >= 3 && cl.includes(lower)) d = Math.min(d, 1);
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

export function distance(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}
