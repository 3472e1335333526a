/**
 * Differential test: the engine (core/engine/) against the oracle (test/engine/oracle/), an
 * interpreter written from docs/language.md alone. Seeded, deterministic random workspaces cover
 * every construct (scores with limits, windows, caps, floors, decay, expiry; grades; stages with
 * detours and re-entries; routing with round robin, caps and escalations; consent per jurisdiction
 * with every basis; workflows with waits; erasure; journeys' expectations); each runs its journeys
 * and two random event logs through both, and the meaning of every trace entry and the final
 * state must agree (test/engine/oracle/observed.ts says what is compared). A disagreement is
 * reported shrunk: the fewest lines of the workspace that still disagree, and the first entry
 * that differs. `npm run differential -- --runs 100000` runs the same cases at scale
 * (scripts/differential.mjs, RELIABILITY.md).
 */
import { describe, it, expect } from "vitest";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { isDeepStrictEqual } from "node:util";
import { checkWorkspace } from "../../core/checker/check.js";
import { compile, runJourney } from "../../core/engine/index.js";
import { buildModel, runJourney as oracleJourney, observe, observeFinal } from "./oracle/index.js";
import { runCase } from "./oracle/differential.js";
import { loadDir } from "./helpers.js";

/** Workspaces in the suite; each gives 1–3 journeys and 2 event logs (over 2,000 cases in all). */
const WORKSPACES = Number(process.env["DIFF_WORKSPACES"] ?? 550);

const json = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

function agreeOnFiles(files: Record<string, string>): { journeys: number; failures: string[] } {
  const check = checkWorkspace({ root: "/ws", files: Object.entries(files).map(([uri, text]) => ({ uri, text })) });
  const texts = new Map(Object.entries(files));
  const failures: string[] = [];
  let journeys = 0;
  for (const uri of Object.keys(files)) {
    const rules = compile(check, uri);
    const model = buildModel(check, uri, texts);
    for (const j of model.journeys.filter((x) => x.uri === uri)) {
      journeys++;
      const e = runJourney(rules, j.journey);
      const o = oracleJourney(model, j.journey);
      const et = json(e.trace.map(observe));
      const ot = json(o.trace);
      const k = et.findIndex((x, i) => !isDeepStrictEqual(x, ot[i]));
      if (k >= 0 || et.length !== ot.length) failures.push(`${uri} "${j.journey.name?.value}" entry ${k < 0 ? et.length : k}: engine ${JSON.stringify(et[k])}, oracle ${JSON.stringify(ot[k])}`);
      else if (!isDeepStrictEqual(json(observeFinal(e.final)), json(o.final))) failures.push(`${uri} "${j.journey.name?.value}": final states differ`);
      else if (!isDeepStrictEqual(json({ leads: e.leads?.map((l) => ({ name: l.name, final: observeFinal(l.final) })) }), json({ leads: o.leads }))) failures.push(`${uri} "${j.journey.name?.value}": the leads' final states differ`);
      else if (!isDeepStrictEqual(e.expectations.map((x) => x.pass), o.expectations)) failures.push(`${uri} "${j.journey.name?.value}": expectations differ`);
    }
  }
  return { journeys, failures };
}

describe("engine and oracle agree", () => {
  it("on every journey of examples/acme", () => {
    const r = agreeOnFiles(loadDir(path.join(__dirname, "../../examples/acme")));
    expect(r.failures).toEqual([]);
    expect(r.journeys).toBeGreaterThan(15);
  });

  it("on every golden trace's journeys (the settled disagreements among them)", () => {
    const dir = path.join(__dirname, "../golden/traces");
    let journeys = 0;
    for (const name of readdirSync(dir).filter((n) => n.endsWith(".crmrules"))) {
      const r = agreeOnFiles({ [`/ws/${name}`]: readFileSync(path.join(dir, name), "utf8") });
      expect(r.failures, name).toEqual([]);
      journeys += r.journeys;
    }
    expect(journeys).toBeGreaterThan(10);
  });

  it(`on ${WORKSPACES} random workspaces, their journeys and event logs`, () => {
    let cases = 0;
    let ran = 0;
    let expectations = 0;
    const failures: string[] = [];
    for (let seed = 1; seed <= WORKSPACES; seed++) {
      const r = runCase(seed);
      if (!r.ran) continue;
      ran++;
      cases += r.journeys + r.logs;
      expectations += r.expectations;
      if (r.failure) failures.push(r.failure);
      if (failures.length >= 1) break; // the first counterexample, shrunk, is the readable one
    }
    expect(failures.join("\n\n")).toBe("");
    // Every generated workspace checks cleanly (so none is skipped), and the cases add up.
    expect(ran).toBe(WORKSPACES);
    if (WORKSPACES >= 550) {
      expect(cases).toBeGreaterThanOrEqual(2000);
      expect(expectations).toBeGreaterThan(2000);
    }
  });
});
