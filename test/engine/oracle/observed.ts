/**
 * What the differential test compares: the meaning of each trace entry (docs/trace.md) and of
 * the final state, without the prose. Reasons, notes' messages, `values` (the operands a condition
 * read) and source ranges are words and pointers for people; the golden traces
 * (test/golden/traces) pin them. Everything a reader of docs/language.md can predict is kept.
 */
import type { TraceEntry, FinalState, TargetValue, Value } from "../../../core/engine/trace.js";

export type Obs = Record<string, unknown> & { kind: string; at: number };

export function observe(e: TraceEntry): Obs {
  // In a journey with several leads, whose entry it is.
  const o = observeEntry(e);
  return e.leadName !== undefined ? { ...o, lead: e.leadName } : o;
}

function observeEntry(e: TraceEntry): Obs {
  switch (e.kind) {
    case "start":
      return { kind: e.kind, at: e.at, lead: e.lead, seed: e.seed };
    case "event":
    case "update":
      return { kind: e.kind, at: e.at, name: e.name, values: e.values };
    case "timer":
      return { kind: e.kind, at: e.at, timer: e.timer, due: e.due, owner: e.owner };
    case "score":
      return { kind: e.kind, at: e.at, score: e.score, rule: e.rule, cause: e.cause, points: e.points, applied: e.applied, before: e.before, after: e.after };
    case "suppressed":
      return { kind: e.kind, at: e.at, score: e.score, rule: e.rule, points: e.points };
    case "stage":
      return { kind: e.kind, at: e.at, from: e.from, to: e.to, how: e.how };
    case "route":
      return { kind: e.kind, at: e.at, route: e.route, rule: e.rule, target: e.target };
    case "escalation":
      return { kind: e.kind, at: e.at, route: e.route, status: e.status, target: e.target, due: e.due };
    case "action":
      return {
        kind: e.kind,
        at: e.at,
        workflow: e.workflow,
        action: e.action,
        args: e.args,
        status: e.status,
        reach: e.reach,
        consent: e.consent ? { purpose: e.consent.purpose, clause: e.consent.clause, basis: e.consent.basis } : null,
      };
    case "workflow":
      return { kind: e.kind, at: e.at, workflow: e.workflow, status: e.status, run: e.run };
    case "expect":
      return { kind: e.kind, at: e.at, pass: e.pass };
    case "note":
      return { kind: e.kind, at: e.at };
  }
}

export interface ObsFinal {
  at: number;
  stage: string | null;
  scores: Record<string, number | null>;
  grades: Record<string, string | null>;
  routing: { route: string; rule: string | null; target: TargetValue | null }[];
  assignment: TargetValue | null;
  assignedBy: string | null;
  escalations: TargetValue[];
  sent: { action: string; args: Value[]; at: number }[];
  blocked: { action: string; args: Value[]; at: number; purpose: string | null; clause: string | null }[];
  erased: boolean;
}

export function observeFinal(f: FinalState): ObsFinal {
  return {
    at: f.at,
    stage: f.stage,
    scores: f.scores,
    grades: f.grades,
    routing: f.routing,
    assignment: f.assignment,
    assignedBy: f.assignedBy,
    escalations: f.escalations,
    sent: f.sent,
    blocked: f.blocked.map((b) => ({ action: b.action, args: b.args, at: b.at, purpose: b.purpose, clause: b.clause })),
    erased: f.erased,
  };
}
