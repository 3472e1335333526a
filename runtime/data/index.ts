/**
 * Reading data sources through DuckDB (docs/data.md): Parquet, CSV, JSON and JSON Lines files,
 * folders and globs of them, DuckDB database tables and SQL queries, in the event log's own shape
 * or through a mapping (`crmrules.map.json`). JSON Lines logs in the log's own shape are read by
 * runtime/bulk without DuckDB.
 */
import type { NumberedLine } from "../bulk/lines.js";
import { Duck } from "./duck.js";
import { nativeChunks } from "./native.js";
import { describeSource, resolveSource, type SourceSpec } from "./source.js";

export { DuckDBUnavailable, loadDuckDB, unavailableMessage, bindingPackage } from "./duckdb.js";
export { SourceError, resolveSource, describeSource, formatOf } from "./source.js";
export type { SourceSpec, FileFormat } from "./source.js";
export { Duck, duckMessage } from "./duck.js";

/** True when `arg` is read by the JSON Lines reader (no DuckDB): `-`, or a `.jsonl`/`.ndjson` file in the log's shape. */
export function isJsonLinesLog(arg: string): boolean {
  return arg === "-" || /\.(jsonl|ndjson)$/i.test(arg);
}

export interface DataSource {
  /** The source as messages name it. */
  name: string;
  spec: SourceSpec;
  /** The records, numbered by row, in the order the source holds them. */
  chunks(): AsyncGenerator<NumberedLine[]>;
}

/** A source in the event log's own shape, read through DuckDB. */
export function nativeSource(arg: string, cwd: string): DataSource {
  const spec = resolveSource(arg, cwd);
  const name = describeSource(spec, cwd);
  return {
    name,
    spec,
    async *chunks() {
      const duck = await Duck.open();
      try {
        yield* nativeChunks(duck, await duck.relation(spec, true), name);
      } finally {
        duck.close();
      }
    },
  };
}
