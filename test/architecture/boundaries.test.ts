// Architecture invariants, checked on the source text:
// the core imports no editor or protocol package and does no IO; only the
// adapters (server/, client/, cli/, runtime/) may. The custom requests between
// the server and the extension have one definition, protocol/journeys.ts.
// Inside the core: syntax ← binder ← checker, the engine reads the AST and the
// check result only, nothing imports a leaf analysis; and each shared fact has
// one definition.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(__dirname, "..", "..");

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...tsFiles(p));
    else if (p.endsWith(".ts")) out.push(p);
  }
  return out;
}

const importRe = /(?:import|export)\s[^;]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)|require\(\s*["']([^"']+)["']\s*\)|^import\s+["']([^"']+)["']/gm;

function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const found: string[] = [];
  for (const m of text.matchAll(importRe)) found.push((m[1] ?? m[2] ?? m[3] ?? m[4])!);
  return found;
}

const FORBIDDEN_IN_CORE = [/^vscode/, /^vscode-languageserver/, /^vscode-languageclient/, /^(node:)?fs/, /^(node:)?child_process/, /^(node:)?worker_threads/, /^(node:)?net/, /^(node:)?http/];

describe("architecture boundaries", () => {
  const coreFiles = tsFiles(join(root, "core"));

  it("finds the core sources", () => {
    expect(coreFiles.length).toBeGreaterThan(5);
  });

  it("core imports no editor, protocol or IO module", () => {
    const offenders: string[] = [];
    for (const f of coreFiles)
      for (const spec of importsOf(f)) if (FORBIDDEN_IN_CORE.some((re) => re.test(spec))) offenders.push(`${relative(root, f)} imports ${spec}`);
    expect(offenders).toEqual([]);
  });

  it("core never imports an adapter", () => {
    const offenders: string[] = [];
    for (const f of coreFiles)
      for (const spec of importsOf(f))
        if (/(^|\/)(server|client|cli|runtime)\//.test(spec) && spec.startsWith(".")) offenders.push(`${relative(root, f)} imports ${spec}`);
    expect(offenders).toEqual([]);
  });

  // Adapters share code only through the core: the server, the extension and the data runtime never
  // reach into the CLI (the CLI may start the server: `crmrules lsp`).
  it("no adapter imports the CLI", () => {
    const offenders: string[] = [];
    for (const d of [join("server", "src"), join("client", "src"), "runtime"])
      for (const f of tsFiles(join(root, d)))
        for (const spec of importsOf(f)) if (spec.startsWith(".") && /(^|\/)cli\//.test(spec)) offenders.push(`${relative(root, f)} imports ${spec}`);
    expect(offenders).toEqual([]);
  });

  // Only the server knows the LSP; only the extension knows VS Code; only the CLI knows exit codes.
  // `crmrules lsp` (cli/commands/lsp.ts) opens the server's connection on standard input/output.
  it("only the server speaks the LSP, only the extension imports VS Code, only the CLI exits the process", () => {
    const adapters = ["server", "client", "cli", "runtime", "debug", "protocol", "core"].flatMap((d) => tsFiles(join(root, d)));
    const rel = (f: string) => relative(root, f).split("\\").join("/");
    const offenders: string[] = [];
    for (const f of adapters) {
      const r = rel(f);
      for (const spec of importsOf(f)) {
        if (/^vscode-languageserver/.test(spec) && !r.startsWith("server/") && r !== "cli/commands/lsp.ts") offenders.push(`${r} imports ${spec}`);
        if ((spec === "vscode" || /^vscode-languageclient/.test(spec)) && !r.startsWith("client/")) offenders.push(`${r} imports ${spec}`);
      }
      if (!r.startsWith("cli/") && /\bprocess\.exit\(/.test(readFileSync(f, "utf8"))) offenders.push(`${r} calls process.exit`);
    }
    expect(offenders).toEqual([]);
  });

  it("the engine reads no clock and no randomness", () => {
    const offenders: string[] = [];
    for (const f of coreFiles.filter((f) => f.includes(`${join("core", "engine")}`))) {
      const text = readFileSync(f, "utf8");
      if (/Date\.now\(|new Date\(\)|Math\.random\(|performance\.now\(/.test(text)) offenders.push(relative(root, f));
    }
    expect(offenders).toEqual([]);
  });

  it("the custom requests are defined once, in protocol/journeys.ts, which imports nothing", () => {
    const protocolFiles = tsFiles(join(root, "protocol"));
    expect(protocolFiles.map((f) => relative(root, f))).toEqual([join("protocol", "journeys.ts")]);
    expect(importsOf(protocolFiles[0]!)).toEqual([]);
    // No adapter spells a method name out, and no other file declares the shapes.
    const adapters = [...tsFiles(join(root, "server", "src")), ...tsFiles(join(root, "client", "src"))];
    const offenders: string[] = [];
    for (const f of adapters) {
      const text = readFileSync(f, "utf8");
      if (/["']crmrules\/(listJourneys|runJourney|journeyView)["']/.test(text)) offenders.push(`${relative(root, f)} spells a request name`);
      if (/\binterface\s+(JourneyParams|ListJourneysParams|JourneyInfo|JourneyRunResult|JourneyView|ExpectationOutcome)\b/.test(text)) offenders.push(`${relative(root, f)} declares a protocol shape`);
    }
    expect(offenders).toEqual([]);
    // Both sides import it.
    const importers = adapters.filter((f) => importsOf(f).some((s) => s.endsWith("/protocol/journeys.js"))).map((f) => relative(root, f).split("/")[0]);
    expect(new Set(importers)).toEqual(new Set(["server", "client"]));
  });

  // ------------------------------------------------------------ layering inside core/

  /** The part of the core a file belongs to: its folder under core/, or the name of a file at core/'s top. */
  const areaOf = (file: string): string => relative(join(root, "core"), file).split(/[\\/]/)[0]!;
  const BASE = ["text", "diagnostics", "vocabulary.ts", "time.ts", "docLinks.ts"];
  /** What each part may import (besides itself). `data` (record sources and mappings) sits on top and may import any part. */
  const MAY_IMPORT: Record<string, readonly string[]> = {
    text: [],
    diagnostics: ["text"],
    // The vocabulary reads AST types (`Duration`); the lexer reads the vocabulary's units.
    "vocabulary.ts": ["syntax"],
    "time.ts": ["vocabulary.ts", "text"],
    "docLinks.ts": [],
    syntax: BASE,
    "workspace.ts": ["syntax", ...BASE],
    format: ["syntax", ...BASE],
    binder: ["syntax", "workspace.ts", ...BASE],
    checker: ["binder", "syntax", "workspace.ts", ...BASE],
    // The engine reads the AST and the check result (core/workspace.ts), never the binder's or checker's modules.
    engine: ["syntax", "workspace.ts", ...BASE],
    // crmrules.json (pure parsing and validation) and the style linter, run over a finished check.
    config: [...BASE],
    lint: ["checker", "binder", "syntax", "workspace.ts", "config", ...BASE],
  };

  /** Every import of a core file that resolves inside core/, as [importer, imported file]. */
  const coreEdges = (): [string, string][] => {
    const out: [string, string][] = [];
    for (const f of coreFiles)
      for (const spec of importsOf(f)) {
        if (!spec.startsWith(".")) continue;
        const target = resolve(dirname(f), spec).replace(/\.js$/, ".ts");
        if (relative(join(root, "core"), target).startsWith("..")) continue;
        out.push([f, target]);
      }
    return out;
  };

  it("inside the core, each part imports only the parts below it", () => {
    const edges = coreEdges();
    expect(edges.length).toBeGreaterThan(100);
    const offenders: string[] = [];
    for (const [from, to] of edges) {
      const a = areaOf(from);
      const b = areaOf(to);
      if (a === b || a === "data") continue;
      const allowed = MAY_IMPORT[a];
      if (!allowed) offenders.push(`${relative(root, from)}: core/${a} has no place in the layering`);
      else if (!allowed.includes(b)) offenders.push(`${relative(root, from)} imports ${relative(root, to)} (core/${a} may not import core/${b})`);
    }
    expect(offenders).toEqual([]);
  });

  it("nothing imports a leaf analysis but the analyses' index", () => {
    const analyses = join(root, "core", "checker", "analyses");
    // Shared by the analyses: the index that runs them and the conditions library of the routing analyses.
    const shared = new Set(["index.ts", "conditions.ts"].map((n) => join(analyses, n)));
    const offenders = coreEdges()
      .filter(([from, to]) => dirname(to) === analyses && !shared.has(to) && from !== join(analyses, "index.ts"))
      .map(([from, to]) => `${relative(root, from)} imports ${relative(root, to)}`);
    expect(offenders).toEqual([]);
  });

  // ------------------------------------------------------------ one definition per fact

  const sourceFiles = ["core", "protocol", "server/src", "client/src", "cli", "runtime"].flatMap((d) => tsFiles(join(root, d)));
  /** Where `re` matches in the sources (not the tests), as `file` once per file. */
  const definedIn = (re: RegExp): string[] => sourceFiles.filter((f) => re.test(readFileSync(f, "utf8"))).map((f) => relative(root, f).split("\\").join("/"));
  const FACTS: [string, RegExp, string][] = [
    ["durationMinutes", /function durationMinutes\b/, "core/vocabulary.ts"],
    ["the time units", /\b(TIME_UNITS|UNIT_MINUTES)\s*(:[^=]*)?=/, "core/vocabulary.ts"],
    ["the consent bases", /\[\s*"opt_in",\s*"double_opt_in",\s*"opt_out",\s*"implied"\s*\]/, "core/vocabulary.ts"],
    ["the consent methods", /\bCONSENT_METHODS\s*(:[^=]*)?=/, "core/vocabulary.ts"],
    ["the built-in events", /\bBUILTIN_EVENTS\s*(:[^=]*)?=/, "core/vocabulary.ts"],
    ["time formatting", /function (formatTime|formatClock)\b/, "core/time.ts"],
    ["the writing of a length of time", /function (formatDuration\w*|durationWords)\b/, "core/time.ts"],
    ["the quoting of a duration as written", /function durationText\b/, "core/syntax/literal.ts"],
    ["typeText", /function typeText\b/, "core/binder/fileDecls.ts"],
    ["plural", /function (plural|pluralize)\b/, "core/text/words.ts"],
    ["the article", /function article\b/, "core/text/words.ts"],
    ["an edit distance", /function (editDistance|distance|levenshtein)\b/i, "core/text/didYouMean.ts"],
    ["a glob matcher", /function (compileGlob|globRegex)\b/, "core/text/glob.ts"],
    ["a literal reading", /function literal\b/, "core/syntax/literal.ts"],
    ["the walk of analysis nodes", /function visitNodes\b/, "core/syntax/walk.ts"],
    ["a score's maximum", /function maxOfScore\b/, "core/binder/scoreMaximum.ts"],
  ];
  for (const [fact, re, home] of FACTS)
    it(`${fact} is defined once, in ${home}`, () => {
      expect(definedIn(re)).toEqual([home]);
    });
});
