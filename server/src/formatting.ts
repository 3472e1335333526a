/** Document and range formatting through core/format, with the `crmrules.format.*` settings. */
import * as L from "vscode-languageserver";
import { formatEdits, formatRange, type FormatOptions } from "../../core/format/format.js";
import { range } from "./convert.js";
import { faults } from "../../core/diagnostics/internalError.js";

/**
 * The `crmrules.format` settings (initialization options `format`,
 * `workspace/didChangeConfiguration` or the `workspace/configuration` pull).
 */
export interface FormatSettings {
  /** Line up the colons after rule names (default false, as `crmrules fmt`). */
  alignRuleColons?: boolean;
  /** Spaces per indentation level; wins over the request's `tabSize` (1–8). */
  indentSize?: number;
  /** Lines longer than this are broken before an `and` / `or` of their condition (absent: none is). */
  maxLineLength?: number;
}

/** Reads the settings from a client's value, keeping only well-typed entries (anything else is ignored). */
export function readFormatSettings(value: unknown): FormatSettings {
  const out: FormatSettings = {};
  if (!value || typeof value !== "object") return out;
  const v = value as Record<string, unknown>;
  if (typeof v.alignRuleColons === "boolean") out.alignRuleColons = v.alignRuleColons;
  if (typeof v.indentSize === "number" && Number.isFinite(v.indentSize)) out.indentSize = v.indentSize;
  if (typeof v.maxLineLength === "number" && Number.isFinite(v.maxLineLength) && v.maxLineLength > 0) out.maxLineLength = Math.floor(v.maxLineLength);
  return out;
}

/**
 * The formatter's options: the indentation is a tab when the request says
 * `insertSpaces: false`, else `indentSize` (setting) or `tabSize` (request) spaces.
 */
export function formatOptions(settings: FormatSettings, options?: Partial<L.FormattingOptions>): FormatOptions {
  const width = settings.indentSize ?? options?.tabSize ?? 2;
  return {
    indent: Math.max(1, Math.min(8, Math.floor(width) || 2)),
    useTabs: options?.insertSpaces === false,
    alignRuleColons: settings.alignRuleColons === true,
    ...(settings.maxLineLength !== undefined ? { maxLineLength: settings.maxLineLength } : {}),
  };
}

export function formatDocument(text: string, options: FormatOptions, uri = ""): L.TextEdit[] {
  faults.inject?.("format", uri);
  return formatEdits(text, options).map((e) => ({ range: range(e.range), newText: e.newText }));
}

export function formatDocumentRange(text: string, r: L.Range, options: FormatOptions, uri = ""): L.TextEdit[] {
  faults.inject?.("format", uri);
  const z = (p: L.Position) => ({ line: p.line, character: p.character, offset: 0 });
  return formatRange(text, { start: z(r.start), end: z(r.end) }, options).map((e) => ({ range: range(e.range), newText: e.newText }));
}
