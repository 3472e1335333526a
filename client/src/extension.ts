/**
 * The CRM Rules extension: starts the language server (dist/server.js) over IPC, and adds the
 * journey commands, the journey view, the test explorer and a status bar item.
 */
import * as vscode from "vscode";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from "vscode-languageclient/node";
import { JourneyPanel } from "./journeyPanel.js";
import { JourneyTests, type RunSummary } from "./testing.js";
import { journeysOf } from "./journeys.js";
import type { JourneyParams } from "../../protocol/journeys.js";
import type { JourneyRunResult } from "./adapt.js";
import { requestRun } from "./requests.js";
import { splitDiff } from "./diffView.js";
import { registerJourneyDebugger } from "./debugger.js";

let client: LanguageClient | undefined;
let tests: JourneyTests | undefined;

/** What `activate` returns: used by the extension's own tests. */
export interface CrmRulesApi {
  client(): LanguageClient | undefined;
  tests: JourneyTests;
  journeyPanel(): JourneyPanel | undefined;
  ready: Promise<void>;
  /** Milliseconds from the start of `activate` until the server answered and the journeys were listed (undefined until ready). */
  activationMs(): number | undefined;
}

function createClient(context: vscode.ExtensionContext, output: vscode.LogOutputChannel): LanguageClient {
  const module = context.asAbsolutePath("dist/server.js");
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ["--nolazy", "--inspect=6019"] } },
  };
  const config = vscode.workspace.getConfiguration("crmrules");
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "crmrules" },
      { scheme: "untitled", language: "crmrules" },
    ],
    outputChannel: output,
    synchronize: {
      configurationSection: "crmrules",
      fileEvents: vscode.workspace.createFileSystemWatcher("**/*.crmrules"),
    },
    initializationOptions: {
      // The journey lenses run this extension's commands (the journey view, the trace beside the editor).
      clientCommands: true,
      journeyFolders: config.get<string[]>("journeyFolders", []),
      format: config.get("format", {}),
    },
  };
  return new LanguageClient("crmrules", "CRM Rules Language Server", serverOptions, clientOptions);
}

function toParams(arg: unknown, name?: unknown): JourneyParams | undefined {
  if (typeof arg === "string" && typeof name === "string") return { uri: arg, name };
  if (arg instanceof vscode.Uri && typeof name === "string") return { uri: arg.toString(), name };
  if (arg && typeof arg === "object" && "uri" in arg && "name" in arg) {
    const a = arg as { uri: unknown; name: unknown };
    return { uri: String(a.uri), name: String(a.name) };
  }
  if (Array.isArray(arg)) return toParams(arg[0], arg[1]);
  return undefined;
}

/** Asks the user for a journey when a command is run without one (the active file's first). */
async function pickJourney(): Promise<JourneyParams | undefined> {
  const editor = vscode.window.activeTextEditor;
  const candidates: { label: string; description: string; params: JourneyParams }[] = [];
  const docs = editor?.document.languageId === "crmrules" ? [editor.document] : [];
  for (const doc of docs) {
    const line = editor!.selection.active.line;
    const js = journeysOf(doc.getText(), doc.uri.fsPath);
    const here = js.find((j) => j.range.start.line <= line && line <= j.range.end.line);
    if (here) return { uri: doc.uri.toString(), name: here.name };
    for (const j of js) candidates.push({ label: j.name, description: vscode.workspace.asRelativePath(doc.uri), params: { uri: doc.uri.toString(), name: j.name } });
  }
  if (candidates.length === 0) {
    for (const j of tests?.journeys() ?? []) candidates.push({ label: j.label, description: vscode.workspace.asRelativePath(j.uri!), params: { uri: j.uri!.toString(), name: j.label } });
  }
  if (candidates.length === 1) return candidates[0]!.params;
  const picked = await vscode.window.showQuickPick(candidates, { placeHolder: "which journey?" });
  return picked?.params;
}

async function runJourney(params: JourneyParams): Promise<JourneyRunResult> {
  return requestRun(client, params);
}

export async function activate(context: vscode.ExtensionContext): Promise<CrmRulesApi> {
  const activationStart = performance.now();
  let activationMs: number | undefined;
  const output = vscode.window.createOutputChannel("CRM Rules", { log: true });
  context.subscriptions.push(output);
  const getClient = () => client;

  tests = new JourneyTests(getClient, output);
  context.subscriptions.push(tests);

  // Status bar: problems in .crmrules files and the last journey run.
  const status = vscode.window.createStatusBarItem("crmrules.status", vscode.StatusBarAlignment.Left, 10);
  status.name = "CRM Rules";
  status.command = "crmrules.runAllJourneys";
  let lastRun: RunSummary | undefined;
  const updateStatus = () => {
    let errors = 0;
    let warnings = 0;
    for (const [uri, diags] of vscode.languages.getDiagnostics()) {
      if (!uri.path.endsWith(".crmrules")) continue;
      for (const d of diags) {
        if (d.severity === vscode.DiagnosticSeverity.Error) errors++;
        else if (d.severity === vscode.DiagnosticSeverity.Warning) warnings++;
      }
    }
    const parts = [`$(error) ${errors}`, `$(warning) ${warnings}`];
    if (lastRun) {
      const total = lastRun.passed + lastRun.failed + lastRun.errored;
      parts.push(`$(beaker) ${lastRun.passed}/${total} journeys passing`);
    }
    status.text = `CRM Rules ${parts.join(" ")}`;
    status.tooltip = lastRun ? "run all journeys again" : "run all journeys";
    status.show();
  };
  context.subscriptions.push(status, vscode.languages.onDidChangeDiagnostics(updateStatus));
  tests.onDidRun((s) => {
    lastRun = s;
    updateStatus();
  });
  updateStatus();

  const startClient = async () => {
    if (!existsSync(context.asAbsolutePath("dist/server.js"))) {
      output.appendLine("dist/server.js is missing: run `npm run build`");
      return;
    }
    client = createClient(context, output);
    try {
      await client.start();
    } catch (err) {
      output.appendLine(`the language server did not start: ${String(err)}`);
    }
  };

  const reg = (id: string, fn: (...args: any[]) => unknown) => context.subscriptions.push(vscode.commands.registerCommand(id, fn));

  reg("crmrules.simulateJourney", async (arg?: unknown, name?: unknown) => {
    const params = toParams(arg, name) ?? (await pickJourney());
    if (!params) return undefined;
    await JourneyPanel.show(getClient, params, output);
    const result = await runJourney(params);
    if (result?.error) void vscode.window.showErrorMessage(`journey \`${params.name}\`: ${result.error}`);
    return result;
  });

  // The journey debugger: the `crmrules` debug type, its configurations and the Debug journey command.
  registerJourneyDebugger(context, output, pickJourney);

  reg("crmrules.showTraceText", async (arg?: unknown, name?: unknown) => {
    const params = toParams(arg, name) ?? (await pickJourney());
    if (!params) return undefined;
    const result = await runJourney(params);
    const text = result.traceText ?? result.error ?? "no trace";
    const doc = await vscode.workspace.openTextDocument({ content: text, language: "plaintext" });
    await vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Beside });
    return text;
  });

  reg("crmrules.runAllJourneys", async () => {
    await tests!.refreshAll();
    const summary = await tests!.run(new vscode.TestRunRequest());
    const msg = `${summary.passed} journeys passed, ${summary.failed} failed${summary.errored ? `, ${summary.errored} could not run` : ""}`;
    output.appendLine(msg);
    return summary;
  });

  reg("crmrules.restartServer", async () => {
    if (client) {
      await client.stop().catch(() => undefined);
      client = undefined;
    }
    await startClient();
    return client !== undefined;
  });

  reg("crmrules.formatWorkspace", async () => {
    const files = await vscode.workspace.findFiles("**/*.crmrules", "**/node_modules/**");
    let changed = 0;
    for (const uri of files) {
      const doc = await vscode.workspace.openTextDocument(uri);
      const cfg = vscode.workspace.getConfiguration("editor", doc);
      const edits = await vscode.commands.executeCommand<vscode.TextEdit[]>("vscode.executeFormatDocumentProvider", uri, {
        tabSize: cfg.get<number>("tabSize", 2),
        insertSpaces: cfg.get<boolean>("insertSpaces", true),
      });
      if (!edits || edits.length === 0) continue;
      const we = new vscode.WorkspaceEdit();
      we.set(uri, edits);
      if (await vscode.workspace.applyEdit(we)) {
        await doc.save();
        changed++;
      }
    }
    void vscode.window.showInformationMessage(`formatted ${changed} of ${files.length} files`);
    return changed;
  });

  reg("crmrules.compareWithHead", async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder) {
      void vscode.window.showErrorMessage("open a folder to compare its journeys with git HEAD");
      return undefined;
    }
    const cli = context.asAbsolutePath("dist/cli.js");
    const json = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, [cli, "diff", "HEAD", "--format", "json"], { cwd: folder.uri.fsPath, maxBuffer: 64 << 20, env: { ...process.env, ELECTRON_RUN_AS_NODE: "1" } }, (err, stdout, stderr) => {
        // `crmrules diff` exits 1 when outcomes changed: that is still an answer.
        if (stdout.trim().startsWith("{") || stdout.trim().startsWith("[")) resolve(stdout);
        else reject(new Error((stderr || err?.message || "no output").trim()));
      });
    }).catch((err: Error) => {
      void vscode.window.showErrorMessage(`could not compare with HEAD: ${err.message}`);
      return undefined;
    });
    if (json === undefined) return undefined;
    const report = JSON.parse(json) as unknown;
    const { before, after } = splitDiff(report);
    const left = vscode.Uri.parse(`crmrules-diff:HEAD.outcomes.txt`);
    const right = vscode.Uri.parse(`crmrules-diff:working-tree.outcomes.txt`);
    diffContent.set(left.toString(), before);
    diffContent.set(right.toString(), after);
    diffEmitter.fire(left);
    diffEmitter.fire(right);
    await vscode.commands.executeCommand("vscode.diff", left, right, "Journey outcomes: HEAD ↔ working tree");
    return report;
  });

  const diffContent = new Map<string, string>();
  const diffEmitter = new vscode.EventEmitter<vscode.Uri>();
  context.subscriptions.push(
    diffEmitter,
    vscode.workspace.registerTextDocumentContentProvider("crmrules-diff", {
      onDidChange: diffEmitter.event,
      provideTextDocumentContent: (uri) => diffContent.get(uri.toString()) ?? "",
    }),
  );

  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration("crmrules.journeyFolders")) void tests!.refreshAll();
    }),
  );

  const ready = (async () => {
    await startClient();
    await tests!.refreshAll();
    activationMs = performance.now() - activationStart;
    output.info(`activated in ${activationMs.toFixed(0)} ms`);
  })();
  return { client: getClient, tests, journeyPanel: () => JourneyPanel.current, ready, activationMs: () => activationMs };
}

export async function deactivate(): Promise<void> {
  if (client) await client.stop().catch(() => undefined);
  client = undefined;
}
