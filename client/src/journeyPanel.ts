/** The journey view: a webview that draws one journey's simulation and follows rule edits. */
import * as vscode from "vscode";
import { randomBytes } from "node:crypto";
import type { LanguageClient } from "vscode-languageclient/node";
import type { JourneyParams } from "../../protocol/journeys.js";
import type { JourneyView } from "./adapt.js";
import { requestView } from "./requests.js";
import { renderJourneyHtml } from "./journeyHtml.js";

export class JourneyPanel implements vscode.Disposable {
  static current: JourneyPanel | undefined;
  /** The last view model drawn (for tests and the status bar). */
  lastView: JourneyView | undefined;
  /** The last different run of the same journey (before the latest edit that changed it), for "Since the previous run". */
  previousView: JourneyView | undefined;
  lastHtml = "";
  private readonly panel: vscode.WebviewPanel;
  private params: JourneyParams;
  private readonly disposables: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;

  private constructor(private readonly client: () => LanguageClient | undefined, params: JourneyParams, private readonly log: vscode.OutputChannel) {
    this.params = params;
    this.panel = vscode.window.createWebviewPanel("crmrules.journey", `Journey: ${params.name}`, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
      enableScripts: true,
      localResourceRoots: [],
      retainContextWhenHidden: false,
    });
    this.panel.onDidDispose(() => this.dispose(), null, this.disposables);
    this.panel.webview.onDidReceiveMessage((m) => this.onMessage(m), null, this.disposables);
    // Redraw when rules change: on every edit of a .crmrules file (debounced) and on save.
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document.languageId === "crmrules" && e.contentChanges.length > 0) this.scheduleRefresh();
    }, null, this.disposables);
    vscode.workspace.onDidSaveTextDocument((d) => {
      if (d.languageId === "crmrules") this.scheduleRefresh();
    }, null, this.disposables);
  }

  static async show(client: () => LanguageClient | undefined, params: JourneyParams, log: vscode.OutputChannel): Promise<JourneyPanel> {
    if (JourneyPanel.current) {
      JourneyPanel.current.params = params;
      JourneyPanel.current.panel.title = `Journey: ${params.name}`;
      JourneyPanel.current.panel.reveal(vscode.ViewColumn.Beside, true);
    } else {
      JourneyPanel.current = new JourneyPanel(client, params, log);
    }
    await JourneyPanel.current.refresh();
    return JourneyPanel.current;
  }

  private scheduleRefresh(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), 400);
  }

  async refresh(): Promise<void> {
    const c = this.client();
    let view: JourneyView | undefined;
    let message: string | undefined;
    if (!c) {
      message = "the CRM Rules language server is not running";
    } else {
      try {
        view = await requestView(c, this.params);
      } catch (err) {
        message = `could not simulate \`${this.params.name}\`: ${err instanceof Error ? err.message : String(err)}`;
        this.log.appendLine(message);
      }
    }
    const last = this.lastView;
    if (!view || !last || last.name !== view.name || last.uri !== view.uri) this.previousView = undefined;
    else if (JSON.stringify(last) !== JSON.stringify(view)) this.previousView = last;
    this.lastView = view;
    this.lastHtml = renderJourneyHtml(view, randomBytes(16).toString("base64"), this.panel.webview.cspSource, message, this.previousView);
    this.panel.webview.html = this.lastHtml;
  }

  private async onMessage(m: { type?: string; uri?: string; line?: number; character?: number }): Promise<void> {
    if (m?.type !== "reveal" || typeof m.uri !== "string") return;
    const uri = m.uri.includes("://") ? vscode.Uri.parse(m.uri) : vscode.Uri.file(m.uri);
    const pos = new vscode.Position(m.line ?? 0, m.character ?? 0);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, selection: new vscode.Range(pos, pos) });
  }

  dispose(): void {
    if (JourneyPanel.current === this) JourneyPanel.current = undefined;
    if (this.timer) clearTimeout(this.timer);
    this.panel.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
