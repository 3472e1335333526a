/**
 * The result of binding a workspace (`Binding`): its files and what each
 * declares, the import graph and what each file sees, the name groups, and
 * `lookup`, through which the checker resolves every name use. Built by
 * `bind` (bind.ts).
 */
import type { ParseResult } from "../syntax/parse.js";
import type { CrmSymbol, SymbolKind } from "../workspace.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { BuiltinFieldType } from "../vocabulary.js";
import { NameTable } from "./nameTable.js";
import type { FileDecls } from "./fileDecls.js";

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

  /**
   * While set, every name a lookup asks for (`group name`) and every group whose
   * names are listed (`group *`) is added: what one declaration's check read, so
   * that the next check can reuse its result while none of those names changed
   * (core/checker/check.ts). @internal
   */
  recorder: Set<string> | undefined;

  constructor(readonly root: string) {}

  /**
   * Runs `f` with a recorder of its own, for a result kept and reused across
   * declarations (a memo): what it read is returned, to be `replay`ed on each
   * reuse, and added to the current recorder. @internal
   */
  recordApart<T>(f: () => T): { value: T; deps: readonly string[] } {
    const outer = this.recorder;
    const deps = new Set<string>();
    this.recorder = deps;
    let value: T;
    try {
      value = f();
    } finally {
      this.recorder = outer;
    }
    if (outer) for (const k of deps) outer.add(k);
    return { value, deps: [...deps] };
  }

  /** Adds what a memoized result read (`recordApart`) to the current recorder. @internal */
  replay(deps: readonly string[]): void {
    const r = this.recorder;
    if (r) for (const k of deps) r.add(k);
  }

  lookup(uri: string, group: Group, name: string): CrmSymbol | undefined {
    this.recorder?.add(group + " " + name);
    const list = this.names.get(group, name);
    if (!list) return undefined;
    const vis = this.visible.get(uri);
    for (const s of list) if (s.builtin || s.uri === uri || vis?.has(s.uri)) return s;
    return undefined;
  }

  /** Names of a group visible from a file, sorted (for did-you-mean; only on error paths). */
  namesVisible(uri: string, group: Group, kinds?: SymbolKind[]): string[] {
    this.recorder?.add(group + " *");
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
    // Only the declarations gone and the new ones: a declaration kept across an edit keeps its symbol (fileDecls.ts).
    const before: CrmSymbol[] = [];
    const after: CrmSymbol[] = [];
    for (const uri of changed) {
      const was = previous.decls.get(uri)?.top ?? [];
      const now = this.decls.get(uri)?.top ?? [];
      const nowSet = new Set(now);
      const wasSet = new Set(was);
      for (const s of was) if (!nowSet.has(s)) before.push(s);
      for (const s of now) if (!wasSet.has(s)) after.push(s);
    }
    this.names = previous.names.withChanges(before, after, groupOf, all);
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
