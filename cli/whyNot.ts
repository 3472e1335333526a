/** `--why-not …` for `simulate` and `eval`: core/engine/whyNotText.ts's question and answer, with the CLI's usage errors, colours and places. */
import type { WhyNotAnswer, WhyNotQuery } from "../core/engine/explain.js";
import { parseWhyNotWords, whyNotText, WhyNotWordsError } from "../core/engine/whyNotText.js";
import type { Colors } from "./color.js";
import { UsageError } from "./exit.js";
import { displayPath } from "./files.js";
import { location } from "./output/caret.js";
import { escapeControls } from "./output/safe.js";

export { WHY_NOT_USAGE } from "../core/engine/whyNotText.js";

export function parseWhyNot(words: string[] | undefined): WhyNotQuery | undefined {
  if (!words) return undefined;
  try {
    return parseWhyNotWords(words);
  } catch (e) {
    if (e instanceof WhyNotWordsError) throw new UsageError(e.message);
    throw e;
  }
}

/** The answer as text lines: the question, the summary, then each step with its place and the condition part by part. */
export function renderWhyNot(subject: string, a: WhyNotAnswer, cwd: string, c: Colors): string {
  return whyNotText(escapeControls(subject), a, { ...c, place: (s) => location(displayPath(s.uri, cwd), s.range) });
}
