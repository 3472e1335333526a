/**
 * The language's fixed vocabulary (docs/language.md), one definition each: time units and their
 * lengths (§2 Durations), consent bases and `consent_given` methods (§9 Consent), built-in
 * events (§4 The schema). The lexer, binder, checker, engine, language server and data generator all
 * read them from here. Imports nothing but AST types.
 */
import type * as A from "./syntax/ast.js";

// ------------------------------------------------------------ time units (§2 Durations)

/** Minutes in a day. */
export const DAY = 1440;

/** Each time unit (singular) and its length in minutes: months are 30 days and years 365, always. */
export const UNIT_MINUTES = { minute: 1, hour: 60, day: DAY, week: 7 * DAY, month: 30 * DAY, year: 365 * DAY } as const;

/** Every word that stands where a time unit is expected (singular and plural are the same unit), with its length in minutes. */
export const TIME_UNITS: Readonly<Record<string, number>> = Object.fromEntries(
  Object.entries(UNIT_MINUTES).flatMap(([unit, minutes]) => [
    [unit, minutes],
    [`${unit}s`, minutes],
  ]),
);

/**
 * A duration in minutes, or undefined when its unit is missing or not a unit. A unit without a
 * number is one unit: `per day` means `per 1 day` (§2). (Anywhere but after `per` the missing
 * number is a syntax error the parser reports, CR1002.)
 */
export function durationMinutes(d: A.Duration | undefined): number | undefined {
  if (!d?.unit) return undefined;
  const u = TIME_UNITS[d.unit.text];
  if (u === undefined) return undefined;
  return (d.amount ? d.amount.value : 1) * u;
}

// ------------------------------------------------------------ consent (§9)

/** The bases a consent clause may give. */
export const CONSENT_BASES = ["opt_in", "double_opt_in", "opt_out", "implied"] as const;
export type ConsentBasisName = (typeof CONSENT_BASES)[number];

/** The express bases: the only ones that may `expire after` a period. */
export const EXPRESS_BASES: readonly ConsentBasisName[] = ["opt_in", "double_opt_in"];

export function isConsentBasis(word: string): word is ConsentBasisName {
  return (CONSENT_BASES as readonly string[]).includes(word);
}

export function isExpressBasis(word: string | undefined): boolean {
  return word === "opt_in" || word === "double_opt_in";
}

/** The values of `consent_given`'s `method`. */
export const CONSENT_METHODS = ["checkbox", "double_opt_in", "purchase", "inquiry", "import"];

/** `consent_given` methods that record implied consent (CASL): they anchor `implied`, never count as `opt_in`. */
export const IMPLIED_METHODS: ReadonlySet<string> = new Set(["purchase", "inquiry"]);

// ------------------------------------------------------------ built-in events (§4 The schema)

export type BuiltinFieldType = "text" | "purpose" | { enum: string[] };

export interface BuiltinEvent {
  name: string;
  doc: string;
  fields: { name: string; type: BuiltinFieldType }[];
}

/** Events every workspace has, never declared by users. */
export const BUILTIN_EVENTS: BuiltinEvent[] = [
  {
    name: "consent_given",
    doc: "The person gave consent for a purpose. `method: double_opt_in` means a confirmed double opt-in.",
    fields: [
      { name: "purpose", type: "purpose" },
      { name: "method", type: { enum: CONSENT_METHODS } },
    ],
  },
  { name: "consent_withdrawn", doc: "The person withdrew consent for a purpose; takes effect immediately.", fields: [{ name: "purpose", type: "purpose" }] },
  { name: "unsubscribed", doc: "The person unsubscribed: withdraws every purpose at once.", fields: [] },
  { name: "erasure_requested", doc: "The person asked to be erased: every contact action is blocked from then on.", fields: [] },
  { name: "sales_activity", doc: "A seller worked the lead: stops the routing SLA timers.", fields: [{ name: "kind", type: "text" }] },
];

export const BUILTIN_EVENT_NAMES: ReadonlySet<string> = new Set(BUILTIN_EVENTS.map((e) => e.name));

/** The built-in events that change a lead's consent. */
export const CONSENT_EVENTS = ["consent_given", "consent_withdrawn", "unsubscribed"];

// ------------------------------------------------------------ countries (§4 Types, §9 Consent)

/** ISO 3166-1 alpha-2 country codes: the values of a `country` field; any other text is an unknown jurisdiction (§9). */
const CODES =
  "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ " +
  "CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR " +
  "GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP " +
  "KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT " +
  "MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW " +
  "SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG " +
  "UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";

export const COUNTRY_CODES: ReadonlySet<string> = new Set(CODES.split(" "));
