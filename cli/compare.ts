/**
 * Replaying the same journeys through two versions of the rules and
 * describing what changes: stage, scores, routing and blocked actions per
 * journey, and which rules cause the changes.
 */
import * as path from "node:path";
import type { SourceFile, WorkspaceCheck } from "../core/workspace.js";
import { compile, runJourney, showTarget, type JourneyResult } from "../core/engine/index.js";
import type * as A from "../core/syntax/ast.js";
import { checkFiles } from "./workspace.js";

export interface Side {
  /** What the user named: a folder or a revision. */
  label: string;
  root: string;
  files: SourceFile[];
}

export interface Outcome {
  stage: string | null;
  scores: Record<string, number | null>;
  /** `route: target` per routing decision, e.g. `inbound: owner kari`. */
  routing: string[];
  /** The final owner-ish target of the last routing decision (`owner kari`, `queue unrouted`), or `not routed`. */
  owner: string;
  blocked: string[];
  sent: string[];
}

export interface JourneyDiff {
  name: string;
  /** Path relative to the head root. */
  file: string;
  line: number;
  before: Outcome | null;
  after: Outcome;
  changed: { stage: boolean; owner: boolean; scores: string[]; blocked: boolean; sent: boolean };
  /** Rules whose effect differs between the two runs: `score.rule` or `route.rule`. */
  causes: string[];
  /** Why `before` is missing (the journey cannot run on the base rules). */
  note?: string;
}

export interface LogDiff {
  /** The event log, as named. */
  name: string;
  leads: number;
  lines: number;
  malformedLines: number;
  stageChanged: number;
  ownerChanged: number;
  stageMoves: { from: string; to: string; count: number }[];
  ownerMoves: { from: string; to: string; count: number }[];
  /**
   * What the changes come from, per lead that changes: the routing rule that now
   * assigns the lead (`inbound.denmark`), or a score whose final value differs
   * (`score engagement`) when the stage changes or the lead is no longer routed.
   */
  causes: { cause: string; leads: number }[];
  /** The first leads that change (at most 50), in log order. */
  examples: { lead: string; before: { stage: string | null; assignment: string | null }; after: { stage: string | null; assignment: string | null } }[];
}

export interface DiffReport {
  base: string;
  head: string;
  journeys: JourneyDiff[];
  log?: LogDiff;
  summary: {
    journeys: number;
    changed: number;
    stageChanges: { from: string; to: string; count: number }[];
    ownerChanges: { from: string; to: string; count: number }[];
    causes: { rule: string; journeys: number }[];
    baseErrors: number;
    headErrors: number;
  };
}

function outcome(r: JourneyResult): Outcome {
  const f = r.final;
  const last = f.routing[f.routing.length - 1];
  return {
    stage: f.stage,
    scores: f.scores,
    routing: f.routing.map((x) => `${x.route}: ${showTarget(x.target)}`),
    owner: last ? showTarget(last.target) : "not routed",
    blocked: f.blocked.map((b) => b.action),
    sent: f.sent.map((s) => s.action),
  };
}

/** Net points per `score.rule` in a run. */
function contributions(r: JourneyResult): Map<string, number> {
  const m = new Map<string, number>();
  for (const e of r.trace) if (e.kind === "score") m.set(`${e.score}.${e.rule}`, (m.get(`${e.score}.${e.rule}`) ?? 0) + e.applied);
  return m;
}

function routeRules(r: JourneyResult): Map<string, string> {
  const m = new Map<string, string>();
  for (const x of r.final.routing) m.set(x.route, `${x.route}.${x.rule ?? "no rule"}`);
  return m;
}

function causesOf(before: JourneyResult, after: JourneyResult, changed: JourneyDiff["changed"]): string[] {
  const out = new Set<string>();
  if (changed.stage || changed.scores.length || changed.sent || changed.blocked) {
    const a = contributions(before);
    const b = contributions(after);
    for (const k of new Set([...a.keys(), ...b.keys()])) if ((a.get(k) ?? 0) !== (b.get(k) ?? 0)) out.add(k);
  }
  if (changed.owner) {
    const a = routeRules(before);
    const b = routeRules(after);
    for (const k of new Set([...a.keys(), ...b.keys()])) {
      const x = a.get(k);
      const y = b.get(k);
      if (x === y) continue;
      // A different rule routed the lead: that rule is the cause. No routing at all
      // means the route's trigger (a stage) was not reached: the score rules above explain it.
      if (y && !y.endsWith(".no rule")) out.add(y);
    }
  }
  return [...out].sort();
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function rel(root: string, uri: string): string {
  return path.posix.relative(root, uri);
}

export interface JourneyRef {
  name: string;
  file: string;
  line: number;
}

/** Runs head's journeys through head and base rules. `extra` is run the same way (e.g. journeys built from an event log). */
export function compareSides(base: Side, head: Side): DiffReport {
  const headCheck = checkFiles(head.root, head.files);
  // Base and head mostly share their files: the base check reuses what did not change (same root only).
  const baseCheck = checkFiles(base.root, base.files, headCheck);
  const baseByRel = new Map(base.files.map((f) => [rel(base.root, f.uri), f]));
  const journeys: JourneyDiff[] = [];
  const headFiles = [...headCheck.files.keys()].sort();
  for (const uri of headFiles) {
    const decls = headCheck.files.get(uri)!.file.decls.filter((d): d is A.JourneyDecl => d.kind === "Journey" && d.name !== undefined);
    if (!decls.length) continue;
    const headRules = compile(headCheck, uri);
    const file = rel(head.root, uri);
    // The same journeys in the base: the head version of this file placed into the base workspace.
    const baseUri = `${base.root}/${file}`;
    const text = head.files.find((f) => f.uri === uri)!.text;
    let check: WorkspaceCheck = baseCheck;
    if (baseByRel.get(file)?.text !== text) {
      const files = base.files.filter((f) => f.uri !== baseUri).concat([{ uri: baseUri, text }]);
      check = checkFiles(base.root, files, baseCheck);
    }
    const baseRules = compile(check, baseUri);
    // Journeys are matched by file, name and, for a name given twice in one file (CR2002), by their order.
    const seen = new Map<string, number>();
    for (const decl of decls) {
      const name = decl.name!.value;
      const nth = seen.get(name) ?? 0;
      seen.set(name, nth + 1);
      const after = runJourney(headRules, decl);
      const baseDecl = baseRules.journeys.filter((j) => j.uri === baseUri && j.journey.name?.value === name)[nth]?.journey;
      const ref = { name, file, line: decl.range.start.line + 1 };
      if (!baseDecl) {
        journeys.push({ ...ref, before: null, after: outcome(after), changed: { stage: false, owner: false, scores: [], blocked: false, sent: false }, causes: [], note: "cannot run on the base rules" });
        continue;
      }
      const before = runJourney(baseRules, baseDecl);
      const b = outcome(before);
      const a = outcome(after);
      const scoreNames = [...new Set([...Object.keys(b.scores), ...Object.keys(a.scores)])].sort();
      const changed = {
        stage: b.stage !== a.stage,
        owner: !same(b.routing, a.routing),
        scores: scoreNames.filter((s) => (b.scores[s] ?? null) !== (a.scores[s] ?? null)),
        blocked: !same(b.blocked, a.blocked),
        sent: !same(b.sent, a.sent),
      };
      journeys.push({ ...ref, before: b, after: a, changed, causes: causesOf(before, after, changed) });
    }
  }
  return summarize(base.label, head.label, journeys, baseCheck, headCheck);
}

export function tally(pairs: [string, string][]): { from: string; to: string; count: number }[] {
  const m = new Map<string, { from: string; to: string; count: number }>();
  for (const [from, to] of pairs) {
    const k = `${from}\u0000${to}`;
    const e = m.get(k) ?? { from, to, count: 0 };
    e.count++;
    m.set(k, e);
  }
  return [...m.values()].sort((a, b) => b.count - a.count || (a.from + a.to < b.from + b.to ? -1 : 1));
}

function summarize(base: string, head: string, journeys: JourneyDiff[], baseCheck: WorkspaceCheck, headCheck: WorkspaceCheck): DiffReport {
  const changedJ = journeys.filter((j) => isChanged(j));
  const causeCount = new Map<string, number>();
  for (const j of journeys) for (const c of j.causes) causeCount.set(c, (causeCount.get(c) ?? 0) + 1);
  return {
    base,
    head,
    journeys,
    summary: {
      journeys: journeys.length,
      changed: changedJ.length,
      stageChanges: tally(journeys.filter((j) => j.before && j.changed.stage).map((j) => [j.before!.stage ?? "none", j.after.stage ?? "none"])),
      ownerChanges: tally(journeys.filter((j) => j.before && j.changed.owner).map((j) => [j.before!.owner, j.after.owner])),
      causes: [...causeCount].map(([rule, n]) => ({ rule, journeys: n })).sort((a, b) => b.journeys - a.journeys || (a.rule < b.rule ? -1 : 1)),
      baseErrors: baseCheck.diagnostics.filter((d) => d.severity === "error").length,
      headErrors: headCheck.diagnostics.filter((d) => d.severity === "error").length,
    },
  };
}

export function isChanged(j: JourneyDiff): boolean {
  const c = j.changed;
  return j.before === null || c.stage || c.owner || c.scores.length > 0 || c.blocked || c.sent;
}
