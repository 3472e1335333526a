/**
 * The custom requests the extension sends to the crmrules language server, and the shapes it
 * expects back. Positions are LSP positions (0-based line and character); times are minutes
 * after the journey's day 0, 00:00. Every optional field may be absent: the view and the test
 * explorer show what they get.
 */

export interface Pos {
  line: number;
  character: number;
}
export interface Rng {
  start: Pos;
  end: Pos;
}

/** `crmrules/listJourneys`: journeys of one file (`uri`) or of the whole workspace. */
export const ListJourneys = "crmrules/listJourneys";
export interface ListJourneysParams {
  uri?: string;
}
export interface ExpectationInfo {
  index: number;
  text: string;
  range: Rng;
}
export interface JourneyInfo {
  uri: string;
  name: string;
  range: Rng;
  expectations: ExpectationInfo[];
}

/** `crmrules/runJourney`: simulate one journey and evaluate its expectations. */
export const RunJourney = "crmrules/runJourney";
export interface JourneyParams {
  uri: string;
  name: string;
}
export interface ExpectationResult {
  index: number;
  text?: string;
  range?: Rng;
  passed: boolean;
  expected?: string;
  actual?: string;
  message?: string;
}
export interface JourneyRunResult {
  uri: string;
  name: string;
  passed: boolean;
  expectations: ExpectationResult[];
  /** The human-readable trace, as `crmrules trace` prints it. */
  traceText?: string;
  /** Why the journey could not run (e.g. the rules have errors). */
  error?: string;
}

/** `crmrules/journeyView`: everything the journey view draws. */
export const JourneyViewRequest = "crmrules/journeyView";
export interface SourceRef {
  uri?: string;
  range?: Rng;
}
export interface ViewRuleFiring extends SourceRef {
  rule: string;
  score?: string;
  points?: number;
  applied?: number;
  note?: string;
}
export interface ViewEvent extends SourceRef {
  time: number;
  label: string;
  rules?: ViewRuleFiring[];
}
export interface ViewScore {
  name: string;
  max?: number;
  min?: number;
  thresholds?: { value: number; label: string }[];
  points: { time: number; value: number }[];
}
export interface ViewStage extends SourceRef {
  time: number;
  from?: string;
  to: string;
}
export interface ViewRouting extends SourceRef {
  time: number;
  target: string;
  rule?: string;
  route?: string;
  note?: string;
}
export interface ViewAction extends SourceRef {
  time: number;
  call: string;
  status: "sent" | "blocked";
  consent?: string;
  reason?: string;
}
export interface JourneyView extends SourceRef {
  name: string;
  /** Last time on the timeline. */
  end?: number;
  events: ViewEvent[];
  scores: ViewScore[];
  stages: ViewStage[];
  routing: ViewRouting[];
  actions: ViewAction[];
  expectations?: ExpectationResult[];
  error?: string;
}
