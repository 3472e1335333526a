// Issue 13: the server keeps publishing diagnostics for a folder that holds any of the files that crashed
// the checker (long chains, deep nesting), and a file whose check fails internally (a fault injected through
// CRMRULES_INJECT_FAULT, a test-only hook) gets one CR9001 while every other file gets its own diagnostics.
import { afterEach, describe, expect, it } from "vitest";
import { cpSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type * as P from "vscode-languageserver-protocol/node";
import { startClient, uri, type Client } from "./helpers.js";

const ACME = resolve(__dirname, "..", "..", "examples", "acme");
const terms = (n: number, t: string, op: string) => Array(n).fill(t).join(` ${op} `);

/** examples/acme plus a file with a finding only the checker makes (an unused queue), and `extra`. */
function acmeWith(extra: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "crm-ls-robust-"));
  cpSync(ACME, dir, { recursive: true });
  writeFileSync(join(dir, "spare.crmrules"), 'queue spare "Spare"\n');
  for (const [name, text] of Object.entries(extra)) writeFileSync(join(dir, name), text);
  return dir;
}
const norm = (p: P.PublishDiagnosticsParams, root: string) => JSON.stringify(p.diagnostics).replaceAll(uri(root), "ROOT").replaceAll(root, "ROOT");
const topFiles = [...readdirSync(ACME).filter((n) => n.endsWith(".crmrules")), "spare.crmrules"];

let clients: Client[] = [];
afterEach(async () => {
  for (const c of clients) await c.stop();
  clients = [];
});

describe("publishing for a folder with crashing files", () => {
  it("publishes every file's diagnostics as without them; the chain file has none, the deep one a CR1011", async () => {
    const clean = acmeWith({});
    const bad = acmeWith({
      "chain.crmrules": `import "./schema.crmrules"\nstage chain_b when lead.company_size > ${terms(20_000, "1", "+")} and ${terms(5000, "lead.company_size > 1", "or")}\n`,
      "deep.crmrules": `import "./schema.crmrules"\nstage deep_a when ${"(".repeat(300)}lead.company_size > 1${")".repeat(300)}\nstage deep_b when ${"not ".repeat(3000)}true\n`,
    });
    const a = await startClient([clean]);
    const b = await startClient([bad]);
    clients.push(a, b);
    expect((await a.diagnostics(uri(join(clean, "spare.crmrules")))).diagnostics.map((d) => d.code)).toEqual(["CR2007"]);
    for (const n of topFiles) expect(norm(await b.diagnostics(uri(join(bad, n))), bad), n).toBe(norm(await a.diagnostics(uri(join(clean, n))), clean));
    expect((await b.diagnostics(uri(join(bad, "chain.crmrules")))).diagnostics).toEqual([]);
    expect((await b.diagnostics(uri(join(bad, "deep.crmrules")))).diagnostics.map((d) => d.code)).toEqual(["CR1011", "CR1011"]);
    expect(b.child.exitCode).toBeNull();
  }, 120_000);

  it("a fault injected while checking one file: one CR9001 there, every other file as usual", async () => {
    const clean = acmeWith({});
    const faulty = acmeWith({});
    const a = await startClient([clean]);
    const b = await startClient([faulty], { env: { CRMRULES_INJECT_FAULT: "check:routing.crmrules" } });
    clients.push(a, b);
    const routing = await b.diagnostics(uri(join(faulty, "routing.crmrules")));
    expect(routing.diagnostics.map((d) => d.code)).toEqual(["CR9001"]);
    expect(routing.diagnostics[0]!.message).toMatch(/^internal error while checking this file/);
    for (const n of topFiles.filter((n) => n !== "routing.crmrules")) expect(norm(await b.diagnostics(uri(join(faulty, n))), faulty), n).toBe(norm(await a.diagnostics(uri(join(clean, n))), clean));
  }, 120_000);
});
