// Calendar arithmetic on instants in a configured IANA time zone (pure: Intl only, `now` is always a parameter).
import { InputError } from "./errors.ts";

export const DAY_MS = 24 * 60 * 60 * 1000;

/** A calendar day `YYYY-MM-DD`; compares correctly as a string. */
export type CalendarDay = string;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    try {
      formatter = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
    } catch {
      throw new InputError(
        "bad-time-zone",
        `${JSON.stringify(timeZone)} is not an IANA time zone (e.g. UTC, America/New_York)`,
      );
    }
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Throws InputError when `timeZone` is not a zone this runtime knows. */
export function assertTimeZone(timeZone: string): void {
  formatterFor(timeZone);
}

/** The day `instant` falls on in `timeZone`. */
export function calendarDayOf(instant: Date, timeZone: string): CalendarDay {
  const parts = formatterFor(timeZone).formatToParts(instant);
  const get = (type: string) => parts.find((part) => part.type === type)?.value ?? "";
  return `${get("year")}-${get("month")}-${get("day")}`;
}

/** The day `instant` falls on at a fixed UTC offset (a tagger's `+1200`, as minutes east of UTC). */
export function calendarDayAtOffset(instant: Date, offsetMinutes: number): CalendarDay {
  return new Date(instant.getTime() + offsetMinutes * 60_000).toISOString().slice(0, 10);
}

/** Whole days from day `a` to day `b` (b - a), independent of time zones and DST. */
export function daysBetween(a: CalendarDay, b: CalendarDay): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY_MS);
}

/** `day` plus `days` calendar days. */
export function addDays(day: CalendarDay, days: number): CalendarDay {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** `YYYYMMDD` of the day `instant` falls on in `timeZone` (the `{date}` of tag names). */
export function dateStampOf(instant: Date, timeZone: string): string {
  return calendarDayOf(instant, timeZone).replaceAll("-", "");
}

/** True when `YYYYMMDD` names a real day of the Gregorian calendar (20240229 yes, 20240230 no). */
export function isRealDateStamp(stamp: string): boolean {
  if (!/^\d{8}$/.test(stamp)) return false;
  const year = Number(stamp.slice(0, 4));
  const month = Number(stamp.slice(4, 6));
  const day = Number(stamp.slice(6, 8));
  if (year < 1991 || month < 1 || month > 12 || day < 1) return false;
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** `20240312` → `2024-03-12`. */
export function dayOfDateStamp(stamp: string): CalendarDay {
  return `${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 8)}`;
}
