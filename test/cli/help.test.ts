import { describe, expect, it } from "vitest";
import { run } from "./harness.js";

describe("--help", () => {
  it.each(["check", "test", "simulate", "eval", "diff", "fmt", "lsp"])("`%s --help` describes the command with examples and exits with 0", async (cmd) => {
    const r = await run([cmd, "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Usage: crmrules ${cmd} `));
    expect(r.stdout).toContain("Examples:\n  $ crmrules");
  });

  it("the top-level help lists every command", async () => {
    const r = await run(["--help"]);
    expect(r.code).toBe(0);
    for (const cmd of ["check", "test", "simulate", "eval", "diff", "fmt", "lsp"]) expect(r.stdout).toMatch(new RegExp(`\\n  ${cmd} `));
  });

  it("no command is a usage error (exit code 2)", async () => {
    const r = await run([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Usage: crmrules");
  });
});
