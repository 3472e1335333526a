/** Renderers for `crmrules diff`: text, markdown (a pull-request comment) and json. */
import { plain, type Colors } from "../color.js";
import { isChanged, type DiffReport, type JourneyDiff, type Outcome } from "../compare.js";
import { VERSION } from "../version.js";

const list = (xs: string[]) => (xs.length ? xs.join(", ") : "nothing");
const score = (v: number | null | undefined) => (v === null || v === undefined ? "unscored" : String(v));
const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? "" : "s"}`;

interface Row {
  what: string;
  before: string;
  after: string;
}

function rows(j: JourneyDiff): Row[] {
  const b = j.before!;
  const a = j.after;
  const out: Row[] = [];
  if (j.changed.stage) out.push({ what: "stage", before: b.stage ?? "none", after: a.stage ?? "none" });
  for (const s of j.changed.scores) out.push({ what: `score ${s}`, before: score(b.scores[s]), after: score(a.scores[s]) });
  if (j.changed.owner) out.push({ what: "routing", before: b.routing.join(", ") || "not routed", after: a.routing.join(", ") || "not routed" });
  if (j.changed.blocked) out.push({ what: "blocked", before: list(b.blocked), after: list(a.blocked) });
  if (j.changed.sent) out.push({ what: "sent", before: list(b.sent), after: list(a.sent) });
  return out;
}

function outcomeLine(o: Outcome): string {
  return `stage ${o.stage ?? "none"}, ${o.owner}, scores ${Object.entries(o.scores).map(([k, v]) => `${k} ${score(v)}`).join(", ") || "none"}`;
}

function summaryLines(r: DiffReport): string[] {
  const s = r.summary;
  const out = [`${s.changed} of ${plural(s.journeys, "journey")} change`];
  for (const x of s.stageChanges) out.push(`  ${plural(x.count, "journey")} ${x.count === 1 ? "moves" : "move"} from stage ${x.from} to ${x.to}`);
  for (const x of s.ownerChanges) out.push(`  ${plural(x.count, "journey")} ${x.count === 1 ? "moves" : "move"} from ${x.from} to ${x.to}`);
  if (s.causes.length) {
    out.push("rules behind the changes:");
    for (const c of s.causes) out.push(`  ${c.rule} (${plural(c.journeys, "journey")})`);
  }
  return out;
}

function logLines(r: DiffReport): string[] {
  const l = r.log;
  if (!l) return [];
  const out = ["", `event log ${l.name}: ${l.stageChanged} of ${plural(l.leads, "lead")} change stage, ${l.ownerChanged} change owner${l.malformedLines ? ` (${plural(l.malformedLines, "malformed line")} skipped)` : ""}`];
  for (const x of l.stageMoves) out.push(`  ${plural(x.count, "lead")} ${x.count === 1 ? "moves" : "move"} from stage ${x.from} to ${x.to}`);
  for (const x of l.ownerMoves) out.push(`  ${plural(x.count, "lead")} ${x.count === 1 ? "moves" : "move"} from ${x.from} to ${x.to}`);
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
    for (const row of rows(j)) out.push(`  ${row.what}: ${c.red(row.before)} -> ${c.green(row.after)}`);
    if (j.causes.length) out.push(`  ${c.dim(`because of ${j.causes.join(", ")}`)}`);
  }
  const unchanged = r.journeys.filter((j) => !isChanged(j)).length;
  if (unchanged) out.push(c.dim(`${plural(unchanged, "journey")} unchanged`));
  out.push("");
  out.push(...summaryLines(r));
  out.push(...logLines(r));
  if (r.summary.baseErrors || r.summary.headErrors) out.push(c.yellow(`note: the rules have errors (before ${r.summary.baseErrors}, after ${r.summary.headErrors}); see \`crmrules check\``));
  return out.join("\n") + "\n";
}

function md(s: string): string {
  return s.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

export function renderDiffMarkdown(r: DiffReport): string {
  const s = r.summary;
  const out: string[] = ["## crmrules: what this change does to the journeys", ""];
  out.push(`Comparing \`${md(r.base)}\` (before) with \`${md(r.head)}\` (after): **${s.changed} of ${plural(s.journeys, "journey")} change**.`, "");
  if (s.stageChanges.length || s.ownerChanges.length) {
    out.push("| Change | Journeys |", "| --- | ---: |");
    for (const x of s.stageChanges) out.push(`| stage \`${md(x.from)}\` → \`${md(x.to)}\` | ${x.count} |`);
    for (const x of s.ownerChanges) out.push(`| ${md(x.from)} → ${md(x.to)} | ${x.count} |`);
    out.push("");
  }
  if (s.causes.length) {
    out.push("**Rules behind the changes:** " + s.causes.map((c) => `\`${md(c.rule)}\` (${c.journeys})`).join(", "), "");
  }
  const changed = r.journeys.filter(isChanged);
  if (changed.length) {
    out.push("| Journey | What | Before | After |", "| --- | --- | --- | --- |");
    for (const j of changed) {
      const rs = j.before ? rows(j) : [{ what: j.note ?? "new", before: "—", after: outcomeLine(j.after) }];
      rs.forEach((row, i) => out.push(`| ${i === 0 ? `${md(j.name)} <sub>${md(j.file)}:${j.line}</sub>` : ""} | ${md(row.what)} | ${md(row.before)} | ${md(row.after)} |`));
    }
    out.push("");
  }
  const unchanged = r.journeys.length - changed.length;
  if (unchanged) out.push(`<details><summary>${plural(unchanged, "journey")} unchanged</summary>`, "", ...r.journeys.filter((j) => !isChanged(j)).map((j) => `- ${md(j.name)}`), "", "</details>", "");
  if (r.log) {
    const l = r.log;
    out.push(`### Event log \`${md(l.name)}\``, "", `Replayed ${plural(l.leads, "lead")}: **${l.stageChanged} change stage, ${l.ownerChanged} change owner**${l.malformedLines ? ` (${plural(l.malformedLines, "malformed line")} skipped)` : ""}.`, "");
    if (l.stageMoves.length || l.ownerMoves.length) {
      out.push("| Change | Leads |", "| --- | ---: |");
      for (const x of l.stageMoves) out.push(`| stage \`${md(x.from)}\` → \`${md(x.to)}\` | ${x.count} |`);
      for (const x of l.ownerMoves) out.push(`| ${md(x.from)} → ${md(x.to)} | ${x.count} |`);
      out.push("");
    }
    if (l.causes.length) out.push("**Behind the changes:** " + l.causes.map((c) => `\`${md(c.cause)}\` (${c.leads})`).join(", "), "");
  }
  if (s.baseErrors || s.headErrors) out.push(`> [!WARNING]`, `> The rules have errors (before: ${s.baseErrors}, after: ${s.headErrors}); run \`crmrules check\`.`, "");
  return out.join("\n");
}

export function renderDiffJson(r: DiffReport): string {
  return JSON.stringify({ version: VERSION, ...r }, null, 2) + "\n";
}
