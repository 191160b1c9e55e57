import type { MeetingStatus } from '../meetings/meeting.entity';
import { automaticIssueAt, automaticPacketDue, renderAbandoned, renderClaimMs } from './packet.rules';

const DAY = 24 * 60 * 60 * 1000;
const OFFSET = 14 * DAY;
const STARTS = new Date('2027-03-10T09:00:00.000Z');
const ISSUE_AT = new Date('2027-02-24T09:00:00.000Z');
const at = (instant: Date, deltaMs: number) => new Date(instant.getTime() + deltaMs);

describe('automaticPacketDue', () => {
  const closed = { status: 'agenda_closed' as const, startsAt: STARTS };

  it('is due from PACKET_OFFSET before the start, to the millisecond', () => {
    expect(automaticIssueAt(STARTS, OFFSET)).toEqual(ISSUE_AT);
    expect(automaticPacketDue(closed, null, at(ISSUE_AT, -1), OFFSET)).toBe(false);
    expect(automaticPacketDue(closed, null, ISSUE_AT, OFFSET)).toBe(true);
    expect(automaticPacketDue(closed, null, at(STARTS, -1), OFFSET)).toBe(true);
  });

  it('is not due once the meeting has started', () => {
    expect(automaticPacketDue(closed, null, STARTS, OFFSET)).toBe(false);
    expect(automaticPacketDue(closed, null, at(STARTS, DAY), OFFSET)).toBe(false);
  });

  it('is due only for a meeting whose agenda is closed, whatever its status otherwise', () => {
    const statuses: MeetingStatus[] = ['scheduled', 'agenda_closed', 'held', 'cancelled'];
    const due = statuses.filter((status) =>
      automaticPacketDue({ status, startsAt: STARTS }, null, at(ISSUE_AT, DAY), OFFSET),
    );
    expect(due).toEqual(['agenda_closed']);
  });

  it('still issues a fresh version when the latest was requested before the offset instant', () => {
    expect(automaticPacketDue(closed, at(ISSUE_AT, -DAY), at(ISSUE_AT, 60_000), OFFSET)).toBe(true);
    expect(automaticPacketDue(closed, at(ISSUE_AT, -1), ISSUE_AT, OFFSET)).toBe(true);
  });

  it('issues nothing more once a version was requested at or after the offset instant', () => {
    expect(automaticPacketDue(closed, ISSUE_AT, at(ISSUE_AT, 60_000), OFFSET)).toBe(false);
    expect(automaticPacketDue(closed, at(ISSUE_AT, DAY), at(ISSUE_AT, 2 * DAY), OFFSET)).toBe(false);
  });

  it('issues again at the new offset instant of a meeting rescheduled later', () => {
    const later = { ...closed, startsAt: at(STARTS, 7 * DAY) };
    const requestedAtOldOffset = at(ISSUE_AT, 60_000);
    expect(automaticPacketDue(later, requestedAtOldOffset, at(ISSUE_AT, 2 * DAY), OFFSET)).toBe(false);
    expect(automaticPacketDue(later, requestedAtOldOffset, at(ISSUE_AT, 7 * DAY), OFFSET)).toBe(true);
  });
});

describe('renderAbandoned', () => {
  const claimMs = renderClaimMs({ lockDurationMs: 30_000, stalledIntervalMs: 30_000 });
  const started = new Date('2027-02-24T09:00:00.000Z');

  it('allows as long as BullMQ takes to find a dead worker’s job: the lock, then the stalled check', () => {
    expect(claimMs).toBe(60_000);
  });

  it('keeps a claim up to the allowance and gives it up after', () => {
    expect(renderAbandoned(started, at(started, 0), claimMs)).toBe(false);
    expect(renderAbandoned(started, at(started, claimMs), claimMs)).toBe(false);
    expect(renderAbandoned(started, at(started, claimMs + 1), claimMs)).toBe(true);
  });

  it('gives up a claim whose start was never recorded', () => {
    expect(renderAbandoned(null, started, claimMs)).toBe(true);
  });
});
