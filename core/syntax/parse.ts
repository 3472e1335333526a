/**
 * `parse(text, uri)`: text → AST plus every lexical and syntax diagnostic.
 * INVARIANT: never throws; every diagnostic range lies inside the document.
 */
import type { IToken } from "chevrotain";
import type { CrmFile } from "./ast.js";
import { CrmParser } from "./parser.js";
import { crmLexer, mistyped, StringLiteral, UnterminatedString } from "./tokens.js";
import { LineIndex, type Range } from "../text/positions.js";
import { NOT_A_DECLARATION } from "./errorMessages.js";
import { characterDiagnostics, describeCharacter } from "./characters.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { DiagnosticCode } from "../diagnostics/catalogue.js";
import { addSyntaxFixes } from "./syntaxFixes.js";

export interface ParseResult {
  file: CrmFile;
  diagnostics: Diagnostic[];
  /**
   * Significant tokens (comments excluded), in order. Lexed again on first
   * use and kept from then on: a workspace's parse results do not hold every
   * token of every file (the tree has what the checker needs), which keeps a
   * large workspace's heap small; the formatter and the editor's token-based
   * features ask for the few files they work on.
   */
  readonly tokens: IToken[];
  /** Comment tokens, in order. */
  comments: IToken[];
  lines: LineIndex;
}

let sharedParser: CrmParser | undefined;
function parser(): CrmParser {
  // Building a parser performs grammar analysis (milliseconds); one instance is reused.
  return (sharedParser ??= new CrmParser());
}

export function parse(text: string, uri = "untitled.crmrules"): ParseResult {
  const lines = new LineIndex(text);
  const diagnostics: Diagnostic[] = [];
  const lexed = crmLexer.tokenize(text);
  for (const err of lexed.errors) {
    const ch = text.slice(err.offset, err.offset + Math.max(1, err.length));
    const unterminated = text[err.offset] === '"';
    diagnostics.push({
      code: unterminated ? "CR1006" : "CR1001",
      severity: "error",
      message: unterminated
        ? "this text has no closing quote `\"` on the same line"
        : invisible(ch)
          ? `unexpected invisible character ${describeCharacter(ch)}`
          : `unexpected character \`${ch.length > 20 ? ch.slice(0, 20) + "…" : ch}\``,
      uri,
      range: lines.range(err.offset, unterminated ? lineEnd(text, err.offset) : err.offset + Math.max(1, err.length)),
    });
  }
  for (const t of lexed.tokens) {
    const wrong = mistyped(t);
    if (wrong !== undefined)
      diagnostics.push({ code: "CR1001", severity: "error", message: wrong, uri, range: lines.range(t.startOffset, (t.endOffset ?? t.startOffset) + 1) });
    if (t.tokenType === UnterminatedString)
      diagnostics.push({
        code: "CR1006",
        severity: "error",
        message: "this text has no closing quote `\"` on the same line",
        uri,
        range: lines.range(t.startOffset, t.startOffset + t.image.length),
      });
  }
  // Bidirectional controls and control characters inside text values and comments (CR1024–CR1026).
  diagnostics.push(...characterDiagnostics(text, uri, lines, lexed.tokens.filter((t) => t.tokenType === StringLiteral || t.tokenType === UnterminatedString), (lexed.groups["comments"] ?? []) as IToken[]));
  // Recovery creates and discards many exceptions; their stack traces are
  // never read, so do not pay for capturing them.
  const traceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return parseTokens(text, uri, lines, lexed, diagnostics);
  } finally {
    Error.stackTraceLimit = traceLimit;
  }
}

function parseTokens(
  text: string,
  uri: string,
  lines: LineIndex,
  lexed: ReturnType<typeof crmLexer.tokenize>,
  diagnostics: Diagnostic[],
): ParseResult {
  const p = parser();
  p.resetState(text.length);
  p.input = lexed.tokens;
  let file: CrmFile;
  try {
    file = p.file() ?? emptyFile();
  } catch {
    // INVARIANT: the parser recovers from every recognition error; an internal
    // failure still yields a file (empty) and a diagnostic rather than a crash.
    file = emptyFile();
    diagnostics.push({ code: "CR1000", severity: "error", message: "the file could not be read past this point", uri, range: lines.range(0, 0) });
  }
  file.uri = uri;
  file.range = lines.range(0, text.length);
  for (const e of p.errors) {
    const tok = e.token;
    let range: Range;
    if (!tok || tok.tokenType?.name === "EOF" || Number.isNaN(tok.startOffset)) {
      const prev = (e as { previousToken?: IToken }).previousToken ?? lastToken(lexed.tokens);
      const at = prev && !Number.isNaN(prev.endOffset ?? NaN) ? (prev.endOffset ?? -1) + 1 : text.length;
      range = lines.range(at, at);
    } else range = lines.range(tok.startOffset, (tok.endOffset ?? tok.startOffset) + 1);
    const code = e.message.endsWith(NOT_A_DECLARATION) ? "CR1005" : codeOf(e.name);
    diagnostics.push({ code, severity: "error", message: e.message, uri, range });
  }
  for (const e of p.extraErrors) diagnostics.push({ code: e.code, severity: "error", message: e.message, uri, range: e.range });
  const comments = (lexed.groups["comments"] ?? []) as IToken[];
  dedupe(diagnostics);
  for (const d of diagnostics) addSyntaxFixes(d, lines);
  return parseResult(file, diagnostics, comments, lines, () => crmLexer.tokenize(text).tokens);
}

/** The tokens of each result whose tokens were asked for (core/syntax/incremental.ts splices them instead of lexing again). */
const lexed = new WeakMap<ParseResult, IToken[]>();

/** The tokens of `result` if they have been computed, without computing them. */
export function lexedTokens(result: ParseResult): IToken[] | undefined {
  return lexed.get(result);
}

/** A parse result whose tokens are computed by `tokens` on first use and kept. */
export function parseResult(file: CrmFile, diagnostics: Diagnostic[], comments: IToken[], lines: LineIndex, tokens: () => IToken[]): ParseResult {
  const result: ParseResult = {
    file,
    diagnostics,
    comments,
    lines,
    get tokens(): IToken[] {
      let t = lexed.get(result);
      if (!t) lexed.set(result, (t = tokens()));
      return t;
    },
  };
  return result;
}

function codeOf(name: string): DiagnosticCode {
  switch (name) {
    case "MismatchedTokenException":
      return "CR1002";
    case "NoViableAltException":
      return "CR1003";
    case "EarlyExitException":
      return "CR1004";
    case "NotAllInputParsedException":
      return "CR1005";
    default:
      return "CR1000";
  }
}

function emptyFile(): CrmFile {
  const z = { line: 0, character: 0, offset: 0 };
  return { kind: "File", uri: "", imports: [], decls: [], range: { start: z, end: z } };
}

function lastToken(tokens: IToken[]): IToken | undefined {
  return tokens[tokens.length - 1];
}

function lineEnd(text: string, from: number): number {
  let i = from;
  while (i < text.length && text[i] !== "\n" && text[i] !== "\r") i++;
  return i;
}

/** Recovery can report the same position twice (once per enclosing rule); keep the first. */
function dedupe(diags: Diagnostic[]): void {
  const seen = new Set<string>();
  let w = 0;
  for (const d of diags) {
    const key = `${d.range.start.offset}:${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    diags[w++] = d;
  }
  diags.length = w;
}

export { StringLiteral };

/** A character that does not show as itself: controls, bidirectional controls and marks, zero-width characters. */
function invisible(ch: string): boolean {
  return /^[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/.test(ch);
}
