/**
 * Why-not from the editor (issue 17 item 3): the command `crmrules.server.whyNot` runs a journey
 * and answers a question in `--why-not`'s words (`stage mql`, `routed to team sdr at day 3`) with
 * core/engine/explain.ts's answer, and a code action on each failing expectation (CR3040) whose
 * question follows from the `expect` asks it. The question's words and the answer's text have one
 * home, core/engine/whyNotText.ts (the CLI's `--why-not` uses it too); here without colours.
 */
import { dirname, isAbsolute, relative, sep } from "node:path";
import * as L from "vscode-languageserver";
import type * as A from "../../core/syntax/ast.js";
import { journeySubject, whyNot, type WhyNotAnswer, type WhyNotQuery } from "../../core/engine/explain.js";
import { MAX_DAY } from "../../core/time.js";
import type { ParseResult } from "../../core/syntax/parse.js";
import { parseWhyNotWords, whyNotText, type WhyNotStyle } from "../../core/engine/whyNotText.js";
import type { JourneyRunner } from "./journeys.js";
import { journeysOf } from "./journeys.js";
import type { Snapshot } from "./workspace.js";
import { uriToPath } from "./uri.js";

export const WHY_NOT_COMMAND = "crmrules.server.whyNot";

/** What `crmrules.server.whyNot` answers: the text shown, the question as read and explain.ts's answer. */
export interface WhyNotResult {
  message: string;
  query: WhyNotQuery;
  answer: WhyNotAnswer;
}

const same = (s: string) => s;

/** No colours; places relative to the journey's folder, as the CLI shows them from there. */
function plainStyle(folder: string): WhyNotStyle {
  return {
    bold: same,
    green: same,
    yellow: same,
    red: same,
    dim: same,
    place(src) {
      const file = uriToPath(src.uri);
      const rel = relative(folder, file);
      const shown = rel === "" ? "." : rel.startsWith("..") || isAbsolute(rel) ? file : rel;
      return `${shown.split(sep).join("/")}:${src.range.start.line + 1}:${src.range.start.character + 1}`;
    },
  };
}

const bad = (message: string) => new L.ResponseError(L.ErrorCodes.InvalidParams, message);

/** Runs `crmrules.server.whyNot` with `{ uri, journey, question }`; a bad argument or question is an InvalidParams error. */
export function runWhyNot(snap: Snapshot, runner: JourneyRunner, args: unknown[] | undefined, show: (type: L.MessageType, message: string) => void): WhyNotResult {
  const a = Array.isArray(args) ? (args[0] as Record<string, unknown> | undefined) : undefined;
  if (!a || typeof a !== "object" || typeof a.uri !== "string" || typeof a.journey !== "string" || typeof a.question !== "string")
    throw bad(`${WHY_NOT_COMMAND} takes one argument { uri, journey, question } (three texts), e.g. { "uri": "file:///…/journeys.crmrules", "journey": "…", "question": "stage mql" }`);
  const path = uriToPath(a.uri);
  const words = a.question.trim().split(/\s+/).filter((w) => w !== "");
  let query: WhyNotQuery;
  try {
    query = parseWhyNotWords(words.length ? words : [""]);
  } catch (e) {
    throw bad(`the question \`${a.question}\`: ${(e as Error).message.replace(/`--why-not` takes/, "a why-not question is")}`);
  }
  const journey = journeysOf(snap, path).find((j) => j.name!.value === a.journey);
  if (!journey) throw bad(`there is no journey named "${a.journey}" in this file`);
  const rules = runner.rules(snap, path);
  if (rules instanceof Error) throw bad(`journey "${a.journey}" cannot run: ${rules.message}`);
  let answer: WhyNotAnswer;
  try {
    answer = whyNot(rules, journeySubject(rules, journey), query);
  } catch (e) {
    // An unknown name (explain.ts's whyNotProblem), with a did-you-mean.
    throw bad(`the question \`${a.question}\`: ${(e as Error).message}`);
  }
  const message = whyNotText(`journey "${a.journey}"`, answer, plainStyle(dirname(path))).trimEnd();
  show(answer.happened ? L.MessageType.Info : L.MessageType.Warning, message);
  return { message, query, answer };
}

/** "Explain why not: …" on each failing expectation (CR3040) the client sends whose `expect` asks a why-not question. */
export function whyNotActions(pr: ParseResult, params: L.CodeActionParams): L.CodeAction[] {
  const out: L.CodeAction[] = [];
  for (const d of params.context.diagnostics) {
    if (d.code !== "CR3040") continue;
    for (const j of pr.file.decls) {
      if (j.kind !== "Journey" || !j.name) continue;
      const i = j.steps.findIndex((s) => s.kind === "ExpectStep" && s.range.start.line === d.range.start.line && s.range.start.character === d.range.start.character);
      if (i < 0) continue;
      const question = questionOf(j, i);
      if (!question) continue;
      const args = { uri: params.textDocument.uri, journey: j.name.value, question };
      out.push({ title: `Explain why not: ${question}`, kind: L.CodeActionKind.QuickFix, diagnostics: [d], command: { title: `Explain why not: ${question}`, command: WHY_NOT_COMMAND, arguments: [args] } });
    }
  }
  return out;
}

/** The why-not question an `expect` step asks (null when none follows from it), at the step's moment unless it is the journey's last step. */
function questionOf(j: A.JourneyDecl, i: number): string | null {
  const x = (j.steps[i] as A.ExpectStep).expectation;
  let q: string | null = null;
  if (x?.kind === "ExpectStage" && x.op === "==" && x.stage) q = `stage ${x.stage.text}`;
  else if (x?.kind === "ExpectRouted" && !x.negated && !x.escalated && x.target) {
    const t = x.target;
    if (t.targetKind === "discard") q = "routed to discard";
    else if (t.ref) q = `routed to ${t.targetKind} ${t.ref.text}`;
  }
  if (!q) return null;
  if (i === j.steps.length - 1) return q;
  // The moment the step runs at, as journeySubject computes it (a step written earlier than the one before runs at that one's time).
  let now = 0;
  for (const s of j.steps.slice(0, i + 1)) {
    const day = s.time?.day?.value;
    if (day === undefined || !Number.isFinite(day) || day > MAX_DAY) continue;
    now = Math.max(now, day * 1440 + (s.time?.timeOfDay?.minutes ?? 0));
  }
  const hhmm = `${String(Math.floor((now % 1440) / 60)).padStart(2, "0")}:${String(now % 60).padStart(2, "0")}`;
  return `${q} at day ${Math.floor(now / 1440)} at ${hhmm}`;
}
