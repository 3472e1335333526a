// The extension's tests inside VS Code's extension host (the @vscode/test-electron entry format:
// a module exporting `run()`). Started by test/e2e/run.mjs (code-server) or desktop.mjs.
// Each result is printed and appended as a JSON line to $CRMRULES_E2E_RESULTS when set.
const vscode = require("vscode");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");

const EXT_ID = "crmrules.crmrules";
const tests = [];
const test = (name, fn) => tests.push({ name, fn });

function ws(...p) {
  const folder = vscode.workspace.workspaceFolders && vscode.workspace.workspaceFolders[0];
  assert.ok(folder, "a workspace folder is open");
  return vscode.Uri.joinPath(folder.uri, ...p);
}

async function waitFor(what, fn, ms = 30000) {
  const end = Date.now() + ms;
  let last;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ""}`);
}

async function api() {
  const ext = vscode.extensions.getExtension(EXT_ID);
  assert.ok(ext, `extension ${EXT_ID} is installed`);
  const exports = await ext.activate();
  await exports.ready;
  return exports;
}

async function open(...p) {
  const doc = await vscode.workspace.openTextDocument(ws(...p));
  await vscode.window.showTextDocument(doc);
  return doc;
}

function posOf(doc, needle, delta = 0) {
  const i = doc.getText().indexOf(needle);
  assert.ok(i >= 0, `\`${needle}\` is in ${doc.uri.path}`);
  return doc.positionAt(i + delta);
}

const JOURNEY_FILE = ["journeys", "nordic.crmrules"];
const PASSING = "Nordic CTO books a demo";
const FAILING = "Student is not an MQL";

test("the crmrules language is registered and .crmrules files use it", async () => {
  const langs = await vscode.languages.getLanguages();
  assert.ok(langs.includes("crmrules"), "crmrules is a known language");
  const doc = await open("rules.crmrules");
  assert.equal(doc.languageId, "crmrules");
});

test("the extension activates and its language server starts", async () => {
  const a = await api();
  const c = a.client();
  assert.ok(c, "a language client exists");
  await waitFor("the language server to run", () => c.isRunning());
  // Activation time (until the server answered and journeys were listed), read by `npm run bench`.
  const activationMs = a.activationMs();
  assert.ok(typeof activationMs === "number" && activationMs > 0, "the extension measured its activation");
  const results = path.join(__dirname, "..", "results");
  fs.mkdirSync(results, { recursive: true });
  fs.writeFileSync(path.join(results, "activation.json"), JSON.stringify({ activationMs: Math.round(activationMs), at: new Date().toISOString() }) + "\n");
});

test("every command is registered", async () => {
  await api();
  const all = await vscode.commands.getCommands(true);
  for (const id of ["crmrules.simulateJourney", "crmrules.debugJourney", "crmrules.runAllJourneys", "crmrules.showTraceText", "crmrules.compareWithHead", "crmrules.restartServer", "crmrules.formatWorkspace"]) {
    assert.ok(all.includes(id), `${id} is registered`);
  }
});

test("the getting-started walkthrough is contributed and opens", async () => {
  const ext = vscode.extensions.getExtension(EXT_ID);
  const w = ext.packageJSON.contributes.walkthroughs.find((x) => x.id === "crmrules.gettingStarted");
  assert.ok(w, "the walkthrough is declared");
  for (const step of w.steps) {
    const media = step.media && step.media.markdown;
    assert.ok(!media || fs.existsSync(path.join(ext.extensionPath, media)), `${media} exists`);
  }
  await vscode.commands.executeCommand("workbench.action.openWalkthrough", `${EXT_ID}#crmrules.gettingStarted`, false);
});

test("a broken file gets diagnostics from the server at the right place", async () => {
  await api();
  const doc = await open("broken.crmrules");
  const diags = await waitFor("diagnostics on broken.crmrules", () => {
    const d = vscode.languages.getDiagnostics(doc.uri);
    return d.length > 0 ? d : undefined;
  });
  const d = diags.find((x) => /compny_size/.test(x.message));
  assert.ok(d, `a diagnostic names \`compny_size\`; got: ${diags.map((x) => x.message).join(" | ")}`);
  assert.equal(d.range.start.line, 3, "on the line of the typo");
  assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
  assert.ok(!/\.$/.test(d.message), "no final period");
});

test("a correct file has no errors", async () => {
  await api();
  const doc = await open("rules.crmrules");
  await new Promise((r) => setTimeout(r, 1500));
  const errs = vscode.languages.getDiagnostics(doc.uri).filter((d) => d.severity === vscode.DiagnosticSeverity.Error);
  assert.deepEqual(errs.map((d) => d.message), []);
});

test("completion after `lead.` offers the declared fields", async () => {
  await api();
  const doc = await open("rules.crmrules");
  const pos = posOf(doc, "lead.company_size", "lead.".length);
  const list = await waitFor("completion items", async () => {
    const l = await vscode.commands.executeCommand("vscode.executeCompletionItemProvider", doc.uri, pos);
    return l && l.items.length > 0 ? l : undefined;
  });
  const labels = list.items.map((i) => (typeof i.label === "string" ? i.label : i.label.label));
  for (const f of ["company_size", "country", "role"]) assert.ok(labels.includes(f), `\`${f}\` is offered; got ${labels.slice(0, 20).join(", ")}`);
});

test("hover on a score name explains it", async () => {
  await api();
  const doc = await open("rules.crmrules");
  const pos = posOf(doc, "fit >= 20", 1);
  const hovers = await waitFor("a hover", async () => {
    const h = await vscode.commands.executeCommand("vscode.executeHoverProvider", doc.uri, pos);
    return h && h.length > 0 ? h : undefined;
  });
  const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === "string" ? c : c.value))).join("\n");
  assert.match(text, /fit/i);
});

test("Simulate Journey returns a trace and opens the journey view", async () => {
  const a = await api();
  const doc = await open(...JOURNEY_FILE);
  const result = await vscode.commands.executeCommand("crmrules.simulateJourney", doc.uri.toString(), PASSING);
  assert.ok(result, "the command returns a result");
  assert.equal(result.error, undefined, `no error: ${result.error}`);
  assert.ok(typeof result.traceText === "string" && result.traceText.length > 0, "the result has a trace");
  assert.match(result.traceText, /demo_requested|page_view/);
  const panel = await waitFor("the journey view", () => a.journeyPanel());
  const view = await waitFor("the journey view's data", () => panel.lastView);
  assert.ok(view.events.length >= 2, `the view shows the events; got ${view.events.length}`);
  assert.ok(view.scores.some((s) => s.name === "fit"), "the chart has the fit score");
  assert.match(panel.lastHtml, /<svg class="chart"/);
  assert.match(panel.lastHtml, /Content-Security-Policy/);
});

test("the journey view redraws when a rule changes", async () => {
  const a = await api();
  const jdoc = await open(...JOURNEY_FILE);
  await vscode.commands.executeCommand("crmrules.simulateJourney", jdoc.uri.toString(), PASSING);
  const panel = await waitFor("the journey view", () => a.journeyPanel());
  const fitNow = () => {
    const fit = panel.lastView && panel.lastView.scores.find((s) => s.name === "fit");
    return fit && fit.points.length ? fit.points[fit.points.length - 1].value : undefined;
  };
  await waitFor("fit 35 in the view", () => fitNow() === 35);
  const doc = await vscode.workspace.openTextDocument(ws("rules.crmrules"));
  const original = doc.getText();
  const i = original.indexOf("+15 when lead.company_size");
  assert.ok(i >= 0);
  const edit = new vscode.WorkspaceEdit();
  edit.replace(doc.uri, new vscode.Range(doc.positionAt(i), doc.positionAt(i + 3)), "+25");
  assert.ok(await vscode.workspace.applyEdit(edit));
  try {
    await waitFor("fit 45 in the view after the edit", () => fitNow() === 45, 20000);
  } finally {
    const back = new vscode.WorkspaceEdit();
    back.replace(doc.uri, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), original);
    await vscode.workspace.applyEdit(back);
    await doc.save();
  }
  await waitFor("fit 35 again after undoing the edit", () => fitNow() === 35, 20000);
});

test("Show Trace as Text returns the trace", async () => {
  await api();
  const doc = await open(...JOURNEY_FILE);
  const text = await vscode.commands.executeCommand("crmrules.showTraceText", doc.uri.toString(), PASSING);
  assert.ok(typeof text === "string" && /demo_requested|page_view/.test(text), `a trace; got ${String(text).slice(0, 200)}`);
});

test("the test explorer lists journeys by file with each expectation as a child", async () => {
  const a = await api();
  await a.tests.refreshAll();
  const names = a.tests.journeys().map((j) => j.label);
  assert.ok(names.includes(PASSING) && names.includes(FAILING), `journeys found: ${names.join(", ")}`);
  const passing = a.tests.journeys().find((j) => j.label === PASSING);
  assert.equal(passing.children.size, 3, "three expectations");
  assert.ok(passing.parent && /nordic\.crmrules$/.test(passing.parent.label), "grouped under its file");
});

test("running the journeys reports the pass and the failure with expected and actual", async () => {
  const a = await api();
  await a.tests.refreshAll();
  const file = a.tests.controller.items.get(ws(...JOURNEY_FILE).toString());
  assert.ok(file, "the journey file is a test item");
  const summary = await a.tests.run(new vscode.TestRunRequest([file]));
  assert.equal(summary.errored, 0, `no journey failed to run: ${summary.errors.join("; ")}`);
  const pass = summary.results.find((r) => r.name === PASSING);
  const fail = summary.results.find((r) => r.name === FAILING);
  assert.ok(pass && pass.passed, `"${PASSING}" passes: ${JSON.stringify(pass && pass.expectations)}`);
  assert.ok(fail && !fail.passed, `"${FAILING}" fails`);
  const bad = fail.expectations.filter((e) => !e.passed);
  assert.equal(bad.length, 1, `exactly one expectation fails: ${JSON.stringify(fail.expectations)}`);
  assert.match(String(bad[0].expected) + String(bad[0].actual) + String(bad[0].message), /mql/);
  assert.ok(fail.expectations.some((e) => e.passed), "the score expectation passes");
  assert.deepEqual([summary.passed, summary.failed], [1, 1]);
});

test("Run All Journeys updates the status bar summary", async () => {
  await api();
  const summary = await vscode.commands.executeCommand("crmrules.runAllJourneys");
  assert.equal(summary.passed + summary.failed + summary.errored, 2);
});

test("Restart Language Server brings the server back", async () => {
  const a = await api();
  const ok = await vscode.commands.executeCommand("crmrules.restartServer");
  assert.equal(ok, true);
  await waitFor("the restarted server", () => a.client() && a.client().isRunning());
  const doc = await open("broken.crmrules");
  await waitFor("diagnostics after restart", () => vscode.languages.getDiagnostics(doc.uri).length > 0);
});

test("Compare with HEAD shows how an edit changes journey outcomes", async () => {
  await api();
  const doc = await open("rules.crmrules");
  const original = doc.getText();
  const i = original.indexOf("+40 on demo_requested");
  assert.ok(i >= 0);
  const edit = new vscode.WorkspaceEdit();
  edit.replace(doc.uri, new vscode.Range(doc.positionAt(i), doc.positionAt(i + 3)), "+20");
  assert.ok(await vscode.workspace.applyEdit(edit));
  await doc.save();
  try {
    const report = await vscode.commands.executeCommand("crmrules.compareWithHead");
    assert.ok(report && Array.isArray(report.journeys), `a diff report; got ${JSON.stringify(report).slice(0, 300)}`);
    const j = report.journeys.find((x) => x.name === PASSING);
    assert.ok(j, "the journey is in the report");
    assert.equal(j.before.stage, "mql");
    assert.notEqual(j.after.stage, "mql");
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
    assert.ok(tab && tab.input instanceof vscode.TabInputTextDiff, "a diff editor is open");
    const right = await vscode.workspace.openTextDocument(tab.input.modified);
    assert.match(right.getText(), /Nordic CTO books a demo/);
  } finally {
    const all = new vscode.WorkspaceEdit();
    all.replace(doc.uri, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), original);
    await vscode.workspace.applyEdit(all);
    await doc.save();
  }
});

test("Format All Rule Files formats every file through the server", async () => {
  await api();
  const uri = ws("messy.crmrules");
  await vscode.workspace.fs.writeFile(uri, Buffer.from('import "./schema.crmrules"\nqueue   spare    "Spare queue"\n'));
  try {
    const changed = await vscode.commands.executeCommand("crmrules.formatWorkspace");
    assert.ok(changed >= 1, `at least the messy file changed; got ${changed}`);
    const text = (await vscode.workspace.openTextDocument(uri)).getText();
    assert.match(text, /^queue spare "Spare queue"$/m);
  } finally {
    await vscode.workspace.fs.delete(uri);
  }
});

// The journey debugger (test/e2e/suite/debugger.js).
require("./debugger.js").register(test, { api, open, waitFor, JOURNEY_FILE, PASSING });

async function run() {
  const out = process.env.CRMRULES_E2E_RESULTS;
  const only = process.env.CRMRULES_E2E_GREP ? new RegExp(process.env.CRMRULES_E2E_GREP) : undefined;
  let failed = 0;
  for (const t of tests) {
    if (only && !only.test(t.name)) continue;
    let ok = true;
    let error;
    try {
      await Promise.race([t.fn(), new Promise((_, rej) => setTimeout(() => rej(new Error("test timed out after 60 s")), 60000))]);
    } catch (e) {
      ok = false;
      error = e && e.stack ? e.stack : String(e);
      failed++;
    }
    console.log(`${ok ? "✔" : "✘"} ${t.name}${ok ? "" : `\n${error}`}`);
    if (out) fs.appendFileSync(out, JSON.stringify({ name: t.name, ok, error }) + "\n");
  }
  if (failed > 0) throw new Error(`${failed} extension test(s) failed`);
}

module.exports = { run };
