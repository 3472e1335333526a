/**
 * `workspace/willRenameFiles`: before files or folders are renamed or moved,
 * the edit that keeps every import pointing at the same file. Imports of a
 * renamed file (or of a file inside a renamed folder) get the new relative
 * path, in every workspace file; a moved file's own relative imports are
 * rewritten when its directory changes (unless the path as written still
 * leads to the same file, as inside a folder moved as a whole). Only the text
 * between the quotes changes. The edit is made against the files' current
 * texts (open documents as the editor has them) and their old URIs: the
 * client applies it before the rename.
 */
import * as L from "vscode-languageserver";
import { normalizePath, relativeImport, resolveImport } from "../../core/binder/paths.js";
import { innerRange } from "./links.js";
import { range } from "./convert.js";
import { pathToUri, uriToPath } from "./uri.js";
import type { Snapshot } from "./workspace.js";

/** Every workspace file the renames move: old path → new path. */
export function movedFiles(paths: readonly string[], renames: readonly { oldUri: string; newUri: string }[]): Map<string, string> {
  const moved = new Map<string, string>();
  for (const r of renames) {
    if (!r.oldUri.startsWith("file:") || !r.newUri.startsWith("file:")) continue;
    const from = normalizePath(uriToPath(r.oldUri));
    const to = normalizePath(uriToPath(r.newUri));
    if (from === to) continue;
    const prefix = from.endsWith("/") ? from : from + "/";
    for (const p of paths) {
      if (moved.has(p)) continue;
      if (p === from) moved.set(p, to);
      else if (p.startsWith(prefix)) moved.set(p, to + "/" + p.slice(prefix.length));
    }
  }
  return moved;
}

/** The import path as it should be written after the move, or undefined when the written one still fits. */
function newSpec(spec: string, fromNew: string, toOld: string, toNew: string): string | undefined {
  if (spec.startsWith("/")) return toOld === toNew ? undefined : toNew;
  if (resolveImport(fromNew, spec) === toNew) return undefined;
  return relativeImport(fromNew, toNew);
}

/** Writes a path as the inside of a double-quoted string. */
function escape(s: string): string {
  return s.replace(/[\\"]/g, (c) => "\\" + c);
}

export function willRenameFiles(snap: Snapshot, renames: readonly { oldUri: string; newUri: string }[]): L.WorkspaceEdit | null {
  const paths = snap.paths();
  const moved = movedFiles(paths, renames);
  if (!moved.size) return null;
  const changes: Record<string, L.TextEdit[]> = {};
  for (const path of paths) {
    if (!path.startsWith("/")) continue;
    const pr = snap.file(path);
    if (!pr) continue;
    const fromNew = moved.get(path) ?? path;
    const edits: L.TextEdit[] = [];
    for (const imp of pr.file.imports) {
      if (!imp.path) continue;
      const toOld = resolveImport(path, imp.path.value);
      const toNew = moved.get(toOld);
      // An import of a file that does not move changes only when the importing file moves,
      // and only when it led to a workspace file (one that finds no file is the checker's to report).
      if (toNew === undefined && (fromNew === path || !snap.file(toOld))) continue;
      const spec = newSpec(imp.path.value, fromNew, toOld, toNew ?? toOld);
      if (spec !== undefined) edits.push({ range: range(innerRange(pr, imp.path)), newText: escape(spec) });
    }
    if (edits.length) changes[pathToUri(path)] = edits;
  }
  return Object.keys(changes).length ? { changes } : null;
}
