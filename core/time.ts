/**
 * The range of the clock (docs/language.md §13). Times are minutes from day 0, 00:00, held in
 * float64: every minute up to 2^53 is exact, so the range is kept far below that, leaving room
 * for the durations added to a time (a window's end, a timer's due time) to stay exact as well.
 */

/** The last day a journey step or an event-log record may be at: about 2,700 years after day 0. */
export const MAX_DAY = 1_000_000;

/** The last minute of `MAX_DAY` (day 1,000,000 at 23:59). */
export const MAX_MINUTE = MAX_DAY * 1440 + 1439;

/** Words for a day offset beyond the range, with a guess at what was meant. */
/** `dayZero` says where days count from (`day 0`, `the lead's first record`). */
export function outOfRangeDay(days: number, dayZero: string): string {
  const shown = Number.isFinite(days) && Math.abs(days) < 1e21 ? String(days) : days.toExponential(3);
  const base = `day ${shown} is beyond the last day the clock counts (day ${MAX_DAY.toLocaleString("en-US")}, about 2,700 years after day 0)`;
  // Unix times (seconds or milliseconds since 1970) given as a day offset are the usual cause.
  if (days >= 1e8 && days < 1e11) return `${base}; it looks like a Unix time in seconds: give days since ${dayZero}`;
  if (days >= 1e11 && days < 1e14) return `${base}; it looks like a Unix time in milliseconds: give days since ${dayZero}`;
  return base;
}
