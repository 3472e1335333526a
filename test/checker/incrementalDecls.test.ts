// The per-declaration incremental check (core/checker/check.ts, `DeclResult`): after an edit
// reparsed incrementally (core/syntax/incremental.ts, as the language server does), a file's
// untouched declarations keep their results, moved by the edit; the check must still give
// exactly what a fresh check of the same texts gives: diagnostics (fixes and related places
// included), references, symbols and unused declarations. Random edits of the examples and of
// the benchmark's generated 1 MB document.
import fc from "fast-check";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { checkWorkspace, type CheckResult } from "../../core/checker/check.js";
import { reparse } from "../../core/syntax/incremental.js";
import { crmSources } from "../support/files.js";
import { generateWorkspace } from "../../bench/src/gen/workspace.js";

const REPO = resolve(__dirname, "..", "..");

interface File {
  uri: string;
  text: string;
}

const WORKSPACES = ["examples/acme", "test/server/fixtures/basic", "examples/diagnostics"].map((dir) => {
  const root = resolve(REPO, dir);
  return { name: dir, root: "/ws", files: crmSources(root).map((f) => ({ uri: "/ws" + f.uri.slice(root.length), text: f.text })) };
});

/** Everything a consumer can observe of a check, in a stable order. */
function observable(c: CheckResult): unknown {
  return {
    diagnostics: c.diagnostics,
    perFile: [...c.files.keys()].sort().map((u) => [u, c.diagnosticsOf(u)]),
    references: c.references.map((r) => `${r.uri}:${r.range.start.line}:${r.range.start.character}:${r.range.start.offset}-${r.range.end.offset}→${r.symbolId}`),
    symbols: [...c.symbols.values()].map((s) => `${s.id} ${s.kind} ${s.name} ${s.containerId ?? ""} ${s.range.start.line}:${s.range.start.character} ${s.declRange.end.offset} ${s.detail ?? ""} ${s.doc ?? ""}`).sort(),
    used: [...c.units].map(([u, unit]) => [u, [...unit.used].sort()]).sort(),
  };
}

type Edit =
  | { kind: "deleteLine"; line: number }
  | { kind: "duplicateLine"; line: number }
  | { kind: "pasteLine"; line: number; from: number; fromLine: number }
  | { kind: "cut"; at: number; length: number }
  | { kind: "renameWord"; at: number; from: number; fromAt: number }
  | { kind: "digit"; at: number }
  | { kind: "renameDecl"; at: number; from: number; fromAt: number }
  | { kind: "docLine"; line: number };

const n = fc.nat({ max: 1_000_000 });
const editArb: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant("deleteLine" as const), line: n }),
  fc.record({ kind: fc.constant("duplicateLine" as const), line: n }),
  fc.record({ kind: fc.constant("pasteLine" as const), line: n, from: n, fromLine: n }),
  fc.record({ kind: fc.constant("cut" as const), at: n, length: fc.nat({ max: 30 }) }),
  fc.record({ kind: fc.constant("renameWord" as const), at: n, from: n, fromAt: n }),
  fc.record({ kind: fc.constant("digit" as const), at: n }),
  // Twice as likely: a declaration renamed (to a word used elsewhere) changes what its users see.
  fc.record({ kind: fc.constant("renameDecl" as const), at: n, from: n, fromAt: n }),
  fc.record({ kind: fc.constant("renameDecl" as const), at: n, from: n, fromAt: n }),
  // A doc comment line (hover shows it; a kept declaration's symbols must take it up).
  fc.record({ kind: fc.constant("docLine" as const), line: n }),
);

const bigEditArb: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant("digit" as const), at: n }),
  fc.record({ kind: fc.constant("docLine" as const), line: n }),
  fc.record({ kind: fc.constant("renameDecl" as const), at: n, from: n, fromAt: n }),
);

/** The names of top-level declarations (`score fit`, `set senior`, …) and of lead fields. */
const DECL_NAME = /^(?:score|set|territory|grade|stage|owner|queue|team|route|consent|action|workflow|event) +([A-Za-z_][A-Za-z0-9_]*)|^ {2}([a-z_][a-z0-9_]*):/gm;

function wordAt(text: string, at: number): { start: number; end: number } | undefined {
  const re = /[A-Za-z_][A-Za-z0-9_]*/g;
  re.lastIndex = at % Math.max(1, text.length);
  const m = re.exec(text) ?? ((re.lastIndex = 0), re.exec(text));
  return m ? { start: m.index, end: m.index + m[0].length } : undefined;
}

/** The text of `f` after the edit (words and lines may come from any file of the workspace). */
function edited(f: File, files: File[], e: Edit): string {
  const lines = f.text.split("\n");
  const other = (i: number) => files[i % files.length]!;
  switch (e.kind) {
    case "deleteLine":
      lines.splice(e.line % lines.length, 1);
      return lines.join("\n");
    case "duplicateLine": {
      const i = e.line % lines.length;
      lines.splice(i, 0, lines[i]!);
      return lines.join("\n");
    }
    case "pasteLine": {
      const src = other(e.from).text.split("\n");
      lines.splice(e.line % (lines.length + 1), 0, src[e.fromLine % src.length]!);
      return lines.join("\n");
    }
    case "cut": {
      const at = e.at % (f.text.length + 1);
      return f.text.slice(0, at) + f.text.slice(at + e.length);
    }
    case "renameWord": {
      const w = wordAt(f.text, e.at);
      const src = other(e.from).text;
      const r = wordAt(src, e.fromAt);
      if (!w || !r) return f.text;
      return f.text.slice(0, w.start) + src.slice(r.start, r.end) + f.text.slice(w.end);
    }
    case "docLine":
      lines.splice(e.line % (lines.length + 1), 0, `/// note ${e.line % 7}`);
      return lines.join("\n");
    case "renameDecl": {
      const names = [...f.text.matchAll(DECL_NAME)];
      if (!names.length) return f.text;
      const m = names[e.at % names.length]!;
      const name = m[1] ?? m[2]!;
      const start = m.index + m[0].lastIndexOf(name);
      const src = other(e.from).text;
      const r = wordAt(src, e.fromAt);
      const to = r && e.fromAt % 3 ? src.slice(r.start, r.end) : `${name}_2`;
      return f.text.slice(0, start) + to + f.text.slice(start + name.length);
    }
    case "digit": {
      const at = e.at % (f.text.length + 1);
      const i = f.text.slice(at).search(/[0-9]/);
      if (i < 0) return f.text;
      const p = at + i;
      return f.text.slice(0, p) + String((Number(f.text[p]) + 1) % 10) + f.text.slice(p + 1);
    }
  }
}

/** Declaration results the check took over from the previous one (kept, or moved: a moved result shares the names it read), in the file `uri`. */
function reusedIn(next: CheckResult, prev: CheckResult, uri: string): number {
  const before = new Set((prev.units.get(uri)?.decls ?? []).map((r) => r.deps));
  return (next.units.get(uri)?.decls ?? []).filter((r) => before.has(r.deps)).length;
}

/**
 * Edits files one at a time, each reparsed from the previous parse and checked with the previous
 * check, and compares every step with a fresh check; returns how many declaration results were reused.
 */
function run(root: string, start: File[], steps: { file: number; edit: Edit }[]): number {
  const files = start.map((f) => ({ ...f }));
  let prev = checkWorkspace({ root, files: files.map((f) => ({ ...f })) }, { keepDeclarations: true });
  let reused = 0;
  for (const { file, edit } of steps) {
    const f = files[file % files.length]!;
    const text = edited(f, files, edit);
    if (text === f.text) continue;
    f.text = text;
    const parsed = reparse(prev.files.get(f.uri)!, text);
    const incremental = checkWorkspace({ root, files: files.map((x) => (x === f ? { ...x, parsed } : { ...x })) }, { previous: prev, keepDeclarations: true });
    // A one-off check (declarations' results not kept) must give the same.
    const fresh = checkWorkspace({ root, files: files.map((x) => ({ ...x })) });
    expect(observable(incremental)).toEqual(observable(fresh));
    reused += reusedIn(incremental, prev, f.uri);
    prev = incremental;
  }
  return reused;
}

const stepsArb = (max: number) => fc.array(fc.record({ file: n, edit: editArb }), { minLength: 1, maxLength: max });

describe("per-declaration incremental checking", () => {
  for (const ws of WORKSPACES) {
    it(`matches a fresh check after each of a series of reparsed edits (${ws.name})`, () => {
      let reused = 0;
      fc.assert(
        fc.property(stepsArb(10), (steps) => {
          reused += run(ws.root, ws.files, steps);
        }),
        { numRuns: 20, seed: 20261204 },
      );
      // The reuse path was taken (else the comparison above would test nothing new).
      expect(reused).toBeGreaterThan(0);
    }, 120_000);
  }

  it("matches a fresh check after reparsed edits of a generated workspace (uses far from their declarations)", () => {
    const gen = generateWorkspace({ seed: 7, lines: 3_000, files: 2 });
    const files = gen.files.map((f) => ({ uri: f.uri, text: f.text }));
    let reused = 0;
    fc.assert(
      fc.property(fc.array(editArb, { minLength: 1, maxLength: 6 }), fc.nat(), (edits, which) => {
        reused += run(gen.root, files, edits.map((edit) => ({ file: 1 + (which % 2), edit })));
      }),
      { numRuns: 15, seed: 20261204 },
    );
    expect(reused).toBeGreaterThan(0);
  }, 300_000);

  it("moves references right after many edits in which nobody asked for them", () => {
    const gen = generateWorkspace({ seed: 11, lines: 2_000, files: 1 });
    const files = gen.files.map((f) => ({ uri: f.uri, text: f.text }));
    const big = files[1]!;
    let prev = checkWorkspace({ root: gen.root, files: files.map((f) => ({ ...f })) }, { keepDeclarations: true });
    const lines = big.text.split("\n");
    // The first `cap` line (a score's), so that most declarations follow the edit and move.
    const at = lines.findIndex((l) => /^ {2}cap \d+/.test(l));
    let reused = 0;
    for (let i = 0; i < 20; i++) {
      lines[at] = lines[at]!.replace(/\d+/, String(10 ** (1 + (i % 4))));
      big.text = lines.join("\n");
      const parsed = reparse(prev.files.get(big.uri)!, big.text);
      const next = checkWorkspace({ root: gen.root, files: files.map((x) => (x === big ? { ...x, parsed } : { ...x })) }, { previous: prev, keepDeclarations: true });
      reused += reusedIn(next, prev, big.uri);
      prev = next;
    }
    expect(reused).toBeGreaterThan(100);
    const fresh = checkWorkspace({ root: gen.root, files: files.map((x) => ({ ...x })) });
    expect(observable(prev)).toEqual(observable(fresh));
  }, 120_000);

  it("matches a fresh check after reparsed edits of the benchmark's 1 MB document", () => {
    let lines = 26_000;
    let gen = generateWorkspace({ seed: 1_000_000, lines, files: 1 });
    while (gen.files[1]!.text.length < 1_000_000) gen = generateWorkspace({ seed: 1_000_000, lines: (lines = Math.ceil(lines * 1.1)), files: 1 });
    const files = gen.files.map((f) => ({ uri: f.uri, text: f.text }));
    let reused = 0;
    fc.assert(
      // Mostly edits an editor makes in a valid file (a number changed, a declaration renamed), which the reparse splices.
      fc.property(fc.array(fc.oneof(bigEditArb, editArb), { minLength: 3, maxLength: 3 }), (edits) => {
        // Every edit in the big document (index 1); the schema (index 0) stays as it is.
        reused += run(gen.root, files, edits.map((edit) => ({ file: 1, edit })));
      }),
      { numRuns: 2, seed: 20261204 },
    );
    expect(reused).toBeGreaterThan(1000);
  }, 300_000);
});
