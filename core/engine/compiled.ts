/**
 * The compiled rules (docs/language.md §4–§10): what `compile` hands the simulation, plain data
 * and closures, one type per kind of declaration (`C…`: compiled).
 */
import type * as A from "../syntax/ast.js";
import type { SourceRef } from "./trace.js";
import type { CompiledExpr } from "./expr.js";
import type { ConsentBasisName } from "../vocabulary.js";

export interface FieldInfo {
  name: string;
  /** `text`, `number`, `boolean`, `date`, `email`, `country`, `enum`, `list`. */
  type: string;
  /** Enum values. */
  values: string[];
  /** Element type of a list. */
  element: string | null;
}

export interface EventInfo {
  name: string;
  fields: Map<string, FieldInfo>;
  builtin: boolean;
}

export interface CAttributeRule {
  kind: "attribute";
  name: string;
  points: number;
  when: CompiledExpr;
  source: SourceRef;
}

export interface CEventRule {
  kind: "event";
  name: string;
  points: number;
  event: string;
  where: CompiledExpr | null;
  times: number | null;
  within: number | null;
  limit: { count: number; per: number | null; text: string } | null;
  when: CompiledExpr | null;
  source: SourceRef;
}

export interface CInactivityRule {
  kind: "inactivity";
  name: string;
  points: number;
  after: number;
  events: string[];
  source: SourceRef;
}

export type CScoreRule = CAttributeRule | CEventRule | CInactivityRule;

export interface CScore {
  name: string;
  label: string | null;
  cap: number | null;
  floor: number | null;
  decay: { percent: number; every: number } | null;
  rules: CScoreRule[];
  source: SourceRef;
}

export interface CGrade {
  name: string;
  score: string;
  /** Best first. `min` null for `otherwise`. */
  entries: { letter: string; min: number | null }[];
  source: SourceRef;
}

export interface CStage {
  name: string;
  index: number;
  detour: boolean;
  when: CompiledExpr | null;
  source: SourceRef;
}

export interface CReenter {
  stage: number;
  from: number;
  after: number;
  source: SourceRef;
}

export interface CTarget {
  kind: "owner" | "team" | "queue" | "discard";
  name: string | null;
  source: SourceRef;
}

export interface CEscalation {
  after: number;
  target: CTarget;
  source: SourceRef;
}

export interface CRouteRule {
  name: string;
  when: CompiledExpr;
  target: CTarget;
  escalations: CEscalation[];
  source: SourceRef;
}

export interface CTrigger {
  kind: "stage" | "event";
  stage: number;
  event: string;
  where: CompiledExpr | null;
}

export interface CRoute {
  name: string;
  trigger: CTrigger;
  rules: CRouteRule[];
  fallback: { target: CTarget; escalations: CEscalation[]; source: SourceRef } | null;
  source: SourceRef;
}

export interface CTeam {
  name: string;
  strategy: string;
  members: { owner: string; weight: number }[];
  cap: { count: number; per: number } | null;
  source: SourceRef;
}

export interface CBasis {
  basis: ConsentBasisName;
  expires: number | null;
  impliedFor: number | null;
  anchor: string | null;
  text: string;
  source: SourceRef;
}

export interface CClause {
  /** Country codes covered; null for `otherwise` and `unknown`. */
  region: string[] | null;
  /** The `unknown:` clause: for a lead whose country is missing or not a valid code. */
  unknown?: boolean;
  text: string;
  bases: CBasis[];
  source: SourceRef;
}

export interface CConsent {
  name: string;
  clauses: CClause[];
  source: SourceRef;
}

export interface CAction {
  name: string;
  params: string[];
  /** Parameter types (`text`, `email`, …), parallel to `params`. */
  paramTypes: string[];
  reach: "contact" | "internal";
  requires: string | null;
  source: SourceRef;
}

export type CStep =
  | { kind: "do"; action: string; args: CompiledExpr[]; when: CompiledExpr | null; unless: CompiledExpr | null; text: string; source: SourceRef }
  | { kind: "wait"; duration: number; source: SourceRef };

export interface CWorkflow {
  name: string;
  trigger: CTrigger;
  steps: CStep[];
  source: SourceRef;
}

export interface CompiledRules {
  fromUri: string;
  fields: Map<string, FieldInfo>;
  events: Map<string, EventInfo>;
  scores: CScore[];
  grades: CGrade[];
  stages: CStage[];
  initialStage: number;
  reenters: CReenter[];
  owners: Map<string, { name: string; email: string | null; source: SourceRef }>;
  queues: Map<string, { name: string; label: string | null; source: SourceRef }>;
  teams: Map<string, CTeam>;
  routes: CRoute[];
  consents: Map<string, CConsent>;
  actions: Map<string, CAction>;
  workflows: CWorkflow[];
  /** Journeys declared in the visible files, with their file. */
  journeys: { uri: string; journey: A.JourneyDecl }[];
  /** Source text of a range (used to quote expectations and conditions). */
  textOf(source: SourceRef): string;
  /** Declarations that were skipped because they are incomplete (the checker explains them). */
  problems: string[];
  /**
   * Every event history some compiled condition reads, with how far back it looks
   * in minutes (0: the latest event only; `Infinity`: all). The simulation keeps no
   * more history than this (and what score rules and consent need). When absent
   * (rules not made by `compile`), every history is kept whole.
   */
  historyReads?: Map<string, number>;
  /**
   * Every clock window of a compiled condition (`CompiledExpr.windows`): per event, the
   * distinct `D` of its `within D`. When absent, the simulation assumes any condition may
   * change at any minute (and processes every decay tick).
   */
  clockWindows?: Map<string, number[]>;
}

/**
 * Score names in the order a simulation keeps their state: each name once, at its
 * first position (a later score of the same name replaces the definition, not the place).
 */
export function scoreOrder(scores: readonly CScore[]): string[] {
  return [...new Set(scores.map((s) => s.name))];
}
