/**
 * Reading the user's files: discovery of `.crmrules` files under the given
 * paths, with size and binary checks. Every unreadable input becomes one
 * `InputProblem` naming it; the run goes on with the rest.
 */
import { existsSync, lstatSync, readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import * as path from "node:path";
import type { SourceFile } from "../core/workspace.js";
import { Minimatch } from "minimatch";

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

/** A symbolic link met during discovery: followed only once the workspace root is known. */
export interface FoundLink {
  /** The link's own absolute path. */
  path: string;
  /** How the user named it (for messages). */
  input: string;
  /** Named on the command line (taken whatever its extension), or found in a folder. */
  explicit: boolean;
}

/**
 * Every `.crmrules` file under `inputs` (files named explicitly are taken whatever their extension).
 * Symbolic links are not followed here: they are listed in `links`, for `resolveLinks` to check
 * against the workspace root.
 */
export function discover(inputs: string[], cwd = process.cwd()): { files: string[]; problems: InputProblem[]; bases: string[]; links: FoundLink[] } {
  const files = new Set<string>();
  const problems: InputProblem[] = [];
  const bases: string[] = [];
  const links: FoundLink[] = [];
  for (const input of inputs) {
    const abs = path.resolve(cwd, input);
    let st;
    try {
      st = lstatSync(abs);
    } catch (e) {
      // A glob (`'rules/**/*.crmrules'`, quoted so the shell leaves it): its matches, as if each were named.
      if ((e as NodeJS.ErrnoException).code === "ENOENT" && isGlob(input)) {
        // The folder before the first wildcard is walked as a folder is, and what the glob matches is kept.
        const base = globBase(abs);
        const mm = new Minimatch(toPosix(abs), { dot: false });
        const match = (f: string) => mm.match(f);
        const found = new Set<string>();
        const more: FoundLink[] = [];
        if (existsSync(base)) walk(base, found, more, problems, cwd);
        const hits = [...found].filter((f) => match(toPosix(f)));
        const linkHits = more.filter((l) => match(toPosix(l.path)));
        if (hits.length + linkHits.length === 0) problems.push({ input, message: `matches no ${EXTENSION} files` });
        bases.push(base);
        for (const f of hits) files.add(f);
        links.push(...linkHits);
        continue;
      }
      problems.push({ input, message: ioMessage(e) });
      continue;
    }
    if (st.isSymbolicLink()) {
      bases.push(path.dirname(abs));
      links.push({ path: abs, input, explicit: true });
    } else if (st.isDirectory()) {
      bases.push(abs);
      const before = files.size + links.length;
      walk(abs, files, links, problems, cwd);
      if (files.size + links.length === before) problems.push({ input, message: `contains no ${EXTENSION} files` });
    } else if (st.isFile()) {
      bases.push(path.dirname(abs));
      files.add(abs);
    } else problems.push({ input, message: "is neither a file nor a folder" });
  }
  return { files: [...files].sort(), problems, bases, links };
}

/** Whether a path as given is a glob (`*`, `?`, `[…]`, `{…}`, `!(…)`). */
export function isGlob(input: string): boolean {
  return new Minimatch(toPosix(input)).hasMagic();
}

/** The folder a glob's matches are under: its path up to the first segment with a wildcard. */
function globBase(abs: string): string {
  const parts = abs.split(path.sep);
  const i = parts.findIndex((p) => isGlob(p));
  return i < 0 ? path.dirname(abs) : parts.slice(0, i).join(path.sep) || path.sep;
}

function walk(dir: string, out: Set<string>, links: FoundLink[], problems: InputProblem[], cwd: string): void {
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
      walk(full, out, links, problems, cwd);
    } else if (e.isSymbolicLink()) {
      // A link to a folder is followed whatever its name (unless skipped or hidden); a link to a file only for `.crmrules`.
      if (SKIPPED_DIRS.has(e.name) || e.name.startsWith(".")) continue;
      links.push({ path: full, input: displayPath(full, cwd), explicit: false });
    } else if (e.isFile() && e.name.endsWith(EXTENSION)) out.add(full);
  }
}

function inside(file: string, root: string): boolean {
  const rel = path.relative(root, file);
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}

/**
 * The symbolic-link policy: a link is followed only when everything it resolves to lies inside the
 * workspace root (both resolved, so a root reached through a link works). A link that points outside
 * the root, dangles or loops is one problem naming the link (exit code 2), and nothing of its target
 * is read, so no part of a file outside the root can appear in any output. Links to folders are
 * walked with the same rule for the links inside them; a file reached twice (through a link and
 * directly) is read once, under its first path.
 */
export function resolveLinks(files: string[], links: FoundLink[], root: string, cwd: string): { files: string[]; problems: InputProblem[] } {
  const problems: InputProblem[] = [];
  let realRoot: string;
  try {
    realRoot = realpathSync(root);
  } catch {
    realRoot = root;
  }
  const byReal = new Map<string, string>();
  const real = (f: string) => {
    try {
      return realpathSync(f);
    } catch {
      return f;
    }
  };
  for (const f of files) if (!byReal.has(real(f))) byReal.set(real(f), f);
  const walkedDirs = new Set<string>();
  const queue = [...links];
  for (let link = queue.shift(); link; link = queue.shift()) {
    let target: string;
    try {
      target = realpathSync(link.path);
    } catch (e) {
      // A broken link matters when it names a rules file; other broken links in a folder are not ours.
      if (!link.explicit && !link.path.endsWith(EXTENSION)) continue;
      const code = (e as NodeJS.ErrnoException).code;
      problems.push({ input: link.input, message: code === "ELOOP" ? "is a symbolic link that loops; skipped" : "is a symbolic link to something that does not exist; skipped" });
      continue;
    }
    // Found in a folder, a link to a file is a rules file only by its name.
    const rulesName = link.explicit || link.path.endsWith(EXTENSION);
    if (!inside(target, realRoot)) {
      let folder = false;
      try {
        folder = statSync(target).isDirectory();
      } catch {
        // unreadable: reported below if it names a rules file
      }
      if (!rulesName && !folder) continue;
      problems.push({ input: link.input, message: `is a symbolic link to \`${toPosix(target)}\`, outside the workspace root \`${displayPath(root, cwd)}\`; skipped (links are followed only inside the root)` });
      continue;
    }
    let st;
    try {
      st = statSync(target);
    } catch (e) {
      problems.push({ input: link.input, message: ioMessage(e) });
      continue;
    }
    if (st.isDirectory()) {
      if (walkedDirs.has(target)) continue; // a loop of folder links, or a folder reached twice
      walkedDirs.add(target);
      const found = new Set<string>();
      const more: FoundLink[] = [];
      walk(link.path, found, more, problems, cwd);
      for (const f of [...found].sort()) if (!byReal.has(real(f))) byReal.set(real(f), f);
      queue.push(...more);
    } else if (st.isFile()) {
      if (!rulesName) continue;
      if (!byReal.has(target)) byReal.set(target, link.path);
    } else problems.push({ input: link.input, message: "is a symbolic link to something that is neither a file nor a folder; skipped" });
  }
  return { files: [...new Set(byReal.values())].sort(), problems };
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

/**
 * Reads the workspace named by `inputs` (default `.`). With `stdin`, that text stands for the
 * file at its path (an editor's unsaved buffer, `check -`): it is reported on, and when it is the
 * only input every file under its folder (or `root`) is read so that its imports resolve.
 */
export function loadWorkspace(inputs: string[], options: { root?: string; cwd?: string; stdin?: { path: string; text: string }; read?: (file: string) => TextRead } = {}): LoadedWorkspace {
  const cwd = options.cwd ?? process.cwd();
  const stdin = options.stdin;
  if (stdin && inputs.length === 0) {
    // Every file under the root is read (imports resolve); only the text from standard input is reported.
    const root = path.resolve(cwd, options.root ?? path.dirname(path.resolve(cwd, stdin.path)));
    const ws = loadWorkspace([root], { root, cwd, ...(options.read ? { read: options.read } : {}) });
    const empty = `contains no ${EXTENSION} files`;
    return withStdin({ ...ws, selected: new Set(), problems: ws.problems.filter((p) => p.message !== empty) }, stdin, cwd);
  }
  if (stdin) return withStdin(loadWorkspace(inputs, { root: options.root, cwd, ...(options.read ? { read: options.read } : {}) }), stdin, cwd);
  const found = discover(inputs.length ? inputs : ["."], cwd);
  const problems = [...found.problems];
  const rootPath = options.root ? path.resolve(cwd, options.root) : commonDirectory(found.bases);
  // Symbolic links are followed only inside the root (see resolveLinks).
  const named = resolveLinks(found.files, found.links, rootPath, cwd);
  problems.push(...named.problems);
  const selected = new Set(named.files.map(toPosix));
  const all = new Set(named.files);
  const files: SourceFile[] = [];
  if (options.root) {
    const under = discover([rootPath], cwd);
    problems.push(...under.problems);
    const linked = resolveLinks(under.files, under.links, rootPath, cwd);
    for (const p of linked.problems) if (!problems.some((q) => q.input === p.input && q.message === p.message)) problems.push(p);
    for (const f of linked.files) all.add(f);
  }
  for (const f of [...all].sort()) {
    const r = (options.read ?? readTextFile)(f);
    if (r.ok) files.push({ uri: toPosix(f), text: r.text });
    else problems.push({ input: displayPath(f, cwd), message: r.message });
  }
  const root = toPosix(rootPath);
  if (options.root) {
    for (const f of files) {
      if (!(f.uri + "/").startsWith(root.endsWith("/") ? root : root + "/")) problems.push({ input: displayPath(f.uri, cwd), message: `is outside the workspace root \`${displayPath(root, cwd)}\`` });
    }
  }
  return { root, files, selected, problems };
}

function withStdin(ws: LoadedWorkspace, stdin: { path: string; text: string }, cwd: string): LoadedWorkspace {
  const uri = toPosix(path.resolve(cwd, stdin.path));
  const files = ws.files.filter((f) => f.uri !== uri);
  files.push({ uri, text: stdin.text });
  files.sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : 0));
  const selected = new Set(ws.selected);
  selected.add(uri);
  const root = ws.root;
  const problems = [...ws.problems];
  if (!(uri + "/").startsWith(root.endsWith("/") ? root : root + "/")) problems.push({ input: displayPath(uri, cwd), message: `(--stdin-filepath) is outside the workspace root \`${displayPath(root, cwd)}\`` });
  return { root, files, selected, problems };
}
