/**
 * The extension's Marketplace package (issue 19 item 6): `vsce package` runs
 * without the flags that skipped its LICENSE and repository checks (with no
 * terminal to answer its questions, a missing LICENSE or repository fails it),
 * and the page it shows, docs/extension.md, names only commands that exist,
 * has no section for the extension's developers, and links only files that
 * the package contains. Staged in a temporary folder so dist/ is not rewritten.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const PKG = JSON.parse(readFileSync(path.join(REPO, "package.json"), "utf8"));
const PAGE = readFileSync(path.join(REPO, "docs/extension.md"), "utf8");

let vsix: string;
let entries: string[];
let vsceLog: string;

beforeAll(() => {
  const stage = mkdtempSync(path.join(tmpdir(), "crmrules-vsix-"));
  execFileSync(process.execPath, [path.join(REPO, "scripts/build.mjs"), "--production", "--outdir", path.join(stage, "dist")], { stdio: "inherit" });
  for (const f of ["package.json", ".vscodeignore", "LICENSE", "CHANGELOG.md", "docs", "images", "grammar", "schemas", "client/walkthrough"]) cpSync(path.join(REPO, f), path.join(stage, f), { recursive: true });
  // The package script's vsce arguments, as written in package.json.
  const script: string = PKG.scripts.package;
  const args = script.slice(script.indexOf("vsce package") + "vsce ".length).split(/\s+/).filter(Boolean);
  vsix = path.join(stage, args[args.indexOf("-o") + 1]!);
  const r = spawnSync(path.join(REPO, "node_modules/.bin/vsce"), args, { cwd: stage, encoding: "utf8", input: "" });
  vsceLog = r.stdout + r.stderr;
  if (r.status !== 0) throw new Error(`vsce failed (${r.status}):\n${vsceLog}`);
  entries = execFileSync("unzip", ["-Z1", vsix], { encoding: "utf8" }).split("\n").filter(Boolean);
}, 300_000);

describe("the .vsix", () => {
  it("is packaged without skipping the licence and repository checks", () => {
    expect(PKG.scripts.package).not.toMatch(/--skip-license|--allow-missing-repository/);
    expect(vsceLog).not.toMatch(/LICENSE.*not found|repository.*missing/i);
    expect(existsSync(vsix)).toBe(true);
  });

  it("contains the licence, the page, the changelog with versions and the bundles, and no sources or tests", () => {
    expect(entries).toEqual(expect.arrayContaining(["extension/LICENSE.txt", "extension/readme.md", "extension/changelog.md", "extension/dist/client.js", "extension/dist/server.js", "extension/dist/cli.js", "extension/dist/cli-main.js", "extension/dist/debug.js"]));
    expect(entries.filter((e) => /^extension\/(test|core|cli|server\/src|bench)\//.test(e))).toEqual([]);
    const changelog = execFileSync("unzip", ["-p", vsix, "extension/changelog.md"], { encoding: "utf8" });
    expect(changelog).toMatch(/^## \[\d+\.\d+\.\d+\] — \d{4}-\d\d-\d\d$/m);
    const manifest = execFileSync("unzip", ["-p", vsix, "extension.vsixmanifest"], { encoding: "utf8" });
    expect(manifest).toContain(PKG.repository.url.replace(/^git\+/, ""));
  });
});

describe("the Marketplace page (docs/extension.md)", () => {
  it("has no section for the extension's developers", () => {
    expect(PAGE).not.toMatch(/^#+ .*develop/im);
    expect(PAGE).not.toMatch(/npm run|vitest|test\/e2e/);
  });

  it("names only crmrules commands that exist", async () => {
    const { buildCli } = await import("../cli/harness.js");
    const cli = await buildCli();
    const help = execFileSync(process.execPath, [cli, "--help"], { encoding: "utf8" });
    const commands = new Set([...help.matchAll(/^ {2}([a-z]+)\b/gm)].map((m) => m[1]!));
    expect(commands.has("check")).toBe(true);
    const named = [...PAGE.matchAll(/`crmrules ([a-z]+)/g)].map((m) => m[1]!);
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((c) => !commands.has(c))).toEqual([]);
  });

  it("shows only images the package contains", () => {
    const images = [...PAGE.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((m) => m[1]!);
    // The page shows the extension at work (screenshots from the real-VS-Code suite, test/e2e/screenshots).
    expect(images.filter((i) => /screenshot/.test(i)).length).toBeGreaterThanOrEqual(2);
    for (const img of images) {
      expect(img).toMatch(/^images\//);
      expect(entries).toContain(`extension/${img}`);
    }
  });
});
