import type { SymbolKind } from "../workspace.js";

/** Words for kinds in messages. */
export const KIND_WORDS: Record<SymbolKind, string> = {
  field: "lead field",
  event: "event",
  payloadField: "event field",
  set: "set",
  territory: "territory",
  score: "score",
  scoreRule: "scoring rule",
  grade: "grade",
  gradeLetter: "grade letter",
  stage: "stage",
  owner: "owner",
  queue: "queue",
  team: "team",
  route: "route",
  routeRule: "routing rule",
  consent: "consent purpose",
  action: "action",
  param: "action parameter",
  workflow: "workflow",
  journey: "journey",
  enumValue: "value",
};
