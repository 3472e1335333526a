/**
 * A document of over 1 MB through the protocol: diagnostics after opening and
 * after an edit, completion at its end (read from the enclosing declaration,
 * not from the start of the file), and semantic tokens for a range of lines.
 * How long these take is reported by the benchmark (`lsp.bigDocument.*`).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as P from "vscode-languageserver-protocol/node";
import { FIXTURES, startClient, uri, type Client } from "./helpers.js";

function block(i: number): string {
  return [
    `score s${i} {`,
    `  cap 100`,
    `  rule r${i}: +5 on page_view where url contains "pricing" limit 3 per 7 days`,
    `  rule a${i}: +10 when lead.company_size >= ${i}`,
    `}`,
    `journey "j${i}" {`,
    `  lead { country: DE, company_size: ${i} }`,
    `  day 1 page_view { url: "/pricing" }`,
    `  expect score s${i} >= 0`,
    `}`,
    ``,
  ].join("\n");
}

let root: string;
let c: Client;
let big: string;
let text = 'import "./schema.crmrules"\n\n';

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "crm-ls-big-"));
  copyFileSync(join(FIXTURES, "basic", "schema.crmrules"), join(root, "schema.crmrules"));
  for (let i = 0; text.length < 1_050_000; i++) text += block(i);
  big = uri(join(root, "big.crmrules"));
  c = await startClient([root], { debounceMs: 0 });
  await c.conn.sendNotification(P.DidOpenTextDocumentNotification.type, { textDocument: { uri: big, languageId: "crmrules", version: 1, text } });
}, 60_000);

afterAll(async () => {
  await c?.stop();
  rmSync(root, { recursive: true, force: true });
});

const lineCount = () => text.split("\n").length;

/** Position just after the last occurrence of `needle`. */
function afterLast(needle: string): P.Position {
  const at = text.lastIndexOf(needle) + needle.length;
  const before = text.slice(0, at);
  return { line: before.split("\n").length - 1, character: at - (before.lastIndexOf("\n") + 1) };
}

describe("a 1 MB document", () => {
  it("gets its diagnostics after opening and after an edit at its end", async () => {
    expect(text.length).toBeGreaterThan(1_000_000);
    const first = await c.diagnostics(big, (d) => d.version === 1);
    expect(first.diagnostics.filter((d) => d.severity === P.DiagnosticSeverity.Error)).toEqual([]);
    const end = lineCount() - 1;
    await c.conn.sendNotification(P.DidChangeTextDocumentNotification.type, {
      textDocument: { uri: big, version: 2 },
      contentChanges: [{ range: { start: { line: end, character: 0 }, end: { line: end, character: 0 } }, text: "score late {\n  rule x: +5 on no_such_event\n}\n" }],
    });
    text += "score late {\n  rule x: +5 on no_such_event\n}\n";
    const second = await c.diagnostics(big, (d) => d.version === 2);
    const missing = second.diagnostics.find((d) => d.code === "CR2001");
    expect(missing?.range.start.line).toBe(end + 1);
  }, 60_000);

  it("completes lead fields and record keys at its end, from the enclosing declaration", async () => {
    const fields = await c.conn.sendRequest(P.CompletionRequest.type, { textDocument: { uri: big }, position: afterLast("when lead.") });
    const labels = (r: typeof fields) => (Array.isArray(r) ? r : (r?.items ?? [])).map((i) => i.label);
    expect(labels(fields)).toEqual(expect.arrayContaining(["company_size", "country", "role"]));
    // Inside the last journey's `lead { … }`: the block context comes from that journey, not from the file's start.
    const keys = await c.conn.sendRequest(P.CompletionRequest.type, { textDocument: { uri: big }, position: afterLast("  lead { ") });
    expect(labels(keys)).toEqual(expect.arrayContaining(["company_size", "country"]));
    expect(labels(keys)).not.toContain("score");
  }, 60_000);

  it("answers semantic tokens for a range of lines: exactly that part of the full result", async () => {
    const caps = c.init.capabilities.semanticTokensProvider as P.SemanticTokensOptions;
    expect(caps.range).toBe(true);
    const decode = (data: number[]) => {
      const out: string[] = [];
      let line = 0;
      let char = 0;
      for (let i = 0; i < data.length; i += 5) {
        line += data[i]!;
        char = data[i]! === 0 ? char + data[i + 1]! : data[i + 1]!;
        out.push(`${line}:${char}:${data[i + 2]}:${caps.legend.tokenTypes[data[i + 3]!]}:${data[i + 4]}`);
      }
      return out;
    };
    const from = 20_000;
    const to = 20_040;
    const part = await c.conn.sendRequest(P.SemanticTokensRangeRequest.type, { textDocument: { uri: big }, range: { start: { line: from, character: 0 }, end: { line: to, character: 0 } } });
    const full = await c.conn.sendRequest(P.SemanticTokensRequest.type, { textDocument: { uri: big } });
    const want = decode(full!.data).filter((t) => {
      const line = Number(t.split(":")[0]);
      return line >= from && line < to;
    });
    expect(want.length).toBeGreaterThan(40);
    expect(decode(part!.data)).toEqual(want);
  }, 60_000);
});
