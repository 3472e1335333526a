// Completion (server/src/completion.ts), in-process on fixtures: what is offered at the cursor of half-typed input.
import { describe, expect, it } from "vitest";
import { join } from "node:path";
import * as L from "vscode-languageserver";
import { TextDocument } from "vscode-languageserver-textdocument";
import { fixture, fixtureFromFolders } from "../support/fixture.js";
import { completion, labels } from "../support/features.js";
import { FIXTURES } from "./helpers.js";
import { COUNTRY_CODES } from "../../core/checker/countries.js";
import { importEdit } from "../../server/src/completion/index.js";
import { parse } from "../../core/syntax/parse.js";

describe("completion", () => {
  // The basic workspace, with a second workspace folder whose names must not be offered; each probe is a scratch file of the basic folder.
  const f = fixtureFromFolders({ "/basic": join(FIXTURES, "basic"), "/second": join(FIXTURES, "second") });
  const SCRATCH = "/basic/scratch.crmrules";
  const labelsAt = (text: string) => f.probe(SCRATCH, text, labels);

  it("offers lead fields after `lead.` in half-typed input", () => {
    expect(labelsAt("stage x when lead.$0")).toEqual(["email", "country", "company_size", "role"]);
    expect(labelsAt("stage x when lead.email.$0")).toEqual(["domain"]);
  });
  it("offers event names after `on`, with built-in events", () => {
    const l = labelsAt('score s "S" {\n  rule r: +5 on $0');
    expect(l).toEqual(["page_view", "webinar_attended", "demo_requested", "consent_given", "consent_withdrawn", "unsubscribed", "erasure_requested", "sales_activity"]);
  });
  it("offers payload fields inside `where`", () => {
    expect(labelsAt('score s "S" {\n  rule r: +5 on page_view where $0')).toEqual(["url"]);
  });
  it("offers enum values after a comparison with an enum field", () => {
    expect(labelsAt("stage x when lead.role == $0")).toEqual(["executive", "director", "manager", "individual", "student"]);
    expect(labelsAt("stage x when lead.role in [executive, $0")).toEqual(["executive", "director", "manager", "individual", "student"]);
  });
  it("offers territories after `in` in a consent clause, targets and owners in routes", () => {
    expect(labelsAt("consent c {\n  in $0")).toEqual(["nordics", "dach"]);
    expect(labelsAt("route r on stage mql {\n  rule a: when lead.role == student -> $0")).toEqual(["owner", "team", "queue", "discard"]);
    expect(labelsAt("route r on stage mql {\n  rule a: when lead.role == student -> owner $0")).toEqual(["kari", "anna"]); // not `zoe`: another workspace folder
    expect(labelsAt("route r on stage $0")).toEqual(["lead_in", "mql", "sql"]);
  });
  it("offers scores and stages in expectations, payload fields in journey events", () => {
    expect(labelsAt('journey "j" {\n  expect score $0')).toEqual(["fit", "engagement"]);
    expect(labelsAt('journey "j" {\n  expect stage == $0')).toEqual(["lead_in", "mql", "sql"]);
    expect(labelsAt('journey "j" {\n  day 1 webinar_attended { $0')).toEqual(["topic"]);
    expect(labelsAt('journey "j" {\n  lead { country: NO, $0')).toEqual(["email", "country", "company_size", "role"]);
  });
  it("offers a snippet for every construct at the top level, with documentation", () => {
    const r = f.probe(SCRATCH, "$0", completion);
    expect(r.items.map((i) => i.label)).toEqual(["import", "lead", "event", "territory", "set", "score", "grade", "stage", "reenter", "owner", "queue", "team", "route", "consent", "action", "workflow", "journey"]);
    const score = r.items.find((i) => i.label === "score")!;
    expect(score.insertTextFormat).toBe(L.InsertTextFormat.Snippet);
    expect(score.insertText).toBe('score ${1:name} "${2:Label}" {\n  cap ${3:100}\n  rule ${4:rule_name}: +${5:10} when ${6:lead.field == value}\n}');
    expect((score.documentation as L.MarkupContent).value).toContain("`cap` bounds it");
  });
  it("reads names with letters outside ASCII as names (issue 12, item 9)", () => {
    expect(labelsAt("stage x when lead.sø$0")).toEqual(["email", "country", "company_size", "role"]);
    expect(labelsAt('score s "S" {\n  rule størst: +10 $0')).toEqual(["when", "on", "after"]);
  });
  it("offers the keywords valid at the cursor inside a half-written rule", () => {
    expect(labelsAt('score s "S" {\n  rule r: +10 $0')).toEqual(["when", "on", "after"]);
    expect(labelsAt('score s "S" {\n  rule r: +10 on page_view $0')).toEqual(["where", "at least", "within", "limit", "when"]);
    expect(labelsAt("route r on stage mql {\n  rule a: $0")).toEqual(["when"]);
    expect(labelsAt('score s "S" {\n  decay 10% every 30 $0')).toEqual(["minutes", "hours", "days", "weeks", "months", "years"]);
    expect(labelsAt("action a(x: text) contact requires $0")).toEqual(["email_marketing"]);
    expect(labelsAt('journey "j" {\n  day 2 consent_given { purpose: $0')).toEqual(["email_marketing"]);
    expect(labelsAt("workflow w on stage mql {\n  do $0")).toEqual(["send_email"]);
  });
  it("offers the comparisons a lead field's type allows, and expectation keywords", () => {
    expect(labelsAt("stage x when lead.company_size $0")).toEqual(["==", "!=", "<", "<=", ">", ">=", "between", "is"]);
    expect(labelsAt("stage x when lead.role $0")).toEqual(["==", "!=", "in", "not in", "is"]);
    expect(labelsAt("stage x when lead.email.domain $0")).toEqual(["==", "!=", "in", "not in", "starts_with", "ends_with", "contains", "matches", "is"]);
    expect(labelsAt('journey "j" {\n  expect routed $0')).toEqual(["to"]);
    expect(labelsAt('journey "j" {\n  expect not $0')).toEqual(["routed", "escalated", "sent", "blocked"]);
  });
  it("offers the statements a score body allows", () => {
    expect(labelsAt('score s "S" {\n  $0')).toEqual(["rule", "rule on", "cap", "floor", "decay"]);
  });
});

describe("completion of values", () => {
  const COUNTRIES = [...COUNTRY_CODES].sort();
  const f = fixture(`
    //- /schema.crmrules
    lead {
      country: country
      size: number
    }
    //- /fit.crmrules
    import "./schema.crmrules"

    score fit "Fit" {
      rule big: +10 when lead.size > 100
    }
    grade fit_grade from fit {
      A >= 40
      B >= 20
      C otherwise
    }
    //- /sub/extra.crmrules
    queue q "Q"
    //- /zones.crmrules
    territory north = [NO, SE]
    //- /user.crmrules
    import "./scratch.crmrules"
    //- /scratch.crmrules
    import "./fit.crmrules"
  `);
  // (user.crmrules imports the scratch file: offering it in the scratch file would close a circle.)
  const itemsAt = (text: string) => f.probe("scratch", text, (at) => completion(at).items);
  const valuesAt = (text: string) => itemsAt(text).map((i) => i.label);

  it("offers a grade's letters after a comparison with it, in an expectation and in a condition", () => {
    expect(valuesAt('import "./fit.crmrules"\njourney "j" {\n  expect grade fit_grade == $0')).toEqual(["A", "B", "C"]);
    expect(valuesAt('import "./fit.crmrules"\nstage s when fit_grade >= $0')).toEqual(["A", "B", "C"]);
    expect(valuesAt('import "./fit.crmrules"\nstage s when fit_grade in [A, $0')).toEqual(["A", "B", "C"]);
  });

  it("offers country codes in a lead record, after == on a country field and in a territory's list", () => {
    expect(valuesAt('import "./fit.crmrules"\njourney "j" {\n  lead { country: $0')).toEqual(COUNTRIES);
    expect(valuesAt("territory t = [$0")).toEqual(COUNTRIES);
    expect(valuesAt("territory t = [NO, $0")).toEqual(COUNTRIES);
    expect(valuesAt('import "./schema.crmrules"\nstage s when lead.country == $0')).toEqual(COUNTRIES);
    expect(valuesAt('import "./schema.crmrules"\nstage s when lead.country in [SE, $0')).toEqual(COUNTRIES);
    expect(COUNTRIES).toContain("NO");
  });

  it("offers the files the document can import inside `import \"`, replacing what is typed", () => {
    const items = itemsAt('import "./fit.crmrules"\nimport "./$0');
    // Not itself, not fit (imported) or schema (seen through fit), not user (it imports this file: a circle).
    expect(items.map((i) => i.label)).toEqual(["./sub/extra.crmrules", "./zones.crmrules"]);
    expect(items[0]!.textEdit).toEqual({ range: { start: { line: 1, character: 8 }, end: { line: 1, character: 10 } }, newText: "./sub/extra.crmrules" });
    expect(valuesAt('import "./$0')).toEqual(["./fit.crmrules", "./schema.crmrules", "./sub/extra.crmrules", "./zones.crmrules"]);
    expect(valuesAt('import "./z$0')).toEqual(["./zones.crmrules"]);
  });
});

describe("the import a completion adds keeps the file's line breaks", () => {
  it("in a CRLF file, the import line ends with CRLF (in the middle and at the end of the file)", () => {
    const mid = importEdit(parse('import "./a.crmrules"\r\n\r\nqueue q "Q"\r\n', "/ws/x.crmrules"), "./b.crmrules");
    expect(mid.newText).toBe('import "./b.crmrules"\r\n');
    const none = importEdit(parse('queue q "Q"\r\n', "/ws/x.crmrules"), "./b.crmrules");
    expect(none.newText).toBe('import "./b.crmrules"\r\n\r\n');
    const last = importEdit(parse('import "./a.crmrules"', "/ws/x.crmrules"), "./b.crmrules");
    expect(last.newText).toBe('\nimport "./b.crmrules"');
    const lastCrlf = importEdit(parse('queue q "Q"\r\nimport "./a.crmrules"', "/ws/x.crmrules"), "./b.crmrules");
    expect(lastCrlf.newText).toBe('\r\nimport "./b.crmrules"');
  });
});

describe("completion's import edit", () => {
  // base ← mid ← top (imports), sib imports base, other imports nothing.
  const f = fixture(`
    //- /base.crmrules
    owner ann "ann@acme.example"
    queue spill "Spill"
    //- /mid.crmrules
    import "./base.crmrules"

    team duo round_robin {
      member ann
    }
    //- /top.crmrules
    import "./mid.crmrules"

    stage mql initial when true
    route inbound on stage mql {
      otherwise -> team duo
    }
    //- /sib.crmrules
    import "./base.crmrules"

    stage s2 initial when true
    route side on stage s2 {
      otherwise -> queue spill
    }
    //- /other.crmrules
    queue lonely "Lonely"
  `);
  const ann = (text: string) => f.probe("/new.crmrules", text, (at) => completion(at).items.find((i) => i.label === "ann")!);

  it("stays inside the document when the last import is the last line, without a line break after it", () => {
    const text = 'stage s3 initial when true\nroute r on stage s3 {\n  otherwise -> owner $0\n}\nimport "./other.crmrules"';
    const item = ann(text);
    expect(item.detail).toBe('owner (adds import "./base.crmrules")');
    const end = { line: 4, character: 'import "./other.crmrules"'.length };
    expect(item.additionalTextEdits).toEqual([{ range: { start: end, end }, newText: '\nimport "./base.crmrules"' }]);
    const plain = text.replace("$0", "");
    expect(TextDocument.applyEdits(TextDocument.create("x", "crmrules", 1, plain), item.additionalTextEdits!)).toBe(plain + '\nimport "./base.crmrules"');
  });

  it("goes on the line after the last import when there is one", () => {
    expect(ann('import "./other.crmrules"\nstage s3 initial when true\nroute r on stage s3 {\n  otherwise -> owner $0').additionalTextEdits).toEqual([
      { range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, newText: 'import "./base.crmrules"\n' },
    ]);
  });
});
