/**
 * Adversarial review over the protocol: what a pull client (VS Code) is left
 * showing after files disappear. With workspace diagnostics the client never
 * clears a file's problems by itself (vscode-languageserver-node#1052: the
 * server must report the file as empty), so a file deleted outside the editor
 * (git checkout, git stash) must come back once as an empty full report, and
 * the server must ask the client to pull again.
 */
import { afterAll, describe, expect, it } from "vitest";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as P from "vscode-languageserver-protocol";
import { copyFixture, startClient, uri, type Client } from "./helpers.js";

const clients: Client[] = [];
afterAll(async () => {
  for (const c of clients) await c.stop();
});

describe("review: pull diagnostics after a file disappears", () => {
  it("a deleted file is reported once with no diagnostics in the next workspace pull, and a refresh is requested", async () => {
    const dir = copyFixture("broken");
    const c = await startClient([dir], { pull: true });
    clients.push(c);
    let refreshes = 0;
    c.conn.onRequest("workspace/diagnostic/refresh", () => void refreshes++);
    const broken = join(dir, "broken.crmrules");
    const other = join(dir, "other.crmrules");
    writeFileSync(other, 'queue q "Q"\n');
    await c.conn.sendNotification(P.DidChangeWatchedFilesNotification.type, { changes: [{ uri: uri(other), type: P.FileChangeType.Created }] });
    const first = await c.conn.sendRequest(P.WorkspaceDiagnosticRequest.type, { previousResultIds: [] });
    const ids = first.items.map((i) => ({ uri: i.uri, value: i.resultId! }));
    expect(first.items.find((i) => i.uri === uri(broken))!.kind).toBe("full");
    // Deleted outside the editor.
    rmSync(broken);
    const before = refreshes;
    await c.conn.sendNotification(P.DidChangeWatchedFilesNotification.type, { changes: [{ uri: uri(broken), type: P.FileChangeType.Deleted }] });
    for (let i = 0; i < 50 && refreshes === before; i++) await new Promise((r) => setTimeout(r, 20));
    expect(refreshes).toBeGreaterThan(before);
    const next = await c.conn.sendRequest(P.WorkspaceDiagnosticRequest.type, { previousResultIds: ids });
    const gone = next.items.find((i) => i.uri === uri(broken));
    expect(gone).toMatchObject({ kind: "full", items: [] });
    // And the file's own pull answers empty too.
    const doc = (await c.conn.sendRequest(P.DocumentDiagnosticRequest.type, { textDocument: { uri: uri(broken) } })) as P.FullDocumentDiagnosticReport;
    expect(doc.items).toEqual([]);
  });
});
