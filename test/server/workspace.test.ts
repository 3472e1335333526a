/**
 * The workspace model on its own (no protocol): a change re-checks only the
 * group of the changed file, and a document that is not a file is a group of
 * its own. What the model holds must be what a fresh start over the same
 * folders, disk and open documents would hold (a fresh server is what the
 * user gets after a reload, so any difference is a stale or phantom
 * diagnostic): files the start-up scan skips stay out, nested folders are one
 * workspace.
 */
import { describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Workspace } from "../../server/src/workspace.js";
import { checkWorkspace } from "../../core/checker/check.js";
import { copyFixture } from "./helpers.js";

describe("workspace snapshots", () => {
  it("re-checks only the workspace folder of a changed file, and reads diagnostics per file", () => {
    const basic = copyFixture("basic");
    const second = copyFixture("second");
    const ws = new Workspace();
    ws.setRoots([basic, second]);
    const s1 = ws.snapshot();
    const a = join(second, "a.crmrules");
    const scoring = join(basic, "scoring.crmrules");
    const basicCheck = s1.checkOf(scoring)!;
    const secondCheck = s1.checkOf(a)!;
    expect(basicCheck).toBeDefined();
    expect(secondCheck).not.toBe(basicCheck);
    ws.changeDoc(a, 'queue overflow "Overflow"\nqueue extra "Extra"\n', 2);
    const s2 = ws.snapshot();
    expect(s2).not.toBe(s1);
    expect(s2.checkOf(scoring)).toBe(basicCheck);
    expect(s2.checkOf(a)).not.toBe(secondCheck);
    expect(s2.diagnosticsOf(a).map((d) => [d.code, d.message])).toEqual([
      ["CR2007", "queue `overflow` is never used"],
      ["CR2007", "queue `extra` is never used"],
    ]);
    // Nothing changed: the same snapshot.
    expect(ws.snapshot()).toBe(s2);
  });

  it("checks a document that is not a file on its own, and forgets it when closed", () => {
    const ws = new Workspace();
    ws.setRoots([copyFixture("basic")]);
    const u = "untitled:Untitled-3";
    ws.openDoc(u, "queue q {\n", 1);
    const s = ws.snapshot();
    const check = s.checkOf(u)!;
    expect([...check.files.keys()]).toEqual([u]);
    // A checker finding (unused) besides the syntax error: checked, not only parsed.
    expect(s.diagnosticsOf(u).map((d) => d.code)).toEqual(["CR2007", "CR1005"]);
    expect(s.paths()).toContain(u);
    ws.closeDoc(u);
    const after = ws.snapshot();
    expect(after.checkOf(u)).toBeUndefined();
    expect(after.file(u)).toBeUndefined();
    expect(after.paths()).not.toContain(u);
  });
});

function folder(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "crm-ws-model-"));
  for (const [name, text] of Object.entries(files)) {
    const p = join(root, name);
    mkdirSync(join(p, ".."), { recursive: true });
    writeFileSync(p, text);
  }
  return root;
}

describe("files the start-up scan skips stay out of the workspace", () => {
  it("a file created in a skipped folder (dist/, node_modules/) and reported by the watcher is not added", () => {
    const root = folder({ "a.crmrules": 'queue q "Q"\n' });
    const ws = new Workspace();
    ws.setRoots([root]);
    // A build copies the rules into dist/: the watcher (`**/*.crmrules`) reports it.
    const built = join(root, "dist", "a.crmrules");
    mkdirSync(join(root, "dist"));
    writeFileSync(built, 'queue q "Q"\n');
    ws.diskChanged(built, false);
    expect(ws.snapshot().paths()).toEqual([join(root, "a.crmrules")]);
  });

  it("a document opened from node_modules/ and closed again leaves the workspace", () => {
    const root = folder({ "a.crmrules": 'queue q "Q"\n', "node_modules/pkg/x.crmrules": "owner ann \"ann@x.example\"\n" });
    const ws = new Workspace();
    ws.setRoots([root]);
    const dep = join(root, "node_modules/pkg/x.crmrules");
    ws.openDoc(dep, "owner ann \"ann@x.example\"\n", 1);
    ws.closeDoc(dep);
    expect(ws.snapshot().paths()).toEqual([join(root, "a.crmrules")]);
    expect(ws.text(dep)).toBeUndefined();
  });

  it("a watched change of a file outside every workspace folder is not added", () => {
    const root = folder({ "a.crmrules": 'queue q "Q"\n' });
    const elsewhere = folder({ "x.crmrules": "stage s initial when true\n" });
    const ws = new Workspace();
    ws.setRoots([root]);
    ws.diskChanged(join(elsewhere, "x.crmrules"), false);
    expect(ws.snapshot().paths()).toEqual([join(root, "a.crmrules")]);
  });
});

describe("nested workspace folders", () => {
  it("a file of the outer folder imports a file of the inner folder (as a check of the outer folder does)", () => {
    const root = folder({
      "a.crmrules": 'import "./sub/b.crmrules"\n\nstage s initial when true\nroute r on stage s {\n  otherwise -> queue q\n}\n',
      "sub/b.crmrules": 'queue q "Q"\n',
    });
    const ws = new Workspace();
    ws.setRoots([root, join(root, "sub")]);
    const a = join(root, "a.crmrules");
    const b = join(root, "sub/b.crmrules");
    const alone = checkWorkspace({ root, files: [a, b].map((uri) => ({ uri, text: ws.text(uri)! })) });
    expect(alone.diagnosticsOf(a)).toEqual([]);
    const snap = ws.snapshot();
    expect(snap.diagnosticsOf(a)).toEqual(alone.diagnosticsOf(a));
    expect(snap.diagnosticsOf(b)).toEqual(alone.diagnosticsOf(b));
    // The queue is used, so it is not reported unused, and definition from `a` reaches it.
    expect(snap.checkOf(a)?.visibleFiles(a)).toEqual([a, b]);
  });
});

