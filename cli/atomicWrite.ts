/**
 * Writing an output file so that a reader never sees half of it: every byte goes to a
 * temporary file in the target's folder (`.NAME.crmrules-PID-N.tmp`), which is renamed over
 * the target only once it is complete. A run that fails, or is stopped by SIGINT or SIGTERM,
 * removes its temporary files and leaves the target as it was; a run killed by SIGKILL
 * cannot clean up, but the target is still untouched (only the hidden temporary file stays).
 *
 * Every command that writes a file uses this module: `--out` of `simulate --events` and
 * `generate`, and `fmt` rewriting files in place.
 */
import { chmodSync, closeSync, createWriteStream, fsyncSync, lstatSync, openSync, realpathSync, renameSync, statSync, unlinkSync, writeSync } from "node:fs";
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
    unlinkSync(file);
  } catch {
    // already gone
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
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.crmrules-${process.pid}-${++counter}.tmp`);
  return { target, temp, mode };
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
