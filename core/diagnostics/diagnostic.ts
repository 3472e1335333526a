/**
 * The diagnostic shape shared by every phase. Adapters (LSP, CLI, SARIF)
 * convert it at the edge; the core never formats for a particular consumer.
 */
import type { Range } from "../text/positions.js";
import type { DiagnosticCode } from "./catalogue.js";
import type { LintCode } from "./lintCatalogue.js";

export type Severity = "error" | "warning" | "info" | "hint";

export interface TextEdit {
  uri: string;
  range: Range;
  newText: string;
}

/** A machine-readable fix: the language server offers it as a quick fix, SARIF carries it as a `fix`. */
export interface Fix {
  title: string;
  edits: TextEdit[];
  /** The one fix to apply by default (e.g. the closest did-you-mean). */
  preferred?: boolean;
}

export interface RelatedInfo {
  uri: string;
  range: Range;
  message: string;
}

/** A diagnostic; `C` is its code's type: the catalogue's codes, or a lint rule's (`LintDiagnostic`). */
export interface Diagnostic<C extends DiagnosticCode | LintCode = DiagnosticCode> {
  /** Stable code from the catalogue, e.g. `CR2001`, or of a lint rule (lintCatalogue.ts, `L001`). */
  code: C;
  severity: Severity;
  message: string;
  uri: string;
  range: Range;
  related?: RelatedInfo[];
  fixes?: Fix[];
  /** `unnecessary` renders faded in editors (unused declarations). */
  tags?: ("unnecessary" | "deprecated")[];
  /** For domain analyses: a counterexample (e.g. a lead no route covers), as data. */
  example?: Record<string, unknown>;
}

/** A finding of the style linter (core/lint), with a code of lintCatalogue.ts. */
export type LintDiagnostic = Diagnostic<LintCode>;

/** A diagnostic of either kind, for the renderers that show both. */
export type AnyDiagnostic = Diagnostic<DiagnosticCode | LintCode>;

export function compareDiagnostics(a: AnyDiagnostic, b: AnyDiagnostic): number {
  if (a.uri !== b.uri) return a.uri < b.uri ? -1 : 1;
  return a.range.start.offset - b.range.start.offset || a.range.end.offset - b.range.end.offset || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0) || (a.message < b.message ? -1 : a.message > b.message ? 1 : 0);
}
