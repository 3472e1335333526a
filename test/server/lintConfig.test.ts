/**
 * The language server and crmrules.json (issue 17 items 8 and 9): the style linter's findings are
 * diagnostics with the source `crmrules-lint`, its levels and the formatter options come from
 * crmrules.json, which is read again when it changes; a broken file is ignored with a message.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CodeActionRequest, DidChangeWatchedFilesNotification, DocumentFormattingRequest, FileChangeType, type CodeAction } from "vscode-languageserver-protocol";
import { TextDocument } from "vscode-languageserver-textdocument";
import { REPO, startClient, uri, type Client } from "./helpers.js";

let client: Client | undefined;
afterEach(async () => {
  await client?.stop();
  client = undefined;
});

function workspace(): string {
  const root = mkdtempSync(join(tmpdir(), "crm-ls-lint-"));
  cpSync(join(REPO, "test/golden/lint/naming"), root, { recursive: true });
  writeFileSync(join(root, "crmrules.json"), "{}\n");
  return root;
}

describe("lint findings and crmrules.json in the server", () => {
  it("publishes lint findings as crmrules-lint diagnostics and follows changes to crmrules.json", async () => {
    const root = workspace();
    client = await startClient([root]);
    const f = uri(join(root, "rules.crmrules"));
    const first = await client.diagnostics(f, (p) => p.diagnostics.some((d) => d.code === "L001"));
    const lint = first.diagnostics.filter((d) => d.source === "crmrules-lint");
    expect(lint.map((d) => [d.code, d.severity, d.range.start.line])).toEqual([["L001", 2, 1], ["L001", 2, 5], ["L001", 2, 6], ["L001", 2, 14]]);
    expect(lint[1]!.message).toBe("the score `MyScore` is not in snake_case: `my_score`");
    expect(lint[1]!.codeDescription?.href).toMatch(/docs\/lint\.md#l001--naming$/);
    expect(first.diagnostics.filter((d) => d.source === "crmrules")).toEqual([]);

    // A lint finding's fix is a quick fix in the editor, as `crmrules lint --fix` applies it.
    const myScore = lint[1]!;
    const actions = (await client.conn.sendRequest(CodeActionRequest.type, { textDocument: { uri: f }, range: myScore.range, context: { diagnostics: [myScore] } })) as CodeAction[];
    const rename = actions.filter((a) => a.kind === "quickfix");
    expect(rename.map((a) => [a.title, a.isPreferred, a.diagnostics?.[0]?.code])).toEqual([["Rename to `my_score` (and its use)", true, "L001"]]);
    const renamed = TextDocument.applyEdits(TextDocument.create(f, "crmrules", 1, readFileSync(join(root, "rules.crmrules"), "utf8")), rename[0]!.edit!.changes![f]!);
    expect(renamed).toContain("score my_score \"Fit\"");
    expect(renamed).toContain("stage mql when my_score >= 20");
    expect(renamed).not.toContain("MyScore");

    // Turn L001 into an error, then off, through crmrules.json: the server reads it again.
    const cfg = join(root, "crmrules.json");
    const changed = async (type: FileChangeType) => client!.conn.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: uri(cfg), type }] });
    writeFileSync(cfg, JSON.stringify({ lint: { rules: { L001: "error" } } }));
    await changed(FileChangeType.Created);
    const errors = await client.diagnostics(f, (p) => p.diagnostics.some((d) => d.code === "L001" && d.severity === 1));
    expect(errors.diagnostics.filter((d) => d.code === "L001").map((d) => d.severity)).toEqual([1, 1, 1, 1]);
    writeFileSync(cfg, JSON.stringify({ lint: { rules: { L001: "off" } }, format: { indentSize: 4 } }));
    await changed(FileChangeType.Changed);
    const off = await client.diagnostics(f, (p) => !p.diagnostics.some((d) => d.code === "L001"));
    expect(off.diagnostics).toEqual([]);

    // crmrules.json's indentSize wins over the editor's tab size.
    const text = readFileSync(join(root, "rules.crmrules"), "utf8");
    await client.conn.sendNotification("textDocument/didOpen", { textDocument: { uri: f, languageId: "crmrules", version: 1, text } });
    const edits = (await client.conn.sendRequest(DocumentFormattingRequest.type, { textDocument: { uri: f }, options: { tabSize: 2, insertSpaces: true } })) ?? [];
    const formatted = TextDocument.applyEdits(TextDocument.create(f, "crmrules", 1, text), edits);
    expect(formatted).toContain("\n    Country: country\n");
    expect(formatted).toBe(text.replace(/^  /gm, "    "));

    // A broken file is ignored, logged with its place: as without a file, the editor does not lint.
    writeFileSync(cfg, JSON.stringify({ lint: { rules: { L001: "warning" } } }));
    await changed(FileChangeType.Changed);
    await client.diagnostics(f, (p) => p.diagnostics.some((d) => d.code === "L001"));
    writeFileSync(cfg, '{ "lint": { "rules": { "L001": "loud" } } }');
    await changed(FileChangeType.Changed);
    await client.diagnostics(f, (p) => p.diagnostics.length === 0);
    expect(client.logs.join("\n")).toContain(`${cfg}:1:32: \`lint.rules.L001\` must be one of`);
    // Without a crmrules.json nothing is linted in the editor.
    const bare = mkdtempSync(join(tmpdir(), "crm-ls-nolint-"));
    cpSync(join(REPO, "test/golden/lint/naming"), bare, { recursive: true });
    const other = await startClient([bare]);
    try {
      expect((await other.diagnostics(uri(join(bare, "rules.crmrules")))).diagnostics).toEqual([]);
    } finally {
      await other.stop();
    }
  }, 60_000);
});
