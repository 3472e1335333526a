/** Protocol tests (issue 18 items 5 and 11): hover on an event without payload, on a grade, and on rules. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as P from "vscode-languageserver-protocol/node";
import { readFileSync } from "node:fs";
import { startClient, uri, REPO, type Client } from "./helpers.js";
import { HOMEPAGE, headingAnchor } from "../../core/docLinks.js";
import { CATALOGUE } from "../../core/diagnostics/catalogue.js";

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
  it("links a score rule and a routing rule to their sections of the language reference, which exist there", async () => {
    const spec = `${HOMEPAGE}/blob/main/docs/language.md`;
    expect(await hover(5, 8)).toBe(`rule \`big\` of score \`fit\`\n\nadds 10 points while lead.size > 100\n\n[score rules in the language reference](${spec}#rules)`);
    expect(await hover(16, 8)).toBe(`routing rule \`all\` of route \`r\`\n\n\`\`\`crmrules\nrule all: when true -> queue q\n\`\`\`\n\n[routing rules in the language reference](${spec}#routes)`);
    // Each anchor is the one GitHub gives the heading: it is there, once.
    const anchors = readFileSync(join(REPO, "docs/language.md"), "utf8").split("\n").filter((l) => /^#+ /.test(l)).map((l) => headingAnchor(l.replace(/^#+ /, "")));
    for (const a of ["rules", "routes"]) expect(anchors.filter((x) => x === a)).toEqual([a]);
  });
});

describe("diagnostic documentation links", () => {
  it("gives every published diagnostic a codeDescription pointing at its code's section of docs/diagnostics.md", async () => {
    const u = uri(join(root, "broken.crmrules"));
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
  });
});
