// The catalogue is complete and documented: every code has a title, help and a docs section.
import { readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { allCodes, makeDiagnostic } from "../../core/diagnostics/catalogue.js";
import { EMPTY_RANGE } from "../../core/text/positions.js";
import ts from "typescript";

describe("diagnostics catalogue", () => {
  it("has unique, well-formed codes with titles and help", () => {
    const codes = allCodes().map((e) => e.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const e of allCodes()) {
      expect(e.code).toMatch(/^CR[1-59]\d{3}$/);
      expect(e.title.length).toBeGreaterThan(3);
      expect(e.help.length).toBeGreaterThan(20);
    }
  });

  it("includes the syntax codes the parser emits", () => {
    // The parser is core/syntax/parser.ts and its layers in core/syntax/parser/.
    const layers = readdirSync(resolve(__dirname, "../../core/syntax/parser")).map((f) => `parser/${f}`);
    const parserText = ["parser.ts", "parse.ts", ...layers].map((f) => readFileSync(resolve(__dirname, "../../core/syntax", f), "utf8")).join("\n");
    expect(parserText).toContain('"CR1011"');
    const emitted = new Set([...parserText.matchAll(/"(CR1\d{3})"/g)].map((m) => m[1]!));
    const known = new Set<string>(allCodes().map((e) => e.code));
    expect([...emitted].filter((c) => !known.has(c))).toEqual([]);
  });

  it("is documented in docs/diagnostics.md, one section per code", () => {
    const doc = readFileSync(resolve(__dirname, "../../docs/diagnostics.md"), "utf8");
    for (const e of allCodes()) expect(doc, e.code).toContain(`## ${e.code} — ${e.title}`);
  });

  it("builds diagnostics with the default severity unless told otherwise", () => {
    expect(makeDiagnostic("CR2007", "/a", EMPTY_RANGE, "x").severity).toBe("warning");
    expect(makeDiagnostic("CR2007", "/a", EMPTY_RANGE, "x", { severity: "error" }).severity).toBe("error");
  });
});

describe("typed codes", () => {
  // The TypeScript compiler on a two-line probe next to this file: a code of the catalogue
  // compiles, a misspelt one does not (DiagnosticCode is the union of the catalogue's codes).
  function compileErrors(source: string): string[] {
    const file = resolve(__dirname, "__codeProbe__.ts");
    const options: ts.CompilerOptions = { strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, skipLibCheck: true, types: [] };
    const host = ts.createCompilerHost(options);
    const { getSourceFile, fileExists, readFile } = host;
    host.getSourceFile = (name, lang, ...rest) => (name === file ? ts.createSourceFile(name, source, lang) : getSourceFile.call(host, name, lang, ...rest));
    host.fileExists = (name) => name === file || fileExists.call(host, name);
    host.readFile = (name) => (name === file ? source : readFile.call(host, name));
    const program = ts.createProgram([file], options, host);
    return ts.getPreEmitDiagnostics(program, program.getSourceFile(file)).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
  }
  const probe = (code: string) =>
    `import { makeDiagnostic } from "../../core/diagnostics/catalogue.js";\nimport { EMPTY_RANGE } from "../../core/text/positions.js";\nexport const d = makeDiagnostic(${JSON.stringify(code)}, "/x.crmrules", EMPTY_RANGE, "x");\n`;

  it("a misspelt code does not compile", () => {
    expect(compileErrors(probe("CR2001"))).toEqual([]);
    const errors = compileErrors(probe("CR2O01"));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/"CR2O01"' is not assignable/);
  });
});
