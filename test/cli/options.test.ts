// The CLI's small promises (issue 12, item 16): `--out -` is standard output, `--min-coverage`
// takes a number, a check of nothing prints no "no problems", coverage is rounded, a journey name
// does not go with `--events`, and the docs name only commands that exist.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { roundPercent } from "../../cli/journeys.js";
import { FIXTURES, REPO, run } from "./harness.js";

describe("the CLI's small promises", () => {
  it("`generate --out -` writes the log to standard output and creates no file named `-`", async () => {
    const r = await run(["generate", "acme-v1", "--leads", "3", "--out", "-"]);
    expect(r.code).toBe(0);
    expect(existsSync(path.join(FIXTURES, "-"))).toBe(false);
    const lines = r.stdout.trim().split("\n");
    expect(lines.length).toBeGreaterThan(3);
    expect(JSON.parse(lines[0]!).type).toBe("lead");
    const plain = await run(["generate", "acme-v1", "--leads", "3"]);
    expect(r.stdout).toBe(plain.stdout);
  });

  it("`simulate --events --out -` writes the outcomes to standard output and the summary to standard error", async () => {
    const r = await run(["simulate", "--events", "events.jsonl", "acme-v1", "--workers", "0", "--out", "-"]);
    expect(existsSync(path.join(FIXTURES, "-"))).toBe(false);
    const lines = r.stdout.trim().split("\n");
    expect(lines).toHaveLength(5);
    for (const l of lines) expect(JSON.parse(l)).toHaveProperty("lead");
    expect(r.stderr).toContain("replayed 5 leads");
  });

  it("`--min-coverage` must be a number: an empty value is a usage error", async () => {
    for (const bad of ["", " ", "abc", "1e2", "-5", "101"]) {
      const r = await run(["test", "acme-v1", "--min-coverage", bad]);
      expect(r.code, JSON.stringify(bad)).toBe(2);
      expect(r.stderr).toBe(`crmrules: \`--min-coverage ${bad}\` must be a percentage from 0 to 100\n`);
    }
    expect((await run(["test", "acme-v1", "--min-coverage", "50%"])).code).not.toBe(2);
  });

  it("`check` of a file that does not exist prints the error and no \"no problems\"", async () => {
    const r = await run(["check", "nosuch.crmrules"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("crmrules: nosuch.crmrules does not exist\n");
    expect(r.stdout).toBe("");
  });

  it("coverage is rounded to one decimal, never to 100% while something is not exercised", () => {
    expect(roundPercent(8, 9)).toBe(88.9);
    expect(roundPercent(2, 3)).toBe(66.7);
    expect(roundPercent(1, 3)).toBe(33.3);
    expect(roundPercent(9999, 10000)).toBe(99.9);
    expect(roundPercent(1, 10000)).toBe(0.1);
    expect(roundPercent(0, 0)).toBe(100);
  });

  it("`simulate NAME --events` is a usage error and replays nothing", async () => {
    const r = await run(["simulate", "seed 0", "--events", "events.jsonl", "acme-v1"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("crmrules: `seed 0` is not a file or folder; `--events` replays the log through the workspace, so it takes paths, not a journey name\n");
    expect(r.stdout).toBe("");
  });

  it("the docs name only `crmrules` commands that exist", async () => {
    const help = (await run(["--help"])).stdout;
    const commands = new Set([...help.slice(help.indexOf("Commands:")).matchAll(/^  ([a-z]+)\b/gm)].map((m) => m[1]!));
    expect(commands.has("simulate")).toBe(true);
    const docs = ["README.md", ...readdirSync(path.join(REPO, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];
    const unknown: string[] = [];
    for (const doc of docs) {
      const text = readFileSync(path.join(REPO, doc), "utf8");
      for (const m of text.matchAll(/(?<!``)`(?:npx )?crmrules ([a-z][a-z-]*)/g)) if (!commands.has(m[1]!)) unknown.push(`${doc}: crmrules ${m[1]}`);
    }
    expect(unknown).toEqual([]);
  });
});
