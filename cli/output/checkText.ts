/** `crmrules check` as text: each finding with its source excerpt, related notes and example, then the summary. */
import type { Range } from "../../core/text/positions.js";
import { displayPath } from "../files.js";
import { plain, type Colors } from "../color.js";
import { excerpt, location } from "./caret.js";
import { escapeControls } from "./safe.js";
import { counts, summaryLine, type CheckReport } from "./checkReport.js";

const TONE = { error: "red", warning: "yellow", info: "cyan", hint: "cyan" } as const;
const WORD = { error: "error", warning: "warning", info: "note", hint: "hint" } as const;

export function renderText(report: CheckReport, colors: Colors = plain): string {
  const c = colors;
  const out: string[] = [];
  for (const d of report.diagnostics) {
    const file = displayPath(d.uri, report.cwd);
    const tone = TONE[d.severity];
    const text = report.texts.get(d.uri);
    const lastLine = Math.max(d.range.start.line, ...(d.related ?? []).filter((r) => r.uri === d.uri).map((r) => r.range.start.line)) + 1;
    const gutter = String(lastLine).length;
    out.push(`${c.bold(c[tone](`${WORD[d.severity]}[${d.code}]`))}${c.bold(": " + escapeControls(d.message))}`);
    out.push(`${" ".repeat(gutter)}${c.blue("-->")} ${location(file, d.range)}`);
    const preferred = d.fixes?.find((f) => f.preferred) ?? d.fixes?.[0];
    if (text !== undefined) out.push(...excerpt(text, d.range, { colors: c, tone, gutter, label: preferred ? preferred.title : undefined }));
    for (const r of d.related ?? []) {
      const rt = r.uri === d.uri ? text : report.texts.get(r.uri);
      out.push(`${" ".repeat(gutter)} ${c.blue("=")} ${c.bold("note")}: ${r.message} (${location(displayPath(r.uri, report.cwd), r.range)})`);
      if (rt !== undefined) out.push(...excerpt(rt, r.range, { colors: c, tone: "blue", gutter }));
    }
    if (d.example && Object.keys(d.example).length) {
      out.push(`${" ".repeat(gutter)} ${c.blue("=")} ${c.bold("for example")}: ${exampleText(d.example)}`);
    }
    out.push("");
  }
  const summary = summaryLine(report);
  const c2 = counts(report.diagnostics);
  out.push(c2.error ? c.red(c.bold(summary)) : c2.warning ? c.yellow(c.bold(summary)) : c.green(summary));
  return out.join("\n") + "\n";
}

function exampleText(e: Record<string, unknown>): string {
  return Object.entries(e)
    .map(([k, v]) => `${k}: ${v === null ? "missing" : typeof v === "string" ? v : JSON.stringify(v)}`)
    .join(", ");
}
