/**
 * The binder: parses every file, resolves imports (relative to the importing
 * file, never outside the root), detects import cycles, collects every
 * declaration into a symbol with its `///` doc comment, and reports duplicate
 * names among files that see each other. Name *uses* are resolved by the
 * checker through `Binding.lookup`.
 *
 * What a file declares depends on that file alone, so it is computed once per
 * parse result (`fileDecls`) and reused by every later binding while the file
 * is unchanged; a binding after an edit only re-links the name tables.
 */
import { parse, type ParseResult } from "../syntax/parse.js";
import type * as A from "../syntax/ast.js";
import type { CrmSymbol, Reference, SymbolKind, WorkspaceInput } from "../workspace.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { makeDiagnostic } from "../diagnostics/catalogue.js";
import { guarded, internalErrorDiagnostic } from "../diagnostics/internalError.js";
import type { Range } from "../text/positions.js";
import { EMPTY_RANGE } from "../text/positions.js";
import { article } from "../text/words.js";
import { normalizePath, relativeImport, relativeTo, resolveImport } from "./paths.js";
import { suggest } from "./didYouMean.js";
import { BUILTIN_EVENTS, BUILTIN_EVENT_NAMES, type BuiltinFieldType } from "../vocabulary.js";
import { maxScoreOf } from "./scoreMaximum.js";
import { NameTable } from "./nameTable.js";

/** Top-level names share one namespace per group. */
export type Group = "value" | "event" | "stage" | "target" | "route" | "consent" | "action" | "workflow" | "journey" | "field";

export const GROUP_OF: Partial<Record<SymbolKind, Group>> = {
  set: "value",
  territory: "value",
  score: "value",
  grade: "value",
  event: "event",
  stage: "stage",
  owner: "target",
  queue: "target",
  team: "target",
  route: "route",
  consent: "consent",
  action: "action",
  workflow: "workflow",
  journey: "journey",
  field: "field",
};

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

/** Members by container id: the built-ins' plus every file's `FileDecls.members`, looked up without copying. */
export class MemberTable {
  constructor(
    private readonly builtins: ReadonlyMap<string, Map<string, CrmSymbol>>,
    private readonly perFile: ReadonlyMap<string, FileDecls>,
  ) {}

  get(containerId: string): Map<string, CrmSymbol> | undefined {
    const hash = containerId.lastIndexOf("#");
    if (hash < 0) return this.builtins.get(containerId);
    return this.perFile.get(containerId.slice(0, hash))?.members.get(containerId);
  }
}

/** The symbols of a binding: the built-ins plus every file's `FileDecls.byId`, looked up without copying. */
export class SymbolTable implements ReadonlyMap<string, CrmSymbol> {
  constructor(
    private readonly builtins: ReadonlyMap<string, CrmSymbol>,
    private readonly perFile: ReadonlyMap<string, FileDecls>,
  ) {}

  get(id: string): CrmSymbol | undefined {
    const hash = id.lastIndexOf("#");
    if (hash < 0) return this.builtins.get(id);
    return this.perFile.get(id.slice(0, hash))?.byId.get(id);
  }

  has(id: string): boolean {
    return this.get(id) !== undefined;
  }

  get size(): number {
    let n = this.builtins.size;
    for (const f of this.perFile.values()) n += f.byId.size;
    return n;
  }

  *entries(): MapIterator<[string, CrmSymbol]> {
    yield* this.builtins.entries();
    for (const f of this.perFile.values()) yield* f.byId.entries();
  }

  *keys(): MapIterator<string> {
    for (const [k] of this.entries()) yield k;
  }

  *values(): MapIterator<CrmSymbol> {
    for (const [, v] of this.entries()) yield v;
  }

  [Symbol.iterator](): MapIterator<[string, CrmSymbol]> {
    return this.entries();
  }

  forEach(fn: (value: CrmSymbol, key: string, map: ReadonlyMap<string, CrmSymbol>) => void): void {
    for (const [k, v] of this.entries()) fn(v, k, this);
  }
}

export class Binding {
  readonly files = new Map<string, ParseResult>();
  /** What each file declares (shared with earlier bindings while the file is unchanged). */
  readonly decls = new Map<string, FileDecls>();
  private readonly builtinSymbols = new Map<string, CrmSymbol>();
  private readonly builtinMembers = new Map<string, Map<string, CrmSymbol>>();
  readonly symbols = new SymbolTable(this.builtinSymbols, this.decls);
  /** Diagnostics of the workspace as a whole: imports, import cycles, duplicate names across files. */
  readonly diagnostics: Diagnostic[] = [];
  /** group → name → declarations in file order (workspace-wide; filtered by visibility on lookup). */
  private names = NameTable.build([], groupOf);
  /** Built-in events and their fields, registered before any file. */
  private readonly builtinTop: CrmSymbol[] = [];
  /** container symbol id → member name → first member symbol. */
  readonly members = new MemberTable(this.builtinMembers, this.decls);
  /** Files visible from a file (itself plus everything reachable through imports). */
  readonly visible = new Map<string, Set<string>>();
  /** Direct importers of a file. */
  readonly importers = new Map<string, Set<string>>();
  /** Direct imports of a file, in written order (resolved, existing files only). */
  readonly imports = new Map<string, string[]>();
  /** Symbol ids reported as duplicates (not reported again as unused). */
  readonly duplicates = new Set<string>();
  /** Builtin event types by event name → field name → type. */
  readonly builtinFieldTypes = new Map<string, Map<string, BuiltinFieldType>>();

  constructor(readonly root: string) {}

  lookup(uri: string, group: Group, name: string): CrmSymbol | undefined {
    const list = this.names.get(group, name);
    if (!list) return undefined;
    const vis = this.visible.get(uri);
    for (const s of list) if (s.builtin || s.uri === uri || vis?.has(s.uri)) return s;
    return undefined;
  }

  /** Names of a group visible from a file, sorted (for did-you-mean; only on error paths). */
  namesVisible(uri: string, group: Group, kinds?: SymbolKind[]): string[] {
    const out: string[] = [];
    const vis = this.visible.get(uri);
    for (const [name, list] of this.names.entries(group)) {
      if (list.some((s) => (s.builtin || s.uri === uri || vis?.has(s.uri)) && (!kinds || kinds.includes(s.kind)))) out.push(name);
    }
    // Sorted, so that the answer depends on the visible files alone (not on which file declared a name first).
    return out.sort();
  }

  /**
   * The name groups, either built from every file or, after an edit, taken
   * from the previous binding with only the names the changed files declare
   * (before or now) rebuilt: what a keystroke costs does not grow with the
   * workspace. @internal
   */
  linkNames(uris: string[], previous: Binding | undefined): void {
    const all = () => this.allTop(uris);
    if (!previous) {
      this.names = NameTable.build(all(), groupOf);
      return;
    }
    const changed = new Set<string>();
    for (const uri of uris) if (previous.decls.get(uri) !== this.decls.get(uri)) changed.add(uri);
    for (const uri of previous.decls.keys()) if (!this.decls.has(uri)) changed.add(uri);
    if (!changed.size) {
      this.names = previous.names;
      return;
    }
    const before: CrmSymbol[] = [];
    const after: CrmSymbol[] = [];
    for (const uri of changed) {
      before.push(...(previous.decls.get(uri)?.top ?? []));
      after.push(...(this.decls.get(uri)?.top ?? []));
    }
    this.names = previous.names.withChanges(changed, before, after, groupOf, all);
  }

  private *allTop(uris: string[]): IterableIterator<CrmSymbol> {
    yield* this.builtinTop;
    for (const uri of uris) yield* this.decls.get(uri)!.top;
  }

  /** Names declared more than once in the workspace (which files see them together is for the caller to judge). @internal */
  repeatedNames(): IterableIterator<[Group, string, readonly CrmSymbol[]]> {
    return this.names.repeated() as IterableIterator<[Group, string, readonly CrmSymbol[]]>;
  }

  member(container: CrmSymbol, name: string): CrmSymbol | undefined {
    return this.members.get(container.id)?.get(name);
  }

  /** @internal */
  registerBuiltin(sym: CrmSymbol, members: Map<string, CrmSymbol>): void {
    this.builtinSymbols.set(sym.id, sym);
    for (const m of members.values()) this.builtinSymbols.set(m.id, m);
    this.builtinMembers.set(sym.id, members);
    this.builtinTop.push(sym);
  }
}

function groupOf(s: CrmSymbol): Group | undefined {
  return GROUP_OF[s.kind];
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

function builtinTypeText(t: BuiltinFieldType): string {
  return typeof t === "string" ? t : `enum(${t.enum.join(", ")})`;
}

/** Parses (or reuses unchanged parse results) and binds a workspace. */
export function bind(input: WorkspaceInput, previous?: { files: ReadonlyMap<string, ParseResult>; binding?: Binding }): Binding {
  const root = normalizePath(input.root);
  const b = new Binding(root);
  const uris: string[] = [];
  for (const f of input.files) {
    const uri = normalizePath(f.uri);
    if (b.files.has(uri)) continue;
    // Parse results are immutable: an unchanged text reuses the previous tree.
    const prev = previous?.files.get(uri);
    // The guard per file (core/diagnostics/internalError.ts) starts here: a file whose parse or
    // declarations throw is bound as an empty file with one CR9001, and every other file binds as usual.
    const pr = prev && prev.lines.text === f.text ? prev : guarded("read", uri, () => parse(f.text, uri), (e) => unreadable(b, uri, e));
    b.files.set(uri, pr);
    uris.push(uri);
  }
  uris.sort();
  addBuiltins(b);
  for (const uri of uris) {
    const pr = b.files.get(uri)!;
    const d = pr.lines.text === "" ? fileDecls(pr, uri) : guarded("read", uri, () => fileDecls(pr, uri), (e) => {
      b.files.set(uri, unreadable(b, uri, e));
      return fileDecls(b.files.get(uri)!, uri);
    });
    b.decls.set(uri, d);
    for (const id of d.duplicateIds) b.duplicates.add(id);
  }
  const edges = resolveImports(b, uris);
  computeVisibility(b, uris, edges);
  b.linkNames(uris, previous?.binding?.root === root ? previous.binding : undefined);
  reportDuplicates(b, uris);
  return b;
}

/** What a file that failed to parse or to declare is bound as: an empty file, and one CR9001 on it. */
function unreadable(b: Binding, uri: string, e: unknown): ParseResult {
  b.diagnostics.push(internalErrorDiagnostic(uri, "read", e));
  return parse("", uri);
}

const builtinCache: { symbols: { ev: CrmSymbol; members: Map<string, CrmSymbol>; types: Map<string, BuiltinFieldType> }[] } = { symbols: [] };

function addBuiltins(b: Binding): void {
  if (!builtinCache.symbols.length)
    for (const e of BUILTIN_EVENTS) {
      const ev: CrmSymbol = { id: `builtin:${e.name}`, name: e.name, kind: "event", uri: "", range: EMPTY_RANGE, declRange: EMPTY_RANGE, doc: e.doc, detail: `built-in event { ${e.fields.map((f) => `${f.name}: ${builtinTypeText(f.type)}`).join(", ")} }`, builtin: true };
      const members = new Map<string, CrmSymbol>();
      const types = new Map<string, BuiltinFieldType>();
      for (const f of e.fields) {
        members.set(f.name, { id: `builtin:${e.name}.${f.name}`, name: f.name, kind: "payloadField", uri: "", range: EMPTY_RANGE, declRange: EMPTY_RANGE, container: e.name, containerId: ev.id, detail: builtinTypeText(f.type), builtin: true });
        types.set(f.name, f.type);
      }
      builtinCache.symbols.push({ ev, members, types });
    }
  for (const { ev, members, types } of builtinCache.symbols) {
    b.registerBuiltin(ev, members);
    b.builtinFieldTypes.set(ev.name, types);
  }
}

function resolveImports(b: Binding, uris: string[]): Map<string, { to: string; node: A.ImportDecl }[]> {
  const edges = new Map<string, { to: string; node: A.ImportDecl }[]>();
  for (const uri of uris) {
    const list: { to: string; node: A.ImportDecl }[] = [];
    edges.set(uri, list);
    for (const { node: imp, spec, target, climbs } of b.decls.get(uri)!.imports) {
      if (climbs || !(target === b.root || target.startsWith(b.root === "/" ? "/" : b.root + "/"))) {
        b.diagnostics.push(makeDiagnostic("CR2004", uri, imp.path!.range, `\`${spec}\` points outside the workspace folder; imports must stay inside it`));
        continue;
      }
      if (!b.files.has(target)) {
        // Did-you-mean over the workspace's files, compared as paths relative to the root.
        const rel = relativeTo(b.root, target);
        const best = suggest(rel, uris.map((u) => relativeTo(b.root, u)))[0];
        const fixes = best ? [{ title: `import \`${best}\``, preferred: true, edits: [{ uri, range: imp.path!.range, newText: JSON.stringify(relativeImport(uri, b.root + "/" + best)) }] }] : [];
        b.diagnostics.push(makeDiagnostic("CR2003", uri, imp.path!.range, `no workspace file \`${rel}\` to import (paths are relative to this file)${best ? `; did you mean \`${best}\`?` : ""}`, { fixes }));
        continue;
      }
      list.push({ to: target, node: imp });
      let own = b.imports.get(uri);
      if (!own) b.imports.set(uri, (own = []));
      if (!own.includes(target)) own.push(target);
      let r = b.importers.get(target);
      if (!r) b.importers.set(target, (r = new Set()));
      r.add(uri);
    }
  }
  // Cycles: depth-first search; a back edge closes a cycle, reported at that import.
  const state = new Map<string, 1 | 2>();
  const stack: string[] = [];
  const visit = (u: string): void => {
    state.set(u, 1);
    stack.push(u);
    for (const e of edges.get(u) ?? []) {
      const s = state.get(e.to);
      if (s === 1) {
        const cycle = stack.slice(stack.indexOf(e.to)).concat(e.to).map((p) => relativeTo(b.root, p));
        b.diagnostics.push(makeDiagnostic("CR2005", u, e.node.path!.range, `this import closes a circle of imports: ${cycle.map((c) => `\`${c}\``).join(" → ")}`));
      } else if (!s) visit(e.to);
    }
    stack.pop();
    state.set(u, 2);
  };
  for (const u of uris) if (!state.has(u)) visit(u);
  return edges;
}

function computeVisibility(b: Binding, uris: string[], edges: Map<string, { to: string }[]>): void {
  for (const u of uris) {
    const seen = new Set<string>([u]);
    const queue = [u];
    while (queue.length) {
      const x = queue.pop()!;
      for (const e of edges.get(x) ?? []) if (!seen.has(e.to)) (seen.add(e.to), queue.push(e.to));
    }
    b.visible.set(u, seen);
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
  const register = (s: CrmSymbol) => {
    byId.set(s.id, s);
    top.push(s);
  };
  const memberDup = (container: CrmSymbol, s: CrmSymbol, what: string) => {
    s.containerId = container.id;
    byId.set(s.id, s);
    let m = members.get(container.id);
    if (!m) members.set(container.id, (m = new Map()));
    const prev = m.get(s.name);
    if (!prev) {
      m.set(s.name, s);
      return;
    }
    duplicateIds.push(s.id);
    diagnostics.push(
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
  for (const d of pr.file.decls) {
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
          diagnostics.push(makeDiagnostic("CR2006", uri, d.name.range, `\`${d.name.text}\` is a built-in event; remove this declaration`, { fixes: [removeFix(pr, uri, d.range, `remove the declaration of \`${d.name.text}\``)] }));
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
  }
  return out;
}

/** A fix that deletes a declaration together with its line break. */
export function removeFix(pr: ParseResult, uri: string, range: Range, title: string): { title: string; edits: { uri: string; range: Range; newText: string }[] } {
  const text = pr.lines.text;
  let end = range.end.offset;
  while (end < text.length && (text[end] === " " || text[end] === "\t")) end++;
  if (text[end] === "\r") end++;
  if (text[end] === "\n") end++;
  let start = range.start.offset;
  // Take the `///` doc lines above along.
  let line = range.start.line;
  while (line > 0 && pr.lines.lineText(line - 1).trimStart().startsWith("///")) line--;
  if (line < range.start.line) start = pr.lines.offsetAt(line, 0);
  return { title, edits: [{ uri, range: pr.lines.range(start, end), newText: "" }] };
}

function reportDuplicates(b: Binding, uris: string[]): void {
  for (const [group, name, list] of b.repeatedNames()) {
    const sorted = [...list].sort((p, q) => (p.uri < q.uri ? -1 : p.uri > q.uri ? 1 : p.range.start.offset - q.range.start.offset));
    // A later declaration is a duplicate when some file sees it together with an earlier one.
    const firstOf = new Map<CrmSymbol, CrmSymbol>();
    for (const f of uris) {
      const vis = b.visible.get(f)!;
      let first: CrmSymbol | undefined;
      for (const s of sorted) {
        if (!vis.has(s.uri)) continue;
        if (!first) first = s;
        else if (!firstOf.has(s) || sorted.indexOf(firstOf.get(s)!) > sorted.indexOf(first)) firstOf.set(s, first);
      }
    }
    for (const s of sorted) {
      const first = firstOf.get(s);
      if (!first) continue;
      b.duplicates.add(s.id);
      const what = group === "field" ? "the lead field" : group === "journey" ? "a journey named" : `the name`;
      const as = group === "field" || group === "journey" ? "" : ` (as ${article(KIND_WORDS[first.kind])})`;
      b.diagnostics.push(
        makeDiagnostic("CR2002", s.uri, s.range, `${what} \`${name}\` is already declared${first.uri !== s.uri ? ` in \`${relativeTo(b.root, first.uri)}\`` : ""}${as}`, {
          related: [{ uri: first.uri, range: first.range, message: `first declaration of \`${name}\`` }],
        }),
      );
    }
  }
}
