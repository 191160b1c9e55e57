/**
 * How the PDFs write amounts, scores, times and codes. Documents are in English: the Fund's
 * working language; the applicants' own text keeps its script.
 */
import { DateTime } from 'luxon';
import { centsToDecimal, toCents } from '../common/money';

export const FUND_NAME = 'Migration Multi-Partner Trust Fund';
export const DASH = '—';

/** "1,234,567.80" from an amount in USD as numeric columns give it ("1234567.8"). */
export function usd(amount: string | null | undefined): string {
  if (amount === null || amount === undefined || amount.trim() === '') return DASH;
  const decimal = centsToDecimal(toCents(amount));
  const [whole, cents] = decimal.replace('-', '').split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${decimal.startsWith('-') ? '-' : ''}${grouped}.${cents}`;
}

/** A score or mean with two decimals, or a dash. */
export function score(value: number | null | undefined): string {
  return value === null || value === undefined ? DASH : value.toFixed(2);
}

/** "ready_for_committee" → "Ready for committee". */
export function label(code: string | null | undefined): string {
  if (!code) return DASH;
  const words = code.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function text(value: string | null | undefined): string {
  return value === null || value === undefined || value.trim() === '' ? DASH : value;
}

/** An instant in a zone, named: "Wednesday 10 March 2027, 10:00 CET (Europe/Zurich, UTC+01:00)". */
export function zoned(at: Date, zone: string): string {
  const local = DateTime.fromJSDate(at, { zone }).setLocale('en-GB');
  if (!local.isValid) return utc(at);
  const abbreviation = local.offsetNameShort ? ` ${local.offsetNameShort}` : '';
  return `${local.toFormat('cccc d LLLL yyyy, HH:mm')}${abbreviation} (${zone}, UTC${local.toFormat('ZZ')})`;
}

/** An instant in UTC: "2027-01-27 09:00 UTC". */
export function utc(at: Date): string {
  return DateTime.fromJSDate(at, { zone: 'UTC' }).toFormat("yyyy-LL-dd HH:mm 'UTC'");
}

/** A date without time: "27 January 2027". */
export function day(at: Date): string {
  return DateTime.fromJSDate(at, { zone: 'UTC' }).setLocale('en-GB').toFormat('d LLLL yyyy');
}
