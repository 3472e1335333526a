/**
 * The journey view's data and HTML, outside VS Code: the fixture workspace is checked and its
 * journeys simulated by the real core, then adapted (client/src/adapt.ts) and rendered
 * (client/src/journeyHtml.ts).
 */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { crmSources } from "../support/files.js";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { checkWorkspace } from "../../core/checker/check.js";
import { compile, runJourney } from "../../core/engine/index.js";
import { stageThresholds, toRunResult, toView, } from "../../client/src/adapt.js";
import { renderJourneyHtml } from "../../client/src/journeyHtml.js";
import { formatTime } from "../../core/time.js";
import { journeysOf } from "../../client/src/journeys.js";
import { splitDiff } from "../../client/src/diffView.js";

const ws = join(dirname(fileURLToPath(import.meta.url)), "..", "e2e", "workspace");


const all = crmSources(ws);
const journeyUri = join(ws, "journeys", "nordic.crmrules");

function run(name: string) {
  const check = checkWorkspace({ root: ws, files: all });
  const rules = compile(check, journeyUri);
  const j = rules.journeys.find((x) => x.journey.name?.value === name);
  if (!j) throw new Error(`no journey ${name}`);
  // Through JSON, as over the wire.
  return JSON.parse(JSON.stringify(runJourney(rules, j.journey))) as unknown;
}

describe("journey listing from the parser", () => {
  it("finds both journeys with their expectations and lines", () => {
    const js = journeysOf(readFileSync(journeyUri, "utf8"), journeyUri);
    expect(js.map((j) => [j.name, j.expectations.length])).toEqual([
      ["Nordic CTO books a demo", 3],
      ["Student is not an MQL", 2],
    ]);
    expect(js[0]!.expectations[0]).toMatchObject({ text: "expect stage == mql", range: { start: { line: 6 } } });
  });

  it("survives half-typed text", () => {
    expect(() => journeysOf('journey "x" {\n  lead { country: \n  expect stage ==', "/x.crmrules")).not.toThrow();
  });
});

describe("adapting engine results", () => {
  it("reports the passing journey as passed", () => {
    const r = toRunResult(run("Nordic CTO books a demo"), journeyUri, "Nordic CTO books a demo");
    expect(r.expectations.map((e) => e.passed)).toEqual([true, true, true]);
    expect(r.passed).toBe(true);
    expect(r.traceText).toMatch(/demo_requested/);
  });

  it("reports the failing expectation with expected, actual and its line", () => {
    const r = toRunResult(run("Student is not an MQL"), journeyUri, "Student is not an MQL");
    expect(r.passed).toBe(false);
    const bad = r.expectations.filter((e) => !e.passed);
    expect(bad).toHaveLength(1);
    expect(bad[0]!.expected).toMatch(/mql/);
    expect(bad[0]!.range?.start.line).toBe(15);
    expect(bad[0]!.actual).toMatch(/visitor/);
  });

  it("builds the view: events with rule firings, score steps with thresholds, stage and routing", () => {
    const th = stageThresholds(all);
    expect(th.get("fit")).toEqual([{ value: 20, label: "mql" }]);
    const v = toView(run("Nordic CTO books a demo"), journeyUri, "x", th);
    expect(v.scores.map((s) => s.name).sort()).toEqual(["engagement", "fit"]);
    const fit = v.scores.find((s) => s.name === "fit")!;
    expect(fit.points.at(-1)!.value).toBe(35);
    expect(fit.thresholds).toEqual([{ value: 20, label: "mql" }]);
    expect(v.events.some((e) => /demo_requested/.test(e.label) && e.rules!.some((r) => r.rule === "demo"))).toBe(true);
    expect(v.stages.map((s) => s.to)).toContain("mql");
    expect(v.routing[0]).toMatchObject({ rule: "nordics_enterprise", route: "inbound" });
    expect(v.routing[0]!.target).toMatch(/kari/);
  });

  it("accepts the protocol's own shapes unchanged", () => {
    const r = toRunResult({ uri: "u", name: "n", passed: false, expectations: [{ index: 0, passed: false, expected: "a", actual: "b" }] }, "u", "n");
    expect(r.expectations[0]).toMatchObject({ passed: false, expected: "a", actual: "b" });
    expect(toRunResult(null, "u", "n").error).toMatch(/not found/);
    // The server's answer may carry the raw trace beside the protocol fields.
    const s = toRunResult({ uri: "u", name: "n", passed: true, trace: [], expectations: [{ index: 0, passed: true, expected: "a", actual: "a" }] }, "u", "n");
    expect(s.expectations[0]!.passed).toBe(true);
  });
});

describe("journey view HTML", () => {
  const view = toView(run("Nordic CTO books a demo"), journeyUri, "x", stageThresholds(all));
  const html = renderJourneyHtml(view, "NONCE123", "vscode-resource:");

  it("has a strict CSP with a nonce and no remote content", () => {
    expect(html).toContain(`script-src 'nonce-NONCE123'`);
    expect(html).toContain(`default-src 'none'`);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/style="/); // inline style attributes would be blocked by the CSP
    expect(html.match(/<script nonce="NONCE123">/g)).toHaveLength(1);
  });

  it("draws one line per score, the threshold and stage markers", () => {
    expect(html.match(/<path class="score/g)).toHaveLength(2);
    expect(html).toMatch(/class="threshold /);
    expect(html).toMatch(/mql \(20\)/);
    expect(html).toMatch(/class="stage"/);
  });

  it("links timeline items to their source lines", () => {
    expect(html).toMatch(/data-uri="[^"]*rules\.crmrules" data-line="\d+"/);
    expect(html).toMatch(/routed<\/span> to <strong>/);
  });

  it("escapes names", () => {
    const h = renderJourneyHtml({ name: "<b>x</b>", events: [], scores: [], stages: [], routing: [], actions: [] }, "n", "c");
    expect(h).toContain("&lt;b&gt;x&lt;/b&gt;");
  });

  it("writes times as the trace does (core/time.ts)", () => {
    expect([formatTime(0), formatTime(1440 * 2 + 14 * 60 + 5)]).toEqual(["day 0", "day 2 at 14:05"]);
    const h = renderJourneyHtml({ name: "t", events: [{ time: 1440 * 2 + 14 * 60 + 5, label: "page_view" }], scores: [], stages: [], routing: [], actions: [] }, "n", "c");
    expect(h).toContain(`<span class="time">day 2 at 14:05</span>`);
  });
});

describe("compare with HEAD", () => {
  it("renders each journey's outcome before and after, side by side", () => {
    const report = {
      base: "HEAD",
      head: "the working folder",
      journeys: [
        {
          name: "Dane reads the prices",
          file: "journeys/a.crmrules",
          line: 5,
          before: { stage: "mql", scores: { fit: 30, intent: null }, sent: ["send_email"] },
          after: { stage: "engaged", scores: { fit: 20, intent: null }, sent: [] },
          changed: { stage: true },
        },
      ],
    };
    const { before, after } = splitDiff(report);
    expect(before).toBe("journey outcomes with the rules of HEAD\n\nDane reads the prices  (journeys/a.crmrules:5)\n  stage: mql\n  scores: fit 30, intent unscored\n  sent: send_email\n");
    expect(after).toContain("journey outcomes with the rules of the working folder");
    expect(after).toContain("  stage: engaged\n  scores: fit 20, intent unscored\n  sent: none\n");
  });

  it("shows sends grouped per action once, as diff --format json groups them", () => {
    const side = { stage: "mql", sent: { send_email: ['send_email("welcome")', 'send_email("pricing")'], book_sdr_call: ["book_sdr_call"] }, blocked: {} };
    const { before } = splitDiff({ base: "HEAD", journeys: [{ name: "j", file: "a.crmrules", line: 1, before: side, after: side }] });
    expect(before).toContain('  sent: send_email("welcome"), send_email("pricing"), book_sdr_call\n');
    expect(before).toContain("  blocked: none\n");
  });

  it("splits any other report on its before/after pairs", () => {
    const { before, after } = splitDiff({ items: [{ id: 1, before: 1, after: 2 }] });
    expect(JSON.parse(before)).toEqual({ items: [{ id: 1, outcome: 1 }] });
    expect(JSON.parse(after)).toEqual({ items: [{ id: 1, outcome: 2 }] });
  });
});
