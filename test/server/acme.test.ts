/**
 * Smoke test on the example workspace (examples/acme): every feature request
 * at positions all over every file is answered without an error, and every
 * journey is listed with a status.
 */
import { expect, it } from "vitest";
import { join, resolve } from "node:path";
import { readFileSync } from "node:fs";
import { crmFiles } from "../support/files.js";
import * as P from "vscode-languageserver-protocol/node";
import { REPO, startClient, uri } from "./helpers.js";

it("answers every request on the example workspace", async () => {
  const root = resolve(REPO, "examples/acme");
  const files = crmFiles(root);
  expect(files.length).toBeGreaterThan(0);
  const c = await startClient([root]);
  try {
    const list = (await c.conn.sendRequest("crmrules/listJourneys", {})) as { status: string }[];
    const declared = files.reduce((n, f) => n + (readFileSync(f, "utf8").match(/^journey "/gm)?.length ?? 0), 0);
    expect(list).toHaveLength(declared);
    for (const j of list) expect(["passed", "failed"]).toContain(j.status);
    for (const f of files) {
      const u = uri(f);
      const td = { textDocument: { uri: u } };
      const lines = readFileSync(f, "utf8").split("\n").length;
      await c.conn.sendRequest(P.CodeLensRequest.type, td);
      await c.conn.sendRequest(P.InlayHintRequest.type, { ...td, range: { start: { line: 0, character: 0 }, end: { line: lines, character: 0 } } });
      await c.conn.sendRequest(P.SemanticTokensRequest.type, td);
      await c.conn.sendRequest(P.DocumentSymbolRequest.type, td);
      await c.conn.sendRequest(P.FoldingRangeRequest.type, td);
      await c.conn.sendRequest(P.DocumentFormattingRequest.type, { ...td, options: { tabSize: 2, insertSpaces: true } });
      for (let line = 0; line < lines; line += 2)
        for (const character of [2, 8, 16, 30]) {
          const at = { ...td, position: { line, character } };
          await c.conn.sendRequest(P.HoverRequest.type, at);
          await c.conn.sendRequest(P.CompletionRequest.type, at);
          await c.conn.sendRequest(P.DefinitionRequest.type, at);
          await c.conn.sendRequest(P.ReferencesRequest.type, { ...at, context: { includeDeclaration: true } });
        }
      await c.diagnostics(u);
    }
    expect(c.logs.filter((l) => /internal error|unexpected error|failed/.test(l))).toEqual([]);
    expect(c.child.exitCode).toBeNull();
  } finally {
    await c.stop();
  }
}, 120_000);
