// An incremental check (checkWorkspace with `previous`) gives exactly what a fresh check gives,
// and re-checks only the files a change can affect: the changed file and the files that import it.
import fc from "fast-check";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { checkWorkspace, type CheckResult } from "../../core/checker/check.js";
import { relativeImport } from "../../core/binder/paths.js";
import type { SourceFile } from "../../core/workspace.js";
import { crmSources } from "../support/files.js";

const REPO = resolve(__dirname, "..", "..");

/** Workspaces to edit, re-rooted under /ws so that paths are short in failure messages. */
const WORKSPACES = ["examples/acme", "test/server/fixtures/basic", "test/server/fixtures/second", "examples/diagnostics"].map((dir) => {
  const root = resolve(REPO, dir);
  return { name: dir, files: crmSources(root).map((f) => ({ uri: "/ws" + f.uri.slice(root.length), text: f.text })) };
});

/** Everything a consumer can observe of a check, in a stable order. */
function observable(c: CheckResult): unknown {
  return {
    diagnostics: c.diagnostics,
    perFile: [...c.files.keys()].sort().map((u) => [u, c.diagnosticsOf(u).length]),
    references: c.references.map((r) => `${r.uri}:${r.range.start.offset}-${r.range.end.offset}→${r.symbolId}`).sort(),
    symbols: [...c.symbols.values()].map((s) => `${s.id} ${s.kind} ${s.name} ${s.detail ?? ""} ${s.doc ?? ""}`).sort(),
    visible: [...c.files.keys()].sort().map((u) => [u, c.visibleFiles(u), c.dependents(u)]),
    maxScores: [...c.maxScores].sort(),
  };
}

type Edit =
  | { kind: "deleteLine"; file: number; line: number }
  | { kind: "duplicateLine"; file: number; line: number }
  | { kind: "pasteLine"; file: number; line: number; from: number; fromLine: number }
  | { kind: "cut"; file: number; at: number; length: number }
  | { kind: "renameWord"; file: number; at: number; from: number; fromAt: number }
  | { kind: "addImport"; file: number; target: number }
  | { kind: "dropImports"; file: number }
  | { kind: "deleteFile"; file: number }
  | { kind: "copyFile"; file: number };

const n = fc.nat({ max: 10_000 });
const editArb: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant("deleteLine" as const), file: n, line: n }),
  fc.record({ kind: fc.constant("duplicateLine" as const), file: n, line: n }),
  fc.record({ kind: fc.constant("pasteLine" as const), file: n, line: n, from: n, fromLine: n }),
  fc.record({ kind: fc.constant("cut" as const), file: n, at: n, length: fc.nat({ max: 30 }) }),
  fc.record({ kind: fc.constant("renameWord" as const), file: n, at: n, from: n, fromAt: n }),
  fc.record({ kind: fc.constant("addImport" as const), file: n, target: n }),
  fc.record({ kind: fc.constant("dropImports" as const), file: n }),
  fc.record({ kind: fc.constant("deleteFile" as const), file: n }),
  fc.record({ kind: fc.constant("copyFile" as const), file: n }),
);

function wordAt(text: string, at: number): { start: number; end: number } | undefined {
  const re = /[A-Za-z_][A-Za-z0-9_]*/g;
  re.lastIndex = at % Math.max(1, text.length);
  const m = re.exec(text) ?? ((re.lastIndex = 0), re.exec(text));
  return m ? { start: m.index, end: m.index + m[0].length } : undefined;
}

/** Applies an edit; returns the uris whose text changed or that appeared or disappeared. */
function apply(files: SourceFile[], e: Edit, copies: { n: number }): string[] {
  if (!files.length) return [];
  const f = files[e.file % files.length]!;
  const lines = f.text.split("\n");
  const other = (i: number) => files[i % files.length]!;
  switch (e.kind) {
    case "deleteLine":
      lines.splice(e.line % lines.length, 1);
      break;
    case "duplicateLine": {
      const i = e.line % lines.length;
      lines.splice(i, 0, lines[i]!);
      break;
    }
    case "pasteLine": {
      const src = other(e.from).text.split("\n");
      lines.splice(e.line % (lines.length + 1), 0, src[e.fromLine % src.length]!);
      break;
    }
    case "cut": {
      const at = e.at % (f.text.length + 1);
      f.text = f.text.slice(0, at) + f.text.slice(at + e.length);
      return [f.uri];
    }
    case "renameWord": {
      const w = wordAt(f.text, e.at);
      const src = other(e.from).text;
      const r = wordAt(src, e.fromAt);
      if (!w || !r) return [];
      f.text = f.text.slice(0, w.start) + src.slice(r.start, r.end) + f.text.slice(w.end);
      return [f.uri];
    }
    case "addImport": {
      const t = other(e.target);
      if (t === f) return [];
      f.text = `import ${JSON.stringify(relativeImport(f.uri, t.uri))}\n` + f.text;
      return [f.uri];
    }
    case "dropImports":
      f.text = lines.filter((l) => !l.startsWith("import ")).join("\n");
      return [f.uri];
    case "deleteFile":
      files.splice(files.indexOf(f), 1);
      return [f.uri];
    case "copyFile": {
      const uri = f.uri.replace(/\.crmrules$/, `_copy${++copies.n}.crmrules`);
      files.push({ uri, text: f.text });
      return [uri];
    }
  }
  f.text = lines.join("\n");
  return [f.uri];
}

describe("incremental checking", () => {
  for (const ws of WORKSPACES) {
    it(`matches a fresh check after every one of a series of random edits (${ws.name})`, () => {
      fc.assert(
        fc.property(fc.array(editArb, { minLength: 1, maxLength: 12 }), (edits) => {
          const files = ws.files.map((f) => ({ ...f }));
          const copies = { n: 0 };
          let prev = checkWorkspace({ root: "/ws", files });
          for (const e of edits) {
            const changed = apply(files, e, copies);
            const before = prev;
            const incremental = checkWorkspace({ root: "/ws", files: files.map((f) => ({ ...f })) }, { previous: prev });
            const fresh = checkWorkspace({ root: "/ws", files: files.map((f) => ({ ...f })) });
            expect(observable(incremental)).toEqual(observable(fresh));
            // Only files whose view changed are checked again: a changed file, or one that sees a changed file, or whose imports now reach other files.
            for (const uri of incremental.rechecked) {
              const viewNow = incremental.visibleFiles(uri);
              const viewBefore = before.files.has(uri) ? before.visibleFiles(uri) : [];
              const seesChange = viewNow.some((v) => changed.includes(v));
              expect(seesChange || viewNow.join() !== viewBefore.join(), `${uri} was re-checked after ${e.kind} though nothing it sees changed`).toBe(true);
            }
            prev = incremental;
          }
        }),
        { numRuns: ws.name === "examples/acme" ? 40 : 25, seed: 7 },
      );
    });
  }

  const acme = WORKSPACES[0]!;
  const edit = (uri: string, f: (t: string) => string) => acme.files.map((x) => (x.uri === uri ? { uri, text: f(x.text) } : x));

  it("re-checks only the edited file when nothing imports it", () => {
    const first = checkWorkspace({ root: "/ws", files: acme.files });
    expect(first.rechecked.length).toBe(acme.files.length);
    const leaf = acme.files.find((f) => f.uri.includes("/journeys/"))!.uri;
    expect(first.dependents(leaf)).toEqual([leaf]);
    const next = checkWorkspace({ root: "/ws", files: edit(leaf, (t) => t + "\n// a comment\n") }, { previous: first });
    expect(next.rechecked).toEqual([leaf]);
    // Unchanged files keep their results (the same objects).
    for (const uri of first.files.keys()) if (uri !== leaf) expect(next.units.get(uri)).toBe(first.units.get(uri));
  });

  it("re-checks the edited file and every file that imports it, and no other", () => {
    const first = checkWorkspace({ root: "/ws", files: acme.files });
    const schema = "/ws/schema.crmrules";
    const next = checkWorkspace({ root: "/ws", files: edit(schema, (t) => t + "\n") }, { previous: first });
    expect(next.rechecked).toEqual(first.dependents(schema));
    expect(next.rechecked.length).toBeGreaterThan(1);
    const routing = "/ws/routing.crmrules";
    const third = checkWorkspace({ root: "/ws", files: edit(routing, (t) => t + "\n") }, { previous: first });
    expect(third.rechecked).toEqual(first.dependents(routing));
    expect(third.rechecked).not.toContain(schema);
  });

  it("brings back a warning in an imported file when its last use goes away", () => {
    const files = [
      { uri: "/ws/a.crmrules", text: 'queue q "Q"\n' },
      { uri: "/ws/b.crmrules", text: 'import "./a.crmrules"\nroute r on stage mql {\n  otherwise -> queue q\n}\nstage mql initial\n' },
    ];
    const first = checkWorkspace({ root: "/ws", files });
    expect(first.diagnosticsOf("/ws/a.crmrules").map((d) => d.code)).not.toContain("CR2007");
    const next = checkWorkspace({ root: "/ws", files: [files[0]!, { uri: "/ws/b.crmrules", text: files[1]!.text.replace("queue q", "discard") }] }, { previous: first });
    expect(next.rechecked).toEqual(["/ws/b.crmrules"]);
    expect(next.diagnosticsOf("/ws/a.crmrules").map((d) => d.code)).toContain("CR2007");
  });

  it("reports what is wrong in a set once, in the set's own file, however many files use it", () => {
    const files = [
      { uri: "/ws/a.crmrules", text: "lead {\n  country: country\n  size: number\n}\nterritory odd = [1, 2]\nset big = [lead.size]\n" },
      { uri: "/ws/b.crmrules", text: 'import "./a.crmrules"\nstage s initial when lead.country in odd\n' },
      { uri: "/ws/c.crmrules", text: 'import "./a.crmrules"\nstage t initial when lead.country in odd\n' },
    ];
    const check = checkWorkspace({ root: "/ws", files });
    const where = check.diagnostics.filter((d) => d.code === "CR3002").map((d) => `${d.uri}:${d.range.start.line}:${d.range.start.character}`);
    expect(where).toEqual(["/ws/a.crmrules:4:17", "/ws/a.crmrules:4:20"]);
    // The set's own name uses are recorded once, in its file.
    const sizeRefs = check.references.filter((r) => check.symbols.get(r.symbolId)?.name === "size");
    expect(sizeRefs.map((r) => r.uri)).toEqual(["/ws/a.crmrules"]);
  });

  it("stays exact when an edit renames more names than the overlay of the name table keeps (the table is built afresh)", () => {
    const many = (prefix: string) => Array.from({ length: 400 }, (_, i) => `set ${prefix}_${i} = [a${i}]`).join("\n") + "\n";
    const base = [
      { uri: "/ws/names.crmrules", text: many("x") },
      { uri: "/ws/use.crmrules", text: 'import "./names.crmrules"\nlead {\n  tier: text\n}\nstage s initial when lead.tier in x_7\n' },
    ];
    let prev = checkWorkspace({ root: "/ws", files: base });
    for (const prefix of ["y", "x", "z"]) {
      const files = [{ uri: "/ws/names.crmrules", text: many(prefix) }, base[1]!];
      const next = checkWorkspace({ root: "/ws", files }, { previous: prev });
      expect(observable(next)).toEqual(observable(checkWorkspace({ root: "/ws", files })));
      prev = next;
    }
    // After the last edit `x_7` is gone, so the use no longer resolves.
    expect(prev.diagnosticsOf("/ws/use.crmrules").length).toBeGreaterThan(0);
  });
});

// Inputs the generator above does not make: every check with `previous` must give exactly what a fresh
// check of the same input gives (all of each file's diagnostics, not only their number).
function observableInFull(c: CheckResult): unknown {
  return {
    diagnostics: c.diagnostics,
    perFile: [...c.files.keys()].sort().map((u) => [u, c.diagnosticsOf(u)]),
    references: c.references.map((r) => `${r.uri}:${r.range.start.offset}-${r.range.end.offset}→${r.symbolId}`).sort(),
    symbols: [...c.symbols.values()].map((s) => `${s.id} ${s.kind} ${s.name} ${s.detail ?? ""} ${s.doc ?? ""}`).sort(),
    visible: [...c.files.keys()].sort().map((u) => [u, c.visibleFiles(u), c.dependents(u)]),
    maxScores: [...c.maxScores].sort(),
  };
}

const workspaceOf = (files: Record<string, string>, root = "/ws"): { root: string; files: SourceFile[] } => ({
  root,
  files: Object.entries(files).map(([p, text]) => ({ uri: `/ws/${p}`, text })),
});

function sameAsFresh(input: { root: string; files: SourceFile[] }, previous: CheckResult): CheckResult {
  const inc = checkWorkspace(input, { previous });
  expect(observableInFull(inc)).toEqual(observableInFull(checkWorkspace(input)));
  return inc;
}

const baseFiles = {
  "a.crmrules": 'owner ann "ann@x.example"\nqueue q "Q"\nevent ping { n: number }\n',
  "b.crmrules": 'import "./a.crmrules"\n\nstage s initial when true\nroute r on stage s {\n  otherwise -> owner ann\n}\nscore fit {\n  rule p: +5 on ping\n}\n',
  "c.crmrules": 'import "./b.crmrules"\n\nteam t round_robin {\n  member ann\n}\n',
};

describe("incremental check equals a fresh check, on inputs the generator does not make", () => {
  it("when the same previous check is used twice (and the checks after each)", () => {
    const p0 = checkWorkspace(workspaceOf(baseFiles));
    const e1 = { ...baseFiles, "b.crmrules": baseFiles["b.crmrules"].replace("owner ann", "queue q") };
    const e2 = { ...baseFiles, "c.crmrules": "" };
    const c1 = sameAsFresh(workspaceOf(e1), p0);
    const c2 = sameAsFresh(workspaceOf(e2), p0);
    sameAsFresh(workspaceOf(baseFiles), c1);
    sameAsFresh(workspaceOf(baseFiles), c2);
    sameAsFresh(workspaceOf(e2), c1);
    sameAsFresh(workspaceOf(e1), c2);
  });

  it("when a text changes back to an earlier text", () => {
    let prev = checkWorkspace(workspaceOf(baseFiles));
    const edited = { ...baseFiles, "a.crmrules": 'queue q "Q"\nevent ping { n: number }\n' };
    prev = sameAsFresh(workspaceOf(edited), prev);
    prev = sameAsFresh(workspaceOf(baseFiles), prev);
    sameAsFresh(workspaceOf(edited), prev);
  });

  it("when the root changes (imports may now leave it)", () => {
    const prev = checkWorkspace(workspaceOf({ ...baseFiles, "sub/d.crmrules": 'import "../a.crmrules"\n\nteam t2 round_robin {\n  member ann\n}\n' }));
    const input = { root: "/ws/sub", files: workspaceOf({ ...baseFiles, "sub/d.crmrules": 'import "../a.crmrules"\n\nteam t2 round_robin {\n  member ann\n}\n' }).files };
    const next = sameAsFresh(input, prev);
    sameAsFresh(workspaceOf({ ...baseFiles, "sub/d.crmrules": 'import "../a.crmrules"\n\nteam t2 round_robin {\n  member ann\n}\n' }), next);
  });

  it("when an import cycle appears and disappears", () => {
    let prev = checkWorkspace(workspaceOf(baseFiles));
    const cyc = { ...baseFiles, "a.crmrules": 'import "./c.crmrules"\n' + baseFiles["a.crmrules"] };
    prev = sameAsFresh(workspaceOf(cyc), prev);
    prev = sameAsFresh(workspaceOf(baseFiles), prev);
    prev = sameAsFresh(workspaceOf(cyc), prev);
    sameAsFresh(workspaceOf({ ...cyc, "c.crmrules": "" }), prev);
  });

  it("when a built-in event is declared and the declaration removed", () => {
    const withBuiltin = { ...baseFiles, "a.crmrules": baseFiles["a.crmrules"] + "event consent_given { x: text }\n", "b.crmrules": baseFiles["b.crmrules"].replace("on ping", "on consent_given") };
    let prev = checkWorkspace(workspaceOf(baseFiles));
    prev = sameAsFresh(workspaceOf(withBuiltin), prev);
    prev = sameAsFresh(workspaceOf({ ...withBuiltin, "a.crmrules": baseFiles["a.crmrules"] }), prev);
    sameAsFresh(workspaceOf(withBuiltin), prev);
  });

  it("when a declaration moves to a file that is not imported (and back)", () => {
    let prev = checkWorkspace(workspaceOf(baseFiles));
    const moved = { ...baseFiles, "a.crmrules": 'queue q "Q"\nevent ping { n: number }\n', "z.crmrules": 'owner ann "ann@x.example"\n' };
    prev = sameAsFresh(workspaceOf(moved), prev);
    prev = sameAsFresh(workspaceOf(baseFiles), prev);
    sameAsFresh(workspaceOf({ ...moved, "a.crmrules": 'import "./z.crmrules"\n' + moved["a.crmrules"] }), prev);
  });

  it("when the previous check is of another workspace with the same root", () => {
    const prev = checkWorkspace(workspaceOf({ "x.crmrules": 'owner ann "ann@x.example"\n', "b.crmrules": baseFiles["b.crmrules"] }));
    sameAsFresh(workspaceOf(baseFiles), prev);
  });

  it("when a file is renamed (deleted and created with the same text)", () => {
    let prev = checkWorkspace(workspaceOf(baseFiles));
    const renamed = { "a2.crmrules": baseFiles["a.crmrules"], "b.crmrules": baseFiles["b.crmrules"], "c.crmrules": baseFiles["c.crmrules"] };
    prev = sameAsFresh(workspaceOf(renamed), prev);
    prev = sameAsFresh(workspaceOf({ ...renamed, "b.crmrules": baseFiles["b.crmrules"].replace("./a.crmrules", "./a2.crmrules") }), prev);
    sameAsFresh(workspaceOf(baseFiles), prev);
  });
});
