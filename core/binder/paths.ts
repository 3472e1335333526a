/** POSIX path helpers (the core never touches the file system). */

/** Normalizes `a/./b/../c` to `a/c`; keeps a leading `/`; `..` above the top stays as `..`. */
export function normalizePath(p: string): string {
  // Already normal (the common case: uris handed over by an adapter): no `.`/`..` segment, no empty segment, no trailing slash.
  if (p.length > 1 && !/(^|\/)\.\.?(\/|$)|\/\/|\/$/.test(p)) return p;
  const abs = p.startsWith("/");
  const out: string[] = [];
  for (const part of p.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (out.length && out[out.length - 1] !== "..") out.pop();
      else if (!abs) out.push("..");
      else out.push("..");
    } else out.push(part);
  }
  return (abs ? "/" : "") + out.join("/");
}

export function dirname(p: string): string {
  const i = p.lastIndexOf("/");
  return i <= 0 ? (p.startsWith("/") ? "/" : ".") : p.slice(0, i);
}

/** Resolves an import path against the importing file. */
export function resolveImport(fromUri: string, spec: string): string {
  if (spec.startsWith("/")) return normalizePath(spec);
  return normalizePath(dirname(fromUri) + "/" + spec);
}

/** True when `p` (normalized) lies inside `root` (normalized), and never climbs above it. */
export function isInside(root: string, p: string): boolean {
  if (p.split("/").includes("..")) return false;
  const r = normalizePath(root).replace(/\/$/, "");
  return r === "" || p === r || p.startsWith(r + "/");
}

export function relativeTo(root: string, p: string): string {
  const r = normalizePath(root).replace(/\/$/, "");
  return p.startsWith(r + "/") ? p.slice(r.length + 1) : p;
}

/** The import path from file `from` to file `to` (both absolute), starting with `./` or `../`. */
export function relativeImport(from: string, to: string): string {
  const a = dirname(from).split("/").filter(Boolean);
  const b = normalizePath(to).split("/").filter(Boolean);
  let i = 0;
  while (i < a.length && i < b.length - 1 && a[i] === b[i]) i++;
  const up = a.length - i;
  return (up === 0 ? "./" : "../".repeat(up)) + b.slice(i).join("/");
}
