/**
 * Rename across files, with validation (prepareRename rejects what cannot be
 * renamed). The edits are the symbol's declaration and every use the checker
 * resolved to it, so a file that uses the name without importing it is left
 * alone (the name there means nothing).
 */
import * as L from "vscode-languageserver";
import { KEYWORDS, isName } from "../../core/syntax/tokens.js";
import { renameConflict } from "../../core/checker/queries.js";
import { relativeTo } from "../../core/binder/paths.js";
import { range } from "./convert.js";
import type { Snapshot } from "./workspace.js";
import { pathToUri } from "./uri.js";
import { nameAt, occurrencesOf } from "./navigation.js";


/**
 * The symbol to rename, or a refusal: `RequestFailed` (what LSP asks for "a
 * request that is valid but failed"), whose message the editor shows.
 */
function renamable(snap: Snapshot, path: string, offset: number) {
  const refuse = (m: string) => new L.ResponseError(L.LSPErrorCodes.RequestFailed, m);
  const o = nameAt(snap, path, offset);
  if (!o) throw refuse("this is not a name you can rename");
  if (o.symbol.builtin) throw refuse(`\`${o.symbol.name}\` is built into the language, so it cannot be renamed`);
  // A journey's name is a text, not a name other declarations refer to.
  if (o.symbol.kind === "journey") throw refuse("a journey's description is text: edit it in place");
  return o;
}

export function prepareRename(snap: Snapshot, path: string, offset: number): L.Range | null {
  return range(renamable(snap, path, offset).range);
}

export function rename(snap: Snapshot, path: string, offset: number, newName: string): L.WorkspaceEdit {
  const o = renamable(snap, path, offset);
  if (!isName(newName)) throw new L.ResponseError(L.ErrorCodes.InvalidParams, `\`${newName}\` is not a valid name: use letters (of any alphabet), digits and \`_\`, starting with a letter or \`_\``);
  if (KEYWORDS.includes(newName)) throw new L.ResponseError(L.ErrorCodes.InvalidParams, `\`${newName}\` is a keyword of the language and cannot be used as a name`);
  const clash = renameConflict(o.check, o.symbol.id, newName);
  if (clash)
    throw new L.ResponseError(
      L.ErrorCodes.InvalidParams,
      clash.builtin ? `\`${newName}\` is a built-in event` : `\`${newName}\` is already declared (line ${clash.range.start.line + 1} of ${relativeTo(o.check.root, clash.uri)})`,
    );
  const changes: Record<string, L.TextEdit[]> = {};
  for (const x of occurrencesOf(o.check, o.symbol, true)) (changes[pathToUri(x.uri)] ??= []).push({ range: range(x.range), newText: newName });
  return { changes };
}
