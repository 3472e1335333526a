/**
 * Reading the user's files: discovery of `.crmrules` files under the given
 * paths, with size and binary checks. Every unreadable input becomes one
 * `InputProblem` naming it; the run goes on with the rest.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import type { SourceFile } from "../core/workspace.js";

export const EXTENSION = ".crmrules";
/** Larger files are skipped with a message: no hand-written rule file is this big. */
export const MAX_FILE_BYTES = 5 * 1024 * 1024;
const SKIPPED_DIRS = new Set(["node_modules", ".git", "dist", "out"]);

export interface InputProblem {
  /** The input as the user named it (a path, a revision, an event-log line). */
  input: string;
  message: string;
}

export interface LoadedWorkspace {
  /** Absolute POSIX path. */
  root: string;
  /** Every file of the workspace (with `--root`: every file under the root, so imports resolve). */
  files: SourceFile[];
  /** Uris of the files the paths name: the ones to report on. */
  selected: Set<string>;
  problems: InputProblem[];
}

export function toPosix(p: string): string {
  return p.split(path.sep).join("/");
}

/** A path for messages: relative to the working directory when inside it. */
export function displayPath(uri: string, cwd = process.cwd()): string {
  const rel = path.relative(cwd, uri);
  if (rel === "") return ".";
  if (rel.startsWith("..") || path.isAbsolute(rel)) return toPosix(uri);
  return toPosix(rel);
}

export type TextRead = { ok: true; text: string } | { ok: false; message: string };

/** Decodes file content as UTF-8 text, refusing binary content and oversized files. */
export function decodeText(bytes: Uint8Array): TextRead {
  if (bytes.length > MAX_FILE_BYTES) {
    return { ok: false, message: `is ${(bytes.length / 1024 / 1024).toFixed(1)} MB, over the ${MAX_FILE_BYTES / 1024 / 1024} MB limit for a rules file; skipped` };
  }
  const head = bytes.subarray(0, 8000);
  if (head.includes(0)) return { ok: false, message: "is not a text file (it contains binary data); skipped" };
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, message: "is not UTF-8 text; skipped" };
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return { ok: true, text };
}

export function readTextFile(file: string): TextRead {
  let size: number;
  try {
    size = statSync(file).size;
  } catch (e) {
    return { ok: false, message: ioMessage(e) };
  }
  if (size > MAX_FILE_BYTES) return decodeText(new Uint8Array(size)); // the size message, without reading it
  try {
    return decodeText(readFileSync(file));
  } catch (e) {
    return { ok: false, message: ioMessage(e) };
  }
}

export function ioMessage(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  switch (code) {
    case "ENOENT":
      return "does not exist";
    case "EACCES":
    case "EPERM":
      return "cannot be read (permission denied)";
    case "EISDIR":
      return "is a folder, not a file";
    default:
      return `cannot be read (${code ?? String(e)})`;
  }
}

/** Every `.crmrules` file under `inputs` (files named explicitly are taken whatever their extension). */
export function discover(inputs: string[], cwd = process.cwd()): { files: string[]; problems: InputProblem[]; bases: string[] } {
  const files = new Set<string>();
  const problems: InputProblem[] = [];
  const bases: string[] = [];
  for (const input of inputs) {
    const abs = path.resolve(cwd, input);
    let st;
    try {
      st = statSync(abs);
    } catch (e) {
      problems.push({ input, message: ioMessage(e) });
      continue;
    }
    if (st.isDirectory()) {
      bases.push(abs);
      const before = files.size;
      walk(abs, files, problems, cwd);
      if (files.size === before) problems.push({ input, message: `contains no ${EXTENSION} files` });
    } else if (st.isFile()) {
      bases.push(path.dirname(abs));
      files.add(abs);
    } else problems.push({ input, message: "is neither a file nor a folder" });
  }
  return { files: [...files].sort(), problems, bases };
}

function walk(dir: string, out: Set<string>, problems: InputProblem[], cwd: string): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    problems.push({ input: displayPath(dir, cwd), message: ioMessage(e) });
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (SKIPPED_DIRS.has(e.name) || e.name.startsWith(".")) continue;
      walk(full, out, problems, cwd);
    } else if (e.isFile() && e.name.endsWith(EXTENSION)) out.add(full);
  }
}

/** The deepest folder containing every one of `dirs`. */
export function commonDirectory(dirs: string[]): string {
  if (dirs.length === 0) return process.cwd();
  let parts = path.resolve(dirs[0]!).split(path.sep);
  for (const d of dirs.slice(1)) {
    const other = path.resolve(d).split(path.sep);
    let i = 0;
    while (i < parts.length && i < other.length && parts[i] === other[i]) i++;
    parts = parts.slice(0, i);
  }
  return parts.join(path.sep) || path.sep;
}

/** Reads the workspace named by `inputs` (default `.`). */
export function loadWorkspace(inputs: string[], options: { root?: string; cwd?: string } = {}): LoadedWorkspace {
  const cwd = options.cwd ?? process.cwd();
  const found = discover(inputs.length ? inputs : ["."], cwd);
  const problems = [...found.problems];
  const files: SourceFile[] = [];
  const selected = new Set(found.files.map(toPosix));
  const all = new Set(found.files);
  if (options.root) {
    const under = discover([path.resolve(cwd, options.root)], cwd);
    problems.push(...under.problems);
    for (const f of under.files) all.add(f);
  }
  for (const f of [...all].sort()) {
    const r = readTextFile(f);
    if (r.ok) files.push({ uri: toPosix(f), text: r.text });
    else problems.push({ input: displayPath(f, cwd), message: r.message });
  }
  const root = toPosix(options.root ? path.resolve(cwd, options.root) : commonDirectory(found.bases));
  if (options.root) {
    for (const f of files) {
      if (!(f.uri + "/").startsWith(root.endsWith("/") ? root : root + "/")) problems.push({ input: displayPath(f.uri, cwd), message: `is outside the workspace root \`${displayPath(root, cwd)}\`` });
    }
  }
  return { root, files, selected, problems };
}
