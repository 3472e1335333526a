/**
 * `renderTraceText`: the trace as plain text, one line per entry, grouped by
 * time, plus the expectations summary. Stable: used for golden files.
 */
import { formatTime, type Bindings, type JourneyResult, type TraceEntry } from "./trace.js";
import { showTarget, showValue } from "./run.js";

function loc(e: TraceEntry): string {
  const file = e.source.uri.split("/").pop() ?? e.source.uri;
  return `${file}:${e.source.range.start.line + 1}`;
}

function vals(b: Bindings): string {
  const ks = Object.keys(b);
  if (ks.length === 0) return "";
  return ` [${ks.map((k) => `${k} = ${showValue(b[k]!)}`).join(", ")}]`;
}

function signed(n: number): string {
  return n >= 0 ? `+${n}` : String(n);
}

function score(v: number | null): string {
  return v === null ? "unscored" : String(v);
}

/** One entry as a line; in a journey with several leads, after its lead's name (`ana: event form_submitted`; an expectation's text names its lead already). */
export function renderEntry(e: TraceEntry): string {
  const text = entryText(e);
  return e.leadName !== undefined && e.kind !== "expect" ? `${e.leadName}: ${text}` : text;
}

function entryText(e: TraceEntry): string {
  switch (e.kind) {
    case "start":
      return `lead arrives${vals(e.lead)} (seed ${e.seed})`;
    case "event":
      return `event ${e.name}${Object.keys(e.values).length ? " " + vals(e.values).trim() : ""}`;
    case "update":
      return `update${vals(e.values)}`;
    case "timer":
      return `timer ${e.timer} (${e.owner}) was due ${formatTime(e.due)}`;
    case "score": {
      const pts = e.points === e.applied ? signed(e.points) : `${signed(e.points)} (applied ${signed(e.applied)})`;
      // `applied` is the change of the stored part (attribute or behaviour); the value is their sum within cap and floor.
      const held = (e.after ?? 0) - (e.before ?? 0) !== e.applied ? " (value held within cap and floor)" : "";
      return `score ${e.score}: ${e.rule} ${pts} ${e.cause}: ${score(e.before)} -> ${score(e.after)}${held}${vals(e.values)}`;
    }
    case "suppressed":
      return `score ${e.score}: ${e.rule} ${signed(e.points)} suppressed by ${e.detail}`;
    case "stage":
      return `stage ${e.from ?? "none"} -> ${e.to} (${e.how})${vals(e.values)}`;
    case "route":
      return `route ${e.route}: ${e.rule ?? "no rule"} -> ${showTarget(e.target)} (${e.reason})${vals(e.values)}`;
    case "escalation":
      return `escalation ${e.route}: ${e.status} ${showTarget(e.target)} (${e.reason})`;
    case "action": {
      const call = `${e.action}(${e.args.map(showValue).join(", ")})`;
      const c = e.consent ? ` [${e.consent.purpose} ${e.consent.clause ?? "no clause"}${e.consent.basis ? ": " + e.consent.basis : ""}]` : "";
      return `${e.status} ${call} by ${e.workflow}${c}: ${e.reason}`;
    }
    case "workflow":
      return `workflow ${e.workflow} #${e.run} ${e.status}: ${e.reason}`;
    case "expect":
      return `${e.pass ? "PASS" : "FAIL"} ${e.text}${e.pass ? "" : ` (expected ${e.expected}, actual ${e.actual})`}`;
    case "note":
      return `note: ${e.message}`;
  }
}

export function renderTraceText(result: JourneyResult): string {
  const out: string[] = [`journey ${JSON.stringify(result.journey)} (seed ${result.seed})`];
  let last = "";
  for (const e of result.trace) {
    if (e.time !== last) {
      out.push(e.time);
      last = e.time;
    }
    out.push(`  ${renderEntry(e)}  @${loc(e)}`);
  }
  const passed = result.expectations.filter((x) => x.pass).length;
  out.push(`${passed} of ${result.expectations.length} expectations passed`);
  for (const x of result.expectations) if (!x.pass) out.push(`  FAIL ${x.text} at ${x.time}: expected ${x.expected}, actual ${x.actual}`);
  return out.join("\n") + "\n";
}
