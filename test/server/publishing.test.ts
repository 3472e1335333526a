/**
 * Protocol tests for what a change republishes: the files whose diagnostics
 * changed, found from the change (the file, its importers, what they see or
 * saw) rather than by re-reading every file; and what a pull client (VS
 * Code) is left showing after files disappear: with workspace diagnostics the
 * client never clears a file's problems by itself
 * (vscode-languageserver-node#1052: the server must report the file as
 * empty), so a file deleted outside the editor (git checkout, git stash) must
 * come back once as an empty full report, and the server must ask the client
 * to pull again.
 */
import { afterEach, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as P from "vscode-languageserver-protocol/node";
import { chain, copyFixture, startClient, uri, type Client } from "./helpers.js";


function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout;
  return Promise.race([p.finally(() => clearTimeout(t)), new Promise<T>((_, reject) => (t = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms)))]);
}

let c: Client | undefined;
afterEach(async () => {
  await c?.stop();
  c = undefined;
});

const codes = (d: P.PublishDiagnosticsParams) => d.diagnostics.map((x) => x.code);

describe("republishing after a change", () => {
  it("republishes what a file saw when it drops an import (an owner there becomes unused)", async () => {
    const { root, p } = chain();
    c = await startClient([root], { debounceMs: 0 });
    const base = await c.diagnostics(uri(p("base")));
    expect(codes(base)).toEqual([]);
    await c.conn.sendNotification(P.DidOpenTextDocumentNotification.type, { textDocument: { uri: uri(p("mid")), languageId: "crmrules", version: 1, text: 'import "./base.crmrules"\n\nteam duo round_robin {\n  member ann\n}\n' } });
    await c.conn.sendNotification(P.DidChangeTextDocumentNotification.type, { textDocument: { uri: uri(p("mid")), version: 2 }, contentChanges: [{ text: "team duo round_robin {\n  member ann\n}\n" }] });
    // `ann` is no longer visible from mid (CR2001 there), so base's `ann` is unused now.
    const mid = await within(c.diagnostics(uri(p("mid")), (d) => d.version === 2), 5000, "diagnostics for mid");
    expect(codes(mid)).toContain("CR2001");
    const after = await within(c.diagnostics(uri(p("base")), (d) => d.diagnostics.length > 0), 5000, "new diagnostics for base");
    expect(after.diagnostics.map((d) => [d.code, d.message])).toContainEqual(["CR2007", "owner `ann` is never used"]);
  });

  it("after a deletion republishes the files that imported it and what it saw, clears it, and leaves the others alone", async () => {
    const { root, p } = chain();
    c = await startClient([root], { debounceMs: 0 });
    for (const n of ["base", "mid", "top", "sib", "other"]) await within(c.diagnostics(uri(p(n))), 10000, `first diagnostics for ${n}`);
    const seen: string[] = [];
    const sub = c.onPublish((d) => seen.push(d.uri));
    rmSync(p("mid"));
    await c.conn.sendNotification(P.DidChangeWatchedFilesNotification.type, { changes: [{ uri: uri(p("mid")), type: P.FileChangeType.Deleted }] });
    const top = await within(c.diagnostics(uri(p("top")), (d) => d.diagnostics.length > 0), 5000, "diagnostics for top");
    expect(codes(top)).toContain("CR2001"); // `duo` is gone (and the import cannot be resolved)
    const base = await within(c.diagnostics(uri(p("base")), (d) => d.diagnostics.length > 0), 5000, "new diagnostics for base");
    expect(base.diagnostics.map((d) => d.message)).toContain("owner `ann` is never used");
    expect(c.latest.get(uri(p("mid")))!.diagnostics).toEqual([]);
    // Let anything else that would be published arrive.
    await new Promise((r) => setTimeout(r, 200));
    sub.dispose();
    expect([...new Set(seen)].sort()).toEqual([uri(p("base")), uri(p("mid")), uri(p("top"))].sort());
  });
});

describe("imports that find no file", () => {
  it("get a new did-you-mean when a file appears on disk", async () => {
    const root = mkdtempSync(join(tmpdir(), "crm-ls-import-"));
    writeFileSync(join(root, "main.crmrules"), 'import "./helpr.crmrules"\nqueue q "Q"\n');
    c = await startClient([root], { debounceMs: 0 });
    const main = uri(join(root, "main.crmrules"));
    const before = await within(c.diagnostics(main), 10000, "first diagnostics for main");
    expect(String(before.diagnostics.find((d) => d.code === "CR2003")?.message)).not.toContain("did you mean");
    writeFileSync(join(root, "helper.crmrules"), 'queue h "H"\n');
    await c.conn.sendNotification(P.DidChangeWatchedFilesNotification.type, { changes: [{ uri: uri(join(root, "helper.crmrules")), type: P.FileChangeType.Created }] });
    const after = await within(c.diagnostics(main, (d) => d.diagnostics.some((x) => x.code === "CR2003" && String(x.message).includes("did you mean"))), 5000, "a new did-you-mean for main");
    expect(String(after.diagnostics.find((d) => d.code === "CR2003")!.message)).toContain("`helper.crmrules`");
    rmSync(root, { recursive: true, force: true });
  });
});

describe("pull diagnostics after a file disappears", () => {
  it("a deleted file is reported once with no diagnostics in the next workspace pull, and a refresh is requested", async () => {
    const dir = copyFixture("broken");
    const client = await startClient([dir], { pull: true });
    c = client;
    let refreshes = 0;
    client.conn.onRequest("workspace/diagnostic/refresh", () => void refreshes++);
    const broken = join(dir, "broken.crmrules");
    const other = join(dir, "other.crmrules");
    writeFileSync(other, 'queue q "Q"\n');
    await client.conn.sendNotification(P.DidChangeWatchedFilesNotification.type, { changes: [{ uri: uri(other), type: P.FileChangeType.Created }] });
    const first = await client.conn.sendRequest(P.WorkspaceDiagnosticRequest.type, { previousResultIds: [] });
    const ids = first.items.map((i) => ({ uri: i.uri, value: i.resultId! }));
    expect(first.items.find((i) => i.uri === uri(broken))!.kind).toBe("full");
    // Deleted outside the editor.
    rmSync(broken);
    const before = refreshes;
    await client.conn.sendNotification(P.DidChangeWatchedFilesNotification.type, { changes: [{ uri: uri(broken), type: P.FileChangeType.Deleted }] });
    for (let i = 0; i < 50 && refreshes === before; i++) await new Promise((r) => setTimeout(r, 20));
    expect(refreshes).toBeGreaterThan(before);
    const next = await client.conn.sendRequest(P.WorkspaceDiagnosticRequest.type, { previousResultIds: ids });
    const gone = next.items.find((i) => i.uri === uri(broken));
    expect(gone).toMatchObject({ kind: "full", items: [] });
    // And the file's own pull answers empty too.
    const doc = (await client.conn.sendRequest(P.DocumentDiagnosticRequest.type, { textDocument: { uri: uri(broken) } })) as P.FullDocumentDiagnosticReport;
    expect(doc.items).toEqual([]);
  });
});
