/**
 * Timers are entries of their own (issue 18 item 1): in the journey view, a decay, an inactivity
 * rule or a workflow's wait firing is a timeline entry at its own time, and its rule firings are
 * not listed under the step that armed it; the inlay hint after a step shows the state before the
 * next timer fires, and each timer has its own hint, at the step that follows it.
 */
import { cpSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as P from "vscode-languageserver-protocol";
import { REPO, startClient, uri, type Client } from "./helpers.js";
import { JourneyViewRequest, type JourneyView } from "../../protocol/journeys.js";

const NAME = "Finnish marina engineer's interest fades";
let root: string;
let c: Client;
let file: string;
let lines: string[];
const lineOf = (needle: string) => lines.findIndex((l) => l.includes(needle));

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "crm-ls-timers-"));
  cpSync(join(REPO, "examples", "acme"), root, { recursive: true });
  file = join(root, "journeys", "engagement-decay.crmrules");
  lines = readFileSync(file, "utf8").split("\n");
  c = await startClient([root]);
}, 60_000);
afterAll(async () => c?.stop());

describe("timers in the journey view", () => {
  it("are entries at their own time, with the rules they fired", async () => {
    const v = (await c.conn.sendRequest(JourneyViewRequest, { uri: uri(file), name: NAME })) as JourneyView;
    const day = (t: number) => t / 1440;
    const rows = v.events.map((e) => [day(e.time), e.timer ?? "step", e.label, e.rules.map((r) => `${r.rule} ${r.applied}`)]);
    // The day-20 page view fires only its own rule; decay comes at day 30, 60, 90; gone_quiet at day 105.
    expect(rows.filter((r) => r[0] === 20)).toEqual([[20, "step", 'page_view { url: "/products/radar" }', ["product_pages 2"]]]);
    expect(rows.filter((r) => r[1] === "decay")).toEqual([
      [30, "decay", "timer: decay (engagement)", ["decay -21"]],
      [60, "decay", "timer: decay (engagement)", ["decay -12"]],
      [90, "decay", "timer: decay (engagement)", ["decay -6"]],
    ]);
    expect(rows.filter((r) => r[0] === 45)).toEqual([[45, "step", 'page_view { url: "/products/sonar" }', ["product_pages 2"]]]);
    expect(rows.filter((r) => r[1] === "inactivity")).toEqual([[105, "inactivity", "timer: inactivity (engagement.gone_quiet)", ["gone_quiet -5"]]]);
    expect(rows.filter((r) => r[1] === "wait").map((r) => r[0])).toEqual([7, 14]);
    // Entries in time order.
    const times = v.events.map((e) => e.time);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });
});

describe("timers in the inlay hints", () => {
  it("a step's hint stops before the next timer; each timer has a hint of its own at the step after it", async () => {
    const hints = (await c.conn.sendRequest(P.InlayHintRequest.type, { textDocument: { uri: uri(file) }, range: { start: { line: 0, character: 0 }, end: { line: lines.length, character: 0 } } }))!;
    const at = (line: number) => hints.filter((h) => h.position.line === line).map((h) => [h.position.character, String(h.label)]);
    // day 45 page_view: 21 → 23 (the day-60 decay is its own entry).
    const day45 = lineOf("day 45 page_view");
    expect(at(day45)).toEqual([[lines[day45]!.indexOf(" //") >= 0 ? lines[day45]!.replace(/\s*\/\/.*$/, "").length : lines[day45]!.length, expect.stringMatching(/engagement 23\b/)]]);
    // day 20 page_view: 40 → 42, not the day-30 decay.
    expect(at(lineOf("day 20 page_view"))[0]![1]).toMatch(/engagement 42\b/);
    // The timers, each before the step that follows it.
    expect(at(lineOf("day 30 expect score engagement == 21"))).toEqual([[2, "timer day 30: decay (engagement) → engagement 21"]]);
    expect(at(lineOf("day 60 expect score engagement == 11"))).toEqual([[2, "timer day 60: decay (engagement) → engagement 11"]]);
    expect(at(lineOf("day 105 expect score engagement == 0"))).toEqual([[2, "timer day 105: inactivity (engagement.gone_quiet) → engagement 0"]]);
    expect(at(lineOf("day 20 page_view")).filter(([, l]) => String(l).startsWith("timer ")).map(([, l]) => l)).toEqual(["timer day 7: wait (workflow nurture)", "timer day 14: wait (workflow nurture)"]);
  });
});
