/**
 * The language server: wires the protocol to the workspace model and the
 * feature modules, one file per feature. The diagnostics publisher
 * (`diagnosticsPublisher.ts`), the capabilities (`capabilities.ts`), the
 * settings (`settings.ts`), the custom requests (`customRequests.ts`) and how
 * every request is answered (`requests.ts`: cancellation, internal errors as
 * error responses; the server itself never goes down) live in files of their own.
 */
import * as L from "vscode-languageserver";
import { TextDocument } from "vscode-languageserver-textdocument";
import { Workspace, type Snapshot } from "./workspace.js";
import { uriToPath } from "./uri.js";
import { documentSymbols, workspaceSymbols } from "./symbols.js";
import { foldingRanges, selectionRanges } from "./folding.js";
import { SemanticTokensProvider } from "./semanticTokens.js";
import { asLocations, definition, highlights, references } from "./navigation.js";
import { prepareRename, rename } from "./rename.js";
import { hover } from "./hover.js";
import { complete } from "./completion/index.js";
import { codeActions } from "./codeActions.js";
import { formatDocument, formatDocumentRange, formatOptions } from "./formatting.js";
import { JourneyRunner, journeyDiagnostics } from "./journeys.js";
import { codeLenses, inlayHints } from "./codeLens.js";
import { documentLinks, importDefinition } from "./links.js";
import { signatureHelp } from "./signatureHelp.js";
import { willRenameFiles } from "./fileRename.js";
import { clientFeatures, FORMAT_ACTION, serverCapabilities, type ClientFeatures } from "./capabilities.js";
import { DiagnosticsPublisher } from "./diagnosticsPublisher.js";
import { Settings } from "./settings.js";
import { WorkspaceConfig } from "./workspaceConfig.js";
import { registerCustomRequests } from "./customRequests.js";
import { requestHandler } from "./requests.js";
import { registerCommands } from "./commands.js";

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
  const handle = requestHandler(connection);
  // Failing journey expectations are published with the checker's diagnostics (CR3040).
  // crmrules.json (workspaceConfig.ts): lint findings (source crmrules-lint) beside them, formatter options.
  const config = new WorkspaceConfig(connection, log);
  const publisher = new DiagnosticsPublisher(connection, ws, handle, options.debounceMs ?? 150, (snap, path) => [...journeyDiagnostics(snap, runner, path, log), ...config.lintDiagnostics(snap, path)]);
  const settings = new Settings(connection, log);
  let client: ClientFeatures = clientFeatures({});
  /** The client has crmrules' own journey commands (the VS Code extension): the journey lenses carry those. */
  let clientCommands = false;

  connection.onInitialize((params) => {
    client = clientFeatures(params.capabilities);
    publisher.configure({ pull: client.pullDiagnostics, refreshSupport: client.refreshSupport, refreshViews: client.refreshViews });
    const opts = params.initializationOptions as { debounceMs?: number; format?: unknown; clientCommands?: unknown } | undefined;
    clientCommands = opts?.clientCommands === true;
    if (typeof opts?.debounceMs === "number") publisher.debounceMs = opts.debounceMs;
    settings.initialize(client.configurationPull, opts?.format);
    const folders = params.workspaceFolders?.map((f) => uriToPath(f.uri)) ?? (params.rootUri ? [uriToPath(params.rootUri)] : params.rootPath ? [params.rootPath] : []);
    ws.setRoots(folders);
    config.load(ws.roots);
    return { capabilities: serverCapabilities(), serverInfo: { name: "crmrules-language-server", version: "0.1.0" } };
  });

  connection.onInitialized(() => {
    if (client.watchRegistration)
      void connection.client
        .register(L.DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: "**/*.crmrules" }, { globPattern: "**/crmrules.json" }] })
        .catch((e: unknown) => log(`file watching unavailable: ${String(e)}`));
    if (client.folderEvents)
      connection.workspace.onDidChangeWorkspaceFolders((e) => {
        const removed = new Set(e.removed.map((f) => uriToPath(f.uri)));
        ws.setRoots([...ws.roots.filter((r) => !removed.has(r)), ...e.added.map((f) => uriToPath(f.uri))]);
        config.load(ws.roots);
        publisher.invalidateAll();
        publisher.schedule(ws.paths(), true);
      });
    settings.initialized();
    // Every workspace file's diagnostics, open or not.
    publisher.schedule(ws.paths(), true);
  });

  // ------------------------------------------------------------ documents

  documents.onDidOpen((e) => {
    const p = uriToPath(e.document.uri);
    ws.openDoc(p, e.document.getText(), e.document.version);
    publisher.schedule([p], true);
  });
  documents.onDidChangeContent((e) => {
    const p = uriToPath(e.document.uri);
    if (ws.text(p) === e.document.getText() && ws.version(p) === e.document.version) return;
    ws.changeDoc(p, e.document.getText(), e.document.version);
    publisher.schedule([p], false);
  });
  documents.onDidClose((e) => {
    const p = uriToPath(e.document.uri);
    tokens.forget(e.document.uri);
    ws.closeDoc(p);
    // A file outside the workspace folders disappears: clear its diagnostics.
    if (ws.text(p) === undefined) publisher.gone(p, e.document.uri);
    publisher.schedule([p], true);
  });
  connection.onDidChangeWatchedFiles((e) => {
    const changed: string[] = [];
    let configChanged = false;
    for (const c of e.changes) {
      const p = uriToPath(c.uri);
      if (config.isConfigFile(p, ws.roots)) configChanged = true;
      if (!p.endsWith(".crmrules") || ws.isOpen(p)) continue;
      ws.diskChanged(p, c.type === L.FileChangeType.Deleted);
      changed.push(p);
      if (c.type === L.FileChangeType.Deleted) publisher.gone(p, c.uri);
    }
    if (configChanged) {
      config.load(ws.roots);
      publisher.invalidateAll();
      publisher.schedule(ws.paths(), true);
    }
    if (changed.length) publisher.schedule(changed, true);
  });

  // ------------------------------------------------------------ requests

  /** The document's path, snapshot, parse result and the offset of an LSP position. */
  function at(uri: string, pos?: L.Position) {
    const path = uriToPath(uri);
    const snap = ws.snapshot();
    const pr = snap.file(path);
    const offset = pr && pos ? pr.lines.offsetAt(pos.line, pos.character) : 0;
    return { path, snap, pr, offset };
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
      return client.definitionLinks ? links : asLocations(links);
    }),
  );
  connection.onDocumentLinks(
    handle("documentLink", (p: L.DocumentLinkParams) => documentLinks(ws.snapshot(), uriToPath(p.textDocument.uri))),
  );
  connection.onSignatureHelp(
    handle("signatureHelp", (p: L.SignatureHelpParams) => {
      const { snap, path, offset } = at(p.textDocument.uri, p.position);
      const text = ws.text(path);
      return text === undefined ? null : signatureHelp(snap, path, text, offset, client.labelOffsets);
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
      // The checker's fixes and the style linter's (a rename to snake_case, an unused import's removal).
      const out = codeActions(pr, [...snap.diagnosticsOf(path), ...config.lintDiagnostics(snap, path)], p);
      const only = p.context.only;
      if (!only || only.some((k) => FORMAT_ACTION === k || FORMAT_ACTION.startsWith(k + "."))) {
        // The other code actions stand even if formatting this file fails internally.
        let edits: L.TextEdit[] = [];
        try {
          edits = formatDocument(pr.lines.text, formatOptions(config.format(settings.format, path)), path);
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
      return text === undefined ? [] : formatDocument(text, formatOptions(config.format(settings.format, uriToPath(p.textDocument.uri)), p.options), uriToPath(p.textDocument.uri));
    }),
  );
  connection.onDocumentRangeFormatting(
    handle("rangeFormatting", (p: L.DocumentRangeFormattingParams) => {
      const text = ws.text(uriToPath(p.textDocument.uri));
      return text === undefined ? [] : formatDocumentRange(text, p.range, formatOptions(config.format(settings.format, uriToPath(p.textDocument.uri)), p.options), uriToPath(p.textDocument.uri));
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
    handle("codeLens", (p: L.CodeLensParams) => codeLenses(ws.snapshot(), runner, uriToPath(p.textDocument.uri), clientCommands)),
  );
  connection.languages.inlayHint.on(
    handle("inlayHint", (p: L.InlayHintParams) => inlayHints(ws.snapshot(), runner, uriToPath(p.textDocument.uri), p.range)),
  );

  registerCustomRequests(connection, ws, runner, handle);
  registerCommands(connection, ws, runner, handle);

  connection.onShutdown(() => {
    publisher.cancel();
  });

  documents.listen(connection);
  connection.listen();
}

export type { Snapshot };
