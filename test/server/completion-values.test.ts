/**
 * Protocol tests (issue 18 item 4): completion offers grade letters after a
 * comparison with a grade, country codes where a country is written, and the
 * files of the workspace inside `import "…`.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as P from "vscode-languageserver-protocol/node";
import { COUNTRY_CODES } from "../../core/checker/countries.js";
import { startClient, uri, type Client } from "./helpers.js";

let root: string;
let c: Client;
const COUNTRIES = [...COUNTRY_CODES].sort();

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "crm-ls-values-"));
  mkdirSync(join(root, "sub"));
  writeFileSync(join(root, "schema.crmrules"), "lead {\n  country: country\n  size: number\n}\n");
  writeFileSync(join(root, "fit.crmrules"), 'import "./schema.crmrules"\n\nscore fit "Fit" {\n  rule big: +10 when lead.size > 100\n}\ngrade fit_grade from fit {\n  A >= 40\n  B >= 20\n  C otherwise\n}\n');
  writeFileSync(join(root, "sub", "extra.crmrules"), 'queue q "Q"\n');
  writeFileSync(join(root, "zones.crmrules"), "territory north = [NO, SE]\n");
  // Imports the scratch file: offering it in the scratch file would close a circle.
  writeFileSync(join(root, "user.crmrules"), 'import "./scratch.crmrules"\n');
  writeFileSync(join(root, "scratch.crmrules"), 'import "./fit.crmrules"\n');
  c = await startClient([root]);
});
afterAll(async () => {
  await c?.stop();
});

async function complete(text: string, line: number, character: number): Promise<P.CompletionItem[]> {
  const u = uri(join(root, "scratch.crmrules"));
  await c.conn.sendNotification(P.DidOpenTextDocumentNotification.type, { textDocument: { uri: u, languageId: "crmrules", version: 1, text } });
  const r = (await c.conn.sendRequest(P.CompletionRequest.type, { textDocument: { uri: u }, position: { line, character } })) as P.CompletionList;
  await c.conn.sendNotification(P.DidCloseTextDocumentNotification.type, { textDocument: { uri: u } });
  return r.items;
}
const labels = async (text: string, line: number, character: number) => (await complete(text, line, character)).map((i) => i.label);

describe("completion of values", () => {
  it("offers a grade's letters after a comparison with it, in an expectation and in a condition", async () => {
    expect(await labels('import "./fit.crmrules"\njourney "j" {\n  expect grade fit_grade == ', 2, 28)).toEqual(["A", "B", "C"]);
    expect(await labels('import "./fit.crmrules"\nstage s when fit_grade >= ', 1, 26)).toEqual(["A", "B", "C"]);
    expect(await labels('import "./fit.crmrules"\nstage s when fit_grade in [A, ', 1, 30)).toEqual(["A", "B", "C"]);
  });

  it("offers country codes in a lead record, after == on a country field and in a territory's list", async () => {
    expect(await labels('import "./fit.crmrules"\njourney "j" {\n  lead { country: ', 2, 18)).toEqual(COUNTRIES);
    expect(await labels("territory t = [", 0, 15)).toEqual(COUNTRIES);
    expect(await labels("territory t = [NO, ", 0, 19)).toEqual(COUNTRIES);
    expect(await labels('import "./schema.crmrules"\nstage s when lead.country == ', 1, 29)).toEqual(COUNTRIES);
    expect(await labels('import "./schema.crmrules"\nstage s when lead.country in [SE, ', 1, 34)).toEqual(COUNTRIES);
    expect(COUNTRIES).toContain("NO");
  });

  it("offers the files the document can import inside `import \"`, replacing what is typed", async () => {
    const items = await complete('import "./fit.crmrules"\nimport "./', 1, 10);
    // Not itself, not fit (imported) or schema (seen through fit), not user (it imports this file: a circle).
    expect(items.map((i) => i.label)).toEqual(["./sub/extra.crmrules", "./zones.crmrules"]);
    expect(items[0]!.textEdit).toEqual({ range: { start: { line: 1, character: 8 }, end: { line: 1, character: 10 } }, newText: "./sub/extra.crmrules" });
    expect(await labels('import "./', 0, 10)).toEqual(["./fit.crmrules", "./schema.crmrules", "./sub/extra.crmrules", "./zones.crmrules"]);
    expect(await labels('import "./z', 0, 11)).toEqual(["./zones.crmrules"]);
  });
});
