/**
 * `checkWorkspace`: parse → bind → resolve and type → analyses, producing the
 * `WorkspaceCheck` contract of core/workspace.ts. Pure: no IO, no clock.
 */
import type { WorkspaceCheck, WorkspaceInput } from "../workspace.js";
import { compareDiagnostics, type Diagnostic } from "../diagnostics/diagnostic.js";
import { bind, type Binding } from "../binder/bind.js";
import { Checker } from "./checker.js";
import { checkFile } from "./declarations.js";
import { unusedDeclarations } from "./unused.js";
import { structureChecks } from "./structure.js";
import { runAnalyses } from "./analyses/index.js";
import type { MaxScore } from "./analyses/unreachableStages.js";

/** The full result, with the internal model the queries and analyses use. */
export interface CheckResult extends WorkspaceCheck {
  /** @internal binder state (symbol tables, visibility). */
  readonly binding: Binding;
  /** @internal type information. */
  readonly checker: Checker;
  /** The most each score can ever hold, by score symbol id (see `maxPossibleScore`). */
  readonly maxScores: Map<string, MaxScore>;
  /** The diagnostics of one file, sorted (what an editor publishes for it). */
  diagnosticsOf(uri: string): Diagnostic[];
}

export interface CheckOptions {
  /** A previous check: files whose text is unchanged reuse its parse results (editors re-check on every keystroke). */
  previous?: WorkspaceCheck;
}

export function checkWorkspace(input: WorkspaceInput, options: CheckOptions = {}): CheckResult {
  const b = bind(input, options.previous?.files);
  const c = new Checker(b);
  for (const [uri, pr] of b.files) checkFile(c, uri, pr.file);
  const diagnostics: Diagnostic[] = [...b.diagnostics, ...c.diagnostics];
  diagnostics.push(...unusedDeclarations(b));
  diagnostics.push(...structureChecks(b));
  const maxScores = new Map<string, MaxScore>();
  diagnostics.push(...runAnalyses(b, c, maxScores));
  diagnostics.sort(compareDiagnostics);
  const dependentsMemo = new Map<string, string[]>();
  let byUri: Map<string, Diagnostic[]> | undefined;
  return {
    root: b.root,
    files: b.files,
    diagnostics,
    symbols: b.symbols,
    references: b.references,
    binding: b,
    checker: c,
    maxScores,
    diagnosticsOf(uri: string): Diagnostic[] {
      if (!byUri) {
        byUri = new Map();
        for (const d of diagnostics) {
          const l = byUri.get(d.uri);
          if (l) l.push(d);
          else byUri.set(d.uri, [d]);
        }
      }
      return byUri.get(uri) ?? [];
    },
    visibleFiles(uri: string): string[] {
      return [...(b.visible.get(uri) ?? (b.files.has(uri) ? [uri] : []))].sort();
    },
    dependents(uri: string): string[] {
      const memo = dependentsMemo.get(uri);
      if (memo) return memo;
      const seen = new Set<string>([uri]);
      const queue = [uri];
      while (queue.length) for (const i of b.importers.get(queue.pop()!) ?? []) if (!seen.has(i)) (seen.add(i), queue.push(i));
      const out = [...seen].filter((u) => b.files.has(u)).sort();
      dependentsMemo.set(uri, out);
      return out;
    },
  };
}
