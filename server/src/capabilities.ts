/**
 * Capabilities: what the server reads from the client's (`ClientFeatures`)
 * and what it announces in answer to `initialize` (`serverCapabilities`).
 */
import * as L from "vscode-languageserver";
import { LEGEND } from "./semanticTokens.js";
import { SERVER_COMMANDS } from "./commands.js";

/** The "format" source action (a kind under `source`, so "Source Action…" lists it). */
export const FORMAT_ACTION = "source.format.crmrules";

/** What the server needs to know of the client's capabilities. */
export interface ClientFeatures {
  pullDiagnostics: boolean;
  /** The client accepts `workspace/diagnostic/refresh`. */
  refreshSupport: boolean;
  /** Views that depend on other files (lenses, hints, tokens) and that the client lets us refresh. */
  refreshViews: string[];
  watchRegistration: boolean;
  folderEvents: boolean;
  labelOffsets: boolean;
  /** The client answers `workspace/configuration` (the settings are pulled, section `crmrules.format`). */
  configurationPull: boolean;
  /** The client takes LocationLinks for definitions (else plain Locations). */
  definitionLinks: boolean;
}

export function clientFeatures(caps: L.ClientCapabilities): ClientFeatures {
  const refreshViews: string[] = [];
  if (caps.workspace?.codeLens?.refreshSupport) refreshViews.push("workspace/codeLens/refresh");
  if (caps.workspace?.inlayHint?.refreshSupport) refreshViews.push("workspace/inlayHint/refresh");
  if (caps.workspace?.semanticTokens?.refreshSupport) refreshViews.push("workspace/semanticTokens/refresh");
  return {
    pullDiagnostics: !!caps.textDocument?.diagnostic,
    refreshSupport: !!caps.workspace?.diagnostics?.refreshSupport,
    refreshViews,
    watchRegistration: !!caps.workspace?.didChangeWatchedFiles?.dynamicRegistration,
    folderEvents: !!caps.workspace?.workspaceFolders,
    labelOffsets: !!caps.textDocument?.signatureHelp?.signatureInformation?.parameterInformation?.labelOffsetSupport,
    configurationPull: !!caps.workspace?.configuration,
    definitionLinks: !!caps.textDocument?.definition?.linkSupport,
  };
}

export function serverCapabilities(): L.ServerCapabilities {
  return {
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
    // What the code lenses run in clients without crmrules' own commands (commands.ts).
    executeCommandProvider: { commands: SERVER_COMMANDS },
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
  };
}
