/**
 * The abstract syntax tree of a `.crmrules` file.
 *
 * INVARIANT: every node carries its source `range`. Fields that a broken input
 * may leave out are optional: the parser never fails, it produces as much tree
 * as the text allows, and the checker skips what is missing.
 */
import type { Range } from "../text/positions.js";

export interface Node {
  readonly kind: string;
  range: Range;
}

/** An identifier as written, with its range (used for every declared or referenced name). */
export interface Name extends Node {
  kind: "Name";
  text: string;
}

export interface CrmFile extends Node {
  kind: "File";
  uri: string;
  imports: ImportDecl[];
  decls: Decl[];
}

export interface ImportDecl extends Node {
  kind: "Import";
  path?: StringLit;
}

export type Decl =
  | LeadDecl
  | EventDecl
  | SetDecl
  | ScoreDecl
  | GradeDecl
  | StageDecl
  | ReenterDecl
  | OwnerDecl
  | QueueDecl
  | TeamDecl
  | RouteDecl
  | ConsentDecl
  | ActionDecl
  | WorkflowDecl
  | JourneyDecl;

// ---------------------------------------------------------------- schema

export interface LeadDecl extends Node {
  kind: "Lead";
  keyword: Range;
  fields: FieldDecl[];
}

export interface FieldDecl extends Node {
  kind: "Field";
  name?: Name;
  type?: TypeRef;
}

export type TypeRef = SimpleTypeRef | EnumTypeRef | ListTypeRef;

/** `text`, `number`, `boolean`, `date`, `email`, `country` (validated by the checker). */
export interface SimpleTypeRef extends Node {
  kind: "SimpleType";
  name: Name;
}

export interface EnumTypeRef extends Node {
  kind: "EnumType";
  values: Name[];
}

export interface ListTypeRef extends Node {
  kind: "ListType";
  element?: TypeRef;
}

export interface EventDecl extends Node {
  kind: "Event";
  name?: Name;
  fields: FieldDecl[];
}

/** `set free_mail = ["gmail.com"]` or `territory nordics = [NO, SE] + dach`. */
export interface SetDecl extends Node {
  kind: "Set";
  keyword: "set" | "territory";
  name?: Name;
  value?: Expr;
}

// ---------------------------------------------------------------- scoring

export interface ScoreDecl extends Node {
  kind: "Score";
  name?: Name;
  label?: StringLit;
  settings: ScoreSetting[];
  rules: ScoreRule[];
}

export type ScoreSetting = CapSetting | FloorSetting | DecaySetting;

export interface CapSetting extends Node {
  kind: "Cap";
  value?: NumberLit;
}

export interface FloorSetting extends Node {
  kind: "Floor";
  value?: NumberLit;
}

/** `decay 25% every 30 days` */
export interface DecaySetting extends Node {
  kind: "Decay";
  percent?: NumberLit;
  every?: Duration;
}

export interface ScoreRule extends Node {
  kind: "ScoreRule";
  name?: Name;
  /** Signed points, e.g. `+20` or `-10`. */
  points?: NumberLit;
  trigger?: ScoreTrigger;
}

export type ScoreTrigger = AttributeTrigger | EventTrigger | InactivityTrigger;

/** `when lead.role in [executive, director]`: points while the condition holds. */
export interface AttributeTrigger extends Node {
  kind: "AttributeTrigger";
  when?: Expr;
}

/**
 * `on page_view where url starts_with "/pricing" at least 3 times within 14 days limit 1 per 30 days when fit >= 10`
 */
export interface EventTrigger extends Node {
  kind: "EventTrigger";
  event?: Name;
  where?: Expr;
  /** `at least N times`: fire when N matching events fall inside `within`. */
  times?: NumberLit;
  within?: Duration;
  limit?: Limit;
  when?: Expr;
}

/** `after 30 days without page_view or form_submitted` */
export interface InactivityTrigger extends Node {
  kind: "InactivityTrigger";
  after?: Duration;
  events: Name[];
}

/** `limit 3 per 7 days`, or `limit 1` (at most once ever). */
export interface Limit extends Node {
  kind: "Limit";
  count?: NumberLit;
  per?: Duration;
}

/** `grade fit_grade from fit { A >= 40  B >= 25  D otherwise }` */
export interface GradeDecl extends Node {
  kind: "Grade";
  name?: Name;
  score?: Name;
  entries: GradeEntry[];
}

export interface GradeEntry extends Node {
  kind: "GradeEntry";
  letter?: Name;
  /** Minimum score for this letter; absent for `otherwise`. */
  min?: NumberLit;
  otherwise: boolean;
}

// ---------------------------------------------------------------- stages

/**
 * `stage mql when fit >= 20 and engagement >= 40 or on demo_requested`.
 * Declaration order is the forward order of the lifecycle.
 */
export interface StageDecl extends Node {
  kind: "Stage";
  name?: Name;
  /** Soft keywords after the name: `initial`, `detour`. */
  modifiers: Name[];
  when?: Expr;
}

/** `reenter mql from recycled after 90 days` */
export interface ReenterDecl extends Node {
  kind: "Reenter";
  stage?: Name;
  from?: Name;
  after?: Duration;
}

// ---------------------------------------------------------------- routing

/** `owner kari "kari@acme.example"` */
export interface OwnerDecl extends Node {
  kind: "Owner";
  name?: Name;
  email?: StringLit;
}

/** `queue unrouted "Unrouted leads"` */
export interface QueueDecl extends Node {
  kind: "Queue";
  name?: Name;
  label?: StringLit;
}

/** `team emea_sdr round_robin { member anna weight 2  member ben  cap 25 per day }` */
export interface TeamDecl extends Node {
  kind: "Team";
  name?: Name;
  strategy?: Name;
  members: TeamMember[];
  cap?: Limit;
}

export interface TeamMember extends Node {
  kind: "Member";
  owner?: Name;
  weight?: NumberLit;
}

export interface RouteDecl extends Node {
  kind: "Route";
  name?: Name;
  trigger?: Trigger;
  rules: RouteRule[];
  fallback?: RouteFallback;
}

/** `on stage mql` or `on form_submitted [where …]`. */
export type Trigger = StageTrigger | EventOccurrenceTrigger;

export interface StageTrigger extends Node {
  kind: "StageTrigger";
  stage?: Name;
}

export interface EventOccurrenceTrigger extends Node {
  kind: "EventOccurrenceTrigger";
  event?: Name;
  where?: Expr;
}

export interface RouteRule extends Node {
  kind: "RouteRule";
  name?: Name;
  when?: Expr;
  target?: Target;
  escalations: Escalation[];
}

export interface RouteFallback extends Node {
  kind: "RouteFallback";
  target?: Target;
  escalations: Escalation[];
}

export interface Target extends Node {
  kind: "Target";
  targetKind: "owner" | "team" | "queue" | "discard";
  ref?: Name;
}

/** `escalate after 2 hours to owner mia` (one entry per `after … to …`). */
export interface Escalation extends Node {
  kind: "Escalation";
  after?: Duration;
  target?: Target;
}

// ---------------------------------------------------------------- consent

/** `consent email_marketing "Email marketing" { in [DE, AT]: double_opt_in  otherwise: opt_in }` */
export interface ConsentDecl extends Node {
  kind: "Consent";
  name?: Name;
  label?: StringLit;
  clauses: ConsentClause[];
}

export interface ConsentClause extends Node {
  kind: "ConsentClause";
  /** The countries the clause covers (a territory, list, or union); absent for `otherwise` and `unknown`. */
  region?: Expr;
  otherwise: boolean;
  /** `unknown: …`: the line for a lead whose country is missing or not a valid code (§9). */
  unknown?: boolean;
  bases: ConsentBasis[];
}

export interface ConsentBasis extends Node {
  kind: "ConsentBasis";
  /** `opt_in`, `double_opt_in`, `opt_out` or `implied` (soft keyword, validated by the checker). */
  basis?: Name;
  /** `expires after 24 months` for opt_in/double_opt_in. */
  expires?: Duration;
  /** `implied 6 months after inquiry`. */
  impliedFor?: Duration;
  anchor?: Name;
}

// ---------------------------------------------------------------- actions and workflows

/** `action send_email(campaign: text) contact requires email_marketing` */
export interface ActionDecl extends Node {
  kind: "Action";
  name?: Name;
  params: FieldDecl[];
  /** `contact` or `internal`; absent when missing. */
  reach?: "contact" | "internal";
  reachRange?: Range;
  requires?: Name;
}

export interface WorkflowDecl extends Node {
  kind: "Workflow";
  name?: Name;
  trigger?: Trigger;
  steps: WorkflowStep[];
}

export type WorkflowStep = DoStep | WaitStep;

export interface DoStep extends Node {
  kind: "Do";
  call?: ActionCall;
  when?: Expr;
  unless?: Expr;
}

export interface WaitStep extends Node {
  kind: "Wait";
  duration?: Duration;
}

export interface ActionCall extends Node {
  kind: "ActionCall";
  action?: Name;
  /** Undefined when written without parentheses (`expect sent send_email` matches any arguments). */
  args?: Expr[];
}

// ---------------------------------------------------------------- journeys

export interface JourneyDecl extends Node {
  kind: "Journey";
  name?: StringLit;
  /** The unnamed `lead { … }` of a one-lead journey. */
  lead?: RecordLit;
  /**
   * The named leads of a journey with several leads (`lead ana { … }`), in written order; absent
   * when none is written (a one-lead journey). Each step of such a journey names its lead (`ana: …`).
   */
  leads?: JourneyLead[];
  seed?: NumberLit;
  /** Every unnamed `lead { … }` and `seed N` as written, in order (`lead` and `seed` above keep the last; a journey should give each once). */
  entries: { keyword: "lead" | "seed"; range: Range }[];
  steps: JourneyStep[];
}

/** `lead ana { country: NO }`: one of several leads of a journey, by name. */
export interface JourneyLead extends Node {
  kind: "JourneyLead";
  name?: Name;
  fields?: RecordLit;
}

export type JourneyStep = EventStep | UpdateStep | ExpectStep;

/** `day 3 at 14:30` */
export interface TimeRef extends Node {
  kind: "Time";
  day?: NumberLit;
  /** Minutes after midnight. */
  timeOfDay?: { minutes: number; range: Range };
}

export interface EventStep extends Node {
  kind: "EventStep";
  time?: TimeRef;
  /** `ana:` before the step: the lead it happens to, in a journey with several leads. */
  lead?: Name;
  event?: Name;
  payload?: RecordLit;
}

/** `day 5 update { company_size: 2000 }` changes lead fields. */
export interface UpdateStep extends Node {
  kind: "UpdateStep";
  time?: TimeRef;
  /** `ana:` before the step: the lead it happens to, in a journey with several leads. */
  lead?: Name;
  values?: RecordLit;
}

export interface ExpectStep extends Node {
  kind: "ExpectStep";
  time?: TimeRef;
  /** `ana:` before the step: the lead it happens to, in a journey with several leads. */
  lead?: Name;
  expectation?: Expectation;
}

export type Expectation =
  | ExpectStage
  | ExpectScore
  | ExpectGrade
  | ExpectRouted
  | ExpectAction;

export type CompareOp = "==" | "!=" | "<" | "<=" | ">" | ">=";

/** `expect stage == sql` */
export interface ExpectStage extends Node {
  kind: "ExpectStage";
  op?: CompareOp;
  stage?: Name;
}

/** `expect score fit == 35`, `expect score fit between 40 and 60`, `expect score fit is unscored` */
export interface ExpectScore extends Node {
  kind: "ExpectScore";
  score?: Name;
  op?: CompareOp | "between" | "unscored";
  value?: NumberLit;
  /** `expect score s at day 3 > …`: the score at that moment instead of now. */
  at?: TimeRef;
  /** `expect score s > at day 1`: compared with the score at that moment instead of `value`. */
  than?: TimeRef;
  high?: NumberLit;
}

/** `expect grade fit_grade == A` */
export interface ExpectGrade extends Node {
  kind: "ExpectGrade";
  grade?: Name;
  op?: CompareOp;
  letter?: Name;
}

/** `expect routed to owner kari`, `expect not routed`, `expect escalated to queue x`, `expect not escalated [to …]` */
export interface ExpectRouted extends Node {
  kind: "ExpectRouted";
  negated: boolean;
  escalated: boolean;
  target?: Target;
}

/** `expect sent send_email("n1")`, `expect blocked send_email`, `expect not sent x`, `expect blocked none` */
export interface ExpectAction extends Node {
  kind: "ExpectAction";
  mode: "sent" | "blocked" | "not_sent" | "not_blocked";
  call?: ActionCall;
  none: boolean;
  /** `expect sent send_email 2 times`: exactly this many matching calls. */
  times?: NumberLit;
}

// ---------------------------------------------------------------- expressions

export type Expr =
  | BinaryExpr
  | UnaryExpr
  | IsExpr
  | BetweenExpr
  | NumberLit
  | StringLit
  | BoolLit
  | DateLit
  | ListLit
  | PathExpr
  | StageExpr
  | CountExpr
  | WithinExpr
  | OnExpr
  | ParenExpr;

export type BinaryOp =
  | "and"
  | "or"
  | CompareOp
  | "in"
  | "not in"
  | "starts_with"
  | "ends_with"
  | "contains"
  | "matches"
  | "+"
  | "-"
  | "*"
  | "/";

export interface BinaryExpr extends Node {
  kind: "Binary";
  op: BinaryOp;
  opRange: Range;
  left?: Expr;
  right?: Expr;
}

export interface UnaryExpr extends Node {
  kind: "Unary";
  op: "not" | "-";
  operand?: Expr;
}

/** `x is missing`, `x is present`, `fit is unscored` (the test word is a soft keyword). */
export interface IsExpr extends Node {
  kind: "Is";
  operand?: Expr;
  test?: Name;
}

/** `x between 10 and 20` (inclusive; missing is unknown). */
export interface BetweenExpr extends Node {
  kind: "Between";
  operand?: Expr;
  low?: Expr;
  high?: Expr;
}

export interface NumberLit extends Node {
  kind: "Number";
  value: number;
  /** As written, e.g. `+20`. */
  text: string;
}

export interface StringLit extends Node {
  kind: "String";
  value: string;
}

export interface BoolLit extends Node {
  kind: "Bool";
  value: boolean;
}

/** `2026-01-15` */
export interface DateLit extends Node {
  kind: "Date";
  text: string;
}

export interface ListLit extends Node {
  kind: "List";
  items: Expr[];
}

/**
 * A name, optionally followed by `.segment`s: `lead.role`, `lead.email.domain`,
 * `fit`, `nordics`, `executive`, `url` (a payload field inside `where`).
 * `head` is `lead` for lead fields (the keyword is kept as a Name).
 */
export interface PathExpr extends Node {
  kind: "Path";
  head: Name;
  segments: Name[];
}

/** The keyword `stage`, the lead's current lifecycle stage. */
export interface StageExpr extends Node {
  kind: "StageRef";
}

/** `count(page_view where url starts_with "/pricing" within 14 days)` */
export interface CountExpr extends Node {
  kind: "Count";
  event?: Name;
  where?: Expr;
  within?: Duration;
}

/** `demo_requested within 14 days`: at least one such event in the window. */
export interface WithinExpr extends Node {
  kind: "Within";
  event: Name;
  within?: Duration;
}

/** `on demo_requested`: true while that event is being processed. */
export interface OnExpr extends Node {
  kind: "On";
  event?: Name;
}

export interface ParenExpr extends Node {
  kind: "Paren";
  inner?: Expr;
}

/** `14 days`, `6 months` (a month is 30 days, a year 365 days). */
export interface Duration extends Node {
  kind: "Duration";
  amount?: NumberLit;
  /** The unit word as written (soft keyword, validated by the parser). */
  unit?: Name;
}

/** `{ email: "a@b.example", country: NO }` in journeys. */
export interface RecordLit extends Node {
  kind: "Record";
  entries: RecordEntry[];
}

export interface RecordEntry extends Node {
  kind: "RecordEntry";
  key?: Name;
  value?: Expr;
}

/** All nodes that declare a top-level name. */
export type NamedDecl = Exclude<Decl, LeadDecl | ReenterDecl | JourneyDecl>;
