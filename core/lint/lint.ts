/**
 * The style linter (issue 17 item 8; rules in core/lint/rules.ts, docs/lint.md): findings about
 * how rules are written, computed from a finished workspace check (its symbols, references and
 * trees), separate from the checker's diagnostics. Pure.
 */
import type * as A from "../syntax/ast.js";
import type { LintDiagnostic, Severity } from "../diagnostics/diagnostic.js";
import type { CrmSymbol, SymbolKind, WorkspaceCheck } from "../workspace.js";
import type { LintLevel } from "../diagnostics/lintCatalogue.js";
import { compareDiagnostics } from "../diagnostics/diagnostic.js";
import { resolveImport } from "../binder/paths.js";
import { visitExprs } from "../syntax/walk.js";
import { LINT_RULES } from "../diagnostics/lintCatalogue.js";

export interface LintOptions {
  /** Levels by code (crmrules.json `lint.rules`); codes left out keep their default. */
  rules?: Record<string, LintLevel>;
  /** Report only on these files (default: every file). Repeated numbers still count every file. */
  only?: ReadonlySet<string>;
}

/** The level each rule runs at under `rules`. */
export function lintLevels(rules: Record<string, LintLevel> = {}): Map<string, LintLevel> {
  return new Map(LINT_RULES.map((r) => [r.code, rules[r.code] ?? r.level]));
}

export function lintWorkspace(check: WorkspaceCheck, options: LintOptions = {}): LintDiagnostic[] {
  const levels = lintLevels(options.rules);
  const on = (code: string) => levels.get(code) !== "off";
  const wanted = (uri: string) => !options.only || options.only.has(uri);
  const out: LintDiagnostic[] = [];
  const push = (d: Omit<LintDiagnostic, "severity">) => {
    if (wanted(d.uri)) out.push({ ...d, severity: levels.get(d.code) as Severity });
  };
  if (on("L001")) naming(check, push);
  if (on("L002")) unusedImports(check, push);
  if (on("L003")) repeatedNumbers(check, push);
  if (on("L004")) descriptions(check, push);
  return out.sort(compareDiagnostics);
}

type Push = (d: Omit<LintDiagnostic, "severity">) => void;

/** Kinds whose names follow the snake_case convention (grade letters and enum values are data; journeys are named by texts). */
const NAMED_KINDS = new Set<SymbolKind>(["field", "event", "payloadField", "set", "territory", "score", "scoreRule", "grade", "stage", "owner", "queue", "team", "route", "routeRule", "consent", "action", "param", "workflow"]);

const SNAKE = /^[\p{Ll}\p{Lo}_][\p{Ll}\p{Lo}\p{M}\p{Nd}_]*$/u;

/** `MyScore` → `my_score`, `HTTPStatus` → `http_status`, `lead-Source` stays a valid name. */
export function snakeCase(name: string): string {
  return name
    .replace(/(\p{Lu}+)(\p{Lu}\p{Ll})/gu, "$1_$2")
    .replace(/([\p{Ll}\p{Nd}])(\p{Lu})/gu, "$1_$2")
    .toLowerCase();
}

function naming(check: WorkspaceCheck, push: Push): void {
  const uses = new Map<string, { uri: string; range: A.Node["range"] }[]>();
  for (const r of check.references) uses.set(r.symbolId, [...(uses.get(r.symbolId) ?? []), r]);
  for (const s of check.symbols.values()) {
    if (s.builtin || !NAMED_KINDS.has(s.kind) || SNAKE.test(s.name)) continue;
    const better = snakeCase(s.name);
    const taken = [...check.symbols.values()].some((o) => o.name === better && o.kind === s.kind && o.container === s.container);
    const edits = [{ uri: s.uri, range: s.range, newText: better }, ...(uses.get(s.id) ?? []).map((u) => ({ uri: u.uri, range: u.range, newText: better }))];
    push({
      code: "L001",
      message: `${KIND_WORD[s.kind]} \`${s.name}\` is not in snake_case${taken || !SNAKE.test(better) ? "" : `: \`${better}\``}`,
      uri: s.uri,
      range: s.range,
      ...(taken || !SNAKE.test(better) ? {} : { fixes: [{ title: `Rename to \`${better}\`${edits.length === 1 ? "" : ` (and its ${edits.length === 2 ? "use" : `${edits.length - 1} uses`})`}`, edits, preferred: true }] }),
    });
  }
}

const KIND_WORD: Record<SymbolKind, string> = {
  field: "the field", event: "the event", payloadField: "the payload field", set: "the set", territory: "the territory", score: "the score", scoreRule: "the rule",
  grade: "the grade", gradeLetter: "the grade letter", stage: "the stage", owner: "the owner", queue: "the queue", team: "the team", route: "the route", routeRule: "the route rule",
  consent: "the consent", action: "the action", param: "the parameter", workflow: "the workflow", journey: "the journey", enumValue: "the enum value",
};

function unusedImports(check: WorkspaceCheck, push: Push): void {
  const usedFiles = new Map<string, Set<string>>();
  for (const r of check.references) {
    const s = check.symbols.get(r.symbolId);
    if (!s || s.builtin) continue;
    let set = usedFiles.get(r.uri);
    if (!set) usedFiles.set(r.uri, (set = new Set()));
    set.add(s.uri);
  }
  for (const [uri, pr] of check.files) {
    if (pr.file.decls.some((d) => d.kind === "Journey")) continue;
    // A file with errors may fail to use what it imports (`lead.rol` uses no field): the errors come first.
    if (check.diagnostics.some((d) => d.uri === uri && d.severity === "error")) continue;
    const used = usedFiles.get(uri) ?? new Set<string>();
    const seen = new Set<string>();
    for (const imp of pr.file.imports) {
      if (!imp.path) continue;
      const target = resolveImport(uri, imp.path.value);
      // A missing file or a second import of one file is the checker's finding (CR2003, CR2011).
      if (!check.files.has(target) || seen.has(target)) continue;
      seen.add(target);
      if (check.visibleFiles(target).some((f) => f !== uri && used.has(f))) continue;
      push({
        code: "L002",
        message: `nothing from \`${imp.path.value}\` is used in this file: remove the import`,
        uri,
        range: imp.range,
        tags: ["unnecessary"],
        fixes: [{ title: "Remove the unused import", edits: [{ uri, range: lineRange(pr.lines, imp.range), newText: "" }], preferred: true }],
      });
    }
  }
}

/** The whole lines of `r` with their line break, when nothing else is on them; else `r`. */
function lineRange(lines: { text: string; offsetAt(line: number, character: number): number; range(a: number, b: number): A.Node["range"] }, r: A.Node["range"]) {
  const start = lines.offsetAt(r.start.line, 0);
  const nextLine = lines.offsetAt(r.end.line + 1, 0);
  const before = lines.text.slice(start, r.start.offset);
  const after = lines.text.slice(r.end.offset, nextLine);
  if (before.trim() === "" && after.trim() === "") return lines.range(start, nextLine > r.end.offset ? nextLine : lines.text.length);
  return r;
}

/** The parts of a file that count as one rule each, with their name for messages. */
function ruleUnits(file: A.CrmFile): { name: string; node: A.Node }[] {
  const units: { name: string; node: A.Node }[] = [];
  for (const d of file.decls) {
    if (d.kind === "Score") for (const r of d.rules) units.push({ name: `${d.name?.text ?? "?"}.${r.name?.text ?? "?"}`, node: r });
    else if (d.kind === "Route") {
      for (const r of d.rules) units.push({ name: `${d.name?.text ?? "?"}.${r.name?.text ?? "?"}`, node: r });
      if (d.trigger) units.push({ name: d.name?.text ?? "?", node: d.trigger });
    } else if (d.kind === "Stage" || d.kind === "Workflow") units.push({ name: `${d.kind === "Stage" ? "stage" : "workflow"} ${d.name?.text ?? "?"}`, node: d });
  }
  return units;
}

const EXPR_ROOTS = new Set(["Binary", "Unary", "Is", "Between", "Paren", "Count", "Within", "On", "List"]);

/** The numbers written in the conditions under `node` (not points, limits, weights or durations). */
function conditionNumbers(node: A.Node): A.NumberLit[] {
  const found: A.NumberLit[] = [];
  const stack: unknown[] = [node];
  while (stack.length) {
    const n = stack.pop();
    if (!n || typeof n !== "object") continue;
    if (Array.isArray(n)) {
      stack.push(...n);
      continue;
    }
    const o = n as { kind?: string };
    if (o.kind && EXPR_ROOTS.has(o.kind)) {
      visitExprs(o as A.Expr, (e) => {
        if (e.kind === "Number") found.push(e);
      });
      continue;
    }
    for (const [k, v] of Object.entries(o)) if (k !== "range" && v && typeof v === "object") stack.push(v);
  }
  return found;
}

function repeatedNumbers(check: WorkspaceCheck, push: Push): void {
  const byValue = new Map<number, { uri: string; lit: A.NumberLit; unit: string }[]>();
  for (const [uri, pr] of check.files) {
    for (const u of ruleUnits(pr.file)) {
      for (const lit of conditionNumbers(u.node)) {
        const v = Math.abs(lit.value);
        if (v === 0 || v === 1 || !Number.isFinite(v)) continue;
        byValue.set(v, [...(byValue.get(v) ?? []), { uri, lit, unit: u.name }]);
      }
    }
  }
  for (const [v, places] of byValue) {
    const units = [...new Set(places.map((p) => `${p.uri}\u0000${p.unit}`))];
    if (units.length < 2) continue;
    const names = [...new Set(places.map((p) => `\`${p.unit}\``))];
    // One finding per file, at the number's first place there; the others are its related places.
    const firsts = new Map<string, (typeof places)[number]>();
    for (const p of places) if (!firsts.has(p.uri) || p.lit.range.start.offset < firsts.get(p.uri)!.lit.range.start.offset) firsts.set(p.uri, p);
    for (const p of firsts.values()) {
      push({
        code: "L003",
        message: `the number ${v} is written in the conditions of ${units.length} rules (${names.join(", ")}): a threshold repeated by hand drifts when one copy changes`,
        uri: p.uri,
        range: p.lit.range,
        related: places.filter((o) => o !== p).map((o) => ({ uri: o.uri, range: o.lit.range, message: `also in \`${o.unit}\`` })),
      });
    }
  }
}

const DESCRIBED_KINDS = new Set<SymbolKind>(["score", "scoreRule", "grade", "stage", "route", "routeRule", "consent", "action", "workflow"]);

function descriptions(check: WorkspaceCheck, push: Push): void {
  for (const s of check.symbols.values() as Iterable<CrmSymbol>) {
    if (s.builtin || !DESCRIBED_KINDS.has(s.kind) || (s.doc && s.doc.trim())) continue;
    push({ code: "L004", message: `${KIND_WORD[s.kind]} \`${s.name}\` has no description: write a \`///\` comment above it saying what it is for`, uri: s.uri, range: s.range });
  }
}
