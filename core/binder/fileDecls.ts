/**
 * What one file declares (`fileDecls`): a symbol for every declaration and
 * member, with its `///` doc comment and the detail the editor shows; repeated
 * members (CR2002) and built-in events declared again (CR2006); the file's
 * imports resolved against its path. It depends on that file alone, so it is
 * computed once per parse result and reused by every later binding while the
 * file is unchanged.
 */
import type { ParseResult } from "../syntax/parse.js";
import type * as A from "../syntax/ast.js";
import type { CrmSymbol, SymbolKind } from "../workspace.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { makeDiagnostic } from "../diagnostics/catalogue.js";
import type { Range } from "../text/positions.js";
import { resolveImport } from "./paths.js";
import { BUILTIN_EVENT_NAMES } from "../vocabulary.js";
import { maxScoreOf } from "./scoreMaximum.js";
import { removeFix } from "./removeFix.js";

/** What one file declares: computed from its parse result alone, so it is shared by every binding while the file is unchanged. */
export interface FileDecls {
  readonly uri: string;
  /** Top-level declarations in source order (they go into the name groups). */
  readonly top: readonly CrmSymbol[];
  /** Every symbol of the file, top-level and members, by id. */
  readonly byId: ReadonlyMap<string, CrmSymbol>;
  /** Members by container symbol id → member name → first member of that name. */
  readonly members: ReadonlyMap<string, Map<string, CrmSymbol>>;
  /** Members that repeat a name within their container (reported here, never again as unused). */
  readonly duplicateIds: readonly string[];
  /** Built-in events declared again (CR2006) and repeated members (CR2002). */
  readonly diagnostics: readonly Diagnostic[];
  /** The file's imports, resolved against its own path (whether the target exists is the binding's business). */
  readonly imports: readonly { node: A.ImportDecl; spec: string; target: string; climbs: boolean }[];
}

export function typeText(t: A.TypeRef | undefined): string {
  if (!t) return "?";
  switch (t.kind) {
    case "SimpleType":
      return t.name.text;
    case "EnumType":
      return `enum(${t.values.map((v) => v.text).join(", ")})`;
    case "ListType":
      return `list(${typeText(t.element)})`;
  }
}

/** `///` comments alone on their line, by line number. */
function docLines(pr: ParseResult): Map<number, string> {
  const m = new Map<number, string>();
  for (const c of pr.comments) {
    if (!c.image.startsWith("///")) continue;
    const line = (c.startLine ?? 1) - 1;
    if (!pr.lines.lineText(line).trimStart().startsWith("///")) continue;
    m.set(line, c.image.slice(3).replace(/^ /, ""));
  }
  return m;
}

const declsCache = new WeakMap<ParseResult, FileDecls>();

/** What a file declares (cached per parse result: pure in the file's text and uri). */
export function fileDecls(pr: ParseResult, uri: string): FileDecls {
  const hit = declsCache.get(pr);
  if (hit && hit.uri === uri) return hit;
  const d = collect(pr, uri);
  declsCache.set(pr, d);
  return d;
}

/**
 * The symbols one top-level declaration gives, kept with its node: the
 * editor's incremental reparse (core/syntax/incremental.ts) keeps an untouched
 * declaration as the same node, moved in place, so the next `collect` takes its
 * symbols over (ids and doc comments brought up to date) instead of building
 * them again. A declaration with diagnostics of its own is always built again.
 */
interface DeclSymbols {
  readonly uri: string;
  /** The declaration's start offset when its symbols' ids were last set. */
  start: number;
  /** Every symbol, in the order made, and the container of each member. */
  readonly all: CrmSymbol[];
  readonly containers: (CrmSymbol | undefined)[];
  readonly top: CrmSymbol[];
  readonly members: Map<CrmSymbol, Map<string, CrmSymbol>>;
  readonly duplicates: CrmSymbol[];
  readonly diagnostics: Diagnostic[];
}

const symbolsOfDecl = new WeakMap<A.Decl, DeclSymbols>();

function collect(pr: ParseResult, uri: string): FileDecls {
  const top: CrmSymbol[] = [];
  const byId = new Map<string, CrmSymbol>();
  const members = new Map<string, Map<string, CrmSymbol>>();
  const duplicateIds: string[] = [];
  const diagnostics: Diagnostic[] = [];
  const imports: { node: A.ImportDecl; spec: string; target: string; climbs: boolean }[] = [];
  for (const imp of pr.file.imports) {
    if (!imp.path) continue;
    const target = resolveImport(uri, imp.path.value);
    imports.push({ node: imp, spec: imp.path.value, target, climbs: target.split("/").includes("..") });
  }
  const out: FileDecls = { uri, top, byId, members, duplicateIds, diagnostics, imports };
  const docs = docLines(pr);
  const docFor = (range: Range): string | undefined => {
    if (!docs.size) return undefined;
    const parts: string[] = [];
    for (let l = range.start.line - 1; docs.has(l); l--) parts.unshift(docs.get(l)!);
    return parts.length ? parts.join("\n") : undefined;
  };
  const mk = (name: A.Name, kind: SymbolKind, node: A.Node, detail?: string, container?: string): CrmSymbol => {
    const s: CrmSymbol = { id: `${uri}#${name.range.start.offset}`, name: name.text, kind, uri, range: name.range, declRange: node.range, node };
    if (container !== undefined) s.container = container;
    if (detail !== undefined) s.detail = detail;
    const doc = docFor(node.range);
    if (doc !== undefined) s.doc = doc;
    return s;
  };
  let cur!: DeclSymbols;
  const register = (s: CrmSymbol) => {
    cur.all.push(s);
    cur.containers.push(undefined);
    cur.top.push(s);
  };
  const memberDup = (container: CrmSymbol, s: CrmSymbol, what: string) => {
    s.containerId = container.id;
    cur.all.push(s);
    cur.containers.push(container);
    let m = cur.members.get(container);
    if (!m) cur.members.set(container, (m = new Map()));
    const prev = m.get(s.name);
    if (!prev) {
      m.set(s.name, s);
      return;
    }
    cur.duplicates.push(s);
    cur.diagnostics.push(
      makeDiagnostic("CR2002", uri, s.range, `${what} \`${s.name}\` is already declared in \`${container.name}\``, {
        related: [{ uri: prev.uri, range: prev.range, message: `first \`${s.name}\`` }],
      }),
    );
  };
  const enumMembers = (owner: CrmSymbol, t: A.TypeRef | undefined) => {
    const et = t?.kind === "EnumType" ? t : t?.kind === "ListType" && t.element?.kind === "EnumType" ? t.element : undefined;
    if (!et) return;
    for (const v of et.values) memberDup(owner, mk(v, "enumValue", v, `value of \`${owner.name}\``, owner.name), "the value");
  };
  const merge = (e: DeclSymbols) => {
    for (const x of e.top) top.push(x);
    for (const x of e.all) byId.set(x.id, x);
    for (const [c, m] of e.members) members.set(c.id, m);
    for (const x of e.duplicates) duplicateIds.push(x.id);
    for (const x of e.diagnostics) diagnostics.push(x);
  };
  for (const d of pr.file.decls) {
    const kept = symbolsOfDecl.get(d);
    if (kept && kept.uri === uri && !kept.diagnostics.length) {
      // Ids follow the names' positions, which the reparse moved; the doc comments above may have changed.
      if (kept.start !== d.range.start.offset) {
        for (const x of kept.all) x.id = `${uri}#${x.range.start.offset}`;
        kept.all.forEach((x, i) => {
          const c = kept.containers[i];
          if (c) x.containerId = c.id;
        });
        kept.start = d.range.start.offset;
      }
      for (const x of kept.all) {
        const doc = docFor(x.declRange);
        if (doc !== x.doc) {
          if (doc === undefined) delete x.doc;
          else x.doc = doc;
        }
      }
      merge(kept);
      continue;
    }
    cur = { uri, start: d.range.start.offset, all: [], containers: [], top: [], members: new Map(), duplicates: [], diagnostics: [] };
    symbolsOfDecl.set(d, cur);
    switch (d.kind) {
      case "Lead":
        for (const f of d.fields) {
          if (!f.name) continue;
          const s = mk(f.name, "field", f, typeText(f.type), "lead");
          register(s);
          enumMembers(s, f.type);
        }
        break;
      case "Event": {
        if (!d.name) break;
        if (BUILTIN_EVENT_NAMES.has(d.name.text)) {
          cur.diagnostics.push(makeDiagnostic("CR2006", uri, d.name.range, `\`${d.name.text}\` is a built-in event; remove this declaration`, { fixes: [removeFix(pr, uri, d.range, `remove the declaration of \`${d.name.text}\``)] }));
          break;
        }
        const ev = mk(d.name, "event", d, `event { ${d.fields.map((f) => `${f.name?.text ?? "?"}: ${typeText(f.type)}`).join(", ")} }`);
        register(ev);
        for (const f of d.fields) {
          if (!f.name) continue;
          const s = mk(f.name, "payloadField", f, typeText(f.type), ev.name);
          memberDup(ev, s, "the field");
          enumMembers(s, f.type);
        }
        break;
      }
      case "Set":
        if (d.name) register(mk(d.name, d.keyword, d, d.keyword));
        break;
      case "Score": {
        if (!d.name) break;
        const cap = d.settings.find((s) => s.kind === "Cap") as A.CapSetting | undefined;
        const max = maxScoreOf(d).value;
        const sc = mk(d.name, "score", d, `score${d.label ? ` "${d.label.value}"` : ""}${cap?.value ? ` (cap ${cap.value.value})` : ""} · at most ${max === Infinity ? "unbounded" : max}`);
        register(sc);
        for (const r of d.rules) if (r.name) memberDup(sc, mk(r.name, "scoreRule", r, r.points ? `${r.points.text} points` : undefined, sc.name), "a rule");
        break;
      }
      case "Grade": {
        if (!d.name) break;
        const g = mk(d.name, "grade", d, `grade from ${d.score?.text ?? "?"} (${d.entries.map((e) => e.letter?.text ?? "?").join(", ")})`);
        register(g);
        for (const e of d.entries) if (e.letter) memberDup(g, mk(e.letter, "gradeLetter", e, e.otherwise ? "otherwise" : `>= ${e.min?.value ?? "?"}`, g.name), "the letter");
        break;
      }
      case "Stage":
        if (d.name) register(mk(d.name, "stage", d, `stage${d.modifiers.length ? " " + d.modifiers.map((m) => m.text).join(" ") : ""}`));
        break;
      case "Owner":
        if (d.name) register(mk(d.name, "owner", d, d.email ? `owner ${d.email.value}` : "owner"));
        break;
      case "Queue":
        if (d.name) register(mk(d.name, "queue", d, d.label ? `queue "${d.label.value}"` : "queue"));
        break;
      case "Team":
        if (d.name) register(mk(d.name, "team", d, `team ${d.strategy?.text ?? ""} (${d.members.map((m) => m.owner?.text ?? "?").join(", ")})`.replace("  ", " ")));
        break;
      case "Route": {
        if (!d.name) break;
        const r = mk(d.name, "route", d, "route");
        register(r);
        for (const rule of d.rules) if (rule.name) memberDup(r, mk(rule.name, "routeRule", rule, undefined, r.name), "a rule");
        break;
      }
      case "Consent":
        if (d.name) register(mk(d.name, "consent", d, d.label ? `consent "${d.label.value}"` : "consent"));
        break;
      case "Action": {
        if (!d.name) break;
        const reach = d.reach === "internal" ? "internal" : `contact${d.requires ? ` requires ${d.requires.text}` : ""}`;
        const a = mk(d.name, "action", d, `action ${d.name.text}(${d.params.map((p) => `${p.name?.text ?? "?"}: ${typeText(p.type)}`).join(", ")}) ${reach}`);
        register(a);
        for (const p of d.params) if (p.name) memberDup(a, mk(p.name, "param", p, typeText(p.type), a.name), "the parameter");
        break;
      }
      case "Workflow":
        if (d.name) register(mk(d.name, "workflow", d, "workflow"));
        break;
      case "Journey":
        if (d.name) register(mk({ kind: "Name", text: d.name.value, range: d.name.range }, "journey", d, "journey"));
        break;
      case "Reenter":
        break;
    }
    merge(cur);
  }
  return out;
}
