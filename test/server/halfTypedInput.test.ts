/**
 * The feature modules on half-typed input (an adversarial test): the acme
 * workspace is cut, pasted into and retyped at random, and after every edit
 * every position-based feature is asked at many offsets of the edited file
 * (completion, hover, definition, references, highlights, prepareRename and
 * rename, selection ranges, code actions, semantic tokens, lenses and hints,
 * document symbols, folding, document links, signature help, the import
 * edits of a file rename or move). None may throw anything but the `ResponseError`
 * a rejected rename answers with. Replay with CRM_REVIEW_SEED.
 */
import { describe, expect, it } from "vitest";
import { resolve } from "node:path";
import * as L from "vscode-languageserver";
import { Workspace } from "../../server/src/workspace.js";
import { complete } from "../../server/src/completion/index.js";
import { hover } from "../../server/src/hover.js";
import { definition, highlights, references } from "../../server/src/navigation.js";
import { prepareRename, rename } from "../../server/src/rename.js";
import { selectionRanges, foldingRanges } from "../../server/src/folding.js";
import { codeActions } from "../../server/src/codeActions.js";
import { SemanticTokensProvider } from "../../server/src/semanticTokens.js";
import { JourneyRunner } from "../../server/src/journeys.js";
import { codeLenses, inlayHints } from "../../server/src/codeLens.js";
import { documentSymbols, workspaceSymbols } from "../../server/src/symbols.js";
import { documentLinks, importDefinition } from "../../server/src/links.js";
import { signatureHelp } from "../../server/src/signatureHelp.js";
import { willRenameFiles } from "../../server/src/fileRename.js";
import { pathToUri } from "../../server/src/uri.js";
import { crmSources } from "../support/files.js";
import { rng } from "../../runtime/bulk/generate.js";

const ACME = resolve(__dirname, "../../examples/acme");

function run(seed: number, edits: number): void {
  const r = rng(seed);
  const files = crmSources(ACME);
  const ws = new Workspace();
  ws.setRoots([ACME]);
  const texts = new Map(files.map((f) => [f.uri, f.text]));
  const paths = [...texts.keys()].sort();
  const tokens = new SemanticTokensProvider();
  const runner = new JourneyRunner(() => {});
  const versions = new Map<string, number>();
  for (let i = 0; i < edits; i++) {
    const path = paths[Math.floor(r() * paths.length)]!;
    let text = texts.get(path)!;
    const at = Math.floor(r() * (text.length + 1));
    const k = r();
    if (k < 0.4) text = text.slice(0, at) + text.slice(at + Math.floor(r() * 20));
    else if (k < 0.7) {
      const src = texts.get(paths[Math.floor(r() * paths.length)]!)!;
      const from = Math.floor(r() * src.length);
      text = text.slice(0, at) + src.slice(from, from + Math.floor(r() * 40)) + text.slice(at);
    } else text = text.slice(0, at) + ["lead.", "on ", "-> ", "when ", "\r\n", "é", "😀", "{", "}", "\"", "import \"./", "day 3 ", "expect "][Math.floor(r() * 13)] + text.slice(at);
    texts.set(path, text);
    const v = (versions.get(path) ?? 1) + 1;
    versions.set(path, v);
    ws.changeDoc(path, text, v);
    const snap = ws.snapshot();
    const pr = snap.file(path)!;
    const where = `seed ${seed}, edit ${i} of ${path}`;
    const uri = "file://" + path;
    const call = (what: string, f: () => unknown) => {
      try {
        f();
      } catch (e) {
        if (e instanceof L.ResponseError && (what === "rename" || what === "prepareRename")) return;
        throw new Error(`${where}: ${what} threw ${(e as Error).stack}`);
      }
    };
    call("documentSymbols", () => documentSymbols(pr));
    call("folding", () => foldingRanges(pr));
    call("tokens", () => tokens.full(uri, pr, snap.checkOf(path), path));
    call("lenses", () => codeLenses(snap, runner, path));
    call("hints", () => inlayHints(snap, runner, path, { start: { line: 0, character: 0 }, end: { line: 100000, character: 0 } }));
    call("workspaceSymbols", () => workspaceSymbols(snap, "a"));
    call("documentLinks", () => documentLinks(snap, path));
    call("willRenameFiles", () => {
      willRenameFiles(snap, [{ oldUri: pathToUri(path), newUri: pathToUri(ACME + "/moved/deeper/x.crmrules") }]);
      willRenameFiles(snap, [{ oldUri: pathToUri(resolve(path, "..")), newUri: pathToUri(ACME + "/renamed") }]);
    });
    call("codeActions", () =>
      codeActions(pr, snap.diagnosticsOf(path), { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 100000, character: 0 } }, context: { diagnostics: [] } }),
    );
    for (let j = 0; j < 12; j++) {
      const off = Math.floor(r() * (text.length + 1));
      call("completion", () => complete(snap, text, off, path));
      call("hover", () => hover(snap, path, off));
      call("definition", () => definition(snap, path, off));
      call("references", () => references(snap, path, off, true));
      call("highlights", () => highlights(snap, path, off));
      call("prepareRename", () => prepareRename(snap, path, off));
      call("rename", () => rename(snap, path, off, "renamed_x"));
      call("selection", () => selectionRanges(pr, [off]));
      call("importDefinition", () => importDefinition(snap, path, off));
      call("signatureHelp", () => signatureHelp(snap, path, text, off));
    }
  }
  expect(true).toBe(true);
}

describe("features on half-typed input", () => {
  const seeds = process.env.CRM_REVIEW_SEED ? [Number(process.env.CRM_REVIEW_SEED)] : Array.from({ length: Number(process.env.CRM_REVIEW_SEEDS ?? 4) }, (_, i) => i + 1);
  for (const seed of seeds) it(`random edits never make a feature throw (seed ${seed})`, () => run(seed, 120), 120_000);
});
