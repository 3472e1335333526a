/**
 * Docs that run (issue 19 item 7). Every code block of README.md and docs/*.md
 * is tested by its info string (see test/support/markdown.ts):
 * - ```crmrules blocks check with no error as a file of their own and are in
 *   the formatter's layout; ```crmrules fragment blocks parse and are formatted;
 *   ```crmrules-invalid blocks have a syntax error;
 * - in docs/diagnostics.md, each code's example block is a line of
 *   examples/diagnostics/ and the checker reports that code on it there;
 * - every `crmrules` / `npx crmrules` line of a ```sh block runs, in a sandbox
 *   repository holding what the docs name (examples/, rules/ as a copy of
 *   examples/acme, a generated leads.jsonl, git branches main and origin/main),
 *   and must not exit with 2 (bad arguments or unreadable input) or crash;
 * - docs/tutorial.md runs from an empty folder: its ```crmrules file=PATH
 *   blocks are written in order and its commands run in between.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { checkWorkspace } from "../../core/checker/check.js";
import { format } from "../../core/format/format.js";
import { parse } from "../../core/syntax/parse.js";
import { buildCli, REPO } from "../cli/harness.js";
import { crmSources } from "../support/files.js";
import { codeBlocks, shellCommands, type Block } from "../support/markdown.js";

const DOCS = ["README.md", ...readdirSync(path.join(REPO, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];
const LANGS = new Set(["crmrules", "crmrules-invalid", "sh", "text", "yaml", "json", "ts", "ebnf", "lua"]);
const blocks = new Map(DOCS.map((d) => [d, codeBlocks(readFileSync(path.join(REPO, d), "utf8"), d)]));
const where = (doc: string, b: Block) => `${doc}:${b.line}`;

function errorsOf(files: { uri: string; text: string }[], root: string): string[] {
  return checkWorkspace({ root, files })
    .diagnostics.filter((d) => d.severity === "error")
    .map((d) => `${path.relative(root, d.uri)}:${d.range.start.line + 1}:${d.range.start.character + 1} ${d.code} ${d.message}`);
}

function formatDiff(text: string): string | undefined {
  const f = format(text);
  return f === text ? undefined : f;
}

describe("docs code blocks", () => {
  it("every block has a known language", () => {
    const bad = [...blocks].flatMap(([doc, bs]) => bs.filter((b) => !LANGS.has(b.lang)).map((b) => `${where(doc, b)} \`\`\`${b.info}`));
    expect(bad).toEqual([]);
  });

  for (const [doc, bs] of blocks) {
    for (const b of bs) {
      if (b.lang === "crmrules" && doc !== "docs/diagnostics.md" && b.attrs.file === undefined) {
        if (b.attrs.fragment) {
          it(`${where(doc, b)} (fragment) parses and is formatted`, () => {
            const syntax = parse(b.text, "fragment.crmrules").diagnostics.filter((d) => d.severity === "error");
            expect(syntax.map((d) => `+${d.range.start.line + 1}: ${d.message}`)).toEqual([]);
            expect(formatDiff(b.text)).toBeUndefined();
          });
        } else {
          it(`${where(doc, b)} checks with no error and is formatted`, () => {
            expect(errorsOf([{ uri: "/docs/snippet.crmrules", text: b.text }], "/docs")).toEqual([]);
            expect(formatDiff(b.text)).toBeUndefined();
          });
        }
      }
      if (b.lang === "crmrules-invalid") {
        it(`${where(doc, b)} (invalid) has a syntax error`, () => {
          expect(parse(b.text, "invalid.crmrules").diagnostics.some((d) => d.severity === "error")).toBe(true);
        });
      }
      if (b.lang === "sh" && typeof b.attrs["tested-by"] === "string") {
        it(`${where(doc, b)} is run by ${b.attrs["tested-by"]}`, () => {
          expect(existsSync(path.join(REPO, b.attrs["tested-by"] as string))).toBe(true);
        });
      }
    }
  }
});

describe("docs/diagnostics.md examples", () => {
  const dir = path.join(REPO, "examples/diagnostics");
  const files = crmSources(dir);
  const check = checkWorkspace({ root: dir, files });
  const examples = blocks.get("docs/diagnostics.md")!.filter((b) => b.lang === "crmrules");
  it("has examples", () => expect(examples.length).toBeGreaterThan(40));
  for (const b of examples) {
    const code = /^(CR\d{4})/.exec(b.section)?.[1];
    it(`${where("docs/diagnostics.md", b)} is a line of examples/diagnostics where ${code} is reported`, () => {
      expect(code).toBeDefined();
      // The docs write invisible characters as ⟨U+XXXX⟩ (docs/diagnostics.md, CR1024).
      const text = b.text.replace(/⟨U\+([0-9A-F]{4,6})⟩/g, (_, h: string) => String.fromCodePoint(parseInt(h, 16)));
      const first = text.split("\n").find((l) => l.trim())!.trim();
      const found = files.flatMap((f) =>
        f.text
          .split(/\r?\n/)
          .map((l, i) => ({ uri: f.uri, i, l }))
          .filter((x) => x.l.replace(/\s*\/\/.*$/, "").trim() === first.replace(/\s*\/\/.*$/, "").trim()),
      );
      expect(found.length, `\`${first}\` is in no file of examples/diagnostics`).toBeGreaterThan(0);
      const span = text.trim().split("\n").length;
      const reported = found.some((x) => check.diagnostics.some((d) => d.code === code && d.uri === x.uri && d.range.start.line >= x.i && d.range.start.line < x.i + span + 1));
      expect(reported, `${code} is not reported on \`${first}\``).toBe(true);
    });
  }
});

let bin: string;

function shim(cli: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), "crmrules-bin-"));
  writeFileSync(path.join(dir, "crmrules"), `#!/bin/sh\nexec "${process.execPath}" "${cli}" "$@"\n`);
  chmodSync(path.join(dir, "crmrules"), 0o755);
  return dir;
}

const git = (args: string[], cwd: string) => execFileSync("git", ["-c", "user.name=docs", "-c", "user.email=docs@example.com", ...args], { cwd, encoding: "utf8" });

/** A repository with what the docs name: examples/, rules/ (examples/acme), leads.jsonl, branches main and origin/main. A block's `cwd=DIR` runs in DIR of it. */
function sandbox(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "crmrules-docs-"));
  cpSync(path.join(REPO, "examples"), path.join(dir, "examples"), { recursive: true });
  cpSync(path.join(REPO, "examples/acme"), path.join(dir, "rules"), { recursive: true });
  git(["init", "-q", "-b", "main"], dir);
  // The project's DuckDB, as a user's project has it installed (runtime/data/duckdb.ts also looks in the
  // working directory's node_modules); kept out of the sandbox's commits.
  mkdirSync(path.join(dir, "node_modules"));
  symlinkSync(path.join(REPO, "node_modules", "@duckdb"), path.join(dir, "node_modules", "@duckdb"));
  writeFileSync(path.join(dir, ".git", "info", "exclude"), "node_modules\n");
  run("crmrules generate rules --leads 200 --seed 3 --out leads.jsonl", dir);
  git(["add", "."], dir);
  git(["commit", "-q", "-m", "rules"], dir);
  git(["update-ref", "refs/remotes/origin/main", "main"], dir);
  return dir;
}

function run(command: string, cwd: string) {
  const line = command.replace(/(^|[|;&(]\s*)npx crmrules\b/g, "$1crmrules");
  const r = spawnSync("bash", ["-o", "pipefail", "-c", line], { cwd, input: "", encoding: "utf8", timeout: 240_000, env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, NO_COLOR: "1", GIT_AUTHOR_NAME: "docs", GIT_AUTHOR_EMAIL: "docs@example.com", GIT_COMMITTER_NAME: "docs", GIT_COMMITTER_EMAIL: "docs@example.com" } });
  return { line, code: r.status, stderr: r.stderr ?? "", stdout: r.stdout ?? "", timedOut: r.error !== undefined };
}

const isCrmrules = (c: string) => /(^|[|;&(]\s*)(npx )?crmrules\s/.test(c);

function expectRuns(doc: string, b: Block, cwd: string, opts: { exitZero?: boolean } = {}) {
  const failures: string[] = [];
  for (const c of shellCommands(b.text).filter(isCrmrules)) {
    const r = run(c, cwd);
    const ok = !r.timedOut && (opts.exitZero ? r.code === 0 : r.code === 0 || r.code === 1) && !/unexpected error|\n\s+at /.test(r.stderr);
    if (!ok) failures.push(`${where(doc, b)} \`${c}\` exited with ${r.timedOut ? "a time-out" : r.code}: ${r.stderr.slice(0, 400)}`);
  }
  expect(failures).toEqual([]);
}

describe("docs shell blocks run", () => {
  let dir: string;
  beforeAll(async () => {
    bin = shim(await buildCli());
    dir = sandbox();
  }, 120_000);

  for (const [doc, bs] of blocks) {
    if (doc === "docs/tutorial.md") continue;
    for (const b of bs) {
      if (b.lang !== "sh" || b.attrs["tested-by"] || b.attrs["not-run"]) continue;
      it(`${where(doc, b)}`, () => {
        const commands = shellCommands(b.text);
        expect(commands.filter(isCrmrules).length, "a sh block with no crmrules command needs `not-run` or `tested-by=`").toBeGreaterThan(0);
        expectRuns(doc, b, typeof b.attrs.cwd === "string" ? path.join(dir, b.attrs.cwd) : dir);
      }, 600_000); // README's block generates and replays 85,000 leads
    }
  }
});

describe("docs workflow steps run", () => {
  // One-line `run: npx crmrules …` steps of the docs' workflows (the multi-line ones use GitHub's
  // expressions; docs/ci.md's action workflow is test/action/action.test.ts).
  const steps = [...blocks].flatMap(([doc, bs]) =>
    bs
      .filter((b) => b.lang === "yaml")
      .flatMap((b) => [...b.text.matchAll(/^\s*-?\s*run: (npx crmrules [^\n]*)$/gm)].map((m) => ({ doc, b, command: m[1]! })))
      .filter((x) => !x.command.includes("${{")),
  );
  it("has steps", () => expect(steps.length).toBeGreaterThan(2));
  it.each(steps.map((x) => [where(x.doc, x.b), x.command] as const))("%s %s", async (_, command) => {
    bin ??= shim(await buildCli());
    const dir = sandbox();
    const r = run(command, dir);
    expect([0, 1], `${command}: ${r.stderr}`).toContain(r.code);
  });
});

describe("docs/tutorial.md runs from an empty folder", () => {
  const doc = "docs/tutorial.md";
  const bs = blocks.get(doc) ?? [];
  it("exists, with files and commands", () => {
    expect(bs.filter((b) => b.attrs.file).length).toBeGreaterThanOrEqual(3);
    expect(bs.filter((b) => b.lang === "sh").length).toBeGreaterThanOrEqual(3);
  });
  it("every step works, in order, and the workspace ends clean", async () => {
    bin ??= shim(await buildCli());
    const dir = mkdtempSync(path.join(tmpdir(), "crmrules-tutorial-"));
    // Step 1 (its `npm install` of the tarball is test/package/install.test.ts; here the built CLI stands in).
    git(["init", "-q", "-b", "main"], dir);
    writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "my-rules", version: "1.0.0" }, null, 2));
    for (const b of bs) {
      if (typeof b.attrs.file === "string") {
        mkdirSync(path.dirname(path.join(dir, b.attrs.file)), { recursive: true });
        writeFileSync(path.join(dir, b.attrs.file), b.text);
        if (b.lang === "crmrules") expect(formatDiff(b.text), `${where(doc, b)} is not in the formatter's layout`).toBeUndefined();
      } else if (b.lang === "sh" && !b.attrs["tested-by"] && !b.attrs["not-run"]) {
        for (const c of shellCommands(b.text)) {
          const r = isCrmrules(c) || /^(git|mkdir|cd)\b/.test(c) ? run(c, dir) : undefined;
          if (!r) continue;
          const expected = b.attrs.exit === undefined ? 0 : Number(b.attrs.exit);
          expect(r.code, `${where(doc, b)} \`${c}\`: ${r.stderr}${r.stdout.slice(0, 600)}`).toBe(expected);
        }
      }
    }
    expect(errorsOf(crmSources(dir), dir)).toEqual([]);
  }, 300_000);
});
