// core/syntax/parser/recovery.ts relies on Chevrotain's internals (private fields and
// methods of its parser traits), which any release may change: Chevrotain is pinned to one
// exact version, the one installed, and nothing else in the parser touches those internals.
import { readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";

const root = resolve(__dirname, "../..");
const json = (p: string) => JSON.parse(readFileSync(resolve(root, p), "utf8"));

describe("Chevrotain pin", () => {
  it("package.json names one exact version, the one package-lock.json and node_modules hold", () => {
    const pkg = json("package.json");
    const spec: string | undefined = pkg.dependencies?.chevrotain ?? pkg.devDependencies?.chevrotain;
    // An exact version: no range (^, ~, >=, x, *, ||, a tag).
    expect(spec, "chevrotain in package.json").toMatch(/^\d+\.\d+\.\d+$/);
    const lock = json("package-lock.json");
    const rootEntry = lock.packages[""];
    expect(rootEntry.dependencies?.chevrotain ?? rootEntry.devDependencies?.chevrotain, "package-lock.json's copy of package.json").toBe(spec);
    expect(lock.packages["node_modules/chevrotain"].version, "package-lock.json").toBe(spec);
    expect(json("node_modules/chevrotain/package.json").version, "installed").toBe(spec);
  });

  it("only parser/recovery.ts touches Chevrotain's internals", () => {
    const dir = resolve(root, "core/syntax/parser");
    const others = [resolve(root, "core/syntax/parser.ts"), ...readdirSync(dir).filter((f) => f !== "recovery.ts").map((f) => resolve(dir, f))];
    const internals = /\b(RULE_STACK_IDX|RECORDING_PHASE|SKIP_TOKEN|defineRule|ruleInvocationStateUpdate|findReSyncTokenType|reSyncTo|tryInRepetitionRecovery|canRecoverWithSingleTokenInsertion)\b|\.prototype\b/;
    expect(others.length).toBeGreaterThan(5);
    expect(others.filter((f) => internals.test(readFileSync(f, "utf8"))).map((f) => f.slice(root.length + 1))).toEqual([]);
    // recovery.ts says which internals it relies on, and does rely on them.
    const recovery = readFileSync(resolve(dir, "recovery.ts"), "utf8");
    const header = recovery.slice(0, recovery.indexOf("*/"));
    for (const name of ["RULE_STACK_IDX", "RECORDING_PHASE", "SKIP_TOKEN", "defineRule", "ruleInvocationStateUpdate", "findReSyncTokenType", "reSyncTo", "tryInRepetitionRecovery", "canRecoverWithSingleTokenInsertion"]) {
      expect(header, name).toContain(name);
      expect(recovery.slice(header.length), name).toContain(name);
    }
  });
});
