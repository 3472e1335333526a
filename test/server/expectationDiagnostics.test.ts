/**
 * Failing journey expectations are diagnostics (issue 18 item 7): published (and pulled) at the
 * `expect` line as CR3040, with related information pointing at the trace entry that decided the
 * value and at the journey step before; gone once the rules make the expectation hold.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DidChangeTextDocumentNotification, DidOpenTextDocumentNotification, DocumentDiagnosticRequest, type Diagnostic, type FullDocumentDiagnosticReport } from "vscode-languageserver-protocol";
import { startClient, uri, type Client } from "./helpers.js";
import { MAX_JOURNEYS_FOR_DIAGNOSTICS } from "../../server/src/journeys.js";

const SCHEMA = `lead {
  email: email
  country: country
  company_size: number
}

event page_view { url: text }
event demo_requested {}
`;

const RULES = `import "./schema.crmrules"

score engagement "Engagement" {
  rule pricing_visit: +10 on page_view where url starts_with "/pricing"
  rule demo: +40 on demo_requested
}

stage visitor initial
stage mql when engagement >= 40

owner kari "kari@acme.example"
queue unrouted "Unrouted leads"

route inbound on stage mql {
  rule big: when lead.company_size >= 1000 -> owner kari
  otherwise -> queue unrouted
}
`;

const JOURNEYS = `import "./rules.crmrules"

journey "Big lead asks for a demo" {
  lead { email: "a@b.example", country: NO, company_size: 50 }
  day 0 page_view { url: "/pricing" }
  day 2 demo_requested
  expect score engagement == 60
  expect stage == mql
  expect routed to owner kari
}

journey "Browsing only" {
  lead { email: "c@d.example", country: SE, company_size: 10 }
  day 0 page_view { url: "/pricing" }
  expect stage == mql
}
`;

function workspace(): string {
  const root = mkdtempSync(join(tmpdir(), "crm-ls-expect-"));
  writeFileSync(join(root, "schema.crmrules"), SCHEMA);
  writeFileSync(join(root, "rules.crmrules"), RULES);
  writeFileSync(join(root, "journeys.crmrules"), JOURNEYS);
  return root;
}

const lineOf = (text: string, needle: string, from = 0) => text.split("\n").findIndex((l, i) => i >= from && l.includes(needle));

let client: Client | undefined;
afterEach(async () => {
  await client?.stop();
  client = undefined;
});

function expectFailures(ds: Diagnostic[], root: string): void {
  const failing = ds.filter((d) => d.code === "CR3040");
  // Failing: score 50 (not 60), routed to queue unrouted (company_size 50), and the second journey's stage.
  expect(failing.map((d) => d.range.start.line)).toEqual([lineOf(JOURNEYS, "expect score engagement == 60"), lineOf(JOURNEYS, "expect routed to owner kari"), lineOf(JOURNEYS, "expect stage == mql", lineOf(JOURNEYS, "Browsing only"))]);
  for (const d of failing) {
    expect(d.severity).toBe(1);
    expect(d.source).toBe("crmrules");
    expect(d.codeDescription?.href).toMatch(/diagnostics\.md#cr3040--journey-expectation-fails$/);
  }
  const [score, routed, stage] = failing;
  expect(score!.message).toBe('`expect score engagement == 60` fails at day 2 in the journey "Big lead asks for a demo": expected engagement == 60, actual 50');
  // The rule that last changed the score (in the rules file), then the step before the expectation.
  expect(score!.relatedInformation!.map((r) => [r.location.uri, r.location.range.start.line, r.message])).toEqual([
    [uri(join(root, "rules.crmrules")), lineOf(RULES, "rule demo:"), "`engagement` last changed here: 10 → 50 by `demo` (event) at day 2"],
    [uri(join(root, "journeys.crmrules")), lineOf(JOURNEYS, "day 2 demo_requested"), "the journey step before it: day 2, event `demo_requested`"],
  ]);
  expect(routed!.relatedInformation![0]!.location.uri).toBe(uri(join(root, "rules.crmrules")));
  expect(routed!.relatedInformation![0]!.location.range.start.line).toBe(lineOf(RULES, "otherwise -> queue unrouted"));
  expect(routed!.relatedInformation![0]!.message).toMatch(/^routed by `inbound`\.`otherwise` at day 2/);
  expect(stage!.message).toContain("actual visitor");
  expect(stage!.relatedInformation!.map((r) => [r.location.uri, r.location.range.start.line, r.message])).toEqual([
    [uri(join(root, "rules.crmrules")), lineOf(RULES, "stage visitor initial"), "the lead entered `visitor` here at day 0"],
    [uri(join(root, "journeys.crmrules")), lineOf(JOURNEYS, "day 0 page_view", lineOf(JOURNEYS, "Browsing only")), "the journey step before it: day 0, event `page_view`"],
  ]);
}

describe("failing expectations as diagnostics", () => {
  it("are published at their lines with related places, and go once the rules make them hold", async () => {
    const root = workspace();
    client = await startClient([root]);
    const j = uri(join(root, "journeys.crmrules"));
    const first = await client.diagnostics(j, (p) => p.diagnostics.some((d) => d.code === "CR3040"));
    expectFailures(first.diagnostics, root);
    // The rules file itself has no diagnostics: the failures are the journeys'.
    expect((await client.diagnostics(uri(join(root, "rules.crmrules")))).diagnostics).toEqual([]);

    // Edit the rules (open in the editor): demo gives 50, the big-lead threshold drops to 50 → only the stage failure stays.
    const r = uri(join(root, "rules.crmrules"));
    await client.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: r, languageId: "crmrules", version: 1, text: RULES } });
    const edited = RULES.replace("+40 on demo_requested", "+50 on demo_requested").replace("company_size >= 1000", "company_size >= 50");
    await client.conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: r, version: 2 }, contentChanges: [{ text: edited }] });
    const after = await client.diagnostics(j, (p) => p.diagnostics.filter((d) => d.code === "CR3040").length === 1);
    expect(after.diagnostics.map((d) => [d.code, d.range.start.line])).toEqual([["CR3040", lineOf(JOURNEYS, "expect stage == mql", lineOf(JOURNEYS, "Browsing only"))]]);
  }, 60_000);

  it("are in a pull client's document report too", async () => {
    const root = workspace();
    client = await startClient([root], { pull: true });
    const report = (await client.conn.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri: uri(join(root, "journeys.crmrules")) } })) as FullDocumentDiagnosticReport;
    expect(report.kind).toBe("full");
    expectFailures(report.items, root);
  }, 60_000);

  it("are left out of a file with more journeys than MAX_JOURNEYS_FOR_DIAGNOSTICS (they would run at every edit)", async () => {
    const root = workspace();
    const failing = (n: number) => Array.from({ length: n }, (_, i) => `journey "j${i}" {\n  lead { email: "x${i}@b.example", country: NO, company_size: 1 }\n  expect stage == mql\n}\n`).join("\n");
    writeFileSync(join(root, "fifty.crmrules"), `import "./rules.crmrules"\n\n${failing(MAX_JOURNEYS_FOR_DIAGNOSTICS)}`);
    writeFileSync(join(root, "more.crmrules"), `import "./rules.crmrules"\n\n${failing(MAX_JOURNEYS_FOR_DIAGNOSTICS + 1)}`);
    client = await startClient([root]);
    const fifty = await client.diagnostics(uri(join(root, "fifty.crmrules")), (p) => p.diagnostics.length > 0);
    expect(fifty.diagnostics.filter((d) => d.code === "CR3040").length).toBe(MAX_JOURNEYS_FOR_DIAGNOSTICS);
    const more = await client.diagnostics(uri(join(root, "more.crmrules")));
    expect(more.diagnostics.filter((d) => d.code === "CR3040")).toEqual([]);
  }, 60_000);
});
