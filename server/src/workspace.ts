/**
 * The workspace model: every `.crmrules` file under the workspace folders,
 * read from disk at start and kept current through file watching; open
 * documents override the disk. A snapshot (parse results, name index,
 * diagnostics) is rebuilt lazily after a change, re-parsing only changed files.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { parse, type ParseResult } from "../../core/syntax/parse.js";
import { checkWorkspace, type CheckResult } from "../../core/checker/check.js";
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
  /** The checker's result for the workspace folder holding `path`. */
  checkOf(path: string): CheckResult | undefined;
  /** Whether `other` belongs to the same workspace folder as `path` (names never cross folders). */
  sameFolder(path: string, other: string): boolean;
}

export class Workspace {
  roots: string[] = [];
  private readonly disk = new Map<string, string>();
  private readonly open = new Map<string, { text: string; version: number }>();
  private readonly parsed = new Map<string, { text: string; result: ParseResult }>();
  private generation = 0;
  private snap: Snapshot | undefined;
  /** The last check of each workspace root, so the next one re-parses only changed files. */
  private readonly lastChecks = new Map<string, CheckResult>();

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

  /** The workspace folder a file belongs to (the innermost), or its own directory for a loose file. */
  rootOf(path: string): string {
    let best: string | undefined;
    for (const r of this.roots) if ((path === r || path.startsWith(r.endsWith("/") ? r : r + "/")) && (!best || r.length > best.length)) best = r;
    return best ?? dirname(path);
  }

  /**
   * The current snapshot, rebuilt when something changed since the last one:
   * one `checkWorkspace` per workspace folder (the checker parses, binds,
   * types and analyses); files that are not absolute paths (untitled
   * documents) are only parsed.
   */
  snapshot(): Snapshot {
    if (this.snap) return this.snap;
    const groups = new Map<string, string[]>();
    const loose: string[] = [];
    for (const p of this.paths()) {
      if (!p.startsWith("/")) {
        loose.push(p);
        continue;
      }
      const r = this.rootOf(p);
      const g = groups.get(r);
      if (g) g.push(p);
      else groups.set(r, [p]);
    }
    const files = new Map<string, ParseResult>();
    const diagnostics = new Map<string, Diagnostic[]>();
    const checkByPath = new Map<string, CheckResult>();
    for (const [root, paths] of groups) {
      let check: CheckResult | undefined;
      try {
        // Unchanged files reuse the previous check's parse results: a keystroke re-parses one file.
        check = checkWorkspace({ root, files: paths.map((uri) => ({ uri, text: this.text(uri) ?? "" })) }, { previous: this.lastChecks.get(root) });
        this.lastChecks.set(root, check);
      } catch (e) {
        // INVARIANT: the checker never throws; should it, the files still get their syntax diagnostics.
        this.log(`checking ${root} failed: ${(e as Error).stack ?? String(e)}`);
      }
      for (const p of paths) {
        const pr = check?.files.get(p) ?? this.parseCached(p);
        files.set(p, pr);
        diagnostics.set(p, check ? [] : [...pr.diagnostics].sort(compareDiagnostics));
        if (check) checkByPath.set(p, check);
      }
      for (const d of check?.diagnostics ?? []) {
        const list = diagnostics.get(d.uri);
        if (list) list.push(d);
      }
    }
    for (const r of [...this.lastChecks.keys()]) if (!groups.has(r)) this.lastChecks.delete(r);
    for (const p of loose) {
      const pr = this.parseCached(p);
      files.set(p, pr);
      diagnostics.set(p, [...pr.diagnostics].sort(compareDiagnostics));
    }
    for (const p of this.parsed.keys()) if (!files.has(p)) this.parsed.delete(p);
    const index = new NameIndex(files);
    this.snap = {
      generation: this.generation,
      files,
      index,
      diagnostics,
      dependents: (path) => checkByPath.get(path)?.dependents(path) ?? [path],
      checkOf: (path) => checkByPath.get(path),
      sameFolder: (path, other) => (checkByPath.get(path) ?? path) === (checkByPath.get(other) ?? other) || (!checkByPath.has(path) && !checkByPath.has(other)),
    };
    return this.snap;
  }

  private parseCached(p: string): ParseResult {
    const text = this.text(p) ?? "";
    const cached = this.parsed.get(p);
    if (cached && cached.text === text) return cached.result;
    const result = parse(text, p);
    this.parsed.set(p, { text, result });
    return result;
  }
}
