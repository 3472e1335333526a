/** The rules a bulk replay uses: workspace files plus the file whose visible declarations apply. */
import type { SourceFile } from "../../core/workspace.js";
import { checkWorkspace } from "../../core/checker/check.js";
import { compile, type CompiledRules } from "../../core/engine/index.js";

export interface RulesSpec {
  root: string;
  files: SourceFile[];
  /** The file whose visible declarations (itself plus imports) are replayed. */
  fromUri: string;
}

export function compileSpec(spec: RulesSpec): CompiledRules {
  return compile(checkWorkspace({ root: spec.root, files: spec.files }), spec.fromUri);
}
