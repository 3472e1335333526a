/**
 * Why-not from the language server (issue 17 item 3): the command `crmrules.server.whyNot` answers
 * a `--why-not` question about a journey with explain.ts's answer (shown with window/showMessage
 * and returned), and each failing expectation (CR3040) whose `expect` asks a question carries a
 * code action running it. Over a real server process.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as P from "vscode-languageserver-protocol";
import { copyFixture, startClient, uri, type Client } from "./helpers.js";

const SWEDISH = "Small Swedish company stays a lead";
const DANISH = "Small Danish company is not routed to kari";
let root: string;
let c: Client;
const messages: P.ShowMessageParams[] = [];
const J = () => uri(join(root, "journeys.crmrules"));
const W = () => uri(join(root, "whynot.crmrules"));

beforeAll(async () => {
  root = copyFixture("basic");
  // A failing `routed to` expectation that is not the journey's last step (its question names its moment).
  writeFileSync(
    join(root, "whynot.crmrules"),
    `import "./routing.crmrules"\n\njourney "${DANISH}" {\n  lead { country: DK, company_size: 40, role: executive }\n  day 2 demo_requested\n  day 3 expect routed to owner kari\n  day 5 webinar_attended { topic: "Intro" }\n}\n`,
  );
  c = await startClient([root], { onConnection: (conn) => conn.onNotification(P.ShowMessageNotification.type, (m) => void messages.push(m)) });
}, 60_000);
afterAll(async () => c?.stop());

const run = (args: unknown[]) => c.conn.sendRequest(P.ExecuteCommandRequest.type, { command: "crmrules.server.whyNot", arguments: args });
type Result = { message: string; query: { kind: string }; answer: { question: string; happened: boolean; summary: string; steps: { text: string; result: string; detail: string }[] } };

describe("crmrules.server.whyNot", () => {
  it("is announced", () => {
    expect(c.init.capabilities.executeCommandProvider?.commands).toContain("crmrules.server.whyNot");
  });

  it("answers with the failed condition and the values it saw, and shows it", async () => {
    messages.length = 0;
    const r = (await run([{ uri: J(), journey: SWEDISH, question: "stage mql" }])) as Result;
    expect(r.query.kind).toBe("stage");
    expect(r.answer.question).toBe("stage mql");
    expect(r.answer.happened).toBe(false);
    const failed = r.answer.steps.filter((s) => s.result === "failed" || s.result === "unknown");
    expect(failed.length).toBeGreaterThan(0);
    // The text names the question, and the values the failing check saw.
    expect(r.message.split("\n")[0]).toBe(`journey "${SWEDISH}": why not stage mql? (up to the end, day 1)`);
    // The failed condition, part by part, with the values it saw (a missing score included).
    expect(r.message).toContain("✗ when fit >= 20 and engagement >= 40: the condition is not true at the end, day 1 (fit = missing, engagement = 15)  scoring.crmrules:20:1");
    expect(r.message).toContain("? fit >= 20: unknown (fit is missing) [fit = missing]");
    expect(r.message).toContain("✗ engagement >= 40: false [engagement = 15]");
    expect(r.message).toContain(r.answer.summary);
    for (const s of failed) expect(r.message).toContain(`${s.text}: ${s.detail}`);
    await new Promise((res) => setTimeout(res, 100));
    expect(messages.map((m) => [m.type, m.message])).toEqual([[P.MessageType.Warning, r.message]]);
  });

  it("refuses a bad question, an unknown name and bad arguments with InvalidParams, and keeps serving", async () => {
    await expect(run([{ uri: J(), journey: SWEDISH, question: "why stage" }])).rejects.toMatchObject({ code: P.ErrorCodes.InvalidParams, message: expect.stringMatching(/^the question `why stage`: a why-not question is `rule NAME`/) });
    await expect(run([{ uri: J(), journey: SWEDISH, question: "stage mqll" }])).rejects.toMatchObject({ code: P.ErrorCodes.InvalidParams, message: "the question `stage mqll`: there is no stage named `mqll`; did you mean `mql`?" });
    await expect(run([{ uri: J(), journey: "No such journey", question: "stage mql" }])).rejects.toMatchObject({ code: P.ErrorCodes.InvalidParams, message: 'there is no journey named "No such journey" in this file' });
    await expect(run([J(), SWEDISH, "stage mql"])).rejects.toMatchObject({ code: P.ErrorCodes.InvalidParams });
    await expect(run([])).rejects.toMatchObject({ code: P.ErrorCodes.InvalidParams });
    const again = (await run([{ uri: J(), journey: SWEDISH, question: "  stage   mql " }])) as Result;
    expect(again.answer.question).toBe("stage mql");
  });
});

describe("the code action on a failing expectation", () => {
  const actionsFor = async (u: string) => {
    const pub = await c.diagnostics(u, (p) => p.diagnostics.some((d) => d.code === "CR3040"));
    const failing = pub.diagnostics.filter((d) => d.code === "CR3040");
    expect(failing).toHaveLength(1);
    const actions = (await c.conn.sendRequest(P.CodeActionRequest.type, { textDocument: { uri: u }, range: failing[0]!.range, context: { diagnostics: failing } })) as P.CodeAction[];
    return actions.filter((a) => a.command?.command === "crmrules.server.whyNot");
  };

  it("asks `stage X` for `expect stage == X`, and its command runs", async () => {
    const actions = await actionsFor(J());
    expect(actions.map((a) => a.title)).toEqual(["Explain why not: stage mql"]);
    expect(actions[0]!.command!.arguments).toEqual([{ uri: J(), journey: SWEDISH, question: "stage mql" }]);
    const r = (await run(actions[0]!.command!.arguments!)) as Result;
    expect(r.answer.question).toBe("stage mql");
    expect(r.answer.happened).toBe(false);
  });

  it("asks `routed to …` at the expectation's moment when later steps follow", async () => {
    const actions = await actionsFor(W());
    expect(actions.map((a) => a.title)).toEqual(["Explain why not: routed to owner kari at day 3 at 00:00"]);
    const r = (await run(actions[0]!.command!.arguments!)) as Result;
    expect(r.query.kind).toBe("routed");
    expect(r.answer.happened).toBe(false);
    expect(r.message.split("\n")[0]).toBe(`journey "${DANISH}": why not routed to owner kari? (up to day 3)`);
    expect(r.message).toContain("✗ lead.company_size >= 1000: false [lead.company_size = 40]");
    expect(r.message).toContain("the lead is with team emea_sdr (owner anna) (by inbound.emea) at day 3");
  });

  it("is not offered without a CR3040 diagnostic", async () => {
    const actions = (await c.conn.sendRequest(P.CodeActionRequest.type, { textDocument: { uri: J() }, range: { start: { line: 5, character: 2 }, end: { line: 5, character: 2 } }, context: { diagnostics: [] } })) as P.CodeAction[];
    expect(actions.filter((a) => a.command?.command === "crmrules.server.whyNot")).toEqual([]);
  });
});
