/**
 * DuckDB, loaded lazily (docs/data.md). `@duckdb/node-api` and its native binary
 * (`@duckdb/node-bindings-<platform>-<arch>`) are an optional companion of the CLI: the bundles
 * never include them, and nothing loads them until a source other than JSON Lines is read. On a
 * machine without them every JSON Lines feature works as before, and reading a Parquet, CSV,
 * JSON or DuckDB source is one clear error naming the missing package and the JSON Lines way.
 */
import { createRequire } from "node:module";
import { join } from "node:path";
import type * as Duck from "@duckdb/node-api";

export type DuckModule = typeof Duck;

/** DuckDB cannot be loaded here: `message` names what is missing and what works instead. */
export class DuckDBUnavailable extends Error {
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = "DuckDBUnavailable";
  }
}

const PACKAGE = "@duckdb/node-api";

let loaded: DuckModule | null = null;

/** The binary package DuckDB needs on this machine (`@duckdb/node-bindings-linux-x64`). */
export function bindingPackage(platform: string = process.platform, arch: string = process.arch): string {
  return `@duckdb/node-bindings-${platform}-${arch}`;
}

/** What DuckDB is needed for, and what works without it (the message's second half). */
export interface DuckDBUse {
  needs: string;
  instead: string;
}

/** Reading sources other than JSON Lines: the default use. */
export const READING: DuckDBUse = {
  needs: "Reading Parquet, CSV, JSON and DuckDB sources",
  instead: "convert the data to crmrules' JSON Lines event log (docs/event-log.md) and pass that file: JSON Lines is read without DuckDB",
};

/** Why loading failed, in words (the missing package or binary first), then what needs DuckDB (`use`) and what works without it. */
export function unavailableMessage(e: unknown, specifier: string = PACKAGE, use: DuckDBUse = READING): string {
  const text = (e as Error)?.message ?? String(e);
  const missing = /Cannot find module '([^']+)'/.exec(text)?.[1];
  const what =
    missing === specifier || missing === undefined
      ? missing === undefined
        ? `DuckDB could not be loaded (${text.split("\n")[0]})`
        : `DuckDB is not installed (the package \`${specifier}\` was not found)`
      : missing.includes("node-bindings")
        ? `DuckDB's native binary for this machine is missing (\`${missing.replace(/\/duckdb\.node$/, "")}\`, expected with \`${specifier}\`)`
        : `DuckDB could not be loaded: \`${missing}\` is missing`;
  return `${what}. ${use.needs} needs it: \`npm install --save-dev ${PACKAGE}\` beside crmrules (its binary, ${bindingPackage()}, comes from npm with it). Without DuckDB, ${use.instead}.`;
}

/**
 * Loads `@duckdb/node-api` (once): installed beside crmrules, else in the working directory's
 * project (a crmrules installed elsewhere still finds the project's DuckDB). `specifier` and
 * `from` are for tests (a package that is missing, or whose binary is). Throws
 * `DuckDBUnavailable` with a message for people.
 */
export function loadDuckDB(specifier: string = PACKAGE, from: string[] = [join(process.cwd(), "noop.js")], use: DuckDBUse = READING): DuckModule {
  if (loaded && specifier === PACKAGE) return loaded;
  let m: DuckModule | undefined;
  let failure: unknown;
  // A require of a computed name: esbuild leaves it to Node's resolution at run time.
  for (const req of [require, ...from.map((f) => createRequire(f))]) {
    try {
      m = req(specifier) as DuckModule;
      break;
    } catch (e) {
      // The first failure that is not "not found here" says most (a missing binary, a broken install).
      if (failure === undefined || !isNotFound(e, specifier)) failure = isNotFound(failure, specifier) || failure === undefined ? e : failure;
    }
  }
  if (!m) throw new DuckDBUnavailable(unavailableMessage(failure, specifier, use), failure);
  if (specifier === PACKAGE) loaded = m;
  return m;
}

function isNotFound(e: unknown, specifier: string): boolean {
  return (e as NodeJS.ErrnoException)?.code === "MODULE_NOT_FOUND" && ((e as Error).message ?? "").includes(`'${specifier}'`);
}
