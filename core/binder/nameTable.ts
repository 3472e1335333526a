/**
 * Declarations by name group and name, each list in file order (built-ins
 * first, then by file path, then by position). A table never changes once
 * built. After an edit, the next table shares the bulk of the previous one
 * (its base) and keeps only the names the changed files declare, now or
 * before, in a small overlay; when the overlay grows past a fraction of the
 * base, the table is built afresh. A keystroke therefore costs the names of
 * the edited file, not the names of the workspace.
 */
import type { CrmSymbol } from "../workspace.js";

export type GroupName = string;

type Groups = Map<GroupName, Map<string, readonly CrmSymbol[]>>;

/** File order: built-ins first (their uri is ""), then by uri, then by position. */
function fileOrder(p: CrmSymbol, q: CrmSymbol): number {
  return p.uri < q.uri ? -1 : p.uri > q.uri ? 1 : p.range.start.offset - q.range.start.offset;
}

export class NameTable {
  private constructor(
    private readonly base: Groups,
    /** Names of the base with two or more declarations. */
    private readonly baseRepeated: readonly [GroupName, string][],
    /** Names changed since the base was built; an empty list means the name is gone. */
    private readonly overlay: Groups,
    private readonly overlayNames: number,
    private readonly baseNames: number,
  ) {}

  /** A table of `symbols`, given in file order, each with its group (`groupOf` undefined: not a name of any group). */
  static build(symbols: Iterable<CrmSymbol>, groupOf: (s: CrmSymbol) => GroupName | undefined): NameTable {
    const base: Map<GroupName, Map<string, CrmSymbol[]>> = new Map();
    let names = 0;
    for (const s of symbols) {
      const g = groupOf(s);
      if (!g) continue;
      let m = base.get(g);
      if (!m) base.set(g, (m = new Map()));
      const list = m.get(s.name);
      if (list) list.push(s);
      else {
        m.set(s.name, [s]);
        names++;
      }
    }
    const repeated: [GroupName, string][] = [];
    for (const [g, m] of base) for (const [name, list] of m) if (list.length > 1) repeated.push([g, name]);
    return new NameTable(base, repeated, new Map(), 0, names);
  }

  /** The declarations of a name, in file order. */
  get(group: GroupName, name: string): readonly CrmSymbol[] | undefined {
    const o = this.overlay.get(group)?.get(name);
    if (o) return o.length ? o : undefined;
    return this.base.get(group)?.get(name);
  }

  /** Every name of a group with its declarations. */
  *entries(group: GroupName): IterableIterator<[string, readonly CrmSymbol[]]> {
    const o = this.overlay.get(group);
    for (const [name, list] of this.base.get(group) ?? []) if (!o?.has(name)) yield [name, list];
    for (const [name, list] of o ?? []) if (list.length) yield [name, list];
  }

  /** Names declared more than once (in any files), with their declarations. */
  *repeated(): IterableIterator<[GroupName, string, readonly CrmSymbol[]]> {
    for (const [g, name] of this.baseRepeated) if (!this.overlay.get(g)?.has(name)) yield [g, name, this.base.get(g)!.get(name)!];
    for (const [g, m] of this.overlay) for (const [name, list] of m) if (list.length > 1) yield [g, name, list];
  }

  /**
   * The table after files were edited, added or removed: `before` are the
   * top-level declarations that are gone, `after` those that are new (a
   * declaration kept across an edit, the same symbol object, is in neither:
   * its place in its lists stays right, since an edit moves a file's kept
   * declarations without reordering them). `all` lists every declaration of
   * the new workspace in file order, for when building afresh is cheaper.
   */
  withChanges(before: readonly CrmSymbol[], after: readonly CrmSymbol[], groupOf: (s: CrmSymbol) => GroupName | undefined, all: () => Iterable<CrmSymbol>): NameTable {
    const gone = new Set(before);
    const fresh = new Map<GroupName, Map<string, CrmSymbol[]>>();
    const touch = (s: CrmSymbol) => {
      const g = groupOf(s);
      if (!g) return undefined;
      let m = fresh.get(g);
      if (!m) fresh.set(g, (m = new Map()));
      let l = m.get(s.name);
      if (!l) m.set(s.name, (l = []));
      return l;
    };
    for (const s of before) touch(s);
    for (const s of after) touch(s)?.push(s);
    let added = 0;
    for (const [g, m] of fresh) for (const name of m.keys()) if (!this.overlay.get(g)?.has(name)) added++;
    const overlayNames = this.overlayNames + added;
    if (overlayNames > 256 + this.baseNames / 8) return NameTable.build(all(), groupOf);
    const overlay: Groups = new Map();
    for (const [g, m] of this.overlay) overlay.set(g, fresh.has(g) ? new Map(m) : m);
    for (const [g, m] of fresh) {
      let o = overlay.get(g) as Map<string, readonly CrmSymbol[]> | undefined;
      if (!o) overlay.set(g, (o = new Map()));
      for (const [name, now] of m) {
        const list = (this.get(g, name) ?? []).filter((s) => !gone.has(s)).concat(now);
        list.sort(fileOrder);
        o.set(name, list);
      }
    }
    return new NameTable(this.base, this.baseRepeated, overlay, overlayNames, this.baseNames);
  }
}
