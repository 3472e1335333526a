/**
 * The completion context: what the text before the cursor says about where it
 * is (the line so far, the last tokens before the word being typed, the
 * enclosing `{` blocks), read from tokens and never from a successful parse.
 */
import type { IToken } from "chevrotain";
import { crmLexer, NAME_PART, NAME_START } from "../../../core/syntax/tokens.js";
import type { Snapshot } from "../workspace.js";
import { Scope } from "./scope.js";

/** A name (Unicode letters, as the lexer reads them) and "not inside a name" for the line patterns of the providers. */
export const NAME = `${NAME_START}${NAME_PART}*`;
export const B = `(?<!${NAME_PART})`;

export interface Block {
  keyword: string;
  /** The event named just before `{` (journey step payloads). */
  event?: string;
}

export interface Context {
  snap: Snapshot;
  path: string;
  /** The document's text before the cursor. */
  before: string;
  /** The cursor's line up to the cursor. */
  line: string;
  /** The tokens before the word being typed (from the start of the enclosing declaration). */
  prior: IToken[];
  /** The images of the last and second-to-last of `prior` ("" when there are none). */
  prev: string;
  prev2: string;
  /** Enclosing blocks, outermost first; `block` is the innermost. */
  stack: Block[];
  block: Block | undefined;
  scope: Scope;
}

/** Enclosing `{` blocks at the cursor, outermost first, with the word that opened each. */
function blocks(tokens: { image: string }[]): Block[] {
  const stack: Block[] = [];
  let declKw = "";
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!.image;
    if (stack.length === 0 && /^(lead|event|score|grade|team|route|consent|workflow|journey)$/.test(t)) declKw = t;
    if (t === "{") {
      const prev = tokens[i - 1]?.image ?? "";
      if (stack.length === 0) stack.push({ keyword: declKw });
      else if (prev === "lead" || prev === "update") stack.push({ keyword: "leadRecord" });
      else stack.push({ keyword: "payload", event: prev });
    } else if (t === "}") stack.pop();
  }
  return stack;
}

/**
 * Where to start reading tokens for a completion at `offset`: the start of
 * the last top-level declaration that starts before it (the parser's view),
 * or the file's start. Only the enclosing blocks and the last few tokens
 * matter, so a 1 MB document is not lexed up to the cursor on every request.
 */
export function contextStart(decls: readonly { range: { start: { offset: number } } }[] | undefined, offset: number): number {
  if (!decls?.length) return 0;
  let lo = 0;
  let hi = decls.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (decls[mid]!.range.start.offset < offset) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found < 0 ? 0 : decls[found]!.range.start.offset;
}

export function completionContext(snap: Snapshot, text: string, offset: number, path: string): Context {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf("\n") + 1;
  const line = before.slice(lineStart);
  const pr = snap.file(path);
  const from = pr && pr.lines.text === text ? contextStart(pr.file.decls, offset) : 0;
  const lexed = crmLexer.tokenize(from ? text.slice(from, offset) : before);
  const toks = lexed.tokens;
  const partial = new RegExp(`${NAME}$`, "u").exec(before)?.[0] ?? "";
  const prior = partial && toks.length && from + toks[toks.length - 1]!.endOffset! + 1 === offset ? toks.slice(0, -1) : toks;
  const prev = prior[prior.length - 1]?.image ?? "";
  const prev2 = prior[prior.length - 2]?.image ?? "";
  const stack = blocks(prior);
  const block = stack[stack.length - 1];
  return { snap, path, before, line, prior, prev, prev2, stack, block, scope: new Scope(snap, path) };
}
