// Document and workspace symbols (server/src/symbols.ts), in-process on fixtures.
import { describe, expect, it } from "vitest";
import { join } from "node:path";
import * as L from "vscode-languageserver";
import { fixtureFromFolders } from "../support/fixture.js";
import { documentSymbols, workspaceSymbols } from "../support/features.js";
import { FIXTURES } from "./helpers.js";

const f = fixtureFromFolders({ "/basic": join(FIXTURES, "basic"), "/second": join(FIXTURES, "second") });

describe("symbols", () => {
  it("outlines a document: scores with their rules, stages", () => {
    const syms = documentSymbols(f, "scoring");
    expect(syms.map((s) => [s.name, s.kind, s.detail, s.children?.map((x) => x.name) ?? []])).toEqual([
      ["fit", L.SymbolKind.Class, 'score "Fit"', ["decision_maker", "enterprise", "student"]],
      ["engagement", L.SymbolKind.Class, 'score "Engagement"', ["pricing_visit", "webinar", "demo"]],
      ["lead_in", L.SymbolKind.EnumMember, "stage", []],
      ["mql", L.SymbolKind.EnumMember, "stage", []],
      ["sql", L.SymbolKind.EnumMember, "stage", []],
    ]);
    expect(syms[0]!.range).toEqual(f.range("scoring", 'score fit "Fit" {\n  cap 50\n  rule decision_maker: +20 when lead.role in [executive, director]\n  rule enterprise: +15 when lead.company_size >= 1000\n  rule student: -30 when lead.role == student\n}'));
    expect(syms[0]!.selectionRange).toEqual(f.range("scoring", "score $0fit$0"));
    const routing = documentSymbols(f, "routing");
    expect(routing.map((s) => s.name)).toContain("Nordic CTO converts after a webinar");
    expect(routing.find((s) => s.name === "inbound")!.children!.map((x) => x.name)).toEqual(["enterprise_nordics", "emea", "students"]);
  });

  it("searches symbols across every workspace folder", () => {
    expect(workspaceSymbols(f, "nord").map((s) => s.name)).toEqual(["nordics", "Nordic CTO converts after a webinar", "enterprise_nordics"]);
    expect(workspaceSymbols(f, "backlog").map((s) => [s.name, (s.location as L.Location).uri])).toEqual([["backlog", f.uri("second/b")]]);
  });
});
