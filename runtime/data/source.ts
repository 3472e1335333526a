/**
 * Data sources (docs/data.md): what a `--events` argument or a mapping's `from` names, as the
 * relation DuckDB reads. Files (Parquet, CSV, TSV, JSON, JSON Lines; compressed ones too), folders
 * and globs of them, a table of a DuckDB database file, or a SQL query over any of these.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import * as path from "node:path";

export type FileFormat = "parquet" | "csv" | "json" | "jsonl";

export type SourceSpec =
  | { kind: "files"; path: string; format: FileFormat }
  | { kind: "database"; path: string; table: string }
  | { kind: "sql"; sql: string };

/** A source that cannot be used, in words (the CLI makes it a usage error). */
export class SourceError extends Error {}

const EXTENSIONS: [RegExp, FileFormat][] = [
  [/\.parquet$/i, "parquet"],
  [/\.(csv|tsv|txt)(\.(gz|zst))?$/i, "csv"],
  [/\.(jsonl|ndjson)(\.(gz|zst))?$/i, "jsonl"],
  [/\.json(\.(gz|zst))?$/i, "json"],
];
const DATABASE = /\.(duckdb|ddb|db)$/i;

export function formatOf(file: string): FileFormat | null {
  for (const [re, f] of EXTENSIONS) if (re.test(file)) return f;
  return null;
}

const KNOWN = "Parquet (.parquet), CSV (.csv, .tsv), JSON (.json), JSON Lines (.jsonl, .ndjson), a DuckDB database (.duckdb#TABLE) or `sql:SELECT …`";

/**
 * What `arg` names, relative to `base`: `sql:QUERY`; `FILE.duckdb#TABLE` (or `{database, table}` in
 * a mapping); a folder (its files of one format); a glob (`exports/*.parquet`); a file.
 */
export function resolveSource(arg: string, base: string): SourceSpec {
  if (/^sql:/i.test(arg)) {
    const sql = arg.slice(4).trim();
    if (!sql) throw new SourceError("`sql:` needs a query after it (`sql:SELECT * FROM 'events.parquet'`)");
    return { kind: "sql", sql };
  }
  const hash = arg.lastIndexOf("#");
  if (hash > 0 && DATABASE.test(arg.slice(0, hash))) return database(path.resolve(base, arg.slice(0, hash)), arg.slice(hash + 1), arg.slice(0, hash));
  const full = path.resolve(base, arg);
  if (/[*?[{]/.test(arg)) {
    const format = formatOf(arg.replace(/[*?]+$/, ""));
    if (!format) throw new SourceError(`\`${arg}\`: the pattern must end with the files' extension (\`*.parquet\`, \`*.csv\`…) so that their format is known; formats read: ${KNOWN}`);
    return { kind: "files", path: full, format };
  }
  if (!existsSync(full)) throw new SourceError(`${arg} does not exist`);
  if (statSync(full).isDirectory()) {
    const formats = new Set(readdirSync(full).filter((f) => !f.startsWith(".")).map(formatOf).filter((f): f is FileFormat => f !== null));
    if (formats.size === 0) throw new SourceError(`the folder ${arg} holds no data files (${KNOWN})`);
    if (formats.size > 1) throw new SourceError(`the folder ${arg} holds files of several formats (${[...formats].sort().join(", ")}); name them with a pattern such as \`${path.join(arg, "*.parquet")}\``);
    const format = [...formats][0]!;
    return { kind: "files", path: path.join(full, format === "parquet" ? "*.parquet" : format === "csv" ? "*.[ct]sv*" : format === "jsonl" ? "*.*json*" : "*.json*"), format };
  }
  if (DATABASE.test(arg)) throw new SourceError(`${arg} is a DuckDB database: name the table as \`${arg}#TABLE\``);
  const format = formatOf(arg);
  if (!format) throw new SourceError(`${arg}: unknown data format; formats read: ${KNOWN}`);
  return { kind: "files", path: full, format };
}

function database(file: string, table: string, shown: string): SourceSpec {
  if (!existsSync(file)) throw new SourceError(`${shown} does not exist`);
  if (!/^[A-Za-z_][\w$]*(\.[A-Za-z_][\w$]*)?$/.test(table)) throw new SourceError(`\`${table}\` is not a table name (write \`${shown}#contacts\` or \`${shown}#main.contacts\`)`);
  return { kind: "database", path: file, table };
}

export const quote = (s: string): string => `'${s.replace(/'/g, "''")}'`;
export const ident = (s: string): string => `"${s.replace(/"/g, '""')}"`;

/**
 * The SQL relation of a source. JSON sources in the log's own shape (`native`) read `at`,
 * `fields` and `payload` as JSON, so their values keep the types they were written with.
 */
export function relationOf(spec: SourceSpec, attach: (file: string) => string, native = false): string {
  switch (spec.kind) {
    case "sql":
      return `(${spec.sql})`;
    case "database":
      return `${attach(spec.path)}.${spec.table.split(".").map(ident).join(".")}`;
    case "files": {
      const p = quote(spec.path);
      if (spec.format === "parquet") return `read_parquet(${p})`;
      // Every CSV value is text: numbers, dates and codes are read as written (`00123` stays `00123`).
      if (spec.format === "csv") return `read_csv(${p}, header = true, all_varchar = true${/\.tsv/i.test(spec.path) ? ", delim = '\\t'" : ""})`;
      const shape = spec.format === "jsonl" ? "newline_delimited" : "auto";
      if (native) return `read_json(${p}, format = '${shape}', columns = {'type': 'VARCHAR', 'lead': 'VARCHAR', 'at': 'JSON', 'event': 'VARCHAR', 'fields': 'JSON', 'payload': 'JSON'})`;
      return `read_json(${p}, format = '${shape}')`;
    }
  }
}

/** The source, as messages name it: the path relative to `cwd`, the table, or `sql:…`. */
export function describeSource(spec: SourceSpec, cwd: string): string {
  const rel = (p: string) => {
    const r = path.relative(cwd, p);
    return r && !r.startsWith("..") ? r : p;
  };
  if (spec.kind === "sql") return `sql:${spec.sql.length > 40 ? spec.sql.slice(0, 37) + "…" : spec.sql}`;
  if (spec.kind === "database") return `${rel(spec.path)}#${spec.table}`;
  return rel(spec.path);
}
