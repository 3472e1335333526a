// Import paths as links: document links and the definition of an import path (server/src/links.ts), in-process on a fixture.
import { describe, expect, it } from "vitest";
import { fixture } from "../support/fixture.js";
import { definition, documentLinks } from "../support/features.js";
import { IMPORTS_AND_ACTIONS } from "./fixtures/importsAndActions.js";

describe("import paths are links", () => {
  const f = fixture(IMPORTS_AND_ACTIONS);

  it("links each import that finds a file, over the path without its quotes, and none for a missing file", () => {
    expect(documentLinks(f, "journeys")).toEqual([
      { range: f.range("journeys", 'import "$0./flows/welcome.crmrules$0"'), target: f.uri("flows/welcome"), tooltip: "Open flows/welcome.crmrules" },
      { range: f.range("journeys", 'import  "$0./consent.crmrules$0"'), target: f.uri("consent"), tooltip: "Open consent.crmrules" },
    ]);
    // The missing file is the checker's to report.
    expect(f.snap.diagnosticsOf(f.path("journeys")).filter((x) => x.code === "CR2003").map((x) => [x.range.start.line, x.range.start.character, x.range.end.line, x.range.end.character])).toEqual([[2, 7, 2, 24]]);
    expect(documentLinks(f, "flows/welcome")).toEqual([
      { range: f.range("flows/welcome", 'import "$0../consent.crmrules$0"'), target: f.uri("consent"), tooltip: "Open consent.crmrules" },
      { range: f.range("flows/welcome", 'import "$0./helpers.crmrules$0"'), target: f.uri("flows/helpers"), tooltip: "Open flows/helpers.crmrules" },
    ]);
  });

  it("goes to the start of the imported file from anywhere on the path, quotes included", () => {
    const start = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    for (const snippet of ['import $0"./flows/welcome', '"./flows/welc$0ome.crmrules', 'welcome.crmrules"$0 // the flows']) {
      expect(definition(f.at("journeys", snippet)), snippet).toEqual([
        { originSelectionRange: f.range("journeys", 'import "$0./flows/welcome.crmrules$0"'), targetUri: f.uri("flows/welcome"), targetRange: start, targetSelectionRange: start },
      ]);
    }
    // Outside the path (the keyword, the comment) and on an import that finds no file: nothing.
    expect(definition(f.at("journeys", 'imp$0ort "./flows/welcome'))).toEqual([]);
    expect(definition(f.at("journeys", "// the$0 flows"))).toEqual([]);
    expect(definition(f.at("journeys", 'import "./no$0pe.crmrules"'))).toEqual([]);
  });

  it("follows the open text of a document", () => {
    const before = f.text("suite");
    f.edit("suite", '// suite\nimport "./flows/helpers.crmrules"\n');
    expect(documentLinks(f, "suite")).toEqual([{ range: f.range("suite", 'import "$0./flows/helpers.crmrules$0"'), target: f.uri("flows/helpers"), tooltip: "Open flows/helpers.crmrules" }]);
    f.edit("suite", before);
    expect(documentLinks(f, "suite")).toEqual([{ range: f.range("suite", 'import "$0./journeys.crmrules$0"'), target: f.uri("journeys"), tooltip: "Open journeys.crmrules" }]);
  });
});
