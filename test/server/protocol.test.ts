/**
 * Protocol tests: the real built server as a child process, over stdio. What
 * the protocol itself carries: the capabilities announced, diagnostics pushed
 * and pulled (versions, debouncing, stale results), quick fixes of published
 * diagnostics, formatting options, the workspace model following files and
 * folders, cancellation and internal failures. The features themselves are
 * tested in-process on fixtures (test/support/fixture.ts): hover.test.ts,
 * completion.test.ts, navigation.test.ts, rename.test.ts, …
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import * as P from "vscode-languageserver-protocol/node";
import { TextDocument } from "vscode-languageserver-textdocument";
import { copyFixture, startClient, uri, REPO, type Client } from "./helpers.js";
import { diagnosticHelpUri, HOMEPAGE, headingAnchor } from "../../core/docLinks.js";
import { CATALOGUE, catalogueEntry } from "../../core/diagnostics/catalogue.js";
import { writeFixture } from "../support/fixture.js";
import { IMPORTS_AND_ACTIONS } from "./fixtures/importsAndActions.js";
/** The documentation link every published diagnostic carries (its code's section of docs/diagnostics.md). */
const doc = (code: string) => ({ href: diagnosticHelpUri(code, catalogueEntry(code)!.title) });

let root: string;
let second: string;
let c: Client;
const S = () => uri(join(root, "scoring.crmrules"));
const rng = (l1: number, c1: number, l2: number, c2: number) => ({ start: { line: l1, character: c1 }, end: { line: l2, character: c2 } });

function open(u: string, text: string, version = 1) {
  return c.conn.sendNotification(P.DidOpenTextDocumentNotification.type, { textDocument: { uri: u, languageId: "crmrules", version, text } });
}
function fileText(u: string): string {
  return readFileSync(new URL(u), "utf8");
}

beforeAll(async () => {
  root = copyFixture("basic");
  second = copyFixture("second");
  c = await startClient([root, second]);
});
afterAll(async () => {
  await c?.stop();
});

describe("initialize", () => {
  it("announces every implemented capability", () => {
    const caps = c.init.capabilities;
    expect(caps.textDocumentSync).toMatchObject({ openClose: true, change: P.TextDocumentSyncKind.Incremental });
    for (const k of [
      "hoverProvider",
      "definitionProvider",
      "referencesProvider",
      "documentHighlightProvider",
      "documentSymbolProvider",
      "workspaceSymbolProvider",
      "foldingRangeProvider",
      "selectionRangeProvider",
    ] as const)
      expect(caps[k], k).toBeTruthy();
    expect(caps.renameProvider).toEqual({ prepareProvider: true });
    expect(caps.semanticTokensProvider).toMatchObject({ full: { delta: true } });
    expect(caps.diagnosticProvider).toMatchObject({ interFileDependencies: true, workspaceDiagnostics: true });
    expect(caps.completionProvider?.triggerCharacters).toContain(".");
  });
});

describe("diagnostics", () => {
  it("publishes the diagnostics of files that are not open, with code, range and message", async () => {
    const broken = copyFixture("broken");
    const b = await startClient([broken]);
    try {
      const d = await b.diagnostics(uri(join(broken, "broken.crmrules")));
      expect(d.diagnostics).toEqual([
        { range: rng(4, 0, 4, 1), severity: 1, code: "CR1003", codeDescription: doc("CR1003"), source: "crmrules", message: "expected a value after `==`, found `}`" },
      ]);
    } finally {
      await b.stop();
    }
  });

  it("re-publishes after an edit, tagged with the document version, and clears when fixed", async () => {
    const u = S();
    const text = fileText(u);
    await open(u, text, 1);
    await c.diagnostics(u, (p) => p.version === 1 && p.diagnostics.length === 0);
    // Break line 4 (`  cap 50` → `  cap `).
    await c.conn.sendNotification(P.DidChangeTextDocumentNotification.type, {
      textDocument: { uri: u, version: 2 },
      contentChanges: [{ range: rng(4, 6, 4, 8), text: "" }],
    });
    const broken = await c.diagnostics(u, (p) => p.version === 2);
    expect(broken.diagnostics.length).toBeGreaterThan(0);
    expect(broken.diagnostics.map((d) => [d.range.start.line, d.range.start.character, d.message])).toEqual([[5, 2, "expected a number of points after `cap` (as in `cap 100`), found `rule`"]]);
    await c.conn.sendNotification(P.DidChangeTextDocumentNotification.type, {
      textDocument: { uri: u, version: 3 },
      contentChanges: [{ range: rng(4, 6, 4, 6), text: "50" }],
    });
    const fixed = await c.diagnostics(u, (p) => p.version === 3);
    expect(fixed.diagnostics).toEqual([]);
  });

  it("drops stale results: after rapid edits only the newest version is published", async () => {
    const u = uri(join(root, "stale.crmrules"));
    await open(u, "", 1);
    await c.diagnostics(u, (p) => p.version === 1);
    const seen: number[] = [];
    const sub = c.onPublish((p) => p.uri === u && seen.push(p.version ?? -1));
    for (let v = 2; v <= 30; v++)
      await c.conn.sendNotification(P.DidChangeTextDocumentNotification.type, { textDocument: { uri: u, version: v }, contentChanges: [{ text: v % 2 ? "score x {" : "score x {}" }] });
    const last = await c.diagnostics(u, (p) => p.version === 30);
    sub.dispose();
    expect(last.diagnostics).toEqual([]);
    // Debouncing: far fewer publications than edits, and never an older version after a newer one.
    expect(seen.length).toBeLessThan(10);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
    await c.conn.sendNotification(P.DidCloseTextDocumentNotification.type, { textDocument: { uri: u } });
  });

  it("answers pull diagnostics (textDocument/diagnostic) with full and unchanged reports", async () => {
    const broken = copyFixture("broken");
    const b = await startClient([broken], { pull: true });
    try {
      const u = uri(join(broken, "broken.crmrules"));
      const r = (await b.conn.sendRequest(P.DocumentDiagnosticRequest.type, { textDocument: { uri: u } })) as P.FullDocumentDiagnosticReport;
      expect(r.kind).toBe("full");
      expect(r.items.map((d) => [d.code, d.range.start.line, d.range.start.character, d.message])).toEqual([["CR1003", 4, 0, "expected a value after `==`, found `}`"]]);
      const again = await b.conn.sendRequest(P.DocumentDiagnosticRequest.type, { textDocument: { uri: u }, previousResultId: r.resultId });
      expect(again).toEqual({ kind: "unchanged", resultId: r.resultId });
      // Workspace pull: every file, open or not; unchanged ones reported as such.
      const all = await b.conn.sendRequest(P.WorkspaceDiagnosticRequest.type, { previousResultIds: [] });
      expect(all.items.map((i) => [i.uri, i.kind, (i as P.WorkspaceFullDocumentDiagnosticReport).items.map((d) => d.code)])).toEqual([[u, "full", ["CR1003"]]]);
      const again2 = await b.conn.sendRequest(P.WorkspaceDiagnosticRequest.type, { previousResultIds: [{ uri: u, value: all.items[0]!.resultId! }] });
      expect(again2.items).toEqual([{ kind: "unchanged", uri: u, version: null, resultId: all.items[0]!.resultId }]);
      // A pull client receives no pushed diagnostics.
      expect(b.latest.size).toBe(0);
    } finally {
      await b.stop();
    }
  });
});

describe("checker integration", () => {
  it("publishes checker diagnostics with related information, offers fixes as quick fixes, and re-checks importers", async () => {
    const dir = copyFixture("checks");
    const k = await startClient([dir]);
    try {
      const rules = uri(join(dir, "rules.crmrules"));
      const schema = uri(join(dir, "schema.crmrules"));
      const d = await k.diagnostics(rules);
      expect(d.diagnostics).toEqual([
        { range: rng(3, 27, 3, 30), severity: 1, code: "CR3001", codeDescription: doc("CR3001"), source: "crmrules", message: "the lead has no field `rol`; did you mean `role`?" },
        // (`executive` is not reported: what it means depends on the unknown field.)
        {
          range: rng(6, 6, 6, 9),
          severity: 1,
          code: "CR2002",
          codeDescription: doc("CR2002"),
          source: "crmrules",
          message: "the name `mql` is already declared (as a stage)",
          relatedInformation: [{ location: { uri: rules, range: rng(5, 6, 5, 9) }, message: "first declaration of `mql`" }],
        },
      ]);
      const actions = (await k.conn.sendRequest(P.CodeActionRequest.type, { textDocument: { uri: rules }, range: rng(3, 28, 3, 28), context: { diagnostics: [d.diagnostics[0]!] } })) as P.CodeAction[];
      expect(actions.map((a) => [a.title, a.kind, a.isPreferred, a.edit])).toEqual([
        ["change to `role`", "quickfix", true, { changes: { [rules]: [{ range: rng(3, 27, 3, 30), newText: "role" }] } }],
      ]);
      const unused = (await k.conn.sendRequest(P.CodeActionRequest.type, { textDocument: { uri: schema }, range: rng(4, 8, 4, 8), context: { diagnostics: [] } })) as P.CodeAction[];
      expect(unused.map((a) => [a.title, a.edit])).toEqual([["remove the unused event `demo_requested`", { changes: { [schema]: [{ range: rng(4, 0, 5, 0), newText: "" }] } }]]);
      // Renaming the field in the imported file re-checks the importer: the unknown-field error goes away.
      const text = readFileSync(join(dir, "schema.crmrules"), "utf8");
      await k.conn.sendNotification(P.DidOpenTextDocumentNotification.type, { textDocument: { uri: schema, languageId: "crmrules", version: 1, text } });
      await k.conn.sendNotification(P.DidChangeTextDocumentNotification.type, { textDocument: { uri: schema, version: 2 }, contentChanges: [{ range: rng(1, 2, 1, 6), text: "rol" }] });
      const after = await k.diagnostics(rules, (p) => !p.diagnostics.some((x) => x.code === "CR3001"));
      // (`executive` resolves: the field is known again, so its enum type applies.)
      expect(after.diagnostics.map((x) => x.code)).toEqual(["CR2002"]);
    } finally {
      await k.stop();
    }
  });
});

describe("formatting", () => {
  const messy = 'score   fit "Fit" {\n    cap 50\nrule a:+20 when lead.role==executive\n}\n';
  it("formats a document and a range through the core formatter", async () => {
    const u = uri(join(root, "messy.crmrules"));
    await open(u, messy);
    const edits = await c.conn.sendRequest(P.DocumentFormattingRequest.type, { textDocument: { uri: u }, options: { tabSize: 2, insertSpaces: true } });
    const doc = TextDocument.create(u, "crmrules", 1, messy);
    expect(TextDocument.applyEdits(doc, edits!)).toBe('score fit "Fit" {\n  cap 50\n  rule a: +20 when lead.role == executive\n}\n');
    const four = await c.conn.sendRequest(P.DocumentFormattingRequest.type, { textDocument: { uri: u }, options: { tabSize: 4, insertSpaces: true } });
    expect(TextDocument.applyEdits(doc, four!)).toBe('score fit "Fit" {\n    cap 50\n    rule a: +20 when lead.role == executive\n}\n');
    const ranged = await c.conn.sendRequest(P.DocumentRangeFormattingRequest.type, { textDocument: { uri: u }, range: rng(2, 0, 2, 3), options: { tabSize: 2, insertSpaces: true } });
    expect(ranged).toEqual([{ range: rng(2, 0, 2, 36), newText: "  rule a: +20 when lead.role == executive" }]);
    const actions = (await c.conn.sendRequest(P.CodeActionRequest.type, { textDocument: { uri: u }, range: rng(0, 0, 0, 0), context: { diagnostics: [], only: [P.CodeActionKind.Source] } })) as P.CodeAction[];
    expect(actions.map((a) => [a.title, a.kind])).toEqual([["Format document", "source.format.crmrules"]]);
    expect(TextDocument.applyEdits(doc, actions[0]!.edit!.changes![u]!)).toBe(TextDocument.applyEdits(doc, edits!));
    await c.conn.sendNotification(P.DidCloseTextDocumentNotification.type, { textDocument: { uri: u } });
  });
});

describe("workspace model", () => {
  it("picks up files created, changed and deleted on disk (watched files)", async () => {
    const path = join(second, "new.crmrules");
    writeFileSync(path, "queue fresh \n");
    await c.conn.sendNotification(P.DidChangeWatchedFilesNotification.type, { changes: [{ uri: uri(path), type: P.FileChangeType.Created }] });
    const d = await c.diagnostics(uri(path));
    // Checker diagnostics, with the `unnecessary` tag for an unused declaration.
    expect(d.diagnostics).toEqual([{ range: rng(0, 6, 0, 11), severity: 2, code: "CR2007", codeDescription: doc("CR2007"), source: "crmrules", message: "queue `fresh` is never used", tags: [P.DiagnosticTag.Unnecessary] }]);
    expect(((await c.conn.sendRequest(P.WorkspaceSymbolRequest.type, { query: "fresh" })) as P.WorkspaceSymbol[]).map((s) => s.name)).toEqual(["fresh"]);
    writeFileSync(path, "queue fresh {\n");
    await c.conn.sendNotification(P.DidChangeWatchedFilesNotification.type, { changes: [{ uri: uri(path), type: P.FileChangeType.Changed }] });
    const broken = await c.diagnostics(uri(path), (p) => p.diagnostics.length > 0);
    expect(broken.diagnostics[0]!.range.start.line).toBe(0);
    unlinkSync(path);
    await c.conn.sendNotification(P.DidChangeWatchedFilesNotification.type, { changes: [{ uri: uri(path), type: P.FileChangeType.Deleted }] });
    await c.diagnostics(uri(path), (p) => p.diagnostics.length === 0);
    expect(await c.conn.sendRequest(P.WorkspaceSymbolRequest.type, { query: "fresh" })).toEqual([]);
  });

  it("follows workspace folders being removed and added", async () => {
    const sym = async (q: string) => ((await c.conn.sendRequest(P.WorkspaceSymbolRequest.type, { query: q })) as P.WorkspaceSymbol[]).map((s) => s.name);
    expect(await sym("backlog")).toEqual(["backlog"]);
    await c.conn.sendNotification(P.DidChangeWorkspaceFoldersNotification.type, { event: { added: [], removed: [{ uri: uri(second), name: "folder1" }] } });
    expect(await sym("backlog")).toEqual([]);
    await c.conn.sendNotification(P.DidChangeWorkspaceFoldersNotification.type, { event: { added: [{ uri: uri(second), name: "folder1" }], removed: [] } });
    expect(await sym("backlog")).toEqual(["backlog"]);
  });

  it("lets an open document override the disk for every other file", async () => {
    const u = uri(join(second, "a.crmrules"));
    await open(u, 'queue spillover "Spillover"\n');
    expect(((await c.conn.sendRequest(P.WorkspaceSymbolRequest.type, { query: "spillover" })) as P.WorkspaceSymbol[]).map((s) => s.name)).toEqual(["spillover"]);
    expect(await c.conn.sendRequest(P.WorkspaceSymbolRequest.type, { query: "overflow" })).toEqual([]);
    await c.conn.sendNotification(P.DidCloseTextDocumentNotification.type, { textDocument: { uri: u } });
    expect(((await c.conn.sendRequest(P.WorkspaceSymbolRequest.type, { query: "overflow" })) as P.WorkspaceSymbol[]).map((s) => s.name)).toEqual(["overflow"]);
  });
});

describe("robustness", () => {
  it("answers a cancelled request with RequestCancelled and keeps serving", async () => {
    // A large document makes the first request busy long enough that the second
    // request and its cancellation are both queued behind it.
    const big = uri(join(root, "big.crmrules"));
    const lines = Array.from({ length: 3000 }, (_, i) => `owner o${i} "o${i}@acme.example"`).join("\n");
    await open(big, lines);
    const busy = c.conn.sendRequest(P.SemanticTokensRequest.type, { textDocument: { uri: big } });
    const source = new P.CancellationTokenSource();
    const pending = c.conn.sendRequest(P.WorkspaceSymbolRequest.type, { query: "" }, source.token);
    // Observed at once: the rejection may arrive while the busy request is still awaited.
    const outcome = pending.then(
      () => undefined,
      (e: unknown) => e,
    );
    source.cancel();
    expect((await busy)!.data.length).toBe(3000 * 3 * 5);
    await c.conn.sendNotification(P.DidCloseTextDocumentNotification.type, { textDocument: { uri: big } });
    expect(await outcome).toMatchObject({ code: P.LSPErrorCodes.RequestCancelled });
    const ok = await c.conn.sendRequest(P.WorkspaceSymbolRequest.type, { query: "dach" });
    expect(ok).toHaveLength(1);
  });

  it("answers an internal failure in one request with an error, logs it, and keeps serving", async () => {
    // A malformed request (no document) makes the handler fail inside.
    await expect(c.conn.sendRequest(P.HoverRequest.method, { textDocument: null, position: { line: 0, character: 0 } })).rejects.toMatchObject({ code: P.ErrorCodes.InternalError, message: expect.stringContaining("internal error in hover") });
    expect(c.logs.some((l) => l.startsWith("internal error in hover"))).toBe(true);
    expect(c.child.exitCode).toBeNull();
    const h = await c.conn.sendRequest(P.HoverRequest.type, { textDocument: { uri: S() }, position: { line: 19, character: 15 } });
    expect((h!.contents as P.MarkupContent).value).toMatch(/^score `fit`/);
  });

  it("answers requests about unknown documents and positions out of range without failing", async () => {
    const u = uri(join(root, "nowhere.crmrules"));
    expect(await c.conn.sendRequest(P.HoverRequest.type, { textDocument: { uri: u }, position: { line: 3, character: 3 } })).toBeNull();
    expect(await c.conn.sendRequest(P.DocumentSymbolRequest.type, { textDocument: { uri: u } })).toEqual([]);
    expect(await c.conn.sendRequest(P.HoverRequest.type, { textDocument: { uri: S() }, position: { line: 999, character: 999 } })).toBeNull();
    expect(await c.conn.sendRequest(P.DefinitionRequest.type, { textDocument: { uri: S() }, position: { line: -1, character: -5 } })).toEqual([]);
  });
});

describe("import paths, signature help and file renames over the protocol", () => {
  let w: { root: string; u: (name: string) => string };
  let c: Client;
  /** The workspace of test/server/fixtures/importsAndActions.ts, on disk. */
  const workspace = () => {
    const root = mkdtempSync(join(tmpdir(), "crm-ls-links-"));
    writeFixture(IMPORTS_AND_ACTIONS, root);
    return { root, u: (name: string) => uri(join(root, name)) };
  };
  const willRename = (client: Client, files: { oldUri: string; newUri: string }[]) => client.conn.sendRequest(P.WillRenameFilesRequest.type, { files });
  const at = (u: string, line: number, character: number) => ({ textDocument: { uri: u }, position: { line, character } });
  beforeAll(async () => {
    w = workspace();
    c = await startClient([w.root], {
      capabilities: {
        workspace: { workspaceFolders: true, didChangeWatchedFiles: { dynamicRegistration: true }, fileOperations: { willRename: true } },
        textDocument: {
          publishDiagnostics: { relatedInformation: true, versionSupport: true },
          signatureHelp: { signatureInformation: { documentationFormat: ["markdown"], parameterInformation: { labelOffsetSupport: true } } },
          definition: { linkSupport: true },
        },
      },
    });
  });
  afterAll(async () => {
    await c?.stop();
  });

  it("announces document links, signature help with ( and , and file renames with filters for rules files and folders", () => {
    const caps = c.init.capabilities;
    expect(caps.documentLinkProvider).toEqual({ resolveProvider: false });
    expect(caps.signatureHelpProvider).toEqual({ triggerCharacters: ["(", ","] });
    expect(caps.workspace?.fileOperations?.willRename).toEqual({
      filters: [
        { scheme: "file", pattern: { glob: "**/*.crmrules", matches: "file" } },
        { scheme: "file", pattern: { glob: "**/*", matches: "folder" } },
      ],
    });
  });

  it("gives parameter labels as text to a client without label offsets", async () => {
    const d = await startClient([w.root]);
    try {
      const h = await d.conn.sendRequest(P.SignatureHelpRequest.type, at(w.u("flows/welcome.crmrules"), 4, 24));
      expect(h?.signatures[0]!.parameters!.map((p) => p.label)).toEqual(["campaign: text", "recipient: email", "delay: number"]);
      expect(h?.activeParameter).toBe(1);
    } finally {
      await d.stop();
    }
  });

  it("after the edit and the move, every import finds its file again", async () => {
    const x = workspace();
    const d = await startClient([x.root]);
    try {
      const moves = [
        { oldUri: x.u("journeys.crmrules"), newUri: x.u("tests/journeys.crmrules") },
        { oldUri: x.u("flows"), newUri: x.u("lib/flows") },
      ];
      const edit = await willRename(d, moves);
      for (const [u, t] of Object.entries(applied(edit))) writeFileSync(new URL(u), t);
      mkdirSync(join(x.root, "tests"));
      mkdirSync(join(x.root, "lib"));
      for (const m of moves) renameSync(new URL(m.oldUri), new URL(m.newUri));
      const gone = ["journeys.crmrules", "flows/welcome.crmrules", "flows/helpers.crmrules"];
      const born = ["tests/journeys.crmrules", "lib/flows/welcome.crmrules", "lib/flows/helpers.crmrules", "suite.crmrules"];
      await d.conn.sendNotification(P.DidChangeWatchedFilesNotification.type, {
        changes: [
          ...gone.map((n) => ({ uri: x.u(n), type: P.FileChangeType.Deleted as P.FileChangeType })),
          ...born.map((n) => ({ uri: x.u(n), type: P.FileChangeType.Created as P.FileChangeType })),
        ],
      });
      // Pulled (not pushed: a file whose diagnostics did not change is not published again).
      const names = async (n: string) => {
        const r = (await d.conn.sendRequest(P.DocumentDiagnosticRequest.type, { textDocument: { uri: x.u(n) } })) as P.FullDocumentDiagnosticReport;
        return r.items.filter((e) => /^CR200/.test(String(e.code))).map((e) => [e.code, e.range]);
      };
      // Only the import that never found a file is still reported (its path, unchanged, now from tests/).
      expect(await names("tests/journeys.crmrules")).toEqual([["CR2003", rng(2, 7, 2, 24)]]);
      for (const n of ["suite.crmrules", "lib/flows/welcome.crmrules", "lib/flows/helpers.crmrules"]) expect(await names(n), n).toEqual([]);
      const links = await d.conn.sendRequest(P.DocumentLinkRequest.type, { textDocument: { uri: x.u("tests/journeys.crmrules") } });
      expect(links?.map((l) => l.target)).toEqual([x.u("lib/flows/welcome.crmrules"), x.u("consent.crmrules")]);
    } finally {
      await d.stop();
    }
  });
});

/** Applies a WorkspaceEdit's changes to the files' current texts (disk, or `open` for open documents). */
function applied(edit: P.WorkspaceEdit | null, open: Record<string, string> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [u, edits] of Object.entries(edit?.changes ?? {})) {
    const text = open[u] ?? readFileSync(new URL(u), "utf8");
    out[u] = TextDocument.applyEdits(TextDocument.create(u, "crmrules", 1, text), edits);
  }
  return out;
}

describe("diagnostic documentation links", () => {
  it("gives every published diagnostic a codeDescription pointing at its code's section of docs/diagnostics.md", async () => {
    const u = uri(join(root, "documented.crmrules"));
    await c.conn.sendNotification(P.DidOpenTextDocumentNotification.type, { textDocument: { uri: u, languageId: "crmrules", version: 1, text: 'queue lonely "L"\nstage x when lead.nope == 1\n' } });
    const d = await c.diagnostics(u, (p) => p.diagnostics.length >= 2);
    const headings = new Set(readFileSync(join(REPO, "docs/diagnostics.md"), "utf8").split("\n").filter((l) => /^#+ /.test(l)).map((l) => headingAnchor(l.replace(/^#+ /, ""))));
    for (const x of d.diagnostics) {
      const entry = CATALOGUE.get(String(x.code))!;
      expect(entry, String(x.code)).toBeDefined();
      expect(x.codeDescription?.href).toBe(`${HOMEPAGE}/blob/main/docs/diagnostics.md#${headingAnchor(`${x.code} — ${entry.title}`)}`);
      expect(headings.has(x.codeDescription!.href.split("#")[1]!), x.codeDescription!.href).toBe(true);
    }
    expect(d.diagnostics.map((x) => x.code).sort()).toEqual(["CR2007", "CR3001"]);
    await c.conn.sendNotification(P.DidCloseTextDocumentNotification.type, { textDocument: { uri: u } });
  });
});
