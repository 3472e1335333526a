/**
 * One lead as input (`crmrules eval`, `simulate --events` with `--why`): its fields as a JSON
 * object, and its events as a JSON array or JSON Lines of event-log records (docs/event-log.md;
 * `type` and `lead` may be left out), from files or standard input. Every problem names its
 * place (file:line:column) and the value it saw.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parseTree, type Node as JsonNode, type ParseError, printParseErrorCode } from "jsonc-parser/lib/esm/main.js";
import type { CompiledRules, FieldInfo, SourceRef, Value } from "../core/engine/index.js";
import { epochOf, minutesOf, parseRecord, timeProblem, leadSeed, type LogRecord } from "../core/engine/bulk/index.js";
import { formatTime } from "../core/engine/index.js";
import type { Subject, SubjectInput } from "../core/engine/explain.js";
import { LineIndex } from "../core/text/positions.js";
import { UsageError } from "./exit.js";
import { decodeText, displayPath, ioMessage, toPosix } from "./files.js";
import { closest } from "./suggest.js";
import { valueProblem as recordValueProblem } from "../core/data/validate.js";

export interface InputText {
  /** For messages: the path as given, or `standard input`. */
  name: string;
  /** The uri trace entries point at (the file, or `stdin:`). */
  uri: string;
  text: string;
}

/** Reads a file (or standard input for `-`) as UTF-8 text. */
/**
 * Reads a file (or standard input for `-`) as UTF-8 text. `log`: an event log, which may be far
 * larger than a rules file (no 5 MB limit; `readLead` parses only the chosen lead's lines).
 */
export function readInput(arg: string, cwd: string, what: string, log = false): InputText {
  let bytes: Uint8Array;
  const file = arg === "-" ? null : path.resolve(cwd, arg);
  try {
    bytes = readFileSync(file ?? 0);
  } catch (e) {
    throw new UsageError(`${what} ${arg === "-" ? "standard input" : arg} ${ioMessage(e)}`);
  }
  const d = log ? decodeLog(bytes) : decodeText(bytes);
  if (!d.ok) throw new UsageError(`${what} ${arg === "-" ? "standard input" : arg} ${d.message.replace(/; skipped$/, "")}`);
  return { name: file ? displayPath(file, cwd) : "standard input", uri: file ? toPosix(file) : "stdin:", text: d.text };
}

function decodeLog(bytes: Uint8Array): { ok: true; text: string } | { ok: false; message: string } {
  if (bytes.subarray(0, 8000).includes(0)) return { ok: false, message: "is not a text file (it contains binary data)" };
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return { ok: true, text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
  } catch {
    return { ok: false, message: "is not UTF-8 text" };
  }
}

/** A problem in the input, with its place. */
export interface InputIssue {
  severity: "error" | "warning";
  /** `lead.json:3:5`. */
  place: string;
  message: string;
}

interface Located {
  name: string;
  uri: string;
  lines: LineIndex;
}

function place(l: Located, offset: number): string {
  const p = l.lines.position(offset);
  return `${l.name}:${p.line + 1}:${p.character + 1}`;
}

function sourceAt(l: Located, offset: number, length: number): SourceRef {
  return { uri: l.uri, range: { start: l.lines.position(offset), end: l.lines.position(offset + length) } };
}

function parseJson(l: Located, text: string, base = 0): { tree: JsonNode | undefined; error: string | null } {
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const e = errors[0];
  if (e) return { tree, error: `${place(l, base + e.offset)}: not valid JSON (${words(printParseErrorCode(e.error))})` };
  return { tree, error: null };
}

function words(code: string): string {
  return code.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
}

function valueOf(n: JsonNode): unknown {
  switch (n.type) {
    case "object": {
      const o: Record<string, unknown> = {};
      for (const p of n.children ?? []) if (p.children?.[0] && p.children[1]) o[String(p.children[0].value)] = valueOf(p.children[1]);
      return o;
    }
    case "array":
      return (n.children ?? []).map(valueOf);
    default:
      return n.value;
  }
}

const TYPE_WORDS: Record<string, string> = { text: "text", email: "an email address (text)", country: "a country code (text, like \"NO\")", number: "a number", boolean: "true or false", date: "a date (text, YYYY-MM-DD)", enum: "one of its values (text)" };

/**
 * Why `v` is not a value of field `f`, or null. Which values are valid is decided once, by
 * core/data/validate.ts (as for bulk replay and `crmrules validate`: `XX`, `de` or `"DE "` are no
 * country); a value of the wrong JSON type is said as what was expected.
 */
function valueProblem(f: FieldInfo, v: unknown): string | null {
  if (v === null) return null;
  const p = recordValueProblem(f, v as Value);
  if (!p) return null;
  if (p.kind !== "invalid-type") return `\`${f.name}\`: ${p.reason}`;
  if (f.type === "list") return Array.isArray(v) ? `\`${f.name}\`: ${p.reason}` : `\`${f.name}\` is a list; expected a JSON array`;
  return `\`${f.name}\` is ${JSON.stringify(v)}; expected ${TYPE_WORDS[f.type] ?? "text"}`;
}

/** The lead's fields from a JSON object node, checked against the schema. */
function fieldsOf(rules: CompiledRules, l: Located, node: JsonNode, issues: InputIssue[], what: string): Record<string, Value> {
  const out: Record<string, Value> = {};
  if (node.type !== "object") {
    issues.push({ severity: "error", place: place(l, node.offset), message: `${what} must be a JSON object of field values (like {"country": "NO"})` });
    return out;
  }
  for (const p of node.children ?? []) {
    const [k, v] = p.children ?? [];
    if (!k || !v) continue;
    const key = String(k.value);
    const f = rules.fields.get(key);
    if (!f) {
      const near = closest(key, rules.fields.keys());
      issues.push({ severity: "warning", place: place(l, k.offset), message: `\`${key}\` is not a field of the lead in these rules; ignored${near ? ` (did you mean \`${near}\`?)` : ""}` });
      continue;
    }
    const value = valueOf(v);
    const problem = valueProblem(f, value);
    if (problem) {
      issues.push({ severity: "error", place: place(l, v.offset), message: problem });
      continue;
    }
    out[key] = value as Value;
  }
  return out;
}

export interface LeadInput {
  subject: Subject;
  /** The lead's id (`--id`, or the `lead` of its records), which gives its round-robin seed. */
  id: string | null;
  issues: InputIssue[];
}

interface RecordAt {
  record: LogRecord;
  offset: number;
  length: number;
  located: Located;
}

/** Reads event-log records: a JSON array of records, or JSON Lines. `lead` and `type` may be left out. */
function readRecords(input: InputText, issues: InputIssue[], id?: string): RecordAt[] {
  const l: Located = { name: input.name, uri: input.uri, lines: new LineIndex(input.text) };
  const out: RecordAt[] = [];
  const add = (raw: unknown, offset: number, length: number) => {
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
      issues.push({ severity: "error", place: place(l, offset), message: "a record must be a JSON object (like {\"at\": 2, \"event\": \"page_view\"})" });
      return;
    }
    const o = { ...(raw as Record<string, unknown>) };
    o["type"] ??= "event" in o ? "event" : "fields" in o && out.length === 0 ? "lead" : "fields" in o ? "update" : undefined;
    o["lead"] ??= "-";
    const p = parseRecord(JSON.stringify(o));
    if (!p.ok) issues.push({ severity: "error", place: place(l, offset), message: p.reason });
    else out.push({ record: p.record, offset, length, located: l });
  };
  const trimmed = input.text.trimStart();
  if (trimmed.startsWith("[")) {
    const { tree, error } = parseJson(l, input.text);
    if (error) issues.push({ severity: "error", place: error.split(": ")[0]!, message: error.slice(error.indexOf(": ") + 2) });
    else for (const n of tree?.children ?? []) add(valueOf(n), n.offset, n.length);
    return out;
  }
  let offset = 0;
  // With an id, only lines that may be that lead's are parsed (a log of many leads is mostly others').
  const mine = id === undefined ? null : JSON.stringify(id);
  for (const line of input.text.split("\n")) {
    const t = line.replace(/\r$/, "");
    if (t.trim() !== "" && (mine === null || t.includes(mine) || !t.includes('"lead"'))) {
      const { tree, error } = parseJson(l, t, offset);
      if (error) issues.push({ severity: "error", place: error.split(": ")[0]!, message: error.slice(error.indexOf(": ") + 2) });
      else if (tree) add(valueOf(tree), offset + (t.length - t.trimStart().length), t.trim().length);
    }
    offset += line.length + 1;
  }
  return out;
}

/**
 * Builds the subject of one lead: fields from `lead` (an object, or an event-log `lead` record),
 * inputs from `events`. With records of several leads, `id` picks one.
 */
export function readLead(rules: CompiledRules, lead: InputText | null, events: InputText | null, opts: { id?: string; seed?: number }): LeadInput {
  const issues: InputIssue[] = [];
  let fields: Record<string, Value> = {};
  let leadSource: SourceRef = { uri: lead?.uri ?? events?.uri ?? "stdin:", range: { start: { line: 0, character: 0, offset: 0 }, end: { line: 0, character: 0, offset: 0 } } };
  let id: string | null = opts.id ?? null;
  if (lead) {
    const l: Located = { name: lead.name, uri: lead.uri, lines: new LineIndex(lead.text) };
    const { tree, error } = parseJson(l, lead.text);
    if (error || !tree) issues.push({ severity: "error", place: error ? error.split(": ")[0]! : `${lead.name}:1:1`, message: error ? error.slice(error.indexOf(": ") + 2) : "empty input; expected a JSON object of the lead's fields" });
    else {
      // An event-log `lead` record ({"type": "lead", "lead": ID, "fields": {…}}) is read as its fields.
      const typeNode = tree.type === "object" ? tree.children?.find((p) => p.children?.[0]?.value === "type")?.children?.[1] : undefined;
      if (typeNode?.value === "lead") {
        const f = tree.children?.find((p) => p.children?.[0]?.value === "fields")?.children?.[1];
        const idNode = tree.children?.find((p) => p.children?.[0]?.value === "lead")?.children?.[1];
        if (typeof idNode?.value === "string") id ??= idNode.value;
        if (f) fields = fieldsOf(rules, l, f, issues, "`fields`");
      } else fields = fieldsOf(rules, l, tree, issues, "the lead");
      leadSource = sourceAt(l, tree.offset, tree.length);
    }
  }
  const inputs: SubjectInput[] = [];
  if (events) {
    let records = readRecords(events, issues, opts.id);
    const ids = [...new Set(records.map((r) => r.record.lead).filter((x) => x !== "-"))];
    if (opts.id !== undefined) {
      records = records.filter((r) => r.record.lead === opts.id || r.record.lead === "-");
      if (records.length === 0) issues.push({ severity: "error", place: events.name, message: `no records of lead \`${opts.id}\`${ids.length ? ` (the leads are ${ids.slice(0, 5).map((x) => `\`${x}\``).join(", ")}${ids.length > 5 ? ", …" : ""})` : ""}` });
    } else if (ids.length > 1) {
      issues.push({ severity: "error", place: events.name, message: `the records are of ${ids.length} leads (${ids.slice(0, 5).map((x) => `\`${x}\``).join(", ")}${ids.length > 5 ? ", …" : ""}); pick one with \`--id\`` });
      records = [];
    }
    else if (ids.length === 1) id ??= ids[0]!;
    const first = records[0];
    if (first?.record.type === "lead") {
      if (lead) issues.push({ severity: "warning", place: place(first.located, first.offset), message: "a `lead` record is read as an update, since `--lead` gives the lead's fields" });
      else {
        fields = checkedFields(rules, first, issues);
        leadSource = sourceAt(first.located, first.offset, first.length);
        records = records.slice(1);
      }
    }
    const epoch = first ? epochOf(first.record.at) : null;
    const kind = first ? typeof first.record.at : "number";
    let now = 0;
    for (const r of records) {
      const at = place(r.located, r.offset);
      if (typeof r.record.at !== kind) {
        issues.push({ severity: "error", place: at, message: "mixes day offsets and ISO times (a lead uses one kind of time)" });
        continue;
      }
      const t = minutesOf(r.record.at, epoch);
      const far = timeProblem(t, r.record.at);
      if (far) {
        issues.push({ severity: "error", place: at, message: far });
        continue;
      }
      if (t < now) {
        issues.push({ severity: "error", place: at, message: `${formatTime(t)} is before the previous record (${formatTime(now)}); records must be in time order` });
        continue;
      }
      now = t;
      const source = sourceAt(r.located, r.offset, r.length);
      if (r.record.type === "event") {
        if (!rules.events.has(r.record.event)) {
          const near = closest(r.record.event, rules.events.keys());
          issues.push({ severity: "warning", place: at, message: `\`${r.record.event}\` is not an event of these rules; no rule reacts to it${near ? ` (did you mean \`${near}\`?)` : ""}` });
        }
        inputs.push({ kind: "event", at: t, event: r.record.event, payload: r.record.payload, source });
      } else inputs.push({ kind: "update", at: t, fields: checkedFields(rules, r, issues), source });
    }
  }
  const seed = id !== null ? leadSeed(id, opts.seed ?? 0) : (opts.seed ?? 0);
  const name = `lead ${id !== null ? JSON.stringify(id) : `from ${lead?.name ?? events?.name ?? "standard input"}`}`;
  return { subject: { name, seed, source: leadSource, lead: fields, leadSource, inputs }, id, issues };
}

function checkedFields(rules: CompiledRules, r: RecordAt, issues: InputIssue[]): Record<string, Value> {
  const rec = r.record as Extract<LogRecord, { fields: unknown }>;
  const out: Record<string, Value> = {};
  for (const [k, v] of Object.entries(rec.fields)) {
    const f = rules.fields.get(k);
    if (!f) {
      const near = closest(k, rules.fields.keys());
      issues.push({ severity: "warning", place: place(r.located, r.offset), message: `\`${k}\` is not a field of the lead in these rules; ignored${near ? ` (did you mean \`${near}\`?)` : ""}` });
      continue;
    }
    const p = valueProblem(f, v);
    if (p) issues.push({ severity: "error", place: place(r.located, r.offset), message: p });
    else out[k] = v;
  }
  return out;
}
