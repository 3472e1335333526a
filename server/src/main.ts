/**
 * Entry of the crmrules language server (bundled to dist/server.js).
 * The transport (stdio, IPC, socket, pipe) is chosen from the command line
 * (`--stdio`, `--node-ipc`, …) by `createConnection`.
 */
import { createConnection, ProposedFeatures } from "vscode-languageserver/node";
import { startServer } from "./server.js";
import { injectFault } from "../../core/diagnostics/internalError.js";

// Test only: `CRMRULES_INJECT_FAULT=check:name.crmrules` makes that step throw, to prove the guard per file.
injectFault(process.env["CRMRULES_INJECT_FAULT"]);

const connection = createConnection(ProposedFeatures.all);
// The server must outlive a bug in one request: log unexpected failures instead of exiting.
process.on("uncaughtException", (e) => connection.console.error(`unexpected error: ${e.stack ?? String(e)}`));
process.on("unhandledRejection", (e) => connection.console.error(`unexpected error: ${String(e)}`));
startServer(connection);
