import fc from 'fast-check';
import { DateTime, Duration } from 'luxon';
import {
  agendaRefusal,
  type AgendaChange,
  type AgendaRefusal,
  type AgendaState,
  instantToLocal,
  localMinusDays,
  localToInstant,
  meetingTimes,
  reminders,
  resubmissionPlacement,
  type ResubmissionPlacement,
} from './meeting.rules';

const DST_ZONES = ['Europe/Zurich', 'America/New_York', 'Africa/Cairo', 'Asia/Beirut', 'Australia/Sydney'];
const FIXED_ZONES = ['UTC', 'Asia/Tokyo', 'Africa/Nairobi', 'America/Bogota', 'Asia/Kolkata'];
const HOUR = 3600_000;
const DAY = 24 * HOUR;

/** Wall-clock time of an instant in a zone, to the minute. */
const wall = (instant: Date | number, zone: string) =>
  DateTime.fromMillis(typeof instant === 'number' ? instant : instant.getTime(), { zone }).toFormat(
    "yyyy-LL-dd'T'HH:mm",
  );

/** The instants where a zone's offset changes in a year, found by scanning (not from the code under test). */
function transitions(zone: string, year: number): { at: number; before: number; after: number }[] {
  const found: { at: number; before: number; after: number }[] = [];
  const start = Date.UTC(year, 0, 1);
  let previous = DateTime.fromMillis(start, { zone }).offset;
  for (let t = start + 15 * 60_000; t < Date.UTC(year + 1, 0, 1); t += 15 * 60_000) {
    const offset = DateTime.fromMillis(t, { zone }).offset;
    if (offset !== previous) found.push({ at: t, before: previous, after: offset });
    previous = offset;
  }
  return found;
}

describe('the cut-off is the same wall-clock time six calendar weeks earlier, in the meeting’s zone', () => {
  it('on an ordinary day', () => {
    expect(meetingTimes('2027-05-09T10:00', 'Europe/Zurich', 6)).toEqual({
      startsAt: new Date('2027-05-09T08:00:00.000Z'),
      cutoffAt: new Date('2027-03-28T08:00:00.000Z'),
      cutoffLocal: '2027-03-28T10:00',
    });
  });

  it('across a daylight-saving change between the cut-off and the meeting (42 days, not 42 × 24 hours)', () => {
    // New York springs forward on 14 March 2027: start in EDT, cut-off in EST.
    const times = meetingTimes('2027-04-15T09:30', 'America/New_York', 6);
    expect(times.startsAt.toISOString()).toBe('2027-04-15T13:30:00.000Z');
    expect(times.cutoffAt.toISOString()).toBe('2027-03-04T14:30:00.000Z');
    expect(times.startsAt.getTime() - times.cutoffAt.getTime()).toBe(42 * DAY - HOUR);
  });

  it('keeps seconds and milliseconds written in the local start', () => {
    expect(localMinusDays('2027-05-09T10:00:30.250', 42)).toBe('2027-03-28T10:00:30.250');
    expect(meetingTimes('2027-05-09T10:00:30.250', 'UTC', 6).cutoffAt.toISOString()).toBe(
      '2027-03-28T10:00:30.250Z',
    );
  });

  it.each(DST_ZONES)('holds for random meetings in %s (property)', (zone) => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2031, 11, 31) }),
        fc.integer({ min: 0, max: 23 }),
        fc.constantFrom(0, 15, 30, 45),
        (day, hour, minute) => {
          const date = DateTime.fromMillis(day, { zone: 'UTC' }).toFormat('yyyy-LL-dd');
          const startsLocal = `${date}T${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
          const { startsAt, cutoffAt, cutoffLocal } = meetingTimes(startsLocal, zone, 6);
          expect(cutoffLocal).toBe(localMinusDays(startsLocal, 42));
          // The instants read back as the wall-clock times, unless that time does not exist on that
          // day; then it is moved forward by the gap (at most two hours here).
          for (const [instant, local] of [
            [startsAt, startsLocal],
            [cutoffAt, cutoffLocal],
          ] as const) {
            const back = wall(instant, zone);
            if (back !== local) {
              const skipped = [...Array(25).keys()].every(
                (i) => wall(instant.getTime() - 3 * HOUR + i * 15 * 60_000, zone) !== local,
              );
              expect(skipped).toBe(true);
              const shift = DateTime.fromISO(back).diff(DateTime.fromISO(local)).as('milliseconds');
              expect(shift).toBeGreaterThan(0);
              expect(shift).toBeLessThanOrEqual(2 * HOUR);
            }
          }
          const span = startsAt.getTime() - cutoffAt.getTime();
          expect(span).toBeGreaterThanOrEqual(42 * DAY - 2 * HOUR);
          expect(span).toBeLessThanOrEqual(42 * DAY + 2 * HOUR);
        },
      ),
      { numRuns: 300 },
    );
  });

  it.each(FIXED_ZONES)(
    'is exactly 42 × 24 hours in %s, which keeps no daylight-saving time (property)',
    (zone) => {
      fc.assert(
        fc.property(fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2031, 11, 31) }), (instant) => {
          const startsLocal = wall(instant, zone);
          const { startsAt, cutoffAt } = meetingTimes(startsLocal, zone, 6);
          expect(wall(startsAt, zone)).toBe(startsLocal);
          expect(startsAt.getTime() - cutoffAt.getTime()).toBe(42 * DAY);
        }),
        { numRuns: 200 },
      );
    },
  );
});

describe('local times that do not exist or occur twice', () => {
  const cases = DST_ZONES.flatMap((zone) => transitions(zone, 2027).map((t) => ({ zone, ...t })));

  it('finds spring and autumn changes in every zone tested', () => {
    for (const zone of DST_ZONES) {
      const found = cases.filter((c) => c.zone === zone);
      expect(found.some((c) => c.after > c.before)).toBe(true);
      expect(found.some((c) => c.after < c.before)).toBe(true);
    }
  });

  it.each(
    cases.filter((c) => c.after > c.before).map((c) => [c.zone, new Date(c.at).toISOString(), c] as const),
  )('a time skipped in %s at %s moves forward by the gap', (zone, _at, change) => {
    const gap = (change.after - change.before) * 60_000;
    // Half-way into the gap, as wall-clock time (read with the offset before the change).
    const skipped = DateTime.fromMillis(change.at + gap / 2, { zone: 'UTC' })
      .plus({ minutes: change.before })
      .toFormat("yyyy-LL-dd'T'HH:mm");
    const instant = localToInstant(skipped, zone);
    expect(wall(instant, zone)).toBe(
      DateTime.fromISO(skipped).plus({ milliseconds: gap }).toFormat("yyyy-LL-dd'T'HH:mm"),
    );
    expect(instant.getTime()).toBe(change.at + gap / 2);
  });

  it.each(
    cases.filter((c) => c.after < c.before).map((c) => [c.zone, new Date(c.at).toISOString(), c] as const),
  )('a time repeated in %s at %s means its first occurrence', (zone, _at, change) => {
    const overlap = (change.before - change.after) * 60_000;
    const first = change.at - overlap / 2; // before the change, on the earlier offset
    const repeated = wall(first, zone);
    expect(wall(first + overlap, zone)).toBe(repeated); // the same wall time occurs again
    expect(localToInstant(repeated, zone).getTime()).toBe(first);
  });

  it('a meeting whose cut-off falls in a spring-forward gap: the cut-off moves forward by the gap', () => {
    // Zurich skips 02:00–03:00 on 28 March 2027; a meeting at 02:30 on 9 May has its cut-off then.
    const times = meetingTimes('2027-05-09T02:30', 'Europe/Zurich', 6);
    expect(times.cutoffLocal).toBe('2027-03-28T02:30');
    expect(times.cutoffAt.toISOString()).toBe('2027-03-28T01:30:00.000Z');
    expect(instantToLocal(times.cutoffAt, 'Europe/Zurich')).toBe('2027-03-28T03:30');
  });

  it('a meeting whose cut-off falls in an autumn repeat: the cut-off is the earlier instant', () => {
    // Zurich repeats 02:00–03:00 on 31 October 2027.
    const times = meetingTimes('2027-12-12T02:30', 'Europe/Zurich', 6);
    expect(times.cutoffAt.toISOString()).toBe('2027-10-31T00:30:00.000Z');
  });

  it('refuses what is not a local date-time or a zone', () => {
    expect(() => localToInstant('2027-02-30T10:00', 'Europe/Zurich')).toThrow();
    expect(() => localToInstant('2027-03-10 10:00', 'Europe/Zurich')).toThrow();
    expect(() => localToInstant('2027-03-10T10:00', 'Mars/Olympus')).toThrow();
  });
});

describe('reminders', () => {
  it('fall at each offset before the cut-off, earliest first', () => {
    const cutoff = new Date('2027-03-28T08:00:00.000Z');
    const list = reminders(
      cutoff,
      ['P1D', 'P21D', 'P7D'].map((d) => Duration.fromISO(d)),
    );
    expect(list.map((r) => [r.offset, r.at.toISOString(), r.days])).toEqual([
      ['P21D', '2027-03-07T08:00:00.000Z', 21],
      ['P7D', '2027-03-21T08:00:00.000Z', 7],
      ['P1D', '2027-03-27T08:00:00.000Z', 1],
    ]);
  });
});

describe('agendaRefusal: who may change an agenda when', () => {
  const STATUSES: AgendaState['status'][] = ['scheduled', 'agenda_closed', 'held', 'cancelled'];
  const KINDS: AgendaState['kind'][] = ['in_person', 'virtual', 'written_procedure'];
  const CHANGES: AgendaChange[] = ['late_exception', 'arrange', 'assessment'];

  /** The table, written out: status → change → [packet not issued, packet issued]. */
  const expected = (state: AgendaState, change: AgendaChange): AgendaRefusal | null => {
    const table: Record<
      AgendaState['status'],
      Record<AgendaChange, [AgendaRefusal | null, AgendaRefusal | null]>
    > = {
      scheduled: {
        late_exception:
          state.kind === 'written_procedure'
            ? [null, 'packet_issued']
            : ['agenda_not_closed', 'agenda_not_closed'],
        arrange: [null, 'packet_issued'],
        assessment: [null, null],
      },
      agenda_closed: {
        late_exception: [null, 'packet_issued'],
        arrange: [null, 'packet_issued'],
        assessment: [null, null],
      },
      held: {
        late_exception: ['meeting_status', 'meeting_status'],
        arrange: ['meeting_status', 'meeting_status'],
        assessment: ['meeting_status', 'meeting_status'],
      },
      cancelled: {
        late_exception: ['meeting_status', 'meeting_status'],
        arrange: ['meeting_status', 'meeting_status'],
        assessment: ['meeting_status', 'meeting_status'],
      },
    };
    return table[state.status][change][state.packetIssued ? 1 : 0];
  };

  for (const status of STATUSES)
    for (const kind of KINDS)
      for (const packetIssued of [false, true])
        for (const change of CHANGES) {
          const state = { status, kind, packetIssued };
          it(`${change} on a ${kind} meeting, ${status}, packet ${packetIssued ? 'issued' : 'not issued'}`, () => {
            expect(agendaRefusal(state, change)).toBe(expected(state, change));
          });
        }
});

describe('resubmissionPlacement: where a technical revision goes back to', () => {
  const cases: [AgendaState['status'], boolean, ResubmissionPlacement][] = [
    ['scheduled', false, 'stay'],
    ['scheduled', true, 'stay'],
    ['agenda_closed', false, 'join_agenda'],
    ['agenda_closed', true, 'next_meeting'],
    ['held', false, 'next_meeting'],
    ['held', true, 'next_meeting'],
    ['cancelled', false, 'next_meeting'],
    ['cancelled', true, 'next_meeting'],
  ];
  it.each(cases)('a %s meeting, packet issued: %s → %s', (status, packetIssued, placement) => {
    expect(resubmissionPlacement({ status, packetIssued })).toBe(placement);
  });
});
