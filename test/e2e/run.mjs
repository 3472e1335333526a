#!/usr/bin/env node
// Runs the extension's tests in a real VS Code: code-server 4.139.1 (VS Code 1.139) on Node 24,
// driven by headless Chromium through playwright-core. Offline: everything comes from npm and apt
// (see setup.mjs). Prints `N passed, N failed` last and exits non-zero when anything failed.
//
//   node test/e2e/run.mjs            extension-host suite + UI screenshot test
//   node test/e2e/run.mjs --suite    only the extension-host suite
//   node test/e2e/run.mjs --ui       only the UI test
//   node test/e2e/run.mjs --debugger only the journey debugger's UI test
import { spawn, execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureSetup } from "./setup.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..", "..");
const args = process.argv.slice(2);
const wantSuite = !args.includes("--ui") && !args.includes("--debugger");
const wantUi = !args.includes("--suite");
const SUITE_TIMEOUT = Number(process.env.CRMRULES_E2E_TIMEOUT ?? 420_000);

const results = []; // { name, ok, detail }
const log = (m) => process.stdout.write(`${m}\n`);

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once("error", rej);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

async function waitHttp(url, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try {
      const r = await fetch(url);
      if (r.status < 500) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`code-server did not answer at ${url} within ${ms / 1000} s`);
}

function newestIn(dir) {
  let t = 0;
  for (const f of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, f.name);
    t = Math.max(t, f.isDirectory() ? newestIn(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** Builds when a bundle is missing or older than the sources it comes from. */
function ensureBuilt() {
  const bundles = { "dist/client.js": ["client/src", "protocol", "core"], "dist/server.js": ["server/src", "protocol", "core"] };
  const stale = Object.entries(bundles).filter(([b, srcs]) => {
    const p = join(root, b);
    return !existsSync(p) || srcs.some((s) => existsSync(join(root, s)) && newestIn(join(root, s)) > statSync(p).mtimeMs);
  });
  if (stale.length) {
    log(`building (${stale.map(([b]) => b).join(", ")} missing or older than the sources)`);
    execFileSync(process.execPath, ["scripts/build.mjs"], { cwd: root, stdio: "inherit" });
  }
}

async function startCodeServer(setup, runDir, workspace) {
  const port = await freePort();
  const d = (p) => join(runDir, p);
  for (const p of ["user/User", "ext", "xdg-config", "xdg-data"]) mkdirSync(d(p), { recursive: true });
  writeFileSync(d("config.yaml"), "auth: none\n");
  writeFileSync(
    d("user/User/settings.json"),
    JSON.stringify(
      {
        "chat.disableAIFeatures": true,
        "workbench.startupEditor": "none",
        "workbench.tips.enabled": false,
        "security.workspace.trust.enabled": false,
        "telemetry.telemetryLevel": "off",
        "extensions.autoCheckUpdates": false,
        "update.mode": "none",
        "git.enabled": false,
        "workbench.colorTheme": "Default Dark Modern",
        "window.commandCenter": false,
        "workbench.secondarySideBar.defaultVisibility": "hidden",
      },
      null,
      2,
    ),
  );
  const child = spawn(
    setup.nodeBin,
    [
      setup.codeServer,
      "--bind-addr", `127.0.0.1:${port}`,
      "--auth", "none",
      "--disable-telemetry",
      "--disable-update-check",
      "--disable-workspace-trust",
      "--disable-getting-started-override",
      "--reconnection-grace-time", "5",
      "--vscode-option", "enable-smoke-test-driver",
      "--user-data-dir", d("user"),
      "--extensions-dir", d("ext"),
      "--config", d("config.yaml"),
      workspace,
    ],
    {
      detached: true, // own process group: stopped with kill(-pid)
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...setup.env, XDG_CONFIG_HOME: d("xdg-config"), XDG_DATA_HOME: d("xdg-data"), CRMRULES_E2E_RESULTS: d("suite-results.jsonl") },
    },
  );
  const out = [];
  child.stdout.on("data", (b) => out.push(b.toString()));
  child.stderr.on("data", (b) => out.push(b.toString()));
  const stop = () => {
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {}
  };
  process.on("exit", stop);
  await waitHttp(`http://127.0.0.1:${port}/healthz`, 30_000).catch((e) => {
    stop();
    throw new Error(`${e.message}\n${out.join("")}`);
  });
  return { port, stop, output: () => out.join("") };
}

async function launchBrowser(profileDir) {
  const { chromium } = await import("playwright-core");
  return chromium.launchPersistentContext(profileDir, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    viewport: { width: 1600, height: 900 },
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/** Extension-host suite: test/e2e/suite/index.js runs inside VS Code's Node extension host. */
async function runSuite(setup, runDir, workspace) {
  const cs = await startCodeServer(setup, join(runDir, "suite"), workspace);
  const ctx = await launchBrowser(join(runDir, "suite-browser"));
  try {
    const page = ctx.pages()[0] ?? (await ctx.newPage());
    const lines = [];
    let resolveExit;
    const exited = new Promise((r) => (resolveExit = r));
    await page.exposeFunction("codeAutomationLog", (type, argsJson) => {
      let text = argsJson;
      try {
        text = JSON.parse(argsJson).map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" ");
      } catch {}
      lines.push(String(text));
      if (/^\s*(✔|✘|#)/.test(String(text))) log(`  ${String(text).trim()}`);
    });
    await page.exposeFunction("codeAutomationExit", (code) => resolveExit(code));
    const base = `vscode-remote://127.0.0.1:${cs.port}`;
    const payload = JSON.stringify([
      ["extensionDevelopmentPath", `${base}${root}`],
      ["extensionTestsPath", `${base}${join(here, "suite", "index.js")}`],
    ]);
    const url = `http://127.0.0.1:${cs.port}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(payload)}`;
    await page.goto(url);
    const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r("timeout"), SUITE_TIMEOUT))]);
    const file = join(runDir, "suite", "suite-results.jsonl");
    const reported = existsSync(file)
      ? readFileSync(file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l))
      : [];
    for (const r of reported) results.push({ name: `suite: ${r.name}`, ok: r.ok, detail: r.error });
    if (code === "timeout") results.push({ name: "suite: finished in time", ok: false, detail: `no exit after ${SUITE_TIMEOUT / 1000} s\n${lines.slice(-30).join("\n")}\n${cs.output().slice(-3000)}` });
    else if (reported.length === 0) results.push({ name: "suite: reported results", ok: false, detail: `exit code ${code}, no results written\n${lines.slice(-40).join("\n")}` });
    else if (code !== 0 && reported.every((r) => r.ok)) results.push({ name: "suite: exit code", ok: false, detail: `exit code ${code}` });
  } finally {
    await ctx.close().catch(() => {});
    cs.stop();
  }
}

/** UI test: the workbench as a user sees it, with the journey view open. */
async function runUi(setup, runDir, workspace) {
  const name = "ui: open a journey file and the journey view, take a screenshot";
  const cs = await startCodeServer(setup, join(runDir, "ui"), workspace);
  // Install the extension by linking the development folder into the extensions dir.
  const ctx = await launchBrowser(join(runDir, "ui-browser"));
  const shots = join(here, "screenshots");
  mkdirSync(shots, { recursive: true });
  try {
    const page = ctx.pages()[0] ?? (await ctx.newPage());
    const base = `vscode-remote://127.0.0.1:${cs.port}`;
    // Only the development path: the extension loads from its folder, no tests run.
    const payload = JSON.stringify([["extensionDevelopmentPath", `${base}${root}`]]);
    await page.goto(`http://127.0.0.1:${cs.port}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(payload)}`);
    await page.waitForSelector(".monaco-workbench", { timeout: 60_000 });
    await page.waitForSelector(".explorer-folders-view .monaco-list-row", { timeout: 60_000 });
    // Open journeys/ then the journey file by clicking (the chat panel may hold the keyboard).
    const row = (label) => page.locator(`.explorer-folders-view .monaco-list-row[aria-label^="${label}"]`).first();
    await row("journeys").click();
    const journeyFile = uiJourneyFile;
    await row(journeyFile).click();
    await page.waitForSelector(`.tab[aria-label^="${journeyFile}"]`, { timeout: 30_000 });
    // Put the cursor inside the first journey, then run the command from the palette.
    const editor = page.locator(".monaco-editor .view-lines").first();
    await editor.waitFor({ timeout: 30_000 });
    const journeyLine = page.locator(".monaco-editor .view-line", { hasText: "journey " }).first();
    await journeyLine.click();
    await page.waitForTimeout(3000); // language server start and first check
    await runCommand(page, "CRM Rules: Simulate Journey");
    await page.waitForSelector('.tab[aria-label^="Journey:"]', { timeout: 30_000 });
    // The webview content lives in nested iframes.
    let drawn = false;
    for (let i = 0; i < 40 && !drawn; i++) {
      for (const f of page.frames()) {
        const n = await f.locator("svg.chart path.score, ol.timeline").count().catch(() => 0);
        if (n > 0) drawn = true;
      }
      if (!drawn) await page.waitForTimeout(500);
    }
    await page.waitForTimeout(800);
    const shot = join(shots, "journey-view.png");
    await page.screenshot({ path: shot });
    log(`  screenshot: ${shot}`);
    results.push({ name, ok: drawn, detail: drawn ? undefined : "the journey view did not draw a chart or a timeline" });
    // The rebuilt view (issue 18 item 2), measured in the page as drawn: expectations on the time axis,
    // stage labels neither overlapping nor outside the chart, the lead and the consent lane, keyboard
    // links; then the same view in the light theme (another screenshot), with its own colours.
    const name4 = "ui: the journey view reads well: expectation marks, stage labels apart and inside the chart, lead and consent, links by keyboard, dark and light themes";
    try {
      const frame = await (async () => {
        for (const f of page.frames()) if ((await f.locator("svg.chart path.score").count().catch(() => 0)) > 0) return f;
        throw new Error("no frame with the chart");
      })();
      const measure = () =>
        frame.evaluate(() => {
          const svg = document.querySelector("svg.chart");
          const box = svg.getBoundingClientRect();
          const labels = [...svg.querySelectorAll("text.stage-label")].map((t) => t.getBoundingClientRect());
          const overlap = labels.some((a, i) => labels.some((b, j) => j > i && a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom));
          const outside = labels.some((b) => b.left < box.left - 1 || b.right > box.right + 1);
          const links = [...document.querySelectorAll("[data-uri]")];
          return {
            labels: labels.length,
            overlap,
            outside,
            marks: svg.querySelectorAll(".expect-mark").length,
            lead: document.querySelectorAll("table.lead tbody tr").length,
            consent: document.querySelectorAll("svg.consent .consent-mark").length,
            tabbable: links.every((l) => l.getAttribute("tabindex") === "0"),
            stroke: getComputedStyle(svg.querySelector("path.score")).stroke,
            code: getComputedStyle(document.querySelector("code")).color === getComputedStyle(document.body).color,
            theme: document.body.className,
          };
        });
      const dark = await measure();
      const toggle = () => runCommand(page, "Preferences: Toggle between Light/Dark Themes");
      await toggle();
      await page.waitForTimeout(2500);
      const light = await measure();
      const shotLight = join(shots, "journey-view-light.png");
      await page.screenshot({ path: shotLight });
      log(`  screenshot: ${shotLight}`);
      await toggle();
      await page.waitForTimeout(1000);
      const problems = [];
      for (const [theme, m] of [["dark", dark], ["light", light]]) {
        if (m.overlap) problems.push(`${theme}: stage labels overlap`);
        if (m.outside) problems.push(`${theme}: a stage label is outside the chart`);
        if (m.marks === 0) problems.push(`${theme}: no expectation marks`);
        if (m.lead === 0) problems.push(`${theme}: no lead fields`);
        if (m.consent === 0) problems.push(`${theme}: no consent lane`);
        if (!m.tabbable) problems.push(`${theme}: a link is not reachable by Tab`);
        if (!m.code) problems.push(`${theme}: code is not in the text colour`);
      }
      if (!/vscode-light/.test(light.theme)) problems.push(`the light theme did not reach the view (body class ${light.theme})`);
      if (dark.stroke === light.stroke) problems.push(`the series colour is the same in both themes (${dark.stroke})`);
      log(`  measured: ${JSON.stringify({ dark, light })}`);
      results.push({ name: name4, ok: problems.length === 0, detail: problems.join("; ") || undefined });
    } catch (err) {
      results.push({ name: name4, ok: false, detail: err instanceof Error ? err.message : String(err) });
    }
    if (process.env.CRMRULES_E2E_VIEW_ONLY) return;
    // Clicking a rule in the view opens its source line.
    const name3 = "ui: clicking a rule in the journey view opens its source";
    try {
      let clicked = false;
      for (const f of page.frames()) {
        const item = f.locator("ul.rules li.src").first();
        if ((await item.count().catch(() => 0)) > 0) {
          await item.click();
          clicked = true;
          break;
        }
      }
      if (!clicked) throw new Error("no rule item in the journey view");
      // The rule lives in a rules file, not in the journey file: its tab becomes the active one.
      await page.waitForFunction(
        (jf) => [...document.querySelectorAll(".tab.active")].some((t) => /\.crmrules/.test(t.getAttribute("aria-label") ?? "") && !(t.getAttribute("aria-label") ?? "").startsWith(jf)),
        journeyFile,
        { timeout: 15_000 },
      );
      results.push({ name: name3, ok: true });
      await row(journeyFile).click();
    } catch (err) {
      results.push({ name: name3, ok: false, detail: err instanceof Error ? err.message : String(err) });
    }
    // The Testing view after running every journey.
    const name2 = "ui: run all journeys and show them in the Testing view";
    try {
      await runCommand(page, "CRM Rules: Run All Journeys");
      // The status bar item reports the run when it has finished.
      await page.locator(".statusbar-item", { hasText: "journeys passing" }).first().waitFor({ timeout: 120_000 });
      await runCommand(page, "Testing: Focus on Test Explorer View");
      const rows = page.locator(".test-explorer .monaco-list-row");
      await rows.first().waitFor({ timeout: 20_000 });
      await page.waitForTimeout(1000);
      const passedIcons = await page.locator(".test-explorer .codicon-testing-passed-icon").count();
      const shot2 = join(shots, "test-explorer.png");
      await page.screenshot({ path: shot2 });
      log(`  screenshot: ${shot2}`);
      results.push({ name: name2, ok: passedIcons > 0, detail: passedIcons > 0 ? undefined : "no passed journey shown in the Testing view" });
    } catch (err) {
      results.push({ name: name2, ok: false, detail: err instanceof Error ? err.message : String(err) });
    }
  } catch (err) {
    try {
      await ctx.pages()[0]?.screenshot({ path: join(shots, "ui-failure.png") });
    } catch {}
    results.push({ name, ok: false, detail: `${err instanceof Error ? err.message : String(err)}\n${cs.output().slice(-2000)}` });
  } finally {
    await ctx.close().catch(() => {});
    cs.stop();
  }
}

let uiJourneyFile = "nordic.crmrules";

/** UI test on the fixture workspace: a failing expectation is shown at its line with expected and actual. */
async function runUiFailure(setup, runDir, workspace) {
  const name = "ui: a failing expectation shows expected and actual at its line";
  const cs = await startCodeServer(setup, join(runDir, "ui-fail"), workspace);
  const ctx = await launchBrowser(join(runDir, "ui-fail-browser"));
  const shots = join(here, "screenshots");
  try {
    const page = ctx.pages()[0] ?? (await ctx.newPage());
    const base = `vscode-remote://127.0.0.1:${cs.port}`;
    const payload = JSON.stringify([["extensionDevelopmentPath", `${base}${root}`]]);
    await page.goto(`http://127.0.0.1:${cs.port}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(payload)}`);
    await page.waitForSelector(".explorer-folders-view .monaco-list-row", { timeout: 60_000 });
    const row = (label) => page.locator(`.explorer-folders-view .monaco-list-row[aria-label^="${label}"]`).first();
    await row("journeys").click();
    await row("nordic.crmrules").click();
    await page.waitForSelector('.tab[aria-label^="nordic.crmrules"]', { timeout: 30_000 });
    await page.locator(".monaco-editor .view-line", { hasText: "journey " }).first().click();
    await page.waitForTimeout(2000);
    await runCommand(page, "CRM Rules: Run All Journeys");
    await page.locator(".statusbar-item", { hasText: "1/2 journeys passing" }).first().waitFor({ timeout: 60_000 });
    // VS Code draws a failed test's message inline at the expectation's line.
    const inline = page.locator(".monaco-editor").getByText(/expected stage == mql/).first();
    await inline.waitFor({ timeout: 20_000 });
    const text = await inline.innerText();
    await page.waitForTimeout(500);
    await page.screenshot({ path: join(shots, "failing-expectation.png") });
    log(`  screenshot: ${join(shots, "failing-expectation.png")}`);
    const ok = /expected/.test(text) && /mql/.test(text) && /visitor/.test(text);
    results.push({ name, ok, detail: ok ? undefined : `inline message: ${text}` });
  } catch (err) {
    try {
      await ctx.pages()[0]?.screenshot({ path: join(shots, "ui-fail-failure.png") });
    } catch {}
    results.push({ name, ok: false, detail: err instanceof Error ? err.message : String(err) });
  } finally {
    await ctx.close().catch(() => {});
    cs.stop();
  }
}

/**
 * UI test of the journey debugger: the "Debug journey" command on the fixture journey, stepping
 * with F10, the call stack and the variables as a user sees them, in a screenshot.
 */
async function runUiDebugger(setup, runDir, workspace) {
  const name = "ui: the journey debugger shows the call stack and the lead's variables while stepping";
  const cs = await startCodeServer(setup, join(runDir, "ui-debug"), workspace);
  const ctx = await launchBrowser(join(runDir, "ui-debug-browser"));
  const shots = join(here, "screenshots");
  mkdirSync(shots, { recursive: true });
  try {
    const page = ctx.pages()[0] ?? (await ctx.newPage());
    const base = `vscode-remote://127.0.0.1:${cs.port}`;
    const payload = JSON.stringify([["extensionDevelopmentPath", `${base}${root}`]]);
    await page.goto(`http://127.0.0.1:${cs.port}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(payload)}`);
    await page.waitForSelector(".explorer-folders-view .monaco-list-row", { timeout: 60_000 });
    const row = (label) => page.locator(`.explorer-folders-view .monaco-list-row[aria-label^="${label}"]`).first();
    await row("journeys").click();
    await row("nordic.crmrules").click();
    await page.waitForSelector('.tab[aria-label^="nordic.crmrules"]', { timeout: 30_000 });
    await page.locator(".monaco-editor .view-line", { hasText: "journey " }).first().click();
    await page.waitForSelector('.statusbar-item:has-text("CRM Rules")', { timeout: 60_000 });
    await page.waitForTimeout(2000);
    await runCommand(page, "CRM Rules: Debug Journey");
    // Stopped at the start (the debug toolbar is up): open the Run and Debug view.
    await page.waitForSelector(".debug-toolbar", { timeout: 60_000 });
    await page.waitForTimeout(1500);
    // Click the activity bar's Run and Debug item (typing into the palette races with the editor's focus).
    await page.locator('.activitybar [aria-label^="Run and Debug"]').first().click();
    // The call stack shows the journey's first step.
    const stack = page.locator(".debug-call-stack");
    await stack.getByText(/day 0: lead arrives/).first().waitFor({ timeout: 60_000 });
    // Two steps over (F10): the page view, then the demo request.
    for (const want of [/day 0: event page_view/, /day 2: event demo_requested/]) {
      await page.keyboard.press("F10");
      await stack.getByText(want).first().waitFor({ timeout: 30_000 });
    }
    // The variables view lists the scopes; expand the lead's.
    const variables = page.locator(".debug-variables");
    await variables.getByText("Lead", { exact: true }).first().waitFor({ timeout: 30_000 });
    await page.waitForTimeout(1000);
    const shot = join(shots, "journey-debugger.png");
    await page.screenshot({ path: shot });
    log(`  screenshot: ${shot}`);
    const text = await page.locator(".debug-view-content, .debug-pane").first().innerText().catch(() => "");
    // Before the demo request: the lead's scores and stage, then the other scopes.
    const ok = /fit 35, engagement 10/.test(text) && /visitor/.test(text) && /Consent/.test(text) && /Timers/.test(text);
    results.push({ name, ok, detail: ok ? undefined : `the Run and Debug view shows: ${text.slice(0, 600)}` });
    await page.keyboard.press("Shift+F5");
  } catch (err) {
    try {
      await ctx.pages()[0]?.screenshot({ path: join(shots, "ui-debug-failure.png") });
    } catch {}
    results.push({ name, ok: false, detail: `${err instanceof Error ? err.message : String(err)}\n${cs.output().slice(-2000)}` });
  } finally {
    await ctx.close().catch(() => {});
    cs.stop();
  }
}

/**
 * The packaged extension: `vsce package` (production bundles), `code-server --install-extension`,
 * then a workbench with no development path: the installed .vsix alone must start the language
 * server and render the journey view for an example journey.
 */
async function runVsix(setup, runDir, workspace, journeyFile) {
  const name = "vsix: the packaged extension installs into code-server and renders the journey view";
  const dir = join(runDir, "vsix");
  const ext = join(dir, "ext");
  mkdirSync(ext, { recursive: true });
  const vsix = join(dir, "crmrules.vsix");
  execFileSync(process.execPath, ["scripts/build.mjs", "--production"], { cwd: root, stdio: "inherit" });
  execFileSync(process.execPath, [join(root, "node_modules", "@vscode", "vsce", "vsce"), "package", "--no-dependencies", "--allow-missing-repository", "--skip-license", "--readme-path", "docs/extension.md", "-o", vsix], { cwd: root, stdio: "inherit" });
  const cs = (...a) => execFileSync(setup.nodeBin, [setup.codeServer, "--extensions-dir", ext, "--user-data-dir", join(dir, "user"), ...a], { env: setup.env, encoding: "utf8" });
  cs("--install-extension", vsix);
  const listed = cs("--list-extensions", "--show-versions");
  if (!/^crmrules\.crmrules@/m.test(listed)) {
    results.push({ name, ok: false, detail: `code-server does not list the installed extension:\n${listed}` });
    return;
  }
  const server = await startCodeServer(setup, dir, workspace);
  const ctx = await launchBrowser(join(runDir, "vsix-browser"));
  try {
    const page = ctx.pages()[0] ?? (await ctx.newPage());
    await page.goto(`http://127.0.0.1:${server.port}/?folder=${encodeURIComponent(workspace)}`);
    await page.waitForSelector(".explorer-folders-view .monaco-list-row", { timeout: 60_000 });
    const row = (label) => page.locator(`.explorer-folders-view .monaco-list-row[aria-label^="${label}"]`).first();
    await row("journeys").click();
    await row(journeyFile).click();
    await page.waitForSelector(`.tab[aria-label^="${journeyFile}"]`, { timeout: 30_000 });
    await page.locator(".monaco-editor .view-line", { hasText: "journey " }).first().click();
    // The status bar item appears once the installed extension has activated.
    await page.waitForSelector('.statusbar-item:has-text("CRM Rules")', { timeout: 60_000 });
    await runCommand(page, "CRM Rules: Simulate Journey");
    await page.waitForSelector('.tab[aria-label^="Journey:"]', { timeout: 30_000 });
    let drawn = false;
    for (let i = 0; i < 40 && !drawn; i++) {
      for (const f of page.frames()) if ((await f.locator("svg.chart path.score, ol.timeline").count().catch(() => 0)) > 0) drawn = true;
      if (!drawn) await page.waitForTimeout(500);
    }
    const shot = join(here, "screenshots", "vsix-journey-view.png");
    await page.screenshot({ path: shot });
    log(`  screenshot: ${shot}`);
    results.push({ name, ok: drawn, detail: drawn ? undefined : "the installed extension did not draw the journey view" });
  } catch (err) {
    results.push({ name, ok: false, detail: `${err instanceof Error ? err.stack : String(err)}\n${server.output().slice(-3000)}` });
  } finally {
    await ctx.close().catch(() => {});
    server.stop();
  }
}

async function runCommand(page, title) {
  await page.keyboard.press("F1");
  await page.waitForSelector(".quick-input-widget input", { timeout: 10_000 });
  await page.keyboard.type(title);
  await page.waitForTimeout(600);
  await page.keyboard.press("Enter");
}

async function main() {
  ensureBuilt();
  const setup = ensureSetup(root);
  const runDir = join(setup.cache, `run-${process.pid}`);
  rmSync(runDir, { recursive: true, force: true });
  mkdirSync(runDir, { recursive: true });
  // A scratch copy of the fixture workspace: tests may edit it.
  const workspace = join(runDir, "workspace");
  cpSync(join(here, "workspace"), workspace, { recursive: true });
  // A git repository, so that "Compare with HEAD" has a HEAD to compare with.
  try {
    const git = (...a) => execFileSync("git", ["-c", "user.name=e2e", "-c", "user.email=e2e@example.invalid", "-c", "commit.gpgsign=false", ...a], { cwd: workspace, stdio: "ignore" });
    git("init", "-q");
    git("add", "-A");
    git("commit", "-qm", "fixture");
  } catch (err) {
    log(`git is not usable here, the compare test will fail: ${err.message}`);
  }
  try {
    if (wantSuite) {
      log("extension-host suite (code-server)");
      await runSuite(setup, runDir, workspace);
    }
    // --debugger: only the journey debugger's UI test (its extension-host tests are in the suite).
    if (args.includes("--debugger")) {
      log("UI test of the journey debugger (code-server + Chromium)");
      await runUiDebugger(setup, runDir, workspace);
    } else if (wantUi) {
      log("UI test (code-server + Chromium)");
      // The UI test shows the real example workspace when it is there.
      const acme = join(root, "examples", "acme");
      let uiWs = workspace;
      if (existsSync(join(acme, "journeys"))) {
        uiWs = join(runDir, "acme");
        cpSync(acme, uiWs, { recursive: true });
        const files = readdirSync(join(acme, "journeys")).filter((f) => f.endsWith(".crmrules")).sort();
        uiJourneyFile = process.env.CRMRULES_E2E_JOURNEY ?? (files.includes("nordic-key-account.crmrules") ? "nordic-key-account.crmrules" : files[0]);
      }
      await runUi(setup, runDir, uiWs);
      // CRMRULES_E2E_VIEW_ONLY=1 with --ui: only the journey view's UI test (the rest of the UI tests are skipped).
      if (!process.env.CRMRULES_E2E_VIEW_ONLY) {
        await runUiFailure(setup, runDir, workspace);
        await runUiDebugger(setup, runDir, workspace);
        await runVsix(setup, runDir, uiWs, uiJourneyFile);
      }
    }
  } catch (err) {
    results.push({ name: "e2e harness", ok: false, detail: err instanceof Error ? err.stack : String(err) });
  } finally {
    if (!process.env.CRMRULES_E2E_KEEP) rmSync(runDir, { recursive: true, force: true });
  }
  for (const r of results) {
    log(`${r.ok ? "✔" : "✘"} ${r.name}`);
    if (!r.ok && r.detail) log(String(r.detail).replace(/^/gm, "    "));
  }
  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;
  log(`${passed} passed, ${failed} failed`);
  process.exit(failed > 0 || passed === 0 ? 1 : 0);
}

await main();
