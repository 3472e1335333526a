/** Rename across files, with validation (prepareRename rejects what cannot be renamed). */
import * as L from "vscode-languageserver";
import { KEYWORDS } from "../../core/syntax/tokens.js";
import { range } from "./convert.js";
import type { Snapshot } from "./workspace.js";
import { pathToUri } from "./uri.js";

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function prepareRename(snap: Snapshot, path: string, offset: number): L.Range | null {
  const o = snap.index.occurrenceAt(path, offset);
  if (!o) throw new L.ResponseError(L.ErrorCodes.InvalidRequest, "this is not a name you can rename");
  if (!snap.index.decls.get(o.key)?.some((d) => snap.sameFolder(path, d.uri))) throw new L.ResponseError(L.ErrorCodes.InvalidRequest, `\`${o.node.text}\` is not declared in this workspace, so it cannot be renamed`);
  return range(o.range);
}

export function rename(snap: Snapshot, path: string, offset: number, newName: string): L.WorkspaceEdit {
  const o = snap.index.occurrenceAt(path, offset);
  if (!o || !snap.index.decls.get(o.key)?.some((d) => snap.sameFolder(path, d.uri))) throw new L.ResponseError(L.ErrorCodes.InvalidRequest, "this is not a name you can rename");
  if (!IDENT.test(newName)) throw new L.ResponseError(L.ErrorCodes.InvalidParams, `\`${newName}\` is not a valid name: use letters, digits and \`_\`, starting with a letter`);
  if (KEYWORDS.includes(newName)) throw new L.ResponseError(L.ErrorCodes.InvalidParams, `\`${newName}\` is a keyword of the language and cannot be used as a name`);
  const dot = o.key.lastIndexOf(".");
  const colon = o.key.indexOf(":");
  const newKey = dot > colon ? o.key.slice(0, dot + 1) + newName : o.key.slice(0, colon + 1) + newName;
  const clash = newKey !== o.key ? snap.index.decls.get(newKey)?.find((d) => snap.sameFolder(path, d.uri)) : undefined;
  if (clash) {
    const other = clash;
    throw new L.ResponseError(L.ErrorCodes.InvalidParams, `\`${newName}\` is already declared (line ${other.range.start.line + 1} of ${other.uri.split("/").pop()})`);
  }
  const changes: Record<string, L.TextEdit[]> = {};
  for (const x of snap.index.byKey.get(o.key) ?? []) if (snap.sameFolder(path, x.uri)) (changes[pathToUri(x.uri)] ??= []).push({ range: range(x.range), newText: newName });
  return { changes };
}
