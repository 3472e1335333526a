/**
 * The journey view of a journey with several leads (docs/language.md §11): a lane per lead with its
 * routing, each timeline row with its lead's name in the lead's colour (text contrast at least
 * 4.5:1 in the light and dark palettes), a table of fields per lead, one score line per lead. The
 * view model comes from the real server function over examples/team-caps.
 */
import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { Workspace } from "../../server/src/workspace.js";
import { JourneyRunner, journeyView } from "../../server/src/journeys.js";
import { renderChart, renderJourneyHtml, renderLeadLanes, renderTimeline } from "../../client/src/journeyHtml.js";
import type { JourneyView } from "../../client/src/adapt.js";
import { REPO } from "../server/helpers.js";

const CAPS = join(REPO, "examples", "team-caps");
const ws = new Workspace(() => undefined);
ws.setRoots([CAPS]);
const view = () => journeyView(ws.snapshot(), new JourneyRunner(() => undefined), join(CAPS, "journeys", "daily-cap.crmrules"), "Five leads on a team of two with cap 2 per day") as JourneyView;

describe("the journey view with several leads", () => {
  it("draws one lane per lead, in written order, with where each was routed", () => {
    const lanes = renderLeadLanes(view());
    const names = [...lanes.matchAll(/<text class="tick lane-name f(\d)"[^>]*>([^<]*)<\/text>/g)].map((m) => `${m[2]} f${m[1]}`);
    expect(names).toEqual(["ana f0", "ben f1", "cai f2", "dag f3", "eva f4", "fay f5"]);
    const marks = [...lanes.matchAll(/aria-label="([^"]*)"/g)].map((m) => m[1]);
    expect(marks).toContain("eva: queue overflow at day 0 at 09:40 (rule nordics of inbound)");
    expect(marks.filter((m) => m!.includes("(owner sofia)")).length).toBe(3);
    // A one-lead journey has no lanes.
    expect(renderLeadLanes({ ...view(), leads: undefined })).toBe("");
  });

  it("starts each timeline row with its lead's name in the lead's colour, readable in both themes", () => {
    const v = view();
    const rows = [...renderTimeline(v).matchAll(/<span class="lead-chip l(\d)">([^<]*)<\/span> <span class="badge (\w+)">/g)].map((m) => `${m[2]} l${m[1]} ${m[3]}`);
    expect(rows).toContain("eva l4 routing");
    expect(rows.filter((r) => r.endsWith("event")).map((r) => r.split(" ")[0])).toEqual(["ana", "ben", "cai", "dag", "eva", "fay"]);
    const html = renderJourneyHtml(v, "n", "csp");
    const lum = (hex: string) => {
      const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
      return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
    };
    const contrast = (a: string, b: string) => (Math.max(lum(a), lum(b)) + 0.05) / (Math.min(lum(a), lum(b)) + 0.05);
    expect(html).toMatch(/\.l0\{color:var\(--c0\);border-color:var\(--c0\)\}/);
    const light = /body \{ ((?:--c\d: #[0-9A-Fa-f]{6}; )+)/.exec(html)![1]!.match(/#[0-9A-Fa-f]{6}/g)!;
    const dark = /body\.vscode-dark, body\.vscode-high-contrast \{ ((?:--c\d: #[0-9A-Fa-f]{6}; )+)/.exec(html)![1]!.match(/#[0-9A-Fa-f]{6}/g)!;
    // The names are text: WCAG AA 4.5:1 against the editor background.
    for (const c of light) expect(contrast(c, "#ffffff"), c).toBeGreaterThanOrEqual(4.5);
    for (const c of dark) expect(contrast(c, "#1e1e1e"), c).toBeGreaterThanOrEqual(4.5);
    expect(html).toContain("<h2>Leads</h2>");
    expect((html.match(/<h3><span class="lead-chip/g) ?? []).length).toBe(6);
  });

  it("labels the stage lines and score lines with their lead", () => {
    const v = view();
    expect(v.stages.map((s) => s.leadName)).toEqual(["ana", "ben", "cai", "dag", "eva", "fay"]);
    const withScore: JourneyView = { ...v, scores: [{ leadName: "ana", name: "fit", thresholds: [], points: [{ time: 60, value: 5 }] }, { leadName: "ben", name: "fit", thresholds: [], points: [] }] };
    const svg = renderChart(withScore);
    expect(svg).toContain('data-score="ana: fit"');
    expect(svg).toContain('data-score="ben: fit"');
    expect(svg).toContain(">ana: new</text>");
  });
});
