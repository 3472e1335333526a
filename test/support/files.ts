/** Test helpers shared across areas: the `.crmrules` files under a folder, as paths or as core input. */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { SourceFile } from "../../core/workspace.js";

/** Every `.crmrules` file below `dir`, in a stable (sorted, depth-first) order. */
export function crmFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const p = join(dir, entry);
    if (statSync(p).isDirectory()) out.push(...crmFiles(p));
    else if (entry.endsWith(".crmrules")) out.push(p);
  }
  return out;
}

/** The same files with their text, as the core takes them. */
export function crmSources(dir: string): SourceFile[] {
  return crmFiles(dir).map((uri) => ({ uri, text: readFileSync(uri, "utf8") }));
}
