/** Protocol tests (issue 18 items 5 and 11): hover on an event without payload, on a grade, and on rules. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as P from "vscode-languageserver-protocol/node";
import { startClient, uri, type Client } from "./helpers.js";

let root: string;
let c: Client;
const F = () => uri(join(root, "main.crmrules"));
const TEXT = [
  "lead {",
  "  size: number",
  "}",
  "event demo_requested {}",
  'score fit "Fit" {',
  "  rule big: +10 when lead.size > 100",
  "  rule demo: +5 on demo_requested",
  "}",
  "grade fit_grade from fit {",
  "  A >= 40",
  "  B >= 20",
  "  C otherwise",
  "}",
  "stage s initial when fit_grade >= B or on demo_requested",
  'queue q "Q"',
  "route r on stage s {",
  "  rule all: when true -> queue q",
  "}",
  "",
].join("\n");

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "crm-ls-hover-"));
  writeFileSync(join(root, "main.crmrules"), TEXT);
  c = await startClient([root]);
});
afterAll(async () => {
  await c?.stop();
});

async function hover(line: number, character: number): Promise<string | undefined> {
  const h = await c.conn.sendRequest(P.HoverRequest.type, { textDocument: { uri: F() }, position: { line, character } });
  return h ? (h.contents as P.MarkupContent).value : undefined;
}

describe("hover details", () => {
  it("shows an event without payload fields as such (not `{  }`), at its declaration and its uses", async () => {
    expect(await hover(3, 8)).toBe("event `demo_requested` (no payload fields)");
    expect(await hover(13, 45)).toBe("event `demo_requested` (no payload fields)");
  });
  it("shows a grade's score and every letter with its minimum", async () => {
    const g = "grade `fit_grade` from score `fit`\n\nletters, best first: `A` ≥ 40, `B` ≥ 20, `C` otherwise";
    expect(await hover(8, 8)).toBe(g);
    expect(await hover(13, 23)).toBe(g);
  });
});
