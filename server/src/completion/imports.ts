/** Completion of import paths: `import "./` → the files this one can import, relative to it. */
import * as L from "vscode-languageserver";
import { relativeImport } from "../../../core/binder/paths.js";
import type { Snapshot } from "../workspace.js";
import type { Provider } from "./provider.js";

export const importPaths: Provider = ({ snap, path, before, line }, out) => {
  const imp = /^\s*import\s+"([^"\\]*)$/.exec(line);
  if (!imp) return false;
  const typed = imp[1]!;
  let lineNo = 0;
  for (let i = before.indexOf("\n"); i >= 0; i = before.indexOf("\n", i + 1)) lineNo++;
  const range = { start: { line: lineNo, character: line.length - typed.length }, end: { line: lineNo, character: line.length } };
  for (const spec of importablePaths(snap, path)) {
    if (!spec.startsWith(typed)) continue;
    out.push({ label: spec, kind: L.CompletionItemKind.File, detail: "rules file", documentation: `import \`${spec}\``, filterText: spec, textEdit: { range, newText: spec } });
  }
  return true;
};

/**
 * The import paths (relative to `path`) of the other rules files of its check
 * that it does not import yet and that do not see it (an import of one would close a circle).
 */
function importablePaths(snap: Snapshot, path: string): string[] {
  const check = snap.checkOf(path);
  if (!check || !path.startsWith("/")) return [];
  const seen = new Set(check.visibleFiles(path));
  const out: string[] = [];
  for (const other of snap.paths()) {
    if (other === path || seen.has(other) || !other.startsWith("/") || snap.checkOf(other) !== check) continue;
    if (check.visibleFiles(other).includes(path)) continue;
    out.push(relativeImport(path, other));
  }
  return out.sort();
}
