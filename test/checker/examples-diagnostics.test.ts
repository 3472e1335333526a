// examples/diagnostics deliberately contains every code the checker can produce,
// each marked by a `// CRxxxx` comment on the line it is reported on.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { allCodes } from "../../core/diagnostics/catalogue.js";
import { checkFolder, crmFiles } from "./helpers.js";

const dir = resolve(__dirname, "..", "..", "examples", "diagnostics");
/**
 * Codes no source text can produce: CR1000 is the parser's safety net for an internal failure, CR9001 the guard per file for any other.
 * CR3040 (a failing journey expectation) comes from simulating journeys, not from checking (test/server/expectationDiagnostics.test.ts).
 */
const UNREACHABLE = new Set(["CR1000", "CR9001", "CR3040"]);

describe("examples/diagnostics", () => {
  const check = checkFolder(dir);
  const markers = new Map<string, string[]>(); // "uri:line" → codes
  for (const file of crmFiles(dir)) {
    readFileSync(file, "utf8")
      .split(/\r?\n/)
      .forEach((line, i) => {
        const m = /\/\/(.*)$/.exec(line);
        const codes = m ? [...m[1]!.matchAll(/CR\d{4}/g)].map((x) => x[0]) : [];
        if (codes.length) markers.set(`${resolve(file)}:${i}`, codes);
      });
  }

  it("has markers", () => {
    expect(markers.size).toBeGreaterThan(40);
  });

  it("contains every catalogue code", () => {
    const produced = new Set(check.diagnostics.map((d) => d.code));
    const missing = allCodes()
      .map((e) => e.code)
      .filter((c) => !UNREACHABLE.has(c) && !produced.has(c));
    expect(missing).toEqual([]);
  });

  it("reports every marked code on its line", () => {
    const problems: string[] = [];
    for (const [key, codes] of markers) {
      const at = key.lastIndexOf(":");
      const uri = key.slice(0, at);
      const line = Number(key.slice(at + 1));
      const here: string[] = check.diagnostics.filter((d) => d.uri === uri && d.range.start.line === line).map((d) => d.code);
      for (const c of codes) if (!here.includes(c)) problems.push(`${uri.slice(dir.length + 1)}:${line + 1} expected ${c}, found ${here.join(", ") || "nothing"}`);
    }
    expect(problems).toEqual([]);
  });

  it("marks every diagnostic it produces", () => {
    const unmarked = check.diagnostics
      .filter((d) => !(markers.get(`${d.uri}:${d.range.start.line}`) ?? []).includes(d.code))
      .map((d) => `${d.uri.slice(dir.length + 1)}:${d.range.start.line + 1} ${d.code} ${d.message}`);
    expect(unmarked).toEqual([]);
  });

  it("emits only catalogue codes, with the catalogue's severity", () => {
    const byCode = new Map(allCodes().map((e) => [e.code, e]));
    for (const d of check.diagnostics) {
      expect(byCode.has(d.code), d.code).toBe(true);
      expect(d.severity, d.code).toBe(byCode.get(d.code)!.severity);
    }
  });

  it("writes messages for people: lowercase start, no final period", () => {
    for (const d of check.diagnostics) {
      expect(d.message[0], d.message).toBe(d.message[0]!.toLowerCase());
      expect(d.message.endsWith("."), d.message).toBe(false);
    }
  });

  it("keeps every range inside its file", () => {
    for (const d of check.diagnostics) {
      const text = check.files.get(d.uri)!.lines.text;
      expect(d.range.start.offset).toBeLessThanOrEqual(d.range.end.offset);
      expect(d.range.end.offset).toBeLessThanOrEqual(text.length);
    }
  });
});

