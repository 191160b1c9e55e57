/**
 * Pure rules of Steering Committee meetings: local times in a meeting's zone, the submission
 * cut-off, reminder instants, and which meeting a submitted note targets. Luxon does the calendar
 * and time-zone work; nothing here does offset arithmetic by hand.
 *
 * Local times that do not exist or occur twice (daylight-saving changes) follow one rule, the
 * "compatible" rule of the TC39 Temporal proposal:
 *  - a local time skipped by a spring-forward change moves forward by the length of the gap
 *    (02:30 on a day that jumps from 02:00 to 03:00 means 03:30);
 *  - a local time repeated by a fall-back change means its first occurrence (the earlier instant,
 *    still on daylight time).
 */
import { DateTime, Duration, IANAZone } from 'luxon';

export const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/;

/** A wall-clock date-time written as the API takes it that exists on the calendar (not 30 February, not 25:00). */
export function isLocalDateTime(local: string): boolean {
  return LOCAL_DATE_TIME.test(local) && DateTime.fromISO(local, { zone: 'UTC' }).isValid;
}

export function isZone(zone: string): boolean {
  return IANAZone.isValidZone(zone);
}

/** The instant of a wall-clock time in a zone, under the rule above. */
export function localToInstant(local: string, zone: string): Date {
  if (!LOCAL_DATE_TIME.test(local)) throw new Error(`Not a local date-time: ${local}`);
  if (!isZone(zone)) throw new Error(`Not an IANA time zone: ${zone}`);
  const resolved = DateTime.fromISO(local, { zone });
  if (!resolved.isValid)
    throw new Error(`Invalid local date-time ${local}: ${resolved.invalidExplanation ?? ''}`);
  // Luxon moves a skipped time forward by the gap already; for a repeated time it offers both.
  const candidates = resolved.getPossibleOffsets();
  const earliest =
    candidates.length > 0 ? candidates.reduce((a, b) => (a.toMillis() <= b.toMillis() ? a : b)) : resolved;
  return earliest.toJSDate();
}

/** The wall-clock time `days` calendar days before a local date-time (no zone involved). */
export function localMinusDays(local: string, days: number): string {
  const wall = DateTime.fromISO(local, { zone: 'UTC' }).minus({ days });
  // Keep the precision the input was written with.
  const format = local.includes('.')
    ? "yyyy-LL-dd'T'HH:mm:ss.SSS"
    : local.length > 16
      ? "yyyy-LL-dd'T'HH:mm:ss"
      : "yyyy-LL-dd'T'HH:mm";
  return wall.toFormat(format);
}

export interface MeetingTimes {
  startsAt: Date;
  cutoffAt: Date;
  /** The cut-off as wall-clock time in the meeting's zone. */
  cutoffLocal: string;
}

/** A meeting's start and its cut-off: the same wall-clock time `weeks` × 7 days earlier, in the meeting's zone. */
export function meetingTimes(startsLocal: string, zone: string, weeks: number): MeetingTimes {
  const cutoffLocal = localMinusDays(startsLocal, weeks * 7);
  return {
    startsAt: localToInstant(startsLocal, zone),
    cutoffAt: localToInstant(cutoffLocal, zone),
    cutoffLocal,
  };
}

/** Local date-time of an instant in a zone, as `YYYY-MM-DDTHH:mm` (seconds when not zero). */
export function instantToLocal(instant: Date, zone: string): string {
  const local = DateTime.fromJSDate(instant, { zone });
  return local.toFormat(
    local.second || local.millisecond ? "yyyy-LL-dd'T'HH:mm:ss.SSS" : "yyyy-LL-dd'T'HH:mm",
  );
}

export interface Reminder {
  /** The offset as written in configuration (P7D), part of each reminder's unique key. */
  offset: string;
  at: Date;
  days: number;
}

/** Reminder instants before a cut-off, one per configured offset, latest first. */
export function reminders(cutoffAt: Date, offsets: Duration[]): Reminder[] {
  return offsets
    .map((offset) => ({
      offset: offset.toISO() ?? '',
      at: new Date(cutoffAt.getTime() - offset.as('milliseconds')),
      days: Math.round(offset.as('days')),
    }))
    .sort((a, b) => a.at.getTime() - b.at.getTime());
}

export interface TargetCandidate {
  id: string;
  startsAt: Date;
  cutoffAt: Date;
  status: 'scheduled' | 'agenda_closed' | 'held' | 'cancelled';
}

/**
 * The meeting a note submitted at `submittedAt` targets: the earliest (by start) meeting still
 * taking notes whose cut-off the submission meets (at or before the cut-off, to the millisecond);
 * none when it is later than every cut-off.
 */
export function targetMeeting(submittedAt: Date, meetings: TargetCandidate[]): string | null {
  const eligible = meetings
    .filter((m) => m.status === 'scheduled' && submittedAt.getTime() <= m.cutoffAt.getTime())
    .sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime() || a.id.localeCompare(b.id));
  return eligible[0]?.id ?? null;
}
