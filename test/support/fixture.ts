/**
 * Server features as data: an inline fixture (one file or several, a cursor
 * `$0`, a range `$0…$0`) becomes the language server's own in-memory
 * workspace model (server/src/workspace.ts, nothing read from disk), and a
 * feature is called in-process through its exported function (the adapters
 * are in test/support/features.ts):
 *
 *     check(hover, 'score $0fit "Fit" {}', "score `fit` …")
 *
 * The fixture text:
 *  - `//- /path.crmrules` on a line of its own starts a file (the path is
 *    under the fixture's root, `ROOT`); a text without such a header is one
 *    file, `/main.crmrules`.
 *  - `$0` marks the cursor; two `$0` in the same file mark a range (from the
 *    first to the second). Markers may be in one file only; the language has
 *    no `$`, so a marker never stands for text.
 *  - A text that starts with a line break is dedented by the indentation its
 *    lines share (a template literal indented with the test around it).
 *
 * Protocol behaviour (transport, publishing, capabilities negotiated with a
 * client) is tested over a real server process instead (test/server/helpers.ts).
 */
import { expect } from "vitest";
import type * as L from "vscode-languageserver";
import { Workspace, type Snapshot } from "../../server/src/workspace.js";
import { pathToUri } from "../../server/src/uri.js";
import type { ParseResult } from "../../core/syntax/parse.js";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { crmFiles } from "./files.js";

/** Where fixture files live: a path that is no folder on disk, so the workspace model reads nothing from there. */
export const ROOT = "/crmrules-fixture";
export const MARKER = "$0";
const HEADER = /^\/\/- (\/\S+)[ \t]*$/;

export interface FixtureOptions {
  /** Workspace folders, as paths under the root (`"/basic"`); the root itself by default. */
  folders?: string[];
}

/** A place in a fixture file: what a feature is given. */
export interface At {
  fixture: Fixture;
  snap: Snapshot;
  /** The file's path (what the core and the workspace model call a file) and its URI. */
  path: string;
  uri: string;
  text: string;
  pr: ParseResult;
  /** The cursor (for a range, its start). */
  offset: number;
  position: L.Position;
  /** The range between two markers. */
  range?: { start: number; end: number; lsp: L.Range };
}

interface Parsed {
  files: Map<string, string>;
  /** The file holding markers and their offsets in its text (markers removed). */
  marked?: { path: string; offsets: number[] };
}

/** Splits a fixture text into files and finds its markers (positions in the text without them). */
export function parseFixture(text: string): Parsed {
  const body = text.startsWith("\n") || text.startsWith("\r\n") ? dedent(text.replace(/^\r?\n/, "")) : text;
  const lines = body.split(/(?<=\n)/);
  const chunks: { path: string; text: string }[] = [];
  let current: { path: string; text: string } | undefined;
  for (const line of lines) {
    const m = HEADER.exec(line.replace(/\r?\n$/, ""));
    if (m) {
      if (chunks.some((c) => c.path === m[1])) throw new Error(`fixture: the file ${m[1]} is declared twice`);
      chunks.push((current = { path: m[1]!, text: "" }));
      continue;
    }
    if (!current) {
      if (line.trim() === "" && lines.some((l) => HEADER.test(l.replace(/\r?\n$/, "")))) continue;
      chunks.push((current = { path: "/main.crmrules", text: "" }));
    }
    current.text += line;
  }
  if (!chunks.length) chunks.push({ path: "/main.crmrules", text: "" });
  const files = new Map<string, string>();
  let marked: Parsed["marked"];
  for (const c of chunks) {
    const { text: out, offsets } = stripMarkers(c.text);
    if (offsets.length) {
      if (marked) throw new Error(`fixture: markers in ${marked.path} and ${c.path}; put them in one file`);
      if (offsets.length > 2) throw new Error(`fixture: ${offsets.length} markers in ${c.path}; one is a cursor, two a range`);
      marked = { path: c.path, offsets };
    }
    files.set(c.path, out);
  }
  return { files, marked };
}

/** A text without its markers, and where they were (offsets in the text without them). */
export function stripMarkers(text: string): { text: string; offsets: number[] } {
  const offsets: number[] = [];
  let out = "";
  let from = 0;
  for (let i = text.indexOf(MARKER); i >= 0; i = text.indexOf(MARKER, from)) {
    out += text.slice(from, i);
    offsets.push(out.length);
    from = i + MARKER.length;
  }
  return { text: out + text.slice(from), offsets };
}

function dedent(text: string): string {
  const lines = text.split("\n");
  const indents = lines.filter((l) => l.trim() !== "").map((l) => /^[ \t]*/.exec(l)![0].length);
  const cut = indents.length ? Math.min(...indents) : 0;
  return lines.map((l) => l.slice(Math.min(cut, /^[ \t]*/.exec(l)![0].length))).join("\n");
}

/** An in-memory workspace made from a fixture text; every file is an open document of the server's workspace model. */
export class Fixture {
  readonly ws = new Workspace();
  readonly files: Map<string, string>;
  private readonly marked: Parsed["marked"];
  private readonly versions = new Map<string, number>();

  constructor(text: string, options: FixtureOptions = {}) {
    const parsed = parseFixture(text);
    this.marked = parsed.marked && { path: ROOT + parsed.marked.path, offsets: parsed.marked.offsets };
    this.files = new Map([...parsed.files].map(([p, t]) => [ROOT + p, t]));
    this.ws.setRoots((options.folders ?? [""]).map((f) => ROOT + f.replace(/\/$/, "")));
    for (const [p, t] of this.files) this.open(p, t);
  }

  get snap(): Snapshot {
    return this.ws.snapshot();
  }

  /**
   * A file's path from its name: `/sub/a.crmrules` (under the root), or any
   * unambiguous end of its path with or without the extension (`scoring`,
   * `sub/a.crmrules`), or, for a document that is not a file, its URI.
   */
  path(name: string): string {
    // A document that is not a file (`untitled:Untitled-1`) is named by its URI, which is its id.
    if (/^[a-z][a-z0-9+.-]*:/i.test(name)) return name;
    if (name.startsWith("/")) return name.startsWith(ROOT + "/") ? name : ROOT + name;
    const want = name.endsWith(".crmrules") ? name : `${name}.crmrules`;
    const hits = [...this.files.keys()].filter((p) => p.endsWith("/" + want));
    if (hits.length !== 1) throw new Error(`fixture: ${hits.length ? "several files" : "no file"} named ${name} (${[...this.files.keys()].map((p) => p.slice(ROOT.length)).join(", ")})`);
    return hits[0]!;
  }

  uri(name: string): string {
    return pathToUri(this.path(name));
  }

  text(name: string): string {
    const t = this.ws.text(this.path(name));
    if (t === undefined) throw new Error(`fixture: no text for ${name}`);
    return t;
  }

  parse(name: string): ParseResult {
    const pr = this.snap.file(this.path(name));
    if (!pr) throw new Error(`fixture: ${name} is not in the workspace`);
    return pr;
  }

  /** Opens a document or replaces its text, as an editor does (a new file needs its full name, `/new.crmrules`). */
  open(name: string, text: string): void {
    const p = this.path(name);
    this.files.set(p, text);
    const v = (this.versions.get(p) ?? 0) + 1;
    this.versions.set(p, v);
    if (v === 1) this.ws.openDoc(p, text, v);
    else this.ws.changeDoc(p, text, v);
  }

  /** Closes a document, as an editor does: the file leaves the workspace (nothing is on disk under the fixture root). */
  close(name: string): void {
    const p = this.path(name);
    this.files.delete(p);
    this.versions.delete(p);
    this.ws.closeDoc(p);
  }

  /**
   * Runs `fn` at the place a fixture text marks in the file `name` (a new
   * file needs its full name), then puts the file back as it was (its earlier
   * text, or no file): one workspace serves many probes of a scratch file.
   */
  probe<T>(name: string, text: string, fn: (at: At) => T): T {
    const p = this.path(name);
    const before = this.files.get(p);
    if (before === undefined) this.files.set(p, "");
    try {
      const at = this.edit(p, text);
      if (!at) throw new Error(`fixture: no \`$0\` marker in ${JSON.stringify(text)}`);
      return fn(at);
    } finally {
      if (before === undefined) this.close(p);
      else this.open(p, before);
    }
  }

  /** Replaces a file's text with a fixture text that may hold markers (returns the place they mark, if any). */
  edit(name: string, text: string): At | undefined {
    const p = this.path(name);
    const { text: plain, offsets } = stripMarkers(text);
    if (offsets.length > 2) throw new Error(`fixture: ${offsets.length} markers in the text of ${name}; one is a cursor, two a range`);
    this.open(p, plain);
    return offsets.length ? this.place(p, offsets) : undefined;
  }

  /** The place the fixture text marks with `$0` (or `$0…$0`). */
  cursor(): At {
    if (!this.marked) throw new Error("fixture: no `$0` marker in the fixture text");
    return this.place(this.marked.path, this.marked.offsets);
  }

  /** Whether the fixture text marks a place. */
  get hasCursor(): boolean {
    return !!this.marked;
  }

  /**
   * The place a snippet marks: `snippet` is text of the file with one `$0`
   * (a cursor) or two (a range); without markers it is the whole snippet's
   * range, the cursor at its start. It must occur exactly once in the file.
   */
  at(name: string, snippet: string): At {
    const p = this.path(name);
    const text = this.text(p);
    const parts = snippet.split(MARKER);
    if (parts.length > 3) throw new Error(`fixture: more than two markers in ${JSON.stringify(snippet)}`);
    const plain = parts.join("");
    const i = text.indexOf(plain);
    if (i < 0) throw new Error(`fixture: ${JSON.stringify(plain)} is not in ${p.slice(ROOT.length)}`);
    if (text.indexOf(plain, i + 1) >= 0) throw new Error(`fixture: ${JSON.stringify(plain)} occurs more than once in ${p.slice(ROOT.length)}; give more of it`);
    const offsets = parts.length === 1 ? [i, i + plain.length] : parts.length === 2 ? [i + parts[0]!.length] : [i + parts[0]!.length, i + parts[0]!.length + parts[1]!.length];
    return this.place(p, offsets);
  }

  /** The LSP range a snippet marks (see `at`). */
  range(name: string, snippet: string): L.Range {
    const a = this.at(name, snippet);
    if (!a.range) throw new Error(`fixture: ${JSON.stringify(snippet)} marks a cursor, not a range`);
    return a.range.lsp;
  }

  private place(path: string, offsets: number[]): At {
    const snap = this.snap;
    const pr = snap.file(path);
    if (!pr) throw new Error(`fixture: ${path} is not in the workspace`);
    const lsp = (o: number) => {
      const p = pr.lines.position(o);
      return { line: p.line, character: p.character };
    };
    const [start, end] = offsets as [number, number?];
    return {
      fixture: this,
      snap,
      path,
      uri: pathToUri(path),
      text: pr.lines.text,
      pr,
      offset: start,
      position: lsp(start),
      ...(end !== undefined ? { range: { start, end, lsp: { start: lsp(start), end: lsp(end) } } } : {}),
    };
  }
}

export function fixture(text: string, options?: FixtureOptions): Fixture {
  return new Fixture(text, options);
}

/**
 * Writes a fixture text's files into `dir` (for protocol tests, whose server
 * reads the disk); markers are refused, as a file on disk cannot hold them.
 */
export function writeFixture(text: string, dir: string): void {
  const { files, marked } = parseFixture(text);
  if (marked) throw new Error(`fixture: markers cannot be written to disk (${marked.path})`);
  for (const [p, t] of files) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), t);
  }
}

/**
 * A fixture of folders on disk (read once; the workspace model still reads
 * nothing): each `/name` of `folders` is a workspace folder holding the
 * `.crmrules` files of its directory. For the fixture workspaces that the
 * protocol tests share (test/server/fixtures/); places are then found by
 * snippet (`f.at("routing", "nordics + $0dach")`).
 */
export function fixtureFromFolders(folders: Record<string, string>): Fixture {
  let text = "";
  for (const [name, dir] of Object.entries(folders))
    for (const file of crmFiles(dir)) {
      const body = readFileSync(file, "utf8");
      if (body.includes(MARKER)) throw new Error(`fixture: ${file} holds ${MARKER}`);
      text += `//- ${name}/${relative(dir, file)}\n${body}${body.endsWith("\n") || body === "" ? "" : "\n"}`;
    }
  const f = new Fixture(text, { folders: Object.keys(folders) });
  // A file without a final line break was given one to separate it from the next header: take it back.
  for (const [name, dir] of Object.entries(folders))
    for (const file of crmFiles(dir)) {
      const body = readFileSync(file, "utf8");
      const p = `${ROOT}${name}/${relative(dir, file)}`;
      if (f.files.get(p) !== body) f.open(p, body);
    }
  return f;
}

/**
 * Runs a feature at the fixture's marker and compares its answer with
 * `expected` (deep equality); `expected` may be computed from the fixture
 * (for ranges and URIs). Returns the fixture for further assertions.
 */
export function check<T>(feature: (at: At) => T, text: string, expected: T | ((f: Fixture) => T), options?: FixtureOptions): Fixture {
  const f = fixture(text, options);
  const actual = feature(f.cursor());
  expect(actual).toEqual(typeof expected === "function" ? (expected as (f: Fixture) => T)(f) : expected);
  return f;
}

/** An LSP range from 0-based numbers (for answers whose places are clearer as numbers). */
export const rng = (l1: number, c1: number, l2: number, c2: number): L.Range => ({ start: { line: l1, character: c1 }, end: { line: l2, character: c2 } });
