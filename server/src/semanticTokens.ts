/** Semantic tokens (full and delta) from the lexer's tokens plus the check's declarations and resolved references of the file. */
import * as L from "vscode-languageserver";
import type { IToken } from "chevrotain";
import type { ParseResult } from "../../core/syntax/parse.js";
import type { SymbolKind, WorkspaceCheck } from "../../core/workspace.js";
import { declarationsIn, referencesIn } from "../../core/checker/queries.js";
import { CONSENT_BASES } from "../../core/vocabulary.js";

export const TOKEN_TYPES = [
  "keyword",
  "string",
  "number",
  "comment",
  "operator",
  "property",
  "event",
  "enumMember",
  "class",
  "function",
  "variable",
  "type",
  "parameter",
  "method",
  "namespace",
] as const;
export const TOKEN_MODIFIERS = ["declaration", "documentation", "defaultLibrary"] as const;
export const LEGEND: L.SemanticTokensLegend = { tokenTypes: [...TOKEN_TYPES], tokenModifiers: [...TOKEN_MODIFIERS] };

const T = Object.fromEntries(TOKEN_TYPES.map((t, i) => [t, i])) as Record<(typeof TOKEN_TYPES)[number], number>;
const MOD_DECL = 1;
const MOD_DOC = 2;
const MOD_LIB = 4;

const KIND_TYPE: Record<SymbolKind, number> = {
  field: T.property,
  payloadField: T.property,
  event: T.event,
  set: T.variable,
  territory: T.variable,
  score: T.class,
  scoreRule: T.method,
  grade: T.class,
  gradeLetter: T.enumMember,
  stage: T.enumMember,
  owner: T.variable,
  queue: T.variable,
  team: T.variable,
  route: T.namespace,
  routeRule: T.method,
  consent: T.type,
  action: T.function,
  param: T.parameter,
  workflow: T.function,
  journey: T.namespace,
  enumValue: T.enumMember,
};

const SIMPLE_TYPES = new Set(["text", "number", "boolean", "date", "email", "country", "enum", "list", "purpose"]);
const BUILTIN_WORDS = new Set([...CONSENT_BASES, "missing", "present", "unscored", "initial", "detour", "round_robin", "domain"]);

type Raw = [line: number, char: number, length: number, type: number, mods: number];

const TIME_WORDS = new Set(["minute", "hour", "day", "week", "month", "year"].flatMap((w) => [w, `${w}s`]));
const OPERATORS = new Set(["Arrow", "EqEq", "NotEq", "LessEq", "GreaterEq", "Less", "Greater", "Equals", "Plus", "Minus", "Star", "Slash", "Percent"]);

/** What a token type is drawn as, whatever the token's text: a fixed type, an identifier (by its text), a string, or nothing (-1). */
const IDENTIFIER = -2;
const STRING = -3;
const classes = new Map<string, number>();
function classOf(name: string): number {
  let c = classes.get(name);
  if (c !== undefined) return c;
  if (name === "StringLiteral") c = STRING;
  else if (name.startsWith("Kw_")) c = T.keyword;
  else if (name === "NumberLiteral" || name === "DateLiteral" || name === "TimeOfDay") c = T.number;
  else if (name === "Identifier") c = IDENTIFIER;
  else if (OPERATORS.has(name)) c = T.operator;
  else c = -1;
  classes.set(name, c);
  return c;
}

/** Two capital letters (a country code). */
function isCountryLike(s: string): boolean {
  if (s.length !== 2) return false;
  const a = s.charCodeAt(0);
  const b = s.charCodeAt(1);
  return a >= 65 && a <= 90 && b >= 65 && b <= 90;
}

/** Offsets `[start, end)` of the part of a document a client asked for (`semanticTokens/range`). */
export interface Window {
  start: number;
  end: number;
}

function collect(pr: ParseResult, check: WorkspaceCheck | undefined, uri: string, window?: Window): Raw[] {
  const out: Raw[] = [];
  const inside = (start: number, end: number) => !window || (end > window.start && start < window.end);
  // Names by start offset: the file's resolved uses, then its declarations (a declaration wins).
  const occ = new Map<number, { kind: SymbolKind; isDecl: boolean }>();
  if (check) {
    for (const r of referencesIn(check, uri)) {
      if (!inside(r.range.start.offset, r.range.end.offset)) continue;
      const s = check.symbols.get(r.symbolId);
      if (s) occ.set(r.range.start.offset, { kind: s.kind, isDecl: false });
    }
    for (const s of declarationsIn(check, uri)) if (inside(s.range.start.offset, s.range.end.offset)) occ.set(s.range.start.offset, { kind: s.kind, isDecl: true });
  }
  const push = (t: IToken, type: number, mods: number) => out.push([(t.startLine ?? 1) - 1, (t.startColumn ?? 1) - 1, t.image.length, type, mods]);
  const toks = pr.tokens;
  // The first token that ends after the window starts (binary search), then up to the window's end.
  let first = 0;
  if (window) {
    let lo = 0;
    let hi = toks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (toks[mid]!.startOffset + toks[mid]!.image.length <= window.start) lo = mid + 1;
      else hi = mid;
    }
    first = lo;
  }
  // Comments are merged in by offset (tokens and comments are each in text order), so the result needs no sort.
  const comments = pr.comments;
  let ci = 0;
  const comment = (c: IToken) => {
    if (!inside(c.startOffset, c.startOffset + c.image.length)) return;
    const doc = c.image.startsWith("///") ? MOD_DOC : 0;
    // Multi-line block comments are split per line (clients need not support multiline tokens).
    const lines = c.image.split(/\r\n|\r|\n/);
    let line = (c.startLine ?? 1) - 1;
    let col = (c.startColumn ?? 1) - 1;
    for (const l of lines) {
      if (l.length) out.push([line, col, l.length, T.comment, doc]);
      line++;
      col = 0;
    }
  };
  for (let i = first; i < toks.length; i++) {
    const t = toks[i]!;
    if (window && t.startOffset >= window.end) break;
    while (ci < comments.length && comments[ci]!.startOffset < t.startOffset) comment(comments[ci++]!);
    const cls = classOf(t.tokenType.name);
    // Texts stay strings even where they name something (a journey's description, a purpose written as text).
    const o = cls === STRING ? undefined : occ.get(t.startOffset);
    if (o) push(t, KIND_TYPE[o.kind], o.isDecl ? MOD_DECL : 0);
    else if (cls === STRING) push(t, T.string, 0);
    else if (cls === IDENTIFIER) {
      const w = t.image;
      if (SIMPLE_TYPES.has(w)) push(t, T.type, MOD_LIB);
      else if (BUILTIN_WORDS.has(w) || TIME_WORDS.has(w)) push(t, T.keyword, 0);
      else if (isCountryLike(w)) push(t, T.enumMember, MOD_LIB);
      else push(t, T.variable, 0);
    } else if (cls >= 0) push(t, cls, 0);
  }
  while (ci < comments.length) comment(comments[ci++]!);
  // Already in order but for what sorts equal by position; kept as the one guarantee of order (cheap on sorted input).
  out.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return out;
}

export class SemanticTokensProvider {
  private readonly builders = new Map<string, L.SemanticTokensBuilder>();

  full(lspUri: string, pr: ParseResult, check: WorkspaceCheck | undefined, path: string): L.SemanticTokens {
    const b = new L.SemanticTokensBuilder();
    for (const r of collect(pr, check, path)) b.push(...r);
    this.builders.set(lspUri, b);
    return b.build();
  }

  /** The tokens of part of a document (clients ask for the visible lines of a large document first). */
  range(pr: ParseResult, check: WorkspaceCheck | undefined, path: string, window: Window): L.SemanticTokens {
    const b = new L.SemanticTokensBuilder();
    for (const r of collect(pr, check, path, window)) b.push(...r);
    return b.build();
  }

  delta(lspUri: string, previousResultId: string, pr: ParseResult, check: WorkspaceCheck | undefined, path: string): L.SemanticTokens | L.SemanticTokensDelta {
    const b = this.builders.get(lspUri);
    if (!b) return this.full(lspUri, pr, check, path);
    b.previousResult(previousResultId);
    for (const r of collect(pr, check, path)) b.push(...r);
    return b.buildEdits();
  }

  forget(lspUri: string): void {
    this.builders.delete(lspUri);
  }
}
