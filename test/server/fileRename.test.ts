/**
 * The import edits of a file rename or move (`willRenameFiles`): on the acme
 * workspace, checked by their effect (after applying the edit and moving the
 * files, a fresh check resolves every import to the same file as before, seen
 * through the move, and finds no import that it did not find before); on a
 * fixture, the exact edits.
 */
import { describe, expect, it } from "vitest";
import { resolve } from "node:path";
import { TextDocument } from "vscode-languageserver-textdocument";
import { Workspace } from "../../server/src/workspace.js";
import { movedFiles, willRenameFiles } from "../../server/src/fileRename.js";
import { pathToUri, uriToPath } from "../../server/src/uri.js";
import { checkWorkspace, type CheckResult } from "../../core/checker/check.js";
import type * as L from "vscode-languageserver";
import { fixture, ROOT } from "../support/fixture.js";
import { willRenameFiles as willRenameFilesIn } from "../support/features.js";
import { IMPORTS_AND_ACTIONS } from "./fixtures/importsAndActions.js";

const ACME = resolve(__dirname, "../../examples/acme");

/** Every import edge of a check, as `from → to`, sorted. */
function edges(check: CheckResult, rename: (p: string) => string = (p) => p): string[] {
  const out: string[] = [];
  for (const [from, tos] of check.binding.imports) for (const to of tos) out.push(`${rename(from)} → ${rename(to)}`);
  return out.sort();
}

const missing = (check: CheckResult) => check.diagnostics.filter((d) => d.code === "CR2003" || d.code === "CR2004").length;

const MOVES: [string, string][][] = [
  [["schema.crmrules", "model/schema.crmrules"]],
  [["consent.crmrules", "policy.crmrules"]],
  [["workflows.crmrules", "a/b/c/workflows.crmrules"]],
  [["journeys/erasure.crmrules", "erasure.crmrules"]],
  [["journeys", "tests/journeys"]],
  [["journeys", "j"]],
  [
    ["schema.crmrules", "model/schema.crmrules"],
    ["journeys", "x/y/journeys"],
    ["routing.crmrules", "x/routing.crmrules"],
  ],
];

describe("willRenameFiles on the acme workspace", () => {
  const ws = new Workspace();
  ws.setRoots([ACME]);
  const snap = ws.snapshot();
  const before = snap.checkOf(ws.paths()[0]!)!;

  for (const moves of MOVES) {
    it(`keeps every import pointing at the same file: ${moves.map(([a, b]) => `${a} → ${b}`).join(", ")}`, () => {
      const renames = moves.map(([a, b]) => ({ oldUri: pathToUri(`${ACME}/${a}`), newUri: pathToUri(`${ACME}/${b}`) }));
      const moved = movedFiles(snap.paths(), renames);
      expect(moved.size).toBeGreaterThan(0);
      const edit = willRenameFiles(snap, renames);
      // A folder renamed at the same depth that no file outside it imports (journeys → j) needs no edit.
      expect(edit === null).toBe(moves.length === 1 && moves[0]![1] === "j");
      const files = snap.paths().map((p) => {
        const text = ws.text(p)!;
        const edits = edit?.changes?.[pathToUri(p)];
        return { uri: moved.get(p) ?? p, text: edits ? TextDocument.applyEdits(TextDocument.create(p, "crmrules", 1, text), edits) : text };
      });
      // Every edit replaces the path of an import, and nothing else of its line.
      for (const [u, list] of Object.entries(edit?.changes ?? {})) {
        const lines = ws.text(uriToPath(u))!.split("\n");
        for (const e of list) expect(lines[e.range.start.line]!.slice(0, e.range.start.character)).toMatch(/^import\s+"$/);
      }
      const after = checkWorkspace({ root: ACME, files });
      expect(edges(after)).toEqual(edges(before, (p) => moved.get(p) ?? p));
      expect(missing(after)).toBe(missing(before));
    });
  }
});

describe("renaming or moving files updates imports", () => {
  const f = fixture(IMPORTS_AND_ACTIONS);
  const u = (name: string) => pathToUri(`${ROOT}/${name}`);
  const willRename = (files: { oldUri: string; newUri: string }[]) => willRenameFilesIn(f, files);
  /** Applies a WorkspaceEdit's changes to the files' current texts. */
  const applied = (edit: L.WorkspaceEdit | null): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const [uri, edits] of Object.entries(edit?.changes ?? {})) out[uri] = TextDocument.applyEdits(TextDocument.create(uri, "crmrules", 1, f.text(uriToPath(uri))), edits);
    return out;
  };

  it("renaming a file rewrites the imports of the two files that import it, and only the path", () => {
    const edit = willRename([{ oldUri: u("consent.crmrules"), newUri: u("permissions.crmrules") }]);
    expect(edit).toEqual({
      changes: {
        [u("flows/welcome.crmrules")]: [{ range: f.range("flows/welcome", 'import "$0../consent.crmrules$0"'), newText: "../permissions.crmrules" }],
        [u("journeys.crmrules")]: [{ range: f.range("journeys", 'import  "$0./consent.crmrules$0"'), newText: "./permissions.crmrules" }],
      },
    });
    expect(applied(edit)[u("journeys.crmrules")]!.split("\n").slice(0, 3)).toEqual(['import "./flows/welcome.crmrules" // the flows', 'import  "./permissions.crmrules"', 'import "./nope.crmrules"']);
  });

  it("moving a file into a subfolder rewrites its importers and its own relative imports", () => {
    expect(willRename([{ oldUri: u("journeys.crmrules"), newUri: u("tests/journeys.crmrules") }])).toEqual({
      changes: {
        // Its own imports that find a file; the one that finds none is left as written.
        [u("journeys.crmrules")]: [
          { range: f.range("journeys", 'import "$0./flows/welcome.crmrules$0"'), newText: "../flows/welcome.crmrules" },
          { range: f.range("journeys", 'import  "$0./consent.crmrules$0"'), newText: "../consent.crmrules" },
        ],
        [u("suite.crmrules")]: [{ range: f.range("suite", 'import "$0./journeys.crmrules$0"'), newText: "./tests/journeys.crmrules" }],
      },
    });
  });

  it("renaming a folder rewrites imports into it, and leaves the imports between its files alone", () => {
    expect(willRename([{ oldUri: u("flows"), newUri: u("workflows") }])).toEqual({
      changes: { [u("journeys.crmrules")]: [{ range: f.range("journeys", 'import "$0./flows/welcome.crmrules$0"'), newText: "./workflows/welcome.crmrules" }] },
    });
    // One level deeper: the moved files' imports of files outside the folder climb one more level.
    expect(willRename([{ oldUri: u("flows"), newUri: u("lib/flows") }])).toEqual({
      changes: {
        [u("flows/helpers.crmrules")]: [{ range: f.range("flows/helpers", 'import "$0../schema.crmrules$0"'), newText: "../../schema.crmrules" }],
        [u("flows/welcome.crmrules")]: [{ range: f.range("flows/welcome", 'import "$0../consent.crmrules$0"'), newText: "../../consent.crmrules" }],
        [u("journeys.crmrules")]: [{ range: f.range("journeys", 'import "$0./flows/welcome.crmrules$0"'), newText: "./lib/flows/welcome.crmrules" }],
      },
    });
  });

  it("a rename that moves nothing the imports name gives no edit", () => {
    expect(willRename([{ oldUri: u("suite.crmrules"), newUri: u("all.crmrules") }])).toBeNull();
    expect(willRename([{ oldUri: u("elsewhere"), newUri: u("other") }])).toBeNull();
  });

  it("an open file is edited as the editor has it", () => {
    const before = f.text("journeys");
    f.edit("journeys", "// moved the imports down\n\n" + before);
    try {
      const edit = willRename([{ oldUri: u("consent.crmrules"), newUri: u("permissions.crmrules") }]);
      expect(edit?.changes?.[u("journeys.crmrules")]).toEqual([{ range: f.range("journeys", 'import  "$0./consent.crmrules$0"'), newText: "./permissions.crmrules" }]);
      expect(applied(edit)[u("journeys.crmrules")]!.split("\n")[3]).toBe('import  "./permissions.crmrules"');
    } finally {
      f.edit("journeys", before);
    }
  });
});
