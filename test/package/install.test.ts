/**
 * The npm package (issue 19 item 1): `npm pack` ships only the bundles, docs,
 * LICENSE and changelog; the tarball installs into an empty folder with no
 * dependencies to fetch, and the installed `crmrules` runs `check`, `test`,
 * `simulate --events` and `lsp` there, on the system's Node 20 and on the
 * project's own Node 22 (node_modules/.bin/node).
 *
 * The package is staged in a temporary folder (the bundles are built there with
 * `scripts/build.mjs --production --outdir`, as `npm pack` builds them in the
 * repository), so this test never rewrites the repository's dist/.
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const PKG = JSON.parse(readFileSync(path.join(REPO, "package.json"), "utf8"));

/** The Node versions the installed CLI is tested on: the system's (Node 20 here) and the project's Node 22. */
const NODES = [
  { label: "system node", bin: "/usr/bin/node" },
  { label: "project node 22", bin: path.join(REPO, "node_modules/node/bin/node") },
].filter((n) => existsSync(n.bin));

function npm(args: string[], cwd: string): { stdout: string; stderr: string } {
  // The outer npm's settings (npm_config_*) must not leak into the inner one.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  const r = spawnSync("npm", args, { cwd, encoding: "utf8", env: { ...env, npm_config_update_notifier: "false", npm_config_fund: "false", npm_config_audit: "false" } });
  if (r.status !== 0) throw new Error(`npm ${args.join(" ")} failed (${r.status}):\n${r.stderr}`);
  return { stdout: r.stdout, stderr: r.stderr };
}

let tarball: string;
let packed: string[];
let app: string;
let installLog: string;
let work: string;

beforeAll(() => {
  const stage = mkdtempSync(path.join(tmpdir(), "crmrules-stage-"));
  execFileSync(process.execPath, [path.join(REPO, "scripts/build.mjs"), "--production", "--outdir", path.join(stage, "dist")], { stdio: "inherit" });
  for (const f of ["package.json", ".npmignore", "README.md", "LICENSE", "CHANGELOG.md", "docs", "editors", "schemas", "test/package"]) cpSync(path.join(REPO, f), path.join(stage, f), { recursive: true });
  const out = mkdtempSync(path.join(tmpdir(), "crmrules-tgz-"));
  const pack = JSON.parse(npm(["pack", "--ignore-scripts", "--json", "--pack-destination", out], stage).stdout)[0];
  packed = pack.files.map((f: { path: string }) => f.path).sort();
  tarball = path.join(out, pack.filename);
  app = mkdtempSync(path.join(tmpdir(), "crmrules-app-"));
  writeFileSync(path.join(app, "package.json"), JSON.stringify({ name: "rules-repo", version: "1.0.0", private: true }, null, 2));
  installLog = npm(["install", "--save-dev", "--offline", tarball], app).stderr;
  work = mkdtempSync(path.join(tmpdir(), "crmrules-work-"));
  cpSync(path.join(REPO, "examples/acme"), path.join(work, "rules"), { recursive: true });
}, 300_000);

describe("npm pack", () => {
  it("ships the bundles, docs, the neovim files, LICENSE and changelog, and nothing else", () => {
    expect(packed).toEqual(
      [
        "CHANGELOG.md",
        "LICENSE",
        "README.md",
        "dist/cli-main.js",
        "dist/cli.js",
        "dist/dask-driver.py",
        "dist/debug.js",
        "dist/server.js",
        "dist/worker.js",
        "docs/trace.schema.json",
        "editors/neovim/ftdetect/crmrules.vim",
        "editors/neovim/lua/crmrules.lua",
        "schemas/crmrules.schema.json",
        ...readdirSync(path.join(REPO, "docs"))
          .filter((f) => f.endsWith(".md"))
          .map((f) => `docs/${f}`),
        "package.json",
      ].sort(),
    );
  });

  it("the repository's own pack list has no tests, benchmarks or CI files", () => {
    const files = JSON.parse(npm(["pack", "--dry-run", "--ignore-scripts", "--json"], REPO).stdout)[0].files.map((f: { path: string }) => f.path);
    expect(files.filter((f: string) => /^(test|bench|\.ci|scripts|core|cli|server|client|runtime|examples)\//.test(f))).toEqual([]);
    expect(files).toContain("LICENSE");
  });

  it("is publishable: not private, versioned, licensed, with a repository, engines and no runtime dependencies", () => {
    expect(PKG.private).toBeUndefined();
    expect(PKG.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(PKG.license).toBe("MIT");
    expect(readFileSync(path.join(REPO, "LICENSE"), "utf8")).toMatch(/^MIT License/);
    expect(PKG.repository.url).toMatch(/^git\+https:\/\//);
    expect(PKG.engines.node).toBe(">=20.0.0");
    expect(PKG.dependencies ?? {}).toEqual({});
    const changelog = readFileSync(path.join(REPO, "CHANGELOG.md"), "utf8");
    expect(changelog).toMatch(new RegExp(`^## \\[${PKG.version.replace(/\./g, "\\.")}\\] — \\d{4}-\\d\\d-\\d\\d$`, "m"));
  });

  it("installs from the tarball into an empty folder with nothing to fetch and no engine warnings", () => {
    expect(installLog).not.toMatch(/EBADENGINE|ERR!/);
    expect(existsSync(path.join(app, "node_modules/.bin/crmrules"))).toBe(true);
    expect(readdirSync(path.join(app, "node_modules")).filter((d) => !d.startsWith("."))).toEqual(["crmrules"]);
  });
});

for (const node of NODES) {
  describe(`the installed crmrules on the ${node.label}`, () => {
    const cli = (args: string[], input?: string) => {
      // As `npx crmrules` runs it: the bin link, with this Node first on PATH.
      const r = spawnSync(path.join(app, "node_modules/.bin/crmrules"), args, {
        cwd: work,
        input,
        encoding: "utf8",
        env: { ...process.env, PATH: `${path.dirname(node.bin)}:${process.env.PATH}`, NO_COLOR: "1" },
      });
      return { code: r.status, stdout: r.stdout, stderr: r.stderr };
    };

    it("runs on that Node", () => {
      const r = spawnSync(node.bin, ["--version"], { encoding: "utf8" });
      const v = cli(["--version"]);
      expect(v.stderr).toBe("");
      expect(v.stdout.trim()).toBe(PKG.version);
      expect(r.stdout).toMatch(/^v\d+\./);
    });

    it("check", () => {
      const r = cli(["check", "rules"]);
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^no problems in \d+ files\n$/);
      const sarif = cli(["check", "rules", "--format", "sarif"]);
      expect(JSON.parse(sarif.stdout).runs[0].tool.driver.version).toBe(PKG.version);
    });

    it("test", () => {
      const r = cli(["test", "rules"]);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/\d+ passed, 0 failed/);
    });

    it("simulate --events (worker threads included)", () => {
      const gen = cli(["generate", "rules", "--leads", "300", "--seed", "7", "--out", "leads.jsonl"]);
      expect(gen.code).toBe(0);
      const r = cli(["simulate", "rules", "--events", "leads.jsonl", "--workers", "2", "--format", "json"]);
      expect(r.stderr).not.toMatch(/error|crmrules:|[1-9]\d* malformed/i);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).summary.leads).toBe(300);
    });

    it("lsp answers initialize and reports a file's diagnostics", async () => {
      const child = spawn(path.join(app, "node_modules/.bin/crmrules"), ["lsp", "--stdio"], { cwd: work, env: { ...process.env, PATH: `${path.dirname(node.bin)}:${process.env.PATH}` } });
      let buf = "";
      const messages: { id?: number; method?: string; params?: { uri?: string; diagnostics?: unknown[] }; result?: { capabilities?: object } }[] = [];
      child.stdout.on("data", (d: Buffer) => {
        buf += d.toString("utf8");
        for (;;) {
          const m = /Content-Length: (\d+)\r\n\r\n/.exec(buf);
          if (!m || buf.length < m.index + m[0].length + Number(m[1])) break;
          messages.push(JSON.parse(buf.slice(m.index + m[0].length, m.index + m[0].length + Number(m[1]))));
          buf = buf.slice(m.index + m[0].length + Number(m[1]));
        }
      });
      const send = (msg: object) => {
        const body = JSON.stringify({ jsonrpc: "2.0", ...msg });
        child.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
      };
      const waitFor = async <T>(pick: () => T | undefined): Promise<T> => {
        for (let i = 0; i < 300; i++) {
          const v = pick();
          if (v !== undefined) return v;
          await new Promise((r) => setTimeout(r, 50));
        }
        throw new Error(`no answer from the language server; got ${JSON.stringify(messages).slice(0, 500)}`);
      };
      try {
        const uri = `file://${work}/scratch.crmrules`;
        send({ id: 1, method: "initialize", params: { processId: null, rootUri: null, capabilities: {}, workspaceFolders: null } });
        const init = await waitFor(() => messages.find((m) => m.id === 1));
        expect(init.result?.capabilities).toBeDefined();
        send({ method: "initialized", params: {} });
        send({ method: "textDocument/didOpen", params: { textDocument: { uri, languageId: "crmrules", version: 1, text: "stage mql when fitt >= 20\n" } } });
        const diags = await waitFor(() => messages.find((m) => m.method === "textDocument/publishDiagnostics" && m.params?.uri === uri && (m.params.diagnostics?.length ?? 0) > 0));
        expect(JSON.stringify(diags.params!.diagnostics)).toContain("fitt");
        send({ id: 2, method: "shutdown" });
        await waitFor(() => messages.find((m) => m.id === 2));
        send({ method: "exit" });
      } finally {
        child.kill();
      }
    });
  });
}

it("tests at least the system Node and the project's Node 22", () => {
  expect(NODES.map((n) => n.label)).toEqual(["system node", "project node 22"]);
  expect(spawnSync(NODES[1]!.bin, ["--version"], { encoding: "utf8" }).stdout).toMatch(/^v22\./);
});
