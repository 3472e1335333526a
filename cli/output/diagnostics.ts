/**
 * Renderers for `crmrules check`: text (with source excerpts), json, sarif,
 * github annotations and junit. Each takes the same `CheckReport`.
 */
import type { Log, ReportingDescriptor, Result, Fix as SarifFix, Location } from "sarif";
import type { Diagnostic, Severity } from "../../core/diagnostics/diagnostic.js";
import { catalogueEntry } from "../../core/diagnostics/catalogue.js";
import type { Range } from "../../core/text/positions.js";
import { displayPath } from "../files.js";
import { plain, type Colors } from "../color.js";
import { excerpt, location } from "./caret.js";
import { annotation } from "./github.js";
import { junit, type JUnitCase } from "./xml.js";
import { VERSION } from "../version.js";

export interface CheckReport {
  root: string;
  /** Uris of the files checked, sorted. */
  files: string[];
  /** File texts by uri (for excerpts). */
  texts: Map<string, string>;
  diagnostics: Diagnostic[];
  cwd: string;
}

const ORDER: Severity[] = ["hint", "info", "warning", "error"];
export function atLeast(s: Severity, level: Severity): boolean {
  return ORDER.indexOf(s) >= ORDER.indexOf(level);
}

export function counts(diags: Diagnostic[]): Record<Severity, number> {
  const c: Record<Severity, number> = { error: 0, warning: 0, info: 0, hint: 0 };
  for (const d of diags) c[d.severity]++;
  return c;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

export function summaryLine(report: CheckReport): string {
  const c = counts(report.diagnostics);
  const parts: string[] = [];
  if (c.error) parts.push(plural(c.error, "error"));
  if (c.warning) parts.push(plural(c.warning, "warning"));
  if (c.info + c.hint) parts.push(plural(c.info + c.hint, "note"));
  const files = plural(report.files.length, "file");
  return parts.length ? `${parts.join(", ")} in ${files}` : `no problems in ${files}`;
}

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
    out.push(`${c.bold(c[tone](`${WORD[d.severity]}[${d.code}]`))}${c.bold(": " + d.message)}`);
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

function oneBased(r: Range) {
  return { line: r.start.line + 1, column: r.start.character + 1, endLine: r.end.line + 1, endColumn: r.end.character + 1 };
}

export function renderJson(report: CheckReport): string {
  const c = counts(report.diagnostics);
  const json = {
    version: VERSION,
    root: displayPath(report.root, report.cwd),
    files: report.files.map((f) => displayPath(f, report.cwd)),
    summary: { files: report.files.length, errors: c.error, warnings: c.warning, notes: c.info + c.hint },
    diagnostics: report.diagnostics.map((d) => ({
      code: d.code,
      severity: d.severity,
      title: catalogueEntry(d.code)?.title ?? null,
      message: d.message,
      file: displayPath(d.uri, report.cwd),
      ...oneBased(d.range),
      related: (d.related ?? []).map((r) => ({ message: r.message, file: displayPath(r.uri, report.cwd), ...oneBased(r.range) })),
      fixes: (d.fixes ?? []).map((f) => ({
        title: f.title,
        preferred: f.preferred ?? false,
        edits: f.edits.map((e) => ({ file: displayPath(e.uri, report.cwd), ...oneBased(e.range), newText: e.newText })),
      })),
      example: d.example ?? null,
    })),
  };
  return JSON.stringify(json, null, 2) + "\n";
}

const SARIF_LEVEL = { error: "error", warning: "warning", info: "note", hint: "note" } as const;

function sarifUri(uri: string, root: string): string {
  const prefix = root.endsWith("/") ? root : root + "/";
  const rel = uri.startsWith(prefix) ? uri.slice(prefix.length) : uri;
  return rel.split("/").map(encodeURIComponent).join("/");
}

function sarifRegion(r: Range) {
  return { startLine: r.start.line + 1, startColumn: r.start.character + 1, endLine: r.end.line + 1, endColumn: r.end.character + 1 };
}

/** SARIF 2.1.0: one run, rules from the catalogue, uris relative to `%SRCROOT%` (the workspace root). */
export function renderSarif(report: CheckReport): string {
  const codes = [...new Set(report.diagnostics.map((d) => d.code))].sort();
  const rules: ReportingDescriptor[] = codes.map((code) => {
    const e = catalogueEntry(code);
    const rule: ReportingDescriptor = {
      id: code,
      name: e ? camel(e.title) : code,
      shortDescription: { text: e?.title ?? code },
      defaultConfiguration: { level: SARIF_LEVEL[e?.severity ?? "error"] },
    };
    if (e) {
      rule.fullDescription = { text: e.help };
      rule.help = { text: e.help };
    }
    return rule;
  });
  const ruleIndex = new Map(codes.map((c, i) => [c, i]));
  const loc = (uri: string, range: Range, message?: string): Location => {
    const l: Location = { physicalLocation: { artifactLocation: { uri: sarifUri(uri, report.root), uriBaseId: "%SRCROOT%" }, region: sarifRegion(range) } };
    if (message) l.message = { text: message };
    return l;
  };
  const results: Result[] = report.diagnostics.map((d) => {
    const r: Result = {
      ruleId: d.code,
      ruleIndex: ruleIndex.get(d.code)!,
      level: SARIF_LEVEL[d.severity],
      message: { text: d.message },
      locations: [loc(d.uri, d.range)],
    };
    if (d.related?.length) r.relatedLocations = d.related.map((x, i) => ({ id: i, ...loc(x.uri, x.range, x.message) }));
    if (d.fixes?.length) {
      r.fixes = d.fixes.map(
        (f): SarifFix => ({
          description: { text: f.title },
          artifactChanges: groupByUri(f.edits).map(([uri, edits]) => ({
            artifactLocation: { uri: sarifUri(uri, report.root), uriBaseId: "%SRCROOT%" },
            replacements: edits.map((e) => ({ deletedRegion: sarifRegion(e.range), insertedContent: { text: e.newText } })),
          })),
        }),
      );
    }
    if (d.example) r.properties = { example: d.example };
    return r;
  });
  const log: Log = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "crmrules", version: VERSION, semanticVersion: VERSION, rules } },
        originalUriBaseIds: { "%SRCROOT%": { uri: "file://" + encodeURI(report.root.endsWith("/") ? report.root : report.root + "/") } },
        artifacts: report.files.map((f) => ({ location: { uri: sarifUri(f, report.root), uriBaseId: "%SRCROOT%" }, sourceLanguage: "crmrules" })),
        results,
        columnKind: "utf16CodeUnits",
      },
    ],
  };
  return JSON.stringify(log, null, 2) + "\n";
}

function groupByUri<T extends { uri: string }>(items: T[]): [string, T[]][] {
  const m = new Map<string, T[]>();
  for (const i of items) m.set(i.uri, [...(m.get(i.uri) ?? []), i]);
  return [...m];
}

function camel(title: string): string {
  const words = title.replace(/[`'’]/g, "").split(/[^A-Za-z0-9]+/).filter(Boolean);
  return words.map((w, i) => (i === 0 ? w.toLowerCase() : w[0]!.toUpperCase() + w.slice(1).toLowerCase())).join("");
}

export function renderGithub(report: CheckReport): string {
  const lines = report.diagnostics.map((d) =>
    annotation(d.severity === "error" ? "error" : d.severity === "warning" ? "warning" : "notice", d.message, {
      file: displayPath(d.uri, report.cwd),
      range: d.range,
      title: `${d.code} ${catalogueEntry(d.code)?.title ?? ""}`.trim(),
    }),
  );
  lines.push(summaryLine(report));
  return lines.join("\n") + "\n";
}

/** One test case per file: it fails when the file has findings at or above `failLevel`. */
export function renderJUnit(report: CheckReport, failLevel: Severity): string {
  const cases: JUnitCase[] = report.files.map((uri) => {
    const file = displayPath(uri, report.cwd);
    const ds = report.diagnostics.filter((d) => d.uri === uri && atLeast(d.severity, failLevel));
    const c: JUnitCase = { name: file, classname: "crmrules.check", file };
    if (ds.length) {
      c.failure = {
        message: `${plural(ds.length, "problem")} in ${file}`,
        type: ds.some((d) => d.severity === "error") ? "error" : "warning",
        body: ds.map((d) => `${location(file, d.range)} ${d.severity} ${d.code}: ${d.message}`).join("\n"),
      };
    }
    return c;
  });
  return junit("crmrules check", [{ name: "crmrules check", cases }]);
}
