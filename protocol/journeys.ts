/**
 * The custom requests between the crmrules language server (server/src/journeys.ts answers them)
 * and the VS Code extension (client/src/requests.ts sends them): their method names, parameters
 * and the shapes the server answers. The one definition both sides import; server/README.md
 * ("Custom requests") documents the same shapes in words.
 *
 * Types only, imports nothing: no LSP package (the ranges are written out structurally, as LSP
 * ranges: 0-based line and UTF-16 character), no core module. `uri` is a `file://` URI; times are
 * minutes after the journey's day 0, 00:00.
 */

export interface Position {
  line: number;
  character: number;
}
export interface Range {
  start: Position;
  end: Position;
}

/** Where an item of an answer comes from: the journey step, the rule that fired, the stage declaration… */
export interface Source {
  uri: string;
  range: Range;
}

// ------------------------------------------------------------ crmrules/listJourneys

/** `crmrules/listJourneys`: the journeys of one file (`uri`) or of the whole workspace, each run once for its status. */
export const ListJourneysRequest = "crmrules/listJourneys";
export interface ListJourneysParams {
  uri?: string;
}
export interface ExpectationInfo {
  index: number;
  text: string;
  range: Range;
}
export interface JourneyInfo {
  uri: string;
  name: string;
  /** The whole journey. */
  range: Range;
  expectations: ExpectationInfo[];
  /** `passed` / `failed`, or `error` when the journey could not run. */
  status: "passed" | "failed" | "error";
}

// ------------------------------------------------------------ crmrules/runJourney

/** `crmrules/runJourney`: simulate one journey and evaluate its expectations (`InvalidParams` without `uri` and `name`). */
export const RunJourneyRequest = "crmrules/runJourney";
export interface JourneyParams {
  uri: string;
  name: string;
}
export interface ExpectationOutcome {
  index: number;
  text: string;
  range: Range;
  passed: boolean;
  expected: string;
  actual: string;
  /** When it was checked (minutes after day 0): where the journey view places it on the timeline. */
  time?: number;
  /** In a journey with several leads: the lead it names. */
  leadName?: string;
}
export interface JourneyRunResult {
  uri: string;
  name: string;
  passed: boolean;
  expectations: ExpectationOutcome[];
  /** The trace as plain text, one line per entry grouped by time (`renderTraceText`, core/engine/render.ts). */
  traceText?: string;
  /** The engine's trace (docs/trace.md), every `{ uri, range }` source converted to protocol form. */
  trace?: unknown[];
  /** No such journey, or the rules could not be prepared. */
  error?: string;
}

// ------------------------------------------------------------ crmrules/journeyView

/** `crmrules/journeyView`: everything the journey view draws, each item with its source. */
export const JourneyViewRequest = "crmrules/journeyView";
export interface ViewRuleFiring extends Source {
  rule: string;
  score: string;
  points: number;
  applied: number;
  note?: string;
}
/**
 * One entry of the timeline: a journey step (an event or an update), or a timer firing at its own
 * time (`timer` set: decay, expiry, inactivity, escalation, a workflow's wait, re-entry), each with
 * the rule firings it caused. A timer's firings are never listed under the step that armed it.
 */
export interface ViewEvent extends Source {
  /** In a journey with several leads: the lead it is about. */
  leadName?: string;
  time: number;
  label: string;
  /** For a timer: which kind (`decay`, `expiry`, `inactivity`, `escalation`, `wait`, `reenter`). */
  timer?: "decay" | "expiry" | "inactivity" | "escalation" | "wait" | "reenter";
  rules: ViewRuleFiring[];
}
export interface ViewScore {
  /** In a journey with several leads: the lead it is about. */
  leadName?: string;
  name: string;
  /** The cap. */
  max?: number;
  /** The floor. */
  min?: number;
  /** `stage mql when fit >= 20` → `{ value: 20, label: "mql" }`. */
  thresholds: { value: number; label: string }[];
  /** The score after each change. */
  points: { time: number; value: number }[];
}
export interface ViewStage extends Source {
  /** In a journey with several leads: the lead it is about. */
  leadName?: string;
  time: number;
  from?: string;
  to: string;
}
export interface ViewRouting extends Source {
  /** In a journey with several leads: the lead it is about. */
  leadName?: string;
  time: number;
  target: string;
  rule?: string;
  route: string;
  note?: string;
}
export interface ViewAction extends Source {
  /** In a journey with several leads: the lead it is about. */
  leadName?: string;
  time: number;
  call: string;
  status: "sent" | "blocked";
  consent?: string;
  reason?: string;
}
/** A lead field's value: as the journey starts (`time` 0) and after each `update`. */
export interface ViewField {
  /** In a journey with several leads: the lead it is about. */
  leadName?: string;
  time: number;
  field: string;
  value: string;
}
/** The consent lane: consent given or withdrawn for a purpose, and each contact's decision. */
export interface ViewConsent extends Source {
  /** In a journey with several leads: the lead it is about. */
  leadName?: string;
  time: number;
  purpose: string;
  state: "given" | "withdrawn" | "sent" | "blocked";
  detail: string;
}
export interface JourneyView extends Source {
  name: string;
  /** A journey with several leads: their names in written order (every item then has its `leadName`). */
  leads?: string[];
  /** The lead's fields at the start and as updates change them. */
  lead?: ViewField[];
  consent?: ViewConsent[];
  /** The last time on the timeline. */
  end: number;
  events: ViewEvent[];
  scores: ViewScore[];
  stages: ViewStage[];
  routing: ViewRouting[];
  actions: ViewAction[];
  expectations: ExpectationOutcome[];
  error?: string;
}
/** The answer when the journey cannot run: its name, file and why. */
export interface JourneyViewFailure {
  name: string;
  uri: string;
  error: string;
  events: [];
  scores: [];
  stages: [];
  routing: [];
  actions: [];
}

// ------------------------------------------------------------ commands (workspace/executeCommand)

/**
 * The commands the server runs itself (`executeCommandProvider`), which its code lenses carry for
 * clients without crmrules' own commands (neovim, Helix, Emacs…): each answers with its result and
 * shows it with `window/showMessage`. Arguments: `[uri, journeyName]`, or `[uri, routeName, ruleName]`.
 * A client that has its own commands `crmrules.simulateJourney` and `crmrules.showTraceText` (the VS
 * Code extension) says so with the initialization option `clientCommands: true`, and the journey
 * lenses then carry those (the journey view, the trace beside the editor).
 */
export const ServerCommand = {
  simulateJourney: "crmrules.server.simulateJourney",
  showTraceText: "crmrules.server.showTraceText",
  showRoutedJourneys: "crmrules.server.showRoutedJourneys",
} as const;
/** The extension's own commands, which its journey lenses carry (`clientCommands: true`); `debugJourney` starts the journey debugger (docs/debugger.md). */
export const ClientCommand = { simulateJourney: "crmrules.simulateJourney", showTraceText: "crmrules.showTraceText", debugJourney: "crmrules.debugJourney" } as const;
/** What `crmrules.server.simulateJourney` and `crmrules.server.showTraceText` answer: the run and the text shown. */
export interface CommandResult {
  message: string;
  run?: JourneyRunResult;
}
