/**
 * Output files are written through a temporary file and renamed when complete (cli/atomicWrite.ts):
 * a run stopped part way leaves nothing at the target path (or the old file, untouched).
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { openAtomic, OutputError, pendingTemporaryFiles, writeFileAtomic } from "../../cli/atomicWrite.js";
import { buildCli, FIXTURES, run } from "./harness.js";

const tmp = () => mkdtempSync(path.join(tmpdir(), "crmrules-atomic-"));

/** Starts the CLI, waits until some file in `dir` has bytes in it (the run is writing), then sends `signal`. */
async function killMidWrite(args: string[], dir: string, signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null; sawBytes: boolean }> {
  const cli = await buildCli();
  const child = spawn(process.execPath, [cli, ...args], { cwd: FIXTURES, env: { ...process.env, NO_COLOR: "1" }, stdio: ["ignore", "ignore", "pipe"] });
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on("exit", (code, sig) => resolve({ code, signal: sig })));
  let running = true;
  void ended.then(() => (running = false));
  let sawBytes = false;
  const deadline = Date.now() + 60_000;
  while (running && Date.now() < deadline) {
    const sizes = readdirSync(dir).map((f) => {
      try {
        return statSync(path.join(dir, f)).size;
      } catch {
        return 0;
      }
    });
    if (sizes.some((s) => s > 64 * 1024)) {
      sawBytes = true;
      child.kill(signal);
      break;
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  return { ...(await ended), sawBytes };
}

describe("--out writes through a temporary file", () => {
  for (const signal of ["SIGKILL", "SIGTERM", "SIGINT"] as const) {
    it(`generate -o: a run stopped by ${signal} mid-write leaves nothing at the target path`, async () => {
      const dir = tmp();
      const target = path.join(dir, "leads.jsonl");
      const r = await killMidWrite(["generate", "acme-v1", "--leads", "2000000", "--seed", "3", "-o", target], dir, signal);
      expect(r.sawBytes, "the kill must land while the file is being written").toBe(true);
      expect(r.code === 0, "the run must not have completed").toBe(false);
      expect(existsSync(target)).toBe(false);
      // SIGTERM and SIGINT remove the temporary file too; after SIGKILL only the hidden temporary file can stay.
      if (signal !== "SIGKILL") {
        expect(readdirSync(dir)).toEqual([]);
        expect(r.code).toBe(signal === "SIGINT" ? 130 : 143);
      } else expect(readdirSync(dir).every((f) => f.startsWith(".leads.jsonl.crmrules-"))).toBe(true);
    }, 90_000);
  }

  it("simulate --events --out: a run killed mid-write keeps the previous file as it was", async () => {
    const dir = tmp();
    const log = path.join(tmp(), "big.jsonl");
    expect((await run(["generate", "acme-v1", "--leads", "60000", "--seed", "5", "-o", log])).code).toBe(0);
    const target = path.join(dir, "outcomes.jsonl");
    writeFileSync(target, "the previous outcomes\n");
    const r = await killMidWrite(["simulate", "--events", log, "acme-v1", "--workers", "0", "--out", target], dir, "SIGKILL");
    expect(r.sawBytes).toBe(true);
    expect(readFileSync(target, "utf8")).toBe("the previous outcomes\n");
  }, 120_000);

  it("simulate --events --out into a folder that does not exist fails with exit code 2 before replaying", async () => {
    const dir = tmp();
    const empty = path.join(dir, "empty.jsonl");
    writeFileSync(empty, "");
    const r = await run(["simulate", "--events", empty, "acme-v1", "--out", "/nonexistent/dir/o.jsonl"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("crmrules: /nonexistent/dir/o.jsonl cannot be written: its folder does not exist\n");
    expect(r.stdout).toBe("");
  });

  it("generate -o into a folder, or a missing folder, exits 2 naming the file", async () => {
    const dir = tmp();
    const a = await run(["generate", "acme-v1", "--leads", "5", "-o", dir]);
    expect(a.code).toBe(2);
    expect(a.stderr).toBe(`crmrules: ${dir} is a folder; give a file name to write to\n`);
    const b = await run(["generate", "acme-v1", "--leads", "5", "-o", path.join(dir, "no", "x.jsonl")]);
    expect(b.code).toBe(2);
    expect(b.stderr).toContain("cannot be written: its folder does not exist");
    expect(readdirSync(dir)).toEqual([]);
  });

  it("a complete run replaces the target and leaves no temporary file", async () => {
    const dir = tmp();
    const target = path.join(dir, "leads.jsonl");
    writeFileSync(target, "old\n");
    expect((await run(["generate", "acme-v1", "--leads", "30", "--seed", "2", "-o", target])).code).toBe(0);
    expect(readdirSync(dir)).toEqual(["leads.jsonl"]);
    expect(readFileSync(target, "utf8")).toBe((await run(["generate", "acme-v1", "--leads", "30", "--seed", "2"])).stdout);
  });
});

describe("cli/atomicWrite.ts", () => {
  it("commit renames the temporary file over the target; abort removes it and keeps the target", async () => {
    const dir = tmp();
    const target = path.join(dir, "o.txt");
    writeFileSync(target, "before");
    const a = openAtomic("o.txt", dir);
    a.stream.write("half");
    expect(readFileSync(target, "utf8")).toBe("before");
    expect(pendingTemporaryFiles()).toContain(a.temp);
    a.abort();
    expect(readdirSync(dir)).toEqual(["o.txt"]);
    expect(readFileSync(target, "utf8")).toBe("before");
    const b = openAtomic("o.txt", dir);
    b.stream.write("after, ");
    b.stream.write("complete");
    await b.commit();
    expect(readFileSync(target, "utf8")).toBe("after, complete");
    expect(readdirSync(dir)).toEqual(["o.txt"]);
    expect(pendingTemporaryFiles()).not.toContain(b.temp);
  });

  it("keeps the permissions of the file it replaces and fails with an OutputError naming the file", () => {
    const dir = tmp();
    const target = path.join(dir, "run.sh");
    writeFileSync(target, "old", { mode: 0o750 });
    writeFileAtomic("run.sh", "new", dir);
    expect(statSync(target).mode & 0o777).toBe(0o750);
    expect(() => writeFileAtomic("missing/x", "y", dir)).toThrow(OutputError);
    expect(() => writeFileAtomic("missing/x", "y", dir)).toThrow("missing/x cannot be written: its folder does not exist");
  });
});
