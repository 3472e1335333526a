/**
 * The language server's workspace follows the CLI's symbolic-link policy: a link is read only when it
 * resolves inside a workspace folder; nothing of a file outside (such as /etc/passwd) enters the workspace.
 */
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Workspace } from "../../server/src/workspace.js";

describe("symbolic links in a workspace folder", () => {
  it("reads links that resolve inside the folder and skips the others, at start-up and on a watched change", () => {
    const root = mkdtempSync(join(tmpdir(), "crmrules-links-"));
    mkdirSync(join(root, "shared"));
    writeFileSync(join(root, "shared", "schema.crmrules"), "lead { size: number }\n");
    symlinkSync(join(root, "shared", "schema.crmrules"), join(root, "schema-link.crmrules"));
    symlinkSync("/etc/passwd", join(root, "passwd.crmrules"));
    symlinkSync("/etc", join(root, "etc"));
    const logged: string[] = [];
    const ws = new Workspace((m) => logged.push(m));
    ws.setRoots([root]);
    expect(ws.paths()).toEqual([join(root, "schema-link.crmrules"), join(root, "shared", "schema.crmrules")]);
    expect(ws.text(join(root, "passwd.crmrules"))).toBeUndefined();
    ws.diskChanged(join(root, "passwd.crmrules"), false);
    expect(ws.text(join(root, "passwd.crmrules"))).toBeUndefined();
    expect(logged.some((l) => l.includes("passwd.crmrules") && l.includes("outside"))).toBe(true);
  });
});
