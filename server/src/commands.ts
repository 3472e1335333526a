/**
 * The commands the server runs itself (`workspace/executeCommand`; names in protocol/journeys.ts):
 * what the code lenses do in a client without crmrules' own commands. Each answers with its
 * result and shows it to the user with `window/showMessage` (neovim prints it, for example).
 */
import * as L from "vscode-languageserver";
import type { Workspace } from "./workspace.js";
import { uriToPath } from "./uri.js";
import { runJourneyRequest, type JourneyRunner } from "./journeys.js";
import { routedJourneys } from "./codeLens.js";
import { ServerCommand, type CommandResult } from "../../protocol/journeys.js";
import type { Handle } from "./requests.js";
import { plural } from "../../core/text/words.js";
import { runWhyNot, WHY_NOT_COMMAND, type WhyNotResult } from "./whyNot.js";

export const SERVER_COMMANDS: string[] = [...Object.values(ServerCommand), WHY_NOT_COMMAND];

export function registerCommands(connection: L.Connection, ws: Workspace, runner: JourneyRunner, handle: Handle): void {
  const show = (type: L.MessageType, message: string) => void connection.sendNotification(L.ShowMessageNotification.type, { type, message });
  const strings = (args: unknown[] | undefined, n: number): string[] => {
    if (!Array.isArray(args) || args.length < n || args.slice(0, n).some((a) => typeof a !== "string")) throw new L.ResponseError(L.ErrorCodes.InvalidParams, `expected ${n} text arguments`);
    return args.slice(0, n) as string[];
  };
  connection.onExecuteCommand(
    handle("executeCommand", (p: L.ExecuteCommandParams): CommandResult | WhyNotResult => {
      switch (p.command) {
        case ServerCommand.simulateJourney:
        case ServerCommand.showTraceText: {
          const [uri, name] = strings(p.arguments, 2);
          const run = runJourneyRequest(ws.snapshot(), runner, uriToPath(uri!), name!);
          let message: string;
          if (run.error) message = `journey "${name}" cannot run: ${run.error}`;
          else if (p.command === ServerCommand.showTraceText) message = run.traceText ?? "";
          else {
            const failed = run.expectations.filter((e) => !e.passed);
            const total = run.expectations.length;
            message = failed.length
              ? [`journey "${name}": ${failed.length} of ${plural(total, "expectation")} failed`, ...failed.map((e) => `  ✗ ${e.text} (line ${e.range.start.line + 1}): expected ${e.expected}, actual ${e.actual}`)].join("\n")
              : `journey "${name}": passed (${plural(total, "expectation")})`;
          }
          show(run.error ? L.MessageType.Error : run.passed || p.command === ServerCommand.showTraceText ? L.MessageType.Info : L.MessageType.Warning, message);
          return { message, run };
        }
        case ServerCommand.showRoutedJourneys: {
          const [uri, route, rule] = strings(p.arguments, 3);
          const names = routedJourneys(ws.snapshot(), runner, uriToPath(uri!), route!, rule!);
          if (!names) throw new L.ResponseError(L.ErrorCodes.InvalidParams, `there is no rule \`${rule}\` in a route \`${route}\` of this file`);
          const message = names.length ? `\`${route}.${rule}\` routes ${plural(names.length, "journey")}: ${names.map((n) => `"${n}"`).join(", ")}` : `\`${route}.${rule}\` routes no journey`;
          show(L.MessageType.Info, message);
          return { message };
        }
        case WHY_NOT_COMMAND:
          return runWhyNot(ws.snapshot(), runner, p.arguments, show);
        default:
          throw new L.ResponseError(L.ErrorCodes.InvalidParams, `unknown command \`${p.command}\``);
      }
    }),
  );
}
