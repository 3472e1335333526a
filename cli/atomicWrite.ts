/**
 * Writing an output file so that a reader never sees half of it: every byte goes to a
 * temporary file in the target's folder (`.NAME.crmrules-PID-N.tmp`), which is renamed over
 * the target only once it is complete. A run that fails, or is stopped by SIGINT or SIGTERM,
 * removes its temporary files and leaves the target as it was; a run killed by SIGKILL
 * cannot clean up, but the target is still untouched (only the hidden temporary file stays).
 *
 * Every command that writes a file uses this module: `--out` of `simulate --events` and
 * `generate`, and `fmt` rewriting files in place. A file written by someone else (DuckDB
 * writing Parquet, CSV or a database) is written in a temporary folder from `openAtomicPath`
 * (`.NAME.crmrules-PID-N.tmp/`, with its scratch files), which goes when it is committed or aborted.
 *
 * Temporary files of a crmrules process that no longer runs on this machine (one killed by
 * SIGKILL) are removed when a later run writes the same target.
 */
import { chmodSync, closeSync, createWriteStream, fsyncSync, lstatSync, mkdirSync, openSync, readdirSync, realpathSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import * as path from "node:path";
import type { Writable } from "node:stream";
import { UsageError } from "./exit.js";
import { ioMessage } from "./files.js";

/** An output file being written: write to `stream`, then `commit()` (or `abort()`). */
export interface AtomicOutput {
  /** The final path. */
  readonly target: string;
  /** The temporary file the stream writes to. */
  readonly temp: string;
  /** Where the bytes go (a file stream on the temporary file). */
  readonly stream: Writable;
  /**
   * Ends the stream, flushes it to disk and renames the temporary file over the target.
   * Rejects with a `UsageError` (exit code 2) naming the file when writing failed; the
   * temporary file is removed then and the target is left as it was.
   */
  commit(): Promise<void>;
  /** Drops everything written: destroys the stream and removes the temporary file. Idempotent. */
  abort(): void;
  /** The write error so far, as an `OutputError` naming the file (undefined while writing works). */
  failed(): OutputError | undefined;
}

/** Temporary files not yet renamed or removed; removed on SIGINT, SIGTERM and process exit. */
const pending = new Set<string>();
let counter = 0;
let hooked = false;

function removeQuietly(file: string): void {
  try {
    // A scratch path may be a folder (DuckDB's spill folder beside its database).
    rmSync(file, { recursive: true, force: true });
  } catch {
    // not ours to remove
  }
  pending.delete(file);
}

function hookSignals(): void {
  if (hooked) return;
  hooked = true;
  const cleanAll = () => {
    for (const f of [...pending]) removeQuietly(f);
  };
  // `exit` covers process.exit() on an internal error and a normal end with an uncommitted file.
  process.on("exit", cleanAll);
  for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
    process.on(signal, () => {
      cleanAll();
      // The conventional status of a process ended by a signal: 128 + its number.
      process.exit(code);
    });
  }
}

/** A file that cannot be written: a `UsageError` (exit code 2) whose `reason` omits the file's name. */
export class OutputError extends UsageError {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file} ${reason}`);
  }
}

/**
 * What `arg` names as a writable output, or an `OutputError` that says why it cannot be.
 * A symbolic link at the target is replaced by the new file, never written through: a link
 * committed to a repository cannot make `--out` overwrite a file elsewhere. `fmt` rewrites
 * rules files it was allowed to read (links inside the workspace root) and writes through them
 * (`followLinks`), so the link stays a link.
 */
function prepare(arg: string, cwd: string, followLinks = false): { target: string; temp: string; mode?: number } {
  let target = path.resolve(cwd, arg);
  let mode: number | undefined;
  try {
    const link = lstatSync(target);
    if (link.isSymbolicLink() && followLinks) target = realpathSync(target);
    if (!link.isSymbolicLink() || followLinks) {
      const st = statSync(target);
      if (st.isDirectory()) throw new OutputError(arg, "is a folder; give a file name to write to");
      mode = st.mode & 0o7777;
    }
  } catch (e) {
    if (e instanceof UsageError) throw e;
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw new OutputError(arg, writeMessage(e));
  }
  removeStale(target);
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.crmrules-${process.pid}-${++counter}.tmp`);
  return { target, temp, mode };
}

/** True when a process of that id runs on this machine (EPERM: it runs, as another user). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Removes the temporary files and folders a killed run left beside `target`
 * (`.NAME.crmrules-PID-N.tmp`): only those of a process id that no longer runs here, never those
 * of a run still writing.
 */
export function removeStale(target: string): string[] {
  const dir = path.dirname(target);
  const prefix = `.${path.basename(target)}.crmrules-`;
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return removed; // the folder's problem is reported when the file is created
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const m = /^(\d+)-\d+(\.[\w-]+)*\.tmp(\.wal)?$/.exec(name.slice(prefix.length));
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || alive(pid)) continue;
    try {
      rmSync(path.join(dir, name), { recursive: true, force: true });
      removed.push(name);
    } catch {
      // not ours to remove: it stays, clearly named
    }
  }
  return removed;
}

/** An IO error in words, for a file being written. */
export function writeMessage(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === "ENOENT") return "cannot be written: its folder does not exist";
  if (code === "ENOTDIR") return "cannot be written: part of its path is not a folder";
  if (code === "EACCES" || code === "EPERM") return "cannot be written: permission denied";
  if (code === "ENOSPC") return "cannot be written: the disk is full";
  if (code === "EROFS") return "cannot be written: the file system is read-only";
  return ioMessage(e).replace("cannot be read", "cannot be written");
}

function openTemp(arg: string, temp: string, mode: number | undefined): number {
  hookSignals();
  let fd: number;
  try {
    fd = openSync(temp, "wx", mode ?? 0o666);
  } catch (e) {
    throw new OutputError(arg, writeMessage(e));
  }
  pending.add(temp);
  return fd;
}

/** Flushes a closed file's data to disk, so that the rename never exposes an empty file after a crash. */
function syncToDisk(file: string): void {
  const fd = openSync(file, "r+");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function finish(arg: string, temp: string, target: string, mode: number | undefined): void {
  try {
    if (mode !== undefined) chmodSync(temp, mode); // keep the permissions of the file replaced
    renameSync(temp, target);
    pending.delete(temp);
  } catch (e) {
    removeQuietly(temp);
    throw new OutputError(arg, writeMessage(e));
  }
}

/**
 * `--out FILE`, where `-` means standard output (written as it comes; nothing to rename):
 * the one place the CLI opens an output argument.
 */
export function openOutput(arg: string, cwd: string = process.cwd()): AtomicOutput {
  if (arg !== "-") return openAtomic(arg, cwd);
  let failure: OutputError | undefined;
  const stream = process.stdout;
  const onError = (e: unknown) => {
    failure ??= new OutputError("standard output", ioMessage(e).replace("cannot be read", "cannot be written"));
  };
  stream.on("error", onError);
  return {
    target: "-",
    temp: "-",
    stream,
    async commit() {
      // Standard output is never ended (the process may still write to it); wait until it has taken every byte.
      if (stream.writableNeedDrain) await new Promise<void>((r) => stream.once("drain", () => r()));
      stream.off("error", onError);
      if (failure) throw failure;
    },
    abort() {
      stream.off("error", onError);
    },
    failed: () => failure,
  };
}

/**
 * Opens `arg` (relative to `cwd`) for writing through a temporary file. Throws a `UsageError`
 * at once when the file cannot be created (a missing folder, no permission, a folder of that
 * name), so a command fails before it does any work.
 */
export function openAtomic(arg: string, cwd: string = process.cwd()): AtomicOutput {
  const { target, temp, mode } = prepare(arg, cwd);
  const fd = openTemp(arg, temp, mode);
  // The stream owns the descriptor from here (it closes it when it ends or is destroyed).
  const stream = createWriteStream(temp, { fd, autoClose: true });
  let failure: unknown;
  stream.on("error", (e) => {
    failure ??= e;
  });
  const closed = new Promise<void>((resolve) => stream.once("close", () => resolve()));
  let state: "open" | "committed" | "aborted" = "open";
  const abort = () => {
    if (state !== "open") return;
    state = "aborted";
    stream.destroy();
    removeQuietly(temp);
  };
  const commit = async () => {
    if (state !== "open") throw new Error(`output ${arg} was already ${state}`);
    if (failure === undefined && !stream.writableEnded) stream.end();
    await closed;
    if (failure === undefined) {
      try {
        syncToDisk(temp);
      } catch (e) {
        failure = e;
      }
    }
    if (failure !== undefined) {
      const e = failure;
      abort();
      throw new OutputError(arg, writeMessage(e));
    }
    state = "committed";
    finish(arg, temp, target, mode);
  };
  const failed = () => (failure === undefined ? undefined : new OutputError(arg, writeMessage(failure)));
  return { target, temp, stream, commit, abort, failed };
}

/**
 * A file another writer fills (DuckDB): a temporary folder beside the target
 * (`.NAME.crmrules-PID-N.tmp/`) holds the file being written and every scratch file; the file is
 * renamed over the target by `commit`, and the folder goes with everything in it. A writer still
 * running when the folder is removed (a signal) cannot create its files again: their folder is gone.
 */
export interface AtomicPath {
  /** The final path. */
  readonly target: string;
  /** The file to write, inside the temporary folder (not created: the writer creates it). */
  readonly temp: string;
  /** True when the target exists (as a file; a symbolic link is replaced, never followed). */
  readonly exists: boolean;
  /** A scratch path in the temporary folder (DuckDB puts its `.wal` and `.tmp` spill folder beside it there). */
  scratch(name: string): string;
  /** Flushes the file to disk and renames it over the target; removes the temporary folder. */
  commit(): void;
  /** Removes the temporary folder and everything in it; the target stays as it was. Idempotent. */
  abort(): void;
  /** Removes the temporary folder only (the target was written in place: a DuckDB database's transaction). */
  done(): void;
}

/**
 * Opens `arg` (relative to `cwd`) for a writer that writes a file by its name: throws an
 * `OutputError` at once when its folder cannot be written. Signals and process exit remove the
 * temporary folder.
 */
export function openAtomicPath(arg: string, cwd: string = process.cwd()): AtomicPath {
  const { target, temp: folder, mode } = prepare(arg, cwd);
  hookSignals();
  try {
    mkdirSync(folder);
  } catch (e) {
    throw new OutputError(arg, writeMessage(e));
  }
  pending.add(folder);
  const temp = path.join(folder, path.basename(target));
  let exists = false;
  try {
    exists = statSync(target).isFile() && !lstatSync(target).isSymbolicLink();
  } catch {
    // no file there
  }
  let state: "open" | "committed" | "aborted" = "open";
  return {
    target,
    temp,
    exists,
    scratch: (name) => path.join(folder, name),
    commit() {
      if (state !== "open") throw new Error(`output ${arg} was already ${state}`);
      state = "committed";
      try {
        syncToDisk(temp);
      } catch (e) {
        removeQuietly(folder);
        throw new OutputError(arg, writeMessage(e));
      }
      try {
        if (mode !== undefined) chmodSync(temp, mode); // keep the permissions of the file replaced
        renameSync(temp, target);
      } catch (e) {
        removeQuietly(folder);
        throw new OutputError(arg, writeMessage(e));
      }
      removeQuietly(folder);
    },
    abort() {
      if (state !== "open") return;
      state = "aborted";
      removeQuietly(folder);
    },
    done() {
      if (state !== "open") return;
      state = "committed";
      removeQuietly(folder);
    },
  };
}

/** Writes `text` to `arg` (relative to `cwd`) through a temporary file, synchronously. */
export function writeFileAtomic(arg: string, text: string | Uint8Array, cwd: string = process.cwd(), options: { followLinks?: boolean } = {}): void {
  const { target, temp, mode } = prepare(arg, cwd, options.followLinks);
  const fd = openTemp(arg, temp, mode);
  try {
    const bytes = typeof text === "string" ? Buffer.from(text, "utf8") : text;
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
  } catch (e) {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
    removeQuietly(temp);
    throw new OutputError(arg, writeMessage(e));
  }
  closeSync(fd);
  finish(arg, temp, target, mode);
}

/** Temporary files of this process not yet committed or removed (for tests). */
export function pendingTemporaryFiles(): string[] {
  return [...pending];
}
