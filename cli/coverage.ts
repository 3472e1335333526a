/**
 * Coverage beyond score rules, routing entries and consent clauses (`cli/journeys.ts`): stages
 * entered, workflows started and their `do` steps run, actions sent, contact actions blocked, and
 * expectations per journey file; per-kind minimums (`--min-coverage rules=90,stages=100`) and
 * reports a coverage tool can show (lcov, JSON).
 */
import type { WorkspaceCheck } from "../core/workspace.js";
import { compile, type CompiledRules, type SourceRef } from "../core/engine/index.js";
import { compileGuarded, type InternalErrors } from "./workspace.js";
import { belowMinimum, roundPercent, type Coverage, type JourneyRun } from "./journeys.js";
import { UsageError } from "./exit.js";

export const COVERAGE_KINDS = ["rules", "stages", "workflows", "steps", "actions", "blocked"] as const;
export type CoverageKindName = (typeof COVERAGE_KINDS)[number];

/** What each kind counts, in words: `stages entered`. */
export const KIND_WORDS: Record<CoverageKindName, string> = {
  rules: "score rules, routing entries and consent clauses exercised",
  stages: "stages entered",
  workflows: "workflows started",
  steps: "workflow steps run",
  actions: "actions sent",
  blocked: "contact actions seen blocked",
};

/** The same, for a line that names the kind first: `stages: 5 of 7 entered`. */
export const KIND_SHORT: Record<CoverageKindName, string> = { rules: "exercised", stages: "entered", workflows: "started", steps: "run", actions: "sent", blocked: "seen blocked" };

export interface KindItem {
  name: string;
  source: SourceRef;
  /** How many journeys exercised it. */
  hits: number;
}

export interface KindCoverage {
  kind: CoverageKindName;
  items: KindItem[];
  covered: number;
  total: number;
  percent: number;
}

export interface FileExpectations {
  uri: string;
  passed: number;
  total: number;
}

const key = (s: SourceRef) => `${s.uri}#${s.range.start.offset}`;

/** Every kind's coverage (`rules` from `coverage`, with journey counts), and the expectations per file. */
export function moreCoverage(check: WorkspaceCheck, runs: JourneyRun[], rulesCoverage: Coverage, internal?: InternalErrors): { kinds: KindCoverage[]; files: FileExpectations[] } {
  const universe = new Map<CoverageKindName, Map<string, KindItem>>(COVERAGE_KINDS.map((k) => [k, new Map()]));
  const add = (kind: CoverageKindName, name: string, source: SourceRef) => {
    const m = universe.get(kind)!;
    if (!m.has(key(source))) m.set(key(source), { name, source, hits: 0 });
  };
  for (const i of rulesCoverage.items) add("rules", `${i.kind} ${i.name}`, i.source);
  const collect = (rules: CompiledRules) => {
    for (const s of rules.stages) add("stages", s.name, s.source);
    for (const w of rules.workflows) {
      add("workflows", w.name, w.source);
      for (const st of w.steps) if (st.kind === "do") add("steps", `${w.name}: do ${st.text}`, st.source);
    }
    for (const a of rules.actions.values()) {
      add("actions", a.name, a.source);
      if (a.reach === "contact") add("blocked", a.name, a.source);
    }
  };
  for (const uri of [...check.files.keys()].sort()) {
    const rules = internal ? compileGuarded(check, uri, internal) : compile(check, uri);
    if (rules) collect(rules);
  }
  for (const { journey, result } of runs) {
    const rules = journey.rules;
    const hit = new Set<string>();
    const mark = (kind: CoverageKindName, source: SourceRef | undefined) => {
      if (!source) return;
      const k = `${kind} ${key(source)}`;
      if (hit.has(k)) return;
      hit.add(k);
      const item = universe.get(kind)!.get(key(source));
      if (item) item.hits++;
    };
    for (const e of result.trace) {
      if (e.kind === "stage") mark("stages", rules.stages.find((s) => s.name === e.to)?.source);
      else if (e.kind === "workflow" && e.status === "started") mark("workflows", rules.workflows.find((w) => w.name === e.workflow)?.source);
      else if (e.kind === "action") {
        mark("steps", e.source);
        if (e.status === "sent") mark("actions", rules.actions.get(e.action)?.source);
        if (e.status === "blocked") mark("blocked", rules.actions.get(e.action)?.source);
      }
    }
  }
  // Rules: hits per journey are not kept by `coverage`; a covered rule counts as exercised once.
  for (const i of rulesCoverage.items) if (i.covered) universe.get("rules")!.get(key(i.source))!.hits = Math.max(1, universe.get("rules")!.get(key(i.source))!.hits);
  const kinds = COVERAGE_KINDS.map((kind): KindCoverage => {
    const items = [...universe.get(kind)!.values()].sort((a, b) => (a.source.uri < b.source.uri ? -1 : a.source.uri > b.source.uri ? 1 : a.source.range.start.offset - b.source.range.start.offset));
    const covered = items.filter((i) => i.hits > 0).length;
    return { kind, items, covered, total: items.length, percent: roundPercent(covered, items.length) };
  });
  const byFile = new Map<string, FileExpectations>();
  for (const { journey, result } of runs) {
    const f = byFile.get(journey.uri) ?? { uri: journey.uri, passed: 0, total: 0 };
    f.total += result.expectations.length;
    f.passed += result.expectations.filter((x) => x.pass).length;
    byFile.set(journey.uri, f);
  }
  return { kinds, files: [...byFile.values()].sort((a, b) => (a.uri < b.uri ? -1 : 1)) };
}

/**
 * `--min-coverage`: a percentage (for `rules`, as before) or per-kind minimums
 * `rules=90,stages=100` (kinds: rules, stages, workflows, steps, actions, blocked).
 */
export function parseMinimums(s: string | undefined): Map<CoverageKindName, number> {
  const out = new Map<CoverageKindName, number>();
  if (s === undefined) return out;
  const pct = (t: string, whole: string) => {
    const v = t.trim().replace(/%$/, "");
    const n = /^\d+(\.\d+)?$/.test(v) ? Number(v) : NaN;
    if (!Number.isFinite(n) || n < 0 || n > 100) throw new UsageError(`\`--min-coverage ${whole}\` must be a percentage from 0 to 100`);
    return n;
  };
  if (!s.includes("=")) {
    out.set("rules", pct(s, s));
    return out;
  }
  for (const part of s.split(",")) {
    const [k, v, ...rest] = part.split("=");
    const kind = k?.trim() as CoverageKindName;
    if (!COVERAGE_KINDS.includes(kind) || v === undefined || rest.length) throw new UsageError(`\`--min-coverage ${s}\`: \`${part.trim()}\` is not KIND=PERCENT (kinds: ${COVERAGE_KINDS.join(", ")})`);
    out.set(kind, pct(v, s));
  }
  return out;
}

/** The kinds below their minimum. */
export function belowMinimums(kinds: KindCoverage[], mins: Map<CoverageKindName, number>): KindCoverage[] {
  return kinds.filter((k) => mins.has(k.kind) && belowMinimum(k, mins.get(k.kind)!));
}

/** An lcov tracefile: per rules file, one `DA:line,journeys` per item of every kind, and `FN`/`FNDA` naming it. */
export function renderLcov(kinds: KindCoverage[], path: (uri: string) => string): string {
  const byFile = new Map<string, { line: number; name: string; hits: number }[]>();
  for (const k of kinds) for (const i of k.items) {
    const list = byFile.get(i.source.uri) ?? [];
    list.push({ line: i.source.range.start.line + 1, name: `${k.kind}: ${i.name}`, hits: i.hits });
    byFile.set(i.source.uri, list);
  }
  const out: string[] = ["TN:crmrules"];
  for (const uri of [...byFile.keys()].sort()) {
    const items = byFile.get(uri)!.sort((a, b) => a.line - b.line);
    out.push(`SF:${path(uri)}`);
    for (const i of items) out.push(`FN:${i.line},${i.name.replace(/[,\n]/g, " ")}`);
    for (const i of items) out.push(`FNDA:${i.hits},${i.name.replace(/[,\n]/g, " ")}`);
    out.push(`FNF:${items.length}`, `FNH:${items.filter((i) => i.hits > 0).length}`);
    const lines = new Map<number, number>();
    for (const i of items) lines.set(i.line, Math.max(lines.get(i.line) ?? 0, i.hits));
    for (const [l, h] of [...lines].sort((a, b) => a[0] - b[0])) out.push(`DA:${l},${h}`);
    out.push(`LF:${lines.size}`, `LH:${[...lines.values()].filter((h) => h > 0).length}`, "end_of_record");
  }
  return out.join("\n") + "\n";
}
