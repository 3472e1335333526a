/**
 * Running a workspace's journeys and measuring which rules they exercise:
 * shared by `test`, `simulate` and `diff`.
 */
import type { WorkspaceCheck } from "../core/workspace.js";
import { compile, runJourney, type CompiledRules, type JourneyResult, type SourceRef, type TraceEntry } from "../core/engine/index.js";
import { compileGuarded, journeysOf, type InternalErrors, type WorkspaceJourney } from "./workspace.js";
import { guarded } from "../core/diagnostics/internalError.js";

export interface JourneyRun {
  journey: WorkspaceJourney;
  result: JourneyResult;
  /** Wall-clock time of the replay in seconds (JUnit reports it). */
  seconds?: number;
}

/**
 * Runs every journey; with `internal`, a journey whose run fails internally is recorded there (one
 * CR9001 for its file) and left out. Each result keeps only the trace entries the test report reads:
 * every note, and the first entry that exercises each score rule, routing entry and consent clause
 * (what `coverage` looks for), so that memory does not grow with a journey's length.
 */
export function runAll(journeys: WorkspaceJourney[], internal?: InternalErrors): JourneyRun[] {
  const runs: JourneyRun[] = [];
  for (const journey of journeys) {
    const start = performance.now();
    const kept: TraceEntry[] = [];
    const seen = new Set<string>();
    const once = (k: string, e: TraceEntry) => {
      if (seen.has(k)) return;
      seen.add(k);
      // An entry kept for two reasons (a send that also decided a consent clause) is kept once.
      if (kept[kept.length - 1] !== e) kept.push(e);
    };
    const opts = {
      onTrace: (e: TraceEntry) => {
        if (e.kind === "note") kept.push(e);
        else if (e.kind === "score") once(`score ${e.score}.${e.rule}`, e);
        else if (e.kind === "route" && e.rule !== null) once(`route ${e.route}.${e.rule}`, e);
        else if (e.kind === "action" && e.consent?.clauseSource) once(`clause ${key(e.consent.clauseSource)}`, e);
        // What `moreCoverage` (cli/coverage.ts) looks for: stages entered, workflows started, steps run, actions sent and blocked.
        if (e.kind === "stage") once(`stage ${e.to}`, e);
        else if (e.kind === "workflow" && e.status === "started") once(`workflow ${e.workflow}`, e);
        else if (e.kind === "action") {
          once(`step ${key(e.source)}`, e);
          if (e.status !== "skipped") once(`${e.status} ${e.action}`, e);
        }
      },
    };
    const result = internal
      ? guarded("simulate", journey.uri, () => runJourney(journey.rules, journey.decl, opts), (e) => (internal.add(journey.uri, "simulate", e), undefined))
      : runJourney(journey.rules, journey.decl, opts);
    if (result) {
      result.trace = kept;
      runs.push({ journey, result, seconds: (performance.now() - start) / 1000 });
    }
  }
  return runs;
}

export type CoverageKind = "score rule" | "routing entry" | "consent clause";

export interface CoverageItem {
  kind: CoverageKind;
  /** `fit.enterprise`, `inbound.otherwise`, `email_marketing in dach`. */
  name: string;
  source: SourceRef;
  covered: boolean;
}

export interface Coverage {
  items: CoverageItem[];
  covered: number;
  total: number;
  /** 0–100, one decimal; 100 when there is nothing to cover. */
  percent: number;
}

const key = (s: SourceRef) => `${s.uri}#${s.range.start.offset}`;

/** Every score rule, routing entry and consent clause of the workspace, and whether some journey run used it. */
export function coverage(check: WorkspaceCheck, runs: JourneyRun[], internal?: InternalErrors): Coverage {
  const items = new Map<string, CoverageItem>();
  const add = (kind: CoverageKind, name: string, source: SourceRef) => {
    if (!items.has(key(source))) items.set(key(source), { kind, name, source, covered: false });
  };
  const universe = (rules: CompiledRules) => {
    for (const s of rules.scores) for (const r of s.rules) add("score rule", `${s.name}.${r.name}`, r.source);
    for (const r of rules.routes) {
      for (const rr of r.rules) add("routing entry", `${r.name}.${rr.name}`, rr.source);
      if (r.fallback) add("routing entry", `${r.name}.otherwise`, r.fallback.source);
    }
    for (const c of rules.consents.values()) for (const cl of c.clauses) add("consent clause", `${c.name} ${cl.region === null ? "otherwise" : cl.text}`, cl.source);
  };
  for (const uri of [...check.files.keys()].sort()) {
    const rules = internal ? compileGuarded(check, uri, internal) : compile(check, uri);
    if (rules) universe(rules);
  }
  const hit = new Set<string>();
  for (const { journey, result } of runs) {
    const rules = journey.rules;
    for (const e of result.trace) {
      if (e.kind === "score") {
        const r = rules.scores.find((s) => s.name === e.score)?.rules.find((x) => x.name === e.rule);
        if (r) hit.add(key(r.source));
      } else if (e.kind === "route" && e.rule !== null) {
        const route = rules.routes.find((r) => r.name === e.route);
        const src = e.rule === "otherwise" ? route?.fallback?.source : route?.rules.find((x) => x.name === e.rule)?.source;
        if (src) hit.add(key(src));
      } else if (e.kind === "action" && e.consent?.clauseSource) hit.add(key(e.consent.clauseSource));
    }
  }
  for (const [k, item] of items) if (hit.has(k)) item.covered = true;
  const list = [...items.values()].sort((a, b) => (a.source.uri < b.source.uri ? -1 : a.source.uri > b.source.uri ? 1 : a.source.range.start.offset - b.source.range.start.offset));
  const covered = list.filter((i) => i.covered).length;
  return { items: list, covered, total: list.length, percent: roundPercent(covered, list.length) };
}

/**
 * `covered / total` as a percentage rounded to one decimal (8 of 9 is 88.9), except that it
 * never rounds up to 100 while something is not exercised, nor down to 0 when something is.
 */
export function roundPercent(covered: number, total: number): number {
  if (total === 0 || covered === total) return 100;
  if (covered === 0) return 0;
  const p = Math.round((covered / total) * 1000) / 10;
  return Math.min(99.9, Math.max(0.1, p));
}

/** Whether coverage is below a minimum percentage, compared exactly (89.96% is below 90, though it prints as 90.0). */
export function belowMinimum(c: { covered: number; total: number }, min: number): boolean {
  return c.total > 0 && c.covered * 100 < min * c.total;
}

export { journeysOf };
