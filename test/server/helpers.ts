/**
 * Test harness: builds the real server bundle (dist/server.js) and talks to it
 * as a child process over stdio with the protocol's own client side.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { cpSync, mkdtempSync, renameSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  InitializeRequest,
  InitializedNotification,
  PublishDiagnosticsNotification,
  RegistrationRequest,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type ClientCapabilities,
  type InitializeResult,
} from "vscode-languageserver-protocol/node";

const HERE = fileURLToPath(new URL(".", import.meta.url));
export const REPO = resolve(HERE, "../..");
export const SERVER = join(REPO, "dist/server.js");
export const FIXTURES = join(HERE, "fixtures");

let built: Promise<void> | undefined;
/** Bundles server/src/main.ts exactly as scripts/build.mjs does (atomically, as test files build in parallel). */
export function buildServer(): Promise<void> {
  return (built ??= (async () => {
    mkdirSync(join(REPO, "dist"), { recursive: true });
    const tmp = join(REPO, "dist", `.server.${process.pid}.js`);
    await build({
      entryPoints: [join(REPO, "server/src/main.ts")],
      outfile: tmp,
      bundle: true,
      platform: "node",
      target: "node20",
      format: "cjs",
      sourcemap: false,
      logLevel: "warning",
      define: { "process.env.NODE_ENV": JSON.stringify("development") },
    });
    renameSync(tmp, SERVER);
  })());
}

/** A private copy of a fixture workspace (tests may edit files on disk). */
export function copyFixture(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `crm-ls-${name}-`));
  cpSync(join(FIXTURES, name), dir, { recursive: true });
  return dir;
}

export const uri = (path: string) => pathToFileURL(path).href;

export interface Client {
  conn: ProtocolConnection;
  child: ChildProcess;
  init: InitializeResult;
  stderr: () => string;
  logs: string[];
  /** The latest diagnostics published for a uri. */
  latest: Map<string, PublishDiagnosticsParams>;
  /** Observes every publication (the connection allows one handler per notification, so tests share this one). */
  onPublish(f: (p: PublishDiagnosticsParams) => void): { dispose(): void };
  /** Resolves with the first publication (past or future) for `uri` that satisfies `pred`. */
  diagnostics(uri: string, pred?: (p: PublishDiagnosticsParams) => boolean): Promise<PublishDiagnosticsParams>;
  stop(): Promise<void>;
}

export async function startClient(folders: string[], opts: { pull?: boolean; capabilities?: ClientCapabilities; debounceMs?: number; env?: Record<string, string>; initializationOptions?: Record<string, unknown>; onConnection?: (conn: ProtocolConnection) => void } = {}): Promise<Client> {
  await buildServer();
  const child = spawn(process.execPath, [SERVER, "--stdio"], { stdio: ["pipe", "pipe", "pipe"], ...(opts.env ? { env: { ...process.env, ...opts.env } } : {}) });
  let err = "";
  child.stderr!.on("data", (d) => (err += String(d)));
  const conn = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const latest = new Map<string, PublishDiagnosticsParams>();
  const waiters: { uri: string; pred: (p: PublishDiagnosticsParams) => boolean; resolve: (p: PublishDiagnosticsParams) => void }[] = [];
  const logs: string[] = [];
  const listeners = new Set<(p: PublishDiagnosticsParams) => void>();
  conn.onNotification(PublishDiagnosticsNotification.type, (p) => {
    latest.set(p.uri, p);
    for (const l of listeners) l(p);
    for (const w of [...waiters])
      if (w.uri === p.uri && w.pred(p)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(p);
      }
  });
  conn.onNotification("window/logMessage", (p: { message: string }) => void logs.push(p.message));
  conn.onRequest(RegistrationRequest.type, () => undefined);
  conn.onRequest("workspace/diagnostic/refresh", () => undefined);
  opts.onConnection?.(conn);
  conn.listen();
  const capabilities: ClientCapabilities = opts.capabilities ?? {
    workspace: { workspaceFolders: true, didChangeWatchedFiles: { dynamicRegistration: true }, diagnostics: opts.pull ? { refreshSupport: true } : undefined },
    textDocument: {
      diagnostic: opts.pull ? { dynamicRegistration: false, relatedDocumentSupport: false } : undefined,
      publishDiagnostics: { relatedInformation: true, versionSupport: true, tagSupport: { valueSet: [1, 2] } },
      semanticTokens: { requests: { full: { delta: true } }, tokenTypes: [], tokenModifiers: [], formats: ["relative"] },
      rename: { prepareSupport: true },
      definition: { linkSupport: true },
      completion: { completionItem: { snippetSupport: true, documentationFormat: ["markdown", "plaintext"] } },
      hover: { contentFormat: ["markdown", "plaintext"] },
    },
  };
  const init = await conn.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: folders[0] ? uri(folders[0]) : null,
    workspaceFolders: folders.map((f, i) => ({ uri: uri(f), name: `folder${i}` })),
    capabilities,
    initializationOptions: { debounceMs: opts.debounceMs ?? 20, ...opts.initializationOptions },
  });
  await conn.sendNotification(InitializedNotification.type, {});
  return {
    conn,
    child,
    init,
    logs,
    stderr: () => err,
    latest,
    onPublish(f) {
      listeners.add(f);
      return { dispose: () => listeners.delete(f) };
    },
    diagnostics(u, pred = () => true) {
      const have = latest.get(u);
      if (have && pred(have)) return Promise.resolve(have);
      return new Promise((resolve) => waiters.push({ uri: u, pred, resolve }));
    },
    async stop() {
      try {
        await conn.sendRequest("shutdown");
        await conn.sendNotification("exit");
      } catch {
        /* already gone */
      }
      conn.dispose();
      if (child.exitCode === null) await new Promise((r) => child.once("exit", r));
    },
  };
}

/** A temporary workspace of five files: base ← mid ← top (imports), sib imports base, other imports nothing. */
export function chain(): { root: string; p: (name: string) => string } {
  const root = mkdtempSync(join(tmpdir(), "crm-ls-chain-"));
  const files: Record<string, string> = {
    "base.crmrules": 'owner ann "ann@acme.example"\nqueue spill "Spill"\n',
    "mid.crmrules": 'import "./base.crmrules"\n\nteam duo round_robin {\n  member ann\n}\n',
    "top.crmrules": 'import "./mid.crmrules"\n\nstage mql initial when true\nroute inbound on stage mql {\n  otherwise -> team duo\n}\n',
    "sib.crmrules": 'import "./base.crmrules"\n\nstage s2 initial when true\nroute side on stage s2 {\n  otherwise -> queue spill\n}\n',
    "other.crmrules": 'queue lonely "Lonely"\n',
  };
  for (const [n, t] of Object.entries(files)) writeFileSync(join(root, n), t);
  return { root, p: (name) => join(root, `${name}.crmrules`) };
}
