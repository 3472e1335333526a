/**
 * Protocol tests (issue 18 item 8, server parts): definitions as Locations for
 * a client without link support, prepareRename refusals as RequestFailed,
 * ranked workspace symbols, journey steps in the outline.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join, resolve } from "node:path";
import * as P from "vscode-languageserver-protocol/node";
import { copyFixture, REPO, startClient, uri, type Client } from "./helpers.js";

let root: string;
let plain: Client;
let links: Client;
const R = () => uri(join(root, "routing.crmrules"));
const rng = (l1: number, c1: number, l2: number, c2: number) => ({ start: { line: l1, character: c1 }, end: { line: l2, character: c2 } });

beforeAll(async () => {
  root = copyFixture("basic");
  // As neovim 0.7 announces itself: no definition.linkSupport.
  plain = await startClient([root], { capabilities: { workspace: { workspaceFolders: true }, textDocument: { rename: { prepareSupport: true }, definition: { linkSupport: false } } } });
  links = await startClient([root]);
});
afterAll(async () => {
  await plain?.stop();
  await links?.stop();
});

describe("definition", () => {
  it("answers Locations when the client has no link support, LocationLinks when it has", async () => {
    const at = { textDocument: { uri: R() }, position: { line: 14, character: 50 } };
    const loc = await plain.conn.sendRequest(P.DefinitionRequest.type, at);
    const link = (await links.conn.sendRequest(P.DefinitionRequest.type, at)) as P.LocationLink[];
    expect(link).toHaveLength(1);
    expect(link[0]!.targetUri).toBeDefined();
    expect(loc).toEqual([{ uri: link[0]!.targetUri, range: link[0]!.targetSelectionRange }]);
    // An import path too.
    const imp = await plain.conn.sendRequest(P.DefinitionRequest.type, { textDocument: { uri: R() }, position: { line: 0, character: 12 } });
    expect(imp).toEqual([{ uri: uri(join(root, "consent.crmrules")), range: rng(0, 0, 0, 0) }]);
  });
});

describe("prepareRename", () => {
  it("refuses with RequestFailed (-32803) and the reason, not InvalidRequest", async () => {
    const err = await plain.conn.sendRequest(P.PrepareRenameRequest.type, { textDocument: { uri: R() }, position: { line: 13, character: 2 } }).then(
      () => undefined,
      (e: P.ResponseError<unknown>) => e,
    );
    expect(err?.code).toBe(P.LSPErrorCodes.RequestFailed);
    expect(err?.message).toBe("this is not a name you can rename");
    const journey = await plain.conn.sendRequest(P.RenameRequest.type, { textDocument: { uri: R() }, position: { line: 20, character: 12 }, newName: "x" }).then(
      () => undefined,
      (e: P.ResponseError<unknown>) => e,
    );
    expect(journey?.code).toBe(P.LSPErrorCodes.RequestFailed);
    expect(journey?.message).toBe("a journey's description is text: edit it in place");
  });
});

describe("workspace symbols", () => {
  it("ranks exact, prefix, word-start, substring, then subsequence matches", async () => {
    const names = async (query: string) => ((await plain.conn.sendRequest(P.WorkspaceSymbolRequest.type, { query })) as P.WorkspaceSymbol[]).map((s) => s.name);
    expect(await names("nord")).toEqual(["nordics", "Nordic CTO converts after a webinar", "enterprise_nordics"]);
    // `mql`: the stage (exact) before anything else that contains the letters.
    expect((await names("mql"))[0]).toBe("mql");
    // `visit`: word start (pricing_visit) before no other kind of match; `ent` — prefix (enterprise…) before word start.
    expect(await names("visit")).toEqual(["pricing_visit"]);
    const ent = await names("ent");
    expect(ent.indexOf("enterprise")).toBeLessThan(ent.indexOf("engagement"));
  });
  it("puts a name before a journey description that only contains the letters scattered (examples/acme)", async () => {
    const acme = await startClient([resolve(REPO, "examples/acme")]);
    try {
      const r = ((await acme.conn.sendRequest(P.WorkspaceSymbolRequest.type, { query: "nord" })) as P.WorkspaceSymbol[]).map((s) => s.name);
      // The two territories `nordics` (prefix, shortest), the journey starting with "Nordic", then the scattered matches.
      expect(r.slice(0, 3)).toEqual(["nordics", "nordics", "Nordic boatyard CEO becomes a key account"]);
      expect(r.length).toBeGreaterThan(3);
      for (const n of r.slice(3)) expect(n.toLowerCase()).not.toContain("nord");
      expect(r.indexOf("Canadian customer: implied consent lasts 2 years after the purchase")).toBe(r.length - 1);
    } finally {
      await acme.stop();
    }
  });
});

describe("document symbols", () => {
  it("lists a journey's steps and expectations as its children", async () => {
    const syms = (await plain.conn.sendRequest(P.DocumentSymbolRequest.type, { textDocument: { uri: R() } })) as P.DocumentSymbol[];
    const j = syms.find((s) => s.name === "Nordic CTO converts after a webinar")!;
    expect(j.children!.map((x) => [x.name, x.detail, x.kind])).toEqual([
      ["day 0 page_view", "event", P.SymbolKind.Event],
      ["day 3 webinar_attended", "event", P.SymbolKind.Event],
      ["day 10 demo_requested", "event", P.SymbolKind.Event],
      ["expect stage == sql", "expectation", P.SymbolKind.Boolean],
      ["expect routed to owner kari", "expectation", P.SymbolKind.Boolean],
      ["expect score fit == 35", "expectation", P.SymbolKind.Boolean],
    ]);
    expect(j.children![2]!.range).toEqual(rng(24, 2, 24, 23));
    expect(j.children![2]!.selectionRange).toEqual(rng(24, 9, 24, 23));
  });
});
