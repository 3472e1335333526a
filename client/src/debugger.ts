/**
 * The journey debugger in VS Code (docs/debugger.md): the `crmrules` debug type runs the adapter
 * dist/debug.js (Debug Adapter Protocol over stdio) as a DebugAdapterExecutable; launch
 * configurations are completed from the editor (the journey at the cursor) and offered per
 * journey in the Run and Debug view; the command `crmrules.debugJourney` (the "Debug journey"
 * lens) starts a session for one journey.
 */
import * as vscode from "vscode";
import { existsSync } from "node:fs";
import { journeysOf } from "./journeys.js";
import { ClientCommand } from "../../protocol/journeys.js";

export const DEBUG_TYPE = "crmrules";

/** A launch configuration of the `crmrules` type (package.json `contributes.debuggers`). */
interface JourneyLaunch extends vscode.DebugConfiguration {
  file?: string;
  journey?: string;
  seed?: number;
  stopOnEntry?: boolean;
  root?: string;
}

function folderOf(uri: vscode.Uri): vscode.WorkspaceFolder | undefined {
  return vscode.workspace.getWorkspaceFolder(uri) ?? vscode.workspace.workspaceFolders?.[0];
}

function launchFor(uri: vscode.Uri, journey: string, stopOnEntry = true): JourneyLaunch {
  const folder = folderOf(uri);
  return { type: DEBUG_TYPE, request: "launch", name: `Debug journey "${journey}"`, file: uri.fsPath, journey, stopOnEntry, ...(folder ? { root: folder.uri.fsPath } : {}) };
}

/** The journey at the cursor of the active editor when it shows `file` (or the file's only journey). */
function journeyAtCursor(file: string): string | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== "crmrules" || editor.document.uri.fsPath !== file) return undefined;
  const js = journeysOf(editor.document.getText(), editor.document.uri.fsPath);
  const line = editor.selection.active.line;
  return (js.find((j) => j.range.start.line <= line && line <= j.range.end.line) ?? (js.length === 1 ? js[0] : undefined))?.name;
}

export function registerJourneyDebugger(context: vscode.ExtensionContext, output: vscode.LogOutputChannel, pickJourney: () => Promise<{ uri: string; name: string } | undefined>): void {
  const adapter = context.asAbsolutePath("dist/debug.js");
  context.subscriptions.push(
    vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, {
      createDebugAdapterDescriptor(session) {
        if (!existsSync(adapter)) throw new Error("dist/debug.js is missing: run `npm run build`");
        const cwd = session.workspaceFolder?.uri.fsPath;
        // The extension host's own Node runs the adapter (in the desktop app it is Electron, run as Node).
        return new vscode.DebugAdapterExecutable(process.execPath, [adapter], { env: { ELECTRON_RUN_AS_NODE: "1" }, ...(cwd ? { cwd } : {}) });
      },
    }),
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, {
      // F5 without a launch.json: the journey at the cursor.
      resolveDebugConfiguration(folder, config: JourneyLaunch) {
        if (!config.type && !config.request && !config.name) {
          const editor = vscode.window.activeTextEditor;
          if (!editor || editor.document.languageId !== "crmrules") {
            void vscode.window.showErrorMessage("open a .crmrules file with a journey to debug it, or add a `crmrules` launch configuration");
            return undefined;
          }
          return { type: DEBUG_TYPE, request: "launch", name: "Debug the journey at the cursor", file: editor.document.uri.fsPath, stopOnEntry: true, ...(folder ? { root: folder.uri.fsPath } : {}) };
        }
        return config;
      },
      // After `${file}` and the like are replaced: the journey at the cursor when none is named.
      resolveDebugConfigurationWithSubstitutedVariables(folder, config: JourneyLaunch) {
        if (typeof config.file === "string" && !config.journey) {
          const name = journeyAtCursor(config.file);
          if (name) config.journey = name;
        }
        if (!config.root && folder) config.root = folder.uri.fsPath;
        return config;
      },
    }),
    // The Run and Debug view's list: one configuration per journey of the workspace.
    vscode.debug.registerDebugConfigurationProvider(
      DEBUG_TYPE,
      {
        async provideDebugConfigurations() {
          const out: vscode.DebugConfiguration[] = [];
          for (const uri of await vscode.workspace.findFiles("**/*.crmrules", "**/node_modules/**")) {
            const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
            for (const j of journeysOf(text, uri.fsPath)) out.push(launchFor(uri, j.name));
          }
          return out;
        },
      },
      vscode.DebugConfigurationProviderTriggerKind.Dynamic,
    ),
    vscode.commands.registerCommand(ClientCommand.debugJourney, async (arg?: unknown, name?: unknown) => {
      let target: { uri: string; name: string } | undefined;
      if (typeof name === "string" && (typeof arg === "string" || arg instanceof vscode.Uri)) target = { uri: arg.toString(), name };
      else target = await pickJourney();
      if (!target) return false;
      const uri = vscode.Uri.parse(target.uri);
      const config = launchFor(uri, target.name);
      output.info(`debugging journey "${target.name}" in ${uri.fsPath}`);
      return vscode.debug.startDebugging(folderOf(uri), config);
    }),
  );
}
