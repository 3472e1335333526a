/**
 * How every request is answered: it yields once (so a cancellation can
 * arrive), checks for cancellation, and turns an internal failure into an
 * error response plus a log line; the server itself never goes down.
 */
import * as L from "vscode-languageserver";

export type Handle = <P, R>(name: string, fn: (params: P, token: L.CancellationToken) => R) => (params: P, token: L.CancellationToken) => Promise<R>;

export function requestHandler(connection: L.Connection): Handle {
  return <P, R>(name: string, fn: (params: P, token: L.CancellationToken) => R) => {
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
  };
}
