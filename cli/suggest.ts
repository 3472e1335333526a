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

/** Edit distance counting a swap of two neighbouring letters as one edit (optimal string alignment). */
export function distance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row = new Array<number>(b.length + 1);
    row[0] = i;
    rows.push(row);
  }
  for (let j = 0; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = v;
    }
  }
  return rows[a.length]![b.length]!;
}
