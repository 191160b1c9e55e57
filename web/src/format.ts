/**
 * Dates, times and money in the reader's language. Instants come from the API in UTC; they are
 * shown in the user's time zone and, for meetings and cut-offs, also in the meeting's zone.
 * Amounts are USD, formatted by the locale (Intl, no hand-written separators). Time-zone arithmetic
 * (calendar days, wall clocks to instants) is Luxon's, never hand-written.
 */
import { DateTime as LuxonDateTime } from 'luxon';

/** The BCP 47 locale Intl formats with (the interface language; CLDR picks digits and separators). */
export function intlLocale(language: string): string {
  return language;
}

// dateStyle/timeStyle cannot be combined with timeZoneName (a RangeError): the parts are spelt out.
const DATE_TIME: Intl.DateTimeFormatOptions = {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
};

/** An instant in a zone, the zone's short name after it ("20 Jan 2027, 17:00 CET"). */
export function formatDateTime(instant: string | Date, language: string, timeZone: string): string {
  return new Intl.DateTimeFormat(intlLocale(language), {
    ...DATE_TIME,
    timeZone,
    timeZoneName: 'short',
  }).format(new Date(instant));
}

/** The same instant as the wall clock in a zone reads it, without the zone's name (the screen names it). */
export function formatWallClock(instant: string | Date, language: string, timeZone: string): string {
  return new Intl.DateTimeFormat(intlLocale(language), { ...DATE_TIME, timeZone }).format(new Date(instant));
}

export function formatDate(value: string | Date, language: string, timeZone?: string): string {
  // A plain date (2027-03-10) is a calendar day, not an instant: show it as written.
  const date =
    typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)
      ? new Date(`${value}T12:00:00Z`)
      : new Date(value);
  return new Intl.DateTimeFormat(intlLocale(language), {
    dateStyle: 'medium',
    timeZone: typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? 'UTC' : timeZone,
  }).format(date);
}

export function formatMoney(amount: number | string | null | undefined, language: string): string {
  if (amount === null || amount === undefined || amount === '') return '—';
  return new Intl.NumberFormat(intlLocale(language), { style: 'currency', currency: 'USD' }).format(
    Number(amount),
  );
}

export function formatNumber(value: number, language: string, digits = 1): string {
  return new Intl.NumberFormat(intlLocale(language), { maximumFractionDigits: digits }).format(value);
}

/** "in 3 days", "in 5 hours", "2 days ago": the time left to a cut-off, in the reader's language. */
export function formatCountdown(target: string | Date, now: Date, language: string): string {
  const ms = new Date(target).getTime() - now.getTime();
  const format = new Intl.RelativeTimeFormat(intlLocale(language), { numeric: 'auto' });
  const abs = Math.abs(ms);
  const sign = ms < 0 ? -1 : 1;
  if (abs >= 2 * 86_400_000) return format.format(sign * Math.floor(abs / 86_400_000), 'day');
  if (abs >= 3_600_000) return format.format(sign * Math.floor(abs / 3_600_000), 'hour');
  return format.format(sign * Math.max(1, Math.floor(abs / 60_000)), 'minute');
}

/** The user's zone as the browser knows it, for profiles that have none yet. */
export function browserZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** The IANA time zones the browser knows, for the zone pickers. */
export const TIME_ZONES: string[] = Intl.supportedValuesOf('timeZone');

/**
 * The calendar day (YYYY-MM-DD, as a date input takes it) an instant falls on in a time zone, or the
 * day so many days or months after it there.
 */
export function calendarDay(
  instant: Date,
  timeZone: string,
  later: { days?: number; months?: number } = {},
): string {
  return LuxonDateTime.fromJSDate(instant, { zone: timeZone }).plus(later).toISODate() ?? '';
}

/** The UTC instant (ISO 8601) of a wall-clock date and time (`2027-01-20`, `23:59`) in an IANA zone. */
export function zonedToUtc(date: string, time: string, timeZone: string): string | null {
  return LuxonDateTime.fromISO(`${date}T${time}`, { zone: timeZone }).toUTC().toISO();
}
