/**
 * Journeys through the engine: the custom requests (`crmrules/listJourneys`,
 * `crmrules/runJourney`, `crmrules/journeyView`), code lenses and inlay hints.
 * Their names and shapes are protocol/journeys.ts (the extension imports the same module),
 * documented in server/README.md.
 */
import { visitExprs } from "../../core/syntax/walk.js";
import * as L from "vscode-languageserver";
import type * as A from "../../core/syntax/ast.js";
import { compile, runJourney, renderTraceText, showTarget, showValue, type CompiledRules, type JourneyResult, type TraceEntry } from "../../core/engine/index.js";
import type { Range } from "../../core/text/positions.js";
import type { Diagnostic } from "../../core/diagnostics/diagnostic.js";
import { expectationDiagnostics } from "../../core/engine/expectDiagnostics.js";
import { range } from "./convert.js";
import { pathToUri } from "./uri.js";
import type { Snapshot } from "./workspace.js";
import { lookup } from "../../core/checker/queries.js";
import type { JourneyInfo, JourneyRunResult, JourneyView, JourneyViewFailure, Source } from "../../protocol/journeys.js";

/** A file's compiled rules and journey results, valid while the file's check result (its unit) is reused. */
interface FileRuns {
  /**
   * The checker's result for the file when the rules were compiled. The checker reuses it exactly
   * while the file and every file it sees are unchanged, which is also what the rules depend on.
   */
  unit: unknown;
  rules: CompiledRules | Error;
  /** Journey results by the offset of the journey in its file. */
  results: Map<number, JourneyResult | Error>;
}

/**
 * Runs the journeys of a file and keeps the results across changes: a file's
 * rules are compiled from the files it sees (`check.visibleFiles`), so its
 * rules and journey results stay valid while every one of those files is the
 * same parse result, which is exactly when the checker reuses the file's unit
 * (`check.units`). A change re-runs only the journeys of files that see a
 * changed file.
 */
export class JourneyRunner {
  private readonly byFile = new Map<string, FileRuns>();
  private generation = -1;
  /** How many times rules were compiled and journeys run (for tests: what a change recomputed). */
  readonly stats = { compiled: 0, runs: 0 };

  constructor(private readonly log: (m: string) => void) {}

  /** The cache entry of `path` for this snapshot (a new one when a file it sees changed). */
  private entry(snap: Snapshot, path: string): FileRuns {
    if (snap.generation !== this.generation) {
      this.generation = snap.generation;
      // Files that left the workspace.
      for (const p of this.byFile.keys()) if (!snap.file(p)) this.byFile.delete(p);
    }
    const check = snap.checkOf(path);
    const unit = check?.units.get(path);
    const old = this.byFile.get(path);
    if (old && unit !== undefined && old.unit === unit) return old;
    let rules: CompiledRules | Error;
    if (!check) rules = new Error("this file is not part of a workspace folder, so its journeys cannot run");
    else
      try {
        this.stats.compiled++;
        rules = compile(check, path);
      } catch (e) {
        this.log(`compiling rules for ${path} failed: ${(e as Error).stack ?? String(e)}`);
        rules = new Error(`the rules could not be prepared for simulation: ${(e as Error).message}`);
      }
    const e: FileRuns = { unit, rules, results: new Map() };
    if (check) this.byFile.set(path, e);
    else this.byFile.delete(path);
    return e;
  }

  rules(snap: Snapshot, path: string): CompiledRules | Error {
    return this.entry(snap, path).rules;
  }

  run(snap: Snapshot, path: string, j: A.JourneyDecl): JourneyResult | Error {
    const e = this.entry(snap, path);
    let r = e.results.get(j.range.start.offset);
    if (r) return r;
    if (e.rules instanceof Error) r = e.rules;
    else
      try {
        this.stats.runs++;
        r = runJourney(e.rules, j);
      } catch (err) {
        this.log(`running journey ${j.name?.value ?? "?"} failed: ${(err as Error).stack ?? String(err)}`);
        r = new Error(`the simulation failed: ${(err as Error).message}`);
      }
    e.results.set(j.range.start.offset, r);
    return r;
  }
}

/** The most journeys a file may have for its failing expectations to be published as diagnostics (CR3040). */
export const MAX_JOURNEYS_FOR_DIAGNOSTICS = 50;

/**
 * The failing expectations of a file's journeys as diagnostics (CR3040, core/engine/expectDiagnostics.ts).
 * A journey that cannot run says so in its lens; a failure here is logged and gives no diagnostic.
 */
export function journeyDiagnostics(snap: Snapshot, runner: JourneyRunner, path: string, log: (m: string) => void): Diagnostic[] {
  const out: Diagnostic[] = [];
  const journeys = journeysOf(snap, path);
  // Diagnostics are computed on every edit of the file (and of what it sees): running thousands of
  // journeys there would hold up the checker's findings (a generated 1 MB file has ~2,600). A file
  // with more journeys than this has its failing expectations in the lenses, the Testing view and
  // `crmrules test` only. A count, not a time budget, so the diagnostics stay the same on any machine.
  if (journeys.length > MAX_JOURNEYS_FOR_DIAGNOSTICS) return out;
  for (const j of journeys) {
    const r = runner.run(snap, path, j);
    if (r instanceof Error) continue;
    try {
      out.push(...expectationDiagnostics(r, j));
    } catch (e) {
      log(`reporting the expectations of ${j.name?.value ?? "?"} failed: ${(e as Error).stack ?? String(e)}`);
    }
  }
  return out;
}

export function journeysOf(snap: Snapshot, path: string): A.JourneyDecl[] {
  return (snap.file(path)?.file.decls ?? []).filter((d): d is A.JourneyDecl => d.kind === "Journey" && !!d.name);
}

function findJourney(snap: Snapshot, path: string, name: string): A.JourneyDecl | undefined {
  return journeysOf(snap, path).find((j) => j.name!.value === name);
}

function expectationSteps(j: A.JourneyDecl): A.ExpectStep[] {
  return j.steps.filter((s): s is A.ExpectStep => s.kind === "ExpectStep");
}

function stepText(snap: Snapshot, path: string, n: A.Node): string {
  return snap.file(path)?.lines.text.slice(n.range.start.offset, n.range.end.offset).replace(/\s+/g, " ") ?? "";
}

export function listJourneys(snap: Snapshot, runner: JourneyRunner, paths: string[], cancelled: () => boolean = () => false): JourneyInfo[] {
  const out: JourneyInfo[] = [];
  for (const p of paths)
    for (const j of journeysOf(snap, p)) {
      if (cancelled()) throw new L.ResponseError(L.LSPErrorCodes.RequestCancelled, "the request was cancelled");
      const r = runner.run(snap, p, j);
      out.push({
        uri: pathToUri(p),
        name: j.name!.value,
        range: range(j.range),
        expectations: expectationSteps(j).map((s, index) => ({ index, text: stepText(snap, p, s), range: range(s.range) })),
        status: r instanceof Error ? "error" : r.passed ? "passed" : "failed",
      });
    }
  return out;
}

/** Deep-converts every `{ uri, range }` source of engine output to protocol form. */
export function toProtocol<T>(x: T): T {
  if (Array.isArray(x)) return x.map(toProtocol) as T;
  if (!x || typeof x !== "object") return x;
  const o = x as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) out[k] = toProtocol(v);
  if (typeof o["uri"] === "string" && o["range"] && typeof o["range"] === "object" && "start" in (o["range"] as object)) {
    out["uri"] = pathToUri(o["uri"] as string);
    out["range"] = range(o["range"] as Range);
  }
  return out as T;
}

export function runJourneyRequest(snap: Snapshot, runner: JourneyRunner, path: string, name: string): JourneyRunResult {
  const j = findJourney(snap, path, name);
  const uri = pathToUri(path);
  if (!j) return { uri, name, passed: false, expectations: [], error: `there is no journey named "${name}" in this file` };
  const r = runner.run(snap, path, j);
  if (r instanceof Error) return { uri, name, passed: false, expectations: [], error: r.message };
  const steps = expectationSteps(j);
  return {
    uri,
    name,
    passed: r.passed,
    expectations: r.expectations.map((e, index) => ({ index, text: e.text, range: range(steps[index]?.range ?? e.source.range), passed: e.pass, expected: e.expected, actual: e.actual, time: e.at, ...(e.leadName !== undefined ? { leadName: e.leadName } : {}) })),
    traceText: renderTraceText(r),
    trace: toProtocol(r.trace),
  };
}

// ------------------------------------------------------------ the journey view

const src = (s: { uri: string; range: Range }): Source => ({ uri: pathToUri(s.uri), range: range(s.range) });

export function journeyView(snap: Snapshot, runner: JourneyRunner, path: string, name: string): JourneyView | JourneyViewFailure {
  const run = runJourneyRequest(snap, runner, path, name);
  const j = findJourney(snap, path, name);
  const rules = runner.rules(snap, path);
  if (run.error || !j || rules instanceof Error) return { name, uri: pathToUri(path), error: run.error ?? "the rules could not be prepared", events: [], scores: [], stages: [], routing: [], actions: [] };
  const r = runner.run(snap, path, j) as JourneyResult;
  const view: JourneyView = { name, ...src(r.source), ...(r.leads ? { leads: r.leads.map((l) => l.name) } : {}), end: 0, lead: [], consent: [], events: [], scores: [], stages: [], routing: [], actions: [], expectations: run.expectations };
  const thresholds = stageThresholds(snap, rules, path);
  // Per lead (a journey with several leads; "" for the one lead), per score: its values.
  const series = new Map<string, Map<string, { time: number; value: number }[]>>();
  // The step or timer each lead's firings belong to.
  const current = new Map<string, JourneyView["events"][number]>();
  for (const e of r.trace as TraceEntry[]) {
    view.end = Math.max(view.end, e.at);
    // In a journey with several leads every item says whose it is.
    const who = e.leadName !== undefined ? { leadName: e.leadName } : {};
    const lead = e.leadName ?? "";
    switch (e.kind) {
      case "start":
        for (const [field, v] of Object.entries(e.lead)) view.lead!.push({ ...who, time: e.at, field, value: showValue(v) });
        break;
      case "event":
      case "update": {
        const vals = Object.entries(e.values).map(([k, v]) => `${k}: ${showValue(v)}`);
        if (e.kind === "update") for (const [field, v] of Object.entries(e.values)) view.lead!.push({ ...who, time: e.at, field, value: showValue(v) });
        // Consent given, withdrawn or unsubscribed: the consent lane.
        const purpose = e.values["purpose"];
        if (e.kind === "event" && typeof purpose === "string" && (e.name === "consent_given" || e.name === "consent_withdrawn" || e.name === "unsubscribed"))
          view.consent!.push({ ...who, time: e.at, purpose, state: e.name === "consent_given" ? "given" : "withdrawn", detail: e.name === "consent_given" ? `given${typeof e.values["method"] === "string" ? ` (${e.values["method"]})` : ""}` : e.name.replace("_", " "), ...src(e.source) });
        const ev = { ...who, time: e.at, label: `${e.kind === "update" ? "update" : e.name}${vals.length ? ` { ${vals.join(", ")} }` : ""}`, ...src(e.source), rules: [] };
        current.set(lead, ev);
        view.events.push(ev);
        break;
      }
      case "timer": {
        // A timer is an entry of its own at its own time: what it causes is not the last step's doing.
        const ev = { ...who, time: e.at, label: timerLabel(e), timer: e.timer, ...src(e.source), rules: [] };
        current.set(lead, ev);
        view.events.push(ev);
        break;
      }
      case "expect":
        // Firings after an expectation and before the next step or timer belong to no step (none are expected there).
        break;
      case "score": {
        const mine = series.get(lead) ?? series.set(lead, new Map()).get(lead)!;
        const list = mine.get(e.score) ?? mine.set(e.score, []).get(e.score)!;
        if (e.after !== null) list.push({ time: e.at, value: e.after });
        current.get(lead)?.rules.push({ rule: e.rule, score: e.score, points: e.points, applied: e.applied, ...src(e.source), ...firingNote(e) });
        break;
      }
      case "suppressed":
        current.get(lead)?.rules.push({ rule: e.rule, score: e.score, points: e.points, applied: 0, note: `suppressed: ${e.detail}`, ...src(e.source) });
        break;
      case "stage":
        view.stages.push({ ...who, time: e.at, ...(e.from ? { from: e.from } : {}), to: e.to, ...src(e.source) });
        break;
      case "route":
        view.routing.push({ ...who, time: e.at, route: e.route, target: showTarget(e.target), ...(e.rule ? { rule: e.rule } : {}), note: e.reason, ...src(e.source) });
        break;
      case "escalation":
        if (e.status === "escalated") view.routing.push({ ...who, time: e.at, route: e.route, target: showTarget(e.target), note: `escalated: ${e.reason}`, ...src(e.source) });
        break;
      case "action":
        if ((e.status === "sent" || e.status === "blocked") && e.consent)
          view.consent!.push({ ...who, time: e.at, purpose: e.consent.purpose, state: e.status, detail: `${e.action}: ${e.status}${e.consent.basis ? ` on ${e.consent.basis}` : ""}`, ...src(e.consent.clauseSource ?? e.source) });
        if (e.status === "sent" || e.status === "blocked")
          view.actions.push({ ...who, time: e.at, call: `${e.action}(${e.args.map(showValue).join(", ")})`, status: e.status, ...(e.consent ? { consent: e.consent.purpose } : {}), reason: e.reason, ...src(e.source) });
        break;
    }
  }
  // One line per score, or per lead and score in a journey with several leads.
  for (const lead of r.leads ? r.leads.map((l) => l.name) : [""])
    for (const s of rules.scores)
      view.scores.push({ ...(lead ? { leadName: lead } : {}), name: s.name, ...(s.cap !== null ? { max: s.cap } : {}), ...(s.floor !== null ? { min: s.floor } : {}), thresholds: thresholds.get(s.name) ?? [], points: series.get(lead)?.get(s.name) ?? [] });
  return view;
}

/** How a timer firing is named in the journey view and the inlay hints: `timer: decay (engagement)`. */
export function timerLabel(e: { timer: string; owner: string }): string {
  return `timer: ${e.timer} (${e.owner})`;
}

/** `stage mql when fit >= 20 and …` → fit: [{ value: 20, label: "mql" }] (for the chart's threshold lines). */
function stageThresholds(snap: Snapshot, rules: CompiledRules, path: string): Map<string, { value: number; label: string }[]> {
  const out = new Map<string, { value: number; label: string }[]>();
  const scoreNames = new Set(rules.scores.map((s) => s.name));
  // An explicit stack: an operator chain is as deep as it is long.
  const visit = (root: A.Expr | undefined, stage: string): void =>
    visitExprs(root, (e) => {
      if (e.kind === "Binary") {
        if ((e.op === ">=" || e.op === ">") && e.left?.kind === "Path" && !e.left.segments.length && scoreNames.has(e.left.head.text) && e.right?.kind === "Number") {
          const list = out.get(e.left.head.text) ?? out.set(e.left.head.text, []).get(e.left.head.text)!;
          list.push({ value: e.right.value, label: stage });
        }
        return true;
      }
      return e.kind === "Paren";
    });
  const check = snap.checkOf(path);
  for (const s of rules.stages) {
    // The stage this file sees under that name, as the checker resolves it.
    const decl = check && lookup(check, path, s.name, ["stage"]);
    if (decl) visit((decl.node as A.StageDecl).when, s.name);
  }
  return out;
}

/** A firing's note: points that did not all apply, or a value the cap or floor held (`applied` is the stored part's change). */
export function firingNote(e: { points: number; applied: number; before: number | null; after: number | null }): { note?: string } {
  const parts: string[] = [];
  if (e.points !== e.applied) parts.push(`${e.points} points, ${e.applied} applied`);
  if ((e.after ?? 0) - (e.before ?? 0) !== e.applied) parts.push("value held within cap and floor");
  return parts.length ? { note: parts.join("; ") } : {};
}
