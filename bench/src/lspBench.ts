/**
 * Benchmarks 2 and 4: editor latency and start-up, through the real server
 * process (dist/server.js) over JSON-RPC on stdio, as an editor would talk to it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync, readFileSync, existsSync, readdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  InitializeRequest,
  InitializedNotification,
  DidOpenTextDocumentNotification,
  DidChangeTextDocumentNotification,
  PublishDiagnosticsNotification,
  CompletionRequest,
  HoverRequest,
  DefinitionRequest,
  SemanticTokensRequest,
  SemanticTokensRangeRequest,
  ShutdownRequest,
  ExitNotification,
  LogMessageNotification,
} from "vscode-languageserver-protocol/node";
import { countLines, generateWorkspace } from "./gen/workspace.js";
import { quantile, summarize } from "./stats.js";
import { result, type BenchResult, type Skipped } from "./report.js";

export const LATENCY_GROUP = "Editor latency (language server)";
export const STARTUP_GROUP = "Start-up";

interface Server {
  proc: ChildProcess;
  conn: ProtocolConnection;
  diagnostics: (cb: (p: PublishDiagnosticsParams) => void) => void;
  stop(): Promise<void>;
}

function startServer(serverJs: string): Server {
  const proc = spawn(process.execPath, [serverJs, "--stdio"], { stdio: ["pipe", "pipe", "ignore"] });
  const conn = createProtocolConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
  const listeners: ((p: PublishDiagnosticsParams) => void)[] = [];
  conn.onNotification(PublishDiagnosticsNotification.type, (p) => listeners.forEach((l) => l(p)));
  conn.onNotification(LogMessageNotification.type, () => undefined);
  conn.listen();
  return {
    proc,
    conn,
    diagnostics: (cb) => listeners.push(cb),
    async stop() {
      try {
        await withTimeout(conn.sendRequest(ShutdownRequest.type), 5000, "shutdown");
        await conn.sendNotification(ExitNotification.type);
      } catch {
        /* killed below */
      }
      conn.dispose();
      await new Promise((r) => setTimeout(r, 100));
      if (proc.exitCode === null) proc.kill();
    },
  };
}

/** Resolves when diagnostics for a given version of `uri` are published (register before sending the change). */
function versionWaiter(s: Server, uri: string): (version: number) => Promise<void> {
  const waiters = new Map<number, () => void>();
  s.diagnostics((p) => {
    if (p.uri === uri && p.version !== undefined && waiters.has(p.version)) {
      waiters.get(p.version)!();
      waiters.delete(p.version);
    }
  });
  return (version) => new Promise<void>((r) => waiters.set(version, r));
}

/** A document opened in the server and edited a line at a time, each edit timed until the diagnostics of its version arrive. */
class OpenDocument {
  private version = 1;
  private readonly publishedFor: (version: number) => Promise<void>;

  constructor(
    private readonly s: Server,
    readonly uri: string,
    public text: string,
  ) {
    this.publishedFor = versionWaiter(s, uri);
  }

  /** `didOpen`; milliseconds until its diagnostics arrive. */
  async open(timeoutMs: number, what: string): Promise<number> {
    const done = this.publishedFor(1);
    const t = now();
    await this.s.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: this.uri, languageId: "crmrules", version: 1, text: this.text } });
    await withTimeout(done, timeoutMs, what);
    return now() - t;
  }

  /** Replaces one line (its text, not its line break) by `next`; milliseconds until the new version's diagnostics arrive. */
  async replaceLine(line: number, next: string, timeoutMs: number, what: string): Promise<number> {
    const lines = this.text.split("\n");
    const old = lines[line]!;
    lines[line] = next;
    this.text = lines.join("\n");
    const version = ++this.version;
    const done = this.publishedFor(version);
    const t = now();
    await this.s.conn.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri: this.uri, version },
      contentChanges: [{ range: { start: { line, character: 0 }, end: { line, character: old.length } }, text: next }],
    });
    await withTimeout(done, timeoutMs, what);
    return now() - t;
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`the language server did not answer ${what} within ${ms} ms`)), ms))),
  ]);
}

const now = () => Number(process.hrtime.bigint()) / 1e6;

async function initialize(s: Server, root: string, debounceMs?: number): Promise<void> {
  await withTimeout(
    s.conn.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: pathToFileURL(root).href,
      workspaceFolders: [{ uri: pathToFileURL(root).href, name: path.basename(root) }],
      capabilities: { textDocument: { publishDiagnostics: { versionSupport: true }, semanticTokens: { requests: { full: true }, tokenTypes: [], tokenModifiers: [], formats: ["relative"] } } },
      initializationOptions: debounceMs === undefined ? undefined : { debounceMs },
    }),
    30000,
    "initialize",
  );
  await s.conn.sendNotification(InitializedNotification.type, {});
}

function rssMB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const m = /VmRSS:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) / 1024 : NaN;
}

/** Position (0-based line/character) just after the first occurrence of `needle` at or after line `from`. */
function positionAfter(text: string, needle: string, back = 0): { line: number; character: number } {
  const i = text.indexOf(needle);
  if (i < 0) throw new Error(`\`${needle}\` not found in the benchmark file`);
  const off = i + needle.length - back;
  const before = text.slice(0, off);
  const line = before.split("\n").length - 1;
  return { line, character: off - (before.lastIndexOf("\n") + 1) };
}

function percentiles(name: string, title: string, samples: number[], target: number | null, how: string, closeGap?: string): BenchResult[] {
  const sorted = [...samples].sort((a, b) => a - b);
  const s = summarize(samples);
  const p95 = quantile(sorted, 0.95);
  return [
    result({ group: LATENCY_GROUP, name: `${name}.p50`, title: `${title}, p50`, unit: "ms", summary: s, target: null, how: `${how} Median of ${samples.length} requests (min–max over all of them).` }),
    result({
      group: LATENCY_GROUP,
      name: `${name}.p95`,
      title: `${title}, p95`,
      unit: "ms",
      summary: { median: p95, min: s.min, max: s.max, samples },
      target: target === null ? null : { op: "<", value: target },
      how: `95th percentile of the same ${samples.length} requests.`,
      closeGap,
    }),
  ];
}

export async function lspBench(serverJs: string | undefined, requests: number): Promise<{ results: BenchResult[]; skipped: Skipped[] }> {
  const skipped: Skipped[] = [];
  if (!serverJs) {
    for (const n of ["lsp.diagnosticsAfterEdit", "lsp.completion", "lsp.hover", "lsp.definition", "lsp.semanticTokens", "lsp.rssMB"])
      skipped.push({ group: LATENCY_GROUP, name: n, reason: "dist/server.js is not built (the language server is not in the tree yet)" });
    return { results: [], skipped };
  }
  const ws = generateWorkspace({ seed: 500, lines: 30_000, files: 500 });
  const root = path.join(os.tmpdir(), `crmrules-bench-ws-${process.pid}`);
  rmSync(root, { recursive: true, force: true });
  for (const f of ws.files) {
    const p = path.join(root, path.relative(ws.root, f.uri));
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, f.text);
  }
  const s = startServer(serverJs);
  const results: BenchResult[] = [];
  try {
    // Wait until the whole workspace has been checked and published once.
    const seen = new Set<string>();
    let allPublished!: () => void;
    const published = new Promise<void>((r) => (allPublished = r));
    s.diagnostics((p) => {
      seen.add(p.uri);
      if (seen.size >= ws.files.length) allPublished();
    });
    const t0 = now();
    await initialize(s, root, 0);
    await withTimeout(published, 120_000, "the first diagnostics of the 500-file workspace");
    const loadMs = now() - t0;
    const rss = rssMB(s.proc.pid!);

    // The file we edit: a rule file nothing imports (its dependents are itself).
    const target = ws.files.find((f) => f.text.includes("score score_") && f.text.includes("lead.") && f.text.includes("page_view"))!;
    const filePath = path.join(root, path.relative(ws.root, target.uri));
    const uri = pathToFileURL(filePath).href;
    const edited = new OpenDocument(s, uri, target.text);
    await edited.open(30_000, "diagnostics for the opened file");

    // One-line edit: change the cap of the file's first score (keeps the file valid).
    const capLine = positionAfter(edited.text, "  cap ").line;
    const diagSamples: number[] = [];
    for (let i = 0; i < requests + 10; i++) {
      const ms = await edited.replaceLine(capLine, `  cap ${100 + (i % 50) * 10}`, 30_000, "diagnostics after an edit");
      if (i >= 10) diagSamples.push(ms);
    }
    const text = edited.text;

    /** Times `requests` requests (after 10 warm-up ones); undefined when the server answers nothing (reported, not timed). */
    const time = async (name: string, what: string, fn: () => Promise<unknown>): Promise<number[] | undefined> => {
      const xs: number[] = [];
      for (let i = 0; i < requests + 10; i++) {
        const t = now();
        const r = await withTimeout(fn(), 30_000, what);
        if (r === null || r === undefined || (Array.isArray(r) && r.length === 0)) {
          skipped.push({ group: LATENCY_GROUP, name, reason: `the server returned no result for ${what} (${path.relative(root, filePath)}), so there is nothing meaningful to time` });
          return undefined;
        }
        if (i >= 10) xs.push(now() - t);
      }
      return xs;
    };
    const doc = { uri };
    const completionAt = positionAfter(text, "when lead.");
    const eventAt = positionAfter(text, "on page_view", 3);
    const where = (p: { line: number; character: number }) => `line ${p.line + 1}, column ${p.character + 1}`;
    const completion = await time("lsp.completion", `completion after \`when lead.\` at ${where(completionAt)}`, () => s.conn.sendRequest(CompletionRequest.type, { textDocument: doc, position: completionAt }));
    const hover = await time("lsp.hover", `hover on \`page_view\` at ${where(eventAt)}`, () => s.conn.sendRequest(HoverRequest.type, { textDocument: doc, position: eventAt }));
    const definition = await time("lsp.definition", `definition of \`page_view\` at ${where(eventAt)}`, () => s.conn.sendRequest(DefinitionRequest.type, { textDocument: doc, position: eventAt }));
    const semantic = await time("lsp.semanticTokens", "semantic tokens of the whole file", () => s.conn.sendRequest(SemanticTokensRequest.type, { textDocument: doc }));

    // The worst case for incremental checking: an edit of the schema every rule file imports.
    const schema = ws.files[0]!;
    const schemaDoc = new OpenDocument(s, pathToFileURL(path.join(root, path.relative(ws.root, schema.uri))).href, schema.text);
    await schemaDoc.open(30_000, "diagnostics for the opened schema");
    const schemaSamples: number[] = [];
    const schemaRuns = Math.max(10, Math.floor(requests / 10));
    for (let i = 0; i < schemaRuns + 3; i++) {
      // A comment line added at the end (the text ends with a line break, so its last line is empty).
      const last = schemaDoc.text.split("\n").length - 1;
      const ms = await schemaDoc.replaceLine(last, `// edited ${i}\n`, 60_000, "diagnostics after an edit of the schema");
      if (i >= 3) schemaSamples.push(ms);
    }

    const wsDesc = `generated workspace of ${ws.files.length} files, ${ws.lines.toLocaleString("en-US")} lines (seed 500)`;
    results.push(
      ...percentiles(
        "lsp.diagnosticsAfterSchemaEdit",
        "Diagnostics after an edit of the schema every file imports",
        schemaSamples,
        null,
        `A comment line added at the end of the open \`schema.crmrules\` of the ${wsDesc}, which every rule file imports, until its \`publishDiagnostics\` for that version arrives: every file is checked again (the worst case for incremental checking; the edit moves every declaration's position, so every reference changes).`,
      ),
      ...percentiles(
        "lsp.diagnosticsAfterEdit",
        "Diagnostics after a one-line edit",
        diagSamples,
        50,
        `\`textDocument/didChange\` replacing one line of an open rule file in a ${wsDesc}, until \`textDocument/publishDiagnostics\` for that file and version arrives. The server is started with \`debounceMs: 0\` so the figure is the server's own work; in the editor the default debounce (150 ms after the last keystroke) comes on top by design.`,
        "On each change the server parses the edited file again and checks only it and the files that import it (`check.incremental.ms` is the core's share); the rest is the server's own work per change: finding the affected files, converting and publishing their diagnostics.",
      ),
      ...(completion ? percentiles("lsp.completion", "Completion after `lead.`", completion, 20, "`textDocument/completion` right after `when lead.` in the open file.", "Cache the completion items per snapshot (field, event and name lists do not change between keystrokes).") : []),
      ...(hover ? percentiles("lsp.hover", "Hover on an event name", hover, 20, "`textDocument/hover` on `page_view` in a score rule.", "Answer hovers from a position index of references built once per snapshot.") : []),
      ...(definition ? percentiles("lsp.definition", "Go to definition", definition, null, "`textDocument/definition` on `page_view` (declared in another file).") : []),
      ...(semantic ? percentiles("lsp.semanticTokens", "Semantic tokens (full)", semantic, null, "`textDocument/semanticTokens/full` for the open file.") : []),
      result({
        group: LATENCY_GROUP,
        name: "lsp.rssMB",
        title: "Server memory with the workspace loaded",
        unit: "MB",
        summary: summarize([rss]),
        target: null,
        how: `Resident set size of the server process (VmRSS) after it has checked and published the ${wsDesc}.`,
      }),
      result({
        group: LATENCY_GROUP,
        name: "lsp.workspaceLoad.ms",
        title: "Loading and checking the 500-file workspace",
        unit: "ms",
        summary: summarize([loadMs]),
        target: null,
        how: "From `initialize` until diagnostics of every file have been published once.",
      }),
    );
    results.push(...(await bigDocument(s, root, Math.max(10, Math.floor(requests / 10)), wsDesc)));
  } finally {
    await s.stop();
    rmSync(root, { recursive: true, force: true });
  }
  return { results, skipped };
}

/**
 * A document of over 1 MB opened in the same workspace: a generated rule file
 * of about 30,000 lines importing the workspace's schema.
 */
async function bigDocument(s: Server, root: string, requests: number, wsDesc: string): Promise<BenchResult[]> {
  let lines = 26_000;
  let gen = generateWorkspace({ seed: 1_000_000, lines, files: 1 });
  while (gen.files[1]!.text.length < 1_000_000) gen = generateWorkspace({ seed: 1_000_000, lines: (lines = Math.ceil(lines * 1.1)), files: 1 });
  const bytes = Buffer.byteLength(gen.files[1]!.text);
  const uri = pathToFileURL(path.join(root, "area_big", "big.crmrules")).href;
  const big = new OpenDocument(s, uri, gen.files[1]!.text);
  const openMs = await big.open(60_000, "diagnostics for the 1 MB document");
  const capLine = positionAfter(big.text, "  cap ").line;
  const edits: number[] = [];
  for (let i = 0; i < requests + 3; i++) {
    const ms = await big.replaceLine(capLine, `  cap ${100 + (i % 50) * 10}`, 60_000, "diagnostics after an edit of the 1 MB document");
    if (i >= 3) edits.push(ms);
  }
  const text = big.text;
  const doc = { uri };
  const lastLeadDot = text.lastIndexOf("when lead.") + "when lead.".length;
  const before = text.slice(0, lastLeadDot);
  const at = { line: before.split("\n").length - 1, character: lastLeadDot - (before.lastIndexOf("\n") + 1) };
  const completion: number[] = [];
  const tokens: number[] = [];
  const rangeTokens: number[] = [];
  const middle = Math.floor(countLines(text) / 2);
  for (let i = 0; i < requests + 3; i++) {
    let t = now();
    const items = await withTimeout(s.conn.sendRequest(CompletionRequest.type, { textDocument: doc, position: at }), 30_000, "completion in the 1 MB document");
    if (i >= 3) completion.push(now() - t);
    if (!items || (Array.isArray(items) ? items.length : items.items.length) === 0) throw new Error("no completion after `when lead.` in the 1 MB document");
    t = now();
    await withTimeout(s.conn.sendRequest(SemanticTokensRequest.type, { textDocument: doc }), 30_000, "semantic tokens of the 1 MB document");
    if (i >= 3) tokens.push(now() - t);
    t = now();
    await withTimeout(s.conn.sendRequest(SemanticTokensRangeRequest.type, { textDocument: doc, range: { start: { line: middle, character: 0 }, end: { line: middle + 60, character: 0 } } }), 30_000, "semantic tokens of 60 lines of the 1 MB document");
    if (i >= 3) rangeTokens.push(now() - t);
  }
  const desc = `a generated rule file of ${countLines(text).toLocaleString("en-US")} lines (${(bytes / 1e6).toFixed(2)} MB, seed 1000000) opened beside the ${wsDesc}`;
  return [
    result({ group: LATENCY_GROUP, name: "lsp.bigDocument.openMs", title: "1 MB document: diagnostics after opening", unit: "ms", summary: summarize([openMs]), target: null, how: `\`textDocument/didOpen\` of ${desc}, until its \`publishDiagnostics\` arrives.` }),
    ...percentiles("lsp.bigDocument.diagnosticsAfterEdit", "1 MB document: diagnostics after a one-line edit", edits, null, `One-line \`didChange\` in ${desc}, until its diagnostics for that version arrive (only the edited declaration is parsed again, core/syntax/incremental.ts, and the document is checked again; nothing imports it).`),
    ...percentiles("lsp.bigDocument.completion", "1 MB document: completion after `lead.`", completion, null, "`textDocument/completion` after the last `when lead.` of the document."),
    ...percentiles("lsp.bigDocument.semanticTokens", "1 MB document: semantic tokens (full)", tokens, null, "`textDocument/semanticTokens/full` of the whole document."),
    ...percentiles("lsp.bigDocument.semanticTokensRange", "1 MB document: semantic tokens of 60 lines", rangeTokens, null, "`textDocument/semanticTokens/range` of 60 lines in the middle of the document (what an editor asks first for the visible part of a large file)."),
  ];
}

export async function startupBench(serverJs: string | undefined, repo: string, runs: number): Promise<{ results: BenchResult[]; skipped: Skipped[] }> {
  const results: BenchResult[] = [];
  const skipped: Skipped[] = [];
  const acme = path.join(repo, "examples", "acme");
  const activation = path.join(repo, "test", "e2e", "results", "activation.json");
  if (!serverJs || !existsSync(acme)) {
    skipped.push({ group: STARTUP_GROUP, name: "startup.initialize.ms", reason: !serverJs ? "dist/server.js is not built" : "examples/acme is not in the tree yet" });
  } else {
    const file = readdirSync(acme).filter((f) => f.endsWith(".crmrules")).sort()[0]!;
    const uri = pathToFileURL(path.join(acme, file)).href;
    const text = readFileSync(path.join(acme, file), "utf8");
    const init: number[] = [];
    const first: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = now();
      const s = startServer(serverJs);
      try {
        let got!: () => void;
        const diag = new Promise<void>((r) => (got = r));
        s.diagnostics((p) => p.uri === uri && got());
        await initialize(s, acme);
        init.push(now() - t0);
        await s.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: "crmrules", version: 1, text } });
        await withTimeout(diag, 30_000, "first diagnostics");
        first.push(now() - t0);
      } finally {
        await s.stop();
      }
    }
    results.push(
      result({ group: STARTUP_GROUP, name: "startup.initialize.ms", title: "Server answers `initialize`", unit: "ms", summary: summarize(init), target: null, how: `From spawning \`node dist/server.js --stdio\` until the \`initialize\` response, with examples/acme as the workspace folder (a new process each run).` }),
      result({ group: STARTUP_GROUP, name: "startup.firstDiagnostics.ms", title: "First diagnostics on examples/acme", unit: "ms", summary: summarize(first), target: null, how: `From spawning the server until \`publishDiagnostics\` arrives for \`examples/acme/${file}\` after opening it.` }),
    );
  }
  if (existsSync(activation)) {
    try {
      const a = JSON.parse(readFileSync(activation, "utf8")) as Record<string, unknown>;
      const ms = [a["activationMs"], a["ms"], a["median"], a["activationTimeMs"]].find((x) => typeof x === "number") as number | undefined;
      if (ms === undefined) skipped.push({ group: STARTUP_GROUP, name: "startup.extensionActivation.ms", reason: `test/e2e/results/activation.json has no activation time field (keys: ${Object.keys(a).join(", ")})` });
      else results.push(result({ group: STARTUP_GROUP, name: "startup.extensionActivation.ms", title: "Extension activation (from the e2e run)", unit: "ms", summary: summarize([ms]), target: null, how: "Read from test/e2e/results/activation.json, written by the extension's end-to-end run in VS Code (not measured by this benchmark)." }));
    } catch (e) {
      skipped.push({ group: STARTUP_GROUP, name: "startup.extensionActivation.ms", reason: `test/e2e/results/activation.json could not be read: ${(e as Error).message}` });
    }
  } else {
    skipped.push({ group: STARTUP_GROUP, name: "startup.extensionActivation.ms", reason: "the extension's end-to-end run has not written test/e2e/results/activation.json, so the extension's activation time is not measured" });
  }
  return { results, skipped };
}
