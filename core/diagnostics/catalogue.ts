/**
 * The diagnostics catalogue: every code the core can emit, with its default
 * severity, a short title and a help text (used by SARIF rules and docs).
 * INVARIANT: every `code` a phase emits is a key here: `DiagnosticCode`, the union of the codes
 * below, is the type of `Diagnostic.code` and of every producer's code, so a misspelt code does
 * not compile (test/checker/catalogue.test.ts checks the docs and golden cases of each).
 */
import type { Diagnostic, Fix, RelatedInfo, Severity } from "./diagnostic.js";
import type { Range } from "../text/positions.js";

interface Entry {
  code: `CR${number}`;
  severity: Severity;
  title: string;
  help: string;
}

const entries = [
  // ------------------------------------------------------------ syntax (core/syntax)
  { code: "CR1000", severity: "error", title: "unreadable text", help: "The file could not be read at this point. Check the line for a missing bracket or a stray word." },
  { code: "CR1001", severity: "error", title: "unexpected character", help: "A character that is not part of the language (for example `$` or `#`), or a form the language does not have: the operators `>>` and `<<` and numbers in exponent form such as `1e5`. Remove it, put it inside double quotes, or write it as the message says (`>`, `>=`; digits such as `100000`)." },
  { code: "CR1002", severity: "error", title: "missing or unexpected word", help: "Something expected at this point is missing (a name, a number, a bracket, a colon). The message says what was expected." },
  { code: "CR1003", severity: "error", title: "unrecognised construct", help: "None of the forms allowed here starts like this. The message lists what may appear." },
  { code: "CR1004", severity: "error", title: "missing required part", help: "A construct needs at least one of something (for example a value in a list)." },
  { code: "CR1005", severity: "error", title: "unexpected text after the end", help: "Text was found where no declaration can start." },
  { code: "CR1006", severity: "error", title: "unterminated text", help: "A text value starts with `\"` but has no closing quote on the same line." },
  { code: "CR1007", severity: "error", title: "second `otherwise` in a route", help: "A route has at most one `otherwise`; the later one would never be used." },
  { code: "CR1008", severity: "error", title: "unknown `is` test in an expectation", help: "Only `expect score NAME is unscored` is allowed after `is` in a score expectation." },
  { code: "CR1009", severity: "error", title: "unknown time unit", help: "Durations use minutes, hours, days, weeks, months (30 days) or years (365 days)." },
  { code: "CR1010", severity: "error", title: "malformed type", help: "Types are `text`, `number`, `boolean`, `date`, `email`, `country`, `enum(a, b)` or `list(T)`." },
  { code: "CR1011", severity: "error", title: "nested too deeply", help: "Parentheses, brackets, `not`, `-`, `count(…)` and type arguments nest at most 64 levels deep. The nested part is skipped (the rest of the file is still read); write it in smaller parts, for example with a `set` or separate conditions." },
  { code: "CR1023", severity: "error", title: "more syntax errors not shown", help: "A file with syntax errors reports its first 20 syntax errors and 100 other findings, and counts the rest in this one message; findings after a syntax error on the same line are left out, since they are mostly echoes of it. Fix the syntax errors and check again: the rest come back if they are real." },
  { code: "CR1024", severity: "error", title: "bidirectional control character", help: "An invisible character (U+202A–U+202E, U+2066–U+2069) in a text value or comment that reorders how the line is displayed, so the file reads differently from what it says (the \"Trojan Source\" attack on reviewers). Remove it; right-to-left text displays correctly without it." },
  { code: "CR1025", severity: "warning", title: "invisible direction mark", help: "A left-to-right, right-to-left or Arabic letter mark (U+200E, U+200F, U+061C) in a text value or comment. It changes how the characters around it are displayed; remove it unless right-to-left text needs it." },
  { code: "CR1026", severity: "error", title: "control character", help: "A control character (such as ESC, which starts terminal escape sequences) in a text value or comment. It is invisible in an editor and can act on a terminal when the text is printed. Remove it; write a line break or tab in a text as `\\n` or `\\t`." },
  // ------------------------------------------------------------ names and files (core/binder)
  { code: "CR2001", severity: "error", title: "unknown name", help: "A name that no visible declaration defines. Check the spelling (a did-you-mean fix is offered) or import the file that declares it." },
  { code: "CR2002", severity: "error", title: "duplicate name", help: "Two declarations of the same kind share a name in files that see each other. Rename one of them." },
  { code: "CR2003", severity: "error", title: "imported file not found", help: "The path in `import` does not name a file of the workspace. Paths are relative to the importing file." },
  { code: "CR2004", severity: "error", title: "import outside the workspace", help: "Imports must stay inside the workspace folder so that every check sees the same files." },
  { code: "CR2005", severity: "error", title: "import cycle", help: "Files import each other in a circle. Move the shared declarations into a file both import." },
  { code: "CR2006", severity: "error", title: "built-in event redeclared", help: "`consent_given`, `consent_withdrawn`, `unsubscribed`, `erasure_requested` and `sales_activity` are built in; remove the declaration." },
  { code: "CR2007", severity: "warning", title: "unused declaration", help: "Nothing refers to this declaration. Remove it, or use it in a rule." },
  { code: "CR2008", severity: "error", title: "wrong kind of name", help: "The name exists but is of another kind (for example an owner where a team is expected)." },
  { code: "CR2009", severity: "error", title: "second `lead` declaration", help: "A workspace has one lead schema. Move the fields of the second `lead { … }` into the first one; split large schemas with events and sets instead." },
  { code: "CR2010", severity: "error", title: "sets defined in terms of each other", help: "A set or territory that is built from itself, directly or through other sets, has no value. Write the values out in one of them." },
  { code: "CR2020", severity: "warning", title: "journey name used in another file", help: "Two journeys in files that do not see each other share a name. Test reports, `simulate NAME` and `diff` name journeys by their name, so the two cannot be told apart there: give each journey its own name." },
  { code: "CR2011", severity: "warning", title: "file imported twice", help: "A file imports the same file more than once (perhaps under two spellings of its path, such as `./a.crmrules` and `a.crmrules`). The second import adds nothing; remove it." },
  // ------------------------------------------------------------ types (core/checker)
  { code: "CR3001", severity: "error", title: "unknown field", help: "The lead schema or the event declares no field of this name. Check the spelling or add the field to the schema." },
  { code: "CR3002", severity: "error", title: "mismatched types", help: "The two sides of a comparison or operation hold different kinds of values (for example a number and a text)." },
  { code: "CR3003", severity: "error", title: "unknown enum value", help: "The value is not one of the values the field's `enum(…)` lists." },
  { code: "CR3004", severity: "error", title: "unknown country code", help: "Countries are ISO 3166-1 alpha-2 codes in capitals, such as `NO`, `DE` or `US`." },
  { code: "CR3005", severity: "error", title: "not a condition", help: "A `when`, `where` or `unless` needs something that is true or false, such as a comparison." },
  { code: "CR3006", severity: "error", title: "unknown type", help: "Field types are `text`, `number`, `boolean`, `date`, `email`, `country`, `enum(…)` and `list(…)`." },
  { code: "CR3007", severity: "error", title: "wrong value for a field", help: "A journey gives a field a value of the wrong kind (for example text for a number field)." },
  { code: "CR3008", severity: "error", title: "wrong action arguments", help: "An action call passes a different number of values than the action declares, or a value of the wrong kind." },
  { code: "CR3009", severity: "error", title: "unknown grade letter", help: "The letter is not one of the grade's letters." },
  { code: "CR3010", severity: "error", title: "unknown word", help: "A word in a fixed position is not one the language knows here (a stage modifier, a team strategy, a consent basis or an `is` test)." },
  { code: "CR3011", severity: "error", title: "consent needs a country field", help: "Consent clauses choose by the lead's country, so the lead schema needs a field of type `country`." },
  { code: "CR3012", severity: "error", title: "invalid re-entry", help: "`reenter S from D` needs D to be a `detour` stage and S a regular stage." },
  { code: "CR3013", severity: "error", title: "attribute rule reads a score or event", help: "An attribute rule (`+P when …`) may only read lead fields, sets and fixed values, not scores, grades, the stage or events (scores would depend on each other). Use an event rule (`+P on EVENT … when …`) instead." },
  { code: "CR3014", severity: "error", title: "`requires` on an internal action", help: "Internal actions (tasks, alerts) never contact the person and are always sent, so they need no consent purpose. Remove `requires …`, or mark the action `contact` if it does reach the person." },
  { code: "CR3015", severity: "error", title: "`matches` without a text pattern", help: "`matches` compares with a pattern written in double quotes: `*` stands for any run of characters, `?` for exactly one. A field, set or calculation cannot be a pattern." },
  { code: "CR3016", severity: "error", title: "invalid time of day", help: "`day N at HH:MM` takes hours from 00 to 23 and minutes from 00 to 59." },
  { code: "CR3017", severity: "error", title: "journey step goes back in time", help: "Journey steps run in the order written and must not go back in time. A step earlier than the one before it runs at the earlier step's time; move it up or fix its day." },
  { code: "CR3018", severity: "error", title: "journey part given twice", help: "A journey has at most one `seed` and one `lead { … }`; only the last would count. Keep one." },
  { code: "CR3019", severity: "error", title: "journey day out of range", help: "A journey step's `day N` counts days from day 0 (the lead's arrival) up to day 1,000,000 (about 2,700 years), the range in which the clock's minute arithmetic is exact. The step is not run. A huge day is often a Unix time in seconds or milliseconds." },
  { code: "CR3025", severity: "error", title: "built-in event as an implied-consent anchor", help: "`implied D after ANCHOR` counts from the latest ANCHOR: an event you declared (`inquiry_received`) or a `consent_given` method (`inquiry`, `purchase`, `checkbox`, `double_opt_in`). A built-in event (`sales_activity`, `unsubscribed`…) never gives implied consent; name the declared event or the method that records the inquiry or purchase." },
  { code: "CR3030", severity: "warning", title: "comparison of two fixed values", help: "Both sides of the comparison are values written in the rule (texts, numbers, dates, `true`/`false`), so it has the same outcome for every lead and event. One side was probably meant to be a field: write the field's name without quotes (`path starts_with \"/pricing\"`, `lead.country == NO`)." },
  { code: "CR3040", severity: "error", title: "journey expectation fails", help: "An `expect` of a journey does not hold when the journey is simulated: the message gives the expected and the actual value, and the related places are the trace entry that decided the value (the rule that last changed the score, the stage change, the routing decision, the send) and the journey step before the expectation. Reported by the language server, beside the checker's findings; `crmrules test` reports the same failure as a failed test. Change the rules or the expectation." },
  { code: "CR3041", severity: "error", title: "expectation compares with a later moment", help: "`expect score S at day A > at day B` compares the score at two moments of the journey; both must be at or before the expectation's own time, since an expectation is checked at its place in the timeline and cannot see the future. Move the expectation later (`day 5 expect …`) or compare with an earlier day." },
  { code: "CR3042", severity: "error", title: "count of sends is not a whole number", help: "`expect sent ACTION N times` counts the matching sends (or blocks): N is a whole number, 0 or more (`expect sent send_email 2 times`; `0 times` is the same as `not sent`)." },
  { code: "CR3043", severity: "error", title: "unknown journey lead", help: "A journey step starts with the name of a lead (`ana: form_submitted`) that the journey does not declare with `lead ana { … }`. Check the spelling (a did-you-mean fix is offered) or declare the lead. A one-lead journey (`lead { … }`) has no lead names: write its steps without one." },
  { code: "CR3044", severity: "error", title: "journey lead declared twice", help: "Two `lead NAME { … }` of one journey share a name, so its steps could not tell them apart. Give each lead its own name, or put the fields into one `lead NAME { … }`." },
  { code: "CR3045", severity: "error", title: "lead not named in a journey with several leads", help: "In a journey with named leads (`lead ana { … }`, `lead ben { … }`) every step starts with the name of the lead it happens to (`day 0 ana: form_submitted`, `ben: expect routed to owner sofia`), and the journey has no unnamed `lead { … }`. A fix for each lead is offered." },
  // ------------------------------------------------------------ domain analyses (core/checker/analyses)
  { code: "CR4001", severity: "warning", title: "routing rule never matches", help: "An earlier rule (or `otherwise`) matches every lead this rule would match, so it never routes anyone. Move it up or narrow the earlier rule." },
  { code: "CR4002", severity: "warning", title: "leads no routing rule covers", help: "Without `otherwise`, some leads match no rule and stay unrouted. The message shows one such lead (a field shown as `missing` is one the lead lacks: a comparison with a missing value matches no rule); add `otherwise -> queue …`." },
  { code: "CR4003", severity: "warning", title: "threshold no lead can reach", help: "The most points the score can ever hold (from its cap, rule points and limits; attribute rules whose conditions no lead meets at once are not added together) is below the threshold, so the condition is never true." },
  { code: "CR4004", severity: "error", title: "contact action without consent purpose", help: "An action that contacts people must say which consent it needs (`requires PURPOSE`), or be marked `internal`." },
  { code: "CR4005", severity: "error", title: "consent weaker than the law", help: "A consent clause lets contacts through on a basis weaker than the legal baseline for some country: EU/EEA opt-in, DE and AT double opt-in, CA express or implied for at most 24 months after a purchase or 6 months after an inquiry." },
  { code: "CR4006", severity: "warning", title: "countries without a consent rule", help: "No clause covers some countries and there is no `otherwise`, so every contact there is blocked. Add `otherwise: opt_in` if that is not intended." },
  { code: "CR4007", severity: "error", title: "contact without a consent declaration", help: "A workflow sends a contact action whose purpose has no `consent` declaration, so it can never be proved to be allowed." },
  { code: "CR4008", severity: "warning", title: "consent expires before the send", help: "A workflow waits longer before a contact than the consent it needs lasts, so a lead who consented when the workflow started is blocked by then. Shorten the wait or ask for consent again." },
  { code: "CR4010", severity: "warning", title: "unknown-jurisdiction clause weaker than a clause", help: "The `unknown` clause (for a lead whose country is missing or not a valid code) allows a contact on a basis some other clause of the purpose would refuse; the lead may be in that clause's countries. Make `unknown` at least as strict as every clause (or leave it out: then every clause must allow the contact)." },
  { code: "CR4009", severity: "error", title: "stage no lead can enter", help: "A stage without `when` is entered only as the initial stage, so any other stage without `when` (including a detour, and a stage that a `reenter` leads back to) is never entered. Add a `when` condition (or, if leads should start there, mark it `initial`)." },
  // ------------------------------------------------------------ settings
  { code: "CR5001", severity: "error", title: "zero or negative period", help: "Periods (`within`, `per`, `every`, `wait`, `expires after`, `escalate after`, `after`) must be longer than zero." },
  { code: "CR5002", severity: "error", title: "decay out of range", help: "Decay is a percentage above 0% and at most 100%." },
  { code: "CR5003", severity: "warning", title: "cap below a rule's points", help: "A single rule gives more points than the score's cap (or takes away more than its floor allows), so part of it can never count." },
  { code: "CR5004", severity: "error", title: "floor above cap", help: "A score's floor must not be higher than its cap." },
  { code: "CR5005", severity: "error", title: "non-positive team weight", help: "Round-robin weights must be above zero; remove the member instead of giving it weight 0." },
  { code: "CR5006", severity: "error", title: "limit of zero", help: "`limit 0` means the rule can never fire; remove the rule instead." },
  { code: "CR5007", severity: "error", title: "grade letters out of order", help: "Grade entries are written best first, so each minimum must be below the previous one, and `otherwise` comes last." },
  { code: "CR5008", severity: "error", title: "rule with zero points", help: "A rule must give or take points; `0` never changes the score. Give it points or remove it." },
  { code: "CR5009", severity: "error", title: "second initial stage", help: "Every lead starts in one stage, so at most one stage may be marked `initial`." },
  { code: "CR5010", severity: "error", title: "escalation steps out of order", help: "Every escalation step counts from the routing decision, not from the step before, so steps are written from the shortest wait to the longest." },
  { code: "CR5011", severity: "error", title: "escalation after `discard`", help: "A discarded lead is dropped on purpose and has nobody to escalate from, so `-> discard` cannot have `escalate` steps." },
  { code: "CR5012", severity: "error", title: "team member listed twice", help: "Each owner may appear once in a team. To give someone more leads, use `weight`." },
  // ------------------------------------------------------------ internal (core/diagnostics/internalError.ts)
  { code: "CR9001", severity: "error", title: "internal error", help: "Checking, formatting or simulating this file failed because of a bug in crmrules, not in the rules. The other files were handled as usual. Please report it to the crmrules maintainers with the message and the file." },
] as const satisfies readonly Entry[];

/** Every code of the catalogue: `"CR1000" | "CR1001" | …`. */
export type DiagnosticCode = (typeof entries)[number]["code"];

export interface CatalogueEntry extends Entry {
  code: DiagnosticCode;
}

export const CATALOGUE: ReadonlyMap<string, CatalogueEntry> = new Map(entries.map((e) => [e.code, e]));

/** Every catalogue entry, in code order. */
export function allCodes(): CatalogueEntry[] {
  return [...entries].sort((a, b) => (a.code < b.code ? -1 : 1));
}

export function catalogueEntry(code: string): CatalogueEntry | undefined {
  return CATALOGUE.get(code);
}

export interface DiagExtras {
  related?: RelatedInfo[];
  fixes?: Fix[];
  tags?: Diagnostic["tags"];
  example?: Record<string, unknown>;
  severity?: Diagnostic["severity"];
}

/** Builds a diagnostic with the catalogue's default severity. */
export function makeDiagnostic(code: DiagnosticCode, uri: string, range: Range, message: string, extras: DiagExtras = {}): Diagnostic {
  const entry = CATALOGUE.get(code);
  const d: Diagnostic = { code, severity: extras.severity ?? entry?.severity ?? "error", message, uri, range };
  if (extras.related?.length) d.related = extras.related;
  if (extras.fixes?.length) d.fixes = extras.fixes;
  if (extras.tags?.length) d.tags = extras.tags;
  if (extras.example) d.example = extras.example;
  return d;
}
