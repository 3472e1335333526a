/**
 * The diagnostics publisher: after each change, the diagnostics that the
 * change may have changed reach the client, pushed (`publishDiagnostics`,
 * debounced while typing) or pulled (`textDocument/diagnostic`,
 * `workspace/diagnostic`, with a refresh request when files other than the
 * edited ones changed). Views that depend on other files (lenses, hints,
 * tokens) are asked to refresh at the same moments.
 */
import * as L from "vscode-languageserver";
import type { Snapshot, Workspace } from "./workspace.js";
import { uriToPath, pathToUri } from "./uri.js";
import { diagnostic as toLsp } from "./convert.js";
import type { Handle } from "./requests.js";
import type { AnyDiagnostic } from "../../core/diagnostics/diagnostic.js";

/** Diagnostics a file gets besides the checker's (its journeys' failing expectations), for a snapshot. */
export type MoreDiagnostics = (snap: Snapshot, path: string) => AnyDiagnostic[];

const MAX_WAIT_MS = 1000;
/** The result id of the empty report of a file that left the workspace. */
const GONE = "gone";

/** How the client takes diagnostics, from its capabilities (see `capabilities.ts`). */
export interface PublisherOptions {
  /** The client pulls diagnostics (else the server pushes them). */
  pull: boolean;
  /** The client accepts `workspace/diagnostic/refresh`. */
  refreshSupport: boolean;
  /** The refresh requests of the views that depend on other files and that the client lets us refresh. */
  refreshViews: string[];
}

export class DiagnosticsPublisher {
  /** Milliseconds to wait after the last keystroke before publishing diagnostics. */
  debounceMs: number;
  private options: PublisherOptions = { pull: false, refreshSupport: false, refreshViews: [] };
  /** What was last published for a file: its document version and the diagnostics' result id. */
  private readonly published = new Map<string, string>();
  private readonly diagnostics: DiagnosticCache;
  private pending: { cancel(): void } | undefined;
  /** Files scheduled by events (changed, opened, closed, created, deleted) since the last flush. */
  private readonly dirty = new Set<string>();
  /** Files whose diagnostics may have changed since the last flush (drained from the workspace model). */
  private readonly toPublish = new Set<string>();
  private publishAll = false;
  private firstDirtyAt = 0;

  constructor(
    private readonly connection: L.Connection,
    private readonly ws: Workspace,
    handle: Handle,
    debounceMs: number,
    more: MoreDiagnostics = () => [],
  ) {
    this.debounceMs = debounceMs;
    this.diagnostics = new DiagnosticCache(more);
    connection.languages.diagnostics.on(
      handle("diagnostic", (params: L.DocumentDiagnosticParams): L.DocumentDiagnosticReport => {
        const p = uriToPath(params.textDocument.uri);
        const { items, resultId } = this.diagnostics.get(this.current(), p);
        if (params.previousResultId === resultId) return { kind: L.DocumentDiagnosticReportKind.Unchanged, resultId };
        return { kind: L.DocumentDiagnosticReportKind.Full, resultId, items };
      }),
    );

    /** Every workspace file, open or not (pull clients show the problems of files never opened). */
    connection.languages.diagnostics.onWorkspace(
      handle("workspaceDiagnostic", (params: L.WorkspaceDiagnosticParams): L.WorkspaceDiagnosticReport => {
        const snap = this.current();
        const previous = new Map(params.previousResultIds.map((p) => [p.uri, p.value]));
        const items: L.WorkspaceDocumentDiagnosticReport[] = [];
        for (const p of snap.paths()) {
          const uri = pathToUri(p);
          const { items: lsp, resultId } = this.diagnostics.get(snap, p);
          const version = ws.version(p) ?? null;
          if (previous.get(uri) === resultId) items.push({ kind: L.DocumentDiagnosticReportKind.Unchanged, uri, version, resultId });
          else items.push({ kind: L.DocumentDiagnosticReportKind.Full, uri, version, resultId, items: lsp });
        }
        // Files the client still knows that left the workspace (deleted, folder removed): reported empty once,
        // since a client never clears workspace diagnostics by itself.
        for (const [uri, id] of previous) if (id !== GONE && !snap.file(uriToPath(uri))) items.push({ kind: L.DocumentDiagnosticReportKind.Full, uri, version: null, resultId: GONE, items: [] });
        return { items };
      }),
    );
  }

  /** Set once the client's capabilities are known (`initialize`). */
  configure(options: PublisherOptions): void {
    this.options = options;
  }

  /** The current snapshot, with the diagnostics cache told which files the re-checks behind it may have changed. */
  private current(): Snapshot {
    const snap = this.ws.snapshot();
    const affected = this.ws.takeAffected();
    if (affected.all) {
      this.diagnostics.clear();
      this.publishAll = true;
    }
    for (const p of affected.paths) {
      this.diagnostics.forget(p);
      this.toPublish.add(p);
    }
    return snap;
  }

  /**
   * A file left the workspace (deleted, or closed outside the workspace
   * folders): a push client has its diagnostics cleared now.
   */
  gone(path: string, uri: string): void {
    this.published.delete(path);
    if (!this.options.pull) void this.connection.sendDiagnostics({ uri, diagnostics: [] });
  }

  /**
   * Publishes (debounced) the diagnostics that the change may have changed:
   * the workspace model reports the files its re-checks affected (the changed
   * files, the files importing them, what those see or saw), and only those
   * whose diagnostics differ from what was published are sent.
   */
  schedule(paths: string[], now: boolean): void {
    if (this.dirty.size === 0) this.firstDirtyAt = Date.now();
    for (const p of paths) this.dirty.add(p);
    this.pending?.cancel();
    // Debounced while typing, but never held back longer than MAX_WAIT_MS by continuous typing.
    const delay = now ? 0 : Math.max(0, Math.min(this.debounceMs, MAX_WAIT_MS - (Date.now() - this.firstDirtyAt)));
    if (delay > 0) {
      const t = setTimeout(() => this.flush(), delay);
      this.pending = { cancel: () => clearTimeout(t) };
    } else {
      // Not `setTimeout(…, 0)`, which waits at least a millisecond.
      const t = setImmediate(() => this.flush());
      this.pending = { cancel: () => clearImmediate(t) };
    }
  }

  /** Every file's diagnostics may have changed without a file changing (crmrules.json): the next flush recomputes and publishes all. */
  invalidateAll(): void {
    this.diagnostics.clear();
    this.publishAll = true;
  }

  /** Drops a scheduled publication (shutdown). */
  cancel(): void {
    this.pending?.cancel();
  }

  private flush(): void {
    this.pending = undefined;
    const { connection, ws, dirty, toPublish, published } = this;
    try {
      const snap = this.current();
      // Only views showing files other than the changed ones need a refresh (the client asks again for a document it changed).
      // A file that left the workspace counts too: no client asks again for a file that is gone (a pull client must pull to clear it).
      const elsewhere = this.publishAll || [...toPublish].some((p) => !dirty.has(p)) || [...dirty].some((p) => !snap.file(p));
      const targets = this.publishAll ? new Set([...snap.paths(), ...published.keys()]) : new Set([...toPublish, ...dirty]);
      dirty.clear();
      toPublish.clear();
      this.publishAll = false;
      if (elsewhere) for (const m of this.options.refreshViews) void connection.sendRequest(m).catch(() => undefined);
      if (this.options.pull) {
        if (this.options.refreshSupport && elsewhere) void connection.languages.diagnostics.refresh().catch(() => undefined);
        return;
      }
      for (const p of [...targets].sort()) {
        if (!snap.file(p)) {
          // Gone from the workspace (deleted, closed outside the folders, its folder removed).
          if (published.delete(p)) void connection.sendDiagnostics({ uri: pathToUri(p), diagnostics: [] });
          continue;
        }
        const d = this.diagnostics.get(snap, p);
        const key = `${ws.version(p) ?? "disk"}:${d.resultId}`;
        if (published.get(p) === key) continue;
        published.set(p, key);
        void connection.sendDiagnostics({ uri: pathToUri(p), version: ws.version(p), diagnostics: d.items });
      }
    } catch (e) {
      connection.console.error(`diagnostics failed: ${(e as Error).stack ?? String(e)}`);
    }
  }
}

/**
 * Each file's diagnostics in protocol form with a result id (a hash of them),
 * kept until the workspace model reports the file affected by a change: an
 * edit converts and hashes the diagnostics of the files it affected only.
 */
class DiagnosticCache {
  private readonly byPath = new Map<string, { items: L.Diagnostic[]; resultId: string }>();

  constructor(private readonly more: MoreDiagnostics) {}

  get(snap: Snapshot, path: string): { items: L.Diagnostic[]; resultId: string } {
    let d = this.byPath.get(path);
    if (!d) {
      const items = [...snap.diagnosticsOf(path), ...this.more(snap, path)].map(toLsp);
      d = { items, resultId: hash(JSON.stringify(items)) };
      if (snap.file(path)) this.byPath.set(path, d);
    }
    return d;
  }

  forget(path: string): void {
    this.byPath.delete(path);
  }

  clear(): void {
    this.byPath.clear();
  }
}

function hash(s: string): string {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return (h >>> 0).toString(36) + ":" + s.length.toString(36);
}
