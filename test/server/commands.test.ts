/**
 * Lens commands through `workspace/executeCommand` (issue 18 item 8): every lens carries a
 * command the server announces and runs, answering with its result and showing it with
 * `window/showMessage`; the VS Code extension (`clientCommands: true`) gets its own commands.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as P from "vscode-languageserver-protocol";
import { copyFixture, startClient, uri, type Client } from "./helpers.js";

const NORDIC = "Nordic CTO converts after a webinar";
let root: string;
let c: Client;
const messages: P.ShowMessageParams[] = [];
const R = () => uri(join(root, "routing.crmrules"));
const J = () => uri(join(root, "journeys.crmrules"));

beforeAll(async () => {
  root = copyFixture("basic");
  c = await startClient([root], { onConnection: (conn) => conn.onNotification(P.ShowMessageNotification.type, (m) => void messages.push(m)) });
}, 60_000);
afterAll(async () => c?.stop());

const run = (command: string, args: unknown[]) => c.conn.sendRequest(P.ExecuteCommandRequest.type, { command, arguments: args });

describe("lens commands served by the server", () => {
  it("announces the commands, and every lens carries one of them (none empty)", async () => {
    const announced = c.init.capabilities.executeCommandProvider?.commands ?? [];
    expect([...announced].sort()).toEqual(["crmrules.server.showRoutedJourneys", "crmrules.server.showTraceText", "crmrules.server.simulateJourney", "crmrules.server.whyNot"]);
    for (const u of [R(), J()]) {
      const lenses = (await c.conn.sendRequest(P.CodeLensRequest.type, { textDocument: { uri: u } }))!;
      expect(lenses.length).toBeGreaterThan(0);
      for (const l of lenses) expect(announced, l.command!.title).toContain(l.command!.command);
    }
  });

  it("runs each lens's command as a client without its own commands would (workspace/executeCommand)", async () => {
    const lenses = (await c.conn.sendRequest(P.CodeLensRequest.type, { textDocument: { uri: R() } }))!;
    const results = [];
    for (const l of lenses) results.push(await run(l.command!.command, l.command!.arguments ?? []));
    expect(results.map((r) => (r as { message: string }).message.split("\n")[0])).toEqual([
      `journey "${NORDIC}": passed (3 expectations)`,
      `journey "${NORDIC}" (seed 0)`,
      `\`inbound.enterprise_nordics\` routes 1 journey: "${NORDIC}"`,
      "`inbound.emea` routes no journey",
      "`inbound.students` routes no journey",
      "`inbound.otherwise` routes no journey",
    ]);
    // Each was shown to the user.
    await new Promise((r) => setTimeout(r, 100));
    expect(messages.map((m) => m.message)).toEqual(results.map((r) => (r as { message: string }).message));
    expect(messages[0]!.type).toBe(P.MessageType.Info);
  });

  it("says which expectations failed, as a warning", async () => {
    messages.length = 0;
    const r = (await run("crmrules.server.simulateJourney", [J(), "Small Swedish company stays a lead"])) as { message: string; run: { passed: boolean } };
    expect(r.run.passed).toBe(false);
    expect(r.message).toMatch(/^journey "Small Swedish company stays a lead": 1 of 1 expectation failed\n  ✗ expect stage == mql \(line 6\): expected stage == mql, actual /);
    await new Promise((res) => setTimeout(res, 100));
    expect(messages.map((m) => m.type)).toEqual([P.MessageType.Warning]);
  });

  it("refuses bad arguments and unknown commands with InvalidParams", async () => {
    await expect(run("crmrules.server.simulateJourney", [R()])).rejects.toMatchObject({ code: P.ErrorCodes.InvalidParams });
    await expect(run("crmrules.server.showRoutedJourneys", [R(), "inbound", "nope"])).rejects.toMatchObject({ code: P.ErrorCodes.InvalidParams });
    await expect(run("crmrules.nope", [])).rejects.toMatchObject({ code: P.ErrorCodes.InvalidParams });
    const missing = (await run("crmrules.server.simulateJourney", [R(), "No such journey"])) as { message: string };
    expect(missing.message).toBe('journey "No such journey" cannot run: there is no journey named "No such journey" in this file');
  });
});

describe("the VS Code extension's own commands", () => {
  it("are what the journey lenses carry when the client says clientCommands", async () => {
    const vs = await startClient([root], { initializationOptions: { clientCommands: true } });
    try {
      const lenses = (await vs.conn.sendRequest(P.CodeLensRequest.type, { textDocument: { uri: R() } }))!;
      expect(lenses.map((l) => l.command!.command)).toEqual(["crmrules.simulateJourney", "crmrules.debugJourney", "crmrules.showTraceText", ...Array(4).fill("crmrules.server.showRoutedJourneys")]);
    } finally {
      await vs.stop();
    }
  }, 60_000);
});
