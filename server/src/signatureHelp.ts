/**
 * Signature help inside an action call: `do send_email(`, `expect sent x(`,
 * `expect blocked x(`, `expect not sent x(`. The call is found in the tokens
 * before the cursor (read from the start of the enclosing top-level
 * declaration, as completion does), so it works on half-typed input; the
 * action is the one the file sees, as the checker resolves it (`lookup`).
 * The active parameter is the number of commas of the call before the cursor
 * (commas inside strings, brackets and nested parentheses do not count); the
 * cursor may be inside a list or parentheses within an argument.
 */
import * as L from "vscode-languageserver";
import type { IToken } from "chevrotain";
import { crmLexer } from "../../core/syntax/tokens.js";
import type * as A from "../../core/syntax/ast.js";
import { lookup, membersOf } from "../../core/checker/queries.js";
import { typeText } from "../../core/binder/bind.js";
import { contextStart } from "./completion/context.js";
import type { Snapshot } from "./workspace.js";

/** Words that start an action call. */
const CALLERS = new Set(["do", "sent", "blocked"]);
/** Tokens that cannot be inside an action call's arguments: the call was left unfinished before them. */
const BREAKS = new Set(["{", "}", "do", "wait", "expect", "day", "when", "unless", "import", "action", "workflow", "journey"]);

/** The action call the cursor is in: the action's name and the index of the argument being written. */
export function callAt(text: string, offset: number, from: number): { action: string; active: number } | undefined {
  const toks: IToken[] = crmLexer.tokenize(text.slice(from, offset)).tokens;
  /** Open brackets, innermost last; a call's `(` remembers the action name and its commas. */
  const stack: { open: string; call?: { action: string; commas: number } }[] = [];
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!.image;
    // A string's image keeps its quotes, so only the words themselves match.
    if (BREAKS.has(t)) {
      stack.length = 0;
      continue;
    }
    if (t === "(" || t === "[") {
      const name = toks[i - 1];
      const caller = toks[i - 2]?.image;
      const call = t === "(" && name?.tokenType.name === "Identifier" && caller !== undefined && CALLERS.has(caller) ? { action: name.image, commas: 0 } : undefined;
      stack.push(call ? { open: t, call } : { open: t });
    } else if (t === ")" || t === "]") {
      // Pop to the matching bracket (a stray closer of the other kind closes nothing).
      const want = t === ")" ? "(" : "[";
      const at = stack.map((s) => s.open).lastIndexOf(want);
      if (at >= 0) stack.length = at;
    } else if (t === ",") {
      const top = stack[stack.length - 1];
      if (top?.call) top.call.commas++;
    }
  }
  // The innermost call, even from inside a list or parentheses within its arguments.
  for (let i = stack.length - 1; i >= 0; i--) {
    const call = stack[i]!.call;
    if (call) return { action: call.action, active: call.commas };
  }
  return undefined;
}

/**
 * The signature of the action whose call holds the cursor. `labelOffsets`:
 * the client understands parameter labels given as offsets into the
 * signature's label (otherwise each parameter's label is its text).
 */
export function signatureHelp(snap: Snapshot, path: string, text: string, offset: number, labelOffsets = true): L.SignatureHelp | null {
  const pr = snap.file(path);
  const from = pr && pr.lines.text === text ? contextStart(pr.file.decls, offset) : 0;
  const call = callAt(text, offset, from);
  if (!call) return null;
  const check = snap.checkOf(path);
  const action = check && lookup(check, path, call.action, ["action"]);
  if (!check || !action || action.builtin) return null;
  const node = action.node as A.ActionDecl | undefined;
  const params = node?.params ?? [];
  const docs = new Map(membersOf(check, action.id).map((m) => [m.name, m.doc]));
  let label = `${action.name}(`;
  const parameters: L.ParameterInformation[] = [];
  params.forEach((p, i) => {
    if (i) label += ", ";
    const name = p.name?.text ?? "?";
    const type = typeText(p.type);
    const start = label.length;
    label += `${name}: ${type}`;
    const info: L.ParameterInformation = { label: labelOffsets ? [start, label.length] : `${name}: ${type}` };
    const doc = p.name ? docs.get(p.name.text) : undefined;
    info.documentation = { kind: L.MarkupKind.Markdown, value: doc ? `\`${type}\` — ${doc}` : `\`${type}\`` };
    parameters.push(info);
  });
  label += ")";
  const reach = node?.reach === "internal" ? "internal action" : `contact action${node?.requires ? `, requires consent for \`${node.requires.text}\`` : ""}`;
  const documentation = { kind: L.MarkupKind.Markdown, value: [action.doc, reach].filter(Boolean).join("\n\n") };
  return { signatures: [{ label, documentation, parameters, activeParameter: call.active }], activeSignature: 0, activeParameter: call.active };
}
