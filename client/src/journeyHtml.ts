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


const COLOURS = ["blue", "orange", "green", "purple", "red", "yellow"];

function srcAttrs(ref: SourceRef, fallbackUri?: string): string {
  const uri = ref.uri ?? fallbackUri;
  if (!uri || !ref.range) return "";
  return ` class="src" tabindex="0" data-uri="${esc(uri)}" data-line="${ref.range.start.line}" data-char="${ref.range.start.character}" title="go to the source line"`;
}

interface Row {
  time: number;
  order: number;
  kind: string;
  html: string;
  ref: SourceRef;
}

/** The SVG chart: one stepped line per score, dashed threshold lines, stage changes as markers. */
export function renderChart(view: JourneyView): string {
  const W = 640;
  const H = 220;
  const L = 44;
  const R = 12;
  const T = 12;
  const B = 28;
  const times = [
    0,
    view.end ?? 0,
    ...view.scores.flatMap((s) => s.points.map((p) => p.time)),
    ...view.events.map((e) => e.time),
    ...view.stages.map((s) => s.time),
  ];
  const tMax = Math.max(1440, ...times);
  const values = view.scores.flatMap((s) => [
    ...s.points.map((p) => p.value),
    ...(s.thresholds ?? []).map((t) => t.value),
    s.max ?? 0,
    s.min ?? 0,
  ]);
  const vMax = Math.max(10, ...values);
  const vMin = Math.min(0, ...values);
  const x = (t: number) => L + ((W - L - R) * t) / tMax;
  const y = (v: number) => T + ((H - T - B) * (vMax - v)) / (vMax - vMin || 1);
  const parts: string[] = [];
  parts.push(`<line class="axis" x1="${L}" y1="${y(vMin)}" x2="${W - R}" y2="${y(vMin)}"/>`);
  parts.push(`<line class="axis" x1="${L}" y1="${T}" x2="${L}" y2="${y(vMin)}"/>`);
  if (vMin < 0) parts.push(`<line class="grid" x1="${L}" y1="${y(0)}" x2="${W - R}" y2="${y(0)}"/>`);
  for (const v of [vMin, Math.round((vMin + vMax) / 2), vMax]) {
    parts.push(`<text class="tick" x="${L - 6}" y="${y(v) + 4}" text-anchor="end">${v}</text>`);
  }
  const days = Math.ceil(tMax / 1440);
  const step = Math.max(1, Math.ceil(days / 10));
  for (let d = 0; d <= days; d += step) {
    parts.push(`<text class="tick" x="${x(d * 1440)}" y="${H - 8}" text-anchor="middle">${d}</text>`);
  }
  parts.push(`<text class="tick" x="${L - 6}" y="${H - 8}" text-anchor="end">day</text>`);
  for (const st of view.stages) {
    parts.push(
      `<line class="stage" x1="${x(st.time)}" y1="${T}" x2="${x(st.time)}" y2="${y(vMin)}"/><text class="stage-label" x="${x(st.time) + 3}" y="${T + 10}">${esc(st.to)}</text>`,
    );
  }
  view.scores.forEach((s, i) => {
    const c = i % COLOURS.length;
    for (const th of s.thresholds ?? []) {
      parts.push(
        `<line class="threshold s${c}" x1="${L}" y1="${y(th.value)}" x2="${W - R}" y2="${y(th.value)}"><title>${esc(`${s.name} ${th.label}`)}</title></line>` +
          `<text class="threshold-label f${c}" x="${W - R - 2}" y="${y(th.value) - 3}" text-anchor="end">${esc(`${th.label} (${th.value})`)}</text>`,
      );
    }
    const pts = [...s.points].sort((a, b) => a.time - b.time);
    if (pts.length === 0) return;
    const d: string[] = [`M ${x(0)} ${y(0)}`];
    let prev = 0;
    for (const p of pts) {
      d.push(`L ${x(p.time)} ${y(prev)}`, `L ${x(p.time)} ${y(p.value)}`);
      prev = p.value;
    }
    d.push(`L ${x(tMax)} ${y(prev)}`);
    parts.push(`<path class="score s${c}" data-score="${esc(s.name)}" d="${d.join(" ")}"><title>${esc(s.name)}</title></path>`);
    for (const p of pts) {
      parts.push(`<circle class="f${c}" cx="${x(p.time)}" cy="${y(p.value)}" r="3"><title>${esc(`${s.name} = ${p.value} at ${formatTime(p.time)}`)}</title></circle>`);
    }
  });
  const legend = view.scores
    .map((s, i) => `<span class="legend-item"><span class="swatch b${i % COLOURS.length}"></span>${esc(s.name)}${s.max !== undefined ? ` (max ${s.max})` : ""}</span>`)
    .join("");
  return `<svg class="chart" role="img" aria-label="scores over time" viewBox="0 0 ${W} ${H}" width="100%" preserveAspectRatio="xMinYMin meet">${parts.join("")}</svg><div class="legend">${legend}</div>`;
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
        ? `<span class="badge timer">timer</span> <code>${esc(ev.label.replace(/^timer: /, ""))}</code>${rules ? `<ul class="rules">${rules}</ul>` : ""}`
        : `<span class="badge event">event</span> <code>${esc(ev.label)}</code>${rules ? `<ul class="rules">${rules}</ul>` : ""}`,
    });
  }
  for (const st of view.stages) {
    rows.push({ time: st.time, order: order++, kind: "stage", ref: st, html: `<span class="badge stage">stage</span> ${st.from ? `${esc(st.from)} → ` : ""}<strong>${esc(st.to)}</strong>` });
  }
  for (const r of view.routing) {
    rows.push({
      time: r.time,
      order: order++,
      kind: "routing",
      ref: r,
      html: `<span class="badge routing">routed</span> to <strong>${esc(r.target)}</strong>${r.rule ? ` by rule <code>${esc(r.rule)}</code>` : ""}${r.route ? ` of route <code>${esc(r.route)}</code>` : ""}${r.note ? ` <span class="detail">${esc(r.note)}</span>` : ""}`,
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
      html: `<span class="badge ${a.status === "sent" ? "sent" : "blocked"}">${a.status}</span> <code>${esc(a.call)}</code>${why}${reason}`,
    });
  }
  rows.sort((a, b) => a.time - b.time || a.order - b.order);
  const items = rows
    .map((r) => `<li class="row ${r.kind}"><span class="time">${esc(formatTime(r.time))}</span><div${srcAttrs(r.ref, view.uri)}>${r.html}</div></li>`)
    .join("");
  return `<ol class="timeline">${items || `<li class="row"><span class="detail">nothing happened in this journey</span></li>`}</ol>`;
}

const STYLE =
  COLOURS.map((c, i) => `.s${i}{stroke:var(--vscode-charts-${c})} .f${i}{fill:var(--vscode-charts-${c})} .b${i}{background:var(--vscode-charts-${c})}`).join("\n") +
  `
body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); background: var(--vscode-editor-background); padding: 0 16px 16px; }
h1 { font-size: 1.3em; font-weight: 600; margin: 12px 0 4px; }
h2 { font-size: 1.05em; font-weight: 600; margin: 16px 0 6px; border-bottom: 1px solid var(--vscode-panel-border, transparent); padding-bottom: 2px; }
code { font-family: var(--vscode-editor-font-family); background: var(--vscode-textCodeBlock-background); padding: 0 3px; border-radius: 3px; }
.summary { color: var(--vscode-descriptionForeground); }
.chart { max-width: 760px; display: block; }
.chart .axis { stroke: var(--vscode-foreground); stroke-opacity: .5; }
.chart .grid { stroke: var(--vscode-foreground); stroke-opacity: .15; }
.chart .tick, .chart .stage-label, .chart .threshold-label { font-size: 10px; fill: var(--vscode-descriptionForeground); }
.chart .score { fill: none; stroke-width: 2; }
.chart .threshold { stroke-dasharray: 4 3; stroke-width: 1; opacity: .8; }
.chart .stage { stroke: var(--vscode-charts-foreground, var(--vscode-foreground)); stroke-opacity: .35; stroke-dasharray: 2 2; }
.legend { margin: 4px 0 0 44px; }
.legend-item { margin-right: 14px; white-space: nowrap; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 4px; vertical-align: middle; }
ol.timeline { list-style: none; padding: 0; margin: 0; }
li.row { display: flex; gap: 12px; padding: 4px 0; border-bottom: 1px solid var(--vscode-editorWidget-border, transparent); }
.time { min-width: 92px; color: var(--vscode-descriptionForeground); font-variant-numeric: tabular-nums; }
ul.rules { margin: 2px 0 0 0; padding-left: 18px; }
.badge { display: inline-block; min-width: 56px; text-align: center; font-size: .85em; padding: 0 6px; border-radius: 8px; background: var(--vscode-badge-background); color: var(--vscode-badge-foreground); }
.badge.timer { background: transparent; border: 1px solid var(--vscode-badge-background); color: var(--vscode-foreground); }
.badge.sent { background: var(--vscode-testing-iconPassed, var(--vscode-badge-background)); color: var(--vscode-editor-background); }
.badge.blocked { background: var(--vscode-testing-iconFailed, var(--vscode-badge-background)); color: var(--vscode-editor-background); }
.detail { color: var(--vscode-descriptionForeground); }
.pass { color: var(--vscode-testing-iconPassed); }
.fail { color: var(--vscode-testing-iconFailed); }
.error { color: var(--vscode-errorForeground); }
ul.expectations { list-style: none; padding: 0; }
.src { cursor: pointer; }
.src:hover, .src:focus { text-decoration: underline; outline: none; }
`;

const SCRIPT = `
const vscode = acquireVsCodeApi();
function go(el) {
  const t = el.closest('[data-uri]');
  if (t) vscode.postMessage({ type: 'reveal', uri: t.dataset.uri, line: Number(t.dataset.line), character: Number(t.dataset.char) });
}
document.addEventListener('click', (e) => go(e.target));
document.addEventListener('keydown', (e) => { if (e.key === 'Enter') go(e.target); });
`;

/** The whole page. `cspSource` is the webview's own source; `nonce` is fresh for every render. */
export function renderJourneyHtml(view: JourneyView | undefined, nonce: string, cspSource: string, message?: string): string {
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
      `<h2>Scores over time</h2>${view.scores.length ? renderChart(view) : `<p class="detail">no scores changed</p>`}` +
      `<h2>Timeline</h2>${renderTimeline(view)}` +
      (exps.length ? `<h2>Expectations</h2><ul class="expectations">${exps.map((e) => expectationRow(e, view.uri)).join("")}</ul>` : "");
  }
  return `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8"><meta http-equiv="Content-Security-Policy" content="${csp}"><meta name="viewport" content="width=device-width, initial-scale=1.0"><style nonce="${nonce}">${STYLE}</style><title>Journey</title></head><body>${body}<script nonce="${nonce}">${SCRIPT}</script></body></html>`;
}
