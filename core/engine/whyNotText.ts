/**
 * A why-not question in words and its answer as text (docs/cli.md, "Why not"): the one home of
 * the question's syntax (`stage mql`, `routed to team sdr at day 3 at 10:00`) and of the
 * answer's lines, shared by `simulate --why-not`, `eval --why-not` and the editor's command.
 * Pure: the adapters say how places are shown and whether there are colours.
 */
import { conditionLines, type WhyNotAnswer, type WhyNotQuery, type WhyNotStep } from "./explain.js";
import type { SourceRef } from "./trace.js";
import { MAX_DAY } from "../time.js";

export const WHY_NOT_USAGE = "`--why-not` takes `rule NAME`, `stage NAME`, `route NAME` (or ROUTE.RULE) or `routed to owner|team|queue NAME` (or `routed to discard`), optionally followed by `at day N` or `at day N at HH:MM`";

/** Words that are not a why-not question; the message starts with WHY_NOT_USAGE. */
export class WhyNotWordsError extends Error {}

/** Reads `at day N [at HH:MM]` from the end of the words: the moment in minutes (the end of day N without a time). */
function moment(words: string[]): { rest: string[]; until?: number } {
  const i = words.indexOf("at");
  if (i < 0) return { rest: words };
  const tail = words.slice(i);
  const day = tail[1] === "day" ? tail[2] : undefined;
  const n = day !== undefined && /^\d+$/.test(day) ? Number(day) : NaN;
  if (!Number.isInteger(n) || n > MAX_DAY) throw new WhyNotWordsError(`${WHY_NOT_USAGE}; \`${tail.join(" ")}\` is not \`at day N\` (N a whole number from 0 to ${MAX_DAY})`);
  let minutes = n * 1440 + 1439;
  if (tail.length > 3) {
    const m = tail[3] === "at" && tail.length === 5 ? /^(\d{1,2}):(\d{2})$/.exec(tail[4]!) : null;
    if (!m || Number(m[1]) > 23 || Number(m[2]) > 59) throw new WhyNotWordsError(`${WHY_NOT_USAGE}; \`${tail.slice(3).join(" ")}\` is not \`at HH:MM\` (00:00 to 23:59)`);
    minutes = n * 1440 + Number(m[1]) * 60 + Number(m[2]);
  }
  return { rest: words.slice(0, i), until: minutes };
}

/** The question the words ask; throws WhyNotWordsError for words that are not one. */
export function parseWhyNotWords(words: string[]): WhyNotQuery {
  const { rest, until } = moment(words);
  const at = until === undefined ? {} : { until };
  const [kind, ...names] = rest;
  if (kind === "rule" || kind === "stage" || kind === "route") {
    if (names.length !== 1) throw new WhyNotWordsError(`${WHY_NOT_USAGE}; \`${kind}\` needs one name${names.length > 1 ? `, not \`${names.join(" ")}\`` : ""}`);
    return { kind, name: names[0]!, ...at };
  }
  if (kind === "routed") {
    const [to, tk, name, ...more] = names;
    if (to !== "to") throw new WhyNotWordsError(`${WHY_NOT_USAGE}; write \`routed to owner NAME\``);
    if (tk === "discard" && name === undefined) return { kind: "routed", target: { kind: "discard", name: null }, ...at };
    if ((tk === "owner" || tk === "team" || tk === "queue") && name !== undefined && more.length === 0) return { kind: "routed", target: { kind: tk, name }, ...at };
    throw new WhyNotWordsError(`${WHY_NOT_USAGE}; \`routed to ${names.slice(1).join(" ")}\` is not a target`);
  }
  throw new WhyNotWordsError(`${WHY_NOT_USAGE}, not \`${words.join(" ")}\``);
}

/** How the answer's text is dressed: colours (identity functions for none) and how a step's place is written. */
export interface WhyNotStyle {
  bold(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  red(s: string): string;
  dim(s: string): string;
  /** `rules/scoring.crmrules:12:3`. */
  place(source: SourceRef): string;
}

const MARK: Record<WhyNotStep["result"], string> = { passed: "✓", happened: "✓", failed: "✗", unknown: "?", "held back": "!", "never happened": "–" };

/** The answer as text lines: the question, the summary, then each step with its place and the condition part by part. */
export function whyNotText(subject: string, a: WhyNotAnswer, style: WhyNotStyle): string {
  const c = style;
  const out = [c.bold(`${subject}: why not ${a.question}? (up to ${a.moment})`), a.happened ? c.green(a.summary) : a.summary];
  const walk = (steps: WhyNotStep[], indent: string) => {
    for (const s of steps) {
      const mark = MARK[s.result];
      const tone = s.result === "passed" || s.result === "happened" ? c.green : s.result === "held back" || s.result === "unknown" ? c.yellow : s.result === "never happened" ? c.dim : c.red;
      const where = s.source ? `  ${c.dim(style.place(s.source))}` : "";
      out.push(`${indent}${tone(mark)} ${s.text}: ${s.detail}${where}`);
      if (s.condition && s.condition.op !== null) for (const line of conditionLines(s.condition, indent + "    ").slice(1)) out.push(line);
      else if (s.condition && s.condition.note) out.push(`${indent}    (${s.condition.note})`);
      walk(s.steps, indent + "  ");
    }
  };
  walk(a.steps, "  ");
  return out.join("\n") + "\n";
}
