/**
 * Pure rules of Steering Committee meetings: local times in a meeting's zone, the submission
 * cut-off, reminder instants, and who may change an agenda when. Which meeting a submitted note
 * targets is decided in PostgreSQL (MeetingTargeting), in the transaction that changes the note or
 * the meeting. Luxon does the calendar and time-zone work; nothing here does offset arithmetic by
 * hand.
 *
 * Local times that do not exist or occur twice (daylight-saving changes) follow one rule, the
 * "compatible" rule of the TC39 Temporal proposal:
 *  - a local time skipped by a spring-forward change moves forward by the length of the gap
 *    (02:30 on a day that jumps from 02:00 to 03:00 means 03:30);
 *  - a local time repeated by a fall-back change means its first occurrence (the earlier instant,
 *    still on daylight time).
 */
import { DateTime, Duration, IANAZone } from 'luxon';
import type { MeetingStatus } from './meeting.entity';

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

/** What the secretariat changes on an agenda (DESIGN §3 "After the agenda closes"). */
export type AgendaChange = 'late_exception' | 'arrange' | 'assessment';

/** Why a change to an agenda is refused: each answers 409 with a code of its own. */
export type AgendaRefusal = 'agenda_not_closed' | 'meeting_status' | 'packet_issued';

export interface AgendaState {
  status: MeetingStatus;
  kind: 'in_person' | 'virtual' | 'written_procedure';
  /** A version of the meeting's packet has been issued (rendered and sent to the committee). */
  packetIssued: boolean;
}

/**
 * Whether the secretariat may change a meeting's agenda now: null when it may, else why not.
 *
 * - A late exception needs a closed agenda (before the cut-off, notes are placed by the cut-off
 *   rule); a `written_procedure` meeting takes them while scheduled too, since it decides between
 *   sessions on items placed so.
 * - Arranging the items (order, group, carry over, remove) and late exceptions stop when the
 *   packet is issued: the committee decides on the agenda it was sent. Nothing changes on a held
 *   or cancelled meeting (the secretariat can undo "held" first).
 * - The consolidated assessment of an item is not part of the agenda: it may be written until the
 *   meeting is held, also after a packet was issued (a new version of the packet carries it).
 */
export function agendaRefusal(meeting: AgendaState, change: AgendaChange): AgendaRefusal | null {
  if (meeting.status === 'held' || meeting.status === 'cancelled') return 'meeting_status';
  if (change === 'assessment') return null;
  if (change === 'late_exception' && meeting.status === 'scheduled' && meeting.kind !== 'written_procedure') {
    return 'agenda_not_closed';
  }
  return meeting.packetIssued ? 'packet_issued' : null;
}

/** Where a note goes when its technical revision is resubmitted; see resubmissionPlacement. */
export type ResubmissionPlacement = 'stay' | 'join_agenda' | 'next_meeting';

/**
 * A technical revision comes back "with the same submission time and meeting" (DESIGN §3). Its
 * submission met that meeting's cut-off, so:
 * - while the meeting is scheduled the note stays targeted, and the closing lists it;
 * - once the agenda has closed, the note joins it as long as the agenda may still change (no
 *   packet issued): it is where it would have been had the revision not been asked for;
 * - when the agenda is final (packet issued), or the meeting was held or cancelled, it goes to the
 *   next meeting with no cut-off check, as a carried-over item does.
 */
export function resubmissionPlacement(meeting: {
  status: MeetingStatus;
  packetIssued: boolean;
}): ResubmissionPlacement {
  if (meeting.status === 'scheduled') return 'stay';
  if (meeting.status === 'agenda_closed' && !meeting.packetIssued) return 'join_agenda';
  return 'next_meeting';
}
