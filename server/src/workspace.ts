/**
 * The workspace model: every `.crmrules` file under the workspace folders,
 * read from disk at start and kept current through file watching; open
 * documents override the disk. Files are grouped by workspace folder (a file
 * that is not an absolute path, such as an `untitled:` document, is a group of
 * its own); a change marks its group dirty, and the next snapshot re-checks
 * only the dirty groups with `checkWorkspace` (which reuses the parse results
 * of unchanged files). Everything else a feature needs (names, references,
 * per-file diagnostics) is read from the checks on demand.
 *
 * Each re-check also records which files' diagnostics it may have changed
 * (`takeAffected`), so the server republishes only those: the changed files,
 * every file whose unit the checker re-checked (`CheckResult.rechecked`: the
 * files that import a changed one, transitively), and every file any of those
 * sees or saw before the change (their declarations may have become used or
 * unused, duplicated or not). That is proportional to the change, not to the
 * workspace.
 */
import { lstatSync, readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, relative } from "node:path";
import { parse, type ParseResult } from "../../core/syntax/parse.js";
import { reparse } from "../../core/syntax/incremental.js";
import { internalErrorDiagnostic } from "../../core/diagnostics/internalError.js";
import { checkWorkspace, type CheckResult } from "../../core/checker/check.js";
import type { Diagnostic } from "../../core/diagnostics/diagnostic.js";
import type { SourceFile } from "../../core/workspace.js";
import { compareDiagnostics } from "../../core/diagnostics/diagnostic.js";
import { limitCascade } from "../../core/diagnostics/cascade.js";

export const EXTENSION = ".crmrules";
const SKIP_DIRS = new Set(["node_modules", ".git", "dist", "out", ".vscode-test"]);
/** How many directories deep under a workspace folder the scan reads. */
const MAX_DEPTH = 20;

function realRoot(root: string): string {
  try {
    return realpathSync(root);
  } catch {
    return root;
  }
}

/** Whether `file` (resolved) lies inside `root` (resolved). */
function within(file: string, root: string): boolean {
  const rel = relative(root, file);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

export interface Snapshot {
  generation: number;
  /** Every file of every group, sorted (computed on first use). */
  paths(): string[];
  /** A file's parse result (from its check). */
  file(path: string): ParseResult | undefined;
  /** The check holding `path`: its workspace folder's, or its own for a document that is not a file. */
  checkOf(path: string): CheckResult | undefined;
  /** Every check of the snapshot (one per group). */
  checks(): CheckResult[];
  /** One file's diagnostics, sorted (computed by the check on first use). */
  diagnosticsOf(path: string): Diagnostic[];
  /** Files whose diagnostics a change to `path` can affect (itself plus importers). */
  dependents(path: string): string[];
}

/** Files whose diagnostics may have changed since the last `takeAffected`; `all` after a change of workspace folders. */
export interface Affected {
  all: boolean;
  paths: Set<string>;
}

/** A group whose check failed (the checker must never throw; should it, its files still get their syntax diagnostics). */
interface Failed {
  failed: Map<string, ParseResult>;
  /** Why: one CR9001 per file, beside its syntax diagnostics. */
  error: unknown;
}

export class Workspace {
  roots: string[] = [];
  private readonly disk = new Map<string, string>();
  private readonly open = new Map<string, { text: string; version: number }>();
  /** Group key (a workspace folder, or the path of a document that is not a file) → its files. */
  private readonly groups = new Map<string, Set<string>>();
  /**
   * The input of each group's last check: its files sorted, with their texts.
   * A text change replaces one entry (a copy of the array, no sorting); the
   * input is rebuilt only when the group gains or loses a file.
   */
  private readonly inputs = new Map<string, { files: SourceFile[]; index: Map<string, number> }>();
  /** The last check of each group (reused for unchanged groups; `previous` for the next check of a dirty one). */
  private readonly checked = new Map<string, CheckResult | Failed>();
  private readonly dirty = new Set<string>();
  /** Files changed (text, appeared, disappeared) since their group was last checked. */
  private readonly touchedPaths = new Set<string>();
  /** Accumulated for `takeAffected` (across snapshots: a request may take a snapshot before the server publishes). */
  private affected: Affected = { all: false, paths: new Set() };
  private generation = 0;
  private snap: Snapshot | undefined;

  constructor(private readonly log: (msg: string) => void = () => {}) {}

  setRoots(roots: string[]): void {
    this.roots = roots;
    this.disk.clear();
    for (const r of roots) this.scan(r, 0, realRoot(r));
    // Every file may now belong to another group: regroup everything.
    this.groups.clear();
    this.inputs.clear();
    for (const p of [...this.disk.keys(), ...this.open.keys()]) this.place(p);
    for (const k of this.checked.keys()) if (!this.groups.has(k)) this.checked.delete(k);
    for (const k of this.groups.keys()) this.dirty.add(k);
    // Files may have moved between groups: every file may have new diagnostics.
    this.affected.all = true;
    this.changed();
  }

  private scan(dir: string, depth: number, root: string): void {
    if (depth > MAX_DEPTH) return;
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
        // The CLI's policy (cli/files.ts): a symbolic link is followed only when it resolves inside the folder.
        if (lstatSync(p).isSymbolicLink() && !within(realpathSync(p), root)) {
          this.log(`skipped ${p}: a symbolic link to a place outside the workspace folder`);
          continue;
        }
      } catch {
        continue;
      }
      if (st.isDirectory()) this.scan(p, depth + 1, root);
      else if (e.endsWith(EXTENSION)) this.readDisk(p);
    }
  }

  private readDisk(path: string): boolean {
    try {
      // The CLI's symbolic-link policy (cli/files.ts): never read a file that resolves outside every workspace folder.
      const real = realpathSync(path);
      if (real !== path && !this.roots.some((r) => within(real, realRoot(r)))) {
        this.log(`skipped ${path}: a symbolic link to a file outside the workspace folders`);
        this.disk.delete(path);
        return false;
      }
      this.disk.set(path, readFileSync(path, "utf8"));
      return true;
    } catch (e) {
      this.log(`could not read ${path}: ${(e as Error).message}`);
      this.disk.delete(path);
      return false;
    }
  }

  /**
   * A watched file changed on disk (created or changed: re-read; deleted: forget).
   * A file the start-up scan would not read (outside every folder, or under a
   * skipped directory such as `dist/` or `node_modules/`) is ignored, so the
   * workspace stays what a fresh start would read.
   */
  diskChanged(path: string, deleted: boolean): void {
    if (!this.scanned(path)) return;
    if (deleted) this.disk.delete(path);
    else this.readDisk(path);
    this.touched(path);
  }

  openDoc(path: string, text: string, version: number): void {
    this.open.set(path, { text, version });
    this.touched(path);
  }

  changeDoc(path: string, text: string, version: number): void {
    this.open.set(path, { text, version });
    this.touched(path);
  }

  closeDoc(path: string): void {
    this.open.delete(path);
    // The disk content takes over again (re-read: the editor may have saved), for a file the scan reads.
    if (this.scanned(path)) this.readDisk(path);
    else this.disk.delete(path);
    this.touched(path);
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

  /**
   * The files whose diagnostics may have changed since the previous call
   * (computed by the re-checks of `snapshot()`, which this calls first), and
   * forgets them.
   */
  takeAffected(): Affected {
    this.snapshot();
    const out = this.affected;
    this.affected = { all: false, paths: new Set() };
    return out;
  }

  /** Whether the scan of the workspace folders reads `path` (inside a folder, under no skipped directory). */
  private scanned(path: string): boolean {
    if (!path.endsWith(EXTENSION)) return false;
    return this.roots.some((r) => {
      const prefix = r.endsWith("/") ? r : r + "/";
      if (!path.startsWith(prefix)) return false;
      const dirs = path.slice(prefix.length).split("/").slice(0, -1);
      return dirs.length <= MAX_DEPTH && !dirs.some((d) => SKIP_DIRS.has(d));
    });
  }

  /** The group a file belongs to: its workspace folder (or directory), or itself when it is not a file. */
  private keyOf(path: string): string {
    return path.startsWith("/") ? this.rootOf(path) : path;
  }

  /** Puts a file into its group, or takes it out when it no longer has a text. */
  private place(path: string): string {
    const key = this.keyOf(path);
    let g = this.groups.get(key);
    if (this.text(path) === undefined) {
      if (g?.delete(path)) this.inputs.delete(key);
      if (g && !g.size) this.groups.delete(key);
    } else {
      if (!g) this.groups.set(key, (g = new Set()));
      if (!g.has(path)) {
        g.add(path);
        this.inputs.delete(key);
      }
    }
    return key;
  }

  /** One file's text changed, appeared or disappeared: only its group is re-checked. */
  private touched(path: string): void {
    this.dirty.add(this.place(path));
    this.touchedPaths.add(path);
    this.changed();
  }

  private changed(): void {
    this.generation++;
    this.snap = undefined;
  }

  /** The sorted input of a group, from the previous one when only texts of `touched` files changed. */
  private inputOf(key: string, files: Set<string>, touched: string[], previous: CheckResult | undefined): SourceFile[] {
    let input = this.inputs.get(key);
    if (!input) {
      const sorted = [...files].sort();
      input = { files: sorted.map((uri) => ({ uri, text: this.text(uri) ?? "" })), index: new Map(sorted.map((p, i) => [p, i])) };
    } else {
      // A copy: the previous check may keep the array it was given.
      const list = input.files.slice();
      for (const t of touched) {
        const i = input.index.get(t);
        const text = this.text(t);
        if (i !== undefined && text !== undefined && list[i]!.text !== text) list[i] = { uri: t, text, ...this.reparsed(previous?.files.get(t), text) };
      }
      input = { files: list, index: input.index };
    }
    this.inputs.set(key, input);
    return input.files;
  }

  /**
   * The changed text parsed again from its previous parse, only the top-level
   * declarations the change touches (core/syntax/incremental.ts; the same
   * result as a full parse). The checker parses afresh when there is none.
   */
  private reparsed(before: ParseResult | undefined, text: string): { parsed?: ParseResult } {
    if (!before) return {};
    try {
      return { parsed: reparse(before, text) };
    } catch (e) {
      // INVARIANT: the editor never crashes; the checker parses the text in full instead.
      this.log(`reparsing failed: ${(e as Error).stack ?? String(e)}`);
      return {};
    }
  }

  /**
   * Records the files whose diagnostics a group's re-check may have changed:
   * the touched files, every re-checked unit, and what each of them sees now
   * or saw in the previous check (used and unused declarations, duplicates,
   * cycles and one-lead-per-view findings all live in those files). Without a
   * usable previous check (first check, a failed one), every file of the group.
   */
  private noteAffected(touched: string[], prev: CheckResult | Failed | undefined, next: CheckResult | Failed | undefined): void {
    const out = this.affected.paths;
    for (const t of touched) out.add(t);
    const before = prev && !("failed" in prev) ? prev : undefined;
    const after = next && !("failed" in next) ? next : undefined;
    if (!before || !after) {
      for (const c of [prev, next]) if (c) for (const p of ("failed" in c ? c.failed : c.files).keys()) out.add(p);
      return;
    }
    const addView = (c: CheckResult, p: string) => {
      if (c.files.has(p)) for (const v of c.visibleFiles(p)) out.add(v);
    };
    // What a touched file saw before (for a file that disappeared, the only record of it):
    // a declaration there may have lost its only use.
    for (const t of touched) addView(before, t);
    for (const u of after.rechecked) {
      out.add(u);
      addView(after, u);
      addView(before, u);
    }
    // A file that appeared or disappeared changes the did-you-mean of every import that finds no file.
    if (touched.some((t) => before.files.has(t) !== after.files.has(t)))
      for (const c of [before, after]) for (const d of c.diagnostics) if (d.code === "CR2003") out.add(d.uri);
  }

  /** The workspace folder a file belongs to (the outermost, when folders are nested), or its own directory for a loose file. */
  rootOf(path: string): string {
    return rootIn(this.roots, path);
  }

  /**
   * The current snapshot. After a change only the dirty groups are re-checked
   * (one `checkWorkspace` each, which re-parses only changed files); nothing
   * else is computed up front.
   */
  snapshot(): Snapshot {
    if (this.snap) return this.snap;
    const touchedBy = new Map<string, string[]>();
    for (const t of this.touchedPaths) {
      const k = this.keyOf(t);
      const l = touchedBy.get(k);
      if (l) l.push(t);
      else touchedBy.set(k, [t]);
    }
    for (const key of this.dirty) {
      const files = this.groups.get(key);
      const prev = this.checked.get(key);
      const touched = touchedBy.get(key) ?? [];
      if (!files?.size) {
        this.checked.delete(key);
        this.inputs.delete(key);
        this.noteAffected(touched, prev, undefined);
        continue;
      }
      const previous = prev && !("failed" in prev) ? prev : undefined;
      // A document that is not a file is checked on its own, as a one-file workspace.
      const root = key.startsWith("/") ? key : "";
      let next: CheckResult | Failed;
      try {
        // Each declaration's result is kept: after an incremental reparse only the declarations an edit touches (and their dependents) are checked again.
        next = checkWorkspace({ root, files: this.inputOf(key, files, touched, previous) }, { previous, keepDeclarations: true });
      } catch (e) {
        // INVARIANT: the checker never throws; should it, the files still get their syntax diagnostics.
        this.log(`checking ${key} failed: ${(e as Error).stack ?? String(e)}`);
        next = { failed: new Map([...files].map((p) => [p, parse(this.text(p) ?? "", p)])), error: e };
      }
      this.checked.set(key, next);
      this.noteAffected(touched, prev, next);
    }
    this.dirty.clear();
    this.touchedPaths.clear();
    const checked = new Map(this.checked);
    const roots = [...this.roots];
    const keyOf = (path: string) => (path.startsWith("/") ? rootIn(roots, path) : path);
    const checkOf = (path: string): CheckResult | undefined => {
      const c = checked.get(keyOf(path));
      return c && !("failed" in c) && c.files.has(path) ? c : undefined;
    };
    let paths: string[] | undefined;
    this.snap = {
      generation: this.generation,
      paths: () => (paths ??= [...checked.values()].flatMap((c) => [...("failed" in c ? c.failed : c.files).keys()]).sort()),
      file: (path) => {
        const c = checked.get(keyOf(path));
        return c && ("failed" in c ? c.failed.get(path) : c.files.get(path));
      },
      checkOf,
      checks: () => [...checked.values()].filter((c): c is CheckResult => !("failed" in c)),
      diagnosticsOf: (path) => {
        const c = checked.get(keyOf(path));
        if (!c) return [];
        if ("failed" in c) {
          if (!c.failed.has(path)) return [];
          return limitCascade([internalErrorDiagnostic(path, "check", c.error), ...c.failed.get(path)!.diagnostics].sort(compareDiagnostics));
        }
        return c.files.has(path) ? c.diagnosticsOf(path) : [];
      },
      dependents: (path) => checkOf(path)?.dependents(path) ?? [path],
    };
    return this.snap;
  }
}

/**
 * The outermost of `roots` holding `path`, or its own directory. Nested
 * folders are one workspace: a file of the outer folder may import a file of
 * the inner one (as a check of the outer folder allows), so both are checked
 * together, with the outer folder as the root.
 */
function rootIn(roots: string[], path: string): string {
  let best: string | undefined;
  for (const r of roots) if ((path === r || path.startsWith(r.endsWith("/") ? r : r + "/")) && (!best || r.length < best.length)) best = r;
  return best ?? dirname(path);
}
