/**
 * Syntax error messages written for revenue-ops engineers: they name what was
 * expected in words ("a number of days") and where ("after `within`"), never a
 * parser exception type.
 */
import type { IParserErrorMessageProvider, IToken, TokenType } from "chevrotain";
import { EOF } from "chevrotain";

/** The tail of the message for text where no declaration can start (code CR1005). */
export const NOT_A_DECLARATION = ": expected a declaration such as `score`, `route` or `journey`";

/** What a missing token means, by the word before it. */
const AFTER_HINTS: Record<string, [what: string, example: string]> = {
  within: ["a duration", "within 14 days"],
  per: ["a period", "limit 3 per 7 days"],
  every: ["a period", "decay 25% every 30 days"],
  wait: ["a duration", "wait 3 days"],
  after: ["a duration", "after 30 days"],
  limit: ["a number of times", "limit 3 per 7 days"],
  cap: ["a number of points", "cap 100"],
  floor: ["a number of points", "floor 0"],
  decay: ["a percentage", "decay 25% every 30 days"],
  day: ["a day number", "day 3"],
  weight: ["a number", "weight 2"],
  seed: ["a number", "seed 7"],
  import: ["a file path in double quotes", 'import "./schema.crmrules"'],
  journey: ["a journey name in double quotes", 'journey "Nordic CTO converts"'],
  at: ["a time of day", "day 3 at 14:30"],
};

/** What each grammar rule stands for, for "expected …" messages. */
export const RULE_DESCRIPTIONS: Record<string, string> = {
  file: "a declaration (lead, event, score, stage, route, consent, action, workflow, journey…)",
  declaration: "a declaration (lead, event, score, stage, route, consent, action, workflow, journey…)",
  typeRef: "a type (text, number, boolean, date, email, country, enum(…), list(…))",
  scoreSetting: "`cap`, `floor` or `decay`",
  expr: "a condition",
  whereExpr: "a condition",
  andExpr: "a condition",
  notExpr: "a condition",
  cmpExpr: "a condition",
  addExpr: "a value",
  mulExpr: "a value",
  unaryExpr: "a value",
  primary: "a value (a number, a text, a name, a list…)",
  pathExpr: "a name",
  target: "`owner`, `team`, `queue` or `discard`",
  trigger: "`on stage …` or `on <event>`",
  expectation: "an expectation (stage, score, grade, routed, escalated, sent, blocked, not …)",
  journeyStep: "a journey step (`day N <event>`, `update {…}` or `expect …`)",
  duration: "a duration such as `14 days`",
  signedNumber: "a number",
  compareOp: "a comparison (==, !=, <, <=, >, >=)",
  consentClause: "`in <countries>:` or `otherwise:`",
  consentBasis: "a consent basis (opt_in, double_opt_in, opt_out, implied)",
};

export function describeToken(t: TokenType): string {
  if (t === EOF) return "the end of the file";
  if (typeof t.LABEL === "string") return t.LABEL;
  return t.name;
}

export function quoteFound(t: IToken): string {
  if (t.tokenType === EOF) return "the file ended";
  return `found \`${t.image}\``;
}

function after(previous: IToken | undefined): string {
  if (!previous || previous.tokenType === EOF || Number.isNaN(previous.startOffset) || previous.startOffset < 0) return "";
  return ` after \`${previous.image}\``;
}

function hintFor(t: TokenType, previous: IToken | undefined): [string, string] | undefined {
  const hint = previous ? AFTER_HINTS[previous.image] : undefined;
  if (hint && (t.name === "NumberLiteral" || t.name === "StringLiteral" || t.name === "TimeOfDay" || t.name === "AnyName")) return hint;
  return undefined;
}

function expectedWord(t: TokenType, previous: IToken | undefined): string {
  return hintFor(t, previous)?.[0] ?? describeToken(t);
}

function example(t: TokenType, previous: IToken | undefined): string {
  const h = hintFor(t, previous);
  return h ? ` (as in \`${h[1]}\`)` : "";
}

function oneOf(words: string[]): string {
  const unique = [...new Set(words)];
  if (unique.length <= 1) return unique[0] ?? "something else";
  if (unique.length > 6) return unique.slice(0, 6).join(", ") + " or another keyword";
  return unique.slice(0, -1).join(", ") + " or " + unique[unique.length - 1];
}

export const crmErrorMessages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual, previous, ruleName }) {
    if (ruleName === "duration" && expected.name === "AnyName" && actual.image === "-")
      return `durations cannot be negative: write a positive number and a unit${after(previous)} (as in \`${previous && AFTER_HINTS[previous.image] ? AFTER_HINTS[previous.image]![1] : "within 14 days"}\`), found \`-\``;
    if (ruleName === "duration" && expected.name === "AnyName")
      return `expected a time unit${after(previous)} (minutes, hours, days, weeks, months or years), ${quoteFound(actual)}`;
    // The top-level loop stopped at something that cannot start a declaration.
    if (expected === EOF) return `unexpected \`${actual.image}\`${NOT_A_DECLARATION}`;
    return `expected ${expectedWord(expected, previous)}${after(previous)}${example(expected, previous)}, ${quoteFound(actual)}`;
  },
  buildNotAllInputParsedMessage({ firstRedundant }) {
    return `unexpected \`${firstRedundant.image}\`${NOT_A_DECLARATION}`;
  },
  buildNoViableAltMessage({ expectedPathsPerAlt, actual, previous, ruleName }) {
    const desc = RULE_DESCRIPTIONS[ruleName];
    const firsts = expectedPathsPerAlt.flatMap((alt) => alt.map((path) => path[0])).filter((t): t is TokenType => !!t);
    const words = desc ?? oneOf(firsts.map((t) => expectedWord(t, previous)));
    return `expected ${words}${after(previous)}, ${quoteFound(actual[0]!)}`;
  },
  buildEarlyExitMessage({ expectedIterationPaths, actual, previous, ruleName }) {
    const desc = RULE_DESCRIPTIONS[ruleName];
    const firsts = expectedIterationPaths.map((p) => p[0]).filter((t): t is TokenType => !!t);
    const words = desc ?? oneOf(firsts.map((t) => expectedWord(t, previous)));
    return `expected at least one ${words.replace(/^an? /, "")}${after(previous)}, ${quoteFound(actual[0]!)}`;
  },
};
