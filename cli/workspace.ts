/**
 * Turning files into a checked workspace and its journeys. This is the one
 * place the CLI meets the checker and the engine's compiler, so `check`,
 * `test`, `simulate` and `diff` agree on what a workspace says.
 */
import type * as A from "../core/syntax/ast.js";
import type { SourceFile, WorkspaceCheck } from "../core/workspace.js";
import { checkWorkspace } from "../core/checker/check.js";
import { compile, type CompiledRules } from "../core/engine/index.js";

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

/** Every named journey of the workspace, in file then source order, with the rules its file sees. */
export function journeysOf(check: WorkspaceCheck): WorkspaceJourney[] {
  const out: WorkspaceJourney[] = [];
  for (const uri of [...check.files.keys()].sort()) {
    const pr = check.files.get(uri)!;
    const decls = pr.file.decls.filter((d): d is A.JourneyDecl => d.kind === "Journey" && d.name !== undefined);
    if (decls.length === 0) continue;
    const rules = compile(check, uri);
    for (const decl of decls) out.push({ name: decl.name!.value, uri, decl, rules });
  }
  return out;
}
