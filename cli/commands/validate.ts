/**
 * `crmrules validate SOURCE`: every record of a lead history checked against the workspace's
 * schema (docs/data.md, "Validation"), without replaying it. Each problem with its line or row,
 * column, value and reason, grouped by kind and counted, as text, JSON or SARIF. Exit code 1 when
 * there is any problem, 0 when there is none, 2 when the source or the workspace cannot be read.
 */
import * as path from "node:path";
import { Command, Option } from "commander";
import { compile } from "../../core/engine/index.js";
import { PROBLEM_KINDS, type ProblemKind } from "../../core/data/validate.js";
import { groupLeadChunks, type DataProblem, type LineError } from "../../runtime/bulk/index.js";
import { ExitCode } from "../exit.js";
import { displayPath, loadWorkspace } from "../files.js";
import { reportProblems, worst, writeJson, writeText } from "../report.js";
import { checkFiles } from "../workspace.js";
import { chunksOf, openLog, problemPlace, rulesFile } from "../bulk.js";
import { escapeControls } from "../output/safe.js";
import { VERSION as version } from "../version.js";

interface ValidateOptions {
  format: "text" | "json" | "sarif";
  from?: string;
  root?: string;
  max?: string;
}

/** One problem of the report: a schema problem, or a record that could not be read (`malformed`). */
export interface ValidationItem {
  kind: ProblemKind;
  /** `events.jsonl:12` or `contacts.csv row 4`. */
  place: string;
  /** The file and the line (JSON Lines) or row (other sources). */
  file: string;
  line?: number;
  row?: number;
  column: string | null;
  value?: unknown;
  reason: string;
  lead?: string;
}

export interface ValidationReport {
  source: string;
  rules: string;
  lines: number;
  leads: number;
  records: number;
  problems: number;
  perKind: Partial<Record<ProblemKind, number>>;
  /** The first `max` problems of each kind. */
  items: ValidationItem[];
}

export function validateCommand(): Command {
  return new Command("validate")
    .description("check every record of a lead history against the workspace's schema: types, enum values, country codes, unknown fields, events and purposes, times, duplicate and missing lead records")
    .argument("<source>", "an event log (JSON Lines; `-` reads standard input), a Parquet, CSV or JSON file, folder or glob, FILE.duckdb#TABLE, `sql:SELECT …`, or a mapping file (crmrules.map.json); see docs/data.md")
    .argument("[paths...]", "files or folders of the workspace", ["."])
    .addOption(new Option("-f, --format <format>", "output format").choices(["text", "json", "sarif"]).default("text"))
    .option("--from <file>", "the rules file whose declarations (and imports) give the schema (default: the file that sees the most)")
    .option("--root <folder>", "workspace root (default: the folder containing every path)")
    .option("--max <n>", "problems listed per kind (all are counted)", "50")
    .addHelpText(
      "after",
      `
Examples:
  $ crmrules validate events.jsonl rules/
  $ crmrules validate examples/data/hubspot/crmrules.map.json examples/acme
  $ crmrules validate tracks.parquet rules/ --format sarif > data.sarif
`,
    )
    .action(async (source: string, paths: string[], opts: ValidateOptions) => {
      process.exitCode = await runValidate(source, paths, opts);
    });
}

async function runValidate(source: string, paths: string[], opts: ValidateOptions): Promise<ExitCode> {
  const cwd = process.cwd();
  const max = Math.max(0, Number.isInteger(Number(opts.max)) ? Number(opts.max) : 50);
  const input = openLog(source, cwd);
  const ws = loadWorkspace(paths.length ? paths : ["."], { root: opts.root, cwd });
  reportProblems(ws.problems);
  const check = checkFiles(ws.root, ws.files);
  const fromUri = rulesFile(check, opts.from, cwd);
  const rules = compile(check, fromUri);
  const perKind: Partial<Record<ProblemKind, number>> = {};
  const items: ValidationItem[] = [];
  let problems = 0;
  let lines = 0;
  let leads = 0;
  let records = 0;
  const fileOf = (where: string | undefined) => (where ? where.replace(/ row \d+$/, "") : input.name);
  const add = (item: ValidationItem) => {
    problems++;
    const n = (perKind[item.kind] = (perKind[item.kind] ?? 0) + 1);
    if (n <= max) items.push(item);
  };
  const onError = (e: LineError) => {
    const row = e.where ? Number(/ row (\d+)$/.exec(e.where)?.[1]) : undefined;
    add({ kind: "malformed", place: e.where ?? `${input.name}:${e.line}`, file: fileOf(e.where), ...(e.where ? { row } : { line: e.line }), column: null, reason: e.reason });
  };
  const onProblem = (p: DataProblem) => {
    const row = p.where ? Number(/ row (\d+)$/.exec(p.where)?.[1]) : undefined;
    add({ kind: p.kind, place: p.where ?? `${input.name}:${p.line}`, file: fileOf(p.where), ...(p.where ? { row } : { line: p.line }), column: p.column, value: p.value, reason: p.reason, lead: p.lead });
  };
  for await (const gs of groupLeadChunks(chunksOf(input, rules), { schema: rules, onProblem, onError, onLine: (n) => (lines = n) }))
    for (const g of gs) {
      leads++;
      records += g.records.length;
    }
  const report: ValidationReport = { source: input.name, rules: displayPath(fromUri, cwd), lines, leads, records, problems, perKind: sortKeys(perKind), items: sortItems(items) };
  if (opts.format === "json") writeJson(JSON.stringify(report, null, 2) + "\n");
  else if (opts.format === "sarif") writeJson(renderValidationSarif(report, cwd) + "\n");
  else writeText(renderValidationText(report, max));
  return worst(ws.problems.length ? ExitCode.Usage : ExitCode.Success, problems ? ExitCode.Findings : ExitCode.Success);
}

function sortKeys<T>(m: Partial<Record<ProblemKind, T>>): Partial<Record<ProblemKind, T>> {
  return Object.fromEntries(Object.entries(m).sort(([a], [b]) => (a < b ? -1 : 1))) as Partial<Record<ProblemKind, T>>;
}

/** By kind, then in the order they were found. */
function sortItems(items: ValidationItem[]): ValidationItem[] {
  return items.map((x, i) => [x, i] as const).sort(([a, i], [b, j]) => (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : i - j)).map(([x]) => x);
}

const shown = (v: unknown) => {
  if (v === undefined) return "";
  const s = JSON.stringify(v);
  return s.length > 40 ? s.slice(0, 37) + "…" : s;
};

export function renderValidationText(r: ValidationReport, max: number): string {
  const out: string[] = [];
  out.push(`${r.source}: ${r.problems === 0 ? "no problems" : `${r.problems} problem${r.problems === 1 ? "" : "s"}`} in ${r.leads} lead${r.leads === 1 ? "" : "s"} (${r.records} records kept from ${r.lines} ${r.source.endsWith(".jsonl") || r.source === "standard input" ? "lines" : "rows"}); schema of ${r.rules}`);
  for (const [kind, n] of Object.entries(r.perKind) as [ProblemKind, number][]) {
    out.push("", `${kind} (${n}): ${PROBLEM_KINDS[kind]}`);
    for (const it of r.items.filter((x) => x.kind === kind)) out.push(`  ${escapeControls(it.place)}${it.column ? `  ${escapeControls(it.column)}` : ""}${it.value !== undefined ? `  ${escapeControls(shown(it.value))}` : ""}: ${escapeControls(it.reason)}`);
    if (n > max) out.push(`  … and ${n - max} more`);
  }
  return out.join("\n") + "\n";
}

/** SARIF 2.1.0: one rule per kind of problem, one result per problem, at its line (JSON Lines) or row (a CSV's row is its line + 1). */
export function renderValidationSarif(r: ValidationReport, cwd: string): string {
  const kinds = Object.keys(r.perKind) as ProblemKind[];
  const uri = (f: string) => (path.isAbsolute(f) ? path.relative(cwd, f) : f).split(path.sep).join("/");
  const results = r.items.map((it) => {
    const line = it.line ?? (it.row !== undefined && /\.(csv|tsv)/i.test(it.file) ? it.row + 1 : undefined);
    return {
      ruleId: it.kind,
      ruleIndex: kinds.indexOf(it.kind),
      level: "error",
      message: { text: `${it.column ? `${it.column}: ` : ""}${it.reason}` },
      locations: [
        {
          physicalLocation: { artifactLocation: { uri: uri(it.file) }, ...(line !== undefined ? { region: { startLine: line } } : {}) },
          ...(it.row !== undefined ? { logicalLocations: [{ name: `row ${it.row}`, kind: "element" }] } : {}),
        },
      ],
      ...(it.lead !== undefined ? { properties: { lead: it.lead, ...(it.value !== undefined ? { value: it.value } : {}) } } : {}),
    };
  });
  return JSON.stringify(
    {
      $schema: "https://json.schemastore.org/sarif-2.1.0.json",
      version: "2.1.0",
      runs: [
        {
          tool: { driver: { name: "crmrules", version, informationUri: "https://github.com/crmrules/crmrules/blob/main/docs/data.md", rules: kinds.map((k) => ({ id: k, shortDescription: { text: PROBLEM_KINDS[k] }, helpUri: "https://github.com/crmrules/crmrules/blob/main/docs/data.md#validation" })) } },
          results,
        },
      ],
    },
    null,
    2,
  );
}
