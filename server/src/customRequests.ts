/**
 * The custom requests (defined once in protocol/journeys.ts; see
 * server/README.md), wired to `journeys.ts`.
 */
import * as L from "vscode-languageserver";
import type { Workspace } from "./workspace.js";
import { uriToPath } from "./uri.js";
import { journeyView, listJourneys, runJourneyRequest, type JourneyRunner } from "./journeys.js";
import { JourneyViewRequest, ListJourneysRequest, RunJourneyRequest, type JourneyParams, type ListJourneysParams } from "../../protocol/journeys.js";
import type { Handle } from "./requests.js";

export function registerCustomRequests(connection: L.Connection, ws: Workspace, runner: JourneyRunner, handle: Handle): void {
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
}
