/**
 * crmrules.json in the language server (docs/cli.md, "The configuration file"): read at the
 * root of each workspace folder (core/config/config.ts checks it), read again when it changes
 * (watched with the rules files), and applied: its lint rules to the style linter's findings,
 * published as diagnostics with the source `crmrules-lint` (core/lint/lint.ts), and its
 * formatter options over the editor's `crmrules.format` settings. A broken file is logged and
 * shown once as a message; the server then works as without it (the editor never stops).
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import type * as L from "vscode-languageserver";
import { CONFIG_FILE, parseConfig, type CrmrulesConfig } from "../../core/config/config.js";
import { lintWorkspace } from "../../core/lint/lint.js";
import type { LintDiagnostic } from "../../core/diagnostics/diagnostic.js";
import type { WorkspaceCheck } from "../../core/workspace.js";
import type { Snapshot } from "./workspace.js";
import type { FormatSettings } from "./formatting.js";

export class WorkspaceConfig {
  /** Each workspace folder's configuration (folders without a valid file have none). */
  private byRoot = new Map<string, CrmrulesConfig>();
  /** Lint findings by file, per check (a check is immutable: a new one after each change). */
  private lintCache = new WeakMap<WorkspaceCheck, Map<string, LintDiagnostic[]>>();
  private shown = new Set<string>();

  constructor(
    private readonly connection: L.Connection,
    private readonly log: (m: string) => void,
  ) {}

  /** Reads every root's crmrules.json (at start, when folders change, when one of the files changes). */
  load(roots: readonly string[]): void {
    this.byRoot = new Map();
    this.lintCache = new WeakMap();
    for (const root of roots) {
      const file = path.posix.join(root, CONFIG_FILE);
      let text: string;
      try {
        text = readFileSync(file, "utf8");
      } catch {
        continue; // no file: the defaults
      }
      const r = parseConfig(text);
      if (r.ok) {
        this.byRoot.set(root, r.config);
        this.shown.delete(file);
        continue;
      }
      const lines = r.problems.map((p) => `${file}:${p.line}:${p.column}: ${p.message}`);
      this.log(`${CONFIG_FILE} ignored:\n${lines.join("\n")}`);
      if (!this.shown.has(file)) {
        this.shown.add(file);
        void this.connection.window.showWarningMessage(`${CONFIG_FILE} is ignored: ${lines[0]}${lines.length > 1 ? ` (and ${lines.length - 1} more)` : ""}`);
      }
    }
  }

  /** Whether a changed file is a workspace root's crmrules.json. */
  isConfigFile(file: string, roots: readonly string[]): boolean {
    return path.posix.basename(file) === CONFIG_FILE && roots.includes(path.posix.dirname(file));
  }

  /** The configuration that applies to `file`: its folder's (the innermost root holding it). */
  configOf(file: string): CrmrulesConfig | undefined {
    let best: string | undefined;
    for (const root of this.byRoot.keys()) if ((file === root || file.startsWith(root.endsWith("/") ? root : root + "/")) && (!best || root.length > best.length)) best = root;
    return best === undefined ? undefined : this.byRoot.get(best);
  }

  /** The formatter settings: crmrules.json's `format` over the editor's. */
  format(editor: FormatSettings, file?: string): FormatSettings {
    const f = file ? this.configOf(file)?.format : undefined;
    return { ...editor, ...(f ?? {}) };
  }

  /** The style linter's findings on one file (the whole check is linted once, then read per file). */
  lintDiagnostics(snap: Snapshot, file: string): LintDiagnostic[] {
    const config = this.configOf(file);
    // The editor lints the folders that have a crmrules.json (`{}` is enough): a project opts in, as it does for `crmrules lint` in CI.
    if (!config) return [];
    const check = snap.checkOf(file);
    if (!check) return [];
    let byFile = this.lintCache.get(check);
    if (!byFile) {
      byFile = new Map();
      try {
        for (const d of lintWorkspace(check, { rules: config.lint?.rules ?? {} })) byFile.set(d.uri, [...(byFile.get(d.uri) ?? []), d]);
      } catch (e) {
        this.log(`linting failed: ${(e as Error).stack ?? String(e)}`);
      }
      this.lintCache.set(check, byFile);
    }
    return byFile.get(file) ?? [];
  }
}
