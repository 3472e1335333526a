/**
 * What a change makes the server republish and re-run, on the workspace model
 * alone (no protocol): `Workspace.takeAffected` names the files whose
 * diagnostics a change may have changed (the changed file, the files that
 * import it, what those see or saw), and `JourneyRunner` keeps the results of
 * journeys whose files do not see a changed file.
 */
import { describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Workspace } from "../../server/src/workspace.js";
import { JourneyRunner, listJourneys } from "../../server/src/journeys.js";
import { chain, copyFixture } from "./helpers.js";


const sorted = (s: Set<string>) => [...s].sort();

describe("files affected by a change", () => {
  it("start with every file, then only the changed file, its importers and what they see", () => {
    const { root, p } = chain();
    const ws = new Workspace();
    ws.setRoots([root]);
    expect(ws.takeAffected().all).toBe(true);
    expect(ws.takeAffected()).toEqual({ all: false, paths: new Set() });

    // A file nothing imports and that imports nothing: itself.
    ws.changeDoc(p("other"), 'queue lonely "Lonely one"\n', 2);
    expect(sorted(ws.takeAffected().paths)).toEqual([p("other")]);

    // The bottom of the chain: every file that imports it (transitively), and what they see; not `other`.
    ws.changeDoc(p("base"), 'owner ann "ann@acme.example"\nqueue spill "Spill!"\n', 2);
    expect(sorted(ws.takeAffected().paths)).toEqual([p("base"), p("mid"), p("sib"), p("top")].sort());

    // The top: itself and what it sees.
    ws.changeDoc(p("top"), 'import "./mid.crmrules"\n\nstage mql initial when true\nroute inbound on stage mql {\n  otherwise -> team duo\n}\n// edited\n', 2);
    expect(sorted(ws.takeAffected().paths)).toEqual([p("base"), p("mid"), p("top")].sort());
  });

  it("include what a file saw before it dropped an import (its declarations may now be unused)", () => {
    const { root, p } = chain();
    const ws = new Workspace();
    ws.setRoots([root]);
    ws.takeAffected();
    ws.changeDoc(p("mid"), "team duo round_robin {\n  member ann\n}\n", 2);
    const a = ws.takeAffected();
    expect(sorted(a.paths)).toEqual([p("base"), p("mid"), p("top")].sort());
    // And base's owner is now reported unused there.
    expect(ws.snapshot().diagnosticsOf(p("base")).map((d) => d.code)).toContain("CR2007");
  });

  it("after a deletion: the files that imported the deleted one in the previous snapshot, and what it saw", () => {
    const { root, p } = chain();
    const ws = new Workspace();
    ws.setRoots([root]);
    ws.takeAffected();
    rmSync(p("mid"));
    ws.diskChanged(p("mid"), true);
    expect(sorted(ws.takeAffected().paths)).toEqual([p("base"), p("mid"), p("top")].sort());
    // A deleted file nothing imported: itself and what it saw, plus `top`, whose import of the
    // deleted `mid` finds no file (its did-you-mean is over the files that remain).
    rmSync(p("sib"));
    ws.diskChanged(p("sib"), true);
    expect(sorted(ws.takeAffected().paths)).toEqual([p("base"), p("sib"), p("top")].sort());
  });

  it("accumulate over snapshots taken in between (a request may check before the server publishes)", () => {
    const { root, p } = chain();
    const ws = new Workspace();
    ws.setRoots([root]);
    ws.takeAffected();
    ws.changeDoc(p("other"), 'queue lonely "L"\n', 2);
    ws.snapshot();
    ws.changeDoc(p("top"), 'import "./mid.crmrules"\n', 3);
    ws.snapshot();
    expect(sorted(ws.takeAffected().paths)).toEqual([p("base"), p("mid"), p("other"), p("top")].sort());
  });
});

describe("journey results across changes", () => {
  // basic: journeys.crmrules → routing.crmrules → consent.crmrules → scoring.crmrules → schema.crmrules (imports);
  // a journey in journeys.crmrules and one in routing.crmrules.
  const setup = () => {
    const root = copyFixture("basic");
    const ws = new Workspace();
    ws.setRoots([root]);
    const runner = new JourneyRunner(() => undefined);
    const list = () => {
      const snap = ws.snapshot();
      return listJourneys(snap, runner, snap.paths()).map((j) => [j.name, j.status]);
    };
    return { ws, runner, list, p: (name: string) => join(root, `${name}.crmrules`), text: (name: string) => ws.text(join(root, `${name}.crmrules`))! };
  };

  it("are kept for journeys whose files do not see the changed file", () => {
    const { ws, runner, list, p, text } = setup();
    const before = list();
    expect(before).toEqual([
      ["Small Swedish company stays a lead", "failed"],
      ["Nordic CTO converts after a webinar", "passed"],
    ]);
    expect(runner.stats).toEqual({ compiled: 2, runs: 2 });
    // The same snapshot: nothing recomputed.
    list();
    expect(runner.stats).toEqual({ compiled: 2, runs: 2 });
    // routing.crmrules does not see journeys.crmrules: only the journey of journeys.crmrules runs again.
    ws.changeDoc(p("journeys"), text("journeys").replace("expect stage == mql", "expect stage == lead_in"), 2);
    expect(list()).toEqual([
      ["Small Swedish company stays a lead", "passed"],
      ["Nordic CTO converts after a webinar", "passed"],
    ]);
    expect(runner.stats).toEqual({ compiled: 3, runs: 3 });
    // A file in another folder-less corner of the workspace: nothing runs again.
    ws.openDoc("untitled:Untitled-9", 'queue q "Q"\n', 1);
    list();
    expect(runner.stats).toEqual({ compiled: 3, runs: 3 });
  });

  it("are recomputed when a file the journey's file imports changes", () => {
    const { ws, runner, list, p, text } = setup();
    list();
    expect(runner.stats).toEqual({ compiled: 2, runs: 2 });
    // scoring.crmrules is seen by both journey files: both run again, with the new rules.
    ws.changeDoc(p("scoring"), text("scoring").replace("rule enterprise: +15", "rule enterprise: +5"), 2);
    expect(list()).toEqual([
      ["Small Swedish company stays a lead", "failed"],
      ["Nordic CTO converts after a webinar", "failed"],
    ]);
    expect(runner.stats).toEqual({ compiled: 4, runs: 4 });
    // Changed back: recomputed again (the parse result is new), and passing again.
    ws.changeDoc(p("scoring"), text("scoring").replace("rule enterprise: +5", "rule enterprise: +15"), 3);
    expect(list()[1]).toEqual(["Nordic CTO converts after a webinar", "passed"]);
    expect(runner.stats).toEqual({ compiled: 6, runs: 6 });
  });
});
