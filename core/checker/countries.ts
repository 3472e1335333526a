/** ISO 3166-1 alpha-2 country codes and the jurisdictions the consent baseline knows. */

// The ISO 3166-1 alpha-2 codes are part of the vocabulary (the engine reads them too).
export { COUNTRY_CODES } from "../vocabulary.js";
import { COUNTRY_CODES } from "../vocabulary.js";

/** EU member states plus the EEA (IS, LI, NO): email marketing needs prior opt-in. */
export const EU_EEA: readonly string[] = (
  "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE IS LI NO"
).split(" ");

/** Countries used for counterexamples when none of the written ones fits, most familiar first. */
export const EXAMPLE_COUNTRIES: readonly string[] = ["BR", "JP", "IN", "AU", "MX", "ZA", "SG", "US", "GB", "FR", "DE", "CA"];

export function isCountryCode(s: string): boolean {
  return COUNTRY_CODES.has(s);
}
