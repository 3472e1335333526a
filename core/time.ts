/**
 * The clock (docs/language.md §13): its range and how a time is written. Times are minutes from day 0, 00:00, held in
 * float64: every minute up to 2^53 is exact, so the range is kept far below that, leaving room
 * for the durations added to a time (a window's end, a timer's due time) to stay exact as well.
 */
import { plural } from "./text/words.js";
import { DAY } from "./vocabulary.js";

/** The last day a journey step or an event-log record may be at: about 2,700 years after day 0. */
export const MAX_DAY = 1_000_000;

/** The last minute of `MAX_DAY` (day 1,000,000 at 23:59). */
export const MAX_MINUTE = MAX_DAY * DAY + DAY - 1;

/** `day 3 at 14:30` (the time of day omitted at midnight): how a time is written everywhere (traces, messages, the journey view). */
export function formatTime(minutes: number): string {
  const day = Math.floor(minutes / DAY);
  const rest = minutes - day * DAY;
  if (rest === 0) return `day ${day}`;
  const h = Math.floor(rest / 60);
  const m = rest % 60;
  return `day ${day} at ${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`;
}

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

/** `2 hours`, `1 day`, `90 minutes`: a length of time in minutes, in the largest unit that divides it. */
export function formatDurationShort(minutes: number): string {
  if (minutes % DAY === 0) return plural(minutes / DAY, "day");
  if (minutes % 60 === 0) return plural(minutes / 60, "hour");
  return plural(minutes, "minute");
}
