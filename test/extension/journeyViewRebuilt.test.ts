/**
 * The journey view as issue 18 item 2 asks: expectations on the timeline at their time, stage labels
 * that do not overlap or get clipped, round axis ticks, a flat score drawn, colours readable in
 * light and dark themes, the lead's fields, a consent lane, a comparison with the previous run, and
 * every link keyboard reachable. The view model comes from the real server function (in-process,
 * server/src/journeys.ts) over examples/acme; the HTML from client/src/journeyHtml.ts.
 */
import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { Workspace } from "../../server/src/workspace.js";
import { JourneyRunner, journeyView } from "../../server/src/journeys.js";
import { niceStep, renderChart, renderJourneyHtml } from "../../client/src/journeyHtml.js";
import type { JourneyView } from "../../client/src/adapt.js";
import { REPO } from "../server/helpers.js";

const ACME = join(REPO, "examples", "acme");
const ws = new Workspace(() => undefined);
ws.setRoots([ACME]);
const runner = new JourneyRunner(() => undefined);
const view = (file: string, name: string) => journeyView(ws.snapshot(), runner, join(ACME, "journeys", file), name) as JourneyView;
const DECAY = () => view("engagement-decay.crmrules", "Finnish marina engineer's interest fades");

/** The `<text>` labels of a class in an SVG, with their x, y and anchor. */
function labels(svg: string, cls: string): { x: number; y: number; anchor: string; text: string }[] {
  return [...svg.matchAll(new RegExp(`<text class="${cls}" x="([\\d.]+)" y="([\\d.]+)" text-anchor="(\\w+)">([^<]*)</text>`, "g"))].map((m) => ({ x: Number(m[1]), y: Number(m[2]), anchor: m[3]!, text: m[4]! }));
}

describe("the rebuilt journey view", () => {
  it("places each expectation on the timeline and on the chart at its time", () => {
    const v = DECAY();
    expect(v.expectations!.every((e) => typeof e.time === "number")).toBe(true);
    const html = renderJourneyHtml(v, "n", "csp");
    const rows = [...html.matchAll(/<li class="row (expect (?:pass|fail))"><span class="time">([^<]*)<\/span>/g)].map((m) => m[2]);
    expect(rows.length).toBe(v.expectations!.length);
    expect(rows.slice(0, 3)).toEqual(["day 0", "day 29", "day 30"]);
    expect((renderChart(v).match(/class="expect-mark pass"/g) ?? []).length).toBe(v.expectations!.length);
  });

  it("uses round day ticks and round value ticks", () => {
    expect(niceStep(33, 8, true)).toBe(5);
    expect(niceStep(105, 8, true)).toBe(14);
    expect(niceStep(100, 5)).toBe(20);
    const ticks = labels(renderChart(DECAY()), "tick").map((t) => t.text);
    expect(ticks).toEqual(expect.arrayContaining(["0", "14", "28", "42", "56", "70", "84", "98"]));
    expect(ticks).not.toContain("11");
  });

  it("keeps stage labels apart and inside the chart", () => {
    const v: JourneyView = { name: "x", uri: "/x", end: 20 * 1440, events: [], routing: [], actions: [], scores: [{ name: "fit", thresholds: [], points: [{ time: 0, value: 10 }] }], stages: [
      { time: 0, to: "visitor" }, { time: 0, to: "lead_in" }, { time: 10, to: "engaged" }, { time: 20 * 1440, to: "customer_for_life" },
    ] };
    const st = labels(renderChart(v), "stage-label");
    expect(st.map((s) => s.text)).toEqual(["visitor", "lead_in", "engaged", "customer_for_life"]);
    // Two changes at day 0 (and one 10 minutes later): three lines of labels, not one on top of the other.
    expect(new Set(st.slice(0, 3).map((s) => s.y)).size).toBe(3);
    // The last one, at the right edge, is written leftwards from its line.
    expect(st[3]!.anchor).toBe("end");
  });

  it("draws a score that never changed, and says so in the legend", () => {
    const v: JourneyView = { name: "x", uri: "/x", end: 1440, events: [], stages: [], routing: [], actions: [], scores: [{ name: "fit", thresholds: [], points: [] }, { name: "engagement", thresholds: [], points: [{ time: 60, value: 5 }] }] };
    const svg = renderChart(v);
    expect(svg).toMatch(/<path class="score s0 d0 flat" data-score="fit" d="M [\d.]+ [\d.]+ L [\d.]+ [\d.]+"/);
    expect(svg).toContain("fit<span class=\"detail\"> — unchanged (unscored)</span>");
  });

  it("has colours readable on light and dark backgrounds, and code in the text colour", () => {
    const html = renderJourneyHtml(DECAY(), "n", "csp");
    const lum = (hex: string) => {
      const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
      return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
    };
    const contrast = (a: string, b: string) => (Math.max(lum(a), lum(b)) + 0.05) / (Math.min(lum(a), lum(b)) + 0.05);
    const light = /body \{ ((?:--c\d: #[0-9A-Fa-f]{6}; )+)/.exec(html)![1]!.match(/#[0-9A-Fa-f]{6}/g)!;
    const dark = /body\.vscode-dark, body\.vscode-high-contrast \{ ((?:--c\d: #[0-9A-Fa-f]{6}; )+)/.exec(html)![1]!.match(/#[0-9A-Fa-f]{6}/g)!;
    // WCAG 2.1 non-text contrast: at least 3:1 against the editor background (white; VS Code's dark #1e1e1e).
    for (const c of light) expect(contrast(c, "#ffffff"), c).toBeGreaterThanOrEqual(3);
    for (const c of dark) expect(contrast(c, "#1e1e1e"), c).toBeGreaterThanOrEqual(3);
    expect(html).toMatch(/code \{[^}]*color: inherit;/);
  });

  it("shows the lead's fields and a consent lane", () => {
    const html = renderJourneyHtml(DECAY(), "n", "csp");
    expect(html).toContain('<h2>Lead</h2>');
    expect(html).toMatch(/<th scope="row">country<\/th><td><code>&quot;FI&quot;<\/code>/);
    expect(html).toContain("<h2>Consent</h2>");
    expect(html).toMatch(/email_marketing: given \(checkbox\) at day 0/);
    expect(html).toMatch(/email_marketing: send_email: sent on opt_in expires after 24 months at day 7/);
  });

  it("compares with the previous run after an edit", () => {
    const now = DECAY();
    const before: JourneyView = JSON.parse(JSON.stringify(now));
    before.scores.find((s) => s.name === "engagement")!.points.push({ time: 106 * 1440, value: 7 });
    before.expectations![0]!.passed = false;
    const html = renderJourneyHtml(now, "n", "csp", undefined, before);
    expect(html).toContain("<h2>Since the previous run</h2>");
    expect(html).toContain("<li>engagement at the end: 7 → <strong>0</strong></li>");
    expect(html).toMatch(/<code>expect stage == engaged<\/code>: now <span class="pass">met<\/span>/);
    expect(html).toContain('class="score prev s');
    expect(renderJourneyHtml(now, "n", "csp", undefined, JSON.parse(JSON.stringify(now)))).toContain("no change in scores, stage, routing or expectations");
  });

  it("lets every link be reached and followed with the keyboard", () => {
    const html = renderJourneyHtml(DECAY(), "n", "csp");
    const links = [...html.matchAll(/<[a-z0-9]+ [^>]*data-uri="[^"]*"[^>]*>/g)].map((m) => m[0]);
    expect(links.length).toBeGreaterThan(20);
    for (const l of links) expect(l).toMatch(/tabindex="0"/);
    expect(html).toMatch(/e\.key === 'Enter' \|\| e\.key === ' '/);
  });
});
