/**
 * Renders the journey view's HTML: a timeline and an inline SVG chart of each score over time.
 * Pure: no `vscode` import, so the same code can be checked outside VS Code. Colours come from
 * VS Code's theme variables; the page loads nothing remote (strict CSP with a nonce).
 */
import type { JourneyView, SourceRef, ExpectationResult } from "./adapt.js";
import { formatTime } from "../../core/time.js";

export function esc(s: unknown): string {
  return String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}


/** Six series colours, told apart by colour and by dash pattern (colour-blind safe: Okabe–Ito, darker on light themes). */
const SERIES = 6;
const DASHES = ["", "7 3", "2 2", "9 3 2 3", "4 4", "1 3"];

function srcAttrs(ref: SourceRef, fallbackUri?: string, label?: string): string {
  const uri = ref.uri ?? fallbackUri;
  if (!uri || !ref.range) return "";
  return ` class="src" tabindex="0" role="link" data-uri="${esc(uri)}" data-line="${ref.range.start.line}" data-char="${ref.range.start.character}" title="${esc(label ?? "go to the source line")}"`;
}

/** In a journey with several leads: the lead's name in its colour (and its name, so colour is never the only sign). */
function leadChip(view: JourneyView, name: string | undefined): string {
  if (name === undefined) return "";
  const i = Math.max(0, (view.leads ?? []).indexOf(name)) % SERIES;
  return `<span class="lead-chip l${i}">${esc(name)}</span> `;
}

/** A score's line label: `fit`, or `ana: fit` in a journey with several leads. */
function scoreLabel(s: { name: string; leadName?: string }): string {
  return s.leadName !== undefined ? `${s.leadName}: ${s.name}` : s.name;
}

interface Row {
  time: number;
  order: number;
  kind: string;
  html: string;
  ref: SourceRef;
}

/** A step of 1, 2 or 5 times a power of ten (days also 7, 14, 30…) giving at most `most` intervals over `span`. */
export function niceStep(span: number, most: number, days = false): number {
  const steps = days ? [1, 2, 5, 7, 14, 30, 60, 90, 180, 365] : [];
  for (const s of steps) if (span / s <= most) return s;
  let p = 1;
  for (;;) {
    for (const m of [1, 2, 5]) if (span / (m * p) <= most) return m * p;
    p *= 10;
  }
}

/** The chart's geometry: the time and value scales every part of it shares. */
interface Scale {
  W: number;
  L: number;
  R: number;
  tMax: number;
  x(t: number): number;
}

function timeScale(view: JourneyView, previous?: JourneyView): Scale {
  const W = 720;
  const L = 44;
  const R = 16;
  const times = [0, view.end ?? 0, ...(previous?.end !== undefined ? [previous.end] : []), ...view.scores.flatMap((s) => s.points.map((p) => p.time)), ...view.events.map((e) => e.time), ...view.stages.map((s) => s.time)];
  const tMax = Math.max(1440, ...times);
  return { W, L, R, tMax, x: (t: number) => L + ((W - L - R) * t) / tMax };
}

/**
 * The SVG chart: one stepped line per score (a score that never changed is drawn flat at 0 and said so
 * in the legend), dashed threshold lines, stage changes (labels stacked where they would overlap, kept
 * inside the chart), each expectation as a mark at its time, and the previous run's lines faded.
 */
export function renderChart(view: JourneyView, previous?: JourneyView): string {
  const sc = timeScale(view, previous);
  const { W, L, R, tMax, x } = sc;
  const H = 250;
  const T = 14;
  const B = 40;
  const values = [...view.scores, ...(previous?.scores ?? [])].flatMap((s) => [...s.points.map((p) => p.value), ...(s.thresholds ?? []).map((t) => t.value), s.max ?? 0, s.min ?? 0]);
  const vStep = niceStep(Math.max(10, ...values) - Math.min(0, ...values), 5);
  const vMax = Math.ceil(Math.max(10, ...values) / vStep) * vStep;
  const vMin = Math.floor(Math.min(0, ...values) / vStep) * vStep;
  const y = (v: number) => T + ((H - T - B) * (vMax - v)) / (vMax - vMin || 1);
  const base = y(vMin);
  const parts: string[] = [];
  for (let v = vMin; v <= vMax; v += vStep) {
    parts.push(`<line class="grid" x1="${L}" y1="${y(v)}" x2="${W - R}" y2="${y(v)}"/><text class="tick" x="${L - 6}" y="${y(v) + 4}" text-anchor="end">${v}</text>`);
  }
  parts.push(`<line class="axis" x1="${L}" y1="${base}" x2="${W - R}" y2="${base}"/><line class="axis" x1="${L}" y1="${T}" x2="${L}" y2="${base}"/>`);
  const days = tMax / 1440;
  const dStep = niceStep(days, 8, true);
  for (let d = 0; d <= days + 1e-9; d += dStep) parts.push(`<line class="axis" x1="${x(d * 1440)}" y1="${base}" x2="${x(d * 1440)}" y2="${base + 4}"/><text class="tick" x="${x(d * 1440)}" y="${base + 15}" text-anchor="middle">${d}</text>`);
  parts.push(`<text class="tick" x="${L - 6}" y="${base + 15}" text-anchor="end">day</text>`);
  // Stage changes: a label per change, one level lower when it would touch the one before; near the right edge, left of its line.
  let lastX = -Infinity;
  let level = 0;
  for (const st of [...view.stages].sort((a, b) => a.time - b.time)) {
    const sx = x(st.time);
    level = sx - lastX < 70 ? level + 1 : 0;
    lastX = sx;
    const right = sx > W - R - 70;
    parts.push(
      `<line class="stage" x1="${sx}" y1="${T}" x2="${sx}" y2="${base}"/><text class="stage-label" x="${right ? sx - 3 : sx + 3}" y="${T + 9 + (level % 4) * 11}" text-anchor="${right ? "end" : "start"}">${esc(st.leadName !== undefined ? `${st.leadName}: ${st.to}` : st.to)}</text>`,
    );
  }
  const series = (s: JourneyView["scores"][number]): string => {
    const pts = [...s.points].sort((a, b) => a.time - b.time);
    const d: string[] = [`M ${x(0)} ${y(0)}`];
    let prev = 0;
    for (const p of pts) {
      d.push(`L ${x(p.time)} ${y(prev)}`, `L ${x(p.time)} ${y(p.value)}`);
      prev = p.value;
    }
    d.push(`L ${x(tMax)} ${y(prev)}`);
    return d.join(" ");
  };
  view.scores.forEach((s, i) => {
    const c = i % SERIES;
    for (const th of s.thresholds ?? []) {
      parts.push(
        `<line class="threshold s${c}" x1="${L}" y1="${y(th.value)}" x2="${W - R}" y2="${y(th.value)}"><title>${esc(`${s.name} ${th.label}`)}</title></line>` +
          `<text class="threshold-label f${c}" x="${W - R - 2}" y="${y(th.value) - 3}" text-anchor="end">${esc(`${th.label} (${th.value})`)}</text>`,
      );
    }
    const old = previous?.scores.find((p) => p.name === s.name && p.leadName === s.leadName);
    if (old) parts.push(`<path class="score prev s${c}" d="${series(old)}"><title>${esc(`${scoreLabel(s)}, previous run`)}</title></path>`);
    parts.push(`<path class="score s${c} d${c}${s.points.length ? "" : " flat"}" data-score="${esc(scoreLabel(s))}" d="${series(s)}"><title>${esc(scoreLabel(s))}</title></path>`);
    for (const p of s.points) {
      const label = `${scoreLabel(s)} = ${p.value} at ${formatTime(p.time)}`;
      parts.push(`<circle class="f${c} point" tabindex="0" aria-label="${esc(label)}" cx="${x(p.time)}" cy="${y(p.value)}" r="3.5"><title>${esc(label)}</title></circle>`);
    }
  });
  // Expectations on the time axis: ✓ met, ✗ not met, each leading to its line.
  for (const e of view.expectations ?? []) {
    if (e.time === undefined) continue;
    const label = `${e.text ?? "expectation"}: ${e.passed ? "met" : `expected ${e.expected ?? "?"}, got ${e.actual ?? "?"}`} (${formatTime(e.time)})`;
    parts.push(
      `<g${srcAttrs({ uri: view.uri, range: e.range }, view.uri, label)} aria-label="${esc(label)}"><text class="expect-mark ${e.passed ? "pass" : "fail"}" x="${x(e.time)}" y="${base + 30}" text-anchor="middle">${e.passed ? "✓" : "✗"}</text><title>${esc(label)}</title></g>`,
    );
  }
  const legend = view.scores
    .map((s, i) => {
      const last = s.points.length ? s.points[s.points.length - 1]!.value : undefined;
      const note = last === undefined ? " — unchanged (unscored)" : ` — ${last} at the end`;
      return `<span class="legend-item"><svg width="22" height="10" aria-hidden="true"><line class="swatch-line s${i % SERIES} d${i % SERIES}" x1="0" y1="5" x2="22" y2="5"/></svg>${esc(scoreLabel(s))}${s.max !== undefined ? ` (max ${s.max})` : ""}<span class="detail">${esc(note)}</span></span>`;
    })
    .join("");
  const prevNote = previous ? `<span class="legend-item detail"><svg width="22" height="10" aria-hidden="true"><line class="prev-swatch" x1="0" y1="5" x2="22" y2="5"/></svg>previous run</span>` : "";
  return `<svg class="chart" role="img" aria-label="scores over time" viewBox="0 0 ${W} ${H}" width="100%" preserveAspectRatio="xMinYMin meet">${parts.join("")}</svg><div class="legend">${legend}${prevNote}</div>`;
}

/** The consent lane: per purpose, consent given (●) or withdrawn (○) and each contact sent (▲) or blocked (✕), on the chart's time scale. */
export function renderConsentLane(view: JourneyView, sc = timeScale(view)): string {
  const marks = view.consent ?? [];
  if (!marks.length) return "";
  const purposes = [...new Set(marks.map((m) => m.purpose))];
  // Each purpose's name above its lane (a name can be longer than the chart's left margin).
  const lane = 30;
  const H = purposes.length * lane + 4;
  const parts: string[] = [];
  purposes.forEach((p, i) => {
    const yy = 4 + i * lane + 20;
    parts.push(`<text class="tick" x="${sc.L}" y="${yy - 9}" text-anchor="start">${esc(p)}</text><line class="grid" x1="${sc.L}" y1="${yy}" x2="${sc.W - sc.R}" y2="${yy}"/>`);
    for (const m of marks.filter((m) => m.purpose === p)) {
      const sym = m.state === "given" ? "●" : m.state === "withdrawn" ? "○" : m.state === "sent" ? "▲" : "✕";
      const label = `${p}: ${m.leadName !== undefined ? `${m.leadName}: ` : ""}${m.detail} at ${formatTime(m.time)}`;
      parts.push(`<g${srcAttrs(m, view.uri, label)} aria-label="${esc(label)}"><text class="consent-mark ${m.state}" x="${sc.x(m.time)}" y="${yy + 4}" text-anchor="middle">${sym}</text><title>${esc(label)}</title></g>`);
    }
  });
  return `<h2>Consent</h2><svg class="chart consent" role="img" aria-label="consent over time" viewBox="0 0 ${sc.W} ${H}" width="100%" preserveAspectRatio="xMinYMin meet">${parts.join("")}</svg><div class="legend detail">● given ○ withdrawn ▲ sent ✕ blocked</div>`;
}

/**
 * A journey with several leads: one lane per lead, in its colour, on the chart's time scale, with a
 * mark at each routing decision or escalation labelled with where the lead went (the rotation, the
 * cap and the overflow at a glance).
 */
export function renderLeadLanes(view: JourneyView, sc = timeScale(view)): string {
  const leads = view.leads ?? [];
  if (!leads.length) return "";
  const lane = 30;
  const H = leads.length * lane + 4;
  const parts: string[] = [];
  leads.forEach((name, i) => {
    const yy = 4 + i * lane + 20;
    const c = i % SERIES;
    parts.push(`<text class="tick lane-name f${c}" x="${sc.L}" y="${yy - 9}" text-anchor="start">${esc(name)}</text><line class="lane s${c}" x1="${sc.L}" y1="${yy}" x2="${sc.W - sc.R}" y2="${yy}"/>`);
    for (const r of view.routing.filter((x) => x.leadName === name)) {
      const label = `${name}: ${r.target} at ${formatTime(r.time)}${r.rule ? ` (rule ${r.rule} of ${r.route})` : ""}`;
      parts.push(
        `<g${srcAttrs(r, view.uri, label)} aria-label="${esc(label)}"><circle class="f${c}" cx="${sc.x(r.time)}" cy="${yy}" r="4"/><text class="tick" x="${sc.x(r.time) + 6}" y="${yy - 3}" text-anchor="start">${esc(r.target)}</text><title>${esc(label)}</title></g>`,
      );
    }
  });
  return `<h2>Leads</h2><svg class="chart leads" role="img" aria-label="each lead's routing over time" viewBox="0 0 ${sc.W} ${H}" width="100%" preserveAspectRatio="xMinYMin meet">${parts.join("")}</svg>`;
}

/** The lead's fields at the start, with each later change (a table per lead in a journey with several leads). */
export function renderLead(view: JourneyView): string {
  const fields = view.lead ?? [];
  if (!fields.length) return "";
  const table = (list: typeof fields) => {
    const names = [...new Set(list.map((f) => f.field))];
    const rows = names
      .map((n) => {
        const vals = list.filter((f) => f.field === n);
        const first = vals[0]!;
        const later = vals.slice(first.time === 0 ? 1 : 0).map((v) => `${formatTime(v.time)}: ${v.value}`);
        return `<tr><th scope="row">${esc(n)}</th><td><code>${esc(first.time === 0 ? first.value : "—")}</code></td><td class="detail">${esc(later.join("; "))}</td></tr>`;
      })
      .join("");
    return `<table class="lead"><thead><tr><th scope="col">field</th><th scope="col">at the start</th><th scope="col">changed</th></tr></thead><tbody>${rows}</tbody></table>`;
  };
  if (!view.leads?.length) return `<h2>Lead</h2>${table(fields)}`;
  return `<h2>Leads</h2>${view.leads.map((n) => `<h3>${leadChip(view, n)}</h3>${table(fields.filter((f) => f.leadName === n))}`).join("")}`;
}

/** What changed since the previous run of the same journey (after an edit): scores at the end, the stage, routing, expectations. */
export function renderComparison(view: JourneyView, previous: JourneyView | undefined): string {
  if (!previous || previous.name !== view.name || previous.error) return "";
  const out: string[] = [];
  const end = (s: JourneyView["scores"][number] | undefined) => (s?.points.length ? s.points[s.points.length - 1]!.value : undefined);
  for (const s of view.scores) {
    const a = end(previous.scores.find((p) => p.name === s.name && p.leadName === s.leadName));
    const b = end(s);
    if (a !== b) out.push(`<li>${esc(scoreLabel(s))} at the end: ${esc(a ?? "unscored")} → <strong>${esc(b ?? "unscored")}</strong></li>`);
  }
  // Per lead in a journey with several leads (`undefined`: the one lead).
  for (const lead of view.leads?.length ? view.leads : [undefined]) {
    const who = lead !== undefined ? `${lead}: ` : "";
    const mine = <T extends { leadName?: string }>(list: T[]) => list.filter((x) => x.leadName === lead);
    const stage = (v: JourneyView) => mine(v.stages)[mine(v.stages).length - 1]?.to;
    if (stage(previous) !== stage(view)) out.push(`<li>${esc(who)}stage at the end: ${esc(stage(previous) ?? "none")} → <strong>${esc(stage(view) ?? "none")}</strong></li>`);
    const routed = (v: JourneyView) => mine(v.routing)[mine(v.routing).length - 1]?.target;
    if (routed(previous) !== routed(view)) out.push(`<li>${esc(who)}routed at the end: ${esc(routed(previous) ?? "not routed")} → <strong>${esc(routed(view) ?? "not routed")}</strong></li>`);
  }
  for (const e of view.expectations ?? []) {
    const was = previous.expectations?.find((p) => p.text === e.text && p.index === e.index);
    if (was && was.passed !== e.passed) out.push(`<li><code>${esc(e.text)}</code>: ${e.passed ? `now <span class="pass">met</span>` : `<span class="fail">no longer met</span> (got ${esc(e.actual ?? "?")})`}</li>`);
  }
  return `<h2>Since the previous run</h2>${out.length ? `<ul class="changes">${out.join("")}</ul>` : `<p class="detail">no change in scores, stage, routing or expectations</p>`}`;
}

function expectationRow(e: ExpectationResult, uri: string | undefined): string {
  const mark = e.passed ? `<span class="pass">✔</span>` : `<span class="fail">✘</span>`;
  const detail = e.passed ? "" : ` <span class="detail">expected ${esc(e.expected ?? "?")}, got ${esc(e.actual ?? "?")}</span>`;
  return `<li${srcAttrs({ uri, range: e.range }, uri)}>${mark} <code>${esc(e.text ?? `expectation ${e.index + 1}`)}</code>${detail}</li>`;
}

export function renderTimeline(view: JourneyView): string {
  const rows: Row[] = [];
  let order = 0;
  for (const ev of view.events) {
    const rules = (ev.rules ?? [])
      .map((r) => {
        const pts = r.points === undefined ? "" : ` ${r.points >= 0 ? "+" : ""}${r.points}`;
        const applied = r.applied !== undefined && r.applied !== r.points ? ` (applied ${r.applied >= 0 ? "+" : ""}${r.applied})` : "";
        const note = r.note ? ` <span class="detail">${esc(r.note)}</span>` : "";
        return `<li${srcAttrs(r, view.uri)}>rule <code>${esc(r.rule)}</code>${r.score ? ` → ${esc(r.score)}` : ""}${esc(pts)}${esc(applied)}${note}</li>`;
      })
      .join("");
    rows.push({
      time: ev.time,
      order: order++,
      kind: "event",
      ref: ev,
      // A timer (decay, expiry, inactivity, escalation, a workflow's wait) is a row of its own, badged as such.
      html: ev.timer
        ? `${leadChip(view, ev.leadName)}<span class="badge timer">timer</span> <code>${esc(ev.label.replace(/^timer: /, ""))}</code>${rules ? `<ul class="rules">${rules}</ul>` : ""}`
        : `${leadChip(view, ev.leadName)}<span class="badge event">event</span> <code>${esc(ev.label)}</code>${rules ? `<ul class="rules">${rules}</ul>` : ""}`,
    });
  }
  for (const st of view.stages) {
    rows.push({ time: st.time, order: order++, kind: "stage", ref: st, html: `${leadChip(view, st.leadName)}<span class="badge stage">stage</span> ${st.from ? `${esc(st.from)} → ` : ""}<strong>${esc(st.to)}</strong>` });
  }
  for (const r of view.routing) {
    rows.push({
      time: r.time,
      order: order++,
      kind: "routing",
      ref: r,
      html: `${leadChip(view, r.leadName)}<span class="badge routing">routed</span> to <strong>${esc(r.target)}</strong>${r.rule ? ` by rule <code>${esc(r.rule)}</code>` : ""}${r.route ? ` of route <code>${esc(r.route)}</code>` : ""}${r.note ? ` <span class="detail">${esc(r.note)}</span>` : ""}`,
    });
  }
  for (const a of view.actions) {
    const why = a.consent ? ` <span class="detail">consent: ${esc(a.consent)}</span>` : "";
    const reason = a.reason ? ` <span class="detail">${esc(a.reason)}</span>` : "";
    rows.push({
      time: a.time,
      order: order++,
      kind: a.status,
      ref: a,
      html: `${leadChip(view, a.leadName)}<span class="badge ${a.status === "sent" ? "sent" : "blocked"}">${a.status}</span> <code>${esc(a.call)}</code>${why}${reason}`,
    });
  }
  // Each expectation at its time, after what happened at that moment.
  for (const e of view.expectations ?? []) {
    if (e.time === undefined) continue;
    rows.push({
      time: e.time,
      order: 1e9 + e.index,
      kind: e.passed ? "expect pass" : "expect fail",
      ref: { uri: view.uri, range: e.range },
      html: `<span class="badge ${e.passed ? "met" : "unmet"}">${e.passed ? "✓ met" : "✗ not met"}</span> <code>${esc(e.text ?? `expectation ${e.index + 1}`)}</code>${e.passed ? "" : ` <span class="detail">expected ${esc(e.expected ?? "?")}, got ${esc(e.actual ?? "?")}</span>`}`,
    });
  }
  rows.sort((a, b) => a.time - b.time || a.order - b.order);
  const items = rows
    .map((r) => `<li class="row ${r.kind}"><span class="time">${esc(formatTime(r.time))}</span><div${srcAttrs(r.ref, view.uri)}>${r.html}</div></li>`)
    .join("");
  return `<ol class="timeline">${items || `<li class="row"><span class="detail">nothing happened in this journey</span></li>`}</ol>`;
}

const LIGHT = ["#0072B2", "#C24E00", "#007A5E", "#A8437F", "#6B5A00", "#3B6FA0"];
const DARK = ["#56B4E9", "#E69F00", "#3FD1A0", "#E89AC7", "#F0E442", "#A3C8FF"];
const STYLE =
  `body { ${LIGHT.map((c, i) => `--c${i}: ${c};`).join(" ")} --pass: #1a7f37; --fail: #c62828; }
body.vscode-dark, body.vscode-high-contrast { ${DARK.map((c, i) => `--c${i}: ${c};`).join(" ")} --pass: #57d37a; --fail: #ff7b72; }
` +
  Array.from({ length: SERIES }, (_, i) => `.s${i}{stroke:var(--c${i})} .f${i}{fill:var(--c${i})} .b${i}{background:var(--c${i})} .d${i}{stroke-dasharray:${DASHES[i] || "none"}} .l${i}{color:var(--c${i});border-color:var(--c${i})}`).join("\n") +
  `
body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); background: var(--vscode-editor-background); padding: 0 16px 16px; }
h1 { font-size: 1.3em; font-weight: 600; margin: 12px 0 4px; }
h2 { font-size: 1.05em; font-weight: 600; margin: 16px 0 6px; border-bottom: 1px solid var(--vscode-panel-border, transparent); padding-bottom: 2px; }
code { font-family: var(--vscode-editor-font-family); color: inherit; background: var(--vscode-textCodeBlock-background); padding: 0 3px; border-radius: 3px; }
.summary { color: var(--vscode-descriptionForeground); }
.chart { max-width: 860px; display: block; overflow: visible; }
.chart .axis { stroke: var(--vscode-foreground); stroke-opacity: .6; }
.chart .grid { stroke: var(--vscode-foreground); stroke-opacity: .12; }
.chart .tick, .chart .stage-label, .chart .threshold-label { font-size: 10px; fill: var(--vscode-foreground); fill-opacity: .8; }
.chart .score { fill: none; stroke-width: 2.5; }
.chart .score.prev { stroke-width: 1.5; stroke-opacity: .35; stroke-dasharray: 3 3; }
.chart .score.flat { stroke-opacity: .9; }
.chart .threshold { stroke-dasharray: 4 3; stroke-width: 1; opacity: .8; }
.chart .stage { stroke: var(--vscode-foreground); stroke-opacity: .35; stroke-dasharray: 2 2; }
.chart .expect-mark, .chart .consent-mark { font-size: 13px; font-weight: 700; }
.chart .pass, .consent-mark.given, .consent-mark.sent { fill: var(--pass); }
.chart .fail, .consent-mark.blocked { fill: var(--fail); }
.consent-mark.withdrawn { fill: var(--vscode-foreground); }
.chart .point:focus, .chart .src:focus { outline: 2px solid var(--vscode-focusBorder); }
.swatch-line { stroke-width: 2.5; }
.lead-chip { display: inline-block; font-weight: 600; padding: 0 6px; border: 1px solid; border-radius: 8px; font-size: .85em; }
.chart .lane { stroke-width: 2; stroke-opacity: .6; }
.chart .lane-name { font-weight: 600; fill-opacity: 1; }
h3 { font-size: 1em; font-weight: 600; margin: 8px 0 2px; }
.prev-swatch { stroke: var(--vscode-foreground); stroke-opacity: .4; stroke-dasharray: 3 3; stroke-width: 1.5; }
.legend { margin: 4px 0 0 44px; }
.legend-item { margin-right: 14px; white-space: nowrap; display: inline-block; }
.legend-item svg { vertical-align: middle; margin-right: 4px; }
table.lead { border-collapse: collapse; }
table.lead th, table.lead td { text-align: left; padding: 1px 12px 1px 0; }
table.lead thead th { color: var(--vscode-descriptionForeground); font-weight: normal; }
ol.timeline { list-style: none; padding: 0; margin: 0; }
li.row { display: flex; gap: 12px; padding: 4px 0; border-bottom: 1px solid var(--vscode-editorWidget-border, transparent); }
.time { min-width: 92px; color: var(--vscode-descriptionForeground); font-variant-numeric: tabular-nums; }
ul.rules { margin: 2px 0 0 0; padding-left: 18px; }
.badge { display: inline-block; min-width: 56px; text-align: center; font-size: .85em; padding: 0 6px; border-radius: 8px; background: var(--vscode-badge-background); color: var(--vscode-badge-foreground); }
.badge.timer { background: transparent; border: 1px solid var(--vscode-badge-background); color: var(--vscode-foreground); }
.badge.sent, .badge.met { background: var(--pass); color: var(--vscode-editor-background); }
.badge.blocked, .badge.unmet { background: var(--fail); color: var(--vscode-editor-background); }
.detail { color: var(--vscode-descriptionForeground); }
.pass { color: var(--pass); }
.fail { color: var(--fail); }
.error { color: var(--vscode-errorForeground); }
ul.expectations { list-style: none; padding: 0; }
.src { cursor: pointer; }
.src:hover, .src:focus { text-decoration: underline; outline: 1px solid var(--vscode-focusBorder); }
`;

const SCRIPT = `
const vscode = acquireVsCodeApi();
function go(el) {
  const t = el.closest('[data-uri]');
  if (t) vscode.postMessage({ type: 'reveal', uri: t.dataset.uri, line: Number(t.dataset.line), character: Number(t.dataset.char) });
}
document.addEventListener('click', (e) => go(e.target));
document.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); go(e.target); } });
`;

/** The whole page. `cspSource` is the webview's own source; `nonce` is fresh for every render. */
export function renderJourneyHtml(view: JourneyView | undefined, nonce: string, cspSource: string, message?: string, previous?: JourneyView): string {
  const csp = `default-src 'none'; img-src ${cspSource} data:; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}';`;
  let body: string;
  if (!view) {
    body = `<p class="summary">${esc(message ?? "run a journey to see it here")}</p>`;
  } else if (view.error) {
    body = `<h1>${esc(view.name)}</h1><p class="error">${esc(view.error)}</p>`;
  } else {
    const exps = view.expectations ?? [];
    const passed = exps.filter((e) => e.passed).length;
    const summary = exps.length ? `${passed} of ${exps.length} expectations met` : "no expectations";
    body =
      `<h1${srcAttrs(view)}>${esc(view.name)}</h1><p class="summary">${esc(summary)}</p>` +
      renderComparison(view, previous) +
      `<h2>Scores over time</h2>${view.scores.length ? renderChart(view, previous) : `<p class="detail">no scores changed</p>`}` +
      renderLeadLanes(view, timeScale(view, previous)) +
      renderConsentLane(view, timeScale(view, previous)) +
      renderLead(view) +
      `<h2>Timeline</h2>${renderTimeline(view)}` +
      (exps.length ? `<h2>Expectations</h2><ul class="expectations">${exps.map((e) => expectationRow(e, view.uri)).join("")}</ul>` : "");
  }
  return `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8"><meta http-equiv="Content-Security-Policy" content="${csp}"><meta name="viewport" content="width=device-width, initial-scale=1.0"><style nonce="${nonce}">${STYLE}</style><title>Journey</title></head><body>${body}<script nonce="${nonce}">${SCRIPT}</script></body></html>`;
}
