/**
 * Name resolution and types: every name use is resolved (recording a
 * reference), every expression typed against the schema, journeys checked
 * against the schema. Analyses run afterwards (core/checker/analyses/).
 */
import type * as A from "../syntax/ast.js";
import type { CrmSymbol, Reference, SymbolKind } from "../workspace.js";
import type { Diagnostic, Fix } from "../diagnostics/diagnostic.js";
import { makeDiagnostic, type DiagExtras, type DiagnosticCode } from "../diagnostics/catalogue.js";
import type { Range } from "../text/positions.js";
import { KIND_WORDS, type Binding, type Group } from "../binder/bind.js";
import { article } from "../text/words.js";
import { suggest } from "../text/didYouMean.js";
import { isCountryCode } from "./countries.js";
import { mayBeUnused } from "./unused.js";
import { fixedComparison } from "./fixedConditions.js";
import { compatible, describe, isOrdered, T, type Ty } from "./types.js";
import { chainFamily } from "../syntax/walk.js";

/** A text literal, possibly in parentheses (the only pattern `matches` accepts). */
function isTextLiteral(e: A.Expr | undefined): boolean {
  return e?.kind === "String" || (e?.kind === "Paren" && isTextLiteral(e.inner));
}

const SIMPLE_TYPES = ["text", "number", "boolean", "date", "email", "country"];

/** What a bare name may mean in an expression. */
interface Ctx {
  uri: string;
  /** Inside `where`: the event whose payload fields are in scope. */
  payload?: CrmSymbol;
}

/**
 * Checks one file (the unit) against the declarations it sees. Everything it
 * reports and every reference it records belongs to the unit: typing a set
 * declared in an imported file (to know the type of a use) reports nothing
 * there; that file's own check does. So a file's result depends on its own
 * text and the texts of the files it sees, and nothing else: the basis of
 * incremental checking (check.ts).
 */
export class Checker {
  /** What the current declaration's check reported (emptied by `startDecl`). */
  readonly diagnostics: Diagnostic[] = [];
  /** Resolved name uses in the current declaration, in the order met. */
  readonly refs: Reference[] = [];
  /** Ids of the symbols the current declaration refers to whose kind is reported when unused (`mayBeUnused`). */
  readonly used = new Set<string>();
  /**
   * The top-level declaration being checked (check.ts checks a file one
   * declaration at a time, `startDecl`). What the checker reports and records
   * belongs to it: a set declared elsewhere is typed *muted* (its own
   * declaration's check reports on it), so one declaration's result depends on
   * its own text and the names it looks up, whatever order declarations are
   * checked in.
   */
  private decl: A.Decl | undefined;
  private muted = 0;
  /** Set types met while checking the current declaration; `clean` when no circle of sets was involved. */
  private readonly localSetTypes = new Map<string, { ty: Ty; clean: boolean }>();
  /** Set types computed without meeting a circle of sets (the same from wherever they are asked), with the names they read; shared by the unit's declarations. */
  private readonly cleanSetTypes = new Map<string, { ty: Ty; deps: readonly string[] }>();
  private readonly inProgress = new Set<string>();
  /** Counts the times a set's type was asked for inside its own computation (or taken from one that did). */
  private circles = 0;

  constructor(
    readonly b: Binding,
    readonly unit: string,
  ) {}

  /** Starts the check of one top-level declaration of the unit. */
  startDecl(d: A.Decl): void {
    this.decl = d;
    this.localSetTypes.clear();
    this.diagnostics.length = 0;
    this.refs.length = 0;
    this.used.clear();
  }

  report(code: DiagnosticCode, uri: string, range: Range, message: string, extras?: DiagExtras): void {
    if (uri !== this.unit || this.muted > 0) return;
    this.diagnostics.push(makeDiagnostic(code, uri, range, message, extras));
  }

  addRef(uri: string, range: Range, sym: CrmSymbol): void {
    if (uri !== this.unit || this.muted > 0) return;
    this.refs.push({ uri, range, symbolId: sym.id });
    if (mayBeUnused(sym.kind)) this.used.add(sym.id);
  }

  // ---------------------------------------------------------------- names

  /** A did-you-mean fix list (closest first, preferred). */
  fixesFor(uri: string, range: Range, name: string, candidates: Iterable<string>): { hint: string; fixes: Fix[] } {
    const best = suggest(name, candidates);
    if (!best.length) return { hint: "", fixes: [] };
    return {
      hint: `; did you mean \`${best[0]}\`?`,
      fixes: best.map((c, i) => ({ title: `change to \`${c}\``, edits: [{ uri, range, newText: c }], ...(i === 0 ? { preferred: true } : {}) })),
    };
  }

  /** Resolves a name of a group, checks its kind, records the reference. */
  resolve(uri: string, name: A.Name | undefined, group: Group, kinds: SymbolKind[], what: string): CrmSymbol | undefined {
    if (!name) return undefined;
    const s = this.b.lookup(uri, group, name.text);
    if (!s) {
      const { hint, fixes } = this.fixesFor(uri, name.range, name.text, this.b.namesVisible(uri, group, kinds));
      this.report("CR2001", uri, name.range, `no ${what} named \`${name.text}\`${hint}`, { fixes });
      return undefined;
    }
    this.addRef(uri, name.range, s);
    if (!kinds.includes(s.kind)) {
      this.report("CR2008", uri, name.range, `\`${name.text}\` is ${article(KIND_WORDS[s.kind])}, not ${article(what)}`);
      return undefined;
    }
    return s;
  }

  leadField(uri: string, name: A.Name): CrmSymbol | undefined {
    const s = this.b.lookup(uri, "field", name.text);
    if (!s) {
      const { hint, fixes } = this.fixesFor(uri, name.range, name.text, this.b.namesVisible(uri, "field"));
      this.report("CR3001", uri, name.range, `the lead has no field \`${name.text}\`${hint}`, { fixes });
      return undefined;
    }
    this.addRef(uri, name.range, s);
    return s;
  }

  payloadField(uri: string, ev: CrmSymbol, name: A.Name): CrmSymbol | undefined {
    const s = this.b.member(ev, name.text);
    if (!s) {
      const { hint, fixes } = this.fixesFor(uri, name.range, name.text, this.b.members.get(ev.id)?.keys() ?? []);
      this.report("CR3001", uri, name.range, `the event \`${ev.name}\` has no field \`${name.text}\`${hint}`, { fixes });
      return undefined;
    }
    this.addRef(uri, name.range, s);
    return s;
  }

  // ---------------------------------------------------------------- types of declarations

  typeOfRef(t: A.TypeRef | undefined, owner?: CrmSymbol): Ty {
    if (!t) return T.unknown;
    switch (t.kind) {
      case "SimpleType":
        return SIMPLE_TYPES.includes(t.name.text) ? ({ k: t.name.text } as Ty) : T.unknown;
      case "EnumType":
        return { k: "enum", values: t.values.map((v) => v.text), ...(owner ? { owner } : {}) };
      case "ListType":
        return { k: "list", el: this.typeOfRef(t.element, owner) };
    }
  }

  /** Reports unknown type names in a schema field. */
  checkTypeRef(uri: string, t: A.TypeRef | undefined): void {
    if (!t) return;
    if (t.kind === "SimpleType" && !SIMPLE_TYPES.includes(t.name.text)) {
      const { hint, fixes } = this.fixesFor(uri, t.name.range, t.name.text, [...SIMPLE_TYPES, "enum", "list"]);
      this.report("CR3006", uri, t.name.range, `\`${t.name.text}\` is not a type${hint || "; use text, number, boolean, date, email, country, enum(…) or list(…)"}`, { fixes });
    }
    if (t.kind === "ListType") this.checkTypeRef(uri, t.element);
  }

  typeOfSymbol(s: CrmSymbol): Ty {
    switch (s.kind) {
      case "field":
      case "payloadField":
      case "param": {
        if (s.builtin) {
          const bt = this.b.builtinFieldTypes.get(s.container ?? "")?.get(s.name);
          if (bt === undefined) return T.unknown;
          if (typeof bt === "string") return bt === "purpose" ? T.purpose : T.text;
          return { k: "enum", values: bt.enum, owner: s };
        }
        return this.typeOfRef((s.node as A.FieldDecl).type, s);
      }
      case "score":
        return { k: "number", score: s };
      case "grade": {
        const g = s.node as A.GradeDecl;
        return { k: "grade", sym: s, letters: g.entries.flatMap((e) => (e.letter ? [e.letter.text] : [])) };
      }
      case "set":
      case "territory":
        return this.setType(s);
      case "event":
        return T.boolean;
      default:
        return T.unknown;
    }
  }

  setType(s: CrmSymbol): Ty {
    // The set of the declaration being checked is typed here, reporting; any other set muted, or taken from the unit's clean ones.
    const own = this.decl !== undefined && s.node === this.decl;
    const clean = own ? undefined : this.cleanSetTypes.get(s.id);
    if (clean) {
      const r = this.b.recorder;
      if (r) for (const k of clean.deps) r.add(k);
      return clean.ty;
    }
    const local = this.localSetTypes.get(s.id);
    if (local) {
      if (!local.clean) this.circles++;
      return local.ty;
    }
    if (this.inProgress.has(s.id)) {
      this.circles++;
      return { k: "set", el: s.kind === "territory" ? T.country : T.unknown };
    }
    const outer = this.b.recorder;
    const deps = new Set<string>();
    const circlesBefore = this.circles;
    this.b.recorder = deps;
    if (!own) this.muted++;
    let ty: Ty;
    try {
      ty = this.computeSetType(s);
    } finally {
      if (!own) this.muted--;
      this.b.recorder = outer;
    }
    if (outer) for (const k of deps) outer.add(k);
    const isClean = this.circles === circlesBefore;
    this.localSetTypes.set(s.id, { ty, clean: isClean });
    if (isClean) this.cleanSetTypes.set(s.id, { ty, deps: [...deps] });
    return ty;
  }

  private computeSetType(s: CrmSymbol): Ty {
    this.inProgress.add(s.id);
    const d = s.node as A.SetDecl;
    // `set senior = [executive, director]`: bare words that name nothing are enum values, checked where the set is used.
    if (d.keyword === "set" && d.value?.kind === "List" && d.value.items.length && d.value.items.every((i) => i.kind === "Path" && !i.segments.length && i.head.text !== "lead" && !this.b.lookup(s.uri, "value", i.head.text) && !this.b.lookup(s.uri, "event", i.head.text))) {
      const names = d.value.items.map((i) => (i as A.PathExpr).head.text);
      if (!names.every((n) => /^[A-Z]{2}$/.test(n) && isCountryCode(n))) {
        this.inProgress.delete(s.id);
        return { k: "set", el: { k: "enum", values: names } };
      }
    }
    const expected: Ty | undefined = d.keyword === "territory" ? { k: "set", el: T.country } : undefined;
    let t = d.value ? this.infer(d.value, { uri: s.uri }, expected) : T.unknown;
    if (t.k === "list") t = { k: "set", el: t.el };
    if (t.k !== "set" && t.k !== "unknown" && d.value) {
      this.report("CR3002", s.uri, d.value.range, `a ${d.keyword} is a list of values in square brackets, not ${describe(t)}`);
      t = T.unknown;
    }
    if (d.keyword === "territory" && t.k === "set" && t.el.k !== "country" && t.el.k !== "unknown" && d.value)
      this.report("CR3002", s.uri, d.value.range, `a territory lists countries, not ${describe(t.el)}`);
    this.inProgress.delete(s.id);
    return t.k === "set" ? t : { k: "set", el: d.keyword === "territory" ? T.country : T.unknown };
  }

  // ---------------------------------------------------------------- expressions

  condition(e: A.Expr | undefined, ctx: Ctx): void {
    if (!e) return;
    const t = this.infer(e, ctx, T.boolean);
    if (t.k !== "boolean" && t.k !== "unknown")
      this.report("CR3005", ctx.uri, e.range, `this is ${describe(t)}, but a condition must be true or false (compare it, as in \`x >= 10\`)`);
  }

  /** A name with no dots that is neither a lead field path nor resolvable on its own: its meaning comes from the other side. */
  private isBare(e: A.Expr | undefined, ctx: Ctx): boolean {
    if (!e) return false;
    if (e.kind === "Paren") return this.isBare(e.inner, ctx);
    if (e.kind === "List") return e.items.length > 0 && e.items.every((i) => this.isBare(i, ctx));
    if (e.kind !== "Path" || e.segments.length || e.head.text === "lead") return false;
    const n = e.head.text;
    if (ctx.payload && this.b.member(ctx.payload, n)) return false;
    if (this.b.lookup(ctx.uri, "value", n) || this.b.lookup(ctx.uri, "event", n)) return false;
    return true;
  }

  infer(e: A.Expr, ctx: Ctx, expected?: Ty): Ty {
    switch (e.kind) {
      case "Number":
        return T.number;
      case "String":
        return T.text;
      case "Bool":
        return T.boolean;
      case "Date":
        return T.date;
      case "Paren":
        return e.inner ? this.infer(e.inner, ctx, expected) : T.unknown;
      case "StageRef":
        return T.stage;
      case "List": {
        const el = expected?.k === "set" || expected?.k === "list" ? expected.el : undefined;
        let first: Ty | undefined = el && el.k !== "unknown" ? el : undefined;
        const fromContext = !!first;
        for (const item of e.items) {
          const before = this.diagnostics.length;
          // An element type that is unknown (the left of `in` already failed) is passed on, so bare items are not reported again.
          const t = this.infer(item, ctx, first ?? (el?.k === "unknown" ? el : undefined));
          if (!first || first.k === "unknown") first = t;
          else if (this.diagnostics.length === before && !compatible(first, t))
            this.report("CR3002", ctx.uri, item.range, fromContext ? `expected ${describe(first)} here, found ${describe(t)}` : `this list mixes ${describe(first)} with ${describe(t)}`);
        }
        return { k: "set", el: first ?? T.unknown };
      }
      case "Path":
        return this.path(e, ctx, expected);
      case "Count": {
        const ev = this.resolve(ctx.uri, e.event, "event", ["event"], "event");
        if (e.where) this.condition(e.where, ev ? { uri: ctx.uri, payload: ev } : ctx);
        return T.number;
      }
      case "Within":
        this.resolve(ctx.uri, e.event, "event", ["event"], "event");
        return T.boolean;
      case "On":
        this.resolve(ctx.uri, e.event, "event", ["event"], "event");
        return T.boolean;
      case "Unary": {
        if (!e.operand) return e.op === "not" ? T.boolean : T.number;
        if (e.op === "not") {
          this.condition(e.operand, ctx);
          return T.boolean;
        }
        const t = this.infer(e.operand, ctx);
        if (t.k !== "number" && t.k !== "unknown") this.report("CR3002", ctx.uri, e.operand.range, `\`-\` needs a number, not ${describe(t)}`);
        return T.number;
      }
      case "Is": {
        const t = e.operand ? this.infer(e.operand, ctx) : T.unknown;
        const test = e.test?.text;
        if (e.test && test !== "missing" && test !== "present" && test !== "unscored") {
          const { hint, fixes } = this.fixesFor(ctx.uri, e.test.range, e.test.text, ["missing", "present", "unscored"]);
          this.report("CR3010", ctx.uri, e.test.range, `\`is ${e.test.text}\` is not a test; use \`is missing\`, \`is present\` or \`is unscored\`${hint}`, { fixes });
        } else if (test === "unscored" && e.operand && t.k !== "unknown" && !(t.k === "number" && t.score) && t.k !== "grade")
          this.report("CR3002", ctx.uri, e.operand.range, `only scores and grades can be unscored; this is ${describe(t)}`);
        return T.boolean;
      }
      case "Between": {
        const t = e.operand ? this.infer(e.operand, ctx) : T.unknown;
        if (e.operand && !isOrdered(t)) this.report("CR3002", ctx.uri, e.operand.range, `\`between\` compares numbers or dates, not ${describe(t)}`);
        for (const side of [e.low, e.high]) {
          if (!side) continue;
          const st = this.infer(side, ctx, t);
          if (!compatible(t, st)) this.report("CR3002", ctx.uri, side.range, `expected ${describe(t)} here, found ${describe(st)}`);
        }
        return T.boolean;
      }
      case "Binary":
        return this.binary(e, ctx, expected);
    }
  }

  private binary(e: A.BinaryExpr, ctx: Ctx, expected?: Ty): Ty {
    const { op } = e;
    if (op === "and" || op === "or") {
      // Every operand of a run of `and`/`or` is a condition; an explicit stack (left first), since
      // the parser builds `a and b and …` left-deep, as deep as it is long.
      const stack: (A.Expr | undefined)[] = [e.right, e.left];
      while (stack.length) {
        const x = stack.pop();
        if (x?.kind === "Binary" && (x.op === "and" || x.op === "or")) stack.push(x.right, x.left);
        else this.condition(x, ctx);
      }
      return T.boolean;
    }
    if (chainFamily(op) === "arith" && e.right && e.left?.kind === "Binary" && chainFamily(e.left.op) === "arith") {
      // `a + b - c …`: the innermost node first, each outer one given its left side's type (no recursion per term).
      const spine: A.BinaryExpr[] = [];
      const exps: (Ty | undefined)[] = [];
      let cur: A.BinaryExpr = e;
      let exp = expected;
      while (cur.right && cur.left?.kind === "Binary" && chainFamily(cur.left.op) === "arith") {
        spine.push(cur);
        exps.push(exp);
        // What a node passes to its left side (see `binaryWith`).
        exp = cur.op === "+" || cur.op === "-" ? exp : undefined;
        cur = cur.left;
      }
      let t = this.binaryWith(cur, ctx, exp);
      for (let i = spine.length - 1; i >= 0; i--) t = this.binaryWith(spine[i]!, ctx, exps[i], t);
      return t;
    }
    return this.binaryWith(e, ctx, expected);
  }

  /** One operator; `known` is the type of its left side when the caller has inferred it already. */
  private binaryWith(e: A.BinaryExpr, ctx: Ctx, expected?: Ty, known?: Ty): Ty {
    const { op } = e;
    if (!e.left || !e.right) {
      if (e.left) this.infer(e.left, ctx);
      if (e.right) this.infer(e.right, ctx);
      return op === "+" || op === "-" || op === "*" || op === "/" ? T.unknown : T.boolean;
    }
    // Infer the side that does not depend on the other first, so bare enum values and countries resolve.
    let lt: Ty, rt: Ty;
    const setLike = op === "in" || op === "not in";
    if (known) {
      lt = known;
      rt = this.infer(e.right, ctx, op === "+" || op === "-" ? (lt.k === "set" ? lt : expected) : lt);
    } else if (this.isBare(e.left, ctx) && !this.isBare(e.right, ctx)) {
      rt = this.infer(e.right, ctx, op === "+" || op === "-" ? expected : undefined);
      lt = this.infer(e.left, ctx, setLike ? (rt.k === "set" || rt.k === "list" ? rt.el : undefined) : op === "contains" ? undefined : rt);
    } else {
      lt = this.infer(e.left, ctx, op === "+" || op === "-" ? expected : undefined);
      const exp: Ty | undefined = setLike ? { k: "set", el: lt.k === "list" ? lt.el : lt } : op === "contains" && lt.k === "list" ? lt.el : op === "+" || op === "-" ? (lt.k === "set" ? lt : expected) : lt;
      rt = this.infer(e.right, ctx, exp);
    }
    const u = ctx.uri;
    const fixed = fixedComparison(e);
    if (fixed)
      this.report("CR3030", u, e.range, `\`${fixed.text}\` compares two fixed values, so it is always ${fixed.value}; compare a field with a value instead (\`lead.country == NO\`; in a \`where\`, a payload field is written without quotes)`);
    switch (op) {
      case "==":
      case "!=":
        if (!compatible(lt, rt)) this.report("CR3002", u, e.right.range, `\`${op}\` compares ${describe(lt)} with ${describe(rt)}; both sides must be the same kind of value`);
        return T.boolean;
      case "<":
      case "<=":
      case ">":
      case ">=":
        if (!isOrdered(lt)) this.report("CR3002", u, e.left.range, `\`${op}\` compares numbers, dates, grades or stages, not ${describe(lt)}${lt.k === "text" ? " (text is compared letter by letter, so \"9\" > \"80000\")" : ""}`);
        else if (!compatible(lt, rt)) this.report("CR3002", u, e.right.range, `\`${op}\` compares ${describe(lt)} with ${describe(rt)}; both sides must be the same kind of value`);
        return T.boolean;
      case "in":
      case "not in":
        if (rt.k !== "set" && rt.k !== "list" && rt.k !== "unknown") this.report("CR3002", u, e.right.range, `\`${op}\` needs a list, set or territory on the right, not ${describe(rt)}`);
        else if ((rt.k === "set" || rt.k === "list") && !compatible(lt, rt.el)) this.report("CR3002", u, e.right.range, `\`${op}\` looks for ${describe(lt)} in ${describe(rt)}`);
        else if (rt.k === "set" && rt.el.k === "enum" && !rt.el.owner && lt.k === "enum") {
          const stray = rt.el.values.filter((v) => !lt.values.includes(v));
          if (stray.length)
            this.report("CR3003", u, e.right.range, `this set lists ${stray.map((v) => `\`${v}\``).join(", ")}, which ${stray.length > 1 ? "are not values" : "is not a value"} of ${lt.owner ? `\`${lt.owner.name}\`` : "this field"} (${describe(lt)})`);
        }
        return T.boolean;
      case "starts_with":
      case "ends_with":
      case "matches":
      case "contains": {
        if (op === "contains" && lt.k === "list") {
          if (!compatible(lt.el, rt)) this.report("CR3002", u, e.right.range, `this list holds ${describe(lt.el)}, not ${describe(rt)}`);
          return T.boolean;
        }
        if (lt.k !== "text" && lt.k !== "email" && lt.k !== "unknown") this.report("CR3002", u, e.left.range, `\`${op}\` works on text, not ${describe(lt)}`);
        if (rt.k !== "text" && rt.k !== "email" && rt.k !== "unknown") this.report("CR3002", u, e.right.range, `\`${op}\` needs text on the right, not ${describe(rt)}`);
        else if (op === "matches" && !isTextLiteral(e.right))
          this.report("CR3015", u, e.right.range, "`matches` needs a pattern written in double quotes, such as `\"*@acme.example\"` (`*` any run of characters, `?` one character); it cannot take a field, a set or a calculation");
        return T.boolean;
      }
      case "+":
      case "-":
        if (lt.k === "set" || rt.k === "set") {
          if (lt.k !== "set" && lt.k !== "unknown") this.report("CR3002", u, e.left.range, `\`${op}\` on sets needs a set on both sides, not ${describe(lt)}`);
          else if (rt.k !== "set" && rt.k !== "unknown") this.report("CR3002", u, e.right.range, `\`${op}\` on sets needs a set on both sides, not ${describe(rt)}`);
          else if (lt.k === "set" && rt.k === "set" && !compatible(lt.el, rt.el)) this.report("CR3002", u, e.right.range, `cannot combine ${describe(lt)} with ${describe(rt)}`);
          return lt.k === "set" ? lt : rt;
        }
      // falls through
      case "*":
      case "/":
        for (const [side, t] of [[e.left, lt], [e.right, rt]] as const)
          if (t.k !== "number" && t.k !== "unknown") this.report("CR3002", u, side.range, `\`${op}\` needs numbers, not ${describe(t)}`);
        return T.number;
    }
    return T.unknown;
  }

  private path(e: A.PathExpr, ctx: Ctx, expected?: Ty): Ty {
    const u = ctx.uri;
    const head = e.head;
    if (head.text === "lead") {
      const seg = e.segments[0];
      if (!seg) {
        this.report("CR3001", u, head.range, "`lead` alone is not a value; name a field, as in `lead.country`");
        return T.unknown;
      }
      const f = this.leadField(u, seg);
      return f ? this.sub(this.typeOfSymbol(f), e.segments.slice(1), u) : T.unknown;
    }
    if (ctx.payload) {
      const pf = this.b.member(ctx.payload, head.text);
      if (pf) {
        this.addRef(u, head.range, pf);
        return this.sub(this.typeOfSymbol(pf), e.segments, u);
      }
    }
    if (e.segments.length === 0 && expected) {
      const v = this.valueOf(head, expected, u);
      if (v) return v;
    }
    const s = this.b.lookup(u, "value", head.text) ?? this.b.lookup(u, "event", head.text);
    if (s) {
      this.addRef(u, head.range, s);
      if (e.segments[0]) {
        this.report("CR3001", u, e.segments[0].range, `${article(KIND_WORDS[s.kind])} has no parts; remove \`.${e.segments[0].text}\``);
        return T.unknown;
      }
      return this.typeOfSymbol(s);
    }
    if (e.segments.length === 0 && !expected && /^[A-Z]{2}$/.test(head.text)) {
      if (isCountryCode(head.text)) return T.country;
    }
    // Unknown: explain against what was expected.
    const exp = expected && (expected.k === "set" || expected.k === "list") ? expected.el : expected;
    if (exp?.k === "enum") {
      const { hint, fixes } = this.fixesFor(u, head.range, head.text, exp.values);
      this.report("CR3003", u, head.range, `\`${head.text}\` is not a value of ${exp.owner ? `\`${exp.owner.name}\`` : "this field"} (${describe(exp)})${hint}`, { fixes });
      return T.unknown;
    }
    if (exp?.k === "country") {
      const upper = head.text.toUpperCase();
      const { hint, fixes } =
        upper !== head.text && isCountryCode(upper)
          ? { hint: `; did you mean \`${upper}\`?`, fixes: [{ title: `change to \`${upper}\``, edits: [{ uri: u, range: head.range, newText: upper }], preferred: true }] }
          : this.fixesFor(u, head.range, head.text, this.b.namesVisible(u, "value", ["territory", "set"]));
      this.report("CR3004", u, head.range, `\`${head.text}\` is not a country code (use two capital letters, as in \`NO\` or \`DE\`)${hint}`, { fixes });
      return T.unknown;
    }
    if (exp?.k === "grade") {
      const { hint, fixes } = this.fixesFor(u, head.range, head.text, exp.letters);
      this.report("CR3009", u, head.range, `\`${head.text}\` is not a letter of \`${exp.sym.name}\` (${exp.letters.join(", ")})${hint}`, { fixes });
      return T.unknown;
    }
    if (exp?.k === "stage") {
      this.resolve(u, head, "stage", ["stage"], "stage");
      return T.stage;
    }
    if (exp?.k === "purpose") {
      this.resolve(u, head, "consent", ["consent"], "consent purpose");
      return T.purpose;
    }
    if (e.segments.length === 0 && (exp?.k === "text" || exp?.k === "email")) {
      const quoted = JSON.stringify(head.text);
      const quote = { title: `write \`${quoted}\``, edits: [{ uri: u, range: head.range, newText: quoted }] };
      // `where pth starts_with "/pricing"`: a bare word close to a payload field is most likely that field
      // misspelt; quoting it would leave a comparison of two fixed texts (a rule that never fires).
      const near = ctx.payload ? this.fixesFor(u, head.range, head.text, this.b.members.get(ctx.payload.id)?.keys() ?? []) : undefined;
      if (ctx.payload && near?.fixes.length) {
        this.report("CR3001", u, head.range, `the event \`${ctx.payload.name}\` has no field \`${head.text}\`${near.hint} (a text value is written in double quotes: \`${quoted}\`)`, {
          fixes: [...near.fixes, quote],
        });
        return T.unknown;
      }
      const fields = ctx.payload ? [...(this.b.members.get(ctx.payload.id)?.keys() ?? [])] : [];
      const orField = ctx.payload ? ` or name a field of \`${ctx.payload.name}\`${fields.length ? ` (${fields.map((f) => `\`${f}\``).join(", ")})` : " (it has none)"}` : "";
      this.report("CR3002", u, head.range, `\`${head.text}\` is a bare word, but text is expected here; write it in double quotes: \`${quoted}\`${orField}`, {
        fixes: [{ ...quote, preferred: true }],
      });
      return T.unknown;
    }
    // The other side of a comparison already failed (`lead.rol == ceo`: the unknown field was reported):
    // what this name means cannot be known, so it is not reported a second time.
    if (e.segments.length === 0 && exp?.k === "unknown") return T.unknown;
    const cands = [...this.b.namesVisible(u, "value"), ...this.b.namesVisible(u, "event"), ...(ctx.payload ? [...(this.b.members.get(ctx.payload.id)?.keys() ?? [])] : [])];
    const { hint, fixes } = this.fixesFor(u, head.range, head.text, cands);
    const what = ctx.payload ? `field of \`${ctx.payload.name}\`, score, grade, set or event` : "score, grade, set or event";
    this.report("CR2001", u, head.range, `no ${what} named \`${head.text}\`${hint}`, { fixes });
    return T.unknown;
  }

  /** `.domain` on an email; nothing else has parts. */
  private sub(t: Ty, segs: A.Name[], uri: string): Ty {
    if (!segs.length) return t;
    const s = segs[0]!;
    if (t.k === "email" && s.text === "domain" && segs.length === 1) return T.text;
    const { hint, fixes } = t.k === "email" ? this.fixesFor(uri, s.range, s.text, ["domain"]) : { hint: "", fixes: [] };
    this.report("CR3001", uri, s.range, t.k === "email" ? `an email address has only the part \`.domain\`, not \`.${s.text}\`${hint}` : `${describe(t)} has no part \`.${s.text}\``, { fixes });
    return T.unknown;
  }

  /** A bare name read as a value of the expected type (enum value, country, grade letter, stage, purpose). */
  private valueOf(name: A.Name, expected: Ty, uri: string): Ty | undefined {
    const exp = expected.k === "set" || expected.k === "list" ? expected.el : expected;
    switch (exp.k) {
      case "enum":
        if (exp.values.includes(name.text)) {
          const m = exp.owner && this.b.member(exp.owner, name.text);
          if (m) this.addRef(uri, name.range, m);
          return exp;
        }
        return undefined;
      case "country":
        return isCountryCode(name.text) ? T.country : undefined;
      case "grade":
        if (exp.letters.includes(name.text)) {
          const m = this.b.member(exp.sym, name.text);
          if (m) this.addRef(uri, name.range, m);
          return exp;
        }
        return undefined;
      case "stage": {
        const s = this.b.lookup(uri, "stage", name.text);
        if (s) {
          this.addRef(uri, name.range, s);
          return T.stage;
        }
        return undefined;
      }
      case "purpose": {
        const s = this.b.lookup(uri, "consent", name.text);
        if (s) {
          this.addRef(uri, name.range, s);
          return T.purpose;
        }
        return undefined;
      }
      default:
        return undefined;
    }
  }

  // ---------------------------------------------------------------- records (journeys)

  /** Checks a value written for a field of type `t` (journey lead, payload, update, action argument). */
  value(e: A.Expr, t: Ty, uri: string, field: string, code: DiagnosticCode = "CR3007"): void {
    if (t.k === "purpose" && e.kind === "String") {
      const s = this.b.lookup(uri, "consent", e.value);
      if (!s) {
        const { hint } = this.fixesFor(uri, e.range, e.value, this.b.namesVisible(uri, "consent"));
        this.report("CR2001", uri, e.range, `no consent purpose named \`${e.value}\`${hint}`);
      } else this.addRef(uri, e.range, s);
      return;
    }
    const before = this.diagnostics.length;
    const vt = this.infer(e, { uri }, t);
    if (this.diagnostics.length > before) return;
    const ok = t.k === "list" ? vt.k === "set" && compatible(t.el, vt.el) : compatible(t, vt);
    if (!ok) this.report(code, uri, e.range, `\`${field}\` holds ${describe(t)}, not ${describe(vt)}`);
  }
}
