/**
 * `check --watch` and `test --watch` (cli/watch.ts): the CLI runs as a child process on a temporary
 * copy of a workspace; each step waits for the next summary line (generous timeouts, nothing timed).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { buildCli, FIXTURES, run } from "./harness.js";

const SUMMARY = /^\[\d\d:\d\d:\d\d\] .* — watching for changes$/m;

interface Watching {
  child: ChildProcess;
  /** Resolves with the output of the next run (up to and including its summary line). */
  next: () => Promise<string>;
  stderr: () => string;
  exit: Promise<number | null>;
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill("SIGKILL");
});

async function start(args: string[], cwd: string): Promise<Watching> {
  const cli = await buildCli();
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" };
  delete env["FORCE_COLOR"];
  const child = spawn(process.execPath, [cli, ...args], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let out = "";
  let all = "";
  let err = "";
  let waiting: (() => void) | undefined;
  child.stdout!.setEncoding("utf8").on("data", (d: string) => {
    out += d;
    all += d;
    waiting?.();
  });
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (err += d));
  const exit = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const next = () =>
    new Promise<string>((resolve, reject) => {
      const timeout = setTimeout(() => reject(new Error(`no summary line; stdout:\n${all}\nstderr:\n${err}`)), 30_000);
      const look = () => {
        const m = SUMMARY.exec(out);
        if (!m) return;
        const end = m.index + m[0].length + 1;
        const chunk = out.slice(0, end);
        out = out.slice(end);
        clearTimeout(timeout);
        waiting = undefined;
        resolve(chunk);
      };
      waiting = look;
      look();
    });
  return { child, next, stderr: () => err, exit };
}

function workspace(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "crmrules-watch-"));
  cpSync(path.join(FIXTURES, "acme-v1"), path.join(dir, "ws"), { recursive: true });
  return dir;
}

describe("crmrules check --watch", () => {
  it("re-checks on every save, shows errors and their fix, survives a deleted file, ends on SIGINT with exit code 0", async () => {
    const dir = workspace();
    const w = await start(["check", "--watch", "ws"], dir);
    const first = await w.next();
    expect(first).toContain("no problems in 4 files");
    expect(first).toMatch(/4 files checked \(4 changed\), 0 errors, 0 warnings — watching for changes/);

    writeFileSync(path.join(dir, "ws/bad.crmrules"), "score bad {\n");
    const broken = await w.next();
    expect(broken).toContain("error[CR1002]");
    expect(broken).toContain("ws/bad.crmrules:1:12");
    expect(broken).toMatch(/5 files checked \(1 changed\), 1 error, 0 warnings/);

    writeFileSync(path.join(dir, "ws/bad.crmrules"), 'import "./schema.crmrules"\n');
    let fixed = await w.next();
    // One save can come as several events; the run after the last one is the clean one.
    while (!/0 errors/.test(fixed)) fixed = await w.next();
    expect(fixed).toMatch(/5 files checked \(\d+ changed\), 0 errors/);

    rmSync(path.join(dir, "ws/bad.crmrules"));
    let gone = await w.next();
    while (!/4 files checked/.test(gone)) gone = await w.next();
    expect(gone).toMatch(/4 files checked \(1 changed\), 0 errors, 0 warnings — watching for changes/);
    expect(w.child.exitCode).toBe(null);

    w.child.kill("SIGINT");
    expect(await w.exit).toBe(0);
  }, 120_000);

  it("refuses `-` and machine formats", async () => {
    const stdin = await run(["check", "--watch", "-"], { input: "" });
    expect(stdin.code).toBe(2);
    expect(stdin.stderr).toContain("`--watch`");
    const json = await run(["check", "--watch", "--format", "json", "acme-v1"]);
    expect(json.code).toBe(2);
    expect(json.stderr).toContain("--format text");
    const out = await run(["test", "--watch", "--coverage-out", "c.lcov", "acme-v1"]);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain("--coverage-out");
  });
});

describe("crmrules test --watch", () => {
  it("runs the journeys again after an edit that changes their outcome, and only those whose rules changed", async () => {
    const dir = workspace();
    const w = await start(["test", "--watch", "ws"], dir);
    const first = await w.next();
    expect(first).toContain("5 passed, 0 failed");
    expect(first).toMatch(/5 journeys \(5 run again\), 0 failed, 0 errors — watching for changes/);

    // The enterprise rule gives 5 instead of 15: "Nordic CTO books a demo" expects fit == 35.
    const scoring = path.join(dir, "ws/scoring.crmrules");
    writeFileSync(scoring, readFileSync(scoring, "utf8").replace("+15 when lead.company_size", "+5 when lead.company_size"));
    let failing = await w.next();
    while (!/[1-9]\d* failed, 0 errors/.test(failing)) failing = await w.next();
    expect(failing).toContain("FAIL  Nordic CTO books a demo");
    expect(failing).toMatch(/5 journeys \(5 run again\), 1 failed/);

    // A file no journey's file sees: nothing runs again.
    writeFileSync(path.join(dir, "ws/extra.crmrules"), 'import "./schema.crmrules"\n');
    let extra = await w.next();
    while (!/5 files checked/.test(extra)) extra = await w.next();
    expect(extra).toMatch(/5 journeys \(0 run again\), 1 failed/);

    w.child.kill("SIGTERM");
    expect(await w.exit).toBe(0);
  }, 120_000);
});
