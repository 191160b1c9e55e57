/**
 * When packets are issued and rendered (DESIGN §3 "Packet", §6 jobs): the automatic issue at
 * PACKET_OFFSET before a meeting, and when a render in progress is presumed abandoned. Pure: no
 * framework, no database, no clock.
 */

import type { MeetingStatus } from '../meetings/meeting.entity';

/** The instant the automatic packet of a meeting is due: PACKET_OFFSET before its start. */
export function automaticIssueAt(startsAt: Date, offsetMs: number): Date {
  return new Date(startsAt.getTime() - offsetMs);
}

/**
 * Whether the automatic packet of a meeting is due now. The rule:
 *
 * - Only a meeting whose agenda is closed, of any kind. A `written_procedure` meeting gets its
 *   automatic packet like the others once its agenda is closed; while it is still `scheduled`
 *   (possible at the offset only when PACKET_OFFSET is longer than the six-week cut-off) its
 *   agenda is open to late exceptions, and the secretariat issues packets by hand when the items
 *   are in. A meeting `held` or `cancelled` gets none.
 * - From the offset instant until the meeting starts; none once it has started.
 * - Unless a version was requested at or after the offset instant. A version requested earlier
 *   (an early issue, or a preview before the agenda was final) does not count: at the offset the
 *   committee gets a fresh version built from the agenda and reviews as they then stand. One
 *   requested at or after the offset instant, by the secretariat or by this rule, is that version,
 *   so the rule issues at most one version per offset instant (a rescheduled meeting has a new
 *   one, and gets a new automatic version at it).
 */
export function automaticPacketDue(
  meeting: { status: MeetingStatus; startsAt: Date },
  latestRequestedAt: Date | null,
  now: Date,
  offsetMs: number,
): boolean {
  if (meeting.status !== 'agenda_closed') return false;
  const issueAt = automaticIssueAt(meeting.startsAt, offsetMs).getTime();
  if (now.getTime() < issueAt || now.getTime() >= meeting.startsAt.getTime()) return false;
  return latestRequestedAt === null || latestRequestedAt.getTime() < issueAt;
}

/**
 * How long a render may hold a packet before another render takes it over: as long as BullMQ
 * takes to notice that the worker running a job died (its lock expires, then the stalled-job
 * check runs). A worker that is alive keeps rendering; were it still at work after this long,
 * the takeover renders too and the first to finish issues the version (see PacketsService.render).
 */
export function renderClaimMs(worker: { lockDurationMs: number; stalledIntervalMs: number }): number {
  return worker.lockDurationMs + worker.stalledIntervalMs;
}

/** Whether a packet in `rendering` since `startedAt` may be taken over at `now`. */
export function renderAbandoned(startedAt: Date | null, now: Date, claimMs: number): boolean {
  // A claim without a start (rows from before the start was recorded) cannot be aged: take it over.
  return startedAt === null || now.getTime() - startedAt.getTime() > claimMs;
}
