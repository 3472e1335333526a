/**
 * The workspace model on its own (no protocol): a change re-checks only the
 * group of the changed file, and a document that is not a file is a group of
 * its own.
 */
import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { Workspace } from "../../server/src/workspace.js";
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
