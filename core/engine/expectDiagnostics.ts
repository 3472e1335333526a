/**
 * A journey's failing expectations as diagnostics (CR3040, docs/language.md §11 Expectations):
 * one at each `expect` that does not hold, saying what was expected and what the simulation
 * found, with related places: the journey step the state comes from and the trace entry that
 * decided the value (the rule that last changed the score, the stage change, the routing
 * decision, the send). The language server publishes them beside the checker's diagnostics.
 */
import type * as A from "../syntax/ast.js";
import type { Diagnostic, RelatedInfo } from "../diagnostics/diagnostic.js";
import { makeDiagnostic } from "../diagnostics/catalogue.js";
import type { JourneyResult, TraceEntry } from "./trace.js";

export function expectationDiagnostics(result: JourneyResult, journey: A.JourneyDecl): Diagnostic[] {
  const out: Diagnostic[] = [];
  const steps = new Map(journey.steps.filter((s): s is A.ExpectStep => s.kind === "ExpectStep").map((s) => [s.range.start.offset, s]));
  const trace = result.trace;
  for (let i = 0; i < trace.length; i++) {
    const e = trace[i]!;
    if (e.kind !== "expect" || e.pass) continue;
    const step = steps.get(e.source.range.start.offset);
    if (!step || e.source.uri !== result.source.uri) continue;
    const related: RelatedInfo[] = [];
    const decided = step.expectation ? decidingEntry(trace, i, step.expectation) : undefined;
    if (decided) related.push(decided);
    const input = lastInput(trace, i);
    const where = e.leadName !== undefined ? ` for the lead \`${e.leadName}\`` : "";
    if (input) related.push(input);
    out.push(
      makeDiagnostic("CR3040", e.source.uri, step.range, `\`${e.text}\` fails at ${e.time} in the journey "${result.journey}"${where}: expected ${e.expected}, actual ${e.actual}`, { related }),
    );
  }
  return out;
}

/** The journey step the state at entry `i` comes from: the last event or update of its lead before it, else the lead's start. */
function lastInput(trace: TraceEntry[], i: number): RelatedInfo | undefined {
  const lead = trace[i]!.leadName;
  for (let k = i - 1; k >= 0; k--) {
    const e = trace[k]!;
    if (e.leadName !== lead) continue;
    if (e.kind === "event" || e.kind === "update") return { uri: e.source.uri, range: e.source.range, message: `the journey step before it: ${e.time}, ${e.kind === "event" ? `event \`${e.name}\`` : "update"}` };
    if (e.kind === "start") return { uri: e.source.uri, range: e.source.range, message: "the journey's lead at day 0 (no step before it)" };
  }
  return undefined;
}

/** The last trace entry (of the expectation's lead) before `i` that decided what the expectation looks at. */
function decidingEntry(trace: TraceEntry[], i: number, x: A.Expectation): RelatedInfo | undefined {
  const lead = trace[i]!.leadName;
  const last = (f: (e: TraceEntry) => boolean) => {
    for (let k = i - 1; k >= 0; k--) if (trace[k]!.leadName === lead && f(trace[k]!)) return trace[k]!;
    return undefined;
  };
  const at = (e: TraceEntry, message: string): RelatedInfo => ({ uri: e.source.uri, range: e.source.range, message });
  switch (x.kind) {
    case "ExpectScore": {
      const name = x.score?.text;
      const e = name ? last((t) => t.kind === "score" && t.score === name) : undefined;
      return e?.kind === "score" ? at(e, `\`${name}\` last changed here: ${e.before ?? "unscored"} → ${e.after ?? "unscored"} by \`${e.rule}\` (${e.cause}) at ${e.time}`) : undefined;
    }
    case "ExpectStage": {
      const e = last((t) => t.kind === "stage");
      return e?.kind === "stage" ? at(e, `the lead entered \`${e.to}\` here at ${e.time}`) : undefined;
    }
    case "ExpectRouted": {
      const e = last((t) => t.kind === "route" || (t.kind === "escalation" && t.status === "escalated"));
      if (e?.kind === "route") return at(e, `routed by \`${e.route}\`${e.rule ? `.\`${e.rule}\`` : ""} at ${e.time}: ${e.reason}`);
      if (e?.kind === "escalation") return at(e, `escalated by \`${e.route}\` at ${e.time}: ${e.reason}`);
      return undefined;
    }
    case "ExpectAction": {
      const action = x.call?.action?.text;
      const e = last((t) => t.kind === "action" && (!action || t.action === action) && (x.mode === "blocked" ? t.status === "blocked" : t.status !== "skipped"));
      return e?.kind === "action" ? at(e, `\`${e.action}\` ${e.status} here by \`${e.workflow}\` at ${e.time}${e.reason ? `: ${e.reason}` : ""}`) : undefined;
    }
    default:
      return undefined;
  }
}
