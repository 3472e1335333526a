import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { buildCli, run } from "./harness.js";

function frame(msg: unknown): string {
  const body = JSON.stringify(msg);
  return `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

describe("crmrules lsp", () => {
  it("answers initialize over stdio and exits after shutdown/exit", async () => {
    const cli = await buildCli();
    const child = spawn(process.execPath, [cli, "lsp", "--stdio"], { stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d.toString()));
    child.stdin.write(frame({ jsonrpc: "2.0", id: 1, method: "initialize", params: { processId: null, rootUri: null, capabilities: {} } }));
    const deadline = Date.now() + 20_000;
    while (!out.includes('"id":1') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const body = JSON.parse(out.slice(out.indexOf("{")));
    expect(body.result.capabilities.hoverProvider).toBeTruthy();
    child.stdin.write(frame({ jsonrpc: "2.0", id: 2, method: "shutdown" }));
    child.stdin.write(frame({ jsonrpc: "2.0", method: "exit" }));
    const code = await new Promise<number | null>((r) => child.on("exit", r));
    expect(code).toBe(0);
  });

  it("needs --stdio", async () => {
    const r = await run(["lsp"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("crmrules: `crmrules lsp` needs `--stdio` (the language server talks over standard input and output)\n");
  });
});
