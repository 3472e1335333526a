/** Core ↔ LSP conversions (the only place positions change shape). */
import * as L from "vscode-languageserver";
import type { Range } from "../../core/text/positions.js";
import type { AnyDiagnostic as Diagnostic, Severity } from "../../core/diagnostics/diagnostic.js";
import { lintRule } from "../../core/diagnostics/lintCatalogue.js";
import { catalogueEntry } from "../../core/diagnostics/catalogue.js";
import { diagnosticHelpUri, lintHelpUri } from "../../core/docLinks.js";
import { pathToUri } from "./uri.js";

export function range(r: Range): L.Range {
  return { start: { line: r.start.line, character: r.start.character }, end: { line: r.end.line, character: r.end.character } };
}

const SEVERITY: Record<Severity, L.DiagnosticSeverity> = {
  error: L.DiagnosticSeverity.Error,
  warning: L.DiagnosticSeverity.Warning,
  info: L.DiagnosticSeverity.Information,
  hint: L.DiagnosticSeverity.Hint,
};

export function diagnostic(d: Diagnostic): L.Diagnostic {
  const out: L.Diagnostic = {
    range: range(d.range),
    severity: SEVERITY[d.severity],
    code: d.code,
    // The style linter's findings (core/lint) are told apart from the checker's.
    source: lintRule(d.code) ? "crmrules-lint" : "crmrules",
    message: d.message,
  };
  // The code's section in docs/diagnostics.md (every catalogued code has one).
  const entry = catalogueEntry(d.code);
  if (entry) out.codeDescription = { href: diagnosticHelpUri(d.code, entry.title) };
  const lint = lintRule(d.code);
  if (lint) out.codeDescription = { href: lintHelpUri(lint.code, lint.name) };
  if (d.related?.length)
    out.relatedInformation = d.related.map((r) => ({ location: { uri: pathToUri(r.uri), range: range(r.range) }, message: r.message }));
  if (d.tags?.length)
    out.tags = d.tags.map((t) => (t === "unnecessary" ? L.DiagnosticTag.Unnecessary : L.DiagnosticTag.Deprecated));
  if (d.example) out.data = { example: d.example };
  return out;
}
