/** Code lenses ("Simulate" and pass/fail above journeys, journeys routed above routing rules) and inlay hints. */
import * as L from "vscode-languageserver";
import type * as A from "../../core/syntax/ast.js";
import { leadResult, showTarget, type JourneyResult, type TraceEntry } from "../../core/engine/index.js";
import { range } from "./convert.js";
import { JourneyRunner, journeysOf, timerLabel } from "./journeys.js";
import { pathToUri } from "./uri.js";
import type { Snapshot } from "./workspace.js";
import { plural } from "../../core/text/words.js";
import { ClientCommand, ServerCommand } from "../../protocol/journeys.js";

/** Every journey result of the workspace folder holding `path` (journeys anywhere in it can reach its routes). */
function folderRuns(snap: Snapshot, runner: JourneyRunner, path: string): { name: string; result: JourneyResult }[] {
  const check = snap.checkOf(path);
  const out: { name: string; result: JourneyResult }[] = [];
  for (const p of check?.files.keys() ?? []) {
    for (const j of journeysOf(snap, p)) {
      const r = runner.run(snap, p, j);
      if (!(r instanceof Error)) out.push({ name: j.name!.value, result: r });
    }
  }
  return out;
}

/**
 * The routing rule (or `otherwise`) that routed a lead, by its source (`uri#offset`), → the
 * journeys it routed. By source, not by name: unrelated files may each declare a route of the same name.
 */
function routedBy(runs: { name: string; result: JourneyResult }[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [key, list] of routedLeads(runs)) out.set(key, list.map((x) => x.name));
  return out;
}

/** As `routedBy`, with the leads each journey of several leads had routed there (empty for a one-lead journey). */
function routedLeads(runs: { name: string; result: JourneyResult }[]): Map<string, { name: string; leads: string[] }[]> {
  const out = new Map<string, { name: string; leads: string[] }[]>();
  for (const { name, result } of runs)
    for (const e of result.trace)
      if (e.kind === "route" && e.rule) {
        const key = ruleKey(e.source.uri, e.source.range.start.offset);
        const list = out.get(key) ?? out.set(key, []).get(key)!;
        let x = list.find((y) => y.name === name);
        if (!x) list.push((x = { name, leads: [] }));
        if (e.leadName !== undefined && !x.leads.includes(e.leadName)) x.leads.push(e.leadName);
      }
  return out;
}

function ruleKey(uri: string, offset: number): string {
  return `${uri}#${offset}`;
}

/** The journeys the rule `rule` (or `otherwise`) of the route `route` declared in `path` routed, by name. */
export function routedJourneys(snap: Snapshot, runner: JourneyRunner, path: string, route: string, rule: string): string[] | undefined {
  const decl = snap.file(path)?.file.decls.find((d): d is A.RouteDecl => d.kind === "Route" && d.name?.text === route);
  const entry = decl && routeEntries(decl).find((e) => e.name === rule);
  if (!entry) return undefined;
  return routedBy(folderRuns(snap, runner, path)).get(ruleKey(path, entry.node.range.start.offset)) ?? [];
}

/**
 * Every lens carries a command the client can run: the extension's own journey commands when it
 * has them (`clientCommands`), else the server's, run through `workspace/executeCommand` (commands.ts).
 */
export function codeLenses(snap: Snapshot, runner: JourneyRunner, path: string, clientCommands = false): L.CodeLens[] {
  const simulate = clientCommands ? ClientCommand.simulateJourney : ServerCommand.simulateJourney;
  const trace = clientCommands ? ClientCommand.showTraceText : ServerCommand.showTraceText;
  const pr = snap.file(path);
  if (!pr) return [];
  const uri = pathToUri(path);
  const out: L.CodeLens[] = [];
  for (const j of journeysOf(snap, path)) {
    const r = range({ start: j.range.start, end: j.range.start });
    const name = j.name!.value;
    out.push({ range: r, command: { title: "▶ Simulate", command: simulate, arguments: [uri, name] } });
    // The journey debugger is the extension's (a debug session needs the client's debug UI).
    if (clientCommands) out.push({ range: r, command: { title: "Debug journey", command: ClientCommand.debugJourney, arguments: [uri, name] } });
    const res = runner.run(snap, path, j);
    let title: string;
    if (res instanceof Error) title = `⚠ cannot run: ${res.message}`;
    else {
      const total = res.expectations.length;
      const failed = res.expectations.filter((e) => !e.pass).length;
      title = failed ? `✗ ${failed} of ${plural(total, "expectation")} failed` : `✓ passed (${plural(total, "expectation")})`;
    }
    out.push({ range: r, command: { title, command: trace, arguments: [uri, name] } });
  }
  const routes = pr.file.decls.filter((d): d is A.RouteDecl => d.kind === "Route" && !!d.name);
  if (routes.length) {
    const by = routedBy(folderRuns(snap, runner, path));
    for (const route of routes) {
      const rules = routeEntries(route);
      for (const rule of rules) {
        const n = by.get(ruleKey(path, rule.node.range.start.offset))?.length ?? 0;
        out.push({
          range: range({ start: rule.node.range.start, end: rule.node.range.start }),
          command: { title: `routes ${plural(n, "journey")}`, command: ServerCommand.showRoutedJourneys, arguments: [uri, route.name!.text, rule.name] },
        });
      }
    }
  }
  return out;
}

/** A route's entries in written order, as routing names them: each named rule, then `otherwise`. */
function routeEntries(route: A.RouteDecl): { name: string; node: A.Node }[] {
  const entries = route.rules.filter((r) => r.name).map((r) => ({ name: r.name!.text, node: r as A.Node }));
  if (route.fallback) entries.push({ name: "otherwise", node: route.fallback });
  return entries;
}

export function inlayHints(snap: Snapshot, runner: JourneyRunner, path: string, within: L.Range): L.InlayHint[] {
  const pr = snap.file(path);
  if (!pr) return [];
  const out: L.InlayHint[] = [];
  const inside = (n: A.Node) => n.range.end.line >= within.start.line && n.range.start.line <= within.end.line;
  // Journeys: after each event or update, the running scores and the stage reached; before the
  // step that follows a timer, what the timer did at its own time (decay, expiry, inactivity, waits…).
  for (const j of journeysOf(snap, path)) {
    if (!inside(j)) continue;
    const res = runner.run(snap, path, j);
    if (res instanceof Error) continue;
    // A journey with several leads: each lead's own running state, its routing too, after its name.
    const parts = res.leads ? res.leads.map((l) => runningState(leadResult(res, l.name)!.trace, l.name)) : [runningState(res.trace)];
    const steps = parts.flatMap((p) => p.steps);
    const timers = parts.flatMap((p) => p.timers).sort((a, b) => a.at - b.at);
    for (const h of steps) {
      const step = j.steps.find((s) => s.range.start.offset === h.offset);
      if (!step || !inside(step)) continue;
      out.push({ position: range(step.range).end, label: h.label, paddingLeft: true, kind: L.InlayHintKind.Type, tooltip: "after this step (simulated)" });
    }
    for (const t of timers) {
      // Shown at the start of the first step at or after the timer's time (the journey's end: after its last step).
      const next = j.steps.find((s) => stepTime(s) !== undefined && stepTime(s)! >= t.at && s.range.start.offset > t.after);
      const at = next ? range({ start: next.range.start, end: next.range.start }).start : undefined;
      if (!at || !next || !inside(next)) continue;
      out.push({ position: at, label: t.label, paddingRight: true, kind: L.InlayHintKind.Type, tooltip: `a timer fired at ${t.time}, before this step (simulated)` });
    }
  }
  // Routing: after each rule, the journeys it catches.
  const routes = pr.file.decls.filter((d): d is A.RouteDecl => d.kind === "Route" && !!d.name && inside(d));
  if (routes.length) {
    const by = routedLeads(folderRuns(snap, runner, path));
    for (const route of routes) {
      const rules = routeEntries(route);
      for (const rule of rules) {
        const names = by.get(ruleKey(path, rule.node.range.start.offset)) ?? [];
        if (!names.length || !inside(rule.node)) continue;
        // A journey with several leads names the leads the rule routed: `"Five leads…" (ana, cai)`.
        out.push({ position: range(rule.node.range).end, label: `catches: ${names.map((n) => `"${n.name}"${n.leads.length ? ` (${n.leads.join(", ")})` : ""}`).join(", ")}`, paddingLeft: true, kind: L.InlayHintKind.Parameter });
      }
    }
  }
  return out;
}

/** A step's time in minutes after day 0, 00:00, as written (undefined without a time). */
function stepTime(s: A.JourneyStep): number | undefined {
  const t = s.time;
  if (!t?.day) return undefined;
  return t.day.value * 1440 + (t.timeOfDay?.minutes ?? 0);
}

/**
 * For each input step (by the offset of its source), the scores and stage once everything it
 * caused has happened, up to the next step or timer; and for each timer that fired, what it
 * changed at its own time (`after`: the offset of the step before it, so it is shown at the step after).
 */
function runningState(trace: TraceEntry[], lead?: string): { steps: { offset: number; label: string }[]; timers: { at: number; time: string; after: number; label: string }[] } {
  const scores = new Map<string, number | null>();
  let stage: string | null = null;
  // With a lead's name (a journey with several leads): where the lead is routed, since routing is what such journeys test.
  let routed: string | null = null;
  const who = lead !== undefined ? `${lead}: ` : "";
  const steps: { offset: number; label: string }[] = [];
  const timers: { at: number; time: string; after: number; label: string }[] = [];
  let open: number | undefined;
  let timer: { at: number; time: string; after: number; head: string; changed: Map<string, number | null>; stage?: string; routed?: string } | undefined;
  let lastStep = -1;
  const close = () => {
    if (open !== undefined) {
      const parts = [...scores].map(([k, v]) => `${k} ${v ?? "unscored"}`);
      if (stage) parts.push(`stage ${stage}`);
      if (routed) parts.push(`routed to ${routed}`);
      steps.push({ offset: open, label: parts.length ? `→ ${who}${parts.join(", ")}` : `→ ${who}no change` });
      open = undefined;
    }
    if (timer) {
      const parts = [...timer.changed].map(([k, v]) => `${k} ${v ?? "unscored"}`);
      if (timer.stage) parts.push(`stage ${timer.stage}`);
      if (timer.routed) parts.push(`routed to ${timer.routed}`);
      timers.push({ at: timer.at, time: timer.time, after: timer.after, label: `${who}timer ${timer.time}: ${timer.head}${parts.length ? ` → ${parts.join(", ")}` : ""}` });
      timer = undefined;
    }
  };
  for (const e of trace) {
    if (e.kind === "event" || e.kind === "update" || e.kind === "expect" || e.kind === "timer") {
      close();
      if (e.kind === "event" || e.kind === "update") open = lastStep = e.source.range.start.offset;
      else if (e.kind === "expect") lastStep = e.source.range.start.offset;
      else if (e.kind === "timer") timer = { at: e.at, time: e.time, after: lastStep, head: timerLabel(e).replace(/^timer: /, ""), changed: new Map() };
    } else if (e.kind === "score") {
      scores.set(e.score, e.after);
      timer?.changed.set(e.score, e.after);
    } else if (e.kind === "stage") {
      stage = e.to;
      if (timer) timer.stage = e.to;
    } else if (lead !== undefined && (e.kind === "route" || (e.kind === "escalation" && e.status === "escalated"))) {
      routed = showTarget(e.target);
      if (timer) timer.routed = routed;
    }
  }
  close();
  return { steps, timers };
}
