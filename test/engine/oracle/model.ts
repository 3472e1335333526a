/**
 * The oracle's view of a workspace (docs/language.md §2 "Durations", §3 "Declaration order",
 * §4 the schema): every declaration visible from one file, in declaration order, read straight
 * from the AST and the checker's references. Nothing is precomputed beyond lists and name lookups.
 */
import { posix } from "node:path";
import type * as A from "../../../core/syntax/ast.js";
import type { WorkspaceCheck, CrmSymbol } from "../../../core/workspace.js";

/** §2 Durations: a month is 30 days, a year 365 days. */
const UNIT_MINUTES: Record<string, number> = {
  minute: 1,
  minutes: 1,
  hour: 60,
  hours: 60,
  day: 1440,
  days: 1440,
  week: 7 * 1440,
  weeks: 7 * 1440,
  month: 30 * 1440,
  months: 30 * 1440,
  year: 365 * 1440,
  years: 365 * 1440,
};

/** §2: `per day` means `per 1 day` (the number may be left out). */
export function minutes(d: A.Duration | undefined): number {
  if (!d || !d.unit) throw new Error("oracle: a duration without a unit");
  const unit = UNIT_MINUTES[d.unit.text];
  if (unit === undefined) throw new Error(`oracle: unknown unit ${d.unit.text}`);
  return (d.amount?.value ?? 1) * unit;
}

/** §11 / §13: the last day the clock counts. */
export const LAST_DAY = 1_000_000;

export interface Model {
  check: WorkspaceCheck;
  /** Text of every file, to show clauses and bases as written. */
  text: (uri: string, n: A.Node) => string;
  uriOf: Map<A.Node, string>;
  lead: A.LeadDecl | undefined;
  fieldTypes: Map<string, A.TypeRef>;
  events: Map<string, A.EventDecl>;
  sets: Map<string, A.SetDecl>;
  scores: A.ScoreDecl[];
  grades: A.GradeDecl[];
  stages: A.StageDecl[];
  reenters: A.ReenterDecl[];
  teams: Map<string, A.TeamDecl>;
  routes: A.RouteDecl[];
  consents: Map<string, A.ConsentDecl>;
  actions: Map<string, A.ActionDecl>;
  workflows: A.WorkflowDecl[];
  journeys: { uri: string; journey: A.JourneyDecl }[];
  /** The symbol a name written at (uri, offset) refers to, as the checker resolved it. */
  ref: (uri: string, n: A.Name) => CrmSymbol | undefined;
}

/** §3 Declaration order: a depth-first walk of imports from the file run, imports first, each file once. */
export function fileOrder(check: WorkspaceCheck, from: string): string[] {
  const order: string[] = [];
  const seen = new Set<string>();
  const visit = (uri: string) => {
    if (seen.has(uri)) return;
    const pr = check.files.get(uri);
    if (!pr) return;
    seen.add(uri);
    for (const imp of pr.file.imports) {
      if (!imp.path) continue;
      visit(posix.normalize(posix.join(posix.dirname(uri), imp.path.value)));
    }
    order.push(uri);
  };
  visit(from);
  return order;
}

/** `texts`: the text of every file (what the workspace input held), to show clauses and bases as written. */
export function buildModel(check: WorkspaceCheck, from: string, texts: ReadonlyMap<string, string>): Model {
  const m: Model = {
    check,
    text: (uri, n) => (texts.get(uri) ?? "").slice(n.range.start.offset, n.range.end.offset),
    uriOf: new Map(),
    lead: undefined,
    fieldTypes: new Map(),
    events: new Map(),
    sets: new Map(),
    scores: [],
    grades: [],
    stages: [],
    reenters: [],
    teams: new Map(),
    routes: [],
    consents: new Map(),
    actions: new Map(),
    workflows: [],
    journeys: [],
    ref: () => undefined,
  };
  const refs = new Map<string, string>();
  for (const r of check.references) refs.set(`${r.uri}#${r.range.start.offset}`, r.symbolId);
  m.ref = (uri, n) => {
    const id = refs.get(`${uri}#${n.range.start.offset}`);
    return id === undefined ? undefined : check.symbols.get(id);
  };
  for (const uri of fileOrder(check, from)) {
    for (const d of check.files.get(uri)!.file.decls) {
      m.uriOf.set(d, uri);
      switch (d.kind) {
        case "Lead":
          m.lead ??= d;
          break;
        case "Event":
          if (d.name) m.events.set(d.name.text, d);
          break;
        case "Set":
          if (d.name) m.sets.set(d.name.text, d);
          break;
        case "Score":
          m.scores.push(d);
          break;
        case "Grade":
          m.grades.push(d);
          break;
        case "Stage":
          m.stages.push(d);
          break;
        case "Reenter":
          m.reenters.push(d);
          break;
        case "Team":
          if (d.name) m.teams.set(d.name.text, d);
          break;
        case "Route":
          m.routes.push(d);
          break;
        case "Consent":
          if (d.name) m.consents.set(d.name.text, d);
          break;
        case "Action":
          if (d.name) m.actions.set(d.name.text, d);
          break;
        case "Workflow":
          m.workflows.push(d);
          break;
        case "Journey":
          m.journeys.push({ uri, journey: d });
          break;
      }
    }
  }
  for (const f of m.lead?.fields ?? []) if (f.name && f.type) m.fieldTypes.set(f.name.text, f.type);
  return m;
}

/** The type name of a field (`text`, `enum`, `list`, …). */
export function typeName(t: A.TypeRef | undefined): string {
  if (!t) return "text";
  if (t.kind === "SimpleType") return t.name.text;
  return t.kind === "EnumType" ? "enum" : "list";
}

/** §4: the one field of type `country` that consent reads. */
export function countryField(m: Model): string | undefined {
  for (const [name, t] of m.fieldTypes) if (typeName(t) === "country") return name;
  return undefined;
}

/** The type of a payload field of an event (built-in events: §4 table). */
export function payloadType(m: Model, event: string, field: string): A.TypeRef | undefined {
  return m.events.get(event)?.fields.find((f) => f.name?.text === field)?.type;
}
