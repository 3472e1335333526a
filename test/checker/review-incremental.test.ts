// Review of the incremental checker: inputs test/checker/incremental.test.ts does not generate.
// Every check with `previous` must give exactly what a fresh check of the same input gives.
import { describe, expect, it } from "vitest";
import { checkWorkspace, type CheckResult } from "../../core/checker/check.js";
import type { SourceFile } from "../../core/workspace.js";

function observable(c: CheckResult): unknown {
  return {
    diagnostics: c.diagnostics,
    perFile: [...c.files.keys()].sort().map((u) => [u, c.diagnosticsOf(u)]),
    references: c.references.map((r) => `${r.uri}:${r.range.start.offset}-${r.range.end.offset}→${r.symbolId}`).sort(),
    symbols: [...c.symbols.values()].map((s) => `${s.id} ${s.kind} ${s.name} ${s.detail ?? ""} ${s.doc ?? ""}`).sort(),
    visible: [...c.files.keys()].sort().map((u) => [u, c.visibleFiles(u), c.dependents(u)]),
    maxScores: [...c.maxScores].sort(),
  };
}

const ws = (files: Record<string, string>, root = "/ws"): { root: string; files: SourceFile[] } => ({
  root,
  files: Object.entries(files).map(([p, text]) => ({ uri: `/ws/${p}`, text })),
});

function same(input: { root: string; files: SourceFile[] }, previous: CheckResult): CheckResult {
  const inc = checkWorkspace(input, { previous });
  expect(observable(inc)).toEqual(observable(checkWorkspace(input)));
  return inc;
}

const base = {
  "a.crmrules": 'owner ann "ann@x.example"\nqueue q "Q"\nevent ping { n: number }\n',
  "b.crmrules": 'import "./a.crmrules"\n\nstage s initial when true\nroute r on stage s {\n  otherwise -> owner ann\n}\nscore fit {\n  rule p: +5 on ping\n}\n',
  "c.crmrules": 'import "./b.crmrules"\n\nteam t round_robin {\n  member ann\n}\n',
};

describe("review: incremental check equals a fresh check", () => {
  it("when the same previous check is used twice (and the checks after each)", () => {
    const p0 = checkWorkspace(ws(base));
    const e1 = { ...base, "b.crmrules": base["b.crmrules"].replace("owner ann", "queue q") };
    const e2 = { ...base, "c.crmrules": "" };
    const c1 = same(ws(e1), p0);
    const c2 = same(ws(e2), p0);
    same(ws(base), c1);
    same(ws(base), c2);
    same(ws(e2), c1);
    same(ws(e1), c2);
  });

  it("when a text changes back to an earlier text", () => {
    let prev = checkWorkspace(ws(base));
    const edited = { ...base, "a.crmrules": 'queue q "Q"\nevent ping { n: number }\n' };
    prev = same(ws(edited), prev);
    prev = same(ws(base), prev);
    same(ws(edited), prev);
  });

  it("when the root changes (imports may now leave it)", () => {
    const prev = checkWorkspace(ws({ ...base, "sub/d.crmrules": 'import "../a.crmrules"\n\nteam t2 round_robin {\n  member ann\n}\n' }));
    const input = { root: "/ws/sub", files: ws({ ...base, "sub/d.crmrules": 'import "../a.crmrules"\n\nteam t2 round_robin {\n  member ann\n}\n' }).files };
    const next = same(input, prev);
    same(ws({ ...base, "sub/d.crmrules": 'import "../a.crmrules"\n\nteam t2 round_robin {\n  member ann\n}\n' }), next);
  });

  it("when an import cycle appears and disappears", () => {
    let prev = checkWorkspace(ws(base));
    const cyc = { ...base, "a.crmrules": 'import "./c.crmrules"\n' + base["a.crmrules"] };
    prev = same(ws(cyc), prev);
    prev = same(ws(base), prev);
    prev = same(ws(cyc), prev);
    same(ws({ ...cyc, "c.crmrules": "" }), prev);
  });

  it("when a built-in event is declared and the declaration removed", () => {
    const withBuiltin = { ...base, "a.crmrules": base["a.crmrules"] + "event consent_given { x: text }\n", "b.crmrules": base["b.crmrules"].replace("on ping", "on consent_given") };
    let prev = checkWorkspace(ws(base));
    prev = same(ws(withBuiltin), prev);
    prev = same(ws({ ...withBuiltin, "a.crmrules": base["a.crmrules"] }), prev);
    same(ws(withBuiltin), prev);
  });

  it("when a declaration moves to a file that is not imported (and back)", () => {
    let prev = checkWorkspace(ws(base));
    const moved = { ...base, "a.crmrules": 'queue q "Q"\nevent ping { n: number }\n', "z.crmrules": 'owner ann "ann@x.example"\n' };
    prev = same(ws(moved), prev);
    prev = same(ws(base), prev);
    same(ws({ ...moved, "a.crmrules": 'import "./z.crmrules"\n' + moved["a.crmrules"] }), prev);
  });

  it("when the previous check is of another workspace with the same root", () => {
    const prev = checkWorkspace(ws({ "x.crmrules": 'owner ann "ann@x.example"\n', "b.crmrules": base["b.crmrules"] }));
    same(ws(base), prev);
  });

  it("when a file is renamed (deleted and created with the same text)", () => {
    let prev = checkWorkspace(ws(base));
    const renamed = { "a2.crmrules": base["a.crmrules"], "b.crmrules": base["b.crmrules"], "c.crmrules": base["c.crmrules"] };
    prev = same(ws(renamed), prev);
    prev = same(ws({ ...renamed, "b.crmrules": base["b.crmrules"].replace("./a.crmrules", "./a2.crmrules") }), prev);
    same(ws(base), prev);
  });
});
