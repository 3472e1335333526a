/**
 * Test helpers: a minimal WorkspaceCheck built from parse results (imports
 * resolved by relative path), used until/unless the real checker is wired in.
 */
import { resolve, posix } from "node:path";
import { crmSources } from "../support/files.js";
import { parse, type ParseResult } from "../../core/syntax/parse.js";
import type { WorkspaceCheck } from "../../core/workspace.js";
import { compile, type CompiledRules } from "../../core/engine/index.js";
import { checkWorkspace } from "../../core/checker/check.js";

export function workspaceFromTexts(root: string, files: Record<string, string>): WorkspaceCheck {
  const parsed = new Map<string, ParseResult>();
  for (const [uri, text] of Object.entries(files)) parsed.set(uri, parse(text, uri));
  const importsOf = (uri: string): string[] => {
    const pr = parsed.get(uri);
    if (!pr) return [];
    return pr.file.imports.filter((i) => i.path).map((i) => posix.normalize(posix.join(posix.dirname(uri), i.path!.value)));
  };
  const visibleFiles = (uri: string): string[] => {
    const seen: string[] = [];
    const visit = (u: string) => {
      if (seen.includes(u) || !parsed.has(u)) return;
      seen.push(u);
      for (const i of importsOf(u)) visit(i);
    };
    visit(uri);
    return seen;
  };
  return {
    root,
    files: parsed,
    diagnostics: [...parsed.values()].flatMap((p) => p.diagnostics),
    symbols: new Map(),
    references: [],
    visibleFiles,
    dependents: (uri) => [...parsed.keys()].filter((u) => visibleFiles(u).includes(uri)),
  };
}

/** Compiles a single text (plus optional extra files) as `/ws/main.crmrules`. */
export function compileText(text: string, extra: Record<string, string> = {}): CompiledRules {
  const all = { "/ws/main.crmrules": text, ...extra };
  const ws = process.env["ENGINE_LITE_CHECK"] === "1" ? workspaceFromTexts("/ws", all) : checkWorkspace({ root: "/ws", files: Object.entries(all).map(([uri, t]) => ({ uri, text: t })) });
  const errors = ws.diagnostics.filter((d) => d.severity === "error");
  if (errors.length) throw new Error(errors.map((d) => `${d.uri}:${d.range.start.line + 1}:${d.range.start.character + 1} ${d.message}`).join("\n"));
  return compile(ws, "/ws/main.crmrules");
}

export function loadDir(dir: string): Record<string, string> {
  const root = resolve(dir);
  const out: Record<string, string> = {};
  for (const f of crmSources(root)) out["/ws/" + f.uri.slice(root.length + 1).split("\\").join("/")] = f.text;
  return out;
}
