/**
 * A name index over the parsed workspace: every declared name and every use of
 * a name, resolved by its syntactic context. Navigation, rename, hover,
 * completion and semantic tokens share it.
 */
import type * as A from "../../core/syntax/ast.js";
import type { ParseResult } from "../../core/syntax/parse.js";
import type { Range } from "../../core/text/positions.js";
import type { SymbolKind } from "../../core/workspace.js";

export interface Decl {
  key: string;
  name: string;
  kind: SymbolKind;
  uri: string;
  range: Range;
  declRange: Range;
  container?: string;
  doc?: string;
  /** The name node. */
  node: A.Node;
  /** The whole declaration node. */
  decl: A.Node;
}

export interface Occurrence {
  key: string;
  kind: SymbolKind;
  uri: string;
  range: Range;
  isDecl: boolean;
  node: A.Name;
}

/** Events every workspace has without declaring them (semantics brief). */
export const BUILTIN_EVENTS: Record<string, { fields: Record<string, string>; doc: string }> = {
  consent_given: { fields: { purpose: "purpose", method: "enum(checkbox, double_opt_in, purchase, inquiry, import)" }, doc: "the person gave consent for a purpose" },
  consent_withdrawn: { fields: { purpose: "purpose" }, doc: "the person withdrew consent for a purpose" },
  unsubscribed: { fields: {}, doc: "the person unsubscribed (withdraws every purpose)" },
  erasure_requested: { fields: {}, doc: "the person asked to be forgotten: every contact is blocked from then on" },
  sales_activity: { fields: { kind: "text" }, doc: "a salesperson worked the lead (stops escalation timers)" },
};

const TOP_KIND: Partial<Record<A.Decl["kind"], SymbolKind>> = {
  Event: "event",
  Score: "score",
  Grade: "grade",
  Stage: "stage",
  Owner: "owner",
  Queue: "queue",
  Team: "team",
  Route: "route",
  Consent: "consent",
  Action: "action",
  Workflow: "workflow",
};

export class NameIndex {
  readonly decls = new Map<string, Decl[]>();
  readonly occurrences = new Map<string, Occurrence[]>();
  /** Occurrences by key, across files. */
  readonly byKey = new Map<string, Occurrence[]>();

  constructor(files: Map<string, ParseResult>) {
    // Declarations first (so uses can be resolved in any order), then uses.
    for (const [uri, pr] of files) this.collectDecls(uri, pr);
    for (const [uri, pr] of files) new UseWalker(this, uri).file(pr.file);
    for (const list of this.occurrences.values()) list.sort((a, b) => a.range.start.offset - b.range.start.offset);
  }

  declsOfKind(kind: SymbolKind): Decl[] {
    const out: Decl[] = [];
    for (const list of this.decls.values()) for (const d of list) if (d.kind === kind) out.push(d);
    return out;
  }

  has(key: string): boolean {
    return this.decls.has(key);
  }

  first(key: string): Decl | undefined {
    return this.decls.get(key)?.[0];
  }

  occurrenceAt(uri: string, offset: number): Occurrence | undefined {
    const list = this.occurrences.get(uri);
    if (!list) return undefined;
    let lo = 0;
    let hi = list.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const o = list[mid]!;
      if (o.range.end.offset < offset) lo = mid + 1;
      else if (o.range.start.offset > offset) hi = mid - 1;
      else return o;
    }
    return undefined;
  }

  /** The event whose payload a `where` or a payload record refers to. */
  payloadFields(event: string): Decl[] {
    return this.declsOfKind("payloadField").filter((d) => d.container === event);
  }

  addDecl(d: Decl): void {
    const list = this.decls.get(d.key);
    if (list) list.push(d);
    else this.decls.set(d.key, [d]);
    this.addOcc({ key: d.key, kind: d.kind, uri: d.uri, range: d.range, isDecl: true, node: d.node as A.Name });
  }

  addOcc(o: Occurrence): void {
    const list = this.occurrences.get(o.uri);
    if (list) list.push(o);
    else this.occurrences.set(o.uri, [o]);
    const byKey = this.byKey.get(o.key);
    if (byKey) byKey.push(o);
    else this.byKey.set(o.key, [o]);
  }

  private collectDecls(uri: string, pr: ParseResult): void {
    const docs = docComments(pr);
    const doc = (n: A.Node) => docs.get(n.range.start.line);
    const add = (name: A.Name | undefined, key: string, kind: SymbolKind, node: A.Node, container?: string) => {
      if (!name || !name.text) return;
      this.addDecl({ key, name: name.text, kind, uri, range: name.range, declRange: node.range, container, doc: doc(node), node: name, decl: node });
    };
    for (const d of pr.file.decls) {
      switch (d.kind) {
        case "Lead":
          for (const f of d.fields) {
            add(f.name, `field:${f.name?.text}`, "field", f, "lead");
            if (f.type?.kind === "EnumType") for (const v of f.type.values) add(v, `enum:${v.text}`, "enumValue", v, f.name?.text);
          }
          break;
        case "Set":
          add(d.name, `top:${d.name?.text}`, d.keyword === "territory" ? "territory" : "set", d);
          break;
        case "Reenter":
        case "Journey":
          break;
        default: {
          const kind = TOP_KIND[d.kind];
          if (!kind) break;
          const name = (d as A.NamedDecl).name;
          add(name, `top:${name?.text}`, kind, d);
          if (d.kind === "Event")
            for (const f of d.fields) {
              add(f.name, `payload:${name?.text}.${f.name?.text}`, "payloadField", f, name?.text);
              if (f.type?.kind === "EnumType") for (const v of f.type.values) add(v, `enum:${v.text}`, "enumValue", v, f.name?.text);
            }
          if (d.kind === "Score") for (const r of d.rules) add(r.name, `rule:${name?.text}.${r.name?.text}`, "scoreRule", r, name?.text);
          if (d.kind === "Route") for (const r of d.rules) add(r.name, `rrule:${name?.text}.${r.name?.text}`, "routeRule", r, name?.text);
          if (d.kind === "Grade") for (const e of d.entries) add(e.letter, `letter:${name?.text}.${e.letter?.text}`, "gradeLetter", e, name?.text);
          if (d.kind === "Action") for (const p of d.params) add(p.name, `param:${name?.text}.${p.name?.text}`, "param", p, name?.text);
        }
      }
    }
  }
}

/** `///` comments directly above a line, keyed by the line they document. */
function docComments(pr: ParseResult): Map<number, string> {
  const out = new Map<number, string>();
  let block: string[] = [];
  let lastLine = -2;
  for (const c of pr.comments) {
    if (!c.image.startsWith("///")) continue;
    const line = (c.startLine ?? 1) - 1;
    if (line !== lastLine + 1) block = [];
    block.push(c.image.slice(3).trim());
    lastLine = line;
    out.set(line + 1, block.join("\n"));
  }
  return out;
}

interface Ctx {
  /** The event whose payload fields bare names refer to. */
  event?: string;
  /** Record keys are lead fields (journey `lead {}` / `update {}`). */
  leadRecord?: boolean;
  score?: string;
  grade?: string;
}

/** Resolves every use of a name from its syntactic position. */
class UseWalker {
  constructor(
    private readonly index: NameIndex,
    private readonly uri: string,
  ) {}

  file(f: A.CrmFile): void {
    for (const d of f.decls) this.decl(d);
  }

  private ref(name: A.Name | undefined, key: string, kind: SymbolKind): void {
    if (!name || !name.text) return;
    this.index.addOcc({ key, kind, uri: this.uri, range: name.range, isDecl: false, node: name });
  }

  /** A bare name that may be a top-level declaration (event, score, stage, set…). */
  private top(name: A.Name | undefined, fallback: SymbolKind): void {
    if (!name || !name.text) return;
    const d = this.index.first(`top:${name.text}`);
    this.ref(name, `top:${name.text}`, d?.kind ?? fallback);
  }

  private decl(d: A.Decl): void {
    switch (d.kind) {
      case "Lead":
      case "Event":
        return;
      case "Set":
        return this.expr(d.value, {});
      case "Score":
        for (const r of d.rules) {
          const t = r.trigger;
          if (!t) continue;
          if (t.kind === "AttributeTrigger") this.expr(t.when, {});
          else if (t.kind === "EventTrigger") {
            this.top(t.event, "event");
            this.expr(t.where, { event: t.event?.text });
            this.expr(t.when, {});
          } else for (const e of t.events) this.top(e, "event");
        }
        return;
      case "Grade":
        return this.top(d.score, "score");
      case "Stage":
        return this.expr(d.when, {});
      case "Reenter":
        this.top(d.stage, "stage");
        return this.top(d.from, "stage");
      case "Owner":
      case "Queue":
        return;
      case "Team":
        for (const m of d.members) this.top(m.owner, "owner");
        return;
      case "Route":
        this.trigger(d.trigger);
        for (const r of d.rules) {
          this.expr(r.when, {});
          this.target(r.target);
          for (const e of r.escalations) this.target(e.target);
        }
        if (d.fallback) {
          this.target(d.fallback.target);
          for (const e of d.fallback.escalations) this.target(e.target);
        }
        return;
      case "Consent":
        for (const c of d.clauses) {
          this.expr(c.region, {});
          for (const b of c.bases) this.top(b.anchor, "event");
        }
        return;
      case "Action":
        return this.top(d.requires, "consent");
      case "Workflow":
        this.trigger(d.trigger);
        for (const s of d.steps) {
          if (s.kind !== "Do") continue;
          this.call(s.call);
          this.expr(s.when, {});
          this.expr(s.unless, {});
        }
        return;
      case "Journey":
        this.record(d.lead, { leadRecord: true });
        for (const s of d.steps) {
          if (s.kind === "EventStep") {
            this.top(s.event, "event");
            this.record(s.payload, { event: s.event?.text });
          } else if (s.kind === "UpdateStep") this.record(s.values, { leadRecord: true });
          else this.expectation(s.expectation);
        }
        return;
    }
  }

  private trigger(t: A.Trigger | undefined): void {
    if (!t) return;
    if (t.kind === "StageTrigger") this.top(t.stage, "stage");
    else {
      this.top(t.event, "event");
      this.expr(t.where, { event: t.event?.text });
    }
  }

  private target(t: A.Target | undefined): void {
    if (!t || !t.ref) return;
    this.top(t.ref, t.targetKind === "discard" ? "owner" : t.targetKind);
  }

  private call(c: A.ActionCall | undefined): void {
    if (!c) return;
    this.top(c.action, "action");
    for (const a of c.args ?? []) this.expr(a, {});
  }

  private expectation(e: A.Expectation | undefined): void {
    if (!e) return;
    switch (e.kind) {
      case "ExpectStage":
        return this.top(e.stage, "stage");
      case "ExpectScore":
        return this.top(e.score, "score");
      case "ExpectGrade":
        this.top(e.grade, "grade");
        if (e.letter && e.grade) this.ref(e.letter, `letter:${e.grade.text}.${e.letter.text}`, "gradeLetter");
        return;
      case "ExpectRouted":
        return this.target(e.target);
      case "ExpectAction":
        return this.call(e.call);
    }
  }

  private record(r: A.RecordLit | undefined, ctx: Ctx): void {
    if (!r) return;
    for (const e of r.entries) {
      if (e.key) {
        if (ctx.leadRecord) this.ref(e.key, `field:${e.key.text}`, "field");
        else if (ctx.event) this.ref(e.key, `payload:${ctx.event}.${e.key.text}`, "payloadField");
      }
      this.expr(e.value, {});
    }
  }

  private expr(e: A.Expr | undefined, ctx: Ctx): void {
    if (!e) return;
    switch (e.kind) {
      case "Binary":
        this.expr(e.left, ctx);
        this.expr(e.right, ctx);
        return;
      case "Unary":
        return this.expr(e.operand, ctx);
      case "Is":
        return this.expr(e.operand, ctx);
      case "Between":
        this.expr(e.operand, ctx);
        this.expr(e.low, ctx);
        this.expr(e.high, ctx);
        return;
      case "List":
        for (const i of e.items) this.expr(i, ctx);
        return;
      case "Paren":
        return this.expr(e.inner, ctx);
      case "Count":
        this.top(e.event, "event");
        this.expr(e.where, { event: e.event?.text });
        return;
      case "Within":
        return this.top(e.event, "event");
      case "On":
        return this.top(e.event, "event");
      case "Path":
        return this.path(e, ctx);
      default:
        return;
    }
  }

  private path(p: A.PathExpr, ctx: Ctx): void {
    const head = p.head;
    if (head.text === "lead") {
      const f = p.segments[0];
      if (f) this.ref(f, `field:${f.text}`, "field");
      return;
    }
    if (ctx.event && this.index.has(`payload:${ctx.event}.${head.text}`)) return this.ref(head, `payload:${ctx.event}.${head.text}`, "payloadField");
    if (this.index.has(`top:${head.text}`)) return this.top(head, "event");
    if (this.index.has(`enum:${head.text}`)) return this.ref(head, `enum:${head.text}`, "enumValue");
    // Unresolved (a country code, a typo): the checker reports it; nothing to navigate to.
  }
}
