/**
 * English for messages, one definition each: the form for a count (`1 journey`, `3 journeys`;
 * `is`/`are`) and the indefinite article (`a score`, `an event`). Every message in the core, the CLI and the
 * language server that counts or names a kind of thing uses these.
 */

/** The form for a count: `word` for one, else `many` (the regular plural, `word` + "s", unless given): `inflect(n, "value")`, `inflect(n, "is", "are")`. */
export function inflect(n: number | undefined, word: string, many = `${word}s`): string {
  return n === 1 ? word : many;
}

/** A count and its noun: `plural(1, "journey")` → `1 journey`, `plural(3, "journey")` → `3 journeys`. */
export function plural(n: number, word: string, many?: string): string {
  return `${n} ${inflect(n, word, many)}`;
}

/** The word after its indefinite article: `a score`, `an event` (by its first letter). */
export function article(word: string): string {
  return /^[aeiou]/.test(word) ? `an ${word}` : `a ${word}`;
}
