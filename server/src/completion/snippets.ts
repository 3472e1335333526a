/**
 * The snippets completion offers at the start of a statement: the top-level
 * declarations and, per enclosing block, what that block may hold. Data only;
 * `statements.ts` decides which list applies.
 */

export interface Snip {
  label: string;
  detail: string;
  body: string;
  doc: string;
}

export const TOP_SNIPPETS: Snip[] = [
  { label: "import", detail: "import another file", body: 'import "./${1:schema}.crmrules"', doc: "Makes the declarations of another file visible here." },
  { label: "lead", detail: "lead fields", body: "lead {\n  ${1:email}: ${2:email}\n}", doc: "Declares the fields every lead has." },
  { label: "event", detail: "event declaration", body: "event ${1:name} { ${2:field}: ${3:text} }", doc: "Declares an event and its payload fields." },
  { label: "territory", detail: "territory", body: "territory ${1:name} = [${2:NO, SE}]", doc: "A named list of countries." },
  { label: "set", detail: "named set", body: 'set ${1:name} = ["${2}"]', doc: "A named list of values." },
  { label: "score", detail: "score with rules", body: 'score ${1:name} "${2:Label}" {\n  cap ${3:100}\n  rule ${4:rule_name}: +${5:10} when ${6:lead.field == value}\n}', doc: "A score: rules add or take away points; `cap` bounds it." },
  { label: "grade", detail: "grade letters from a score", body: "grade ${1:name} from ${2:score} {\n  A >= ${3:40}\n  B >= ${4:20}\n  C otherwise\n}", doc: "Letters for score ranges, best first." },
  { label: "stage", detail: "lifecycle stage", body: "stage ${1:name} when ${2:condition}", doc: "A lifecycle stage; declaration order is the forward order." },
  { label: "reenter", detail: "leave a detour stage", body: "reenter ${1:stage} from ${2:detour} after ${3:90} days", doc: "Allows a lead to come back from a detour stage." },
  { label: "owner", detail: "owner (a salesperson)", body: 'owner ${1:name} "${2:name@example.com}"', doc: "Someone leads can be routed to." },
  { label: "queue", detail: "queue", body: 'queue ${1:name} "${2:Label}"', doc: "A queue leads can be routed to." },
  { label: "team", detail: "round-robin team", body: "team ${1:name} round_robin {\n  member ${2:owner}\n}", doc: "Shares leads between owners in turn." },
  { label: "route", detail: "routing rules", body: "route ${1:name} on stage ${2:mql} {\n  rule ${3:rule_name}: when ${4:condition} -> owner ${5:owner}\n  otherwise -> queue ${6:queue}\n}", doc: "Routing: the first rule whose condition holds decides." },
  { label: "consent", detail: "consent purpose", body: 'consent ${1:purpose} "${2:Label}" {\n  in ${3:eu}: opt_in\n  otherwise: opt_in\n}', doc: "What each jurisdiction requires before contacting someone for this purpose." },
  { label: "action", detail: "action", body: "action ${1:name}(${2:campaign}: ${3:text}) contact requires ${4:purpose}", doc: "Something a workflow can do; contact actions need consent." },
  { label: "workflow", detail: "workflow", body: "workflow ${1:name} on stage ${2:mql} {\n  do ${3:action}(${4})\n  wait ${5:3} days\n}", doc: "Steps run when triggered, with waits in between." },
  { label: "journey", detail: "sample journey (a test)", body: 'journey "${1:description}" {\n  lead { ${2:country}: ${3:NO} }\n  day 0 ${4:event}\n  expect stage == ${5:stage}\n}', doc: "A sample lead and its events, with expectations: runs as a test." },
];

export const SCORE_BODY: Snip[] = [
  { label: "rule", detail: "attribute rule", body: "rule ${1:name}: +${2:10} when ${3:condition}", doc: "Points while a condition about the lead holds." },
  { label: "rule on", detail: "event rule", body: "rule ${1:name}: +${2:10} on ${3:event}", doc: "Points each time an event happens." },
  { label: "cap", detail: "maximum", body: "cap ${1:100}", doc: "The score never goes above this." },
  { label: "floor", detail: "minimum", body: "floor ${1:0}", doc: "The score never goes below this." },
  { label: "decay", detail: "decay over time", body: "decay ${1:25}% every ${2:30} days", doc: "Behaviour points shrink over time." },
];
export const ROUTE_BODY: Snip[] = [
  { label: "rule", detail: "routing rule", body: "rule ${1:name}: when ${2:condition} -> ${3|owner,team,queue|} ${4:name}", doc: "Tried in written order; the first match routes the lead." },
  { label: "otherwise", detail: "fallback", body: "otherwise -> ${1|owner,team,queue|} ${2:name}", doc: "Where leads go when no rule matches." },
];
export const JOURNEY_BODY: Snip[] = [
  { label: "day", detail: "event on a day", body: "day ${1:0} ${2:event}", doc: "An event at a given day of the journey." },
  { label: "expect", detail: "expectation", body: "expect ${1|stage ==,score,routed to,sent,blocked|} ${2}", doc: "Checked at this point of the journey." },
  { label: "update", detail: "change lead fields", body: "day ${1:0} update { ${2:field}: ${3:value} }", doc: "Changes lead fields at a point in time." },
  { label: "seed", detail: "round-robin seed", body: "seed ${1:0}", doc: "Start position for round-robin teams." },
  { label: "lead", detail: "the sample lead", body: "lead { ${1:field}: ${2:value} }", doc: "The lead's fields at day 0." },
];
export const WORKFLOW_BODY: Snip[] = [
  { label: "do", detail: "run an action", body: "do ${1:action}(${2})", doc: "Runs an action (contact actions are checked against consent)." },
  { label: "wait", detail: "wait", body: "wait ${1:3} days", doc: "Pauses the workflow." },
];
export const CONSENT_BODY: Snip[] = [
  { label: "in", detail: "jurisdiction clause", body: "in ${1:territory}: ${2|opt_in,double_opt_in,opt_out,implied|}", doc: "What this jurisdiction requires." },
  { label: "otherwise", detail: "every other country", body: "otherwise: ${1|opt_in,double_opt_in,opt_out|}", doc: "What every other country requires." },
];
