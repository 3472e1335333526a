/**
 * Replaying the same journeys through two versions of the rules and describing what
 * changes: every outcome (stage, owner, scores and grades with the thresholds crossed,
 * sent and blocked actions per action and consent clause, escalations, erasure) per
 * journey, each with the changed declarations that cause it (cli/outcomes.ts).
 */
import * as path from "node:path";
import type { SourceFile, WorkspaceCheck } from "../core/workspace.js";
import { compile, leadResult, runJourney, type CompiledRules, type JourneyResult } from "../core/engine/index.js";
import { Declarations, changedDeclarations, compareRuns, outcomeOf, thresholds, type Change, type Outcome, type Threshold } from "./outcomes.js";
import type * as A from "../core/syntax/ast.js";
import { checkFiles } from "./workspace.js";

export interface Side {
  /** What the user named: a folder or a revision. */
  label: string;
  root: string;
  files: SourceFile[];
}

export type { Outcome, Change } from "./outcomes.js";

export interface JourneyDiff {
  name: string;
  /** Path relative to the head root. */
  file: string;
  line: number;
  before: Outcome | null;
  after: Outcome;
  /** Every outcome that differs, each with the changed declarations behind it. */
  changes: Change[];
  /** The changed declarations behind any of the changes. */
  causes: string[];
  /** Why `before` is missing (the journey cannot run on the base rules). */
  note?: string;
}

export interface CauseCount {
  cause: string;
  leads: number;
}

export interface LogDiff {
  /** The event log, as named. */
  name: string;
  /** The rules file (relative to the workspace) the log went through, and whether `--from` named it. */
  rules: string;
  rulesGiven: boolean;
  leads: number;
  lines: number;
  malformedLines: number;
  /** Problems with the data against the new version's schema (docs/data.md, "Validation"): each reported on standard error with its place; invalid values are used by neither version. */
  dataProblems: { count: number; perKind: Record<string, number> };
  /** Values the new schema accepts and the old one does not (a field, enum value or event the change adds): the old version's replay leaves them out. */
  oldSchemaProblems: { count: number; perKind: Record<string, number> };
  /** Leads with any outcome changed. */
  changedLeads: number;
  stageChanged: number;
  ownerChanged: number;
  /** Per kind of outcome (`stage`, `owner`, `score engagement`, `sent send_email`, `blocked send_email (email_marketing in [US])`, …): the leads it changes for, and the changed declarations behind it. */
  changes: { what: string; leads: number; causes: CauseCount[] }[];
  /** Counts over all leads that differ: `sent send_email` (sends), `blocked …`, `leads in stage mql`, `leads assigned to owner kari`, `escalations`, `leads erased`. */
  totals: { what: string; before: number; after: number }[];
  /** Score thresholds the leads' final scores cross: `up` now hold, `down` no longer hold. */
  crossings: { threshold: string; up: number; down: number }[];
  stageMoves: { from: string; to: string; count: number }[];
  ownerMoves: { from: string; to: string; count: number }[];
  /** The changed declarations behind the changes, with the number of leads each explains. */
  causes: CauseCount[];
  /** The first leads that change (at most 50), in log order. */
  examples: { lead: string; changes: Change[] }[];
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
    /** Journeys per kind of changed outcome (`stage`, `owner`, `score engagement`, `sent send_email`, …). */
    outcomes: { what: string; journeys: number }[];
    causes: { rule: string; journeys: number }[];
    baseErrors: number;
    headErrors: number;
  };
}

function rel(root: string, uri: string): string {
  return path.posix.relative(root, uri);
}

export interface JourneyRef {
  name: string;
  file: string;
  line: number;
}

const declsMemo = new WeakMap<WorkspaceCheck, Declarations>();
export function declarationsOf(check: WorkspaceCheck): Declarations {
  let d = declsMemo.get(check);
  if (!d) declsMemo.set(check, (d = new Declarations(check)));
  return d;
}

/** Thresholds of both versions, deduplicated (a threshold the change moved shows in both forms). */
export function bothThresholds(baseCheck: WorkspaceCheck, baseRules: CompiledRules, headCheck: WorkspaceCheck, headRules: CompiledRules): Threshold[] {
  const m = new Map<string, Threshold>();
  for (const t of [...thresholds(headCheck, headRules), ...thresholds(baseCheck, baseRules)]) if (!m.has(t.label)) m.set(t.label, t);
  return [...m.values()];
}

/** Runs head's journeys through head and base rules. */
export function compareSides(base: Side, head: Side): DiffReport {
  const headCheck = checkFiles(head.root, head.files);
  // Base and head mostly share their files: the base check reuses what did not change (same root only).
  const baseCheck = checkFiles(base.root, base.files, headCheck);
  const changed = changedDeclarations(declarationsOf(baseCheck), declarationsOf(headCheck));
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
    const ts = bothThresholds(check, baseRules, headCheck, headRules);
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
        journeys.push({ ...ref, before: null, after: outcomeOf(after.final), changes: [], causes: [], note: "cannot run on the base rules" });
        continue;
      }
      const before = runJourney(baseRules, baseDecl);
      // A journey with several leads: each lead compared on its own (`NAME, lead ana`), from its part of the result.
      // (The base runs the head's text of the journey, so both have the same leads.)
      const parts: { name: string; before: JourneyResult; after: JourneyResult }[] = after.leads
        ? after.leads.map((l) => ({ name: `${name}, lead ${l.name}`, before: leadResult(before, l.name) ?? before, after: leadResult(after, l.name)! }))
        : [{ name, before, after }];
      for (const p of parts) {
        const changes = compareRuns(
          { final: p.before.final, trace: p.before.trace, rules: baseRules, decls: declarationsOf(check) },
          { final: p.after.final, trace: p.after.trace, rules: headRules, decls: declarationsOf(headCheck) },
          changed,
          ts,
        );
        journeys.push({ ...ref, name: p.name, before: outcomeOf(p.before.final), after: outcomeOf(p.after.final), changes, causes: [...new Set(changes.flatMap((c) => c.causes))].sort() });
      }
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
      stageChanges: tally(journeys.flatMap((j) => j.changes.filter((c) => c.what === "stage").map((c): [string, string] => [c.before, c.after]))),
      ownerChanges: tally(journeys.flatMap((j) => j.changes.filter((c) => c.what === "owner").map((c): [string, string] => [c.before, c.after]))),
      outcomes: countBy(journeys.flatMap((j) => [...new Set(j.changes.map((c) => c.what))])).map(([what, n]) => ({ what, journeys: n })),
      causes: [...causeCount].map(([rule, n]) => ({ rule, journeys: n })).sort((a, b) => b.journeys - a.journeys || (a.rule < b.rule ? -1 : 1)),
      baseErrors: baseCheck.diagnostics.filter((d) => d.severity === "error").length,
      headErrors: headCheck.diagnostics.filter((d) => d.severity === "error").length,
    },
  };
}

export function isChanged(j: JourneyDiff): boolean {
  return j.before === null || j.changes.length > 0;
}

/** Occurrences per value, most first (then by value). */
export function countBy(xs: string[]): [string, number][] {
  const m = new Map<string, number>();
  for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1);
  return [...m].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}
