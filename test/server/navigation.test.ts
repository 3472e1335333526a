// Definition, references and highlights (server/src/navigation.ts), in-process on fixtures.
import { describe, expect, it } from "vitest";
import { join } from "node:path";
import * as L from "vscode-languageserver";
import { fixture, fixtureFromFolders } from "../support/fixture.js";
import { definition, highlights, hover, references, rename, tokens } from "../support/features.js";
import { FIXTURES } from "./helpers.js";

const f = fixtureFromFolders({ "/basic": join(FIXTURES, "basic"), "/second": join(FIXTURES, "second") });
const sel = (l: L.LocationLink) => [l.targetUri, l.targetSelectionRange];

describe("definition", () => {
  it("goes to the definition of a territory in the same file", () => {
    expect(definition(f.at("routing", "in no$0rdics and"))).toEqual([
      {
        originSelectionRange: f.range("routing", "in $0nordics$0 and"),
        targetUri: f.uri("routing"),
        targetRange: f.range("routing", "territory nordics = [NO, SE, DK, FI, IS]"),
        targetSelectionRange: f.range("routing", "territory $0nordics$0"),
      },
    ]);
  });

  it("goes to a definition in another file (a stage, a lead field, an event payload field)", () => {
    expect(definition(f.at("routing", "on stage m$0ql {")).map(sel)).toEqual([[f.uri("scoring"), f.range("scoring", "stage $0mql$0 when")]]);
    expect(definition(f.at("routing", "when lead.r$0ole ==")).map(sel)).toEqual([[f.uri("schema"), f.range("schema", "  $0role$0: enum")]]);
    expect(definition(f.at("routing", 'page_view { $0url: "/pricing"')).map(sel)).toEqual([[f.uri("schema"), f.range("schema", "{ $0url$0: text }")]]);
  });
});

describe("workspace folders", () => {
  it("keeps workspace folders apart: a name declared in both resolves within its own folder", () => {
    expect(definition(f.at("routing", "queue u$0nrouted\n}")).map(sel)).toEqual([[f.uri("routing"), f.range("routing", "queue $0unrouted$0 ")]]);
    const refs = references(f.at("routing", 'queue un$0routed "'));
    expect(refs.map((l) => [l.uri, l.range.start.line])).toEqual([
      [f.uri("routing"), 7],
      [f.uri("routing"), 17],
    ]);
    expect(Object.keys(rename(f.at("routing", 'queue un$0routed "'), "leftovers").changes!)).toEqual([f.uri("routing")]);
  });
});

describe("references", () => {
  it("finds every reference of a lead field across files", () => {
    const at = f.at("schema", "  r$0ole: enum");
    expect(references(at).map((l) => [l.uri.split("/").pop(), l.range.start.line, l.range.start.character])).toEqual([
      ["routing.crmrules", 16, 27],
      ["routing.crmrules", 21, 71],
      ["schema.crmrules", 5, 2],
      ["scoring.crmrules", 5, 37],
      ["scoring.crmrules", 7, 30],
    ]);
    expect(references(at, false)).toHaveLength(4);
  });
});

describe("highlights", () => {
  it("highlights the uses of an owner in one document", () => {
    expect(highlights(f.at("routing", 'owner k$0ari "'))).toEqual([
      { range: f.range("routing", 'owner $0kari$0 "'), kind: L.DocumentHighlightKind.Write },
      { range: f.range("routing", "member $0kari$0"), kind: L.DocumentHighlightKind.Read },
      { range: f.range("routing", ">= 1000 -> owner $0kari$0"), kind: L.DocumentHighlightKind.Read },
      { range: f.range("routing", "routed to owner $0kari$0"), kind: L.DocumentHighlightKind.Read },
    ]);
  });
});

describe("grade letters", () => {
  it("navigates a grade letter compared in a stage condition (resolved by the checker against the grade's type)", () => {
    const g = fixture(`
      lead { role: enum(a, b) }

      score fit "Fit" {
        rule r: +10 when lead.role == a
      }

      grade fit_grade from fit {
        A >= 40
        B >= 20
        C otherwise
      }

      stage mql when fit_grade >= $0B
    `);
    const at = g.cursor();
    expect(definition(at)).toEqual([{ originSelectionRange: g.range("main", "fit_grade >= $0B$0"), targetUri: g.uri("main"), targetRange: g.range("main", "B >= 20"), targetSelectionRange: g.range("main", "$0B$0 >= 20") }]);
    expect(references(at).map((r) => [r.range.start.line, r.range.start.character])).toEqual([
      [8, 2],
      [12, 28],
    ]);
    expect(hover(at)).toBe("grade letter `B` of `fit_grade`: >= 20");
    expect(tokens(g, "main").find((t) => t.line === at.position.line && t.char === at.position.character)).toEqual({ line: 12, char: 28, len: 1, type: "enumMember", mods: [] });
  });
});
