/**
 * Accepts what the language server answers (either the shapes of protocol/journeys.ts or the
 * engine's own `JourneyResult`, see core/engine/trace.ts) and turns it into what the view and the
 * test explorer draw. Pure: no `vscode` import.
 */
import type * as P from "../../protocol/journeys.js";
import { parse } from "../../core/syntax/parse.js";
import type * as A from "../../core/syntax/ast.js";
import type { JourneyResult as EngineResult, TraceEntry } from "../../core/engine/trace.js";
import { renderTraceText } from "../../core/engine/render.js";

// What the view and the test explorer draw: the protocol's shapes (protocol/journeys.ts) with
// the fields an older server or the engine-result fallback may leave out made optional; the
// renderers show what they get.

/** `T` with the fields `K` optional. */
type Loose<T, K extends keyof T> = Omit<T, K> & Partial<Pick<T, K>>;
export type Rng = P.Range;
export type SourceRef = Partial<P.Source>;
export type ExpectationResult = Loose<P.ExpectationOutcome, "text" | "range" | "expected" | "actual"> & { message?: string };
export type JourneyRunResult = Omit<P.JourneyRunResult, "expectations"> & { expectations: ExpectationResult[] };
export type ViewRuleFiring = Loose<P.ViewRuleFiring, "uri" | "range">;
export type ViewEvent = Loose<Omit<P.ViewEvent, "rules">, "uri" | "range"> & { rules?: ViewRuleFiring[] };
export type ViewScore = Loose<P.ViewScore, "thresholds">;
export type JourneyView = Loose<Omit<P.JourneyView, "events" | "scores" | "stages" | "routing" | "actions" | "expectations">, "uri" | "range" | "end"> & {
  events: ViewEvent[];
  scores: ViewScore[];
  stages: Loose<P.ViewStage, "uri" | "range">[];
  routing: Loose<P.ViewRouting, "uri" | "range">[];
  actions: Loose<P.ViewAction, "uri" | "range">[];
  expectations?: ExpectationResult[];
};
/** A journey as the parser finds it, before the server has run it (no status yet). */
export type JourneyInfo = Omit<P.JourneyInfo, "status">;

function isEngineResult(x: unknown): x is EngineResult {
  // The engine's result names the journey in `journey`; the protocol's shapes use `name`.
  return !!x && typeof x === "object" && typeof (x as EngineResult).journey === "string" && Array.isArray((x as EngineResult).trace) && Array.isArray((x as EngineResult).expectations);
}

/** The engine result may come bare or wrapped (`{ result }`, `{ journey: {...} }`). */
function unwrap(x: unknown): unknown {
  if (x && typeof x === "object" && !isEngineResult(x)) {
    const o = x as Record<string, unknown>;
    for (const k of ["result", "run", "journeyResult"]) if (isEngineResult(o[k])) return { ...(o[k] as object), traceText: o.traceText ?? o.text };
  }
  return x;
}

function rng(r: { start: { line: number; character: number }; end: { line: number; character: number } } | undefined): Rng | undefined {
  return r ? { start: { line: r.start.line, character: r.start.character }, end: { line: r.end.line, character: r.end.character } } : undefined;
}

function engineExpectations(r: EngineResult): ExpectationResult[] {
  return r.expectations.map((e, index) => ({
    index,
    text: e.text,
    range: rng(e.source?.range),
    passed: e.pass,
    expected: e.expected,
    actual: e.actual,
    message: e.pass ? undefined : `expected ${e.expected}, actual ${e.actual} (${e.time})`,
  }));
}

export function toRunResult(raw: unknown, uri: string, name: string): JourneyRunResult {
  const x = unwrap(raw);
  if (!x || typeof x !== "object") return { uri, name, passed: false, expectations: [], error: `journey \`${name}\` was not found` };
  if (isEngineResult(x)) {
    let traceText = (x as { traceText?: string }).traceText;
    if (typeof traceText !== "string") {
      try {
        traceText = renderTraceText(x);
      } catch {
        traceText = undefined;
      }
    }
    return { uri: x.source?.uri ?? uri, name: x.journey || name, passed: x.passed, expectations: engineExpectations(x), traceText };
  }
  const o = x as Omit<Partial<JourneyRunResult>, "expectations"> & { expectations?: (Omit<ExpectationResult, "passed"> & { passed?: boolean; pass?: boolean })[] };
  return {
    uri: o.uri ?? uri,
    name: o.name ?? name,
    passed: !!o.passed,
    error: o.error,
    traceText: o.traceText,
    expectations: (o.expectations ?? []).map((e, index) => ({ ...e, index: e.index ?? index, passed: e.passed ?? !!e.pass })),
  };
}

function describeEvent(e: Extract<TraceEntry, { kind: "event" | "update" }>): string {
  const vals = Object.entries(e.values ?? {}).map(([k, v]) => `${k}: ${JSON.stringify(v)}`);
  return `${e.kind === "update" ? "update" : e.name}${vals.length ? ` { ${vals.join(", ")} }` : ""}`;
}

function target(t: { kind: string; name: string | null; member: string | null } | null): string {
  if (!t) return "nobody";
  if (t.kind === "discard") return "discard";
  return `${t.kind} ${t.name ?? ""}${t.member ? ` (${t.member})` : ""}`.trim();
}

export function toView(raw: unknown, uri: string, name: string, thresholds: Map<string, { value: number; label: string }[]> = new Map()): JourneyView {
  const x = unwrap(raw);
  if (!x || typeof x !== "object") return { name, uri, events: [], scores: [], stages: [], routing: [], actions: [], error: `journey \`${name}\` was not found` };
  if (!isEngineResult(x)) {
    const v = x as Partial<JourneyView>;
    return {
      ...v,
      name: v.name ?? name,
      uri: v.uri ?? uri,
      events: v.events ?? [],
      scores: (v.scores ?? []).map((s) => ({ ...s, thresholds: s.thresholds?.length ? s.thresholds : thresholds.get(s.name) ?? [] })),
      stages: v.stages ?? [],
      routing: v.routing ?? [],
      actions: v.actions ?? [],
    };
  }
  const view: JourneyView = { name: x.journey || name, uri: x.source?.uri ?? uri, range: rng(x.source?.range), events: [], scores: [], stages: [], routing: [], actions: [], expectations: engineExpectations(x) };
  const scores = new Map<string, ViewScore>();
  let lastEvent: JourneyView["events"][number] | undefined;
  for (const e of x.trace) {
    const ref = { uri: e.source?.uri, range: rng(e.source?.range) };
    view.end = Math.max(view.end ?? 0, e.at);
    switch (e.kind) {
      case "event":
      case "update":
        lastEvent = { time: e.at, label: describeEvent(e), ...ref, rules: [] };
        view.events.push(lastEvent);
        break;
      case "timer":
        lastEvent = { time: e.at, label: `timer: ${e.timer} (${e.owner})`, timer: e.timer, ...ref, rules: [] };
        view.events.push(lastEvent);
        break;
      case "score": {
        let s = scores.get(e.score);
        if (!s) scores.set(e.score, (s = { name: e.score, thresholds: thresholds.get(e.score) ?? [], points: [] }));
        if (e.after !== null) s.points.push({ time: e.at, value: e.after });
        const firing = { rule: e.rule, score: e.score, points: e.points, applied: e.applied, ...ref };
        if (lastEvent && lastEvent.time === e.at) lastEvent.rules!.push(firing);
        else {
          lastEvent = { time: e.at, label: e.cause === "attribute-on" || e.cause === "attribute-off" ? "lead attributes" : e.cause, ...ref, rules: [firing] };
          view.events.push(lastEvent);
        }
        break;
      }
      case "suppressed":
        if (lastEvent && lastEvent.time === e.at) lastEvent.rules!.push({ rule: e.rule, score: e.score, points: e.points, applied: 0, note: `suppressed by ${e.detail}`, uri: e.source?.uri, range: rng(e.source?.range) });
        break;
      case "stage":
        view.stages.push({ time: e.at, from: e.from ?? undefined, to: e.to, ...ref });
        break;
      case "route":
        view.routing.push({ time: e.at, target: target(e.target), rule: e.rule ?? undefined, route: e.route, note: e.reason, ...ref });
        break;
      case "escalation":
        if (e.status === "escalated") view.routing.push({ time: e.at, target: target(e.target), route: e.route, note: `escalated: ${e.reason}`, ...ref });
        break;
      case "action":
        if (e.status === "skipped") break;
        view.actions.push({
          time: e.at,
          call: `${e.action}(${(e.args ?? []).map((a) => JSON.stringify(a)).join(", ")})`,
          status: e.status,
          consent: e.consent ? `${e.consent.purpose} ${e.consent.clause ?? "no clause covers this lead"}${e.consent.basis ? `: ${e.consent.basis}` : ""}` : undefined,
          reason: e.reason,
          uri: e.consent?.clauseSource?.uri ?? ref.uri,
          range: rng(e.consent?.clauseSource?.range) ?? ref.range,
        });
        break;
      default:
        break;
    }
  }
  view.scores = [...scores.values()];
  for (const [n, ths] of thresholds) if (!scores.has(n) && ths.length) view.scores.push({ name: n, thresholds: ths, points: [] });
  view.scores = view.scores.filter((s) => s.points.length > 0);
  return view;
}

/** Stage thresholds on scores, read from `stage X when score >= N` declarations. */
export function stageThresholds(texts: { uri: string; text: string }[]): Map<string, { value: number; label: string }[]> {
  const out = new Map<string, { value: number; label: string }[]>();
  const visit = (e: A.Expr | undefined, stage: string) => {
    if (!e) return;
    if (e.kind === "Binary") {
      const b = e as A.BinaryExpr;
      if ((b.op === ">=" || b.op === ">") && b.left?.kind === "Path" && b.right?.kind === "Number") {
        const p = b.left as A.PathExpr;
        if (p.segments.length === 0 && p.head.text !== "lead") {
          const list = out.get(p.head.text) ?? [];
          const value = (b.right as A.NumberLit).value + (b.op === ">" ? 1 : 0);
          if (!list.some((t) => t.value === value && t.label === stage)) list.push({ value, label: stage });
          out.set(p.head.text, list);
        }
      }
      visit(b.left, stage);
      visit(b.right, stage);
    }
  };
  for (const f of texts) {
    for (const d of parse(f.text, f.uri).file.decls) if (d.kind === "Stage" && d.name) visit(d.when, d.name.text);
  }
  return out;
}
