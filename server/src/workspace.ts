/**
 * The workspace model: every `.crmrules` file under the workspace folders,
 * read from disk at start and kept current through file watching; open
 * documents override the disk. A snapshot (parse results, name index,
 * diagnostics) is rebuilt lazily after a change, re-parsing only changed files.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { parse, type ParseResult } from "../../core/syntax/parse.js";
import type { Diagnostic } from "../../core/diagnostics/diagnostic.js";
import { compareDiagnostics } from "../../core/diagnostics/diagnostic.js";
import { NameIndex } from "./index.js";

export const EXTENSION = ".crmrules";
const SKIP_DIRS = new Set(["node_modules", ".git", "dist", "out", ".vscode-test"]);

export interface Snapshot {
  generation: number;
  files: Map<string, ParseResult>;
  index: NameIndex;
  diagnostics: Map<string, Diagnostic[]>;
  /** Files whose diagnostics a change to `path` can affect (itself plus importers). */
  dependents(path: string): string[];
}

export class Workspace {
  roots: string[] = [];
  private readonly disk = new Map<string, string>();
  private readonly open = new Map<string, { text: string; version: number }>();
  private readonly parsed = new Map<string, { text: string; result: ParseResult }>();
  private generation = 0;
  private snap: Snapshot | undefined;

  constructor(private readonly log: (msg: string) => void = () => {}) {}

  setRoots(roots: string[]): void {
    this.roots = roots;
    this.disk.clear();
    for (const r of roots) this.scan(r, 0);
    this.changed();
  }

  private scan(dir: string, depth: number): void {
    if (depth > 20) return;
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      return;
    }
    for (const e of entries) {
      if (SKIP_DIRS.has(e)) continue;
      const p = join(dir, e);
      let st;
      try {
        st = statSync(p);
      } catch {
        continue;
      }
      if (st.isDirectory()) this.scan(p, depth + 1);
      else if (e.endsWith(EXTENSION)) this.readDisk(p);
    }
  }

  private readDisk(path: string): boolean {
    try {
      this.disk.set(path, readFileSync(path, "utf8"));
      return true;
    } catch (e) {
      this.log(`could not read ${path}: ${(e as Error).message}`);
      this.disk.delete(path);
      return false;
    }
  }

  /** A watched file changed on disk (created or changed: re-read; deleted: forget). */
  diskChanged(path: string, deleted: boolean): void {
    if (deleted) this.disk.delete(path);
    else this.readDisk(path);
    this.changed();
  }

  openDoc(path: string, text: string, version: number): void {
    this.open.set(path, { text, version });
    this.changed();
  }

  changeDoc(path: string, text: string, version: number): void {
    this.open.set(path, { text, version });
    this.changed();
  }

  closeDoc(path: string): void {
    this.open.delete(path);
    // The disk content takes over again (re-read: the editor may have saved).
    if (this.inRoots(path)) this.readDisk(path);
    this.changed();
  }

  version(path: string): number | undefined {
    return this.open.get(path)?.version;
  }

  isOpen(path: string): boolean {
    return this.open.has(path);
  }

  text(path: string): string | undefined {
    return this.open.get(path)?.text ?? this.disk.get(path);
  }

  paths(): string[] {
    const all = new Set<string>([...this.disk.keys(), ...this.open.keys()]);
    return [...all].sort();
  }

  private inRoots(path: string): boolean {
    return this.roots.some((r) => path === r || path.startsWith(r.endsWith("/") ? r : r + "/"));
  }

  private changed(): void {
    this.generation++;
    this.snap = undefined;
  }

  /** The current snapshot, rebuilt when something changed since the last one. */
  snapshot(): Snapshot {
    if (this.snap) return this.snap;
    const files = new Map<string, ParseResult>();
    for (const p of this.paths()) {
      const text = this.text(p) ?? "";
      const cached = this.parsed.get(p);
      if (cached && cached.text === text) files.set(p, cached.result);
      else {
        const result = parse(text, p);
        this.parsed.set(p, { text, result });
        files.set(p, result);
      }
    }
    for (const p of this.parsed.keys()) if (!files.has(p)) this.parsed.delete(p);
    const index = new NameIndex(files);
    const diagnostics = new Map<string, Diagnostic[]>();
    for (const [p, r] of files) diagnostics.set(p, [...r.diagnostics].sort(compareDiagnostics));
    const importers = importGraph(files);
    this.snap = {
      generation: this.generation,
      files,
      index,
      diagnostics,
      dependents: (path) => dependentsOf(path, importers),
    };
    return this.snap;
  }
}

/** importers.get(x) = files that import x directly. */
function importGraph(files: Map<string, ParseResult>): Map<string, Set<string>> {
  const importers = new Map<string, Set<string>>();
  for (const [p, r] of files) {
    const dir = p.slice(0, p.lastIndexOf("/"));
    for (const imp of r.file.imports) {
      if (!imp.path) continue;
      const target = normalize(imp.path.value.startsWith("/") ? imp.path.value : `${dir}/${imp.path.value}`);
      let set = importers.get(target);
      if (!set) importers.set(target, (set = new Set()));
      set.add(p);
    }
  }
  return importers;
}

function dependentsOf(path: string, importers: Map<string, Set<string>>): string[] {
  const out = new Set<string>([path]);
  const todo = [path];
  while (todo.length) {
    const p = todo.pop()!;
    for (const i of importers.get(p) ?? []) if (!out.has(i)) (out.add(i), todo.push(i));
  }
  return [...out];
}

function normalize(p: string): string {
  const parts: string[] = [];
  for (const s of p.split("/")) {
    if (s === "" || s === ".") continue;
    if (s === "..") parts.pop();
    else parts.push(s);
  }
  return "/" + parts.join("/");
}
