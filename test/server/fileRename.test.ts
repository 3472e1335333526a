/**
 * The import edits of a file rename or move (`willRenameFiles`) on the acme
 * workspace, checked by their effect: after applying the edit and moving the
 * files, a fresh check resolves every import to the same file as before (seen
 * through the move), and finds no import that it did not find before.
 */
import { describe, expect, it } from "vitest";
import { resolve } from "node:path";
import { TextDocument } from "vscode-languageserver-textdocument";
import { Workspace } from "../../server/src/workspace.js";
import { movedFiles, willRenameFiles } from "../../server/src/fileRename.js";
import { pathToUri, uriToPath } from "../../server/src/uri.js";
import { checkWorkspace, type CheckResult } from "../../core/checker/check.js";

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
