/** Renderers for `crmrules diff`: text, markdown (a pull-request comment) and json. */
import { plain, type Colors } from "../color.js";
import { isChanged, type Change, type DiffReport, type JourneyDiff, type LogDiff, type Outcome } from "../compare.js";
import { VERSION } from "../version.js";
import { escapeControls } from "./safe.js";
import { inflect, plural } from "../../core/text/words.js";

const score = (v: number | null | undefined) => (v === null || v === undefined ? "unscored" : String(v));

/** GitHub refuses a comment longer than 65,536 characters; the default cut leaves room for a marker a workflow adds. */
export const GITHUB_COMMENT_LIMIT = 65_536;
export const DEFAULT_MAX_CHARS = 65_000;

function crossesText(c: Change): string {
  if (!c.crosses?.length) return "";
  return `; crosses ${c.crosses.map((x) => `${x.label} ${x.up ? "upward" : "downward"}`).join(", ")}`;
}

function outcomeLine(o: Outcome): string {
  return `stage ${o.stage ?? "none"}, ${o.owner}, scores ${Object.entries(o.scores).map(([k, v]) => `${k} ${score(v)}`).join(", ") || "none"}`;
}

function summaryLines(r: DiffReport): string[] {
  const s = r.summary;
  const out = [`${s.changed} of ${plural(s.journeys, "journey")} change`];
  for (const x of s.stageChanges) out.push(`  ${plural(x.count, "journey")} ${inflect(x.count, "moves", "move")} from stage ${x.from} to ${x.to}`);
  for (const x of s.ownerChanges) out.push(`  ${plural(x.count, "journey")} ${inflect(x.count, "moves", "move")} from ${x.from} to ${x.to}`);
  if (s.outcomes.length) {
    out.push("outcomes that change:");
    for (const o of s.outcomes) out.push(`  ${o.what} (${plural(o.journeys, "journey")})`);
  }
  if (s.causes.length) {
    out.push("rules behind the changes:");
    for (const c of s.causes) out.push(`  ${c.rule} (${plural(c.journeys, "journey")})`);
  }
  return out;
}

const causeList = (cs: { cause: string; leads: number }[]) => cs.map((c) => `${c.cause} (${c.leads})`).join(", ");

const kinds = (m: Record<string, number>) => Object.entries(m).map(([k, v]) => `${v} ${k}`).join(", ");

function logHeadline(l: LogDiff): string {
  const problems = l.dataProblems.count ? `; ${plural(l.dataProblems.count, "problem")} with the data (invalid values and records are not used; ${kinds(l.dataProblems.perKind)}; \`crmrules validate\` lists them)` : "";
  const old = l.oldSchemaProblems.count ? `; ${plural(l.oldSchemaProblems.count, "value")} the old version's schema does not accept, left out of its replay (${kinds(l.oldSchemaProblems.perKind)})` : "";
  return `${l.changedLeads} of ${plural(l.leads, "lead")} change (${l.stageChanged} change stage, ${l.ownerChanged} change owner)${l.malformedLines ? `; ${plural(l.malformedLines, "malformed line")} skipped` : ""}${problems}${old}`;
}

const rulesNote = (l: LogDiff) => `${l.rules} and the files it imports${l.rulesGiven ? " (--from)" : " (the file that sees the most files; --from picks another)"}`;

function logLines(r: DiffReport): string[] {
  const l = r.log;
  if (!l) return [];
  const out = ["", `event log ${l.name}: ${logHeadline(l)}`, `  through ${rulesNote(l)}`];
  for (const c of l.changes) out.push(`  ${c.what}: ${plural(c.leads, "lead")}${c.causes.length ? ` (because of ${causeList(c.causes)})` : ""}`);
  if (l.totals.length) {
    out.push("  over the whole log, before -> after:");
    for (const t of l.totals) out.push(`    ${t.what}: ${t.before} -> ${t.after}`);
  }
  if (l.crossings.length) {
    out.push("  thresholds crossed:");
    for (const x of l.crossings) out.push(`    ${x.threshold}: ${[x.up ? `${plural(x.up, "lead")} now ${inflect(x.up, "reaches", "reach")} it` : "", x.down ? `${plural(x.down, "lead")} no longer ${inflect(x.down, "reaches", "reach")} it` : ""].filter(Boolean).join(", ")}`);
  }
  for (const x of l.stageMoves) out.push(`  ${plural(x.count, "lead")} ${inflect(x.count, "moves", "move")} from stage ${x.from} to ${x.to}`);
  for (const x of l.ownerMoves) out.push(`  ${plural(x.count, "lead")} ${inflect(x.count, "moves", "move")} from ${x.from} to ${x.to}`);
  if (l.causes.length) out.push(`  because of ${l.causes.map((c) => `${c.cause} (${plural(c.leads, "lead")})`).join(", ")}`);
  return out;
}

export function renderDiffText(r: DiffReport, c: Colors = plain): string {
  const out: string[] = [c.bold(`comparing ${r.base} (before) with ${r.head} (after)`), ""];
  for (const j of r.journeys) {
    if (!isChanged(j)) continue;
    out.push(`${c.bold(j.name)}  ${c.dim(`${j.file}:${j.line}`)}`);
    if (!j.before) {
      out.push(`  ${c.yellow(j.note ?? "new journey")}; after: ${outcomeLine(j.after)}`);
      continue;
    }
    for (const row of j.changes) {
      out.push(`  ${row.what}: ${c.red(row.before)} -> ${c.green(row.after)}${crossesText(row)}`);
      out.push(`    ${c.dim(row.causes.length ? `because of ${row.causes.join(", ")}` : "because of: no changed declaration found")}`);
    }
  }
  const unchanged = r.journeys.filter((j) => !isChanged(j)).length;
  if (unchanged) out.push(c.dim(`${plural(unchanged, "journey")} unchanged`));
  out.push("");
  out.push(...summaryLines(r));
  out.push(...logLines(r));
  if (r.summary.baseErrors || r.summary.headErrors) out.push(c.yellow(`note: the rules have errors (before ${r.summary.baseErrors}, after ${r.summary.headErrors}); see \`crmrules check\``));
  return out.join("\n") + "\n";
}

export function md(s: string): string {
  // Escaped here (not only when written) so that the comment's length budget counts the escapes.
  return escapeControls(s.replace(/\|/g, "\\|").replace(/\n/g, " "));
}

export interface MarkdownOptions {
  /** Cut the journeys' details so that the whole text stays within this many characters (default: no cut). */
  maxChars?: number;
  /** Prefix for links to the journeys' lines (`https://github.com/o/r/blob/SHA/rules`); default: links relative to the workspace folder. */
  linkBase?: string;
  /** Where the full, uncut report is (named in the cut notice). */
  fullReport?: string;
}

function fileLink(j: JourneyDiff, o: MarkdownOptions): string {
  const base = o.linkBase === undefined ? "" : o.linkBase.replace(/\/+$/, "") + "/";
  const href = `${base}${j.file.split("/").map(encodeURIComponent).join("/")}#L${j.line}`;
  return `[${md(j.file)}:${j.line}](${href})`;
}

/** The table rows of one changed journey (never split by the cut). */
function journeyRows(j: JourneyDiff, o: MarkdownOptions): string[] {
  const rows = j.before ? j.changes : [{ what: j.note ?? "new", before: "—", after: outcomeLine(j.after), causes: [] as string[] }];
  return rows.map((row, i) => {
    const first = i === 0 ? `${md(j.name)}<br><sub>${fileLink(j, o)}</sub>` : "";
    const because = row.causes.length ? row.causes.map((x) => `\`${md(x)}\``).join(", ") : "—";
    return `| ${first} | ${md(row.what)} | ${md(row.before)} | ${md(row.after)}${md(crossesText(row as Change))} | ${because} |`;
  });
}

/** Biggest first: journeys whose stage or owner changes, then by the number of changed outcomes; ties keep file order. */
function bySize(js: JourneyDiff[]): JourneyDiff[] {
  const weight = (j: JourneyDiff) => (j.before === null ? 0 : j.changes.length + (j.changes.some((c) => c.what === "stage" || c.what === "owner") ? 100 : 0));
  return js.map((j, i) => ({ j, i })).sort((a, b) => weight(b.j) - weight(a.j) || a.i - b.i).map((x) => x.j);
}

function logMarkdown(l: LogDiff): string[] {
  const out = [`### Event log \`${md(l.name)}\``, "", `Replayed ${plural(l.leads, "lead")} through \`${md(l.rules)}\`${l.rulesGiven ? "" : " (the file that sees the most files)"}: **${logHeadline(l)}**.`, ""];
  if (l.changes.length) {
    out.push("| Outcome | Leads | Because of |", "| --- | ---: | --- |");
    for (const c of l.changes) out.push(`| ${md(c.what)} | ${c.leads} | ${c.causes.map((x) => `\`${md(x.cause)}\` (${x.leads})`).join(", ") || "—"} |`);
    out.push("");
  }
  if (l.totals.length) {
    out.push("| Over the whole log | Before | After |", "| --- | ---: | ---: |");
    for (const t of l.totals) out.push(`| ${md(t.what)} | ${t.before} | ${t.after} |`);
    out.push("");
  }
  if (l.crossings.length) {
    out.push("| Threshold crossed | Leads now reaching it | Leads no longer reaching it |", "| --- | ---: | ---: |");
    for (const x of l.crossings) out.push(`| ${md(x.threshold)} | ${x.up} | ${x.down} |`);
    out.push("");
  }
  if (l.stageMoves.length || l.ownerMoves.length) {
    out.push("| Change | Leads |", "| --- | ---: |");
    for (const x of l.stageMoves) out.push(`| stage \`${md(x.from)}\` → \`${md(x.to)}\` | ${x.count} |`);
    for (const x of l.ownerMoves) out.push(`| ${md(x.from)} → ${md(x.to)} | ${x.count} |`);
    out.push("");
  }
  if (l.causes.length) out.push("**Behind the changes:** " + l.causes.map((c) => `\`${md(c.cause)}\` (${c.leads})`).join(", "), "");
  return out;
}

/**
 * The pull-request comment. The summary comes first (moves, changed outcomes, causes, the
 * event log), then the changed journeys biggest first; with `maxChars`, journeys that do not
 * fit are left out whole and a line says how many, and where the full report is.
 */
export function renderDiffMarkdown(r: DiffReport, o: MarkdownOptions = {}): string {
  const s = r.summary;
  const head: string[] = ["## crmrules: what this change does to the journeys", ""];
  head.push(`Comparing \`${md(r.base)}\` (before) with \`${md(r.head)}\` (after): **${s.changed} of ${plural(s.journeys, "journey")} change**.`, "");
  if (s.stageChanges.length || s.ownerChanges.length) {
    head.push("| Change | Journeys |", "| --- | ---: |");
    for (const x of s.stageChanges) head.push(`| stage \`${md(x.from)}\` → \`${md(x.to)}\` | ${x.count} |`);
    for (const x of s.ownerChanges) head.push(`| ${md(x.from)} → ${md(x.to)} | ${x.count} |`);
    head.push("");
  }
  if (s.outcomes.length) head.push("**Outcomes that change:** " + s.outcomes.map((x) => `${md(x.what)} (${x.journeys})`).join(", "), "");
  if (s.causes.length) head.push("**Rules behind the changes:** " + s.causes.map((c) => `\`${md(c.rule)}\` (${c.journeys})`).join(", "), "");
  if (r.log) head.push(...logMarkdown(r.log));
  const tail: string[] = [];
  if (s.baseErrors || s.headErrors) tail.push(`> [!WARNING]`, `> The rules have errors (before: ${s.baseErrors}, after: ${s.headErrors}); run \`crmrules check\`.`, "");

  const changed = bySize(r.journeys.filter(isChanged));
  const unchanged = r.journeys.filter((j) => !isChanged(j));
  const table = ["| Journey | What | Before | After | Because of |", "| --- | --- | --- | --- | --- |"];
  const unchangedBlock = unchanged.length ? [`<details><summary>${plural(unchanged.length, "journey")} unchanged</summary>`, "", ...unchanged.map((j) => `- ${md(j.name)}`), "", "</details>", ""] : [];
  const join = (parts: string[]) => parts.join("\n");
  const full = join([...head, ...(changed.length ? [...table, ...changed.flatMap((j) => journeyRows(j, o)), ""] : []), ...unchangedBlock, ...tail]);
  if (o.maxChars === undefined || full.length <= o.maxChars) return full;

  // Over the limit: keep whole journeys, biggest first, while a notice of the cut still fits.
  const budget = o.maxChars;
  const notice = (left: number, unchangedCut: boolean) => {
    const where = o.fullReport ? `the full report is in \`${md(o.fullReport)}\`` : "run `crmrules diff` with `--out-full FILE` for the full report";
    const parts = [];
    if (left) parts.push(`${plural(left, "more changed journey")} ${inflect(left, "is", "are")} not shown`);
    if (unchangedCut) parts.push(`the list of ${plural(unchanged.length, "unchanged journey")} is left out`);
    return [`> [!NOTE]`, `> **Cut to fit a comment (${budget.toLocaleString("en-US")} characters): ${parts.join("; ")}.** ${where[0]!.toUpperCase()}${where.slice(1)}.`, ""];
  };
  const fixed = join([...head, ...tail]).length + 2;
  const rows: string[] = [];
  let used = fixed + join(table).length + 1;
  let shown = 0;
  for (const j of changed) {
    const jr = journeyRows(j, o);
    const add = join(jr).length + 1;
    // Room for the notice (with the largest count it can name) must stay.
    if (used + add + join(notice(changed.length, true)).length + 2 > budget) break;
    rows.push(...jr);
    used += add;
    shown++;
  }
  const withUnchanged = shown === changed.length && used + join(unchangedBlock).length + 1 <= budget;
  const body = [...head];
  if (shown) body.push(...table, ...rows, "");
  if (withUnchanged) body.push(...unchangedBlock);
  body.push(...notice(changed.length - shown, !withUnchanged && unchanged.length > 0), ...tail);
  return join(body);
}

export function renderDiffJson(r: DiffReport): string {
  return JSON.stringify({ version: VERSION, ...r }, null, 2) + "\n";
}
