/**
 * Names and text literals of compiled rules (no part of docs/language.md: a matter of speed only).
 * The checker's names are pieces of the source text, strings the JavaScript engine has not
 * internalized: every comparison of one with an event name, a payload key or a field name of the
 * caller is then a character-by-character comparison, and every property read keyed by one
 * looks the key up in the engine's string table first. `intern` gives the same text as the
 * engine's one internalized copy, which compares with another internalized string by identity.
 * The value is always equal (`===`) to `s`; only its representation differs.
 */

/** `s` itself, as the JavaScript engine's internalized string (a property key's). */
export function intern(s: string): string {
  // A computed property key is internalized; `for...in` hands back the key the object stores.
  // An array-index key ("12") is stored as an element and comes back as a new string: equal all the same.
  const o: Record<string, 0> = { [s]: 0 };
  for (const k in o) return k;
  return s;
}
