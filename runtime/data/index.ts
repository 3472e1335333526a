/**
 * Reading data sources through DuckDB (docs/data.md): Parquet, CSV, JSON and JSON Lines files,
 * folders and globs of them, DuckDB database tables and SQL queries, in the event log's own shape
 * or through a mapping (`crmrules.map.json`). JSON Lines logs in the log's own shape are read by
 * runtime/bulk without DuckDB.
 */
import type { NumberedLine } from "../bulk/lines.js";
import { Duck } from "./duck.js";
import { nativeChunks } from "./native.js";
import { loadMapping, mappedChunks } from "./mapped.js";
import { coerceTextRecord, type Schema } from "../../core/data/coerce.js";
import { describeSource, resolveSource, type SourceSpec } from "./source.js";

export { DuckDBUnavailable, loadDuckDB, unavailableMessage, bindingPackage } from "./duckdb.js";
export { SourceError, resolveSource, describeSource, formatOf } from "./source.js";
export type { SourceSpec, FileFormat } from "./source.js";
export { Duck, duckMessage } from "./duck.js";
export { loadMapping, MappingError } from "./mapped.js";
export type { MappingFile } from "./mapped.js";

/** True when `arg` is read by the JSON Lines reader (no DuckDB): `-`, or a `.jsonl`/`.ndjson` file in the log's shape. */
export function isJsonLinesLog(arg: string): boolean {
  return arg === "-" || /\.(jsonl|ndjson)$/i.test(arg);
}

export interface DataSource {
  /** The source as messages name it. */
  name: string;
  /** The records, numbered by row (in the order the source holds them; a mapped source's lead by lead). `schema` reads a CSV's text as the schema's types. */
  chunks(schema?: Schema): AsyncGenerator<NumberedLine[]>;
}

/** True when `arg` names a mapping file (`crmrules.map.json`, `hubspot.map.json`). */
export function isMapping(arg: string): boolean {
  return /(^|[\\/.])map\.json$/i.test(arg);
}

/** A source through a mapping file (docs/data.md, "Mappings"): its tables, their columns checked when it is read. */
export function mappedSource(arg: string, cwd: string): DataSource {
  const m = loadMapping(arg, cwd);
  return {
    name: m.shown,
    async *chunks(schema?: Schema) {
      const duck = await Duck.open();
      try {
        yield* mappedChunks(duck, m, cwd, schema ? { coerce: (r) => coerceTextRecord(schema, r), schema } : {});
      } finally {
        duck.close();
      }
    },
  };
}

/** Any source argument but a JSON Lines log: a mapping file, or a source in the log's own shape. */
export function dataSource(arg: string, cwd: string): DataSource {
  return isMapping(arg) ? mappedSource(arg, cwd) : nativeSource(arg, cwd);
}

/** A source in the event log's own shape, read through DuckDB. */
export function nativeSource(arg: string, cwd: string): DataSource {
  const spec = resolveSource(arg, cwd);
  const name = describeSource(spec, cwd);
  return {
    name,
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
