/** Sends the custom requests and normalizes the answers (see adapt.ts). */
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import { JourneyViewRequest, RunJourneyRequest, type JourneyParams } from "../../protocol/journeys.js";
import { stageThresholds, toRunResult, toView, type JourneyRunResult, type JourneyView } from "./adapt.js";

const METHOD_NOT_FOUND = -32601;

function isMethodNotFound(err: unknown): boolean {
  return !!err && typeof err === "object" && ((err as { code?: number }).code === METHOD_NOT_FOUND || /Unhandled method/.test(String((err as Error).message)));
}

/** `crmrules/runJourney` on the server: the extension never simulates by itself (thin adapter). */
async function runRaw(client: LanguageClient | undefined, params: JourneyParams): Promise<unknown> {
  if (!client) throw new Error("the CRM Rules language server is not running");
  return client.sendRequest(RunJourneyRequest, params);
}

export async function requestRun(client: LanguageClient | undefined, params: JourneyParams): Promise<JourneyRunResult> {
  return toRunResult(await runRaw(client, params), params.uri, params.name);
}

async function workspaceTexts(): Promise<{ uri: string; text: string }[]> {
  const out: { uri: string; text: string }[] = [];
  const open = new Map(vscode.workspace.textDocuments.filter((d) => d.languageId === "crmrules").map((d) => [d.uri.toString(), d.getText()]));
  for (const u of await vscode.workspace.findFiles("**/*.crmrules", "**/node_modules/**", 500)) {
    const text = open.get(u.toString()) ?? new TextDecoder().decode(await vscode.workspace.fs.readFile(u));
    out.push({ uri: u.fsPath, text });
  }
  return out;
}

/** The journey view's data: `crmrules/journeyView`, or the run result when the server has no such request. */
export async function requestView(client: LanguageClient | undefined, params: JourneyParams): Promise<JourneyView> {
  if (!client) throw new Error("the CRM Rules language server is not running");
  let raw: unknown;
  try {
    raw = await client.sendRequest(JourneyViewRequest, params);
  } catch (err) {
    if (!isMethodNotFound(err)) throw err;
    raw = await runRaw(client, params);
  }
  let thresholds = new Map<string, { value: number; label: string }[]>();
  try {
    thresholds = stageThresholds(await workspaceTexts());
  } catch {
    // thresholds are a nicety: the chart is drawn without them
  }
  return toView(raw, params.uri, params.name, thresholds);
}
