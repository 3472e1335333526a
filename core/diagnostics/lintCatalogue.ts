/**
 * The style linter's catalogue (`crmrules lint`, docs/lint.md; the rules run in core/lint/lint.ts):
 * every lint rule with its code (L001…, a range of its own beside the checker's CR codes in catalogue.ts),
 * its name, default level, title and help. Lint findings are about style, never about whether
 * the rules work: they never change `crmrules check`.
 * INVARIANT: every code core/lint/lint.ts emits is here, in schemas/crmrules.schema.json and in
 * docs/lint.md (test/lint/lint.test.ts).
 */
/** A lint rule's level: off, or the severity it reports with (crmrules.json `lint.rules`). */
export type LintLevel = "off" | "hint" | "info" | "warning" | "error";

interface Entry {
  code: `L${number}`;
  name: string;
  level: LintLevel;
  title: string;
  help: string;
}

export interface LintRule extends Entry {
  code: LintCode;
  /** The rule's name, as in docs/lint.md. */
  name: string;
  /** Its level when crmrules.json says nothing ("off": asked for by the team). */
  level: LintLevel;
  title: string;
  help: string;
}

const entries = [
  { code: "L001", name: "naming", level: "warning", title: "name not in snake_case", help: "Declared names (scores, rules, stages, owners, fields, events…) are written in snake_case by convention (docs/language.md §2, Names): lower-case letters, digits and `_`. The finding offers a fix that renames the declaration and every use of it." },
  { code: "L002", name: "unused-import", level: "warning", title: "unused import", help: "The file uses no declaration of the imported file (nor of the files that one imports). Remove the import. Files with journeys are left alone: a journey simulates every rule its file sees, so an import there has an effect without naming anything." },
  { code: "L003", name: "repeated-number", level: "info", title: "number repeated across rules", help: "The same number (other than 0 and 1) is written in the conditions of several rules, such as `lead.employees >= 250` in a score rule, a stage and a route. A threshold repeated by hand drifts when one copy changes: keep the copies in step, or test one of them (a stage, a grade) in the others." },
  { code: "L004", name: "description", level: "off", title: "missing description comment", help: "A score, score rule, grade, stage, route, consent, action or workflow has no `///` doc comment directly above it. Off by default; turn it on in crmrules.json (`\"lint\": { \"rules\": { \"L004\": \"warning\" } }`) when the team asks every rule to say what it is for." },
] as const satisfies readonly Entry[];

/** Every lint code: `"L001" | "L002" | …`. */
export type LintCode = (typeof entries)[number]["code"];

export const LINT_RULES: readonly LintRule[] = entries;

const BY_CODE = new Map<string, LintRule>(LINT_RULES.map((r) => [r.code, r]));

export function lintRule(code: string): LintRule | undefined {
  return BY_CODE.get(code);
}
