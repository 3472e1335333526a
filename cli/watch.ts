/**
 * `check --watch` and `test --watch`: run once, then again after every save, incrementally.
 *
 * A session keeps what the previous run computed: the text of each file (read again only when
 * its size, modification time or inode changed), the previous check (passed back to
 * `checkWorkspace`, which re-checks only the files whose view changed) and, for `test`, the runs
 * of each file's journeys (run again only when that file was re-checked). Nothing ends the watch
 * but Ctrl-C, SIGINT or SIGTERM (exit code 0): a bad edit, an unreadable or deleted file and an
 * internal error are shown and the watch goes on.
 */
import { readdirSync, statSync, watch as watchFolder, type FSWatcher } from "node:fs";
import * as path from "node:path";
import type { CheckResult } from "../core/checker/check.js";
import { colorsFor } from "./color.js";
import { ExitCode, UsageError } from "./exit.js";
import { EXTENSION, readTextFile, type LoadedWorkspace, type TextRead } from "./files.js";
import { runAll, type JourneyRun } from "./journeys.js";
import { sanitize } from "./output/safe.js";
import { checkFiles, type InternalErrors, type WorkspaceJourney } from "./workspace.js";
import { plural } from "../core/text/words.js";
import { CONFIG_FILE } from "../core/config/file.js";

/** What a command's run reads through while watching (see runCheck, runTest). */
export interface WatchSession {
  /** Reads a file, from the previous run's text when the file did not change on disk. */
  read: (file: string) => TextRead;
  /** Checks the workspace from the previous check; `quiet`: only errors are counted. */
  check: (ws: LoadedWorkspace, quiet?: boolean) => CheckResult;
  /** Runs the journeys, reusing the previous runs of files that were not re-checked. */
  run: (journeys: WorkspaceJourney[], internal: InternalErrors) => JourneyRun[];
}

interface CachedText {
  key: string;
  read: TextRead;
}

/** Debounce of change events: one save often gives several. */
const QUIET_MS = 100;

class Session implements WatchSession {
  private texts = new Map<string, CachedText>();
  private lastTexts = new Map<string, string>();
  private previous: CheckResult | undefined;
  private previousRoot: string | undefined;
  private runsByFile = new Map<string, JourneyRun[]>();
  /** Figures of the current run, for its summary line. */
  files = 0;
  changed = 0;
  errors = 0;
  warnings = 0;
  ran = 0;
  rerun = 0;
  failed = 0;
  root: string | undefined;

  begin(): void {
    this.files = this.changed = this.errors = this.warnings = this.ran = this.rerun = this.failed = 0;
  }

  read = (file: string): TextRead => {
    let key: string;
    try {
      const st = statSync(file);
      key = `${st.size}:${st.mtimeMs}:${st.ino}`;
    } catch {
      this.texts.delete(file);
      return readTextFile(file);
    }
    const cached = this.texts.get(file);
    if (cached && cached.key === key) return cached.read;
    const read = readTextFile(file);
    this.texts.set(file, { key, read });
    return read;
  };

  check = (ws: LoadedWorkspace, quiet?: boolean): CheckResult => {
    this.root = ws.root;
    const now = new Map(ws.files.map((f) => [f.uri, f.text]));
    let changed = 0;
    for (const [uri, text] of now) if (this.lastTexts.get(uri) !== text) changed++;
    for (const uri of this.lastTexts.keys()) if (!now.has(uri)) changed++;
    this.lastTexts = now;
    const previous = this.previousRoot === ws.root ? this.previous : undefined;
    const check = checkFiles(ws.root, ws.files, previous) as CheckResult;
    this.previous = check;
    this.previousRoot = ws.root;
    // Journeys of files checked afresh (or gone) run again.
    const rechecked = new Set(check.rechecked);
    for (const uri of [...this.runsByFile.keys()]) if (rechecked.has(uri) || !now.has(uri) || !previous) this.runsByFile.delete(uri);
    this.files = [...now.keys()].filter((u) => ws.selected.has(u)).length;
    this.changed = changed;
    for (const d of check.diagnostics) {
      if (!ws.selected.has(d.uri)) continue;
      if (d.severity === "error") this.errors++;
      else if (d.severity === "warning" && !quiet) this.warnings++;
    }
    return check;
  };

  run = (journeys: WorkspaceJourney[], internal: InternalErrors): JourneyRun[] => {
    const byFile = new Map<string, WorkspaceJourney[]>();
    for (const j of journeys) byFile.set(j.uri, [...(byFile.get(j.uri) ?? []), j]);
    const out: JourneyRun[] = [];
    for (const [uri, list] of byFile) {
      const names = list.map((j) => j.name).join("\0");
      const kept = this.runsByFile.get(uri);
      // Reused only for the same journeys (`--filter` selects by name); a file whose run failed internally runs again.
      if (kept && kept.map((r) => r.journey.name).join("\0") === names) {
        out.push(...kept);
        continue;
      }
      const runs = runAll(list, internal);
      if (!internal.has(uri)) this.runsByFile.set(uri, runs);
      else this.runsByFile.delete(uri);
      this.rerun += runs.length;
      out.push(...runs);
    }
    this.ran = out.length;
    this.failed = out.filter((r) => !r.result.passed).length;
    return out;
  };
}

/**
 * Runs `run` once, then after every change under the workspace root (and to crmrules.json here) until a signal; resolves
 * with exit code 0. A usage error on the first run (a bad option) ends the command as usual.
 */
export async function watch(kind: "check" | "test", paths: string[], opts: { format: string; coverageOut?: string }, run: (s: WatchSession) => ExitCode): Promise<ExitCode> {
  if (paths.includes("-")) throw new UsageError("`--watch` reads files again on every save: it does not go with `-` (standard input)");
  if (opts.coverageOut !== undefined) throw new UsageError("`--watch` does not go with `--coverage-out` (the file would be rewritten on every save)");
  if (opts.format !== "text") throw new UsageError(`\`--watch\` shows a screen for people after each run: it goes with \`--format text\` only, not \`${opts.format}\``);
  const session = new Session();
  const out = process.stdout;
  const c = colorsFor(out);
  const err = colorsFor(process.stderr);
  let runs = 0;
  const once = (note?: string): string => {
    if (runs > 0) out.write(out.isTTY ? "\x1b[2J\x1b[3J\x1b[H" : `${"─".repeat(40)}\n`);
    runs++;
    if (note) out.write(`${note}\n`);
    session.begin();
    try {
      run(session);
    } catch (e) {
      if (runs === 1 && e instanceof UsageError) throw e;
      const message = e instanceof UsageError ? e.message : e instanceof Error ? (e.stack ?? e.message) : String(e);
      process.stderr.write(`${err.red(e instanceof UsageError ? "crmrules:" : "crmrules: internal error:")} ${sanitize(message)}\n`);
    }
    const time = new Date().toTimeString().slice(0, 8);
    const parts = [`${plural(session.files, "file")} checked (${session.changed} changed)`];
    if (kind === "test") parts.push(`${plural(session.ran, "journey")} (${session.rerun} run again), ${session.failed} failed`);
    parts.push(plural(session.errors, "error"));
    if (kind === "check") parts.push(plural(session.warnings, "warning"));
    const bad = session.errors > 0 || session.failed > 0;
    // Returned, not written: the watchers are set up first, so a save right after the line is seen.
    return `${c.dim(`[${time}]`)} ${(bad ? c.red : c.green)(parts.join(", "))} — watching for changes\n`;
  };
  // The first run reads the workspace root, which the watchers need: its usage errors end the command.
  const first = once();

  return new Promise<ExitCode>((resolve) => {
    // One non-recursive watcher per folder, set up synchronously: Node 20's `recursive` on Linux
    // walks the tree asynchronously, so a save just after the first run could go unseen.
    const watchers = new Map<string, FSWatcher>();
    const complained = new Set<string>();
    let timer: NodeJS.Timeout | undefined;
    let config = false;
    const root = (): string => path.resolve(session.root ?? process.cwd());
    const relevant = (base: string): boolean => {
      if (base === CONFIG_FILE) config = true;
      // A folder renamed or removed has no extension: its files may have come or gone.
      return base.endsWith(EXTENSION) || base === CONFIG_FILE || !base.includes(".");
    };
    const schedule = (): void => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        timer = undefined;
        const note = config ? `${err.yellow("note:")} ${CONFIG_FILE} changed: its options are read when the watch starts; restart the watch to apply them` : undefined;
        config = false;
        const summary = once(note);
        rewatch();
        out.write(summary);
      }, QUIET_MS);
    };
    const forget = (dir: string): void => {
      for (const [d, w] of watchers) if (d === dir || d.startsWith(dir + path.sep)) (w.close(), watchers.delete(d));
    };
    const add = (dir: string, recursive: boolean): void => {
      if (watchers.has(dir)) return;
      const w = watchFolder(dir, (event, name) => {
        if (name === null) return schedule();
        const full = path.join(dir, String(name));
        if (event === "rename" && recursive) {
          let isDir = false;
          try {
            isDir = statSync(full).isDirectory();
          } catch {
            forget(full);
          }
          if (isDir) tree(full);
        }
        if (relevant(String(name))) schedule();
      });
      // The folder went away: the next run reports its files as missing.
      w.on("error", () => forget(dir));
      watchers.set(dir, w);
    };
    const tree = (dir: string): void => {
      const base = path.basename(dir);
      if (base === "node_modules" || base === ".git") return;
      try {
        add(dir, true);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        // Removed while being walked: its parent's watcher reports it; anything else (the system's limit of watches) is said once.
        if (code !== "ENOENT" && !complained.has(dir)) process.stderr.write(`${err.red("crmrules:")} cannot watch ${sanitize(dir)} (${sanitize((e as Error).message)})\n`);
        complained.add(dir);
        return;
      }
      try {
        for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) tree(path.join(dir, e.name));
      } catch {
        // Removed while being walked: its parent's watcher reports it.
      }
    };
    const rewatch = (): void => {
      const r = root();
      for (const d of watchers.keys()) if (d !== process.cwd() && !(d === r || d.startsWith(r + path.sep))) forget(d);
      try {
        statSync(r);
        tree(r);
        complained.delete(r);
      } catch (e) {
        if (!complained.has(r)) process.stderr.write(`${err.red("crmrules:")} cannot watch ${sanitize(r)} (${sanitize((e as Error).message)}); trying again every second\n`);
        complained.add(r);
      }
      // crmrules.json in the current folder (the one the options were read from).
      try {
        add(process.cwd(), false);
      } catch {
        // The current folder is gone; nothing to read a configuration from.
      }
    };
    rewatch();
    out.write(first);
    // A workspace folder that went away is watched again once it is back.
    const retry = setInterval(() => {
      if (!watchers.has(root())) {
        const back = complained.has(root());
        rewatch();
        if (back && watchers.has(root())) schedule();
      }
    }, 1000);
    const stop = (): void => {
      if (timer) clearTimeout(timer);
      clearInterval(retry);
      for (const w of watchers.values()) w.close();
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve(ExitCode.Success);
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}
