// The journey debugger in a real VS Code (issue 18 item 10): launched with
// vscode.debug.startDebugging and from the "Debug journey" command, it stops at a breakpoint on a
// journey step, answers the session's custom requests (stack, scopes, variables, evaluate) and
// runs to the end. The DAP messages are watched with a debug adapter tracker.
const vscode = require("vscode");
const assert = require("node:assert/strict");

function register(test, { api, open, waitFor, JOURNEY_FILE, PASSING }) {
  /** Every message the crmrules adapter sent, per session id. */
  const sent = new Map();
  let tracking;
  const track = () => {
    if (tracking) return;
    tracking = vscode.debug.registerDebugAdapterTrackerFactory("crmrules", {
      createDebugAdapterTracker(session) {
        const list = [];
        sent.set(session.id, list);
        return { onDidSendMessage: (m) => list.push(m) };
      },
    });
  };
  const eventOf = (session, name, pred = () => true) => waitFor(`the debugger's ${name} event`, () => (sent.get(session.id) || []).find((m) => m.type === "event" && m.event === name && pred(m)), 30000);
  const started = () =>
    new Promise((resolve) => {
      const d = vscode.debug.onDidStartDebugSession((s) => {
        if (s.type !== "crmrules") return;
        d.dispose();
        resolve(s);
      });
    });

  test("the journey debugger stops at a breakpoint on a journey step, shows the lead's scores and runs to the end", async () => {
    await api();
    track();
    const doc = await open(...JOURNEY_FILE);
    const line = doc.getText().split("\n").findIndex((l) => l.includes("day 2 demo_requested"));
    assert.ok(line > 0, "the journey has its demo step");
    const bp = new vscode.SourceBreakpoint(new vscode.Location(doc.uri, new vscode.Position(line, 0)));
    vscode.debug.addBreakpoints([bp]);
    try {
      const next = started();
      const ok = await vscode.debug.startDebugging(vscode.workspace.workspaceFolders[0], { type: "crmrules", request: "launch", name: "e2e journey", file: doc.uri.fsPath, journey: PASSING, stopOnEntry: false });
      assert.equal(ok, true, "the debug session started");
      const session = await next;
      const stop = await eventOf(session, "stopped");
      assert.equal(stop.body.reason, "breakpoint");
      const st = await session.customRequest("stackTrace", { threadId: 1 });
      assert.equal(st.stackFrames[0].line, line + 1, `stopped on the breakpoint's line; frames: ${JSON.stringify(st.stackFrames.map((f) => f.name))}`);
      assert.match(st.stackFrames[0].name, /^day 2: event demo_requested/);
      const { scopes } = await session.customRequest("scopes", { frameId: st.stackFrames[0].id });
      const lead = scopes.find((s) => s.name === "Lead");
      assert.ok(lead, `a Lead scope; got ${scopes.map((s) => s.name).join(", ")}`);
      const vars = (await session.customRequest("variables", { variablesReference: lead.variablesReference })).variables;
      const scores = vars.find((v) => v.name === "scores");
      const values = (await session.customRequest("variables", { variablesReference: scores.variablesReference })).variables;
      // Before the demo: fit from the lead's fields (20 + 15), engagement from the pricing page view.
      assert.deepEqual(values.map((v) => [v.name, v.value]), [["fit", "35"], ["engagement", "10"]]);
      assert.equal((await session.customRequest("evaluate", { expression: "stage", frameId: st.stackFrames[0].id, context: "watch" })).result, "visitor");
      await session.customRequest("continue", { threadId: 1 });
      await eventOf(session, "terminated");
      const out = (sent.get(session.id) || []).filter((m) => m.event === "output").map((m) => m.body.output).join("");
      assert.match(out, /3 of 3 expectations passed/);
    } finally {
      vscode.debug.removeBreakpoints([bp]);
    }
  });

  test("a function breakpoint on a routing rule stops when it routes; step in shows its condition's parts and each operand's value", async () => {
    await api();
    track();
    const doc = await open(...JOURNEY_FILE);
    const bp = new vscode.FunctionBreakpoint("inbound.nordics_enterprise");
    vscode.debug.addBreakpoints([bp]);
    try {
      const next = started();
      assert.equal(await vscode.debug.startDebugging(vscode.workspace.workspaceFolders[0], { type: "crmrules", request: "launch", name: "e2e rule", file: doc.uri.fsPath, journey: PASSING }), true);
      const session = await next;
      const stop = await eventOf(session, "stopped");
      assert.equal(stop.body.reason, "breakpoint");
      const top = async () => (await session.customRequest("stackTrace", { threadId: 1 })).stackFrames;
      let frames = await top();
      assert.match(frames[0].name, /route inbound: nordics_enterprise -> owner kari/);
      assert.match(frames[1].name, /^day 2: event demo_requested/);
      const step = async () => {
        const at = (sent.get(session.id) || []).length;
        await session.customRequest("stepIn", { threadId: 1 });
        await waitFor("the stop after stepIn", () => (sent.get(session.id) || []).slice(at).find((m) => m.event === "stopped"));
        return top();
      };
      frames = await step();
      assert.equal(frames[0].name, "rule nordics_enterprise: lead.country in nordics and lead.company_size >= 1000 → true");
      frames = await step();
      assert.equal(frames[0].name, "lead.country in nordics → true");
      const { scopes } = await session.customRequest("scopes", { frameId: frames[0].id });
      const cond = scopes.find((s) => s.name === "Condition");
      const vars = (await session.customRequest("variables", { variablesReference: cond.variablesReference })).variables;
      assert.equal(vars.find((v) => v.name === "operands").value, 'lead.country = "NO"');
      await vscode.debug.stopDebugging(session);
    } finally {
      vscode.debug.removeBreakpoints([bp]);
    }
  });

  test("the Debug journey command (the lens beside Simulate) stops at the journey's start and steps into its first step", async () => {
    await api();
    track();
    const doc = await open(...JOURNEY_FILE);
    const next = started();
    const ok = await vscode.commands.executeCommand("crmrules.debugJourney", doc.uri.toString(), PASSING);
    assert.equal(ok, true, "the command started a debug session");
    const session = await next;
    const stop = await eventOf(session, "stopped");
    assert.equal(stop.body.reason, "entry");
    const frames = (await session.customRequest("stackTrace", { threadId: 1 })).stackFrames;
    assert.match(frames[0].name, /^day 0: lead arrives/);
    await session.customRequest("next", { threadId: 1 });
    await eventOf(session, "stopped", (m) => m.body.reason === "step");
    const after = (await session.customRequest("stackTrace", { threadId: 1 })).stackFrames;
    assert.match(after[0].name, /^day 0: event page_view/);
    assert.equal((await session.customRequest("evaluate", { expression: "lead.country", context: "watch" })).result, '"NO"');
    await vscode.debug.stopDebugging(session);
    await waitFor("the session to end", () => !vscode.debug.activeDebugSession);
  });
}

module.exports = { register };
