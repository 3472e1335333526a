/**
 * Completion on half-typed input: the context comes from the text before the
 * cursor (tokens and the enclosing blocks), never from a successful parse.
 */
import * as L from "vscode-languageserver";
import { crmLexer, NAME_PART, NAME_START } from "../../core/syntax/tokens.js";
import type { CrmSymbol, SymbolKind } from "../../core/workspace.js";
import { declarationsOf, lookup, membersOf } from "../../core/checker/queries.js";
import { relativeImport } from "../../core/binder/paths.js";
import { CONSENT_BASES, CONSENT_METHODS, UNIT_MINUTES } from "../../core/vocabulary.js";
import { COUNTRY_CODES } from "../../core/checker/countries.js";
import type { CheckResult } from "../../core/checker/check.js";
import { describe } from "./hover.js";
import type { Snapshot } from "./workspace.js";
import type { ParseResult } from "../../core/syntax/parse.js";

/** A name (Unicode letters, as the lexer reads them) and "not inside a name" for the line patterns below. */
const NAME = `${NAME_START}${NAME_PART}*`;
const B = `(?<!${NAME_PART})`;

interface Snip {
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

const SCORE_BODY: Snip[] = [
  { label: "rule", detail: "attribute rule", body: "rule ${1:name}: +${2:10} when ${3:condition}", doc: "Points while a condition about the lead holds." },
  { label: "rule on", detail: "event rule", body: "rule ${1:name}: +${2:10} on ${3:event}", doc: "Points each time an event happens." },
  { label: "cap", detail: "maximum", body: "cap ${1:100}", doc: "The score never goes above this." },
  { label: "floor", detail: "minimum", body: "floor ${1:0}", doc: "The score never goes below this." },
  { label: "decay", detail: "decay over time", body: "decay ${1:25}% every ${2:30} days", doc: "Behaviour points shrink over time." },
];
const ROUTE_BODY: Snip[] = [
  { label: "rule", detail: "routing rule", body: "rule ${1:name}: when ${2:condition} -> ${3|owner,team,queue|} ${4:name}", doc: "Tried in written order; the first match routes the lead." },
  { label: "otherwise", detail: "fallback", body: "otherwise -> ${1|owner,team,queue|} ${2:name}", doc: "Where leads go when no rule matches." },
];
const JOURNEY_BODY: Snip[] = [
  { label: "day", detail: "event on a day", body: "day ${1:0} ${2:event}", doc: "An event at a given day of the journey." },
  { label: "expect", detail: "expectation", body: "expect ${1|stage ==,score,routed to,sent,blocked|} ${2}", doc: "Checked at this point of the journey." },
  { label: "update", detail: "change lead fields", body: "day ${1:0} update { ${2:field}: ${3:value} }", doc: "Changes lead fields at a point in time." },
  { label: "seed", detail: "round-robin seed", body: "seed ${1:0}", doc: "Start position for round-robin teams." },
  { label: "lead", detail: "the sample lead", body: "lead { ${1:field}: ${2:value} }", doc: "The lead's fields at day 0." },
];
const WORKFLOW_BODY: Snip[] = [
  { label: "do", detail: "run an action", body: "do ${1:action}(${2})", doc: "Runs an action (contact actions are checked against consent)." },
  { label: "wait", detail: "wait", body: "wait ${1:3} days", doc: "Pauses the workflow." },
];
const CONSENT_BODY: Snip[] = [
  { label: "in", detail: "jurisdiction clause", body: "in ${1:territory}: ${2|opt_in,double_opt_in,opt_out,implied|}", doc: "What this jurisdiction requires." },
  { label: "otherwise", detail: "every other country", body: "otherwise: ${1|opt_in,double_opt_in,opt_out|}", doc: "What every other country requires." },
];

const EXPR_KEYWORDS = ["and", "or", "not", "in", "is", "between", "within", "count", "on", "stage", "lead", "true", "false", "starts_with", "ends_with", "contains", "matches"];
const TYPES = ["text", "number", "boolean", "date", "email", "country", "enum()", "list()"];
const UNITS = Object.keys(UNIT_MINUTES).map((u) => `${u}s`);

interface Block {
  keyword: string;
  /** The event named just before `{` (journey step payloads). */
  event?: string;
}

/** Enclosing `{` blocks at the cursor, outermost first, with the word that opened each. */
function blocks(tokens: { image: string }[]): Block[] {
  const stack: Block[] = [];
  let declKw = "";
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!.image;
    if (stack.length === 0 && /^(lead|event|score|grade|team|route|consent|workflow|journey)$/.test(t)) declKw = t;
    if (t === "{") {
      const prev = tokens[i - 1]?.image ?? "";
      if (stack.length === 0) stack.push({ keyword: declKw });
      else if (prev === "lead" || prev === "update") stack.push({ keyword: "leadRecord" });
      else stack.push({ keyword: "payload", event: prev });
    } else if (t === "}") stack.pop();
  }
  return stack;
}

/**
 * Where to start reading tokens for a completion at `offset`: the start of
 * the last top-level declaration that starts before it (the parser's view),
 * or the file's start. Only the enclosing blocks and the last few tokens
 * matter, so a 1 MB document is not lexed up to the cursor on every request.
 */
export function contextStart(decls: readonly { range: { start: { offset: number } } }[] | undefined, offset: number): number {
  if (!decls?.length) return 0;
  let lo = 0;
  let hi = decls.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (decls[mid]!.range.start.offset < offset) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found < 0 ? 0 : decls[found]!.range.start.offset;
}

export function complete(snap: Snapshot, text: string, offset: number, path: string): L.CompletionList {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf("\n") + 1;
  const line = before.slice(lineStart);
  const pr = snap.file(path);
  const from = pr && pr.lines.text === text ? contextStart(pr.file.decls, offset) : 0;
  const lexed = crmLexer.tokenize(from ? text.slice(from, offset) : before);
  const toks = lexed.tokens;
  const partial = new RegExp(`${NAME}$`, "u").exec(before)?.[0] ?? "";
  const prior = partial && toks.length && from + toks[toks.length - 1]!.endOffset! + 1 === offset ? toks.slice(0, -1) : toks;
  const prev = prior[prior.length - 1]?.image ?? "";
  const prev2 = prior[prior.length - 2]?.image ?? "";
  const stack = blocks(prior);
  const block = stack[stack.length - 1];
  const items: L.CompletionItem[] = [];
  const scope = new Scope(snap, path);
  const names = (kinds: SymbolKind[]) => {
    for (const k of kinds) for (const d of scope.declarations(k)) items.push(scope.item(d));
  };
  const words = (ws: string[], detail: string) => {
    for (const w of ws) items.push({ label: w, kind: L.CompletionItemKind.Keyword, detail, documentation: detail });
  };
  const events = () => {
    names(["event"]);
    for (const b of scope.builtinEvents()) items.push(scope.item(b));
  };
  const snippets = (ss: Snip[]) => {
    for (const s of ss)
      items.push({
        label: s.label,
        kind: L.CompletionItemKind.Snippet,
        detail: s.detail,
        documentation: { kind: "markdown", value: s.doc + "\n\n```crmrules\n" + s.body.replace(/\$\{\d+\|([^,|]*)[^}]*\}/g, "$1").replace(/\$\{\d+:?([^}]*)\}/g, "$1") + "\n```" },
        insertText: s.body,
        insertTextFormat: L.InsertTextFormat.Snippet,
      });
  };
  const list = (): L.CompletionList => ({ isIncomplete: false, items: dedupe(items) });
  const countries = () => {
    for (const code of [...COUNTRY_CODES].sort()) items.push({ label: code, kind: L.CompletionItemKind.EnumMember, detail: "country (ISO 3166-1 alpha-2)", documentation: `the country code \`${code}\`` });
  };

  // `import "./` → the paths of the files this one can import, relative to it.
  const imp = /^\s*import\s+"([^"\\]*)$/.exec(line);
  if (imp) {
    const typed = imp[1]!;
    let lineNo = 0;
    for (let i = before.indexOf("\n"); i >= 0; i = before.indexOf("\n", i + 1)) lineNo++;
    const range = { start: { line: lineNo, character: line.length - typed.length }, end: { line: lineNo, character: line.length } };
    for (const spec of importablePaths(snap, path)) {
      if (!spec.startsWith(typed)) continue;
      items.push({ label: spec, kind: L.CompletionItemKind.File, detail: "rules file", documentation: `import \`${spec}\``, filterText: spec, textEdit: { range, newText: spec } });
    }
    return list();
  }

  // `lead.` → lead fields; `lead.email.` → domain.
  const member = new RegExp(`${B}lead\\.(${NAME}\\.)?${NAME_PART}*$`, "u").exec(line);
  if (member) {
    if (member[1]) items.push({ label: "domain", kind: L.CompletionItemKind.Property, detail: "text", documentation: "the part of the email address after `@`, lowercased" });
    else names(["field"]);
    return list();
  }
  // Inside a string or a comment: nothing.
  if (/\/\/[^"]*$/.test(line) || (line.split('"').length - 1) % 2 === 1) return list();

  // Values after a comparison with an enum field: `lead.role == ` / `lead.role in [`.
  const cmp = new RegExp(`${B}lead\\.(${NAME})\\s*(==|!=|in|not in)\\s*\\[?(?:${NAME_PART}+\\s*,\\s*)*${NAME_PART}*$`, "u").exec(line);
  if (cmp) {
    const f = scope.named(cmp[1]!, "field");
    const vals = scope.enumValues(f);
    if (vals.length) {
      for (const v of vals) items.push(scope.item(v));
      return list();
    }
    if (f && typeOfField(f) === "country") {
      // `== ` / `in [` take a country code; `in ` takes a territory.
      if (cmp[2] === "==" || cmp[2] === "!=" || /\[[^\]]*$/.test(line)) countries();
      else names(["territory"]);
      return list();
    }
  }
  // Letters after a comparison with a grade: `fit_grade >= `, `expect grade fit_grade == `, `fit_grade in [A, `.
  const gradeCmp = new RegExp(`${B}(${NAME})\\s*(?:==|!=|>=|<=|>|<|in|not in)\\s*\\[?(?:${NAME_PART}+\\s*,\\s*)*${NAME_PART}*$`, "u").exec(line);
  if (gradeCmp && !/\blead\.$/.test(line.slice(0, gradeCmp.index))) {
    const g = scope.named(gradeCmp[1]!, "grade");
    const letters = g ? scope.letters(g) : [];
    if (letters.length) {
      for (const v of letters) items.push(scope.item(v));
      return list();
    }
  }
  // The countries of a territory: `territory t = [NO, `.
  if (stack.length === 0 && new RegExp(`^\\s*territory\\s+${NAME}\\s*=\\s*\\[[^\\]]*$`, "u").test(line) && (prev === "[" || prev === ",")) {
    countries();
    return list();
  }
  // Record keys in journeys: `lead { ` / `update {` / `event_name {`.
  if (block && (block.keyword === "leadRecord" || block.keyword === "payload") && (prev === "{" || prev === ",")) {
    if (block.keyword === "leadRecord") names(["field"]);
    else for (const d of scope.payloadFields(block.event ?? "")) items.push(scope.item(d));
    return list();
  }
  if (block && (block.keyword === "leadRecord" || block.keyword === "payload") && prev === ":") {
    // A record value: enum values of that field, consent purposes, territories.
    const key = prior[prior.length - 2]?.image ?? "";
    const field = block.keyword === "leadRecord" ? scope.named(key, "field") : scope.payloadFields(block.event ?? "").find((d) => d.name === key);
    const vals = scope.enumValues(field);
    if (vals.length) for (const v of vals) items.push(scope.item(v));
    else if (field && typeOfField(field) === "country") countries();
    else if (key === "purpose") names(["consent"]);
    else if (key === "method") words(CONSENT_METHODS, "consent method");
    return list();
  }
  // Inside `where` after an event: payload fields of that event.
  const where = new RegExp(`${B}(?:on|count\\()\\s*(${NAME})\\s+where\\b(?:(?!\\b(limit|within|when|at)\\b).)*$`, "u").exec(line);
  if (where && /(where|and|or|not|\()$/.test(prev)) {
    for (const d of scope.payloadFields(where[1]!)) items.push(scope.item(d));
    return list();
  }

  switch (prev) {
    case "on":
      if (block?.keyword === "score" || block?.keyword === "" || !block) {
        events();
        if (!block) words(["stage"], "trigger on entering a stage");
        return list();
      }
      events();
      return list();
    case "without":
    case "count":
    case "(":
      if (prev === "(" && prev2 !== "count") break;
      events();
      return list();
    case "stage":
      if (prev2 === "on" || prev2 === "expect" || stack.length === 0) {
        if (prev2 === "expect") words(["==", ">=", "<="], "compare the stage");
        else names(["stage"]);
        if (stack.length === 0 && prev2 !== "on" && prev2 !== "from") return list();
        return list();
      }
      words(["is"], "the lead's current stage");
      return list();
    case "is":
      if (prev2 === "stage") {
        names(["stage"]);
        return list();
      }
      words(["missing", "present", "unscored"], "test");
      return list();
    case "==":
    case "!=":
    case ">=":
    case "<=":
    case ">":
    case "<":
      if (prev2 === "stage") {
        names(["stage"]);
        return list();
      }
      break;
    case "from":
    case "reenter":
      names(prev2 === "grade" || new RegExp(`grade\\s+${NAME}\\s+from$`, "u").test(line.trimEnd()) ? ["score"] : ["stage"]);
      if (/^\s*grade\b/.test(line)) names(["score"]);
      return list();
    case "owner":
      if (stack.length) {
        names(["owner"]);
        return list();
      }
      break;
    case "member":
      names(["owner"]);
      return list();
    case "team":
      if (stack.length || prev2 === "->" || prev2 === "to") {
        names(["team"]);
        return list();
      }
      break;
    case "queue":
      if (stack.length || prev2 === "->" || prev2 === "to") {
        names(["queue"]);
        return list();
      }
      break;
    case "->":
    case "to":
      words(["owner", "team", "queue", "discard"], "routing target");
      return list();
    case "requires":
      names(["consent"]);
      return list();
    case "do":
    case "sent":
    case "blocked":
      names(["action"]);
      if (prev !== "do") words(["none"], "no action at all");
      return list();
    case "score":
      if (prev2 === "expect") {
        names(["score"]);
        return list();
      }
      break;
    case "grade":
      if (prev2 === "expect") {
        names(["grade"]);
        return list();
      }
      break;
    case "expect":
      words(["stage", "score", "grade", "routed", "escalated", "not", "sent", "blocked"], "expectation");
      return list();
    case "in":
      if (block?.keyword === "consent") {
        names(["territory"]);
        return list();
      }
      names(["territory", "set"]);
      return list();
    case ":":
      if (block?.keyword === "consent") {
        words([...CONSENT_BASES], "consent basis");
        return list();
      }
      if (block?.keyword === "lead" || block?.keyword === "event" || /^\s*action\b/.test(line)) {
        words(TYPES, "type");
        return list();
      }
      break;
    case "every":
    case "per":
    case "after":
    case "within":
      break;
  }
  // After a lead field: the comparisons its type allows.
  const after = new RegExp(`${B}lead\\.(${NAME})(\\.domain)?\\s+$`, "u").exec(line);
  if (after) {
    const f = scope.named(after[1]!, "field");
    const t = after[2] ? "text" : typeOfField(f);
    const ops: Record<string, string[]> = {
      enum: ["==", "!=", "in", "not in", "is"],
      number: ["==", "!=", "<", "<=", ">", ">=", "between", "is"],
      date: ["==", "!=", "<", "<=", ">", ">=", "between", "is"],
      country: ["==", "!=", "in", "not in", "is"],
      boolean: ["==", "!=", "is"],
      list: ["contains", "is"],
    };
    words(ops[t] ?? ["==", "!=", "in", "not in", "starts_with", "ends_with", "contains", "matches", "is"], `comparison for a ${t} field`);
    return list();
  }
  if (prev === "routed" || prev === "escalated") {
    words(["to"], "where the lead went");
    return list();
  }
  if (prev === "not" && prev2 === "expect") {
    words(["routed", "sent"], "expectation");
    return list();
  }
  // Keywords that may follow at this point of a rule.
  if (block?.keyword === "score" && new RegExp(`^\\s*rule\\s+${NAME}\\s*:\\s*[+-]?\\d+(\\.\\d+)?\\s+$`, "u").test(line)) {
    words(["when", "on", "after"], "what earns the points");
    return list();
  }
  if (block?.keyword === "score" && new RegExp(`^\\s*rule\\s+${NAME}\\s*:\\s*[+-]?\\d+\\s+on\\s+${NAME}\\s+$`, "u").test(line)) {
    words(["where", "at least", "within", "limit", "when"], "narrows the event rule");
    return list();
  }
  if (block?.keyword === "route" && new RegExp(`^\\s*rule\\s+${NAME}\\s*:\\s*$`, "u").test(line)) {
    words(["when"], "the condition of this routing rule");
    return list();
  }
  if (/^\d+$/.test(prev) && /^(within|per|every|after)$/.test(prev2)) {
    words(UNITS, "time unit");
    return list();
  }
  if (/^\d+$/.test(prev) && prev2 === "day" && block?.keyword === "journey") {
    events();
    words(["update", "expect", "at"], "journey step");
    return list();
  }

  // Start of a statement: what the enclosing block allows.
  const atLineStart = new RegExp(`^\\s*${NAME_START}*$`, "u").test(line);
  if (!block) {
    if (atLineStart) snippets(TOP_SNIPPETS);
    else {
      words(EXPR_KEYWORDS, "keyword");
      names(["score", "stage", "territory", "set", "event", "enumValue"]);
    }
    return list();
  }
  if (atLineStart) {
    switch (block.keyword) {
      case "score":
        snippets(SCORE_BODY);
        return list();
      case "route":
        snippets(ROUTE_BODY);
        return list();
      case "journey":
        snippets(JOURNEY_BODY);
        events();
        return list();
      case "workflow":
        snippets(WORKFLOW_BODY);
        return list();
      case "consent":
        snippets(CONSENT_BODY);
        return list();
      case "team":
        words(["member", "cap"], "team");
        return list();
      case "grade":
      case "lead":
      case "event":
        return list();
    }
  }
  // Inside an expression.
  words(EXPR_KEYWORDS, "keyword");
  words(["when", "where", "limit", "within", "at least", "->"], "keyword");
  names(["score", "stage", "territory", "set", "event", "enumValue"]);
  return list();
}

function typeOfField(d: CrmSymbol | undefined): string {
  const t = (d?.node as { type?: { kind: string; name?: { text: string } } } | undefined)?.type;
  if (!t) return "text";
  if (t.kind === "EnumType") return "enum";
  if (t.kind === "ListType") return "list";
  const n = t.name?.text ?? "text";
  return n === "email" ? "text" : n;
}

/**
 * The names completion may offer in a file, from its check: the declarations
 * the file sees (its own, its imports', built-in events) and, after them, those
 * of other files of the same check that it could import without closing a
 * circle of imports; accepting one of those adds the import
 * (`additionalTextEdits`), so what completion inserts always resolves.
 */
class Scope {
  private readonly check: CheckResult | undefined;
  private readonly visible: Set<string>;
  private readonly importable = new Map<string, boolean>();

  constructor(
    private readonly snap: Snapshot,
    private readonly path: string,
  ) {
    this.check = snap.checkOf(path);
    this.visible = new Set(this.check?.visibleFiles(path) ?? [path]);
  }

  /** Whether declarations of `uri` are offered: seen already, or importable (an absolute file that does not see this one). */
  private offered(uri: string): boolean {
    if (this.visible.has(uri)) return true;
    let ok = this.importable.get(uri);
    if (ok === undefined) {
      ok = !!this.check && this.path.startsWith("/") && uri.startsWith("/") && !this.check.visibleFiles(uri).includes(this.path);
      this.importable.set(uri, ok);
    }
    return ok;
  }

  /** Declarations of a kind (no built-ins), those the file sees first. */
  declarations(kind: SymbolKind): CrmSymbol[] {
    if (!this.check) return [];
    const all = declarationsOf(this.check, [kind]).filter((d) => !d.builtin && this.offered(d.uri));
    return [...all.filter((d) => this.visible.has(d.uri)), ...all.filter((d) => !this.visible.has(d.uri))];
  }

  builtinEvents(): CrmSymbol[] {
    return this.check ? declarationsOf(this.check, ["event"]).filter((d) => d.builtin) : [];
  }

  /** The declaration of `name` the file sees, else the first one it could import. */
  named(name: string, kind: SymbolKind): CrmSymbol | undefined {
    if (!this.check) return undefined;
    return lookup(this.check, this.path, name, [kind]) ?? this.declarations(kind).find((d) => d.name === name);
  }

  /** The payload fields of the event named `event` (built-in events too). */
  payloadFields(event: string): CrmSymbol[] {
    const ev = this.named(event, "event");
    return ev && this.check ? membersOf(this.check, ev.id).filter((m) => m.kind === "payloadField") : [];
  }

  /** The values of an enum field (a lead field or a payload field). */
  enumValues(field: CrmSymbol | undefined): CrmSymbol[] {
    return field && this.check ? membersOf(this.check, field.id).filter((m) => m.kind === "enumValue") : [];
  }

  /** The letters of a grade, best first. */
  letters(grade: CrmSymbol): CrmSymbol[] {
    return this.check ? membersOf(this.check, grade.id).filter((m) => m.kind === "gradeLetter") : [];
  }

  item(d: CrmSymbol): L.CompletionItem {
    const item: L.CompletionItem = {
      label: d.name,
      kind: ITEM_KIND[d.kind],
      detail: d.builtin && d.kind === "event" ? "built-in event" : d.kind === "enumValue" ? `value of ${d.container}` : d.kind === "payloadField" ? `field of ${d.container}` : d.kind,
      documentation: { kind: L.MarkupKind.Markdown, value: describe(this.snap, d) },
    };
    if (!d.builtin && !this.visible.has(d.uri)) {
      const spec = relativeImport(this.path, d.uri);
      item.detail = `${item.detail} (adds import "${spec}")`;
      item.additionalTextEdits = [importEdit(this.snap.file(this.path), spec)];
    }
    return item;
  }
}

/**
 * The edit adding `import "<spec>"`: on the line after the last import (or at
 * the top, followed by a blank line, when there is none). When the last import
 * ends on the file's last line, there is no next line to insert at: the import
 * goes at the end of the file, after a line break.
 */
export function importEdit(pr: ParseResult | undefined, spec: string): L.TextEdit {
  const line = `import ${JSON.stringify(spec)}`;
  const imports = pr?.file.imports ?? [];
  const last = imports[imports.length - 1];
  // The file's own line break (its first one), so that a CRLF file stays CRLF.
  const text = pr?.lines.text ?? "";
  const lf = text.indexOf("\n");
  const eol = lf > 0 && text[lf - 1] === "\r" ? "\r\n" : "\n";
  if (!pr || !last) return { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: `${line}${eol}${eol}` };
  const next = last.range.end.line + 1;
  if (next < pr.lines.lineCount) return { range: { start: { line: next, character: 0 }, end: { line: next, character: 0 } }, newText: `${line}${eol}` };
  const { line: l, character } = pr.lines.position(pr.lines.text.length);
  const end = { line: l, character };
  return { range: { start: end, end }, newText: `${eol}${line}` };
}

/**
 * The import paths (relative to `path`) of the other rules files of its check
 * that it does not import yet and that do not see it (an import of one would close a circle).
 */
function importablePaths(snap: Snapshot, path: string): string[] {
  const check = snap.checkOf(path);
  if (!check || !path.startsWith("/")) return [];
  const seen = new Set(check.visibleFiles(path));
  const out: string[] = [];
  for (const other of snap.paths()) {
    if (other === path || seen.has(other) || !other.startsWith("/") || snap.checkOf(other) !== check) continue;
    if (check.visibleFiles(other).includes(path)) continue;
    out.push(relativeImport(path, other));
  }
  return out.sort();
}

const ITEM_KIND: Record<SymbolKind, L.CompletionItemKind> = {
  field: L.CompletionItemKind.Field,
  payloadField: L.CompletionItemKind.Field,
  event: L.CompletionItemKind.Event,
  set: L.CompletionItemKind.Constant,
  territory: L.CompletionItemKind.Constant,
  score: L.CompletionItemKind.Class,
  scoreRule: L.CompletionItemKind.Method,
  grade: L.CompletionItemKind.Class,
  gradeLetter: L.CompletionItemKind.EnumMember,
  stage: L.CompletionItemKind.EnumMember,
  owner: L.CompletionItemKind.Reference,
  queue: L.CompletionItemKind.Reference,
  team: L.CompletionItemKind.Reference,
  route: L.CompletionItemKind.Module,
  routeRule: L.CompletionItemKind.Method,
  consent: L.CompletionItemKind.Interface,
  action: L.CompletionItemKind.Function,
  param: L.CompletionItemKind.Variable,
  workflow: L.CompletionItemKind.Module,
  journey: L.CompletionItemKind.Module,
  enumValue: L.CompletionItemKind.EnumMember,
};

function dedupe(items: L.CompletionItem[]): L.CompletionItem[] {
  const seen = new Set<string>();
  return items.filter((i) => {
    const k = `${i.label}\u0000${i.kind}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

