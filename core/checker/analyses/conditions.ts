/**
 * Lead conditions as finite, three-valued formulas for the routing analyses.
 * Comparisons of a lead field with constants become atoms over that field;
 * anything else (scores, events, stages, counts) becomes an opaque atom keyed
 * by its source text, so the same test in two rules is the same atom.
 * Candidate values per field are the boundary points of every written
 * constant, so evaluating over them decides implication and coverage exactly
 * for these atoms.
 */
import { leftSpine } from "../../syntax/walk.js";
import { compileGlob } from "../../text/glob.js";
import type * as A from "../../syntax/ast.js";
import { literalValue } from "../../syntax/literal.js";
import type { Binding } from "../../binder/bind.js";
import { EXAMPLE_COUNTRIES, COUNTRY_CODES } from "../countries.js";

export type Val = string | number | boolean;
export type Tri = boolean | undefined;

export type Cond =
  // n-ary: a chain `a and b and …` of any length is one node (no recursion per term).
  | { k: "and" | "or"; items: Cond[] }
  | { k: "not"; a: Cond }
  | { k: "const"; v: Tri }
  | { k: "atom"; field: string; test: (v: Val | undefined) => Tri }
  | { k: "opaque"; key: string };

export type FieldKind = "number" | "country" | "enum" | "text" | "boolean";

export interface FieldInfo {
  kind: FieldKind;
  enumValues?: string[];
  /** Constants written against this field. */
  mentioned: Set<Val>;
}

/** Evaluates a constant expression (number, text, bare value, list, set name, set union/difference). */
const setValues = new WeakMap<Binding, Map<string, { value: Set<Val> | undefined; deps: readonly string[] }>>();

export function constValue(e: A.Expr | undefined, b: Binding, uri: string, seen = new Set<string>()): Val | Set<Val> | undefined {
  if (!e) return undefined;
  const l = literalValue(e);
  if (l !== undefined) return l;
  switch (e.kind) {
    case "Paren":
      return constValue(e.inner, b, uri, seen);
    case "Unary":
      if (e.op === "-") {
        const v = constValue(e.operand, b, uri, seen);
        return typeof v === "number" ? -v : undefined;
      }
      return undefined;
    case "List": {
      const out = new Set<Val>();
      for (const i of e.items) {
        const v = constValue(i, b, uri, seen);
        if (v === undefined) return undefined;
        if (v instanceof Set) for (const x of v) out.add(x);
        else out.add(v);
      }
      return out;
    }
    case "Path": {
      if (e.segments.length || e.head.text === "lead") return undefined;
      const s = b.lookup(uri, "value", e.head.text);
      if (s && (s.kind === "set" || s.kind === "territory")) {
        // Each set's value once per binding: `s2 = s1 + s1`, `s3 = s2 + s2`, … would otherwise take
        // exponential time. The value does not depend on the path that reached it (a set on a circle
        // is undefined from wherever it is entered).
        // The names it read are kept with it: a declaration that reuses the value depends on them too (check.ts).
        let memo = setValues.get(b);
        if (!memo) setValues.set(b, (memo = new Map()));
        const hit = memo.get(s.id);
        if (hit) {
          b.replay(hit.deps);
          return hit.value;
        }
        if (seen.has(s.id)) return undefined;
        seen.add(s.id);
        const { value: out, deps } = b.recordApart(() => {
          const v = constValue((s.node as A.SetDecl).value, b, s.uri, seen);
          return v instanceof Set ? v : undefined;
        });
        seen.delete(s.id);
        memo.set(s.id, { value: out, deps });
        return out;
      }
      if (s || b.lookup(uri, "event", e.head.text)) return undefined;
      return e.head.text;
    }
    case "Binary": {
      if (e.op !== "+" && e.op !== "-") return undefined;
      // `a + b - c …` is left-deep: fold it in a loop, first operand first (core/syntax/walk.ts).
      const spine = leftSpine(e);
      if (spine.some((n) => n.op !== "+" && n.op !== "-")) return undefined;
      let acc = constValue(spine[spine.length - 1]!.left, b, uri, seen);
      let owned = false;
      for (let i = spine.length - 1; i >= 0; i--) {
        const n = spine[i]!;
        const r = constValue(n.right, b, uri, seen);
        if (acc instanceof Set && r instanceof Set) {
          if (!owned) (acc = new Set(acc)), (owned = true);
          if (n.op === "+") for (const x of r) acc.add(x);
          else for (const x of r) acc.delete(x);
        } else if (typeof acc === "number" && typeof r === "number") acc = n.op === "+" ? acc + r : acc - r;
        else return undefined;
      }
      return acc;
    }
    default:
      return undefined;
  }
}

/** The lead field a path names (`country`, `email.domain`), or undefined. */
function leadPath(e: A.Expr | undefined): string | undefined {
  if (e?.kind === "Paren") return leadPath(e.inner);
  if (e?.kind !== "Path" || e.head.text !== "lead" || !e.segments.length) return undefined;
  return e.segments.map((s) => s.text).join(".");
}

const FLIP: Record<string, string> = { "<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!=" };

export class CondCompiler {
  readonly fields = new Map<string, FieldInfo>();
  constructor(
    private readonly b: Binding,
    private readonly uri: string,
    private readonly text: string,
  ) {}

  private field(name: string): FieldInfo | undefined {
    let f = this.fields.get(name);
    if (f) return f;
    const [head, part] = name.split(".");
    const s = this.b.lookup(this.uri, "field", head!);
    if (!s) return undefined;
    const t = (s.node as A.FieldDecl | undefined)?.type;
    let kind: FieldKind | undefined;
    let enumValues: string[] | undefined;
    if (part !== undefined) kind = part === "domain" && t?.kind === "SimpleType" && t.name.text === "email" ? "text" : undefined;
    else if (t?.kind === "EnumType") (kind = "enum"), (enumValues = t.values.map((v) => v.text));
    else if (t?.kind === "SimpleType") {
      const n = t.name.text;
      kind = n === "number" ? "number" : n === "country" ? "country" : n === "boolean" ? "boolean" : n === "text" || n === "email" ? "text" : undefined;
    }
    if (!kind) return undefined;
    f = { kind, mentioned: new Set(), ...(enumValues ? { enumValues } : {}) };
    this.fields.set(name, f);
    return f;
  }

  private opaque(e: A.Node): Cond {
    return { k: "opaque", key: this.text.slice(e.range.start.offset, e.range.end.offset).replace(/\s+/g, " ") };
  }

  compile(e: A.Expr | undefined): Cond {
    if (!e) return { k: "const", v: true };
    switch (e.kind) {
      case "Paren":
        return this.compile(e.inner);
      case "Bool":
        return { k: "const", v: e.value };
      case "Unary":
        return e.op === "not" ? { k: "not", a: this.compile(e.operand) } : this.opaque(e);
      case "Path": {
        // A bare boolean field: `when lead.vip`.
        const name = leadPath(e);
        const f = name && this.field(name);
        if (!name || !f || f.kind !== "boolean") return this.opaque(e);
        return { k: "atom", field: name, test: (v) => (v === undefined ? undefined : v === true) };
      }
      case "Binary":
        if (e.op === "and" || e.op === "or") {
          const spine = leftSpine(e);
          const items = [this.compile(spine[spine.length - 1]!.left)];
          for (let i = spine.length - 1; i >= 0; i--) items.push(this.compile(spine[i]!.right));
          return { k: e.op, items };
        }
        return this.compare(e) ?? this.opaque(e);
      case "Is": {
        const name = leadPath(e.operand);
        const f = name && this.field(name);
        if (!name || !f) return this.opaque(e);
        if (e.test?.text === "missing") return { k: "atom", field: name, test: (v) => v === undefined };
        if (e.test?.text === "present") return { k: "atom", field: name, test: (v) => v !== undefined };
        return this.opaque(e);
      }
      case "Between": {
        const name = leadPath(e.operand);
        const f = name && this.field(name);
        const lo = constValue(e.low, this.b, this.uri);
        const hi = constValue(e.high, this.b, this.uri);
        if (!name || !f || f.kind !== "number" || typeof lo !== "number" || typeof hi !== "number") return this.opaque(e);
        f.mentioned.add(lo).add(hi);
        return { k: "atom", field: name, test: (v) => (v === undefined ? undefined : (v as number) >= lo && (v as number) <= hi) };
      }
      default:
        return this.opaque(e);
    }
  }

  private compare(e: A.BinaryExpr): Cond | undefined {
    let op: string = e.op;
    let name = leadPath(e.left);
    let other = e.right;
    if (!name && (op === "==" || op === "!=" || op in FLIP)) {
      name = leadPath(e.right);
      other = e.left;
      if (name) op = FLIP[op] ?? op;
    }
    if (!name) return undefined;
    const f = this.field(name);
    if (!f) return undefined;
    const c = constValue(other, this.b, this.uri);
    if (c === undefined) return undefined;
    const num = (v: Val | undefined) => (typeof v === "number" ? v : undefined);
    const eq = (v: Val, x: Val) => (f.kind === "text" && typeof v === "string" && typeof x === "string" && name!.startsWith("email") ? v.toLowerCase() === x.toLowerCase() : v === x);
    const mention = (x: Val | Set<Val>) => {
      if (x instanceof Set) for (const v of x) f.mentioned.add(v);
      else f.mentioned.add(x);
    };
    switch (op) {
      case "==":
      case "!=": {
        if (c instanceof Set) return undefined;
        mention(c);
        const neg = op === "!=";
        return { k: "atom", field: name, test: (v) => (v === undefined ? undefined : eq(v, c) !== neg) };
      }
      case "<":
      case "<=":
      case ">":
      case ">=": {
        if (typeof c !== "number" || f.kind !== "number") return undefined;
        mention(c);
        return {
          k: "atom",
          field: name,
          test: (v) => {
            const n = num(v);
            if (n === undefined) return undefined;
            return op === "<" ? n < c : op === "<=" ? n <= c : op === ">" ? n > c : n >= c;
          },
        };
      }
      case "in":
      case "not in": {
        if (!(c instanceof Set)) return undefined;
        mention(c);
        const neg = op === "not in";
        const items = [...c];
        const has = (v: Val): boolean => {
          for (let i = 0; i < items.length; i++) if (eq(v, items[i]!)) return true;
          return false;
        };
        return { k: "atom", field: name, test: (v) => (v === undefined ? undefined : has(v) !== neg) };
      }
      case "starts_with":
      case "ends_with":
      case "contains":
      case "matches": {
        if (typeof c !== "string" || f.kind !== "text") return undefined;
        const sample = op === "matches" ? c.replace(/[*?]/g, "x") : c;
        f.mentioned.add(sample);
        const glob = op === "matches" ? compileGlob(c) : undefined;
        return {
          k: "atom",
          field: name,
          test: (v) => {
            if (typeof v !== "string") return undefined;
            return op === "starts_with" ? v.startsWith(c) : op === "ends_with" ? v.endsWith(c) : op === "contains" ? v.includes(c) : glob!.match(v);
          },
        };
      }
      default:
        return undefined;
    }
  }

  private readonly domains = new Map<string, { mentioned: number; values: readonly Val[] }>();

  /** Candidate values of a field: every region between written constants is represented once (do not change the array). */
  domain(name: string): readonly Val[] {
    const f = this.fields.get(name)!;
    // Asked for every pair of rules of a route: computed again only when more constants were written since.
    const hit = this.domains.get(name);
    if (hit && hit.mentioned === f.mentioned.size) return hit.values;
    const values = this.computeDomain(name, f);
    this.domains.set(name, { mentioned: f.mentioned.size, values });
    return values;
  }

  private computeDomain(name: string, f: FieldInfo): Val[] {
    switch (f.kind) {
      case "boolean":
        return [true, false];
      case "enum":
        return f.enumValues!.slice();
      case "country": {
        const fresh = EXAMPLE_COUNTRIES.find((c) => !f.mentioned.has(c)) ?? [...COUNTRY_CODES].find((c) => !f.mentioned.has(c));
        return [...(fresh ? [fresh] : []), ...[...f.mentioned].filter((v) => typeof v === "string").sort()];
      }
      case "text": {
        const strs = [...f.mentioned].filter((v): v is string => typeof v === "string").sort();
        let fresh = name.endsWith("domain") ? "example.org" : "other";
        while (strs.includes(fresh)) fresh += "_";
        // Texts around each constant, so prefix/suffix/contains tests get witnesses that satisfy one but not another.
        const around = new Set<string>();
        for (const x of strs) for (const v of [`_${x}`, `${x}_`]) if (!strs.includes(v)) around.add(v);
        return [fresh, ...strs, ...around];
      }
      case "number": {
        const ts = [...new Set([...f.mentioned].filter((v): v is number => typeof v === "number"))].sort((a, b) => a - b);
        if (!ts.length) return [0];
        const out: number[] = [ts[0]! - 1];
        ts.forEach((t, i) => {
          out.push(t);
          const next = ts[i + 1];
          if (next === undefined) out.push(t + 1);
          else if (next - t > 1) out.push(t + 1);
          else out.push((t + next) / 2);
        });
        return out;
      }
    }
  }
}

export function evaluate(c: Cond, lead: Map<string, Val | undefined>, opaque: Map<string, Tri>): Tri {
  switch (c.k) {
    case "const":
      return c.v;
    case "atom":
      return c.test(lead.get(c.field));
    case "opaque":
      return opaque.get(c.key);
    case "not": {
      const v = evaluate(c.a, lead, opaque);
      return v === undefined ? undefined : !v;
    }
    case "and": {
      // Kleene: false if any is false, true if all are true, else unknown.
      let unknown = false;
      for (const x of c.items) {
        const v = evaluate(x, lead, opaque);
        if (v === false) return false;
        if (v !== true) unknown = true;
      }
      return unknown ? undefined : true;
    }
    case "or": {
      let unknown = false;
      for (const x of c.items) {
        const v = evaluate(x, lead, opaque);
        if (v === true) return true;
        if (v !== false) unknown = true;
      }
      return unknown ? undefined : false;
    }
  }
}

export function fieldsOf(c: Cond, out = new Set<string>(), opaque = new Set<string>()): { fields: Set<string>; opaque: Set<string> } {
  switch (c.k) {
    case "atom":
      out.add(c.field);
      break;
    case "opaque":
      opaque.add(c.key);
      break;
    case "not":
      fieldsOf(c.a, out, opaque);
      break;
    case "and":
    case "or":
      for (const x of c.items) fieldsOf(x, out, opaque);
      break;
    case "const":
      break;
  }
  return { fields: out, opaque };
}

/**
 * Enumerates every combination of the given domains (in order, first
 * domain varying slowest) until `visit` returns false or `budget` runs out.
 * Returns false when the budget was exhausted.
 */
export function enumerate<K>(keys: K[], domains: readonly (readonly unknown[])[], budget: number, visit: (values: unknown[]) => boolean): boolean {
  let total = 1;
  for (const d of domains) {
    total *= Math.max(1, d.length);
    if (total > budget) return false;
  }
  const idx = new Array<number>(keys.length).fill(0);
  const values = domains.map((d) => d[0]);
  for (;;) {
    if (!visit(values)) return true;
    let i = keys.length - 1;
    while (i >= 0) {
      idx[i]!++;
      if (idx[i]! < domains[i]!.length) {
        values[i] = domains[i]![idx[i]!];
        break;
      }
      idx[i] = 0;
      values[i] = domains[i]![0];
      i--;
    }
    if (i < 0) return true;
  }
}
