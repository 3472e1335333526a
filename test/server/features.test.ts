/**
 * Protocol tests: the real built server as a child process, over stdio, one
 * test (at least) per feature, on the fixture workspaces with exact positions.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { readFileSync, writeFileSync, unlinkSync } from "node:fs";
import * as P from "vscode-languageserver-protocol/node";
import { TextDocument } from "vscode-languageserver-textdocument";
import { copyFixture, startClient, uri, type Client } from "./helpers.js";
import { diagnosticHelpUri, specSectionUri } from "../../core/docLinks.js";
import { catalogueEntry } from "../../core/diagnostics/catalogue.js";
/** The documentation link every published diagnostic carries (its code's section of docs/diagnostics.md). */
const doc = (code: string) => ({ href: diagnosticHelpUri(code, catalogueEntry(code)!.title) });

let root: string;
let second: string;
let c: Client;
const R = () => uri(join(root, "routing.crmrules"));
const S = () => uri(join(root, "scoring.crmrules"));
const SCH = () => uri(join(root, "schema.crmrules"));
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

describe("grade letters", () => {
  it("navigates a grade letter compared in a stage condition (resolved by the checker against the grade's type)", async () => {
    const dir = copyFixture("grades");
    const k = await startClient([dir]);
    try {
      const u = uri(join(dir, "rules.crmrules"));
      const def = (await k.conn.sendRequest(P.DefinitionRequest.type, { textDocument: { uri: u }, position: { line: 12, character: 28 } })) as P.LocationLink[];
      expect(def).toEqual([{ originSelectionRange: rng(12, 28, 12, 29), targetUri: u, targetRange: rng(8, 2, 8, 9), targetSelectionRange: rng(8, 2, 8, 3) }]);
      const refs = await k.conn.sendRequest(P.ReferencesRequest.type, { textDocument: { uri: u }, position: { line: 12, character: 28 }, context: { includeDeclaration: true } });
      expect(refs!.map((r) => [r.range.start.line, r.range.start.character])).toEqual([
        [8, 2],
        [12, 28],
      ]);
      const h = await k.conn.sendRequest(P.HoverRequest.type, { textDocument: { uri: u }, position: { line: 12, character: 28 } });
      expect((h!.contents as P.MarkupContent).value).toBe("grade letter `B` of `fit_grade`: >= 20");
      const toks = await k.conn.sendRequest(P.SemanticTokensRequest.type, { textDocument: { uri: u } });
      const legend = (k.init.capabilities.semanticTokensProvider as P.SemanticTokensOptions).legend;
      expect(decode(toks!.data, legend).find((t) => t.line === 12 && t.char === 28)).toEqual({ line: 12, char: 28, len: 1, type: "enumMember", mods: [] });
    } finally {
      await k.stop();
    }
  });
});

describe("navigation", () => {
  it("goes to the definition of a territory in the same file", async () => {
    const r = (await c.conn.sendRequest(P.DefinitionRequest.type, { textDocument: { uri: R() }, position: { line: 14, character: 50 } })) as P.LocationLink[];
    expect(r).toEqual([{ originSelectionRange: rng(14, 48, 14, 55), targetUri: R(), targetRange: rng(2, 0, 2, 40), targetSelectionRange: rng(2, 10, 2, 17) }]);
  });

  it("goes to a definition in another file (a stage, a lead field, an event payload field)", async () => {
    const stage = (await c.conn.sendRequest(P.DefinitionRequest.type, { textDocument: { uri: R() }, position: { line: 13, character: 24 } })) as P.LocationLink[];
    expect(stage.map((l) => [l.targetUri, l.targetSelectionRange])).toEqual([[S(), rng(19, 6, 19, 9)]]);
    const field = (await c.conn.sendRequest(P.DefinitionRequest.type, { textDocument: { uri: R() }, position: { line: 16, character: 28 } })) as P.LocationLink[];
    expect(field.map((l) => [l.targetUri, l.targetSelectionRange])).toEqual([[SCH(), rng(5, 2, 5, 6)]]);
    const payload = (await c.conn.sendRequest(P.DefinitionRequest.type, { textDocument: { uri: R() }, position: { line: 22, character: 20 } })) as P.LocationLink[];
    expect(payload.map((l) => [l.targetUri, l.targetSelectionRange])).toEqual([[SCH(), rng(9, 18, 9, 21)]]);
  });

  it("keeps workspace folders apart: a name declared in both resolves within its own folder", async () => {
    const r = (await c.conn.sendRequest(P.DefinitionRequest.type, { textDocument: { uri: R() }, position: { line: 17, character: 22 } })) as P.LocationLink[];
    expect(r.map((l) => [l.targetUri, l.targetSelectionRange])).toEqual([[R(), rng(7, 6, 7, 14)]]);
    const refs = await c.conn.sendRequest(P.ReferencesRequest.type, { textDocument: { uri: R() }, position: { line: 7, character: 8 }, context: { includeDeclaration: true } });
    expect(refs!.map((l) => [l.uri, l.range.start.line])).toEqual([
      [R(), 7],
      [R(), 17],
    ]);
    const edit = await c.conn.sendRequest(P.RenameRequest.type, { textDocument: { uri: R() }, position: { line: 7, character: 8 }, newName: "leftovers" });
    expect(Object.keys(edit!.changes!)).toEqual([R()]);
  });

  it("finds every reference of a lead field across files", async () => {
    const refs = await c.conn.sendRequest(P.ReferencesRequest.type, { textDocument: { uri: SCH() }, position: { line: 5, character: 3 }, context: { includeDeclaration: true } });
    expect(refs?.map((l) => [l.uri.split("/").pop(), l.range.start.line, l.range.start.character])).toEqual([
      ["routing.crmrules", 16, 27],
      ["routing.crmrules", 21, 71],
      ["schema.crmrules", 5, 2],
      ["scoring.crmrules", 5, 37],
      ["scoring.crmrules", 7, 30],
    ]);
    const noDecl = await c.conn.sendRequest(P.ReferencesRequest.type, { textDocument: { uri: SCH() }, position: { line: 5, character: 3 }, context: { includeDeclaration: false } });
    expect(noDecl).toHaveLength(4);
  });

  it("highlights the uses of an owner in one document", async () => {
    const h = await c.conn.sendRequest(P.DocumentHighlightRequest.type, { textDocument: { uri: R() }, position: { line: 5, character: 7 } });
    expect(h).toEqual([
      { range: rng(5, 6, 5, 10), kind: P.DocumentHighlightKind.Write },
      { range: rng(10, 9, 10, 13), kind: P.DocumentHighlightKind.Read },
      { range: rng(14, 95, 14, 99), kind: P.DocumentHighlightKind.Read },
      { range: rng(26, 25, 26, 29), kind: P.DocumentHighlightKind.Read },
    ]);
  });
});

describe("symbols", () => {
  it("outlines a document: scores with their rules, stages", async () => {
    const syms = (await c.conn.sendRequest(P.DocumentSymbolRequest.type, { textDocument: { uri: S() } })) as P.DocumentSymbol[];
    expect(syms.map((s) => [s.name, s.kind, s.detail, s.children?.map((x) => x.name) ?? []])).toEqual([
      ["fit", P.SymbolKind.Class, 'score "Fit"', ["decision_maker", "enterprise", "student"]],
      ["engagement", P.SymbolKind.Class, 'score "Engagement"', ["pricing_visit", "webinar", "demo"]],
      ["lead_in", P.SymbolKind.EnumMember, "stage", []],
      ["mql", P.SymbolKind.EnumMember, "stage", []],
      ["sql", P.SymbolKind.EnumMember, "stage", []],
    ]);
    expect(syms[0]!.range).toEqual(rng(3, 0, 8, 1));
    expect(syms[0]!.selectionRange).toEqual(rng(3, 6, 3, 9));
    const routing = (await c.conn.sendRequest(P.DocumentSymbolRequest.type, { textDocument: { uri: R() } })) as P.DocumentSymbol[];
    expect(routing.map((s) => s.name)).toContain("Nordic CTO converts after a webinar");
    expect(routing.find((s) => s.name === "inbound")!.children!.map((x) => x.name)).toEqual(["enterprise_nordics", "emea", "students"]);
  });

  it("searches symbols across every workspace folder", async () => {
    const r = (await c.conn.sendRequest(P.WorkspaceSymbolRequest.type, { query: "nord" })) as P.WorkspaceSymbol[];
    expect(r.map((s) => s.name)).toEqual(["nordics", "Nordic CTO converts after a webinar", "enterprise_nordics"]);
    const q = (await c.conn.sendRequest(P.WorkspaceSymbolRequest.type, { query: "backlog" })) as P.WorkspaceSymbol[];
    expect(q.map((s) => [s.name, (s.location as P.Location).uri])).toEqual([["backlog", uri(join(second, "b.crmrules"))]]);
  });
});

describe("rename", () => {
  it("prepares and renames an owner across files", async () => {
    const prep = await c.conn.sendRequest(P.PrepareRenameRequest.type, { textDocument: { uri: R() }, position: { line: 26, character: 26 } });
    expect(prep).toEqual(rng(26, 25, 26, 29));
    const edit = await c.conn.sendRequest(P.RenameRequest.type, { textDocument: { uri: R() }, position: { line: 26, character: 26 }, newName: "kari_n" });
    expect(edit?.changes?.[R()]?.map((e) => [e.range.start.line, e.range.start.character, e.newText])).toEqual([
      [5, 6, "kari_n"],
      [10, 9, "kari_n"],
      [14, 95, "kari_n"],
      [26, 25, "kari_n"],
    ]);
  });

  it("renames to a name with letters outside ASCII", async () => {
    const edit = await c.conn.sendRequest(P.RenameRequest.type, { textDocument: { uri: R() }, position: { line: 26, character: 26 }, newName: "søren" });
    expect(edit?.changes?.[R()]?.map((e) => e.newText)).toEqual(["søren", "søren", "søren", "søren"]);
  });

  it("renames an event in every file that uses it", async () => {
    const edit = await c.conn.sendRequest(P.RenameRequest.type, { textDocument: { uri: SCH() }, position: { line: 9, character: 8 }, newName: "visit" });
    expect(Object.keys(edit!.changes!).sort()).toEqual([R(), SCH(), S()].sort());
    expect(edit!.changes![S()]!.map((e) => e.range)).toEqual([rng(13, 29, 13, 38)]);
  });

  it("rejects a keyword, an invalid name, a clash and a non-name", async () => {
    const at = { textDocument: { uri: R() }, position: { line: 5, character: 7 } };
    await expect(c.conn.sendRequest(P.RenameRequest.type, { ...at, newName: "route" })).rejects.toThrow("`route` is a keyword of the language");
    await expect(c.conn.sendRequest(P.RenameRequest.type, { ...at, newName: "2x" })).rejects.toThrow("`2x` is not a valid name");
    await expect(c.conn.sendRequest(P.RenameRequest.type, { ...at, newName: "a€" })).rejects.toThrow("`a€` is not a valid name");
    await expect(c.conn.sendRequest(P.RenameRequest.type, { ...at, newName: "anna" })).rejects.toThrow("`anna` is already declared (line 7 of routing.crmrules)");
    await expect(c.conn.sendRequest(P.PrepareRenameRequest.type, { textDocument: { uri: R() }, position: { line: 13, character: 2 } })).rejects.toThrow("not a name you can rename");
  });
});

describe("hover", () => {
  const hov = async (u: string, line: number, character: number) => {
    const h = await c.conn.sendRequest(P.HoverRequest.type, { textDocument: { uri: u }, position: { line, character } });
    return (h?.contents as P.MarkupContent | undefined)?.value;
  };
  it("shows a score's maximum possible value", async () => {
    expect(await hov(S(), 19, 15)).toBe('score `fit` "Fit"\n\nmaximum possible value: 35 (its rules add at most 35 points)\n\ncapped at 50\n\n3 rules\n\nHow well the lead fits our ideal customer.');
  });
  it("shows an unbounded score's maximum as its cap, and its decay", async () => {
    expect(await hov(S(), 19, 30)).toBe('score `engagement` "Engagement"\n\nmaximum possible value: 100 (it is capped at 100)\n\ncapped at 100\n\nloses 25% every 30 days\n\n3 rules');
  });
  it("shows a rule's points, window and limit in words", async () => {
    expect(await hov(S(), 13, 8)).toBe('rule `pricing_visit` of score `engagement`\n\nadds 10 points on each `page_view`, where url starts_with "/pricing", at most 3 times per 7 days\n\n[score rules in the language reference](' + specSectionUri("Rules") + ")");
  });
  it("shows a territory's countries, through unions", async () => {
    expect(await hov(R(), 15, 45)).toBe("territory `dach`\n\n3 items: DE, AT, CH");
  });
  it("shows a field's type and an event's doc comment", async () => {
    expect(await hov(R(), 16, 27)).toBe("lead field `lead.role`: `enum(executive, director, manager, individual, student)`");
    expect(await hov(S(), 13, 31)).toBe("event `page_view { url: text }`\n\nA visit to a page of the website.");
  });
  it("returns null where there is nothing to say", async () => {
    expect(await hov(S(), 1, 0)).toBeUndefined();
  });
});

describe("completion", () => {
  const labels = async (u: string, text: string, line: number, character: number) => {
    await open(u, text);
    const r = (await c.conn.sendRequest(P.CompletionRequest.type, { textDocument: { uri: u }, position: { line, character } })) as P.CompletionList;
    await c.conn.sendNotification(P.DidCloseTextDocumentNotification.type, { textDocument: { uri: u } });
    return r.items.map((i) => i.label);
  };
  const scratch = () => uri(join(root, "scratch.crmrules"));

  it("offers lead fields after `lead.` in half-typed input", async () => {
    expect(await labels(scratch(), "stage x when lead.", 0, 18)).toEqual(["email", "country", "company_size", "role"]);
    expect(await labels(scratch(), "stage x when lead.email.", 0, 24)).toEqual(["domain"]);
  });
  it("offers event names after `on`, with built-in events", async () => {
    const l = await labels(scratch(), 'score s "S" {\n  rule r: +5 on ', 1, 16);
    expect(l).toEqual(["page_view", "webinar_attended", "demo_requested", "consent_given", "consent_withdrawn", "unsubscribed", "erasure_requested", "sales_activity"]);
  });
  it("offers payload fields inside `where`", async () => {
    expect(await labels(scratch(), 'score s "S" {\n  rule r: +5 on page_view where ', 1, 32)).toEqual(["url"]);
  });
  it("offers enum values after a comparison with an enum field", async () => {
    expect(await labels(scratch(), "stage x when lead.role == ", 0, 26)).toEqual(["executive", "director", "manager", "individual", "student"]);
    expect(await labels(scratch(), "stage x when lead.role in [executive, ", 0, 38)).toEqual(["executive", "director", "manager", "individual", "student"]);
  });
  it("offers territories after `in` in a consent clause, targets and owners in routes", async () => {
    expect(await labels(scratch(), "consent c {\n  in ", 1, 5)).toEqual(["nordics", "dach"]);
    expect(await labels(scratch(), "route r on stage mql {\n  rule a: when lead.role == student -> ", 1, 39)).toEqual(["owner", "team", "queue", "discard"]);
    expect(await labels(scratch(), "route r on stage mql {\n  rule a: when lead.role == student -> owner ", 1, 45)).toEqual(["kari", "anna"]); // not `zoe`: another workspace folder
    expect(await labels(scratch(), "route r on stage ", 0, 17)).toEqual(["lead_in", "mql", "sql"]);
  });
  it("offers scores and stages in expectations, payload fields in journey events", async () => {
    expect(await labels(scratch(), 'journey "j" {\n  expect score ', 1, 15)).toEqual(["fit", "engagement"]);
    expect(await labels(scratch(), 'journey "j" {\n  expect stage == ', 1, 18)).toEqual(["lead_in", "mql", "sql"]);
    expect(await labels(scratch(), 'journey "j" {\n  day 1 webinar_attended { ', 1, 27)).toEqual(["topic"]);
    expect(await labels(scratch(), 'journey "j" {\n  lead { country: NO, ', 1, 22)).toEqual(["email", "country", "company_size", "role"]);
  });
  it("offers a snippet for every construct at the top level, with documentation", async () => {
    await open(scratch(), "");
    const r = (await c.conn.sendRequest(P.CompletionRequest.type, { textDocument: { uri: scratch() }, position: { line: 0, character: 0 } })) as P.CompletionList;
    await c.conn.sendNotification(P.DidCloseTextDocumentNotification.type, { textDocument: { uri: scratch() } });
    expect(r.items.map((i) => i.label)).toEqual(["import", "lead", "event", "territory", "set", "score", "grade", "stage", "reenter", "owner", "queue", "team", "route", "consent", "action", "workflow", "journey"]);
    const score = r.items.find((i) => i.label === "score")!;
    expect(score.insertTextFormat).toBe(P.InsertTextFormat.Snippet);
    expect(score.insertText).toBe('score ${1:name} "${2:Label}" {\n  cap ${3:100}\n  rule ${4:rule_name}: +${5:10} when ${6:lead.field == value}\n}');
    expect((score.documentation as P.MarkupContent).value).toContain("`cap` bounds it");
  });
  it("reads names with letters outside ASCII as names (issue 12, item 9)", async () => {
    expect(await labels(scratch(), "stage x when lead.sø", 0, 20)).toEqual(["email", "country", "company_size", "role"]);
    expect(await labels(scratch(), 'score s "S" {\n  rule størst: +10 ', 1, 19)).toEqual(["when", "on", "after"]);
  });
  it("offers the keywords valid at the cursor inside a half-written rule", async () => {
    expect(await labels(scratch(), 'score s "S" {\n  rule r: +10 ', 1, 14)).toEqual(["when", "on", "after"]);
    expect(await labels(scratch(), 'score s "S" {\n  rule r: +10 on page_view ', 1, 27)).toEqual(["where", "at least", "within", "limit", "when"]);
    expect(await labels(scratch(), "route r on stage mql {\n  rule a: ", 1, 10)).toEqual(["when"]);
    expect(await labels(scratch(), 'score s "S" {\n  decay 10% every 30 ', 1, 22)).toEqual(["minutes", "hours", "days", "weeks", "months", "years"]);
    expect(await labels(scratch(), "action a(x: text) contact requires ", 0, 35)).toEqual(["email_marketing"]);
    expect(await labels(scratch(), 'journey "j" {\n  day 2 consent_given { purpose: ', 1, 34)).toEqual(["email_marketing"]);
    expect(await labels(scratch(), "workflow w on stage mql {\n  do ", 1, 5)).toEqual(["send_email"]);
  });
  it("offers the comparisons a lead field's type allows, and expectation keywords", async () => {
    expect(await labels(scratch(), "stage x when lead.company_size ", 0, 31)).toEqual(["==", "!=", "<", "<=", ">", ">=", "between", "is"]);
    expect(await labels(scratch(), "stage x when lead.role ", 0, 23)).toEqual(["==", "!=", "in", "not in", "is"]);
    expect(await labels(scratch(), "stage x when lead.email.domain ", 0, 31)).toEqual(["==", "!=", "in", "not in", "starts_with", "ends_with", "contains", "matches", "is"]);
    expect(await labels(scratch(), 'journey "j" {\n  expect routed ', 1, 16)).toEqual(["to"]);
    expect(await labels(scratch(), 'journey "j" {\n  expect not ', 1, 13)).toEqual(["routed", "escalated", "sent", "blocked"]);
  });
  it("offers the statements a score body allows", async () => {
    expect(await labels(scratch(), 'score s "S" {\n  ', 1, 2)).toEqual(["rule", "rule on", "cap", "floor", "decay"]);
  });
});

describe("structure", () => {
  it("folds blocks and comment runs", async () => {
    const f = await c.conn.sendRequest(P.FoldingRangeRequest.type, { textDocument: { uri: S() } });
    expect(f).toEqual([
      { startLine: 3, endLine: 7 },
      { startLine: 10, endLine: 15 },
    ]);
    const r = await c.conn.sendRequest(P.FoldingRangeRequest.type, { textDocument: { uri: R() } });
    expect(r).toEqual([
      { startLine: 8, endLine: 10 },
      { startLine: 13, endLine: 17 },
      { startLine: 20, endLine: 27 },
    ]);
  });

  it("expands the selection from a name to its expression, rule, declaration and file", async () => {
    const [s] = (await c.conn.sendRequest(P.SelectionRangeRequest.type, { textDocument: { uri: S() }, positions: [{ line: 6, character: 36 }] }))!;
    const chain: P.Range[] = [];
    for (let x: P.SelectionRange | undefined = s; x; x = x.parent) chain.push(x.range);
    expect(chain).toEqual([
      rng(6, 33, 6, 45), // company_size
      rng(6, 28, 6, 45), // lead.company_size
      rng(6, 28, 6, 53), // lead.company_size >= 1000
      rng(6, 23, 6, 53), // when …
      rng(6, 2, 6, 53), // the rule
      rng(3, 0, 8, 1), // the score
      rng(0, 0, 21, 0), // the file
    ]);
  });
});

describe("semantic tokens", () => {
  it("classifies declarations and uses, and answers deltas after an edit", async () => {
    const u = SCH();
    await open(u, fileText(u), 1);
    const full = await c.conn.sendRequest(P.SemanticTokensRequest.type, { textDocument: { uri: u } });
    const legend = (c.init.capabilities.semanticTokensProvider as P.SemanticTokensOptions).legend;
    const decoded = decode(full!.data, legend);
    // `event page_view { url: text }` on line 9.
    expect(decoded.filter((t) => t.line === 9)).toEqual([
      { line: 9, char: 0, len: 5, type: "keyword", mods: [] },
      { line: 9, char: 6, len: 9, type: "event", mods: ["declaration"] },
      { line: 9, char: 18, len: 3, type: "property", mods: ["declaration"] },
      { line: 9, char: 23, len: 4, type: "type", mods: ["defaultLibrary"] },
    ]);
    expect(decoded[0]).toEqual({ line: 0, char: 0, len: 30, type: "comment", mods: ["documentation"] });
    await c.conn.sendNotification(P.DidChangeTextDocumentNotification.type, { textDocument: { uri: u, version: 2 }, contentChanges: [{ range: rng(11, 0, 11, 0), text: "event trial_started {}\n" }] });
    const delta = (await c.conn.sendRequest(P.SemanticTokensDeltaRequest.type, { textDocument: { uri: u }, previousResultId: full!.resultId! })) as P.SemanticTokensDelta;
    expect(delta.edits.length).toBeGreaterThan(0);
    const again = await c.conn.sendRequest(P.SemanticTokensRequest.type, { textDocument: { uri: u } });
    expect(decode(again!.data, legend).filter((t) => t.line === 11)).toEqual([
      { line: 11, char: 0, len: 5, type: "keyword", mods: [] },
      { line: 11, char: 6, len: 13, type: "event", mods: ["declaration"] },
    ]);
    // Applying the delta to the first result gives the new full result.
    const applied = [...full!.data];
    for (const e of [...delta.edits].sort((a, b) => b.start - a.start)) applied.splice(e.start, e.deleteCount, ...(e.data ?? []));
    expect(applied).toEqual(again!.data);
    await c.conn.sendNotification(P.DidCloseTextDocumentNotification.type, { textDocument: { uri: u } });
  });
});

describe("code actions", () => {
  it("organizes imports", async () => {
    const u = uri(join(second, "imports.crmrules"));
    const actions = (await c.conn.sendRequest(P.CodeActionRequest.type, {
      textDocument: { uri: u },
      range: rng(0, 0, 0, 0),
      context: { diagnostics: [], only: [P.CodeActionKind.SourceOrganizeImports] },
    })) as P.CodeAction[];
    expect(actions).toEqual([
      {
        title: "Organize imports",
        kind: "source.organizeImports",
        edit: { changes: { [u]: [{ range: rng(0, 0, 1, 21), newText: 'import "./a.crmrules"\nimport "./b.crmrules"' }] } },
      },
    ]);
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

function decode(data: number[], legend: P.SemanticTokensLegend) {
  const out: { line: number; char: number; len: number; type: string; mods: string[] }[] = [];
  let line = 0;
  let char = 0;
  for (let i = 0; i < data.length; i += 5) {
    line += data[i]!;
    char = data[i]! === 0 ? char + data[i + 1]! : data[i + 1]!;
    const m = data[i + 4]!;
    out.push({ line, char, len: data[i + 2]!, type: legend.tokenTypes[data[i + 3]!]!, mods: legend.tokenModifiers.filter((_, j) => m & (1 << j)) });
  }
  return out;
}
