/**
 * Token types of the crmrules language and the lexer.
 *
 * Keywords are "hard" only where the grammar needs them to decide; words that
 * appear in one fixed position (type names, time units, consent bases, stage
 * modifiers, `missing`/`present`/`unscored`) are plain identifiers that the
 * parser or checker validates, so users can still name a field `email` or a
 * stage `initial`.
 */
import { createToken, Lexer, type ILexingResult, type IToken, type TokenType } from "chevrotain";

/**
 * A name: a letter (any script: `søren`, `société`, `Ωmega`) or `_`, then letters, combining marks,
 * decimal digits and `_`. Names are compared as written (no Unicode normalization). Chevrotain drops a
 * pattern's `u` flag, so the name is matched by a sticky Unicode regex of our own; the start-character
 * hint keeps the lexer's first-character optimization (every 255-code bucket above Latin-1 may start a
 * name, as Chevrotain groups those codes).
 */
/** The characters that may start a name and the characters that may continue it (regex classes, `u` flag). */
export const NAME_START = "[\\p{L}_]";
export const NAME_PART = "[\\p{L}\\p{M}\\p{Nd}_]";
const NAME = new RegExp(`${NAME_START}${NAME_PART}*`, "uy");
const WHOLE_NAME = new RegExp(`^${NAME_START}${NAME_PART}*$`, "u");
const PART_CHAR = new RegExp(`^${NAME_PART}$`, "u");
/** Whether `s` is one name as the lexer reads it (keywords included). */
export function isName(s: string): boolean {
  return WHOLE_NAME.test(s);
}
/** Whether the code point `c` may be part of a name (a letter, combining mark, decimal digit or `_`). */
export function isNameChar(c: string | undefined): boolean {
  return c !== undefined && PART_CHAR.test(c);
}
const NAME_START_HINT: number[] = [];
for (let c = 0; c < 256; c++) if (/[\p{L}_]/u.test(String.fromCharCode(c))) NAME_START_HINT.push(c);
for (let c = 256; c < 65536; c += 255) NAME_START_HINT.push(c);
export const Identifier = createToken({
  name: "Identifier",
  pattern: {
    exec: (text: string, offset: number): RegExpExecArray | null => {
      NAME.lastIndex = offset;
      return NAME.exec(text);
    },
  },
  line_breaks: false,
  start_chars_hint: NAME_START_HINT,
  label: "a name",
});

/** Any word usable as a field name: identifiers and every keyword. */
export const AnyName = createToken({ name: "AnyName", pattern: Lexer.NA, label: "a name" });
Identifier.CATEGORIES = [AnyName];

/** Keywords that may start a top-level declaration (used for error recovery and the formatter). */
export const TOP_LEVEL_KEYWORDS = [
  "import",
  "lead",
  "event",
  "set",
  "territory",
  "score",
  "grade",
  "stage",
  "reenter",
  "owner",
  "queue",
  "team",
  "route",
  "consent",
  "action",
  "workflow",
  "journey",
] as const;

const OTHER_KEYWORDS = [
  "rule",
  "expect",
  "when",
  "on",
  "where",
  "within",
  "limit",
  "per",
  "after",
  "without",
  "and",
  "or",
  "not",
  "in",
  "true",
  "false",
  "otherwise",
  "cap",
  "floor",
  "decay",
  "every",
  "wait",
  "do",
  "unless",
  "day",
  "at",
  "least",
  "times",
  "is",
  "between",
  "count",
  "from",
  "to",
  "sent",
  "blocked",
  "routed",
  "escalated",
  "escalate",
  "member",
  "weight",
  "contact",
  "internal",
  "requires",
  "expires",
  "update",
  "seed",
  "starts_with",
  "ends_with",
  "contains",
  "matches",
  "none",
  "discard",
] as const;

export const KEYWORDS: readonly string[] = [...TOP_LEVEL_KEYWORDS, ...OTHER_KEYWORDS];

export type Keyword = (typeof TOP_LEVEL_KEYWORDS)[number] | (typeof OTHER_KEYWORDS)[number];

/** Keyword token types by their text. */
export const Kw: Record<Keyword, TokenType> = Object.create(null);
for (const word of KEYWORDS) {
  Kw[word as Keyword] = createToken({
    name: `Kw_${word}`,
    pattern: new RegExp(word),
    longer_alt: Identifier,
    categories: [AnyName],
    label: `\`${word}\``,
  });
}

export const WhiteSpace = createToken({ name: "WhiteSpace", pattern: /[ \t\r\n\f\v\u00a0\ufeff]+/, group: Lexer.SKIPPED });
export const DocComment = createToken({ name: "DocComment", pattern: /\/\/\/[^\n\r]*/, group: "comments" });
export const LineComment = createToken({ name: "LineComment", pattern: /\/\/[^\n\r]*/, group: "comments" });
export const BlockComment = createToken({
  name: "BlockComment",
  pattern: /\/\*[\s\S]*?\*\//,
  group: "comments",
  line_breaks: true,
});

export const StringLiteral = createToken({
  name: "StringLiteral",
  pattern: /"(?:[^"\\\r\n]|\\.)*"/,
  label: "a text in double quotes",
});
/**
 * A text whose closing quote is missing on its line. It stands for a string
 * (so parsing carries on as the user meant) and `parse` reports it.
 */
export const UnterminatedString = createToken({
  name: "UnterminatedString",
  pattern: /"(?:[^"\\\r\n]|\\.)*/,
  categories: [StringLiteral],
  label: "a text in double quotes",
});
/** `2026-01-15` */
export const DateLiteral = createToken({ name: "DateLiteral", pattern: /\d{4}-\d{2}-\d{2}/, label: "a date (YYYY-MM-DD)" });
/** `14:30` */
export const TimeOfDay = createToken({ name: "TimeOfDay", pattern: /\d{1,2}:\d{2}(?![\d])/, label: "a time of day (HH:MM)" });
export const NumberLiteral = createToken({ name: "NumberLiteral", pattern: /\d+(?:\.\d+)?/, label: "a number" });
/**
 * `1e5`, `2.5E-3`: exponent form is not how numbers are written here (spec §2, Literals). It is read as one
 * number (so parsing carries on as the user meant) and `parse` reports it; see `mistyped`.
 */
const ExponentNumber = createToken({ name: "ExponentNumber", pattern: /\d+(?:\.\d+)?[eE][+-]?\d+(?![A-Za-z0-9_])/, label: "a number" });
/** `>>`, `<<`: not operators. Read as `>` / `<` (so parsing carries on) and reported by `parse`; see `mistyped`. */
const DoubledCompare = createToken({ name: "DoubledCompare", pattern: />>|<</, label: "`>`" });

export const Arrow = createToken({ name: "Arrow", pattern: /->/, label: "`->`" });
export const EqEq = createToken({ name: "EqEq", pattern: /==/, label: "`==`" });
export const NotEq = createToken({ name: "NotEq", pattern: /!=/, label: "`!=`" });
export const LessEq = createToken({ name: "LessEq", pattern: /<=/, label: "`<=`" });
export const GreaterEq = createToken({ name: "GreaterEq", pattern: />=/, label: "`>=`" });
export const Less = createToken({ name: "Less", pattern: /</, label: "`<`" });
export const Greater = createToken({ name: "Greater", pattern: />/, label: "`>`" });
export const Equals = createToken({ name: "Equals", pattern: /=/, label: "`=`" });
export const Plus = createToken({ name: "Plus", pattern: /\+/, label: "`+`" });
export const Minus = createToken({ name: "Minus", pattern: /-/, label: "`-`" });
export const Star = createToken({ name: "Star", pattern: /\*/, label: "`*`" });
export const Slash = createToken({ name: "Slash", pattern: /\//, label: "`/`" });
export const Percent = createToken({ name: "Percent", pattern: /%/, label: "`%`" });
export const Dot = createToken({ name: "Dot", pattern: /\./, label: "`.`" });
export const Comma = createToken({ name: "Comma", pattern: /,/, label: "`,`" });
export const Colon = createToken({ name: "Colon", pattern: /:/, label: "`:`" });
export const Semicolon = createToken({ name: "Semicolon", pattern: /;/, label: "`;`" });
export const LParen = createToken({ name: "LParen", pattern: /\(/, label: "`(`" });
export const RParen = createToken({ name: "RParen", pattern: /\)/, label: "`)`" });
export const LBracket = createToken({ name: "LBracket", pattern: /\[/, label: "`[`" });
export const RBracket = createToken({ name: "RBracket", pattern: /]/, label: "`]`" });
export const LBrace = createToken({ name: "LBrace", pattern: /\{/, label: "`{`" });
export const RBrace = createToken({ name: "RBrace", pattern: /}/, label: "`}`" });

export const ALL_TOKENS: TokenType[] = [
  WhiteSpace,
  DocComment,
  LineComment,
  BlockComment,
  StringLiteral,
  UnterminatedString,
  DateLiteral,
  TimeOfDay,
  ExponentNumber,
  NumberLiteral,
  Arrow,
  EqEq,
  NotEq,
  LessEq,
  GreaterEq,
  DoubledCompare,
  Less,
  Greater,
  Equals,
  Plus,
  Minus,
  Star,
  Slash,
  Percent,
  Dot,
  Comma,
  Colon,
  Semicolon,
  LParen,
  RParen,
  LBracket,
  RBracket,
  LBrace,
  RBrace,
  ...[...KEYWORDS].sort((a, b) => b.length - a.length).map((k) => Kw[k as Keyword]),
  Identifier,
  AnyName,
];

/** Keyword token types by their text (a Map: words like `constructor` must not hit Object.prototype). */
const KEYWORD_BY_WORD = new Map<string, TokenType>(KEYWORDS.map((k) => [k, Kw[k as Keyword]]));

/**
 * The lexer matches every word as an `Identifier`, then gives the words that
 * are keywords their keyword type. This yields exactly the tokens a lexer
 * trying each keyword pattern (with `longer_alt: Identifier`) would: a keyword
 * pattern wins only when the whole word is the keyword. Trying some 70 keyword
 * patterns before each name was most of the lexing time.
 */
/**
 * Tokens written in a form the language does not have (`1e5`, `>>`), by token: what was written and
 * what to say about it. The token itself stands for what was most likely meant (the number, `>`).
 */
const MISTYPED = new WeakMap<IToken, string>();

/** The message for a token written in a form the language does not have, or undefined. */
export function mistyped(t: IToken): string | undefined {
  return MISTYPED.get(t);
}

function stand(t: IToken, as: TokenType, image: string, message: string): void {
  MISTYPED.set(t, message);
  t.tokenType = as;
  t.tokenTypeIdx = as.tokenTypeIdx!;
  t.image = image;
}

class CrmLexer extends Lexer {
  override tokenize(text: string, initialMode?: string): ILexingResult {
    const result = super.tokenize(text, initialMode);
    const tokens = result.tokens;
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i]!;
      if (t.tokenType === ExponentNumber) {
        const n = Number(t.image);
        const plain = Number.isFinite(n) && Math.abs(n) < 1e21 ? String(n) : undefined;
        stand(t, NumberLiteral, t.image, `\`${t.image}\` is not a number as this language writes them: use digits with an optional decimal part${plain && !plain.includes("e") ? `, here \`${plain}\`` : ", such as `100000` or `0.25`"}`);
        continue;
      }
      if (t.tokenType === DoubledCompare) {
        const one = t.image[0] === ">" ? ">" : "<";
        stand(t, one === ">" ? Greater : Less, one, `there is no \`${t.image}\` operator; write \`${one}\` (${one === ">" ? "greater than" : "less than"}) or \`${one}=\``);
        continue;
      }
      if (t.tokenType !== Identifier) continue;
      const kw = KEYWORD_BY_WORD.get(t.image);
      if (kw !== undefined) {
        t.tokenType = kw;
        t.tokenTypeIdx = kw.tokenTypeIdx!;
      }
    }
    return result;
  }
}

export const crmLexer: Lexer = new CrmLexer(
  ALL_TOKENS.filter((t) => !KEYWORD_BY_WORD.has(t.name.startsWith("Kw_") ? t.name.slice(3) : "")),
  {
    positionTracking: "full",
    ensureOptimizations: false,
    skipValidations: process.env.NODE_ENV === "production",
  },
);

/** The time units, defined in core/vocabulary.ts (the parser reads them as `T.TIME_UNITS`). */
export { TIME_UNITS } from "../vocabulary.js";
