// Half-typed text never crashes the checker, and every diagnostic range stays inside its file.
import fc from "fast-check";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { faults, injectFault } from "../../core/diagnostics/internalError.js";
import { checkWorkspace } from "../../core/checker/check.js";
import { crmFiles } from "./helpers.js";

const sources = [
  ...crmFiles(resolve(__dirname, "..", "..", "examples", "diagnostics")),
  ...crmFiles(resolve(__dirname, "..", "golden", "diagnostics", "cases")).filter((f) => !f.includes("syntax")),
].map((f) => readFileSync(f, "utf8"));

describe("checker robustness", () => {
  it("checks any prefix of a real file, with any slice removed, without throwing", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: sources.length - 1 }), fc.nat(), fc.nat(), fc.nat({ max: 40 }), (which, cut, at, len) => {
        const src = sources[which]!;
        const prefix = src.slice(0, cut % (src.length + 1));
        const p = at % (prefix.length + 1);
        const text = prefix.slice(0, p) + prefix.slice(p + len);
        const check = checkWorkspace({ root: "/ws", files: [{ uri: "/ws/a.crmrules", text }, { uri: "/ws/schema.crmrules", text: sources[0]! }] });
        for (const d of check.diagnostics) {
          const t = check.files.get(d.uri)!.lines.text;
          expect(d.range.start.offset).toBeLessThanOrEqual(d.range.end.offset);
          expect(d.range.end.offset).toBeLessThanOrEqual(t.length);
          expect(d.message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 150, seed: 42 },
    );
  });

  // Each set's value is computed once per check: without that, `s40 = s39 + s39` takes 2^40 steps
  // (the test's time limit would stop it; no timing is asserted here).
  it("checks sets built from a set named twice, 40 deep, and still judges a route over them", () => {
    const lines = ["lead {\n  country: country\n}", "territory s0 = [NO, SE]"];
    for (let i = 1; i <= 40; i++) lines.push(`territory s${i} = s${i - 1} + s${i - 1}`);
    lines.push('stage mql initial\nroute r on stage mql {\n  rule a: when lead.country in s40 -> queue q\n}\nqueue q "Q"');
    const check = checkWorkspace({ root: "/ws", files: [{ uri: "/ws/a.crmrules", text: lines.join("\n") + "\n" }] });
    const uncovered = check.diagnostics.find((d) => d.code === "CR4002");
    expect(uncovered?.message).toContain("country");
    expect(uncovered?.message).not.toMatch(/"(NO|SE)"/);
  });

  // Issue 13 item 1: operator chains are left-deep trees as deep as they are long; the checker walks them
  // without recursion per term (20,000 terms overflowed the stack at any default stack size).
  describe("long operator chains", () => {
    const schema = "lead {\n  size: number\n  country: country\n  ok: boolean\n}\nterritory t0 = [NO]\nqueue q \"Q\"\nstage a initial\n";
    const terms = (n: number, t: string, op: string) => Array(n).fill(t).join(` ${op} `);
    const check = (body: string) => checkWorkspace({ root: "/ws", files: [{ uri: "/ws/a.crmrules", text: schema + body }] });
    const cases: [string, string][] = [
      ["`+`", `stage b when lead.size > ${terms(20_000, "1", "+")}\n`],
      ["`-` and `*`", `stage b when lead.size > ${terms(20_000, "2 * 3", "-")}\n`],
      ["`and`", `stage b when ${terms(20_000, "lead.ok", "and")}\n`],
      ["`or`", `stage b when ${terms(20_000, "lead.size > 1", "or")}\n`],
      ["set `+`", `territory big = ${terms(20_000, "t0", "+")}\nstage b when lead.country in big\n`],
      ["`and` in a route rule", `route r on stage a {\n  rule x: when ${terms(20_000, "lead.country in t0", "and")} -> queue q\n  otherwise -> queue q\n}\n`],
    ];
    for (const [name, body] of cases)
      it(`checks a ${name} chain of 20,000 terms without an internal error`, () => {
        const c = check(body);
        expect(c.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
      });

    it("still reports a wrong operand at the end of a long chain, at its place", () => {
      const c = check(`stage b when lead.size > ${terms(20_000, "1", "+")} + "x"\n`);
      const errs = c.diagnostics.filter((d) => d.code === "CR3002");
      expect(errs).toHaveLength(1);
      expect(errs[0]!.message).toContain("`+` needs numbers");
      const text = c.files.get("/ws/a.crmrules")!.lines.text;
      expect(text.slice(errs[0]!.range.start.offset, errs[0]!.range.end.offset)).toBe('"x"');
    });

    it("still reports a condition that is not true or false inside a long `and` chain", () => {
      const c = check(`stage b when ${terms(10_000, "lead.ok", "and")} and lead.size and ${terms(10_000, "lead.ok", "and")}\n`);
      expect(c.diagnostics.map((d) => d.code)).toContain("CR3005");
    });

    it("judges routes over a long chain like over a short one (the shadowed rule is still found)", () => {
      const route = (n: number) =>
        `route r on stage a {\n  rule x: when ${terms(n, "lead.country in t0", "or")} -> queue q\n  rule y: when lead.country in t0 -> queue q\n  otherwise -> queue q\n}\n`;
      const codes = (n: number) => check(route(n)).diagnostics.map((d) => d.code).sort();
      expect(codes(20_000)).toEqual(codes(2));
      expect(codes(2)).toContain("CR4001");
    });
  });

  // Issue 13 item 2: nesting past the parser's limit is one CR1011, and the file's other declarations are checked.
  it("a stage nested 230 parentheses deep in a workspace: one CR1011, every other finding kept, the same each time", () => {
    const files = [{ uri: "/ws/schema.crmrules", text: sources[0]! }, { uri: "/ws/deep.crmrules", text: `stage deep when ${"(".repeat(230)}true${")".repeat(230)}\nstage after when lead.nonexistent_field == 1\n` }];
    const runs = Array.from({ length: 5 }, () => JSON.stringify(checkWorkspace({ root: "/ws", files }).diagnostics.map((d) => [d.code, d.uri, d.range.start.offset])));
    expect(new Set(runs).size).toBe(1);
    const diags = checkWorkspace({ root: "/ws", files }).diagnostics.filter((d) => d.uri === "/ws/deep.crmrules");
    expect(diags.filter((d) => d.code === "CR1011")).toHaveLength(1);
    expect(diags.some((d) => d.code === "CR1000")).toBe(false);
    // The stage after it is still checked.
    expect(diags.some((d) => d.message.includes("nonexistent_field"))).toBe(true);
  });
});


// Issue 13, the guard per file: an internal error while checking one file is one CR9001 on that file,
// and the other files are checked as usual (a fault injected through the test hook).
describe("the guard per file", () => {
  const files = [
    { uri: "/ws/schema.crmrules", text: "lead {\n  size: number\n}\nstage a initial\n" },
    { uri: "/ws/broken.crmrules", text: "stage b when lead.size > 3\n" },
    { uri: "/ws/other.crmrules", text: "stage c when lead.nosuch > 3\n" },
  ];
  afterEach(() => {
    faults.inject = undefined;
  });
  it("turns a throw while checking one file into one CR9001 there; the other files keep their findings", () => {
    const clean = checkWorkspace({ root: "/ws", files }).diagnostics;
    injectFault("check:broken.crmrules");
    const c = checkWorkspace({ root: "/ws", files });
    const broken = c.diagnostics.filter((d) => d.uri === "/ws/broken.crmrules");
    expect(broken.map((d) => d.code)).toEqual(["CR9001"]);
    expect(broken[0]!.message).toMatch(/^internal error while checking this file \(Error: fault injected for a test/);
    expect(broken[0]!.message).toContain("report it");
    expect(c.diagnostics.filter((d) => d.uri !== "/ws/broken.crmrules")).toEqual(clean.filter((d) => d.uri !== "/ws/broken.crmrules"));
  });
  it("turns a throw while reading one file's declarations (binding) into one CR9001 there; the other files are bound and checked", () => {
    const clean = checkWorkspace({ root: "/ws", files }).diagnostics;
    injectFault("read:broken.crmrules");
    const c = checkWorkspace({ root: "/ws", files });
    const broken = c.diagnostics.filter((d) => d.uri === "/ws/broken.crmrules");
    expect(broken.map((d) => d.code)).toEqual(["CR9001"]);
    expect(broken[0]!.message).toMatch(/^internal error while reading this file's declarations \(Error: fault injected for a test/);
    // broken.crmrules declared only stage b, which nothing uses: the other files' findings are unchanged.
    expect(c.diagnostics.filter((d) => d.uri !== "/ws/broken.crmrules")).toEqual(clean.filter((d) => d.uri !== "/ws/broken.crmrules"));
    // The next check of the same texts (incremental, as an editor runs it) reports the same.
    const again = checkWorkspace({ root: "/ws", files }, { previous: c });
    expect(again.diagnostics.filter((d) => d.code === "CR9001").map((d) => d.uri)).toEqual(["/ws/broken.crmrules"]);
    faults.inject = undefined;
    const healed = checkWorkspace({ root: "/ws", files }, { previous: again });
    expect(healed.diagnostics).toEqual(clean);
  });
  it("turns a throw in the checks across files into one CR9001 on the first file", () => {
    // The first file in order is broken.crmrules; both rules across files (unused, structure) fail.
    injectFault("workspace:/ws/broken.crmrules");
    const c = checkWorkspace({ root: "/ws", files });
    expect(c.diagnostics.filter((d) => d.code === "CR9001").map((d) => d.uri)).toEqual(["/ws/broken.crmrules", "/ws/broken.crmrules"]);
    expect(c.diagnostics.find((d) => d.code === "CR9001")!.message).toMatch(/^internal error while running the checks across files/);
    const otherOf = (ds: { uri: string; code: string }[]) => ds.filter((d) => d.uri === "/ws/other.crmrules").map((d) => d.code);
    faults.inject = undefined;
    const clean = otherOf(checkWorkspace({ root: "/ws", files }).diagnostics);
    expect(clean.length).toBeGreaterThan(0);
    expect(otherOf(c.diagnostics)).toEqual(clean);
  });
});
