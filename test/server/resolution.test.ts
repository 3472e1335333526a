/**
 * Protocol tests for import-aware resolution: every answer about a name comes
 * from the checker's symbols and references, so a name a file does not import
 * has nothing to navigate to, rename follows imports (cycles included),
 * built-in events hover without a source, completion offers what a file could
 * import together with the import, and a document that is not a file is
 * checked on its own.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import * as P from "vscode-languageserver-protocol/node";
import { copyFixture, startClient, uri, type Client } from "./helpers.js";

let root: string;
let c: Client;
const A = () => uri(join(root, "a.crmrules"));
const B = () => uri(join(root, "b.crmrules"));
const LOOSE = () => uri(join(root, "loose.crmrules"));
const rng = (l1: number, c1: number, l2: number, c2: number) => ({ start: { line: l1, character: c1 }, end: { line: l2, character: c2 } });
const at = (u: string, line: number, character: number) => ({ textDocument: { uri: u }, position: { line, character } });

beforeAll(async () => {
  // a.crmrules and b.crmrules import each other; loose.crmrules imports nothing.
  root = copyFixture("imports");
  c = await startClient([root]);
});
afterAll(async () => {
  await c?.stop();
});

describe("definition and references follow imports", () => {
  it("goes to a declaration in an imported file", async () => {
    const def = (await c.conn.sendRequest(P.DefinitionRequest.type, at(B(), 4, 10))) as P.LocationLink[];
    expect(def).toEqual([{ originSelectionRange: rng(4, 9, 4, 12), targetUri: A(), targetRange: rng(2, 0, 2, 28), targetSelectionRange: rng(2, 6, 2, 9) }]);
  });

  it("offers nothing for a name the file uses without importing it (the checker reports it)", async () => {
    const d = await c.diagnostics(LOOSE());
    expect(d.diagnostics.map((x) => [x.code, x.range.start.line, x.range.start.character])).toEqual([
      ["CR2001", 0, 21],
      ["CR2001", 1, 21],
    ]);
    expect(await c.conn.sendRequest(P.DefinitionRequest.type, at(LOOSE(), 1, 22))).toEqual([]);
    expect(await c.conn.sendRequest(P.HoverRequest.type, at(LOOSE(), 1, 22))).toBeNull();
    expect(await c.conn.sendRequest(P.DocumentHighlightRequest.type, at(LOOSE(), 1, 22))).toEqual([]);
    await expect(c.conn.sendRequest(P.PrepareRenameRequest.type, at(LOOSE(), 1, 22))).rejects.toThrow("not a name you can rename");
    // The declaration's references leave that use out.
    const refs = await c.conn.sendRequest(P.ReferencesRequest.type, { ...at(A(), 2, 7), context: { includeDeclaration: true } });
    expect(refs!.map((r) => [r.uri, r.range])).toEqual([
      [A(), rng(2, 6, 2, 9)],
      [B(), rng(4, 9, 4, 12)],
    ]);
  });
});

describe("rename across files that import each other", () => {
  it("renames the declaration and every use the checker resolved, and nothing else", async () => {
    const edit = await c.conn.sendRequest(P.RenameRequest.type, { ...at(B(), 4, 10), newName: "annika" });
    expect(edit).toEqual({
      changes: {
        [A()]: [{ range: rng(2, 6, 2, 9), newText: "annika" }],
        [B()]: [{ range: rng(4, 9, 4, 12), newText: "annika" }],
      },
    });
    const queue = await c.conn.sendRequest(P.RenameRequest.type, { ...at(A(), 5, 22), newName: "overflow" });
    expect(queue).toEqual({
      changes: {
        [A()]: [{ range: rng(5, 21, 5, 26), newText: "overflow" }],
        [B()]: [{ range: rng(2, 6, 2, 11), newText: "overflow" }],
      },
    });
  });

  it("rejects a new name that a file seeing the symbol already has in the same namespace", async () => {
    // `spill` (a queue, in b) and `ann` (an owner, in a) are both routing targets, and a and b see each other.
    await expect(c.conn.sendRequest(P.RenameRequest.type, { ...at(B(), 2, 7), newName: "ann" })).rejects.toThrow("`ann` is already declared (line 3 of a.crmrules)");
    // A stage is another namespace: no clash.
    const ok = await c.conn.sendRequest(P.RenameRequest.type, { ...at(A(), 3, 7), newName: "ann" });
    expect(Object.keys(ok!.changes!)).toEqual([A()]);
  });
});

describe("built-in events", () => {
  it("hover without a source, have no definition and cannot be renamed", async () => {
    const h = await c.conn.sendRequest(P.HoverRequest.type, at(LOOSE(), 5, 18));
    expect(h).toEqual({
      contents: {
        kind: "markdown",
        value:
          "built-in event `consent_given { purpose: purpose, method: enum(checkbox, double_opt_in, purchase, inquiry, import) }`\n\nThe person gave consent for a purpose. `method: double_opt_in` means a confirmed double opt-in.",
      },
      range: rng(5, 16, 5, 29),
    });
    expect(await c.conn.sendRequest(P.DefinitionRequest.type, at(LOOSE(), 5, 18))).toEqual([]);
    await expect(c.conn.sendRequest(P.PrepareRenameRequest.type, at(LOOSE(), 5, 18))).rejects.toThrow("`consent_given` is built into the language");
  });
});

describe("completion and imports", () => {
  const complete = async (u: string, text: string, line: number, character: number) => {
    await c.conn.sendNotification(P.DidOpenTextDocumentNotification.type, { textDocument: { uri: u, languageId: "crmrules", version: 1, text } });
    const r = (await c.conn.sendRequest(P.CompletionRequest.type, at(u, line, character))) as P.CompletionList;
    await c.conn.sendNotification(P.DidCloseTextDocumentNotification.type, { textDocument: { uri: u } });
    return r.items;
  };

  it("offers a name the file does not import yet, with the import as an additional edit", async () => {
    const items = await complete(uri(join(root, "new.crmrules")), "route r on stage mql {\n  otherwise -> owner ", 1, 21);
    expect(items.map((i) => [i.label, i.detail, i.additionalTextEdits])).toEqual([["ann", 'owner (adds import "./a.crmrules")', [{ range: rng(0, 0, 0, 0), newText: 'import "./a.crmrules"\n\n' }]]]);
  });

  it("offers a name the file sees without an edit, after its last import", async () => {
    const items = await complete(B(), 'import "./a.crmrules"\n\nqueue spill "Spill"\nteam duo round_robin {\n  member ', 4, 9);
    expect(items.map((i) => [i.label, i.additionalTextEdits])).toEqual([["ann", undefined]]);
  });

  it("does not offer names whose import would close a circle", async () => {
    const cu = uri(join(root, "c.crmrules"));
    await c.conn.sendNotification(P.DidOpenTextDocumentNotification.type, { textDocument: { uri: cu, languageId: "crmrules", version: 1, text: 'import "./loose.crmrules"\nqueue cq "C"\n' } });
    try {
      // loose.crmrules could import a.crmrules or b.crmrules, but not c.crmrules (which imports it).
      const items = await complete(LOOSE(), "route stray on stage mql {\n  otherwise -> queue ", 1, 21);
      expect(items.map((i) => i.label)).toEqual(["spill"]);
    } finally {
      await c.conn.sendNotification(P.DidCloseTextDocumentNotification.type, { textDocument: { uri: cu } });
    }
  });
});

describe("documents that are not files", () => {
  it("are checked as a one-file workspace: checker diagnostics, navigation, completion of their own names", async () => {
    const u = "untitled:Untitled-1";
    const text = 'owner o "o@acme.example"\nteam t round_robin {\n  member o\n  member nobody\n}\n';
    await c.conn.sendNotification(P.DidOpenTextDocumentNotification.type, { textDocument: { uri: u, languageId: "crmrules", version: 1, text } });
    const d = await c.diagnostics(u);
    expect(d.diagnostics.map((x) => [x.code, x.range.start.line, x.range.start.character])).toEqual([
      ["CR2007", 1, 5],
      ["CR2001", 3, 9],
    ]);
    const def = (await c.conn.sendRequest(P.DefinitionRequest.type, at(u, 2, 10))) as P.LocationLink[];
    expect(def.map((l) => [l.targetUri, l.targetSelectionRange])).toEqual([[u, rng(0, 6, 0, 7)]]);
    // Names of the workspace folder are not offered: an untitled document cannot import them.
    await c.conn.sendNotification(P.DidChangeTextDocumentNotification.type, { textDocument: { uri: u, version: 2 }, contentChanges: [{ text: text + "team u round_robin {\n  member " }] });
    const r = (await c.conn.sendRequest(P.CompletionRequest.type, at(u, 6, 9))) as P.CompletionList;
    expect(r.items.map((i) => i.label)).toEqual(["o"]);
    await c.conn.sendNotification(P.DidCloseTextDocumentNotification.type, { textDocument: { uri: u } });
  });
});
