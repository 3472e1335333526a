/**
 * The language server: wires the protocol to the workspace model and the
 * feature modules. Every request yields once (so a cancellation can arrive),
 * checks for cancellation, and turns an internal failure into an error
 * response plus a log line; the server itself never goes down.
 */
import * as L from "vscode-languageserver";
import { TextDocument } from "vscode-languageserver-textdocument";
import { Workspace, type Snapshot } from "./workspace.js";
import { uriToPath, pathToUri } from "./uri.js";
import { diagnostic as toLsp } from "./convert.js";
import { documentSymbols, workspaceSymbols } from "./symbols.js";
import { foldingRanges, selectionRanges } from "./folding.js";
import { LEGEND, SemanticTokensProvider } from "./semanticTokens.js";
import { asLocations, definition, highlights, references } from "./navigation.js";
import { prepareRename, rename } from "./rename.js";
import { hover } from "./hover.js";
import { complete } from "./completion.js";
import { codeActions } from "./codeActions.js";
import { formatDocument, formatDocumentRange, formatOptions, readFormatSettings, type FormatSettings } from "./formatting.js";
import { JourneyRunner, journeyView, listJourneys, runJourneyRequest } from "./journeys.js";
import { JourneyViewRequest, ListJourneysRequest, RunJourneyRequest, type JourneyParams, type ListJourneysParams } from "../../protocol/journeys.js";
import { codeLenses, inlayHints } from "./codeLens.js";
import { documentLinks, importDefinition } from "./links.js";
import { signatureHelp } from "./signatureHelp.js";
import { willRenameFiles } from "./fileRename.js";

/** The "format" source action (a kind under `source`, so "Source Action…" lists it). */
const FORMAT_ACTION = "source.format.crmrules";
const MAX_WAIT_MS = 1000;
/** The result id of the empty report of a file that left the workspace. */
const GONE = "gone";

export interface ServerOptions {
  /** Milliseconds to wait after the last keystroke before publishing diagnostics. */
  debounceMs?: number;
}

export function startServer(connection: L.Connection, options: ServerOptions = {}): void {
  const log = (m: string) => connection.console.log(m);
  const ws = new Workspace(log);
  const documents = new L.TextDocuments(TextDocument);
  const tokens = new SemanticTokensProvider();
  const runner = new JourneyRunner(log);
  let debounceMs = options.debounceMs ?? 150;
  let pullDiagnostics = false;
  let watchRegistration = false;
  let folderEvents = false;
  let refreshSupport = false;
  let labelOffsets = false;
  /** The client takes LocationLinks for definitions (else plain Locations). */
  let definitionLinks = false;
  /** The client answers `workspace/configuration` (the settings are pulled, section `crmrules.format`). */
  let configurationPull = false;
  let formatSettings: FormatSettings = {};
  /** Views that depend on other files (lenses, hints, tokens) and that the client lets us refresh. */
  const refreshViews: string[] = [];
  /** What was last published for a file: its document version and the diagnostics' result id. */
  const published = new Map<string, string>();
  const diagnostics = new DiagnosticCache();
  let pending: { cancel(): void } | undefined;
  /** Files scheduled by events (changed, opened, closed, created, deleted) since the last flush. */
  const dirty = new Set<string>();
  /** Files whose diagnostics may have changed since the last flush (drained from the workspace model). */
  const toPublish = new Set<string>();
  let publishAll = false;
  let firstDirtyAt = 0;

  /** The current snapshot, with the diagnostics cache told which files the re-checks behind it may have changed. */
  function current(): Snapshot {
    const snap = ws.snapshot();
    const affected = ws.takeAffected();
    if (affected.all) {
      diagnostics.clear();
      publishAll = true;
    }
    for (const p of affected.paths) {
      diagnostics.forget(p);
      toPublish.add(p);
    }
    return snap;
  }

  connection.onInitialize((params) => {
    const caps = params.capabilities;
    pullDiagnostics = !!caps.textDocument?.diagnostic;
    refreshSupport = !!caps.workspace?.diagnostics?.refreshSupport;
    if (caps.workspace?.codeLens?.refreshSupport) refreshViews.push("workspace/codeLens/refresh");
    if (caps.workspace?.inlayHint?.refreshSupport) refreshViews.push("workspace/inlayHint/refresh");
    if (caps.workspace?.semanticTokens?.refreshSupport) refreshViews.push("workspace/semanticTokens/refresh");
    watchRegistration = !!caps.workspace?.didChangeWatchedFiles?.dynamicRegistration;
    folderEvents = !!caps.workspace?.workspaceFolders;
    labelOffsets = !!caps.textDocument?.signatureHelp?.signatureInformation?.parameterInformation?.labelOffsetSupport;
    configurationPull = !!caps.workspace?.configuration;
    definitionLinks = !!caps.textDocument?.definition?.linkSupport;
    const opts = params.initializationOptions as { debounceMs?: number; format?: unknown } | undefined;
    if (typeof opts?.debounceMs === "number") debounceMs = opts.debounceMs;
    formatSettings = readFormatSettings(opts?.format);
    const folders = params.workspaceFolders?.map((f) => uriToPath(f.uri)) ?? (params.rootUri ? [uriToPath(params.rootUri)] : params.rootPath ? [params.rootPath] : []);
    ws.setRoots(folders);
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: L.TextDocumentSyncKind.Incremental, save: { includeText: false } },
        completionProvider: { triggerCharacters: [".", " ", "{", ",", ":", "[", ">"], resolveProvider: false },
        hoverProvider: true,
        definitionProvider: true,
        documentLinkProvider: { resolveProvider: false },
        signatureHelpProvider: { triggerCharacters: ["(", ","] },
        referencesProvider: true,
        documentHighlightProvider: true,
        documentSymbolProvider: { label: "CRM Rules" },
        workspaceSymbolProvider: true,
        renameProvider: { prepareProvider: true },
        foldingRangeProvider: true,
        selectionRangeProvider: true,
        codeActionProvider: { codeActionKinds: [L.CodeActionKind.QuickFix, L.CodeActionKind.SourceOrganizeImports, FORMAT_ACTION] },
        documentFormattingProvider: true,
        codeLensProvider: { resolveProvider: false },
        inlayHintProvider: { resolveProvider: false },
        documentRangeFormattingProvider: true,
        semanticTokensProvider: { legend: LEGEND, full: { delta: true }, range: true },
        diagnosticProvider: { identifier: "crmrules", interFileDependencies: true, workspaceDiagnostics: true },
        workspace: {
          workspaceFolders: { supported: true, changeNotifications: true },
          // Renaming or moving a rules file, or a folder (which may hold some), rewrites the imports of it.
          fileOperations: {
            willRename: {
              filters: [
                { scheme: "file", pattern: { glob: "**/*.crmrules", matches: L.FileOperationPatternKind.file } },
                { scheme: "file", pattern: { glob: "**/*", matches: L.FileOperationPatternKind.folder } },
              ],
            },
          },
        },
      },
      serverInfo: { name: "crmrules-language-server", version: "0.1.0" },
    };
  });

  connection.onInitialized(() => {
    if (watchRegistration)
      void connection.client
        .register(L.DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: "**/*.crmrules" }] })
        .catch((e: unknown) => log(`file watching unavailable: ${String(e)}`));
    if (folderEvents)
      connection.workspace.onDidChangeWorkspaceFolders((e) => {
        const removed = new Set(e.removed.map((f) => uriToPath(f.uri)));
        ws.setRoots([...ws.roots.filter((r) => !removed.has(r)), ...e.added.map((f) => uriToPath(f.uri))]);
        schedule(ws.paths(), true);
      });
    if (configurationPull) pullFormatSettings();
    // Every workspace file's diagnostics, open or not.
    schedule(ws.paths(), true);
  });

  // ------------------------------------------------------------ settings

  /** Asks the client for `crmrules.format` (a client that cannot answer keeps the settings it sent otherwise). */
  function pullFormatSettings(): void {
    connection.workspace.getConfiguration("crmrules.format").then(
      (v: unknown) => {
        if (v && typeof v === "object") formatSettings = readFormatSettings(v);
      },
      (e: unknown) => log(`workspace/configuration failed: ${String(e)}`),
    );
  }
  connection.onDidChangeConfiguration((e) => {
    // Pushed settings: `{ crmrules: { format: {…} } }` (VS Code's configurationSection) or `{ format: {…} }`.
    const s = e.settings as { crmrules?: { format?: unknown }; format?: unknown } | null | undefined;
    const pushed = s?.crmrules ? s.crmrules.format : s?.format;
    if (pushed !== undefined) formatSettings = readFormatSettings(pushed);
    else if (configurationPull) pullFormatSettings();
  });

  // ------------------------------------------------------------ documents

  documents.onDidOpen((e) => {
    const p = uriToPath(e.document.uri);
    ws.openDoc(p, e.document.getText(), e.document.version);
    schedule([p], true);
  });
  documents.onDidChangeContent((e) => {
    const p = uriToPath(e.document.uri);
    if (ws.text(p) === e.document.getText() && ws.version(p) === e.document.version) return;
    ws.changeDoc(p, e.document.getText(), e.document.version);
    schedule([p], false);
  });
  documents.onDidClose((e) => {
    const p = uriToPath(e.document.uri);
    tokens.forget(e.document.uri);
    ws.closeDoc(p);
    // A file outside the workspace folders disappears: clear its diagnostics.
    if (ws.text(p) === undefined) {
      published.delete(p);
      if (!pullDiagnostics) void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
    }
    schedule([p], true);
  });
  connection.onDidChangeWatchedFiles((e) => {
    const changed: string[] = [];
    for (const c of e.changes) {
      const p = uriToPath(c.uri);
      if (!p.endsWith(".crmrules") || ws.isOpen(p)) continue;
      ws.diskChanged(p, c.type === L.FileChangeType.Deleted);
      changed.push(p);
      if (c.type === L.FileChangeType.Deleted) {
        published.delete(p);
        if (!pullDiagnostics) void connection.sendDiagnostics({ uri: c.uri, diagnostics: [] });
      }
    }
    if (changed.length) schedule(changed, true);
  });

  // ------------------------------------------------------------ diagnostics

  /**
   * Publishes (debounced) the diagnostics that the change may have changed:
   * the workspace model reports the files its re-checks affected (the changed
   * files, the files importing them, what those see or saw), and only those
   * whose diagnostics differ from what was published are sent.
   */
  function schedule(paths: string[], now: boolean): void {
    if (dirty.size === 0) firstDirtyAt = Date.now();
    for (const p of paths) dirty.add(p);
    pending?.cancel();
    // Debounced while typing, but never held back longer than MAX_WAIT_MS by continuous typing.
    const delay = now ? 0 : Math.max(0, Math.min(debounceMs, MAX_WAIT_MS - (Date.now() - firstDirtyAt)));
    if (delay > 0) {
      const t = setTimeout(flush, delay);
      pending = { cancel: () => clearTimeout(t) };
    } else {
      // Not `setTimeout(…, 0)`, which waits at least a millisecond.
      const t = setImmediate(flush);
      pending = { cancel: () => clearImmediate(t) };
    }
  }

  function flush(): void {
    pending = undefined;
    try {
      const snap = current();
      // Only views showing files other than the changed ones need a refresh (the client asks again for a document it changed).
      // A file that left the workspace counts too: no client asks again for a file that is gone (a pull client must pull to clear it).
      const elsewhere = publishAll || [...toPublish].some((p) => !dirty.has(p)) || [...dirty].some((p) => !snap.file(p));
      const targets = publishAll ? new Set([...snap.paths(), ...published.keys()]) : new Set([...toPublish, ...dirty]);
      dirty.clear();
      toPublish.clear();
      publishAll = false;
      if (elsewhere) for (const m of refreshViews) void connection.sendRequest(m).catch(() => undefined);
      if (pullDiagnostics) {
        if (refreshSupport && elsewhere) void connection.languages.diagnostics.refresh().catch(() => undefined);
        return;
      }
      for (const p of [...targets].sort()) {
        if (!snap.file(p)) {
          // Gone from the workspace (deleted, closed outside the folders, its folder removed).
          if (published.delete(p)) void connection.sendDiagnostics({ uri: pathToUri(p), diagnostics: [] });
          continue;
        }
        const d = diagnostics.get(snap, p);
        const key = `${ws.version(p) ?? "disk"}:${d.resultId}`;
        if (published.get(p) === key) continue;
        published.set(p, key);
        void connection.sendDiagnostics({ uri: pathToUri(p), version: ws.version(p), diagnostics: d.items });
      }
    } catch (e) {
      connection.console.error(`diagnostics failed: ${(e as Error).stack ?? String(e)}`);
    }
  }

  connection.languages.diagnostics.on(
    handle("diagnostic", (params: L.DocumentDiagnosticParams): L.DocumentDiagnosticReport => {
      const p = uriToPath(params.textDocument.uri);
      const { items, resultId } = diagnostics.get(current(), p);
      if (params.previousResultId === resultId) return { kind: L.DocumentDiagnosticReportKind.Unchanged, resultId };
      return { kind: L.DocumentDiagnosticReportKind.Full, resultId, items };
    }),
  );

  /** Every workspace file, open or not (pull clients show the problems of files never opened). */
  connection.languages.diagnostics.onWorkspace(
    handle("workspaceDiagnostic", (params: L.WorkspaceDiagnosticParams): L.WorkspaceDiagnosticReport => {
      const snap = current();
      const previous = new Map(params.previousResultIds.map((p) => [p.uri, p.value]));
      const items: L.WorkspaceDocumentDiagnosticReport[] = [];
      for (const p of snap.paths()) {
        const uri = pathToUri(p);
        const { items: lsp, resultId } = diagnostics.get(snap, p);
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

  // ------------------------------------------------------------ requests

  /** The document's path, snapshot, parse result and the offset of an LSP position. */
  function at(uri: string, pos?: L.Position) {
    const path = uriToPath(uri);
    const snap = ws.snapshot();
    const pr = snap.file(path);
    const offset = pr && pos ? pr.lines.offsetAt(pos.line, pos.character) : 0;
    return { path, snap, pr, offset };
  }

  function handle<P, R>(name: string, fn: (params: P, token: L.CancellationToken) => R) {
    return async (params: P, token: L.CancellationToken): Promise<R> => {
      // Yield twice: the connection processes one queued message per macrotask, so a
      // `$/cancelRequest` that arrived with the request is handled before we start.
      await new Promise((r) => setImmediate(r));
      await new Promise((r) => setImmediate(r));
      if (token.isCancellationRequested) throw new L.ResponseError(L.LSPErrorCodes.RequestCancelled, "the request was cancelled");
      try {
        return fn(params, token);
      } catch (e) {
        if (e instanceof L.ResponseError) throw e;
        connection.console.error(`internal error in ${name}: ${(e as Error).stack ?? String(e)}`);
        throw new L.ResponseError(L.ErrorCodes.InternalError, `internal error in ${name}: ${(e as Error).message}`);
      }
    };
  }

  connection.onCompletion(
    handle("completion", (p: L.CompletionParams) => {
      const { snap, path, offset } = at(p.textDocument.uri, p.position);
      const text = ws.text(path);
      if (text === undefined) return null;
      return complete(snap, text, offset, path);
    }),
  );
  connection.onHover(
    handle("hover", (p: L.HoverParams) => {
      const { snap, path, offset, pr } = at(p.textDocument.uri, p.position);
      return pr ? hover(snap, path, offset) : null;
    }),
  );
  connection.onDefinition(
    handle("definition", (p: L.DefinitionParams) => {
      const { snap, path, offset } = at(p.textDocument.uri, p.position);
      const links = importDefinition(snap, path, offset) ?? definition(snap, path, offset);
      return definitionLinks ? links : asLocations(links);
    }),
  );
  connection.onDocumentLinks(
    handle("documentLink", (p: L.DocumentLinkParams) => documentLinks(ws.snapshot(), uriToPath(p.textDocument.uri))),
  );
  connection.onSignatureHelp(
    handle("signatureHelp", (p: L.SignatureHelpParams) => {
      const { snap, path, offset } = at(p.textDocument.uri, p.position);
      const text = ws.text(path);
      return text === undefined ? null : signatureHelp(snap, path, text, offset, labelOffsets);
    }),
  );
  connection.workspace.onWillRenameFiles(handle("willRenameFiles", (p: L.RenameFilesParams) => willRenameFiles(ws.snapshot(), p.files)));
  connection.onReferences(
    handle("references", (p: L.ReferenceParams) => {
      const { snap, path, offset } = at(p.textDocument.uri, p.position);
      return references(snap, path, offset, p.context.includeDeclaration);
    }),
  );
  connection.onDocumentHighlight(
    handle("documentHighlight", (p: L.DocumentHighlightParams) => {
      const { snap, path, offset } = at(p.textDocument.uri, p.position);
      return highlights(snap, path, offset);
    }),
  );
  connection.onDocumentSymbol(
    handle("documentSymbol", (p: L.DocumentSymbolParams) => {
      const { pr } = at(p.textDocument.uri);
      return pr ? documentSymbols(pr) : [];
    }),
  );
  connection.onWorkspaceSymbol(handle("workspaceSymbol", (p: L.WorkspaceSymbolParams) => workspaceSymbols(ws.snapshot(), p.query)));
  connection.onPrepareRename(
    handle("prepareRename", (p: L.PrepareRenameParams) => {
      const { snap, path, offset } = at(p.textDocument.uri, p.position);
      return prepareRename(snap, path, offset);
    }),
  );
  connection.onRenameRequest(
    handle("rename", (p: L.RenameParams) => {
      const { snap, path, offset } = at(p.textDocument.uri, p.position);
      return rename(snap, path, offset, p.newName);
    }),
  );
  connection.onFoldingRanges(
    handle("foldingRange", (p: L.FoldingRangeParams) => {
      const { pr } = at(p.textDocument.uri);
      return pr ? foldingRanges(pr) : [];
    }),
  );
  connection.onSelectionRanges(
    handle("selectionRange", (p: L.SelectionRangeParams) => {
      const { pr } = at(p.textDocument.uri);
      return pr ? selectionRanges(pr, p.positions.map((x) => pr.lines.offsetAt(x.line, x.character))) : [];
    }),
  );
  connection.onCodeAction(
    handle("codeAction", (p: L.CodeActionParams) => {
      const { snap, path, pr } = at(p.textDocument.uri);
      if (!pr) return [];
      const out = codeActions(pr, snap.diagnosticsOf(path), p);
      const only = p.context.only;
      if (!only || only.some((k) => FORMAT_ACTION === k || FORMAT_ACTION.startsWith(k + "."))) {
        // The other code actions stand even if formatting this file fails internally.
        let edits: L.TextEdit[] = [];
        try {
          edits = formatDocument(pr.lines.text, formatOptions(formatSettings), path);
        } catch (e) {
          connection.console.error(`internal error formatting ${path}: ${(e as Error).stack ?? String(e)}`);
        }
        if (edits.length) out.push({ title: "Format document", kind: FORMAT_ACTION, edit: { changes: { [p.textDocument.uri]: edits } } });
      }
      return out;
    }),
  );
  connection.onDocumentFormatting(
    handle("formatting", (p: L.DocumentFormattingParams) => {
      const text = ws.text(uriToPath(p.textDocument.uri));
      return text === undefined ? [] : formatDocument(text, formatOptions(formatSettings, p.options), uriToPath(p.textDocument.uri));
    }),
  );
  connection.onDocumentRangeFormatting(
    handle("rangeFormatting", (p: L.DocumentRangeFormattingParams) => {
      const text = ws.text(uriToPath(p.textDocument.uri));
      return text === undefined ? [] : formatDocumentRange(text, p.range, formatOptions(formatSettings, p.options), uriToPath(p.textDocument.uri));
    }),
  );
  connection.languages.semanticTokens.on(
    handle("semanticTokens", (p: L.SemanticTokensParams) => {
      const { snap, path, pr } = at(p.textDocument.uri);
      return pr ? tokens.full(p.textDocument.uri, pr, snap.checkOf(path), path) : { data: [] };
    }),
  );
  connection.languages.semanticTokens.onRange(
    handle("semanticTokensRange", (p: L.SemanticTokensRangeParams) => {
      const { snap, path, pr } = at(p.textDocument.uri);
      if (!pr) return { data: [] };
      const offset = (pos: L.Position) => pr.lines.offsetAt(Math.max(0, pos.line), Math.max(0, pos.character));
      return tokens.range(pr, snap.checkOf(path), path, { start: offset(p.range.start), end: offset(p.range.end) });
    }),
  );
  connection.languages.semanticTokens.onDelta(
    handle("semanticTokensDelta", (p: L.SemanticTokensDeltaParams) => {
      const { snap, path, pr } = at(p.textDocument.uri);
      return pr ? tokens.delta(p.textDocument.uri, p.previousResultId, pr, snap.checkOf(path), path) : { data: [] };
    }),
  );

  connection.onCodeLens(
    handle("codeLens", (p: L.CodeLensParams) => codeLenses(ws.snapshot(), runner, uriToPath(p.textDocument.uri))),
  );
  connection.languages.inlayHint.on(
    handle("inlayHint", (p: L.InlayHintParams) => inlayHints(ws.snapshot(), runner, uriToPath(p.textDocument.uri), p.range)),
  );

  // ------------------------------------------------------------ custom requests (see server/README.md)

  connection.onRequest(
    ListJourneysRequest,
    handle("listJourneys", (p: ListJourneysParams | undefined, token) => {
      const snap = ws.snapshot();
      const paths = p?.uri ? [uriToPath(p.uri)] : snap.paths();
      return listJourneys(snap, runner, paths, () => token.isCancellationRequested);
    }),
  );
  connection.onRequest(
    RunJourneyRequest,
    handle("runJourney", (p: JourneyParams) => {
      if (!p || typeof p.uri !== "string" || typeof p.name !== "string") throw new L.ResponseError(L.ErrorCodes.InvalidParams, "expected { uri, name }");
      return runJourneyRequest(ws.snapshot(), runner, uriToPath(p.uri), p.name);
    }),
  );
  connection.onRequest(
    JourneyViewRequest,
    handle("journeyView", (p: JourneyParams) => {
      if (!p || typeof p.uri !== "string" || typeof p.name !== "string") throw new L.ResponseError(L.ErrorCodes.InvalidParams, "expected { uri, name }");
      return journeyView(ws.snapshot(), runner, uriToPath(p.uri), p.name);
    }),
  );

  connection.onShutdown(() => {
    pending?.cancel();
  });

  documents.listen(connection);
  connection.listen();
}

export type { Snapshot };

/**
 * Each file's diagnostics in protocol form with a result id (a hash of them),
 * kept until the workspace model reports the file affected by a change: an
 * edit converts and hashes the diagnostics of the files it affected only.
 */
class DiagnosticCache {
  private readonly byPath = new Map<string, { items: L.Diagnostic[]; resultId: string }>();

  get(snap: Snapshot, path: string): { items: L.Diagnostic[]; resultId: string } {
    let d = this.byPath.get(path);
    if (!d) {
      const items = snap.diagnosticsOf(path).map(toLsp);
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
