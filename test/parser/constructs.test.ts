// One test per construct of core/syntax/ast.ts: parse a small snippet, check
// the shape of the tree and the text each range covers.
import { describe, expect, it } from "vitest";
import type * as A from "../../core/syntax/ast.js";
import { decl, ok, textOf as t, slice } from "./helpers.js";
import { SAMPLE } from "./sample.js";
import { parse } from "../../core/syntax/parse.js";

/** The condition of `stage s when <expr>`. */
function expr(src: string): { e: A.Expr; src: string } {
  const full = `stage s when ${src}`;
  const d = decl(full, "Stage");
  return { e: d.when!, src: full };
}

describe("file and imports", () => {
  it("parses an empty file", () => {
    const r = ok("");
    expect(r.file.imports).toEqual([]);
    expect(r.file.decls).toEqual([]);
  });
  it("parses a file of comments only and keeps the comments", () => {
    const r = ok("// one\n/// doc\n/* block\n */\n");
    expect(r.file.decls).toEqual([]);
    expect(r.comments.map((c) => c.image)).toEqual(["// one", "/// doc", "/* block\n */"]);
  });
  it("parses imports with their path", () => {
    const r = ok('import "./schema.crmrules"\nimport "../x.crmrules"');
    expect(r.file.imports.map((i) => i.path?.value)).toEqual(["./schema.crmrules", "../x.crmrules"]);
    expect(t(r.src, r.file.imports[1])).toBe('import "../x.crmrules"');
    expect(t(r.src, r.file.imports[1]!.path)).toBe('"../x.crmrules"');
  });
  it("the file range covers the whole text", () => {
    const r = ok("owner a\n\n");
    expect(r.file.range.end.offset).toBe(9);
    expect(r.file.uri).toBe("test.crmrules");
  });
  it("unescapes strings", () => {
    const d = decl('queue q "say \\"hi\\"\\n"', "Queue");
    expect(d.label?.value).toBe('say "hi"\n');
  });
});

describe("schema", () => {
  it("lead fields with every type shape and optional separators", () => {
    const d = decl("lead {\n  email: email\n  size: number,\n  industry: enum(saas, finance);\n  tags: list(text)\n  nested: list(enum(a, b))\n}", "Lead");
    expect(t(d.src, { range: d.keyword })).toBe("lead");
    expect(d.fields.map((f) => f.name?.text)).toEqual(["email", "size", "industry", "tags", "nested"]);
    expect(d.fields.map((f) => f.type?.kind)).toEqual(["SimpleType", "SimpleType", "EnumType", "ListType", "ListType"]);
    const en = d.fields[2]!.type as A.EnumTypeRef;
    expect(en.values.map((v) => v.text)).toEqual(["saas", "finance"]);
    expect(t(d.src, en)).toBe("enum(saas, finance)");
    const list = d.fields[4]!.type as A.ListTypeRef;
    expect(list.element?.kind).toBe("EnumType");
    expect(t(d.src, list)).toBe("list(enum(a, b))");
    expect(t(d.src, d.fields[1])).toBe("size: number");
  });
  it("keywords may be field names and enum values", () => {
    const d = decl("lead { owner: text, stage: enum(lead, event, in) }", "Lead");
    expect(d.fields.map((f) => f.name?.text)).toEqual(["owner", "stage"]);
    expect((d.fields[1]!.type as A.EnumTypeRef).values.map((v) => v.text)).toEqual(["lead", "event", "in"]);
  });
  it("names take letters of any alphabet, then letters, combining marks, digits and `_` (issue 12, item 9)", () => {
    const d = decl("lead { société: text  größe: number  område: enum(nord, sør)  Ωmega_2: text  cafe\u0301: text  _x: text }", "Lead");
    expect(d.fields.map((f) => f.name?.text)).toEqual(["société", "größe", "område", "Ωmega_2", "cafe\u0301", "_x"]);
    expect((d.fields[2]!.type as A.EnumTypeRef).values.map((v) => v.text)).toEqual(["nord", "sør"]);
    expect(t(d.src, d.fields[0]!.name)).toBe("société");
    const o = decl('owner søren "soren@acme.example"', "Owner");
    expect(o.name?.text).toBe("søren");
  });
  it("a name does not start with a digit or a combining mark, and symbols are not letters", () => {
    expect(parse("owner 2x").diagnostics.map((d) => d.code)).not.toEqual([]);
    expect(parse("owner \u0301x").diagnostics.map((d) => d.code)).toContain("CR1001");
    expect(parse("owner a😀").diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual(["CR1001 unexpected character `😀`"]);
  });
  it("events with and without payload", () => {
    const r = ok("event page_view { url: text }\nevent demo_requested\nevent e {}");
    const [a, b, c] = r.file.decls as A.EventDecl[];
    expect(a!.name?.text).toBe("page_view");
    expect(a!.fields.map((f) => t(r.src, f))).toEqual(["url: text"]);
    expect(b!.fields).toEqual([]);
    expect(t(r.src, b)).toBe("event demo_requested");
    expect(t(r.src, c)).toBe("event e {}");
  });
  it("sets and territories", () => {
    const r = ok('set free = ["gmail.com", "x.example"]\nterritory nordics = [NO, SE] + dach');
    const [s, ter] = r.file.decls as A.SetDecl[];
    expect(s!.keyword).toBe("set");
    expect((s!.value as A.ListLit).items.map((i) => (i as A.StringLit).value)).toEqual(["gmail.com", "x.example"]);
    expect(ter!.keyword).toBe("territory");
    const v = ter!.value as A.BinaryExpr;
    expect(v.op).toBe("+");
    expect(t(r.src, v)).toBe("[NO, SE] + dach");
    expect(slice(r.src, v.opRange)).toBe("+");
  });
});

describe("scoring", () => {
  it("score with label, settings and rules", () => {
    const d = decl('score fit "Fit" {\n  cap 50\n  floor -10\n  decay 25% every 30 days\n  rule a: +20 when lead.role == executive\n}', "Score");
    expect(d.name?.text).toBe("fit");
    expect(d.label?.value).toBe("Fit");
    expect(d.settings.map((s) => s.kind)).toEqual(["Cap", "Floor", "Decay"]);
    expect((d.settings[0] as A.CapSetting).value?.value).toBe(50);
    const floor = d.settings[1] as A.FloorSetting;
    expect(floor.value).toMatchObject({ value: -10, text: "-10" });
    expect(t(d.src, floor.value)).toBe("-10");
    const decay = d.settings[2] as A.DecaySetting;
    expect(decay.percent?.value).toBe(25);
    expect(t(d.src, decay)).toBe("decay 25% every 30 days");
    expect(t(d.src, decay.every)).toBe("30 days");
    const rule = d.rules[0]!;
    expect(rule.name?.text).toBe("a");
    expect(rule.points).toMatchObject({ value: 20, text: "+20" });
    expect(rule.trigger?.kind).toBe("AttributeTrigger");
    expect(t(d.src, rule)).toBe("rule a: +20 when lead.role == executive");
    expect(t(d.src, d)).toBe(d.src);
  });
  it("event trigger with every clause", () => {
    const src = 'score s { rule p: +10 on page_view where url starts_with "/pricing" at least 3 times within 14 days limit 1 per 30 days when fit >= 10 }';
    const d = decl(src, "Score");
    const tr = d.rules[0]!.trigger as A.EventTrigger;
    expect(tr.kind).toBe("EventTrigger");
    expect(tr.event?.text).toBe("page_view");
    expect(t(src, tr.where)).toBe('url starts_with "/pricing"');
    expect(tr.times?.value).toBe(3);
    expect(t(src, tr.within)).toBe("14 days");
    expect(tr.within?.amount?.value).toBe(14);
    expect(tr.within?.unit?.text).toBe("days");
    expect(t(src, tr.limit)).toBe("limit 1 per 30 days");
    expect(tr.limit?.count?.value).toBe(1);
    expect(t(src, tr.when)).toBe("fit >= 10");
    expect(t(src, tr)).toBe(src.slice(src.indexOf("on page_view"), src.length - 2));
  });
  it("`within` after `where` belongs to the rule, not to the filter", () => {
    const d = decl("score s { rule p: +1 on page_view where url == x within 7 days }", "Score");
    const tr = d.rules[0]!.trigger as A.EventTrigger;
    expect(tr.where?.kind).toBe("Binary");
    expect(tr.within?.amount?.value).toBe(7);
  });
  it("limit without a period", () => {
    const d = decl("score s { rule p: +1 on e limit 1 }", "Score");
    const tr = d.rules[0]!.trigger as A.EventTrigger;
    expect(tr.limit?.per).toBeUndefined();
    expect(tr.limit?.count?.value).toBe(1);
  });
  it("inactivity trigger", () => {
    const src = "score s { rule q: -10 after 30 days without page_view or form_submitted }";
    const d = decl(src, "Score");
    const tr = d.rules[0]!.trigger as A.InactivityTrigger;
    expect(tr.kind).toBe("InactivityTrigger");
    expect(t(src, tr.after)).toBe("30 days");
    expect(tr.events.map((e) => e.text)).toEqual(["page_view", "form_submitted"]);
    expect(t(src, tr)).toBe("after 30 days without page_view or form_submitted");
  });
  it("grades", () => {
    const d = decl("grade g from fit {\n  A >= 40\n  B >= 25, C >= -5\n  D otherwise\n}", "Grade");
    expect(d.name?.text).toBe("g");
    expect(d.score?.text).toBe("fit");
    expect(d.entries.map((e) => [e.letter?.text, e.min?.value, e.otherwise])).toEqual([
      ["A", 40, false],
      ["B", 25, false],
      ["C", -5, false],
      ["D", undefined, true],
    ]);
    expect(d.entries.map((e) => t(d.src, e))).toEqual(["A >= 40", "B >= 25", "C >= -5", "D otherwise"]);
  });
});

describe("stages", () => {
  it("stage with modifiers and a condition", () => {
    const d = decl("stage lead initial", "Stage");
    expect(d.name?.text).toBe("lead");
    expect(d.modifiers.map((m) => m.text)).toEqual(["initial"]);
    const s = decl("stage mql when fit >= 20 or on demo_requested", "Stage");
    expect(s.modifiers).toEqual([]);
    const w = s.when as A.BinaryExpr;
    expect(w.op).toBe("or");
    expect((w.right as A.OnExpr).kind).toBe("On");
    expect((w.right as A.OnExpr).event?.text).toBe("demo_requested");
    expect(t(s.src, w.right)).toBe("on demo_requested");
  });
  it("reenter", () => {
    const d = decl("reenter mql from recycled after 90 days", "Reenter");
    expect(d.stage?.text).toBe("mql");
    expect(d.from?.text).toBe("recycled");
    expect(t(d.src, d.after)).toBe("90 days");
    expect(t(d.src, d)).toBe(d.src);
    expect(decl("reenter mql from recycled", "Reenter").after).toBeUndefined();
  });
});

describe("routing", () => {
  it("owners and queues", () => {
    const r = ok('owner kari "kari@acme.example"\nowner anna\nqueue unrouted "Unrouted leads"\nqueue q');
    const [k, a, q, q2] = r.file.decls as [A.OwnerDecl, A.OwnerDecl, A.QueueDecl, A.QueueDecl];
    expect(k.email?.value).toBe("kari@acme.example");
    expect(a.email).toBeUndefined();
    expect(q.label?.value).toBe("Unrouted leads");
    expect(q2.label).toBeUndefined();
    expect(t(r.src, k)).toBe('owner kari "kari@acme.example"');
  });
  it("teams with members, weights and a cap", () => {
    const d = decl("team emea round_robin {\n  member anna weight 2\n  member ben,\n  cap 25 per day\n}", "Team");
    expect(d.strategy?.text).toBe("round_robin");
    expect(d.members.map((m) => [m.owner?.text, m.weight?.value])).toEqual([
      ["anna", 2],
      ["ben", undefined],
    ]);
    expect(t(d.src, d.members[0])).toBe("member anna weight 2");
    expect(t(d.src, d.cap)).toBe("cap 25 per day");
    expect(d.cap?.count?.value).toBe(25);
    expect(d.cap?.per?.amount).toBeUndefined();
    expect(d.cap?.per?.unit?.text).toBe("day");
  });
  it("routes with rules, escalations and a fallback", () => {
    const src = "route inbound on stage mql {\n  rule big: when lead.size >= 1000 -> owner kari escalate after 4 hours to queue q, after 1 day to owner anna\n  rule s: when lead.role == student -> discard\n  otherwise -> team emea\n}";
    const d = decl(src, "Route");
    expect(d.trigger).toMatchObject({ kind: "StageTrigger", stage: { text: "mql" } });
    expect(t(src, d.trigger)).toBe("on stage mql");
    const [big, s] = d.rules;
    expect(big!.name?.text).toBe("big");
    expect(t(src, big!.when)).toBe("lead.size >= 1000");
    expect(big!.target).toMatchObject({ targetKind: "owner", ref: { text: "kari" } });
    expect(big!.escalations.map((e) => t(src, e))).toEqual(["after 4 hours to queue q", "after 1 day to owner anna"]);
    expect(big!.escalations[1]!.target).toMatchObject({ targetKind: "owner", ref: { text: "anna" } });
    expect(s!.target).toMatchObject({ targetKind: "discard" });
    expect(s!.target?.ref).toBeUndefined();
    expect(d.fallback?.target).toMatchObject({ targetKind: "team", ref: { text: "emea" } });
    expect(t(src, d.fallback)).toBe("otherwise -> team emea");
  });
  it("routes on an event with a filter", () => {
    const src = 'route r on form_submitted where form != "newsletter" { otherwise -> queue q escalate after 2 hours to owner mia }';
    const d = decl(src, "Route");
    const tr = d.trigger as A.EventOccurrenceTrigger;
    expect(tr.kind).toBe("EventOccurrenceTrigger");
    expect(tr.event?.text).toBe("form_submitted");
    expect(t(src, tr.where)).toBe('form != "newsletter"');
    expect(d.fallback?.escalations).toHaveLength(1);
  });
});

describe("consent", () => {
  it("clauses, bases, expiry and implied consent", () => {
    const src = 'consent email "Email" {\n  in [DE, AT]: double_opt_in expires after 24 months\n  in eu + [CA]: opt_in or implied 6 months after inquiry\n  otherwise: opt_out\n}';
    const d = decl(src, "Consent");
    expect(d.label?.value).toBe("Email");
    const [a, b, c] = d.clauses;
    expect(t(src, a!.region)).toBe("[DE, AT]");
    expect(a!.bases[0]!.basis?.text).toBe("double_opt_in");
    expect(t(src, a!.bases[0]!.expires)).toBe("24 months");
    expect(t(src, a)).toBe("in [DE, AT]: double_opt_in expires after 24 months");
    expect((b!.region as A.BinaryExpr).op).toBe("+");
    expect(b!.bases.map((x) => x.basis?.text)).toEqual(["opt_in", "implied"]);
    expect(t(src, b!.bases[1]!.impliedFor)).toBe("6 months");
    expect(b!.bases[1]!.anchor?.text).toBe("inquiry");
    expect(c!.otherwise).toBe(true);
    expect(c!.region).toBeUndefined();
    expect(t(src, c)).toBe("otherwise: opt_out");
  });
});

describe("actions and workflows", () => {
  it("actions with parameters, reach and requirement", () => {
    const r = ok("action send_email(campaign: text, n: number) contact requires email_marketing\naction notify internal\naction bare");
    const [a, b, c] = r.file.decls as A.ActionDecl[];
    expect(a!.params.map((p) => t(r.src, p))).toEqual(["campaign: text", "n: number"]);
    expect(a!.reach).toBe("contact");
    expect(slice(r.src, a!.reachRange)).toBe("contact");
    expect(a!.requires?.text).toBe("email_marketing");
    expect(b!.reach).toBe("internal");
    expect(b!.params).toEqual([]);
    expect(c!.reach).toBeUndefined();
  });
  it("workflow steps", () => {
    const src = 'workflow w on stage mql {\n  do send("n1", 2)\n  wait 3 days\n  do send("n2") unless demo within 7 days\n  do notify when lead.x == 1\n}';
    const d = decl(src, "Workflow");
    expect(d.steps.map((s) => s.kind)).toEqual(["Do", "Wait", "Do", "Do"]);
    const first = d.steps[0] as A.DoStep;
    expect(first.call?.action?.text).toBe("send");
    expect(first.call?.args?.map((a) => t(src, a))).toEqual(['"n1"', "2"]);
    expect(t(src, d.steps[1])).toBe("wait 3 days");
    const unless = (d.steps[2] as A.DoStep).unless as A.WithinExpr;
    expect(unless.kind).toBe("Within");
    expect(unless.event.text).toBe("demo");
    expect(t(src, unless)).toBe("demo within 7 days");
    const last = d.steps[3] as A.DoStep;
    expect(last.call?.args).toBeUndefined();
    expect(t(src, last.when)).toBe("lead.x == 1");
  });
});

describe("journeys", () => {
  it("lead record, seed, timed events, updates and every expectation", () => {
    const src = `journey "J" {
  lead { email: "k@f.example", country: NO, size: 1500, signup: 2026-01-15 }
  seed 7
  day 0 consent_given { purpose: "email" }
  day 1 at 09:30 page_view
  day 5 update { size: 2000 }
  demo_requested
  expect stage == sql
  expect stage != lead
  expect score fit == 35
  expect score fit between 40 and 60
  expect score fit is unscored
  expect grade g >= A
  expect routed to owner kari
  expect escalated to queue q
  expect not routed
  expect sent send("n1")
  expect not sent send
  expect blocked none
  day 9 expect blocked send
}`;
    const d = decl(src, "Journey");
    expect(d.name?.value).toBe("J");
    expect(d.lead?.entries.map((e) => [e.key?.text, t(src, e.value)])).toEqual([
      ["email", '"k@f.example"'],
      ["country", "NO"],
      ["size", "1500"],
      ["signup", "2026-01-15"],
    ]);
    expect(d.lead?.entries[3]!.value?.kind).toBe("Date");
    expect(d.seed?.value).toBe(7);
    const [e0, e1, upd, bare, ...expects] = d.steps;
    expect(e0).toMatchObject({ kind: "EventStep", event: { text: "consent_given" }, time: { day: { value: 0 } } });
    expect(t(src, e0)).toBe('day 0 consent_given { purpose: "email" }');
    expect((e1 as A.EventStep).time?.timeOfDay?.minutes).toBe(9 * 60 + 30);
    expect(slice(src, (e1 as A.EventStep).time?.timeOfDay?.range)).toBe("09:30");
    expect(upd).toMatchObject({ kind: "UpdateStep", time: { day: { value: 5 } } });
    expect((upd as A.UpdateStep).values?.entries[0]!.key?.text).toBe("size");
    expect(bare).toMatchObject({ kind: "EventStep", event: { text: "demo_requested" } });
    expect((bare as A.EventStep).time).toBeUndefined();
    const ex = expects.map((s) => (s as A.ExpectStep).expectation!);
    expect(expects.map((s) => s.kind)).toEqual(Array(13).fill("ExpectStep"));
    expect(ex[0]).toMatchObject({ kind: "ExpectStage", op: "==", stage: { text: "sql" } });
    expect(ex[1]).toMatchObject({ kind: "ExpectStage", op: "!=", stage: { text: "lead" } });
    expect(ex[2]).toMatchObject({ kind: "ExpectScore", score: { text: "fit" }, op: "==", value: { value: 35 } });
    expect(ex[3]).toMatchObject({ kind: "ExpectScore", op: "between", value: { value: 40 }, high: { value: 60 } });
    expect(ex[4]).toMatchObject({ kind: "ExpectScore", op: "unscored" });
    expect(ex[5]).toMatchObject({ kind: "ExpectGrade", grade: { text: "g" }, op: ">=", letter: { text: "A" } });
    expect(ex[6]).toMatchObject({ kind: "ExpectRouted", negated: false, escalated: false, target: { targetKind: "owner", ref: { text: "kari" } } });
    expect(ex[7]).toMatchObject({ kind: "ExpectRouted", escalated: true, target: { targetKind: "queue" } });
    expect(ex[8]).toMatchObject({ kind: "ExpectRouted", negated: true });
    expect(ex[9]).toMatchObject({ kind: "ExpectAction", mode: "sent", none: false, call: { action: { text: "send" } } });
    expect((ex[9] as A.ExpectAction).call?.args).toHaveLength(1);
    expect(ex[10]).toMatchObject({ kind: "ExpectAction", mode: "not_sent" });
    expect((ex[10] as A.ExpectAction).call?.args).toBeUndefined();
    expect(ex[11]).toMatchObject({ kind: "ExpectAction", mode: "blocked", none: true });
    expect(t(src, expects[1])).toBe("expect stage != lead");
    expect(t(src, expects[3])).toBe("expect score fit between 40 and 60");
    const last = d.steps[d.steps.length - 1] as A.ExpectStep;
    expect(last.time?.day?.value).toBe(9);
    expect(last.expectation).toMatchObject({ mode: "blocked", none: false });
    expect(t(src, last)).toBe("day 9 expect blocked send");
  });
});

describe("expressions", () => {
  it("precedence: or < and < not < comparison < + - < * /", () => {
    const { e, src } = expr("not a == 1 and b or c + 2 * 3 > 4");
    const or = e as A.BinaryExpr;
    expect(or.op).toBe("or");
    const and = or.left as A.BinaryExpr;
    expect(and.op).toBe("and");
    expect((and.left as A.UnaryExpr).op).toBe("not");
    expect(t(src, and.left)).toBe("not a == 1");
    const gt = or.right as A.BinaryExpr;
    expect(gt.op).toBe(">");
    const plus = gt.left as A.BinaryExpr;
    expect(plus.op).toBe("+");
    expect((plus.right as A.BinaryExpr).op).toBe("*");
    expect(t(src, plus)).toBe("c + 2 * 3");
    expect(slice(src, plus.opRange)).toBe("+");
  });
  it("left associativity of + - and * /", () => {
    const { e, src } = expr("1 - 2 - 3 / 4 / 5");
    const b = e as A.BinaryExpr;
    expect(b.op).toBe("-");
    expect(t(src, b.left)).toBe("1 - 2");
    expect(t(src, b.right)).toBe("3 / 4 / 5");
    expect(t(src, (b.right as A.BinaryExpr).left)).toBe("3 / 4");
  });
  it("every comparison and text operator", () => {
    for (const op of ["==", "!=", "<", "<=", ">", ">=", "in", "starts_with", "ends_with", "contains", "matches"] as const) {
      const { e, src } = expr(`x ${op} y`);
      expect((e as A.BinaryExpr).op).toBe(op);
      expect(slice(src, (e as A.BinaryExpr).opRange)).toBe(op);
    }
  });
  it("not in", () => {
    const { e, src } = expr("lead.country not in [US, CA]");
    const b = e as A.BinaryExpr;
    expect(b.op).toBe("not in");
    expect(slice(src, b.opRange)).toBe("not in");
    expect((b.right as A.ListLit).items).toHaveLength(2);
  });
  it("is and between", () => {
    const a = expr("lead.size is missing");
    expect(a.e).toMatchObject({ kind: "Is", test: { text: "missing" }, operand: { kind: "Path" } });
    expect(t(a.src, a.e)).toBe("lead.size is missing");
    const b = expr("lead.size between 10 and 20 and x");
    const and = b.e as A.BinaryExpr;
    expect(and.op).toBe("and");
    expect(and.left).toMatchObject({ kind: "Between", low: { value: 10 }, high: { value: 20 } });
    expect(t(b.src, and.left)).toBe("lead.size between 10 and 20");
  });
  it("literals", () => {
    const { e } = expr('[1, 2.5, -3, "t", true, false, 2026-01-15, []]');
    const items = (e as A.ListLit).items;
    expect(items.map((i) => i.kind)).toEqual(["Number", "Number", "Number", "String", "Bool", "Bool", "Date", "List"]);
    expect(items[1]).toMatchObject({ value: 2.5 });
    expect(items[2]).toMatchObject({ value: -3, text: "-3" });
    expect(items[4]).toMatchObject({ value: true });
    expect(items[6]).toMatchObject({ text: "2026-01-15" });
  });
  it("negation of a non-number is a unary minus", () => {
    const { e, src } = expr("-x > 1");
    const u = (e as A.BinaryExpr).left as A.UnaryExpr;
    expect(u).toMatchObject({ kind: "Unary", op: "-", operand: { kind: "Path" } });
    expect(t(src, u)).toBe("-x");
  });
  it("paths, the stage keyword, parentheses, count, within and on", () => {
    const p = expr("lead.email.domain == x");
    const path = (p.e as A.BinaryExpr).left as A.PathExpr;
    expect(path.head.text).toBe("lead");
    expect(path.segments.map((s) => s.text)).toEqual(["email", "domain"]);
    expect(t(p.src, path)).toBe("lead.email.domain");
    expect(expr("lead.owner == x").e).toMatchObject({ left: { segments: [{ text: "owner" }] } });
    expect((expr("stage == mql").e as A.BinaryExpr).left?.kind).toBe("StageRef");
    const paren = expr("(a or b) and c");
    const pe = (paren.e as A.BinaryExpr).left as A.ParenExpr;
    expect(pe.kind).toBe("Paren");
    expect(t(paren.src, pe)).toBe("(a or b)");
    expect(pe.inner).toMatchObject({ kind: "Binary", op: "or" });
    const c = expr('count(page_view where url contains "docs" within 7 days) > 3');
    const count = (c.e as A.BinaryExpr).left as A.CountExpr;
    expect(count.kind).toBe("Count");
    expect(count.event?.text).toBe("page_view");
    expect(t(c.src, count.where)).toBe('url contains "docs"');
    expect(t(c.src, count.within)).toBe("7 days");
    expect(t(c.src, count)).toBe('count(page_view where url contains "docs" within 7 days)');
    const w = expr("demo within 14 days");
    expect(w.e).toMatchObject({ kind: "Within", event: { text: "demo" }, within: { amount: { value: 14 } } });
    expect(t(w.src, w.e)).toBe("demo within 14 days");
  });
  it("durations in every unit", () => {
    for (const unit of ["minute", "minutes", "hour", "hours", "day", "days", "week", "weeks", "month", "months", "year", "years"]) {
      const d = decl(`reenter a from b after 2 ${unit}`, "Reenter");
      expect(d.after?.unit?.text).toBe(unit);
    }
  });
});

describe("the realistic sample", () => {
  it("parses without errors and keeps every declaration", () => {
    const r = ok(SAMPLE);
    expect(r.file.imports).toHaveLength(1);
    expect(r.file.decls.map((d) => d.kind)).toEqual([
      "Lead", "Event", "Event", "Event", "Set", "Set", "Set", "Set", "Score", "Score", "Grade",
      "Stage", "Stage", "Stage", "Stage", "Reenter", "Owner", "Owner", "Queue", "Team", "Route", "Route",
      "Consent", "Action", "Action", "Workflow", "Journey",
    ]);
  });
  it("keeps tokens and comments apart", () => {
    const r = ok(SAMPLE);
    expect(r.comments.map((c) => c.image)).toEqual(["/// The lead schema.", "// ISO 3166-1 alpha-2"]);
    expect(r.tokens.every((tk) => !tk.image.startsWith("//"))).toBe(true);
  });
  it("accepts Windows and old Mac line endings with the same positions per line", () => {
    for (const eol of ["\r\n", "\r"]) {
      const src = SAMPLE.replace(/\n/g, eol);
      const r = ok(src);
      const lf = ok(SAMPLE);
      expect(r.file.decls.map((d) => [d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character])).toEqual(
        lf.file.decls.map((d) => [d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character]),
      );
    }
  });
});
