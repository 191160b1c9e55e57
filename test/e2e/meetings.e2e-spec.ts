import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import ICAL from 'ical.js';
import { CutoffService } from '../../src/meetings/cutoff.service';
import { NotificationsService } from '../../src/notifications/notifications.service';
import { PacketsService } from '../../src/packets/packets.service';
import { actor, http, startTestSystem, TestClock, type HttpAnswer, type TestSystem } from '../harness';
import { readyDraft } from '../factories';

/**
 * Meetings over HTTP (DESIGN §3 "The six-week cut-off", "After the agenda closes"; §4 meetings and
 * calendar). No worker runs here: each test closes an agenda itself, through CutoffService, at the
 * instant the TestClock says. The tests share one database, so each works in a stretch of time of its own,
 * later than the previous test's: a meeting of an earlier test has a cut-off before every later
 * submission, and the newest meeting is always the current test's.
 */

type SignedIn = Awaited<ReturnType<typeof actor>>;

const DAY = 24 * 60 * 60 * 1000;

interface Meeting {
  id: string;
  title: string;
  startsAt: string;
  cutoffAt: string;
  status: string;
  noteCount: number;
  heldAt: string | null;
}

interface Item {
  id: string;
  conceptNoteId: string;
  position: number;
  groupLabel: string | null;
  status: string;
  statusReason: string | null;
  lateExceptionReason: string | null;
  carriedFromMeetingId: string | null;
}

/** Status, stable code and the fields a problem names: what a client can rely on. */
function problem(answer: HttpAnswer): { status: number; code: unknown; fields: string[] } {
  const errors = (answer.body?.errors ?? []) as { field: string }[];
  return {
    status: answer.status,
    code: answer.body?.code,
    fields: [...new Set(errors.map((e) => e.field))].sort(),
  };
}

/** Setup steps must work; a failure names the answer instead of failing later for an unclear reason. */
function must(answer: HttpAnswer, status = 200): HttpAnswer {
  if (answer.status !== status) {
    throw new Error(`expected ${status}, got ${answer.status}: ${JSON.stringify(answer.body)}`);
  }
  return answer;
}

describe('meetings, the cut-off and the agenda', () => {
  let system: TestSystem;
  const clock = new TestClock(new Date('2029-12-01T00:00:00.000Z'));
  let secretariat: SignedIn;
  let lead: SignedIn;
  let member: SignedIn;
  let rc: SignedIn;

  beforeAll(async () => {
    system = await startTestSystem({ clock });
    secretariat = await actor(system, ['secretariat']);
    lead = await actor(system, ['applicant'], { organizationCode: 'IOM' });
    member = await actor(system, ['applicant'], { organizationCode: 'ILO' });
    rc = await actor(system, ['resident_coordinator'], { countryCodes: ['SRB'] });
  });
  afterAll(() => system.close());

  const meetingPath = (id: string, rest = '') => `/api/v1/meetings/${id}${rest}`;
  const cutoffs = () => system.app.get(CutoffService);
  const queue = () => system.app.get<Queue>(getQueueToken('meetings'));

  async function schedule(title: string, startsLocal: string, timeZone = 'UTC'): Promise<Meeting> {
    const created = must(
      await http(system, 'POST', '/api/v1/meetings', {
        token: secretariat.token,
        body: { title, kind: 'in_person', startsLocal, timeZone },
      }),
      201,
    );
    return created.body as Meeting;
  }

  async function getMeeting(id: string): Promise<Meeting> {
    return must(await http(system, 'GET', meetingPath(id), { token: secretariat.token })).body as Meeting;
  }

  async function agenda(id: string): Promise<{ meeting: Meeting; items: Item[]; targeted: Item[] }> {
    return must(await http(system, 'GET', meetingPath(id, '/agenda'), { token: secretariat.token })).body;
  }

  /** A national note for Serbia, its endorsement requested now: the RC's endorsement will submit it. */
  async function awaitingEndorsement(memberIds: string[] = []): Promise<string> {
    const id = await readyDraft(system, lead.token, { scope: 'national', countryCodes: ['SRB'] });
    if (memberIds.length) {
      must(
        await http(system, 'PUT', `/api/v1/concept-notes/${id}/team`, {
          token: lead.token,
          body: { memberIds },
        }),
      );
    }
    must(
      await http(system, 'POST', `/api/v1/concept-notes/${id}/endorsement-requests`, { token: lead.token }),
    );
    return id;
  }

  /** The RC endorses: the note is submitted at the TestClock's now. */
  async function endorse(id: string): Promise<void> {
    const endorsed = must(
      await http(system, 'POST', `/api/v1/concept-notes/${id}/endorsements`, {
        token: rc.token,
        body: { decision: 'endorse' },
      }),
    );
    expect(endorsed.body.status).toBe('submitted');
    expect(endorsed.body.submittedAt).toBe(clock.now().toISOString());
  }

  async function submitAt(instant: string): Promise<string> {
    clock.set(instant);
    const id = await awaitingEndorsement();
    await endorse(id);
    return id;
  }

  async function targetOf(noteId: string): Promise<string | null> {
    const [row] = await system.dataSource.query<{ target_meeting_id: string | null }[]>(
      'SELECT target_meeting_id FROM concept_notes WHERE id = $1',
      [noteId],
    );
    return row.target_meeting_id;
  }

  /** Moves the clock to the cut-off and closes the agenda there, as the worker's job would. */
  async function closeAtCutoff(meeting: Meeting): Promise<void> {
    clock.set(meeting.cutoffAt);
    expect(await cutoffs().closeAgenda(meeting.id, Date.parse(meeting.cutoffAt))).toBe('closed');
  }

  async function jobIds(ids: string[]): Promise<Record<string, boolean>> {
    const found = await Promise.all(ids.map((id) => queue().getJob(id)));
    return Object.fromEntries(ids.map((id, i) => [id, found[i] !== undefined]));
  }

  /** The outbox rows of one template about one note, by recipient. */
  async function outbox(
    template: string,
    noteId: string,
  ): Promise<{ id: string; recipient_email: string; payload: Record<string, unknown> }[]> {
    return system.dataSource.query(
      `SELECT id, recipient_email, payload FROM notifications WHERE template = $1 AND subject_id = $2
        ORDER BY recipient_email`,
      [template, noteId],
    );
  }

  /** No worker runs in this file: sends an outbox row through the real SMTP path and returns the text received. */
  async function deliver(row: { id: string; recipient_email: string }): Promise<string> {
    expect(await system.app.get(NotificationsService).deliver(row.id)).toBe('sent');
    const [mail] = system.smtp
      .to(row.recipient_email)
      .filter((m) => m.headers.get('x-mptf-notification') === row.id);
    return mail.text;
  }

  const emails = (...people: SignedIn[]) => people.map((p) => p.user.email).sort();

  it('targets the meeting a note is submitted exactly at the cut-off of, and the next one a millisecond later', async () => {
    clock.set('2030-01-01T08:00:00.000Z');
    const march = await schedule('Steering Committee, March 2030', '2030-03-10T10:00', 'Europe/Zurich');
    const june = await schedule('Steering Committee, June 2030', '2030-06-10T10:00', 'Europe/Zurich');
    expect(march.cutoffAt).toBe('2030-01-27T09:00:00.000Z');
    const onTime = await awaitingEndorsement();
    const late = await awaitingEndorsement();

    clock.set(march.cutoffAt);
    await endorse(onTime);
    clock.set(new Date(Date.parse(march.cutoffAt) + 1));
    await endorse(late);

    expect(await targetOf(onTime)).toBe(march.id);
    expect(await targetOf(late)).toBe(june.id);

    await closeAtCutoff(march);
    const closed = await agenda(march.id);
    expect(closed.meeting.status).toBe('agenda_closed');
    expect(closed.items.map((i) => [i.conceptNoteId, i.status])).toEqual([[onTime, 'listed']]);
    expect((await agenda(june.id)).targeted.map((i) => i.conceptNoteId)).toEqual([late]);
  });

  it('keeps a note submitted after every cut-off unscheduled until a meeting it can meet is created, and tells its team', async () => {
    clock.set('2031-01-01T08:00:00.000Z');
    const march = await schedule('Steering Committee, March 2031', '2031-03-01T10:00');
    const id = await awaitingEndorsement([member.user.id]);

    clock.set('2031-02-01T08:00:00.000Z');
    await endorse(id);
    expect(await targetOf(id)).toBeNull();
    expect((await getMeeting(march.id)).noteCount).toBe(0);

    const june = await schedule('Steering Committee, June 2031', '2031-06-01T10:00');
    expect(await targetOf(id)).toBe(june.id);
    expect((await getMeeting(june.id)).noteCount).toBe(1);

    const rows = await system.dataSource.query<
      { id: string; recipient_email: string; payload: { meetingTitle: string } }[]
    >(
      `SELECT id, recipient_email, payload FROM notifications
        WHERE template = 'note_retargeted' AND subject_id = $1 ORDER BY recipient_email`,
      [id],
    );
    expect(rows.map((r) => r.recipient_email).sort()).toEqual([lead.user.email, member.user.email].sort());
    expect(rows.map((r) => r.payload.meetingTitle)).toEqual([june.title, june.title]);
    // No worker runs in this file: deliver the outbox rows through the real SMTP path by hand.
    const notifications = system.app.get(NotificationsService);
    for (const row of rows) expect(await notifications.deliver(row.id)).toBe('sent');
    for (const person of [lead, member]) {
      const mails = system.smtp
        .to(person.user.email)
        .filter((m) => rows.some((r) => r.id === m.headers.get('x-mptf-notification')));
      expect(mails).toHaveLength(1);
      expect(mails[0].text).toContain(june.title);
    }
  });

  it('moves a rescheduled meeting’s jobs and re-targets the notes that no longer meet its cut-off', async () => {
    clock.set('2032-01-01T08:00:00.000Z');
    const may = await schedule('Steering Committee, May 2032', '2032-05-01T10:00');
    const september = await schedule('Steering Committee, September 2032', '2032-09-01T10:00');
    const early = await submitAt('2032-01-05T08:00:00.000Z');
    const later = await submitAt('2032-03-01T08:00:00.000Z');
    expect([await targetOf(early), await targetOf(later)]).toEqual([may.id, may.id]);

    const oldCutoff = Date.parse(may.cutoffAt);
    const oldStart = Date.parse(may.startsAt);
    const oldJobs = [
      `cutoff-${may.id}-${oldCutoff}`,
      `reminder-${may.id}-${oldCutoff}-P7D`,
      `reminder-${may.id}-${oldCutoff}-P1D`,
      `held-${may.id}-${oldStart}`,
    ];
    expect(Object.values(await jobIds(oldJobs))).toEqual([true, true, true, true]);

    const moved = must(
      await http(system, 'PATCH', meetingPath(may.id), {
        token: secretariat.token,
        body: { startsLocal: '2032-04-01T10:00' },
      }),
    ).body as Meeting;
    expect(moved).toMatchObject({
      startsAt: '2032-04-01T10:00:00.000Z',
      cutoffAt: '2032-02-19T10:00:00.000Z',
      status: 'scheduled',
    });

    const newCutoff = Date.parse(moved.cutoffAt);
    const newStart = Date.parse(moved.startsAt);
    expect(await jobIds([...oldJobs, `cutoff-${may.id}-${newCutoff}`, `held-${may.id}-${newStart}`])).toEqual(
      {
        [`cutoff-${may.id}-${oldCutoff}`]: false,
        [`reminder-${may.id}-${oldCutoff}-P7D`]: false,
        [`reminder-${may.id}-${oldCutoff}-P1D`]: false,
        [`held-${may.id}-${oldStart}`]: false,
        [`cutoff-${may.id}-${newCutoff}`]: true,
        [`held-${may.id}-${newStart}`]: true,
      },
    );
    // Submitted on 5 January, the first note still meets 19 February; the one of 1 March does not.
    expect(await targetOf(early)).toBe(may.id);
    expect(await targetOf(later)).toBe(september.id);
    expect((await agenda(september.id)).targeted.map((i) => i.conceptNoteId)).toEqual([later]);

    // The team of the note that moved is told where to, and from where, once; the other team not at all.
    const told = await outbox('note_retargeted', later);
    expect(told.map((r) => r.recipient_email)).toEqual([lead.user.email]);
    expect(told[0].payload).toMatchObject({
      previousMeetingTitle: may.title,
      meetingTitle: september.title,
      meetingStartsAt: september.startsAt,
      meetingLocal: '2032-09-01 10:00 UTC',
    });
    expect(await outbox('note_retargeted', early)).toEqual([]);
    const text = await deliver(told[0]);
    expect(text).toContain(september.title);
    expect(text).toContain(may.title);
  });

  it('refuses a reschedule to an unknown time zone or an impossible local time with 400 naming the field', async () => {
    clock.set('2032-06-01T08:00:00.000Z');
    const meeting = await schedule('Steering Committee, December 2032', '2032-12-01T10:00');
    const patch = (body: Record<string, unknown>) =>
      http(system, 'PATCH', meetingPath(meeting.id), { token: secretariat.token, body });

    expect(problem(await patch({ timeZone: 'Mars/Olympus_Mons' }))).toMatchObject({
      status: 400,
      code: 'VALIDATION_FAILED',
      fields: ['timeZone'],
    });
    expect(problem(await patch({ startsLocal: '1 December 2032, 10 am' }))).toMatchObject({
      status: 400,
      fields: ['startsLocal'],
    });
    expect(problem(await patch({ startsLocal: '2032-02-30T10:00' }))).toMatchObject({
      status: 400,
      fields: ['startsLocal'],
    });
    const created = await http(system, 'POST', '/api/v1/meetings', {
      token: secretariat.token,
      body: { title: 'Nowhere', kind: 'virtual', startsLocal: '2032-12-01T25:00', timeZone: 'UTC' },
    });
    expect(problem(created)).toMatchObject({ status: 400, fields: ['startsLocal'] });

    expect(await getMeeting(meeting.id)).toMatchObject({
      startsAt: meeting.startsAt,
      cutoffAt: meeting.cutoffAt,
    });
  });

  it('moves the notes of a meeting cancelled before its cut-off to the next meeting, and unschedules its jobs', async () => {
    clock.set('2033-01-01T08:00:00.000Z');
    const march = await schedule('Steering Committee, March 2033', '2033-03-01T10:00');
    const june = await schedule('Steering Committee, June 2033', '2033-06-01T10:00');
    const id = await submitAt('2033-01-10T08:00:00.000Z');
    expect(await targetOf(id)).toBe(march.id);
    const closeJob = `cutoff-${march.id}-${Date.parse(march.cutoffAt)}`;
    expect(await jobIds([closeJob])).toEqual({ [closeJob]: true });

    const cancelled = must(
      await http(system, 'POST', meetingPath(march.id, '/cancel'), {
        token: secretariat.token,
        body: { reason: 'Postponed by the co-chairs' },
      }),
    );
    expect(cancelled.body).toMatchObject({
      status: 'cancelled',
      cancellationReason: 'Postponed by the co-chairs',
    });
    expect(await targetOf(id)).toBe(june.id);
    expect(await jobIds([closeJob])).toEqual({ [closeJob]: false });
    const [told] = await system.dataSource.query<{ payload: { meetingTitle: string } }[]>(
      `SELECT payload FROM notifications WHERE template = 'note_retargeted' AND subject_id = $1 AND recipient_email = $2`,
      [id, lead.user.email],
    );
    expect(told.payload.meetingTitle).toBe(june.title);
  });

  it('carries the listed items of a meeting cancelled after its agenda closed to the next meeting, with no cut-off check', async () => {
    clock.set('2033-07-01T08:00:00.000Z');
    const october = await schedule('Steering Committee, October 2033', '2033-10-01T10:00');
    const resumed = await schedule('Steering Committee (resumed), October 2033', '2033-10-05T10:00');
    const onTime = await submitAt('2033-07-02T08:00:00.000Z');
    await closeAtCutoff(october);
    await closeAtCutoff(resumed);
    // Submitted after both cut-offs: it reaches October's agenda only as a late exception.
    const late = await submitAt('2033-08-25T08:00:00.000Z');
    expect(await targetOf(late)).toBeNull();
    must(
      await http(system, 'POST', meetingPath(october.id, '/agenda'), {
        token: secretariat.token,
        body: { conceptNoteId: late, reason: 'Urgent displacement response' },
      }),
      201,
    );

    must(
      await http(system, 'POST', meetingPath(october.id, '/cancel'), {
        token: secretariat.token,
        body: { reason: 'No quorum' },
      }),
    );
    const old = await agenda(october.id);
    expect(old.meeting.status).toBe('cancelled');
    expect(old.items.map((i) => [i.conceptNoteId, i.status])).toEqual([
      [onTime, 'carried_over'],
      [late, 'carried_over'],
    ]);
    for (const item of old.items) expect(item.statusReason).toContain('No quorum');

    const next = await agenda(resumed.id);
    expect(next.items.map((i) => [i.conceptNoteId, i.status, i.carriedFromMeetingId])).toEqual(
      expect.arrayContaining([
        [onTime, 'listed', october.id],
        [late, 'listed', october.id],
      ]),
    );
    expect(next.items).toHaveLength(2);
    expect([await targetOf(onTime), await targetOf(late)]).toEqual([resumed.id, resumed.id]);

    // The resumed session is the last meeting there is: nothing to carry its agenda to.
    const refused = await http(system, 'POST', meetingPath(resumed.id, '/cancel'), {
      token: secretariat.token,
      body: { reason: 'No quorum either' },
    });
    expect(problem(refused)).toMatchObject({ status: 409, code: 'MEETING.NO_NEXT_MEETING' });
    const kept = await agenda(resumed.id);
    expect(kept.meeting.status).toBe('agenda_closed');
    expect(kept.items.map((i) => i.status)).toEqual(['listed', 'listed']);
  });

  it('marks a meeting held and undoes it, and refuses to mark a scheduled meeting held', async () => {
    clock.set('2034-01-01T08:00:00.000Z');
    const meeting = await schedule('Steering Committee, March 2034', '2034-03-01T10:00');
    const early = await http(system, 'POST', meetingPath(meeting.id, '/held'), { token: secretariat.token });
    expect(problem(early)).toMatchObject({ status: 409, code: 'MEETING.INVALID_STATUS' });
    expect((await getMeeting(meeting.id)).status).toBe('scheduled');

    await closeAtCutoff(meeting);
    clock.set('2034-03-01T13:00:00.000Z');
    const held = must(
      await http(system, 'POST', meetingPath(meeting.id, '/held'), { token: secretariat.token }),
    );
    expect(held.body).toMatchObject({ status: 'held', heldAt: '2034-03-01T13:00:00.000Z' });

    const undone = must(
      await http(system, 'DELETE', meetingPath(meeting.id, '/held'), { token: secretariat.token }),
    );
    expect(undone.body).toMatchObject({ status: 'agenda_closed', heldAt: null });
    const again = await http(system, 'DELETE', meetingPath(meeting.id, '/held'), {
      token: secretariat.token,
    });
    expect(problem(again)).toMatchObject({ status: 409, code: 'MEETING.INVALID_STATUS' });
  });

  it('adds late exceptions with a reason after the cut-off only, and orders, groups, removes and carries over items', async () => {
    clock.set('2035-01-01T08:00:00.000Z');
    const march = await schedule('Steering Committee, March 2035', '2035-03-01T10:00');
    const june = await schedule('Steering Committee, June 2035', '2035-06-01T10:00');
    const first = await submitAt('2035-01-05T08:00:00.000Z');
    const second = await submitAt('2035-01-06T08:00:00.000Z');
    const late = await submitAt('2035-01-20T08:00:00.000Z');
    expect(await targetOf(late)).toBe(june.id);
    const addLate = (body: Record<string, unknown>) =>
      http(system, 'POST', meetingPath(march.id, '/agenda'), { token: secretariat.token, body });
    const reason = 'Endorsement letter delayed by the national elections';

    expect(problem(await addLate({ conceptNoteId: late }))).toMatchObject({
      status: 400,
      fields: ['reason'],
    });
    expect(problem(await addLate({ conceptNoteId: late, reason }))).toMatchObject({
      status: 409,
      code: 'MEETING.AGENDA_NOT_CLOSED',
    });

    await closeAtCutoff(march);
    clock.set('2035-01-25T08:00:00.000Z');
    const added = must(await addLate({ conceptNoteId: late, reason }), 201);
    expect(added.body).toMatchObject({ conceptNoteId: late, status: 'listed', lateExceptionReason: reason });
    const audit = await system.dataSource.query<{ after: { noteId: string; reason: string } }[]>(
      `SELECT after FROM audit_events WHERE action = 'agenda.late_exception' AND entity_type = 'meeting' AND entity_id = $1`,
      [march.id],
    );
    expect(audit.map((a) => a.after)).toEqual([expect.objectContaining({ noteId: late, reason })]);

    const listed = await agenda(march.id);
    expect(listed.items.map((i) => [i.conceptNoteId, i.lateExceptionReason])).toEqual([
      [first, null],
      [second, null],
      [late, reason],
    ]);
    const itemOf = (noteId: string) => listed.items.find((i) => i.conceptNoteId === noteId)!;
    const patchItem = (noteId: string, body: Record<string, unknown>) =>
      http(system, 'PATCH', meetingPath(march.id, `/agenda/${itemOf(noteId).id}`), {
        token: secretariat.token,
        body,
      });

    must(await patchItem(late, { position: 1, groupLabel: 'Late exceptions' }));
    must(await patchItem(first, { position: 2 }));
    must(await patchItem(second, { position: 3 }));
    const reordered = await agenda(march.id);
    expect(reordered.items.map((i) => [i.conceptNoteId, i.position, i.groupLabel])).toEqual([
      [late, 1, 'Late exceptions'],
      [first, 2, 'TA4'],
      [second, 3, 'TA4'],
    ]);

    expect(problem(await patchItem(second, { status: 'removed' }))).toMatchObject({
      status: 400,
      fields: ['reason'],
    });
    expect(
      (await patchItem(second, { status: 'removed', reason: 'Withdrawn by the convening organization' }))
        .body,
    ).toMatchObject({ status: 'removed', statusReason: 'Withdrawn by the convening organization' });

    const carried = must(
      await patchItem(first, { status: 'carried_over', reason: 'Reviews not closed in time' }),
    );
    expect(carried.body).toMatchObject({
      status: 'carried_over',
      statusReason: 'Reviews not closed in time',
    });
    const next = await agenda(june.id);
    expect(next.items.map((i) => [i.conceptNoteId, i.status, i.carriedFromMeetingId])).toEqual([
      [first, 'listed', march.id],
    ]);
    expect(await targetOf(first)).toBe(june.id);

    const final = await agenda(march.id);
    expect(final.items.map((i) => [i.conceptNoteId, i.status])).toEqual([
      [late, 'listed'],
      [first, 'carried_over'],
      [second, 'removed'],
    ]);
  });

  it('keeps a note removed from an agenda off every later one until the secretariat places it again, and tells its team and RC why', async () => {
    clock.set('2036-01-01T08:00:00.000Z');
    const march = await schedule('Steering Committee, March 2036', '2036-03-01T10:00');
    clock.set('2036-01-05T08:00:00.000Z');
    const removed = await awaitingEndorsement([member.user.id]);
    await endorse(removed);
    const placedLate = await submitAt('2036-01-06T08:00:00.000Z');
    const deferred = await submitAt('2036-01-07T08:00:00.000Z');
    await closeAtCutoff(march);
    const closed = await agenda(march.id);
    const itemOf = (noteId: string) => closed.items.find((i) => i.conceptNoteId === noteId)!.id;
    const patchItem = (noteId: string, body: Record<string, unknown>) =>
      http(system, 'PATCH', meetingPath(march.id, `/agenda/${itemOf(noteId)}`), {
        token: secretariat.token,
        body,
      });
    const reason = 'The convening organization asked for time to consult the new government.';

    clock.set('2036-01-20T08:00:00.000Z');
    for (const id of [removed, placedLate]) {
      expect(must(await patchItem(id, { status: 'removed', reason })).body).toMatchObject({
        status: 'removed',
        statusReason: reason,
      });
      expect(await targetOf(id)).toBeNull();
    }
    // What a deferral with no later meeting leaves (DecisionsService): carried over, untargeted. A
    // deferral is not a removal: the next meeting created takes the note.
    await system.dataSource.query(
      `UPDATE agenda_items SET status = 'carried_over', status_reason = 'Deferred' WHERE id = $1`,
      [itemOf(deferred)],
    );
    await system.dataSource.query('UPDATE concept_notes SET target_meeting_id = NULL WHERE id = $1', [
      deferred,
    ]);

    // The team and the RC of Serbia hear of the removal once, with the reason.
    const told = await outbox('removed_from_agenda', removed);
    expect(told.map((r) => r.recipient_email)).toEqual(emails(lead, member, rc));
    for (const row of told) expect(row.payload).toMatchObject({ meetingTitle: march.title, reason });
    const text = await deliver(told.find((r) => r.recipient_email === member.user.email)!);
    expect(text).toContain(march.title);
    expect(text).toContain(`\n${reason}\n`);

    // Meetings are created, rescheduled and cancelled: the removed notes stay off every agenda.
    const june = await schedule('Steering Committee, June 2036', '2036-06-01T10:00');
    const september = await schedule('Steering Committee, September 2036', '2036-09-01T10:00');
    const moved = must(
      await http(system, 'PATCH', meetingPath(june.id), {
        token: secretariat.token,
        body: { startsLocal: '2036-06-08T10:00' },
      }),
    ).body as Meeting;
    must(
      await http(system, 'POST', meetingPath(september.id, '/cancel'), {
        token: secretariat.token,
        body: { reason: 'Merged with the June session' },
      }),
    );
    expect([await targetOf(removed), await targetOf(placedLate), await targetOf(deferred)]).toEqual([
      null,
      null,
      june.id,
    ]);
    expect((await agenda(june.id)).targeted.map((i) => i.conceptNoteId)).toEqual([deferred]);
    expect(await outbox('note_retargeted', removed)).toEqual([]);
    expect(await outbox('note_retargeted', placedLate)).toEqual([]);

    // The secretariat carries one over explicitly: it goes to the next meeting, and its team is told.
    const carried = must(
      await patchItem(removed, { status: 'carried_over', reason: 'Consultations concluded.' }),
    );
    expect(carried.body).toMatchObject({ status: 'carried_over', statusReason: 'Consultations concluded.' });
    expect(await targetOf(removed)).toBe(june.id);
    expect((await outbox('note_retargeted', removed)).map((r) => r.recipient_email)).toEqual(
      emails(lead, member),
    );
    // A carried-over item is where it ends: it cannot be removed or listed again.
    expect(problem(await patchItem(removed, { status: 'removed', reason }))).toMatchObject({
      status: 409,
      code: 'MEETING.INVALID_STATUS',
    });

    // It places the other by late exception once June's agenda has closed; its team and RC are told.
    await closeAtCutoff(moved);
    clock.set('2036-05-02T08:00:00.000Z');
    const lateReason = 'Consultations concluded; urgent for the return season.';
    must(
      await http(system, 'POST', meetingPath(june.id, '/agenda'), {
        token: secretariat.token,
        body: { conceptNoteId: placedLate, reason: lateReason },
      }),
      201,
    );
    expect(await targetOf(placedLate)).toBe(june.id);
    const placed = await outbox('placed_on_agenda', placedLate);
    expect(placed.map((r) => r.recipient_email)).toEqual(emails(lead, rc));
    for (const row of placed) {
      expect(row.payload).toMatchObject({
        meetingTitle: june.title,
        meetingStartsAt: moved.startsAt,
        meetingLocal: '2036-06-08 10:00 UTC',
        reason: lateReason,
      });
    }
    expect(await deliver(placed[0])).toContain(lateReason);
    const [flags] = await system.dataSource.query<{ n: number }[]>(
      'SELECT count(*)::int AS n FROM concept_notes WHERE id = ANY($1) AND removed_from_agenda_at IS NOT NULL',
      [[removed, placedLate]],
    );
    expect(flags.n).toBe(0);
    expect(
      (await agenda(june.id)).items.map((i) => [i.conceptNoteId, i.status, i.carriedFromMeetingId]),
    ).toEqual(
      expect.arrayContaining([
        [removed, 'listed', march.id],
        [deferred, 'listed', null],
        [placedLate, 'listed', null],
      ]),
    );
  });

  it('refuses agenda changes on a held meeting and once the packet is issued, but takes the assessment until the meeting is held', async () => {
    clock.set('2037-01-01T08:00:00.000Z');
    const march = await schedule('Steering Committee, March 2037', '2037-03-01T10:00');
    await schedule('Steering Committee, June 2037', '2037-06-01T10:00');
    const first = await submitAt('2037-01-05T08:00:00.000Z');
    const second = await submitAt('2037-01-06T08:00:00.000Z');
    await closeAtCutoff(march);
    const late = await submitAt('2037-01-25T08:00:00.000Z');
    clock.set('2037-02-01T08:00:00.000Z');
    const items = (await agenda(march.id)).items;
    const patchItem = (noteId: string, body: Record<string, unknown>) =>
      http(
        system,
        'PATCH',
        meetingPath(march.id, `/agenda/${items.find((i) => i.conceptNoteId === noteId)!.id}`),
        {
          token: secretariat.token,
          body,
        },
      );
    const addLate = () =>
      http(system, 'POST', meetingPath(march.id, '/agenda'), {
        token: secretariat.token,
        body: { conceptNoteId: late, reason: 'Urgent displacement response' },
      });
    const arranged = async () =>
      (await agenda(march.id)).items.map((i) => [i.conceptNoteId, i.position, i.groupLabel, i.status]);
    const before = await arranged();
    expect(before).toEqual([
      [first, 1, 'TA4', 'listed'],
      [second, 2, 'TA4', 'listed'],
    ]);

    // Held: nothing on its agenda changes, not even an assessment.
    must(await http(system, 'POST', meetingPath(march.id, '/held'), { token: secretariat.token }));
    const heldRefusal = { status: 409, code: 'MEETING.INVALID_STATUS' };
    expect(problem(await patchItem(first, { position: 3 }))).toMatchObject(heldRefusal);
    expect(problem(await patchItem(second, { status: 'removed', reason: 'Out of time.' }))).toMatchObject(
      heldRefusal,
    );
    expect(problem(await patchItem(first, { assessmentSummary: 'Strong.' }))).toMatchObject(heldRefusal);
    expect(problem(await addLate())).toMatchObject(heldRefusal);
    expect(await arranged()).toEqual(before);

    // Undone, the agenda may be arranged again.
    must(await http(system, 'DELETE', meetingPath(march.id, '/held'), { token: secretariat.token }));
    must(await patchItem(first, { groupLabel: 'Labour migration' }));

    // Once a packet version is issued the agenda is final; the assessment may still be written.
    const requested = must(
      await http(system, 'POST', meetingPath(march.id, '/packet'), { token: secretariat.token }),
      202,
    );
    expect(await system.app.get(PacketsService).render(requested.body.id)).toBe('ready');
    const issued = await arranged();
    const packetRefusal = { status: 409, code: 'MEETING.PACKET_ISSUED' };
    expect(problem(await patchItem(first, { position: 3 }))).toMatchObject(packetRefusal);
    expect(problem(await patchItem(first, { groupLabel: 'Other' }))).toMatchObject(packetRefusal);
    expect(problem(await patchItem(second, { status: 'removed', reason: 'Out of time.' }))).toMatchObject(
      packetRefusal,
    );
    expect(
      problem(await patchItem(second, { status: 'carried_over', reason: 'Out of time.' })),
    ).toMatchObject(packetRefusal);
    expect(problem(await addLate())).toMatchObject(packetRefusal);
    expect(await arranged()).toEqual(issued);
    expect(await targetOf(late)).not.toBe(march.id);
    const assessed = must(
      await patchItem(first, {
        position: 1,
        assessmentSummary: 'Well aligned with the Fund’s priorities.',
        assessmentRecommendation: 'Approve',
      }),
    );
    expect(assessed.body).toMatchObject({
      position: 1,
      assessmentSummary: 'Well aligned with the Fund’s priorities.',
      assessmentRecommendation: 'Approve',
    });

    // Held again: the assessment closes too.
    must(await http(system, 'POST', meetingPath(march.id, '/held'), { token: secretariat.token }));
    expect(problem(await patchItem(first, { assessmentSummary: 'Changed.' }))).toMatchObject(heldRefusal);
  });

  it('tells the teams of notes still being drafted or endorsed at the closing that they missed the cut-off, naming the next meeting, unless idle for more than 90 days', async () => {
    const idleLead = await actor(system, ['applicant'], { organizationCode: 'IOM' });
    const recentLead = await actor(system, ['applicant'], { organizationCode: 'IOM' });
    clock.set('2038-01-02T08:00:00.000Z');
    const june = await schedule('Steering Committee, June 2038', '2038-06-01T10:00');
    const september = await schedule('Steering Committee, September 2038', '2038-09-01T10:00');
    const cutoff = Date.parse(june.cutoffAt);
    const draftAt = async (instant: number, who: SignedIn) => {
      clock.set(new Date(instant));
      return readyDraft(system, who.token, { scope: 'national', countryCodes: ['SRB'] });
    };
    // Last changed 91 and 89 days before the cut-off, by the application clock.
    const idle = await draftAt(cutoff - 91 * DAY, idleLead);
    const recent = await draftAt(cutoff - 89 * DAY, recentLead);
    const draft = await draftAt(Date.parse('2038-03-01T08:00:00.000Z'), lead);
    must(
      await http(system, 'PUT', `/api/v1/concept-notes/${draft}/team`, {
        token: lead.token,
        body: { memberIds: [member.user.id] },
      }),
    );
    const awaiting = await awaitingEndorsement();
    const submitted = await submitAt('2038-03-02T08:00:00.000Z');

    await closeAtCutoff(june);
    const missed = async (noteId: string) =>
      (await outbox('missed_cutoff', noteId)).map((r) => r.recipient_email);
    expect(await missed(draft)).toEqual(emails(lead, member));
    expect(await missed(awaiting)).toEqual(emails(lead));
    expect(await missed(recent)).toEqual(emails(recentLead));
    expect(await missed(idle)).toEqual([]);
    expect(await missed(submitted)).toEqual([]);
    expect((await outbox('agenda_confirmation', submitted)).map((r) => r.recipient_email)).toEqual(
      emails(lead),
    );
    const rows = await outbox('missed_cutoff', draft);
    for (const row of rows) {
      expect(row.payload).toMatchObject({
        meetingTitle: june.title,
        nextMeetingTitle: september.title,
        nextCutoffAt: september.cutoffAt,
      });
    }
    const text = await deliver(rows.find((r) => r.recipient_email === member.user.email)!);
    expect(text).toContain(june.title);
    expect(text).toContain(september.title);
  });

  it('marks a meeting held a day after its start, not a millisecond earlier, and only a meeting whose agenda closed', async () => {
    clock.set('2039-01-01T08:00:00.000Z');
    const meeting = await schedule('Steering Committee, March 2039', '2039-03-01T10:00');
    const startsMs = Date.parse(meeting.startsAt);
    const dayAfter = startsMs + DAY;
    expect(await jobIds([`held-${meeting.id}-${startsMs}`])).toEqual({
      [`held-${meeting.id}-${startsMs}`]: true,
    });

    // Still scheduled a day after its start (no closing ran): left alone.
    clock.set(new Date(dayAfter));
    expect(await cutoffs().markHeldIfDue(meeting.id, startsMs)).toBe('skipped');
    expect((await getMeeting(meeting.id)).status).toBe('scheduled');

    await closeAtCutoff(meeting);
    clock.set(new Date(dayAfter - 1));
    expect(await cutoffs().markHeldIfDue(meeting.id, startsMs)).toBe('skipped');
    expect((await getMeeting(meeting.id)).status).toBe('agenda_closed');
    // A job made for an earlier start (the meeting was rescheduled since) does nothing.
    clock.set(new Date(dayAfter + DAY));
    expect(await cutoffs().markHeldIfDue(meeting.id, startsMs - DAY)).toBe('skipped');
    expect((await getMeeting(meeting.id)).status).toBe('agenda_closed');

    clock.set(new Date(dayAfter));
    expect(await cutoffs().markHeldIfDue(meeting.id, startsMs)).toBe('held');
    expect(await getMeeting(meeting.id)).toMatchObject({
      status: 'held',
      heldAt: new Date(dayAfter).toISOString(),
    });
    expect(await cutoffs().markHeldIfDue(meeting.id, startsMs)).toBe('skipped');
    const audit = await system.dataSource.query<{ actor_id: string | null }[]>(
      `SELECT actor_id FROM audit_events WHERE action = 'meeting.held' AND entity_id = $1`,
      [meeting.id],
    );
    expect(audit).toEqual([{ actor_id: null }]);
  });

  it('keeps the agenda of a meeting rescheduled after it closed: the same cut-off and items, and no note moves', async () => {
    clock.set('2040-01-01T08:00:00.000Z');
    const march = await schedule('Steering Committee, March 2040', '2040-03-01T10:00');
    const june = await schedule('Steering Committee, June 2040', '2040-06-01T10:00');
    const listed = await submitAt('2040-01-05T08:00:00.000Z');
    await closeAtCutoff(march);
    const before = await agenda(march.id);
    expect(before.items.map((i) => [i.conceptNoteId, i.status])).toEqual([[listed, 'listed']]);

    clock.set('2040-02-01T08:00:00.000Z');
    // Later than June's start and cut-off even: the closed agenda stays as it was.
    const moved = must(
      await http(system, 'PATCH', meetingPath(march.id), {
        token: secretariat.token,
        body: { startsLocal: '2040-07-01T10:00' },
      }),
    ).body as Meeting;
    expect(moved).toMatchObject({
      status: 'agenda_closed',
      startsAt: '2040-07-01T10:00:00.000Z',
      cutoffAt: march.cutoffAt,
    });
    const after = await agenda(march.id);
    expect(after.items).toEqual(before.items);
    expect(await targetOf(listed)).toBe(march.id);
    expect((await agenda(june.id)).targeted).toEqual([]);
    expect(await outbox('note_retargeted', listed)).toEqual([]);
    // Its held job follows the new start; no closing job is made again.
    const newStart = Date.parse(moved.startsAt);
    expect(
      await jobIds([
        `held-${march.id}-${Date.parse(march.startsAt)}`,
        `held-${march.id}-${newStart}`,
        `cutoff-${march.id}-${Date.parse(march.cutoffAt)}`,
      ]),
    ).toEqual({
      [`held-${march.id}-${Date.parse(march.startsAt)}`]: false,
      [`held-${march.id}-${newStart}`]: true,
      [`cutoff-${march.id}-${Date.parse(march.cutoffAt)}`]: false,
    });
  });

  it('gives a meeting created later the waiting notes submitted exactly at its cut-off, not those a millisecond after', async () => {
    // After every cut-off so far: both notes wait untargeted.
    const atCutoff = await submitAt('2041-04-20T10:00:00.000Z');
    const late = await submitAt('2041-04-20T10:00:00.001Z');
    expect([await targetOf(atCutoff), await targetOf(late)]).toEqual([null, null]);

    clock.set('2041-04-22T08:00:00.000Z');
    const june = await schedule('Steering Committee, June 2041', '2041-06-01T10:00');
    expect(june.cutoffAt).toBe('2041-04-20T10:00:00.000Z');
    expect(await targetOf(atCutoff)).toBe(june.id);
    expect(await targetOf(late)).toBeNull();
    expect((await outbox('note_retargeted', atCutoff)).map((r) => r.recipient_email)).toEqual(emails(lead));
    expect(await outbox('note_retargeted', late)).toEqual([]);
  });

  it('gives a rescheduled meeting the waiting notes submitted exactly at its new cut-off, not those a millisecond after', async () => {
    clock.set('2042-01-01T08:00:00.000Z');
    const may = await schedule('Steering Committee, May 2042', '2042-05-01T10:00');
    expect(may.cutoffAt).toBe('2042-03-20T10:00:00.000Z');
    // After May's cut-off (no closing runs here, so May is still scheduled): both notes wait untargeted.
    const atCutoff = await submitAt('2042-03-27T10:00:00.000Z');
    const late = await submitAt('2042-03-27T10:00:00.001Z');
    expect([await targetOf(atCutoff), await targetOf(late)]).toEqual([null, null]);

    clock.set('2042-03-27T12:00:00.000Z');
    const moved = must(
      await http(system, 'PATCH', meetingPath(may.id), {
        token: secretariat.token,
        body: { startsLocal: '2042-05-08T10:00' },
      }),
    ).body as Meeting;
    expect(moved).toMatchObject({ status: 'scheduled', cutoffAt: '2042-03-27T10:00:00.000Z' });
    expect(await targetOf(atCutoff)).toBe(may.id);
    expect(await targetOf(late)).toBeNull();
    expect((await outbox('note_retargeted', atCutoff)).map((r) => r.recipient_email)).toEqual(emails(lead));
    expect(await outbox('note_retargeted', late)).toEqual([]);
  });

  it('puts a note removed by mistake back on the same agenda by a late exception, listed last, and tells its team again', async () => {
    clock.set('2044-01-01T08:00:00.000Z');
    const march = await schedule('Steering Committee, March 2044', '2044-03-01T10:00');
    const first = await submitAt('2044-01-05T08:00:00.000Z');
    const second = await submitAt('2044-01-06T08:00:00.000Z');
    await closeAtCutoff(march);
    const itemOf = async (noteId: string) =>
      (await agenda(march.id)).items.find((i) => i.conceptNoteId === noteId)!;
    const removedItem = await itemOf(first);
    clock.set('2044-01-20T08:00:00.000Z');
    must(
      await http(system, 'PATCH', meetingPath(march.id, `/agenda/${removedItem.id}`), {
        token: secretariat.token,
        body: { status: 'removed', reason: 'Removed by mistake.' },
      }),
    );
    const place = () =>
      http(system, 'POST', meetingPath(march.id, '/agenda'), {
        token: secretariat.token,
        body: { conceptNoteId: first, reason: 'Removed by mistake; back on the agenda.' },
      });
    const placed = must(await place(), 201);
    expect(placed.body).toMatchObject({
      id: removedItem.id,
      status: 'listed',
      statusReason: null,
      lateExceptionReason: 'Removed by mistake; back on the agenda.',
    });
    expect(await targetOf(first)).toBe(march.id);
    // Notes left waiting by earlier tests joined this agenda too; the one placed again is last.
    const items = (await agenda(march.id)).items.map((i) => [i.conceptNoteId, i.status]);
    expect(items.at(-1)).toEqual([first, 'listed']);
    expect(items).toContainEqual([second, 'listed']);
    expect((await outbox('placed_on_agenda', first)).length).toBeGreaterThan(0);
    // Listed now: a second late exception for it is refused.
    expect(problem(await place())).toMatchObject({ status: 409, code: 'MEETING.ALREADY_ON_AGENDA' });
  });

  it('serves each meeting and its cut-off in the calendar feed to the current token only', async () => {
    const anonymous = await http(system, 'GET', '/api/v1/calendar.ics');
    expect(anonymous.status).toBe(401);

    const first = must(await http(system, 'POST', '/api/v1/me/calendar-token', { token: lead.token }));
    expect(first.body.token).toEqual(expect.any(String));
    const feed = await http(system, 'GET', `/api/v1/calendar.ics?token=${first.body.token}`);
    expect(feed.status).toBe(200);
    expect(String(feed.headers['content-type'])).toMatch(/^text\/calendar/);

    const calendar = new ICAL.Component(ICAL.parse(feed.raw.toString('utf8')));
    const starts = new Map(
      calendar.getAllSubcomponents('vevent').map((event) => {
        const start = event.getFirstPropertyValue('dtstart') as InstanceType<typeof ICAL.Time>;
        return [String(event.getFirstPropertyValue('uid')), start.toJSDate().toISOString()];
      }),
    );
    const meetings = must(
      await http(system, 'GET', '/api/v1/meetings?limit=100', { token: secretariat.token }),
    ).body.items as Meeting[];
    expect(meetings.length).toBeGreaterThanOrEqual(10);
    expect(starts.size).toBe(2 * meetings.length);
    for (const meeting of meetings) {
      expect(starts.get(`meeting-${meeting.id}@mptf.test`)).toBe(meeting.startsAt);
      expect(starts.get(`cutoff-${meeting.id}@mptf.test`)).toBe(meeting.cutoffAt);
    }

    const rotated = must(await http(system, 'POST', '/api/v1/me/calendar-token', { token: lead.token }));
    expect(rotated.body.token).not.toBe(first.body.token);
    expect((await http(system, 'GET', `/api/v1/calendar.ics?token=${first.body.token}`)).status).toBe(401);
    expect((await http(system, 'GET', `/api/v1/calendar.ics?token=${rotated.body.token}`)).status).toBe(200);
  });
});
