// Issue 13: never crash, never fail open. The built CLI runs as a subprocess, on the main thread's default
// stack (where 2,000-term chains and 200 nested parentheses overflowed), over examples/acme plus one bad file.
// The guard per file is proved both with the real reproductions and with a fault injected into one step
// (CRMRULES_INJECT_FAULT, a test-only hook): that file gets one CR9001, every other file is still handled.
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO, run } from "./harness.js";

const ACME = path.join(REPO, "examples", "acme");
const terms = (n: number, t: string, op: string) => Array(n).fill(t).join(` ${op} `);

/** examples/acme in a temporary folder, plus `extra` files. */
function acmeWith(extra: Record<string, string> = {}): string {
  const dir = mkdtempSync(path.join(tmpdir(), "crmrules-robust-"));
  cpSync(ACME, dir, { recursive: true });
  for (const [name, text] of Object.entries(extra)) writeFileSync(path.join(dir, name), text);
  return dir;
}

interface JsonDiag {
  code: string;
  file: string;
  line: number;
  message: string;
}
const diagsOf = (stdout: string): JsonDiag[] => (JSON.parse(stdout) as { diagnostics: JsonDiag[] }).diagnostics;
const strip = (ds: JsonDiag[], file: string) => ds.filter((d) => d.file !== file).map((d) => `${d.file}:${d.line} ${d.code} ${d.message}`);

const IMPORT = 'import "./schema.crmrules"\n';
const REPRODUCTIONS: Record<string, string> = {
  "plus-chain.crmrules": IMPORT + `stage chain_b when lead.company_size > ${terms(2000, "1", "+")}\n`,
  "and-chain.crmrules": IMPORT + `stage chain_c when ${terms(3000, "lead.company_size > 1", "and")}\n`,
  "or-chain.crmrules": IMPORT + `stage chain_d when ${terms(3000, "lead.company_size > 1", "or")}\n`,
  "parens.crmrules": IMPORT + `stage deep_a when ${"(".repeat(230)}lead.company_size > 1${")".repeat(230)}\n`,
  "brackets.crmrules": IMPORT + `stage deep_b when lead.country in ${"[".repeat(150)}NO${"]".repeat(150)}\n`,
  "nots.crmrules": IMPORT + `stage deep_c when ${"not ".repeat(2000)}lead.company_size > 1\n`,
  "minus.crmrules": IMPORT + `stage deep_d when lead.company_size > ${"-".repeat(1000)}1\n`,
};

describe("the real reproductions in examples/acme", async () => {
  const clean = await run(["check", "--format", "json", "."], { cwd: acmeWith() });
  const acmeDiags = diagsOf(clean.stdout);

  for (const [name, text] of Object.entries(REPRODUCTIONS)) {
    it(`check, sarif and test with ${name} added: no internal error, every other file reported as before`, async () => {
      const dir = acmeWith({ [name]: text });
      const json = await run(["check", "--format", "json", "."], { cwd: dir });
      expect(json.stderr).not.toContain("internal error");
      const diags = diagsOf(json.stdout);
      expect(diags.some((d) => d.code === "CR9001" || d.code === "CR1000")).toBe(false);
      expect(strip(diags, name)).toEqual(strip(acmeDiags, name));
      // The deep ones are one CR1011 in their file (and a list of lists of countries is not a set of countries);
      // the chains have no finding at all.
      const own = diags.filter((d) => d.file === name);
      expect(own.map((d) => d.code).sort()).toEqual(name.includes("chain") ? [] : name === "brackets.crmrules" ? ["CR1011", "CR3002"] : ["CR1011"]);

      const sarif = await run(["check", "--format", "sarif", "."], { cwd: dir });
      expect(sarif.stdout.length).toBeGreaterThan(1000);
      expect((JSON.parse(sarif.stdout) as { runs: { results: unknown[] }[] }).runs[0]!.results.length).toBe(diags.length);

      const test = await run(["test", "--format", "json", "."], { cwd: dir });
      expect(test.stderr).not.toContain("internal error");
      const summary = (JSON.parse(test.stdout) as { summary: { journeys: number; passed: number } }).summary;
      expect(summary.journeys).toBe(readdirSync(path.join(ACME, "journeys")).length);
    });
  }

  it("230 nested parentheses: the same findings on every run", async () => {
    const dir = acmeWith({ "parens.crmrules": REPRODUCTIONS["parens.crmrules"]! });
    const outs = new Set<string>();
    for (let i = 0; i < 4; i++) outs.add((await run(["check", "--format", "json", "."], { cwd: dir })).stdout);
    expect(outs.size).toBe(1);
  });

  it("fmt DIR formats every file, a 10,000-term `and` chain included", async () => {
    const chain = IMPORT + `stage chain_e when ${terms(10_000, "lead.company_size > 1", "   and")}\n`;
    const dir = acmeWith({ "chain.crmrules": chain, "messy.crmrules": 'queue   messy   "Messy"\n' });
    const r = await run(["fmt", "."], { cwd: dir });
    expect(r.stderr).not.toContain("internal error");
    expect(r.code).toBe(0);
    expect(readFileSync(path.join(dir, "messy.crmrules"), "utf8")).toBe('queue messy "Messy"\n');
    const words = (t: string) => t.split(/\s+/).filter(Boolean);
    const formatted = readFileSync(path.join(dir, "chain.crmrules"), "utf8");
    expect(formatted).not.toBe(chain);
    expect(words(formatted)).toEqual(words(chain));
    expect((await run(["fmt", "--check", "."], { cwd: dir })).code).toBe(0);
  });
});

describe("a fault injected into one file's step", () => {
  const env = (spec: string) => ({ env: { CRMRULES_INJECT_FAULT: spec } });

  it("check: a throw while binding one file (its declarations) is one CR9001 there; the files that do not import it keep their findings", async () => {
    const dir = acmeWith({ "lonely.crmrules": "// imported by nothing\nset lonely_set = [NO]\n" });
    const before = diagsOf((await run(["check", "--format", "json", "."], { cwd: dir })).stdout);
    const json = await run(["check", "--format", "json", "."], { cwd: dir, ...env("read:lonely.crmrules") });
    expect(json.code).toBe(1);
    const diags = diagsOf(json.stdout);
    expect(diags.filter((d) => d.file === "lonely.crmrules").map((d) => d.code)).toEqual(["CR9001"]);
    expect(strip(diags, "lonely.crmrules")).toEqual(strip(before, "lonely.crmrules"));
  });

  it("check: that file gets one CR9001, every other file its findings, in text, json and sarif", async () => {
    const dir = acmeWith();
    const before = diagsOf((await run(["check", "--format", "json", "."], { cwd: dir })).stdout);
    const json = await run(["check", "--format", "json", "."], { cwd: dir, ...env("check:routing.crmrules") });
    expect(json.code).toBe(1);
    const diags = diagsOf(json.stdout);
    const mine = diags.filter((d) => d.file === "routing.crmrules");
    expect(mine.map((d) => d.code)).toEqual(["CR9001"]);
    expect(mine[0]!.message).toMatch(/^internal error while checking this file \(Error: fault injected for a test/);
    expect(strip(diags, "routing.crmrules")).toEqual(strip(before, "routing.crmrules"));
    const sarif = await run(["check", "--format", "sarif", "."], { cwd: dir, ...env("check:routing.crmrules") });
    expect(sarif.stdout).toContain("CR9001");
    const text = await run(["check", "."], { cwd: dir, ...env("check:routing.crmrules") });
    expect(text.stdout).toContain("CR9001");
    expect(text.stderr).not.toContain("    at ");
  });

  it("test: a journey file whose run fails is one CR9001 on stderr; every other journey runs", async () => {
    const dir = acmeWith();
    const r = await run(["test", "--format", "json", "."], { cwd: dir, ...env("simulate:journeys/erasure.crmrules") });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/journeys\/erasure\.crmrules CR9001 internal error while simulating this file's journeys/);
    const out = JSON.parse(r.stdout) as { summary: { journeys: number; passed: number }; journeys: { file: string }[] };
    const total = readdirSync(path.join(ACME, "journeys")).length;
    expect(out.summary.journeys).toBe(total - 1);
    expect(out.summary.passed).toBe(total - 1);
    expect(out.journeys.some((j) => j.file.endsWith("erasure.crmrules"))).toBe(false);
  });

  it("simulate: the failing journey is reported, exit 1", async () => {
    const dir = acmeWith();
    const r = await run(["simulate", "journeys/erasure.crmrules", "."], { cwd: dir, ...env("simulate:journeys/erasure.crmrules") });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("CR9001 internal error while simulating");
    expect(r.stderr).not.toContain("    at ");
  });

  it("fmt: the failing file is left as it is and named; every other file is formatted; exit 2", async () => {
    const dir = acmeWith({ "a-messy.crmrules": 'queue   a   "A"\n', "z-messy.crmrules": 'queue   z   "Z"\n' });
    const r = await run(["fmt", "."], { cwd: dir, ...env("format:a-messy.crmrules") });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/a-messy\.crmrules CR9001 internal error while formatting this file/);
    expect(readFileSync(path.join(dir, "a-messy.crmrules"), "utf8")).toBe('queue   a   "A"\n');
    expect(readFileSync(path.join(dir, "z-messy.crmrules"), "utf8")).toBe('queue z "Z"\n');
  });
});
