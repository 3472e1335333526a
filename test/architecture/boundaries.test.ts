// Architecture invariants, checked on the source text:
// the core imports no editor or protocol package and does no IO; only the
// adapters (server/, client/, cli/, runtime/) may. The custom requests between
// the server and the extension have one definition, protocol/journeys.ts.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
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

const importRe = /(?:import|export)\s[^;]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)|require\(\s*["']([^"']+)["']\s*\)/g;

function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const found: string[] = [];
  for (const m of text.matchAll(importRe)) found.push((m[1] ?? m[2] ?? m[3])!);
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
});
