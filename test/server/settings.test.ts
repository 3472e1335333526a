/**
 * Protocol tests: the `crmrules.format` settings (initialization options,
 * didChangeConfiguration, the workspace/configuration pull) and the request's
 * FormattingOptions reach the formatter, for formatting and the "Format document" action.
 */
import { afterEach, describe, expect, it } from "vitest";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as P from "vscode-languageserver-protocol/node";
import { TextDocument } from "vscode-languageserver-textdocument";
import { startClient, uri, type Client } from "./helpers.js";

const messy = 'score fit "Fit" {\n  cap 50\n  rule a: +20 when lead.role == "x"\n  rule longer_name: +5 when true\n\n  rule c: +1 when true\n}\n';
let c: Client | undefined;
afterEach(async () => {
  await c?.stop();
  c = undefined;
});

async function setUp(opts: Parameters<typeof startClient>[1] = {}): Promise<{ u: string; doc: TextDocument }> {
  const root = mkdtempSync(join(tmpdir(), "crm-ls-settings-"));
  c = await startClient([root], opts);
  const u = uri(join(root, "s.crmrules"));
  await c.conn.sendNotification(P.DidOpenTextDocumentNotification.type, { textDocument: { uri: u, languageId: "crmrules", version: 1, text: messy } });
  return { u, doc: TextDocument.create(u, "crmrules", 1, messy) };
}
async function formatted(u: string, doc: TextDocument, options: P.FormattingOptions = { tabSize: 2, insertSpaces: true }): Promise<string> {
  const edits = await c!.conn.sendRequest(P.DocumentFormattingRequest.type, { textDocument: { uri: u }, options });
  return TextDocument.applyEdits(doc, edits ?? []);
}
async function actionFormatted(u: string, doc: TextDocument): Promise<string> {
  const actions = (await c!.conn.sendRequest(P.CodeActionRequest.type, { textDocument: { uri: u }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [], only: ["source.format.crmrules"] } })) as P.CodeAction[];
  return actions.length ? TextDocument.applyEdits(doc, actions[0]!.edit!.changes![u]!) : doc.getText();
}

const aligned4 =
  'score fit "Fit" {\n    cap 50\n    rule a          : +20 when lead.role == "x"\n    rule longer_name: +5 when true\n\n    rule c: +1 when true\n}\n';

describe("format settings", () => {
  it("applies alignRuleColons and indentSize sent as initialization options, to formatting and the Format document action", async () => {
    const { u, doc } = await setUp({ initializationOptions: { format: { alignRuleColons: true, indentSize: 4, maxLineLength: 100 } } });
    expect(await formatted(u, doc)).toBe(aligned4);
    expect(await actionFormatted(u, doc)).toBe(aligned4);
    // A range takes the same layout as the document (the run is aligned as a whole).
    const ranged = await c!.conn.sendRequest(P.DocumentRangeFormattingRequest.type, { textDocument: { uri: u }, range: { start: { line: 2, character: 0 }, end: { line: 2, character: 1 } }, options: { tabSize: 2, insertSpaces: true } });
    expect(ranged).toEqual([{ range: { start: { line: 2, character: 0 }, end: { line: 2, character: 35 } }, newText: '    rule a          : +20 when lead.role == "x"' }]);
  });

  it("applies settings pushed by didChangeConfiguration (crmrules section or the format object itself)", async () => {
    const { u, doc } = await setUp();
    expect(await formatted(u, doc)).toBe(messy);
    await c!.conn.sendNotification(P.DidChangeConfigurationNotification.type, { settings: { crmrules: { format: { alignRuleColons: true, indentSize: 4 } } } });
    expect(await formatted(u, doc)).toBe(aligned4);
    expect(await actionFormatted(u, doc)).toBe(aligned4);
    await c!.conn.sendNotification(P.DidChangeConfigurationNotification.type, { settings: { format: { indentSize: 3 } } });
    expect(await actionFormatted(u, doc)).toBe(messy.replace(/\n  /g, "\n   "));
  });

  it("pulls crmrules.format by workspace/configuration when the client supports it, at start and on a change", async () => {
    let answer: unknown = { indentSize: 4, alignRuleColons: true };
    const asked: unknown[] = [];
    const { u, doc } = await setUp({
      capabilities: { workspace: { configuration: true, workspaceFolders: true } },
      onConnection: (conn) =>
        conn.onRequest(P.ConfigurationRequest.type, (p) => {
          asked.push(p.items);
          return [answer];
        }),
    });
    await expect.poll(() => asked.length).toBe(1);
    expect(asked[0]).toEqual([{ section: "crmrules.format" }]);
    await expect.poll(() => formatted(u, doc)).toBe(aligned4);
    answer = { indentSize: 1 };
    await c!.conn.sendNotification(P.DidChangeConfigurationNotification.type, { settings: null });
    await expect.poll(() => asked.length).toBe(2);
    await expect.poll(() => actionFormatted(u, doc)).toBe(messy.replace(/\n  /g, "\n "));
  });

  it("indents with tabs when the request says insertSpaces: false, else with tabSize spaces", async () => {
    const { u, doc } = await setUp();
    expect(await formatted(u, doc, { tabSize: 4, insertSpaces: false })).toBe(messy.replace(/\n  /g, "\n\t"));
    expect(await formatted(u, doc, { tabSize: 4, insertSpaces: true })).toBe(messy.replace(/\n  /g, "\n    "));
  });

  it("breaks a long condition before and / or at maxLineLength, from initialization options and from a change", async () => {
    const root = mkdtempSync(join(tmpdir(), "crm-ls-settings-"));
    c = await startClient([root], { initializationOptions: { format: { maxLineLength: 50 } } });
    const u = uri(join(root, "long.crmrules"));
    const long = 'lead {\n  size: number\n}\nstage s initial when lead.size > 10 and lead.size < 500 or lead.size == 1000\n';
    await c.conn.sendNotification(P.DidOpenTextDocumentNotification.type, { textDocument: { uri: u, languageId: "crmrules", version: 1, text: long } });
    const doc = TextDocument.create(u, "crmrules", 1, long);
    expect(await formatted(u, doc)).toBe('lead {\n  size: number\n}\nstage s initial when lead.size > 10\n  and lead.size < 500 or lead.size == 1000\n');
    await c.conn.sendNotification(P.DidChangeConfigurationNotification.type, { settings: { crmrules: { format: { maxLineLength: 120 } } } });
    expect(await actionFormatted(u, doc)).toBe(long);
  });
});
