/**
 * Where each value of a JSON text starts, by its path (`["leads", "fields", "country"]`), so that a
 * problem in a mapping file is reported at its line and column. The text must be valid JSON
 * (`JSON.parse` says where it is not); this only walks it.
 */
export type PathKey = string;

export const pathKey = (p: (string | number)[]): PathKey => JSON.stringify(p);

/** Offsets of every value and of every object key (`key:` + path) of a valid JSON text. */
export function jsonPlaces(text: string): Map<PathKey, number> {
  const places = new Map<PathKey, number>();
  let i = 0;
  const ws = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const str = (): string => {
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  // An explicit stack of containers: nesting depth is bounded by the text, not by the call stack.
  const stack: { path: (string | number)[]; kind: "o" | "a"; n: number }[] = [];
  const value = (path: (string | number)[]) => {
    ws();
    places.set(pathKey(path), i);
    const c = text[i];
    if (c === "{" || c === "[") {
      stack.push({ path, kind: c === "{" ? "o" : "a", n: 0 });
      i++;
      return;
    }
    if (c === '"') str();
    else while (i < text.length && !/[\s,\]}]/.test(text[i]!)) i++;
  };
  value([]);
  while (stack.length) {
    const top = stack[stack.length - 1]!;
    ws();
    if (text[i] === "}" || text[i] === "]" || i >= text.length) {
      i++;
      stack.pop();
      continue;
    }
    if (text[i] === ",") {
      i++;
      ws();
    }
    if (top.kind === "o") {
      const at = i;
      const k = str();
      places.set("key:" + pathKey([...top.path, k]), at);
      ws();
      i++; // the colon
      value([...top.path, k]);
    } else value([...top.path, top.n++]);
  }
  return places;
}
