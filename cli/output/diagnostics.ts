/**
 * Renderers for `crmrules check`: text (with source excerpts), json, sarif,
 * github annotations and junit. Each takes the same `CheckReport`.
 */
import { createHash } from "node:crypto";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import type { ArtifactLocation, Log, Notification, ReportingDescriptor, Result, Fix as SarifFix, Location } from "sarif";
import type { Diagnostic, Severity } from "../../core/diagnostics/diagnostic.js";
import { catalogueEntry } from "../../core/diagnostics/catalogue.js";
import type { Range } from "../../core/text/positions.js";
import { displayPath, toPosix, type InputProblem } from "../files.js";
import { plain, type Colors } from "../color.js";
import { excerpt, location } from "./caret.js";
import { escapeControls } from "./safe.js";
import { annotation } from "./github.js";
import { junit, type JUnitCase } from "./xml.js";
import { diagnosticHelpUri, HOMEPAGE, VERSION } from "../version.js";
import { plural } from "../../core/text/words.js";

export interface CheckReport {
  root: string;
  /** Uris of the files checked, sorted. */
  files: string[];
  /** File texts by uri (for excerpts). */
  texts: Map<string, string>;
  diagnostics: Diagnostic[];
  cwd: string;
  /** Inputs that could not be read (SARIF records them as tool execution notifications). */
  problems?: InputProblem[];
  /** How long the check took, in seconds (JUnit reports it). */
  seconds?: number;
  /** The folder SARIF uris (`%SRCROOT%`) and JUnit paths are relative to: the repository root; default `root` (SARIF), `cwd` (JUnit). */
  reportBase?: string;
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

function withSlash(p: string): string {
  return p.endsWith("/") ? p : p + "/";
}

/** A file's SARIF location: relative to `base` (uriBaseId `%SRCROOT%`) when inside it, else an absolute file uri. */
export function sarifArtifact(uri: string, base: string): ArtifactLocation {
  if (uri.startsWith(withSlash(base))) return { uri: uri.slice(withSlash(base).length).split("/").map(encodeURIComponent).join("/"), uriBaseId: "%SRCROOT%" };
  return { uri: pathToFileURL(uri).href };
}

export function sarifRegion(r: Range) {
  return { startLine: r.start.line + 1, startColumn: r.start.character + 1, endLine: r.end.line + 1, endColumn: r.end.character + 1 };
}

/**
 * A fingerprint that survives edits elsewhere in the file: the code, the file
 * and the text of the lines the finding covers (whitespace collapsed), plus a
 * count for identical findings. Code scanning matches alerts across pushes by it.
 */
/** The lines of each text, split once per report (splitting per finding made a file with many findings quadratic). */
const splitLines = new Map<string, string[]>();

function fingerprint(d: Diagnostic, file: string, text: string | undefined, seen: Map<string, number>): string {
  let all = text === undefined ? undefined : splitLines.get(text);
  if (text !== undefined && !all) {
    if (splitLines.size > 64) splitLines.clear();
    splitLines.set(text, (all = text.split(/\r?\n/)));
  }
  const lines = all?.slice(d.range.start.line, d.range.end.line + 1).join("\n") ?? "";
  const key = [d.code, file, lines.replace(/\s+/g, " ").trim()].join("\u0000");
  const n = seen.get(key) ?? 0;
  seen.set(key, n + 1);
  return `${createHash("sha256").update(key).digest("hex").slice(0, 32)}:${n + 1}`;
}

/**
 * SARIF 2.1.0: one run, rules from the catalogue (each with a link to its
 * section of docs/diagnostics.md), uris relative to `%SRCROOT%`: the repository
 * root (`reportBase`), as GitHub code scanning resolves them. Unreadable inputs
 * are tool execution notifications.
 */
export function renderSarif(report: CheckReport): string {
  const base = toPosix(report.reportBase ?? report.root);
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
      const helpUri = diagnosticHelpUri(code, e.title);
      rule.fullDescription = { text: e.help };
      rule.helpUri = helpUri;
      rule.help = { text: `${e.help} See ${helpUri}`, markdown: `${e.help}\n\n[${code} — ${e.title}](${helpUri}) in the diagnostics reference.` };
    }
    return rule;
  });
  const ruleIndex = new Map(codes.map((c, i) => [c, i]));
  const loc = (uri: string, range: Range, message?: string): Location => {
    const l: Location = { physicalLocation: { artifactLocation: sarifArtifact(uri, base), region: sarifRegion(range) } };
    if (message) l.message = { text: message };
    return l;
  };
  const seen = new Map<string, number>();
  const results: Result[] = report.diagnostics.map((d) => {
    const artifact = sarifArtifact(d.uri, base);
    const r: Result = {
      ruleId: d.code,
      ruleIndex: ruleIndex.get(d.code)!,
      level: SARIF_LEVEL[d.severity],
      message: { text: d.message },
      locations: [loc(d.uri, d.range)],
      partialFingerprints: { "crmrulesFinding/v1": fingerprint(d, artifact.uri!, report.texts.get(d.uri), seen) },
    };
    if (d.related?.length) r.relatedLocations = d.related.map((x, i) => ({ id: i, ...loc(x.uri, x.range, x.message) }));
    if (d.fixes?.length) {
      r.fixes = d.fixes.map(
        (f): SarifFix => ({
          description: { text: f.title },
          artifactChanges: groupByUri(f.edits).map(([uri, edits]) => ({
            artifactLocation: sarifArtifact(uri, base),
            replacements: edits.map((e) => ({ deletedRegion: sarifRegion(e.range), insertedContent: { text: e.newText } })),
          })),
        }),
      );
    }
    if (d.example) r.properties = { example: d.example };
    return r;
  });
  const notifications: Notification[] = (report.problems ?? []).map((p) => ({
    level: "error",
    message: { text: `${p.input} ${p.message}` },
    locations: [{ physicalLocation: { artifactLocation: sarifArtifact(toPosix(path.resolve(report.cwd, p.input)), base) } }],
  }));
  const log: Log = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "crmrules", version: VERSION, semanticVersion: VERSION, informationUri: HOMEPAGE, rules } },
        invocations: [{ executionSuccessful: notifications.length === 0, toolExecutionNotifications: notifications }],
        originalUriBaseIds: { "%SRCROOT%": { uri: pathToFileURL(withSlash(base)).href } },
        artifacts: report.files.map((f) => ({ location: sarifArtifact(f, base), sourceLanguage: "crmrules" })),
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
    const base = report.reportBase ?? report.cwd;
    const rel = path.relative(base, uri);
    const file = rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? toPosix(rel) : displayPath(uri, report.cwd);
    const ds = report.diagnostics.filter((d) => d.uri === uri && atLeast(d.severity, failLevel));
    const c: JUnitCase = { name: file, classname: "crmrules.check", file };
    if (ds.length) c.line = ds[0]!.range.start.line + 1;
    if (ds.length) {
      c.failure = {
        message: `${plural(ds.length, "problem")} in ${file}`,
        type: ds.some((d) => d.severity === "error") ? "error" : "warning",
        body: ds.map((d) => `${location(file, d.range)} ${d.severity} ${d.code}: ${d.message}`).join("\n"),
      };
    }
    return c;
  });
  return junit("crmrules check", [{ name: "crmrules check", time: report.seconds, cases }]);
}
