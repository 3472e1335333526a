/**
 * `why(result, query)`: answers "why is fit 35", "why was the lead routed
 * there", "why was send_email blocked" from a journey result's trace.
 */
import type { ActionEntry, EscalationEntry, JourneyResult, RouteEntry, ScoreEntry, SuppressedEntry, TraceEntry } from "./trace.js";
import { renderEntry } from "./render.js";
import { showTarget } from "./run.js";

export type WhyQuery = { kind: "score"; name: string } | { kind: "route" } | { kind: "action"; name: string };

export interface WhyAnswer {
  /** One-sentence answer. */
  summary: string;
  /** The trace entries that explain it, in time order (each with its source). */
  entries: TraceEntry[];
  /** The same entries as text lines. */
  lines: string[];
}

function answer(summary: string, entries: TraceEntry[]): WhyAnswer {
  return { summary, entries, lines: entries.map((e) => `${e.time}: ${renderEntry(e)}`) };
}

export function why(result: JourneyResult, query: WhyQuery): WhyAnswer {
  if (query.kind === "score") {
    const value = result.final.scores[query.name];
    if (value === undefined) return answer(`there is no score named \`${query.name}\``, []);
    const all = result.trace.filter((e): e is ScoreEntry | SuppressedEntry => (e.kind === "score" || e.kind === "suppressed") && e.score === query.name);
    // Attribute rules still on at the end contribute; ones switched off cancel out with their "on" entry.
    const lastAttr = new Map<string, ScoreEntry>();
    for (const e of all) if (e.kind === "score" && (e.cause === "attribute-on" || e.cause === "attribute-off")) lastAttr.set(e.rule, e);
    const entries = all.filter((e) => {
      if (e.kind === "suppressed") return true;
      if (e.cause === "attribute-on" || e.cause === "attribute-off") return lastAttr.get(e.rule) === e && e.cause === "attribute-on";
      return e.applied !== 0;
    });
    if (value === null) return answer(`\`${query.name}\` is unscored: no rule has changed it yet`, entries);
    const parts = entries.filter((e): e is ScoreEntry => e.kind === "score").map((e) => `${e.rule} ${e.applied >= 0 ? "+" : ""}${e.applied}`);
    return answer(`\`${query.name}\` is ${value} at ${result.final.time}${parts.length ? ": " + parts.join(", ") : ""}`, entries);
  }
  if (query.kind === "route") {
    const entries = result.trace.filter((e): e is RouteEntry | EscalationEntry => e.kind === "route" || e.kind === "escalation");
    const routes = entries.filter((e): e is RouteEntry => e.kind === "route");
    if (routes.length === 0) return answer("the lead was never routed: no route was triggered", entries);
    return answer(routes.map((r) => `route \`${r.route}\` sent the lead to ${showTarget(r.target)} by ${r.rule ?? "no rule"} on ${r.time} (${r.reason})`).join("; "), entries);
  }
  const entries = result.trace.filter((e): e is ActionEntry => e.kind === "action" && e.action === query.name);
  if (entries.length === 0) return answer(`\`${query.name}\` never ran: no workflow step reached it`, []);
  return answer(entries.map((e) => `${e.status} on ${e.time}: ${e.reason}`).join("; "), entries);
}

/**
 * One lead of a journey with several leads, as a result of its own: its trace entries (and the
 * journey's own notes), its expectations and its final state. What `--why`, coverage and the
 * views read per lead. Undefined when the journey has no lead of that name.
 */
export function leadResult(result: JourneyResult, name: string): JourneyResult | undefined {
  const lead = result.leads?.find((l) => l.name === name);
  if (!lead) return undefined;
  const expectations = result.expectations.filter((x) => x.leadName === name);
  return {
    journey: result.journey,
    seed: result.seed,
    source: result.source,
    trace: result.trace.filter((e) => e.leadName === name || e.leadName === undefined),
    expectations,
    final: lead.final,
    passed: expectations.every((x) => x.pass),
  };
}
