/**
 * Protocol tests for import paths as links (document links, definition of an
 * import path), signature help inside action calls, and the import edits of
 * `workspace/willRenameFiles` (a renamed file, a file moved into a subfolder,
 * renamed and moved folders), on a temporary workspace with exact positions.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import * as P from "vscode-languageserver-protocol/node";
import { TextDocument } from "vscode-languageserver-textdocument";
import { startClient, uri, type Client } from "./helpers.js";

const rng = (l1: number, c1: number, l2: number, c2: number) => ({ start: { line: l1, character: c1 }, end: { line: l2, character: c2 } });
const at = (u: string, line: number, character: number) => ({ textDocument: { uri: u }, position: { line, character } });

const FILES: Record<string, string> = {
  "schema.crmrules": "lead {\n  email: email\n  country: country\n}\n",
  "consent.crmrules": [
    'import "./schema.crmrules"',
    "",
    'consent email_marketing "Email marketing" {',
    "  otherwise: opt_in",
    "}",
    "",
    "/// Sends one campaign email.",
    "/// Blocked without consent.",
    "action send_email(",
    "  campaign: text,",
    "  /// Who gets it.",
    "  recipient: email,",
    "  delay: number",
    ") contact requires email_marketing",
    "action ping internal",
    "",
  ].join("\n"),
  "flows/helpers.crmrules": 'import "../schema.crmrules"\n\naction log_it(message: text) internal\n',
  "flows/welcome.crmrules": [
    'import "../consent.crmrules"',
    'import "./helpers.crmrules"',
    "",
    "workflow welcome on stage mql {",
    '  do send_email("a, b", lead.email, 3)',
    "  do log_it(",
    "}",
    "stage mql initial when true",
    "",
  ].join("\n"),
  "journeys.crmrules": [
    'import "./flows/welcome.crmrules" // the flows',
    'import  "./consent.crmrules"',
    'import "./nope.crmrules"',
    "",
    'journey "Welcome" {',
    '  lead { email: "x@y.example", country: SE }',
    '  expect sent send_email("w", "x@y.example", 0)',
    "  expect not sent ping",
    "}",
    "",
  ].join("\n"),
  "suite.crmrules": 'import "./journeys.crmrules"\n',
};

function workspace(): { root: string; u: (name: string) => string } {
  const root = mkdtempSync(join(tmpdir(), "crm-ls-links-"));
  for (const [n, t] of Object.entries(FILES)) {
    mkdirSync(dirname(join(root, n)), { recursive: true });
    writeFileSync(join(root, n), t);
  }
  return { root, u: (name) => uri(join(root, name)) };
}

let w: ReturnType<typeof workspace>;
let c: Client;

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

describe("capabilities", () => {
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
});

describe("import paths are links", () => {
  it("links each import that finds a file, over the path without its quotes, and none for a missing file", async () => {
    const links = await c.conn.sendRequest(P.DocumentLinkRequest.type, { textDocument: { uri: w.u("journeys.crmrules") } });
    expect(links).toEqual([
      { range: rng(0, 8, 0, 32), target: w.u("flows/welcome.crmrules"), tooltip: "Open flows/welcome.crmrules" },
      { range: rng(1, 9, 1, 27), target: w.u("consent.crmrules"), tooltip: "Open consent.crmrules" },
    ]);
    // The missing file is the checker's to report.
    const d = await c.diagnostics(w.u("journeys.crmrules"));
    expect(d.diagnostics.filter((x) => x.code === "CR2003").map((x) => x.range)).toEqual([rng(2, 7, 2, 24)]);
    const up = await c.conn.sendRequest(P.DocumentLinkRequest.type, { textDocument: { uri: w.u("flows/welcome.crmrules") } });
    expect(up).toEqual([
      { range: rng(0, 8, 0, 27), target: w.u("consent.crmrules"), tooltip: "Open consent.crmrules" },
      { range: rng(1, 8, 1, 26), target: w.u("flows/helpers.crmrules"), tooltip: "Open flows/helpers.crmrules" },
    ]);
  });

  it("goes to the start of the imported file from anywhere on the path, quotes included", async () => {
    for (const ch of [7, 20, 33]) {
      const def = await c.conn.sendRequest(P.DefinitionRequest.type, at(w.u("journeys.crmrules"), 0, ch));
      expect(def, `character ${ch}`).toEqual([
        { originSelectionRange: rng(0, 8, 0, 32), targetUri: w.u("flows/welcome.crmrules"), targetRange: rng(0, 0, 0, 0), targetSelectionRange: rng(0, 0, 0, 0) },
      ]);
    }
    // Outside the path (the keyword, the comment) and on an import that finds no file: nothing.
    expect(await c.conn.sendRequest(P.DefinitionRequest.type, at(w.u("journeys.crmrules"), 0, 3))).toEqual([]);
    expect(await c.conn.sendRequest(P.DefinitionRequest.type, at(w.u("journeys.crmrules"), 0, 40))).toEqual([]);
    expect(await c.conn.sendRequest(P.DefinitionRequest.type, at(w.u("journeys.crmrules"), 2, 12))).toEqual([]);
  });

  it("follows the open text of a document", async () => {
    const u = w.u("suite.crmrules");
    await c.conn.sendNotification(P.DidOpenTextDocumentNotification.type, {
      textDocument: { uri: u, languageId: "crmrules", version: 1, text: '// suite\nimport "./flows/helpers.crmrules"\n' },
    });
    expect(await c.conn.sendRequest(P.DocumentLinkRequest.type, { textDocument: { uri: u } })).toEqual([
      { range: rng(1, 8, 1, 32), target: w.u("flows/helpers.crmrules"), tooltip: "Open flows/helpers.crmrules" },
    ]);
    await c.conn.sendNotification(P.DidCloseTextDocumentNotification.type, { textDocument: { uri: u } });
    expect(await c.conn.sendRequest(P.DocumentLinkRequest.type, { textDocument: { uri: u } })).toEqual([
      { range: rng(0, 8, 0, 27), target: w.u("journeys.crmrules"), tooltip: "Open journeys.crmrules" },
    ]);
  });
});

describe("signature help for action calls", () => {
  const SIGNATURE = "send_email(campaign: text, recipient: email, delay: number)";
  const expected = (active: number) => ({
    signatures: [
      {
        label: SIGNATURE,
        documentation: { kind: "markdown", value: "Sends one campaign email.\nBlocked without consent.\n\ncontact action, requires consent for `email_marketing`" },
        parameters: [
          { label: [11, 25], documentation: { kind: "markdown", value: "`text`" } },
          { label: [27, 43], documentation: { kind: "markdown", value: "`email` — Who gets it." } },
          { label: [45, 58], documentation: { kind: "markdown", value: "`number`" } },
        ],
        activeParameter: active,
      },
    ],
    activeSignature: 0,
    activeParameter: active,
  });
  const help = (u: string, line: number, ch: number) => c.conn.sendRequest(P.SignatureHelpRequest.type, at(u, line, ch));

  it("labels each parameter by its place in the signature", () => {
    const sig = expected(0).signatures[0]!;
    expect(sig.parameters.map((p) => SIGNATURE.slice(p.label[0], p.label[1]))).toEqual(["campaign: text", "recipient: email", "delay: number"]);
  });

  it("in a workflow's do: the active parameter counts the commas before the cursor, not those inside a string", async () => {
    const u = w.u("flows/welcome.crmrules");
    // `  do send_email("a, b", lead.email, 3)`: ( at 15, the string 16–21 (a comma at 18), commas at 22 and 34, ) at 37.
    expect(await help(u, 4, 16)).toEqual(expected(0));
    expect(await help(u, 4, 19)).toEqual(expected(0));
    expect(await help(u, 4, 23)).toEqual(expected(1));
    expect(await help(u, 4, 35)).toEqual(expected(2));
    expect(await help(u, 4, 37)).toEqual(expected(2));
    // Before the parenthesis, after the closing one, and outside any call: nothing.
    expect(await help(u, 4, 10)).toBeNull();
    expect(await help(u, 4, 15)).toBeNull();
    expect(await help(u, 4, 38)).toBeNull();
    expect(await help(u, 3, 10)).toBeNull();
  });

  it("in expectations of a journey (sent, not sent)", async () => {
    const u = w.u("journeys.crmrules");
    // `  expect sent send_email("w", "x@y.example", 0)`: ( at 24, commas at 28 and 43.
    expect(await help(u, 6, 26)).toEqual(expected(0));
    expect(await help(u, 6, 31)).toEqual(expected(1));
    expect(await help(u, 6, 46)).toEqual(expected(2));
  });

  it("works on half-typed input: no closing parenthesis, a string not closed, an action without parameters", async () => {
    const u = w.u("journeys.crmrules");
    const text = readFileSync(new URL(u), "utf8").replace("  expect not sent ping\n", '  expect blocked send_email("x, y", [1, 2], (3\n  expect not sent ping(\n');
    await c.conn.sendNotification(P.DidOpenTextDocumentNotification.type, { textDocument: { uri: u, languageId: "crmrules", version: 1, text } });
    try {
      // `  expect blocked send_email("x, y", [1, 2], (3`: ( at 27, commas at 34 and 42; those in the string (30) and the brackets (38) do not count.
      expect(await help(u, 7, 28)).toEqual(expected(0));
      expect(await help(u, 7, 32)).toEqual(expected(0));
      expect(await help(u, 7, 40)).toEqual(expected(1));
      expect(await help(u, 7, 46)).toEqual(expected(2));
      // `  expect not sent ping(`: an internal action without parameters.
      expect(await help(u, 8, 23)).toEqual({
        signatures: [{ label: "ping()", documentation: { kind: "markdown", value: "internal action" }, parameters: [], activeParameter: 0 }],
        activeSignature: 0,
        activeParameter: 0,
      });
      // A step that starts on the next line ends the unfinished call (`}` closes the journey).
      expect(await help(u, 9, 1)).toBeNull();
    } finally {
      await c.conn.sendNotification(P.DidCloseTextDocumentNotification.type, { textDocument: { uri: u } });
    }
    // `  do log_it(` in the workflow, the call left open before `}`.
    const h = await help(w.u("flows/welcome.crmrules"), 5, 12);
    expect(h?.signatures.map((s) => [s.label, s.parameters?.map((p) => p.label)])).toEqual([["log_it(message: text)", [[7, 20]]]]);
  });

  it("offers nothing for an action the file does not see (the checker reports it)", async () => {
    const u = w.u("suite.crmrules");
    const text = 'import "./schema.crmrules"\nworkflow w on stage s {\n  do send_email(\n}\n';
    await c.conn.sendNotification(P.DidOpenTextDocumentNotification.type, { textDocument: { uri: u, languageId: "crmrules", version: 1, text } });
    try {
      expect(await help(u, 2, 16)).toBeNull();
    } finally {
      await c.conn.sendNotification(P.DidCloseTextDocumentNotification.type, { textDocument: { uri: u } });
    }
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

describe("renaming or moving files updates imports", () => {
  const willRename = (client: Client, files: { oldUri: string; newUri: string }[]) => client.conn.sendRequest(P.WillRenameFilesRequest.type, { files });

  it("renaming a file rewrites the imports of the two files that import it, and only the path", async () => {
    const edit = await willRename(c, [{ oldUri: w.u("consent.crmrules"), newUri: w.u("permissions.crmrules") }]);
    expect(edit).toEqual({
      changes: {
        [w.u("flows/welcome.crmrules")]: [{ range: rng(0, 8, 0, 27), newText: "../permissions.crmrules" }],
        [w.u("journeys.crmrules")]: [{ range: rng(1, 9, 1, 27), newText: "./permissions.crmrules" }],
      },
    });
    const after = applied(edit);
    expect(after[w.u("journeys.crmrules")]!.split("\n").slice(0, 3)).toEqual([
      'import "./flows/welcome.crmrules" // the flows',
      'import  "./permissions.crmrules"',
      'import "./nope.crmrules"',
    ]);
  });

  it("moving a file into a subfolder rewrites its importers and its own relative imports", async () => {
    const edit = await willRename(c, [{ oldUri: w.u("journeys.crmrules"), newUri: w.u("tests/journeys.crmrules") }]);
    expect(edit).toEqual({
      changes: {
        // Its own imports that find a file; the one that finds none is left as written.
        [w.u("journeys.crmrules")]: [
          { range: rng(0, 8, 0, 32), newText: "../flows/welcome.crmrules" },
          { range: rng(1, 9, 1, 27), newText: "../consent.crmrules" },
        ],
        [w.u("suite.crmrules")]: [{ range: rng(0, 8, 0, 27), newText: "./tests/journeys.crmrules" }],
      },
    });
  });

  it("renaming a folder rewrites imports into it, and leaves the imports between its files alone", async () => {
    const edit = await willRename(c, [{ oldUri: w.u("flows"), newUri: w.u("workflows") }]);
    expect(edit).toEqual({ changes: { [w.u("journeys.crmrules")]: [{ range: rng(0, 8, 0, 32), newText: "./workflows/welcome.crmrules" }] } });
    // One level deeper: the moved files' imports of files outside the folder climb one more level.
    const deeper = await willRename(c, [{ oldUri: w.u("flows"), newUri: w.u("lib/flows") }]);
    expect(deeper).toEqual({
      changes: {
        [w.u("flows/helpers.crmrules")]: [{ range: rng(0, 8, 0, 26), newText: "../../schema.crmrules" }],
        [w.u("flows/welcome.crmrules")]: [{ range: rng(0, 8, 0, 27), newText: "../../consent.crmrules" }],
        [w.u("journeys.crmrules")]: [{ range: rng(0, 8, 0, 32), newText: "./lib/flows/welcome.crmrules" }],
      },
    });
  });

  it("a rename that moves nothing the imports name gives no edit", async () => {
    expect(await willRename(c, [{ oldUri: w.u("suite.crmrules"), newUri: w.u("all.crmrules") }])).toBeNull();
    expect(await willRename(c, [{ oldUri: w.u("elsewhere"), newUri: w.u("other") }])).toBeNull();
  });

  it("an open file is edited as the editor has it", async () => {
    const u = w.u("journeys.crmrules");
    const text = "// moved the imports down\n\n" + FILES["journeys.crmrules"]!;
    await c.conn.sendNotification(P.DidOpenTextDocumentNotification.type, { textDocument: { uri: u, languageId: "crmrules", version: 1, text } });
    try {
      const edit = await willRename(c, [{ oldUri: w.u("consent.crmrules"), newUri: w.u("permissions.crmrules") }]);
      expect(edit?.changes?.[u]).toEqual([{ range: rng(3, 9, 3, 27), newText: "./permissions.crmrules" }]);
      expect(applied(edit, { [u]: text })[u]!.split("\n")[3]).toBe('import  "./permissions.crmrules"');
    } finally {
      await c.conn.sendNotification(P.DidCloseTextDocumentNotification.type, { textDocument: { uri: u } });
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
