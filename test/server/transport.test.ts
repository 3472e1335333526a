/** The same server over Node IPC (`--node-ipc`), as VS Code's client starts it in debug mode. */
import { expect, it } from "vitest";
import { fork } from "node:child_process";
import { join } from "node:path";
import * as P from "vscode-languageserver-protocol/node";
import { buildServer, copyFixture, SERVER, uri } from "./helpers.js";

it("speaks the protocol over node IPC", async () => {
  await buildServer();
  const root = copyFixture("checks");
  const child = fork(SERVER, ["--node-ipc"], { execPath: process.execPath, stdio: ["ignore", "ignore", "pipe", "ipc"] });
  const conn = P.createProtocolConnection(new P.IPCMessageReader(child), new P.IPCMessageWriter(child));
  const published = new Promise<P.PublishDiagnosticsParams>((resolve) =>
    conn.onNotification(P.PublishDiagnosticsNotification.type, (p) => {
      if (p.uri === uri(join(root, "rules.crmrules"))) resolve(p);
    }),
  );
  conn.onRequest(P.RegistrationRequest.type, () => undefined);
  conn.listen();
  try {
    const init = await conn.sendRequest(P.InitializeRequest.type, { processId: process.pid, rootUri: uri(root), workspaceFolders: [{ uri: uri(root), name: "checks" }], capabilities: {} });
    expect(init.serverInfo?.name).toBe("crmrules-language-server");
    await conn.sendNotification(P.InitializedNotification.type, {});
    const p = await published;
    expect(p.diagnostics.map((d) => d.code)).toEqual(["CR3001", "CR2002"]);
    const syms = (await conn.sendRequest(P.DocumentSymbolRequest.type, { textDocument: { uri: uri(join(root, "rules.crmrules")) } })) as P.DocumentSymbol[];
    expect(syms.map((s) => s.name)).toEqual(["fit", "mql", "mql"]);
    await conn.sendRequest(P.ShutdownRequest.type);
    const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
    await conn.sendNotification(P.ExitNotification.type);
    expect(await exited).toBe(0);
  } finally {
    conn.dispose();
    if (child.exitCode === null) child.kill();
  }
});
