/**
 * Reading a workspace as it was at a git revision, into memory (`git ls-tree`,
 * `git cat-file`): nothing is checked out and the working tree is untouched.
 */
import { execFileSync } from "node:child_process";
import { realpathSync } from "node:fs";
import * as path from "node:path";
import type { SourceFile } from "../core/workspace.js";
import { decodeText, EXTENSION, toPosix, type InputProblem } from "./files.js";

function git(args: string[], cwd: string): Buffer {
  return execFileSync("git", args, { cwd, maxBuffer: 256 * 1024 * 1024, stdio: ["ignore", "pipe", "pipe"] });
}

/** The top of the git work tree containing `dir`, or undefined outside a repository. */
export function gitTopLevel(dir: string): string | undefined {
  try {
    return git(["rev-parse", "--show-toplevel"], dir).toString("utf8").trim();
  } catch {
    return undefined;
  }
}

/** The commit a revision names, or undefined when it names none. */
export function resolveRevision(rev: string, cwd: string): string | undefined {
  if (rev.startsWith("-")) return undefined;
  try {
    return git(["rev-parse", "--verify", "--quiet", `${rev}^{commit}`], cwd).toString("utf8").trim() || undefined;
  } catch {
    return undefined;
  }
}

export interface RevisionWorkspace {
  root: string;
  files: SourceFile[];
  problems: InputProblem[];
  commit: string;
}

/**
 * The `.crmrules` files under `dir` (a folder inside the work tree) as they are
 * at `rev`. Uris are the paths the files have in the work tree, so two revisions
 * of the same file share a uri.
 */
export function readRevision(rev: string, dir: string): RevisionWorkspace {
  const top = gitTopLevel(dir);
  if (!top) throw new Error(`\`${toPosix(dir)}\` is not inside a git repository, so \`${rev}\` cannot be read`);
  const commit = resolveRevision(rev, top);
  if (!commit) throw new Error(`\`${rev}\` is not a folder and not a git revision of this repository`);
  const sub = toPosix(path.relative(top, path.resolve(dir)));
  const listing = git(["ls-tree", "-r", "-z", "--full-tree", "--name-only", commit, "--", sub === "" ? "." : sub], top).toString("utf8");
  const names = listing.split("\0").filter((n) => n.endsWith(EXTENSION)).sort();
  const files: SourceFile[] = [];
  const problems: InputProblem[] = [];
  for (const name of names) {
    let bytes: Buffer;
    try {
      bytes = git(["cat-file", "blob", `${commit}:${name}`], top);
    } catch {
      problems.push({ input: `${rev}:${name}`, message: "cannot be read from git" });
      continue;
    }
    const r = decodeText(bytes);
    if (r.ok) files.push({ uri: `${toPosix(top)}/${name}`, text: r.text });
    else problems.push({ input: `${rev}:${name}`, message: r.message });
  }
  const root = sub === "" ? toPosix(top) : `${toPosix(top)}/${sub}`;
  return { root, files, problems, commit };
}

/**
 * The folder report paths are relative to (SARIF's `%SRCROOT%`, JUnit's file
 * attributes): the top of the git work tree holding `dir`, as code scanning and
 * test reporters resolve paths against the repository root; outside git, `cwd`.
 * Spelled as `dir` is (git answers with symbolic links resolved).
 */
export function repositoryRoot(dir: string, cwd = process.cwd()): string {
  const top = gitTopLevel(dir);
  if (top === undefined) return toPosix(cwd);
  let real = dir;
  try {
    real = realpathSync(dir);
  } catch {
    // a folder that vanished: git's answer as it is
  }
  const up = path.relative(real, top);
  return toPosix(up.startsWith("..") || up === "" ? path.resolve(dir, up) : top);
}
