/**
 * The client's settings for the server (`crmrules.format`): sent in the
 * initialization options, pushed with `workspace/didChangeConfiguration`, or
 * pulled with `workspace/configuration` when the client answers it.
 */
import type * as L from "vscode-languageserver";
import { readFormatSettings, type FormatSettings } from "./formatting.js";

export class Settings {
  format: FormatSettings = {};
  /** The client answers `workspace/configuration` (the settings are pulled, section `crmrules.format`). */
  private configurationPull = false;

  constructor(
    private readonly connection: L.Connection,
    private readonly log: (m: string) => void,
  ) {
    connection.onDidChangeConfiguration((e) => {
      // Pushed settings: `{ crmrules: { format: {…} } }` (VS Code's configurationSection) or `{ format: {…} }`.
      const s = e.settings as { crmrules?: { format?: unknown }; format?: unknown } | null | undefined;
      const pushed = s?.crmrules ? s.crmrules.format : s?.format;
      if (pushed !== undefined) this.format = readFormatSettings(pushed);
      else if (this.configurationPull) this.pull();
    });
  }

  /** At `initialize`: whether the client can be asked, and the settings it sent with it. */
  initialize(configurationPull: boolean, format: unknown): void {
    this.configurationPull = configurationPull;
    this.format = readFormatSettings(format);
  }

  /** At `initialized`: asks the client, if it can answer. */
  initialized(): void {
    if (this.configurationPull) this.pull();
  }

  /** Asks the client for `crmrules.format` (a client that cannot answer keeps the settings it sent otherwise). */
  private pull(): void {
    this.connection.workspace.getConfiguration("crmrules.format").then(
      (v: unknown) => {
        if (v && typeof v === "object") this.format = readFormatSettings(v);
      },
      (e: unknown) => this.log(`workspace/configuration failed: ${String(e)}`),
    );
  }
}
