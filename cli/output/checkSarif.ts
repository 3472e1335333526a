/** `crmrules check --format sarif`: SARIF 2.1.0 for GitHub code scanning. */
import { createHash } from "node:crypto";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import type { Log, Notification, ReportingDescriptor, Result, Fix as SarifFix, Location } from "sarif";
import type { AnyDiagnostic as Diagnostic } from "../../core/diagnostics/diagnostic.js";
import type { Range } from "../../core/text/positions.js";
import { toPosix } from "../files.js";
import { HOMEPAGE, VERSION } from "../version.js";
import { sarifArtifact, sarifRegion, withSlash } from "./sarif.js";
import { describeCode, type CheckReport } from "./checkReport.js";

const SARIF_LEVEL = { error: "error", warning: "warning", info: "note", hint: "note" } as const;

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
    const e = describeCode(report, code);
    const rule: ReportingDescriptor = {
      id: code,
      name: e ? camel(e.title) : code,
      shortDescription: { text: e?.title ?? code },
      defaultConfiguration: { level: SARIF_LEVEL[e?.severity ?? "error"] },
    };
    if (e) {
      const helpUri = e.helpUri;
      rule.fullDescription = { text: e.help };
      rule.helpUri = helpUri;
      rule.help = { text: `${e.help} See ${helpUri}`, markdown: `${e.help}\n\n[${code} — ${e.title}](${helpUri}) in the ${helpUri.includes("/lint.md") ? "lint rules" : "diagnostics"} reference.` };
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
