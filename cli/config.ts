/**
 * crmrules.json for the command line: found from the current folder up (to the repository's
 * top, a folder holding `.git`, or the file system's root), read, and checked by
 * core/config/config.ts. Applied before every command (cli/main.ts) as defaults under the
 * command line: an option given on the command line wins, then crmrules.json, then the
 * built-in default. A broken file is a usage error naming each problem at file:line:column.
 */
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import type { Command } from "commander";
import type { CrmrulesConfig } from "../core/config/config.js";
import { CONFIG_FILE } from "../core/config/file.js";
import { UsageError } from "./exit.js";
import { displayPath } from "./files.js";

export interface LoadedConfig {
  /** The file's absolute path. */
  file: string;
  config: CrmrulesConfig;
}

/** The nearest crmrules.json from `cwd` up, or undefined. */
export function findConfig(cwd: string): string | undefined {
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    const f = path.join(dir, CONFIG_FILE);
    if (existsSync(f)) return f;
    if (existsSync(path.join(dir, ".git")) || path.dirname(dir) === dir) return undefined;
  }
}

/**
 * Reads and checks a config file; a problem is a UsageError with every place. The checker
 * (core/config/config.ts, with ajv) is loaded only here, when a file is found.
 */
export async function readConfig(file: string, cwd: string): Promise<LoadedConfig> {
  const name = displayPath(file.split(path.sep).join("/"), cwd);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new UsageError(`${name} cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  const { parseConfig } = await import("../core/config/config.js");
  const r = parseConfig(text);
  if (!r.ok) throw new UsageError(`${name} is not a valid configuration:\n${r.problems.map((p) => `  ${name}:${p.line}:${p.column}: ${p.message}`).join("\n")}`);
  return { file, config: r.config };
}

export async function loadConfig(cwd: string): Promise<LoadedConfig | undefined> {
  const f = findConfig(cwd);
  return f ? await readConfig(f, cwd) : undefined;
}

/** The `--min-coverage` text for a configured minimum: `80`, or `rules=90,stages=100`. */
export function minCoverageText(min: number | Record<string, number>): string {
  return typeof min === "number" ? String(min) : Object.entries(min).map(([k, v]) => `${k}=${v}`).join(",");
}

/**
 * Sets the options of `cmd` the command line left at their defaults from the configuration
 * (the commands then run as if those values had been typed). The loaded configuration itself
 * is the `config` option value, for commands that need more (`lint`'s rules).
 */
export function applyConfig(cmd: Command, loaded: LoadedConfig): void {
  const { config } = loaded;
  const unset = (key: string) => {
    const src = cmd.getOptionValueSource(key);
    return src === undefined || src === "default";
  };
  const set = (key: string, value: unknown) => {
    if (unset(key)) cmd.setOptionValueWithSource(key, value, "config");
  };
  const has = (flag: string) => cmd.options.some((o) => o.long === flag);
  cmd.setOptionValueWithSource("config", loaded, "config");
  if (config.root !== undefined && has("--root")) set("root", path.resolve(path.dirname(loaded.file), config.root));
  const name = cmd.name() as keyof NonNullable<CrmrulesConfig["output"]>;
  const fmt = config.output?.[name];
  if (fmt !== undefined && has("--format")) set("format", fmt);
  if (config.coverage?.minimum !== undefined && has("--min-coverage")) set("minCoverage", minCoverageText(config.coverage.minimum));
  if (name === ("fmt" as string) && config.format) {
    if (config.format.indentSize !== undefined) set("indent", String(config.format.indentSize));
    if (config.format.alignRuleColons !== undefined) set("alignRuleColons", config.format.alignRuleColons);
    if (config.format.maxLineLength !== undefined) set("maxLineLength", config.format.maxLineLength);
  }
}
