/**
 * Import-aware resolution, in-process on fixtures: every answer about a name
 * comes from the checker's symbols and references, so a name a file does not
 * import has nothing to navigate to, rename follows imports (cycles
 * included), built-in events hover without a source, completion offers what
 * a file could import together with the import, and a document that is not a
 * file is checked on its own.
 */
import { describe, expect, it } from "vitest";
import { fixture, rng } from "../support/fixture.js";
import { completion, definition, highlights, hoverResult, labels, prepareRename, references, rename } from "../support/features.js";

// a.crmrules and b.crmrules import each other; loose.crmrules imports nothing.
const IMPORTS = `
  //- /a.crmrules
  import "./b.crmrules"

  owner ann "ann@acme.example"
  stage mql initial when true
  route inbound on stage mql {
    otherwise -> queue spill
  }
  //- /b.crmrules
  import "./a.crmrules"

  queue spill "Spill"
  team duo round_robin {
    member ann
  }
  //- /loose.crmrules
  route stray on stage mql {
    otherwise -> owner ann
  }

  score s "S" {
    rule r: +5 on consent_given
  }
`;
const f = fixture(IMPORTS);
const codesAt = (name: string) => f.snap.diagnosticsOf(f.path(name)).map((x) => [x.code, x.range.start.line, x.range.start.character]);

describe("definition and references follow imports", () => {
  it("goes to a declaration in an imported file", () => {
    expect(definition(f.at("b", "member a$0nn"))).toEqual([{ originSelectionRange: f.range("b", "member $0ann$0"), targetUri: f.uri("a"), targetRange: f.range("a", 'owner ann "ann@acme.example"'), targetSelectionRange: f.range("a", "owner $0ann$0") }]);
  });

  it("offers nothing for a name the file uses without importing it (the checker reports it)", () => {
    expect(codesAt("loose")).toEqual([
      ["CR2001", 0, 21],
      ["CR2001", 1, 21],
    ]);
    const at = f.at("loose", "owner a$0nn");
    expect(definition(at)).toEqual([]);
    expect(hoverResult(at)).toBeNull();
    expect(highlights(at)).toEqual([]);
    expect(() => prepareRename(at)).toThrow("not a name you can rename");
    // The declaration's references leave that use out.
    expect(references(f.at("a", "owner a$0nn")).map((r) => [r.uri, r.range])).toEqual([
      [f.uri("a"), f.range("a", "owner $0ann$0")],
      [f.uri("b"), f.range("b", "member $0ann$0")],
    ]);
  });
});

describe("rename across files that import each other", () => {
  it("renames the declaration and every use the checker resolved, and nothing else", () => {
    expect(rename(f.at("b", "member a$0nn"), "annika")).toEqual({
      changes: {
        [f.uri("a")]: [{ range: f.range("a", "owner $0ann$0"), newText: "annika" }],
        [f.uri("b")]: [{ range: f.range("b", "member $0ann$0"), newText: "annika" }],
      },
    });
    expect(rename(f.at("a", "queue s$0pill"), "overflow")).toEqual({
      changes: {
        [f.uri("a")]: [{ range: f.range("a", "queue $0spill$0"), newText: "overflow" }],
        [f.uri("b")]: [{ range: f.range("b", "queue $0spill$0"), newText: "overflow" }],
      },
    });
  });

  it("rejects a new name that a file seeing the symbol already has in the same namespace", () => {
    // `spill` (a queue, in b) and `ann` (an owner, in a) are both routing targets, and a and b see each other.
    expect(() => rename(f.at("b", 'queue s$0pill "Spill"'), "ann")).toThrow("`ann` is already declared (line 3 of a.crmrules)");
    // A stage is another namespace: no clash.
    expect(Object.keys(rename(f.at("a", "stage m$0ql initial"), "ann").changes!)).toEqual([f.uri("a")]);
  });
});

describe("built-in events", () => {
  it("hover without a source, have no definition and cannot be renamed", () => {
    const at = f.at("loose", "on co$0nsent_given");
    expect(hoverResult(at)).toEqual({
      contents: {
        kind: "markdown",
        value:
          "built-in event `consent_given { purpose: purpose, method: enum(checkbox, double_opt_in, purchase, inquiry, import) }`\n\nThe person gave consent for a purpose. `method: double_opt_in` means a confirmed double opt-in.",
      },
      range: f.range("loose", "on $0consent_given$0"),
    });
    expect(definition(at)).toEqual([]);
    expect(() => prepareRename(at)).toThrow("`consent_given` is built into the language");
  });
});

describe("completion and imports", () => {
  const items = (name: string, text: string) => f.probe(name, text, (at) => completion(at).items);

  it("offers a name the file does not import yet, with the import as an additional edit", () => {
    expect(items("/new.crmrules", "route r on stage mql {\n  otherwise -> owner $0").map((i) => [i.label, i.detail, i.additionalTextEdits])).toEqual([
      ["ann", 'owner (adds import "./a.crmrules")', [{ range: rng(0, 0, 0, 0), newText: 'import "./a.crmrules"\n\n' }]],
    ]);
  });

  it("offers a name the file sees without an edit, after its last import", () => {
    expect(items("b", 'import "./a.crmrules"\n\nqueue spill "Spill"\nteam duo round_robin {\n  member $0').map((i) => [i.label, i.additionalTextEdits])).toEqual([["ann", undefined]]);
  });

  it("does not offer names whose import would close a circle", () => {
    f.open("/c.crmrules", 'import "./loose.crmrules"\nqueue cq "C"\n');
    try {
      // loose.crmrules could import a.crmrules or b.crmrules, but not c.crmrules (which imports it).
      expect(items("loose", "route stray on stage mql {\n  otherwise -> queue $0").map((i) => i.label)).toEqual(["spill"]);
    } finally {
      f.close("c");
    }
  });
});

describe("documents that are not files", () => {
  it("are checked as a one-file workspace: checker diagnostics, navigation, completion of their own names", () => {
    const u = "untitled:Untitled-1";
    const text = 'owner o "o@acme.example"\nteam t round_robin {\n  member o\n  member nobody\n}\n';
    f.open(u, text);
    try {
      expect(codesAt(u)).toEqual([
        ["CR2007", 1, 5],
        ["CR2001", 3, 9],
      ]);
      expect(definition(f.at(u, "member $0o\n")).map((l) => [l.targetUri, l.targetSelectionRange])).toEqual([[u, f.range(u, "owner $0o$0 ")]]);
      // Names of the workspace folder are not offered: an untitled document cannot import them.
      expect(labels(f.edit(u, text + "team u round_robin {\n  member $0")!)).toEqual(["o"]);
    } finally {
      f.close(u);
    }
  });
});
