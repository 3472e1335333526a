/**
 * Turning files into a checked workspace and its journeys. This is the one
 * place the CLI meets the checker and the engine's compiler, so `check`,
 * `test`, `simulate` and `diff` agree on what a workspace says.
 */
import type * as A from "../core/syntax/ast.js";
import type { SourceFile, WorkspaceCheck } from "../core/workspace.js";
import { checkWorkspace } from "../core/checker/check.js";
import { compile, type CompiledRules } from "../core/engine/index.js";
import type { Diagnostic } from "../core/diagnostics/diagnostic.js";
import { guarded, internalErrorDiagnostic, type Phase } from "../core/diagnostics/internalError.js";

/**
 * Internal errors met while simulating (compiling a file's rules, running a
 * journey), one CR9001 per file: the file's journeys are left out and every
 * other file's run as usual (the guard per file, core/diagnostics/internalError.ts).
 */
export class InternalErrors {
  readonly list: Diagnostic[] = [];
  private readonly files = new Set<string>();
  add(uri: string, phase: Phase, error: unknown): void {
    if (this.files.has(uri)) return;
    this.files.add(uri);
    this.list.push(internalErrorDiagnostic(uri, phase, error));
  }
  has(uri: string): boolean {
    return this.files.has(uri);
  }
}

/** The rules `uri` sees, or undefined (recorded in `internal`) when compiling them fails internally. */
export function compileGuarded(check: WorkspaceCheck, uri: string, internal: InternalErrors): CompiledRules | undefined {
  return guarded("simulate", uri, () => compile(check, uri), (e) => (internal.add(uri, "simulate", e), undefined));
}

/** Checks files; with `previous` (a check of a similar workspace under the same root), unchanged files reuse its results. */
export function checkFiles(root: string, files: SourceFile[], previous?: WorkspaceCheck): WorkspaceCheck {
  return checkWorkspace({ root, files }, previous ? { previous } : {});
}

export interface WorkspaceJourney {
  name: string;
  uri: string;
  decl: A.JourneyDecl;
  /** The rules visible from the journey's file. */
  rules: CompiledRules;
}

/**
 * Every named journey of the workspace, in file then source order, with the rules its file sees.
 * With `internal`, a file whose rules fail to compile is recorded there and its journeys left out.
 */
export function journeysOf(check: WorkspaceCheck, internal?: InternalErrors): WorkspaceJourney[] {
  const out: WorkspaceJourney[] = [];
  for (const uri of [...check.files.keys()].sort()) {
    const pr = check.files.get(uri)!;
    const decls = pr.file.decls.filter((d): d is A.JourneyDecl => d.kind === "Journey" && d.name !== undefined);
    if (decls.length === 0) continue;
    const rules = internal ? compileGuarded(check, uri, internal) : compile(check, uri);
    if (!rules) continue;
    for (const decl of decls) out.push({ name: decl.name!.value, uri, decl, rules });
  }
  return out;
}
