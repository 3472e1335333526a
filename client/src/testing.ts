/**
 * Test explorer: journeys grouped by file, each expectation a child. Listing comes from the
 * parser (client/src/journeys.ts); running asks the language server (`crmrules/runJourney`).
 */
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import { journeysOf } from "./journeys.js";
import type { JourneyRunResult, Rng } from "./adapt.js";
import { requestRun } from "./requests.js";

export interface RunSummary {
  passed: number;
  failed: number;
  errored: number;
  /** Why journeys could not run. */
  errors: string[];
  results: JourneyRunResult[];
}

function range(r: Rng | undefined): vscode.Range | undefined {
  return r ? new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character) : undefined;
}

/** The server may answer with file paths or `file://` uris: compare both ways. */
export function uriKey(s: string): string {
  return s.startsWith("file://") ? vscode.Uri.parse(s).fsPath : s.includes("://") ? s : vscode.Uri.file(s).fsPath;
}

export class JourneyTests implements vscode.Disposable {
  readonly controller: vscode.TestController;
  private readonly disposables: vscode.Disposable[] = [];
  lastSummary: RunSummary | undefined;
  private readonly listeners: ((s: RunSummary) => void)[] = [];

  constructor(private readonly client: () => LanguageClient | undefined, private readonly log: vscode.OutputChannel) {
    this.controller = vscode.tests.createTestController("crmrules", "CRM Rules journeys");
    this.controller.resolveHandler = async (item) => {
      if (!item) await this.refreshAll();
    };
    this.controller.refreshHandler = () => this.refreshAll();
    this.controller.createRunProfile("Run journeys", vscode.TestRunProfileKind.Run, async (req, token) => {
      await this.run(req, token);
    }, true);
    const watcher = vscode.workspace.createFileSystemWatcher("**/*.crmrules");
    watcher.onDidCreate((u) => void this.refreshFile(u));
    watcher.onDidChange((u) => void this.refreshFile(u));
    watcher.onDidDelete((u) => this.controller.items.delete(u.toString()));
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document.languageId === "crmrules") this.updateFromText(e.document.uri, e.document.getText());
    }, null, this.disposables);
    this.disposables.push(watcher, this.controller);
  }

  onDidRun(fn: (s: RunSummary) => void): void {
    this.listeners.push(fn);
  }

  async refreshAll(): Promise<void> {
    const folders = vscode.workspace.getConfiguration("crmrules").get<string[]>("journeyFolders", []);
    const globs = folders.length ? folders.map((f) => `${f.replace(/\/+$/, "")}/**/*.crmrules`) : ["**/*.crmrules"];
    const seen = new Set<string>();
    for (const g of globs) {
      for (const u of await vscode.workspace.findFiles(g, "**/node_modules/**")) {
        if (seen.has(u.toString())) continue;
        seen.add(u.toString());
        await this.refreshFile(u);
      }
    }
    this.controller.items.forEach((item) => {
      if (!seen.has(item.id) && !vscode.workspace.textDocuments.some((d) => d.uri.toString() === item.id)) this.controller.items.delete(item.id);
    });
  }

  async refreshFile(uri: vscode.Uri): Promise<void> {
    try {
      const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
      const text = open ? open.getText() : new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      this.updateFromText(uri, text);
    } catch (err) {
      this.log.appendLine(`could not read ${uri.fsPath}: ${String(err)}`);
    }
  }

  updateFromText(uri: vscode.Uri, text: string): void {
    const journeys = journeysOf(text, uri.fsPath);
    if (journeys.length === 0) {
      this.controller.items.delete(uri.toString());
      return;
    }
    let fileItem = this.controller.items.get(uri.toString());
    if (!fileItem) {
      fileItem = this.controller.createTestItem(uri.toString(), vscode.workspace.asRelativePath(uri), uri);
      this.controller.items.add(fileItem);
    }
    const children: vscode.TestItem[] = [];
    for (const j of journeys) {
      const id = `${uri.toString()}#${j.name}`;
      const item = fileItem.children.get(id) ?? this.controller.createTestItem(id, j.name, uri);
      item.range = range(j.range);
      item.children.replace(
        j.expectations.map((e) => {
          const child = this.controller.createTestItem(`${id}#${e.index}`, e.text, uri);
          child.range = range(e.range);
          return child;
        }),
      );
      children.push(item);
    }
    fileItem.children.replace(children);
  }

  /** All journey items (not files, not expectations). */
  journeys(): vscode.TestItem[] {
    const out: vscode.TestItem[] = [];
    this.controller.items.forEach((f) => f.children.forEach((j) => out.push(j)));
    return out;
  }

  private journeysIn(item: vscode.TestItem): vscode.TestItem[] {
    const depth = item.id.split("#").length - 1;
    if (depth === 0) {
      const out: vscode.TestItem[] = [];
      item.children.forEach((j) => out.push(j));
      return out;
    }
    if (depth === 1) return [item];
    return item.parent ? [item.parent] : [];
  }

  async run(request: vscode.TestRunRequest, token?: vscode.CancellationToken): Promise<RunSummary> {
    if (this.controller.items.size === 0) await this.refreshAll();
    const run = this.controller.createTestRun(request);
    const roots: vscode.TestItem[] = [];
    if (request.include) roots.push(...request.include);
    else this.controller.items.forEach((i) => roots.push(i));
    const excluded = new Set((request.exclude ?? []).map((i) => i.id));
    const targets = new Map<string, vscode.TestItem>();
    for (const r of roots) for (const j of this.journeysIn(r)) if (!excluded.has(j.id)) targets.set(j.id, j);
    const summary: RunSummary = { passed: 0, failed: 0, errored: 0, errors: [], results: [] };
    for (const item of targets.values()) {
      if (token?.isCancellationRequested) break;
      run.started(item);
      item.children.forEach((c) => run.started(c));
      const started = Date.now();
      try {
        const result = await this.runOne(item);
        summary.results.push(result);
        this.report(run, item, result, Date.now() - started);
        if (result.error) {
          summary.errored++;
          summary.errors.push(`${item.label}: ${result.error}`);
        }
        else if (result.passed) summary.passed++;
        else summary.failed++;
      } catch (err) {
        summary.errored++;
        summary.errors.push(`${item.label}: ${err instanceof Error ? err.message : String(err)}`);
        const msg = new vscode.TestMessage(`could not run the journey: ${err instanceof Error ? err.message : String(err)}`);
        run.errored(item, msg);
      }
    }
    run.end();
    this.lastSummary = summary;
    for (const l of this.listeners) l(summary);
    return summary;
  }

  private async runOne(item: vscode.TestItem): Promise<JourneyRunResult> {
    return requestRun(this.client(), { uri: item.uri!.toString(), name: item.label });
  }

  private report(run: vscode.TestRun, item: vscode.TestItem, result: JourneyRunResult, ms: number): void {
    if (result.traceText) run.appendOutput(result.traceText.replace(/\r?\n/g, "\r\n") + "\r\n", undefined, item);
    if (result.error) {
      const m = new vscode.TestMessage(result.error);
      m.location = item.uri && item.range ? new vscode.Location(item.uri, item.range) : undefined;
      run.errored(item, m, ms);
      item.children.forEach((c) => run.skipped(c));
      return;
    }
    const children: vscode.TestItem[] = [];
    item.children.forEach((c) => children.push(c));
    const failures: vscode.TestMessage[] = [];
    for (const e of result.expectations ?? []) {
      const line = e.range?.start.line;
      const child = children.find((c) => c.id.endsWith(`#${e.index}`) && (line === undefined || c.range?.start.line === line)) ??
        children.find((c) => line !== undefined && c.range?.start.line === line) ??
        children.find((c) => c.id.endsWith(`#${e.index}`));
      if (e.passed) {
        if (child) run.passed(child, ms);
        continue;
      }
      // A plain message: VS Code shows it inline at the expectation's line as written. (A diff
      // message would be drawn inline as `actual != expected`, which reads badly here.)
      const text = e.message ?? `expected ${e.expected ?? "?"}, actual ${e.actual ?? "?"}`;
      const m = new vscode.TestMessage(text);
      const where = range(e.range) ?? child?.range;
      if (item.uri && where) m.location = new vscode.Location(item.uri, where);
      failures.push(m);
      if (child) run.failed(child, m, ms);
    }
    if (result.passed && failures.length === 0) run.passed(item, ms);
    else run.failed(item, failures.length ? failures : [new vscode.TestMessage("the journey failed")], ms);
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
