/**
 * Randomized editing: hundreds of random edits (insertions, deletions, pastes
 * of other files) through `didChange`, with requests interleaved and some of
 * them cancelled. The server must never crash, answer every request (or
 * report it cancelled), and end with the same diagnostics a fresh server
 * computes for the final texts.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { join } from "node:path";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as P from "vscode-languageserver-protocol/node";
import { TextDocument } from "vscode-languageserver-textdocument";
import { copyFixture, FIXTURES, startClient, uri, type Client } from "./helpers.js";
// The project's seeded PRNG (mulberry32), so a failure can be replayed from its seed.
import { rng } from "../../runtime/bulk/generate.js";

const FRAGMENTS = [
  " ", "\n", "{", "}", "(", ")", "[", "]", ",", ":", ".", "->", "==", ">=", "+", "-", "%", '"', '"x"', "lead.", "lead.role", "when ", "on ", "where ",
  "rule r: +5 ", "score s {", "stage s when ", "route r on stage mql {", "journey \"j\" {", "day 3 ", "expect stage == ", "within 14 days",
  "limit 3 per 7 days", "territory t = [NO, SE]", "event e { a: text }", "// comment\n", "/* block\ncomment */", "0", "42", "2026-01-15", "14:30", "é", "😀", "\t", "\r\n",
  // Issue 13: nesting past the parser's limit and long chains (they overflowed the stack of the checker and parser).
  "(".repeat(120), ")".repeat(120), "not ".repeat(150), "-".repeat(100), "[".repeat(80), " and lead.role == cfo".repeat(400), " + 1".repeat(1500),
  "\u202e", "day 99999999999 ", 'matches "' + "*a".repeat(300) + 'b"',
];

let c: Client;
let root: string;
const SEED = Number(process.env.CRM_FUZZ_SEED ?? 20261123);

beforeAll(async () => {
  root = copyFixture("basic");
  c = await startClient([root], { debounceMs: 5 });
});
afterAll(async () => {
  await c?.stop();
});

it(`survives 400 random edits with interleaved requests (seed ${SEED})`, async () => {
  const rand = rng(SEED);
  const pick = <T,>(xs: T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const names = ["scoring.crmrules", "routing.crmrules"];
  const docs = new Map<string, TextDocument>();
  for (const n of names) {
    const u = uri(join(root, n));
    const text = readFileSync(join(root, n), "utf8");
    docs.set(u, TextDocument.create(u, "crmrules", 1, text));
    await c.conn.sendNotification(P.DidOpenTextDocumentNotification.type, { textDocument: { uri: u, languageId: "crmrules", version: 1, text } });
  }
  const pastes = ["schema.crmrules", "scoring.crmrules", "routing.crmrules"].map((n) => readFileSync(join(FIXTURES, "basic", n), "utf8"));
  const pending: Promise<unknown>[] = [];
  const failures: string[] = [];
  const request = <R,>(method: string, params: unknown, cancel: boolean) => {
    const src = new P.CancellationTokenSource();
    const p = c.conn.sendRequest<R>(method, params, src.token).catch((e: P.ResponseError<unknown>) => {
      if (e.code === P.LSPErrorCodes.RequestCancelled) return;
      failures.push(`${method}: ${e.code} ${e.message}`);
    });
    if (cancel) src.cancel();
    pending.push(p);
  };

  for (let i = 0; i < 400; i++) {
    const u = pick([...docs.keys()]);
    const doc = docs.get(u)!;
    const text = doc.getText();
    // Editors never place the cursor inside a surrogate pair (an emoji is one character to them).
    const whole = (i: number) => (i > 0 && i < text.length && /[\ud800-\udbff]/.test(text[i - 1]!) && /[\udc00-\udfff]/.test(text[i]!) ? i + 1 : i);
    const a = whole(Math.floor(rand() * (text.length + 1)));
    const r = rand();
    let change: { range: P.Range; text: string };
    if (r < 0.5) change = { range: { start: doc.positionAt(a), end: doc.positionAt(a) }, text: pick(FRAGMENTS) };
    else if (r < 0.85) {
      const b = whole(Math.min(text.length, a + Math.floor(rand() * 40)));
      change = { range: { start: doc.positionAt(a), end: doc.positionAt(b) }, text: "" };
    } else {
      const src = pick(pastes);
      const s = Math.floor(rand() * src.length);
      change = { range: { start: doc.positionAt(a), end: doc.positionAt(a) }, text: src.slice(s, s + Math.floor(rand() * 400)) };
    }
    const next = TextDocument.update(doc, [change], doc.version + 1);
    docs.set(u, next);
    await c.conn.sendNotification(P.DidChangeTextDocumentNotification.type, { textDocument: { uri: u, version: next.version }, contentChanges: [change] });

    // Interleave a few requests at random positions (some far outside the text).
    const pos = rand() < 0.1 ? { line: 9999, character: 9999 } : next.positionAt(Math.floor(rand() * (next.getText().length + 1)));
    const td = { textDocument: { uri: u } };
    const cancel = rand() < 0.15;
    switch (Math.floor(rand() * 11)) {
      case 0:
        request(P.CompletionRequest.method, { ...td, position: pos }, cancel);
        break;
      case 1:
        request(P.HoverRequest.method, { ...td, position: pos }, cancel);
        break;
      case 2:
        request(P.DefinitionRequest.method, { ...td, position: pos }, cancel);
        break;
      case 3:
        request(P.ReferencesRequest.method, { ...td, position: pos, context: { includeDeclaration: true } }, cancel);
        break;
      case 4:
        request(P.DocumentSymbolRequest.method, td, cancel);
        break;
      case 5:
        request(P.SemanticTokensRequest.method, td, cancel);
        break;
      case 6:
        request(P.FoldingRangeRequest.method, td, cancel);
        break;
      case 7:
        request(P.SelectionRangeRequest.method, { ...td, positions: [pos] }, cancel);
        break;
      case 8:
        request(P.CodeActionRequest.method, { ...td, range: { start: pos, end: pos }, context: { diagnostics: [] } }, cancel);
        break;
      case 9:
        request(P.DocumentHighlightRequest.method, { ...td, position: pos }, cancel);
        break;
      case 10:
        request(P.WorkspaceSymbolRequest.method, { query: pick(["", "a", "fit", "zz"]) }, cancel);
        break;
    }
    if (i % 50 === 49) await Promise.all(pending.splice(0));
  }
  await Promise.all(pending);
  expect(failures).toEqual([]);
  expect(c.child.exitCode).toBeNull();

  // A fresh server that reads the final texts from disk (and every other file of the workspace)…
  const fresh = mkdtempSync(join(tmpdir(), "crm-ls-fresh-"));
  for (const n of readdirSync(root)) if (n.endsWith(".crmrules")) writeFileSync(join(fresh, n), readFileSync(join(root, n), "utf8"));
  for (const [u, d] of docs) writeFileSync(join(fresh, u.slice(uri(root).length + 1)), d.getText());
  const f = await startClient([fresh]);
  try {
    for (const [u] of docs) {
      const rel = u.slice(uri(root).length);
      const expected = JSON.stringify((await f.diagnostics(uri(fresh) + rel)).diagnostics).replaceAll(uri(fresh), "ROOT").replaceAll(fresh, "ROOT");
      // …and the edited server's last publication for each file converges to exactly that.
      const norm = (p: P.PublishDiagnosticsParams) => JSON.stringify(p.diagnostics).replaceAll(uri(root), "ROOT").replaceAll(root, "ROOT");
      const settled = await Promise.race([
        c.diagnostics(u, (p) => p.version === docs.get(u)!.version && norm(p) === expected).then(() => true),
        new Promise<false>((r) => setTimeout(() => r(false), 10_000)),
      ]);
      if (!settled) expect(norm(c.latest.get(u)!), rel).toBe(expected);
      // Pulled diagnostics agree too.
      const pulled = (await c.conn.sendRequest(P.DocumentDiagnosticRequest.type, { textDocument: { uri: u } })) as P.FullDocumentDiagnosticReport;
      expect(JSON.stringify(pulled.items).replaceAll(uri(root), "ROOT").replaceAll(root, "ROOT"), rel).toBe(expected);
    }
  } finally {
    await f.stop();
  }
}, 180_000);
