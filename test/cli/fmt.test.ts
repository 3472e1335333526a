import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { FIXTURES, run } from "./harness.js";

const messy = 'owner   kari "kari@acme.example"\nqueue unrouted   "Unrouted"\nroute inbound on stage mql {\notherwise->queue unrouted\n}\n';

function workspace(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "crmrules-fmt-"));
  cpSync(path.join(FIXTURES, "acme-v1"), dir, { recursive: true });
  writeFileSync(path.join(dir, "messy.crmrules"), messy);
  return dir;
}

describe("crmrules fmt", () => {
  it("--check lists unformatted files, changes nothing and exits with 1", async () => {
    const dir = workspace();
    const r = await run(["fmt", "--check"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("messy.crmrules\n");
    expect(r.stderr).toBe("1 of 5 files are not formatted (run `crmrules fmt`)\n");
    expect(readFileSync(path.join(dir, "messy.crmrules"), "utf8")).toBe(messy);
  });

  it("formats in place, after which --check passes", async () => {
    const dir = workspace();
    const r = await run(["fmt"], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("formatted messy.crmrules\n");
    const out = readFileSync(path.join(dir, "messy.crmrules"), "utf8");
    expect(out).toContain('owner kari "kari@acme.example"\n');
    expect(out).toContain("  otherwise -> queue unrouted\n");
    const again = await run(["fmt", "--check"], { cwd: dir });
    expect(again.code).toBe(0);
    expect(again.stderr).toBe("all 5 files are formatted\n");
  });

  it("--stdin formats standard input to standard output", async () => {
    const r = await run(["fmt", "--stdin"], { input: messy });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("  otherwise -> queue unrouted\n");
    const bin = await run(["fmt", "--stdin"], { input: Buffer.from([1, 0, 2]) });
    expect(bin.code).toBe(2);
    expect(bin.stderr).toBe("crmrules: standard input is not a text file (it contains binary data); skipped\n");
  });

  it("rejects a bad --indent and a missing path with exit code 2", async () => {
    const i = await run(["fmt", "--check", "--indent", "0", "acme-v1"]);
    expect(i.code).toBe(2);
    expect(i.stderr).toBe("crmrules: `--indent 0` must be a whole number of spaces from 1 to 8\n");
    const m = await run(["fmt", "--check", "missing.crmrules"]);
    expect(m.code).toBe(2);
    expect(m.stderr).toMatch(/^crmrules: missing.crmrules does not exist\n/);
  });
});
