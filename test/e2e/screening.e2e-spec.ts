import { CutoffService } from '../../src/meetings/cutoff.service';
import type { ReceivedMail } from '../smtp-receiver';
import { actor, http, startTestSystem, TestClock, type HttpAnswer, type TestSystem } from '../harness';
import { readyDraft } from '../factories';

/**
 * Screening (DESIGN §2–§3): the checklist over the screening criteria, the three outcomes, and the
 * two kinds of revision request — technical (fixed by the lead, resubmitted with its submission time
 * and meeting) and substantive (endorsed again, submitted anew, targeted again). Each test uses
 * countries of its own, so the RCs and RC office it creates are the only officials its notes reach.
 */

type SignedIn = Awaited<ReturnType<typeof actor>>;

const notePath = (id: string, rest = '') => `/api/v1/concept-notes/${id}${rest}`;

/** The manual criteria of the seeded criteria set (E1–E8 are automatic). */
const MANUAL = [
  { code: 'E9', result: 'pass', comment: 'Letter of the Ministry of Interior attached.' },
  { code: 'E10', result: 'pass' },
  { code: 'E11', result: 'n.a.', comment: 'Covered in the full programme.' },
];

function problem(answer: HttpAnswer): { status: number; code: unknown; fields: string[] } {
  const errors = (answer.body?.errors ?? []) as { field: string }[];
  return {
    status: answer.status,
    code: answer.body?.code,
    fields: [...new Set(errors.map((e) => e.field))].sort(),
  };
}

function must(answer: HttpAnswer, status = 200): HttpAnswer {
  if (answer.status !== status) {
    throw new Error(`expected ${status}, got ${answer.status}: ${JSON.stringify(answer.body)}`);
  }
  return answer;
}

function getNote(system: TestSystem, who: SignedIn, id: string): Promise<HttpAnswer> {
  return http(system, 'GET', notePath(id), { token: who.token });
}

function screen(
  system: TestSystem,
  who: SignedIn,
  id: string,
  body: Record<string, unknown>,
): Promise<HttpAnswer> {
  return http(system, 'POST', notePath(id, '/screening'), {
    token: who.token,
    body: { checklist: MANUAL, ...body },
  });
}

function answerPoints(
  system: TestSystem,
  who: SignedIn,
  id: string,
  responses: unknown,
): Promise<HttpAnswer> {
  return http(system, 'PUT', notePath(id, '/revision-responses'), { token: who.token, body: { responses } });
}

function resubmit(system: TestSystem, who: SignedIn, id: string): Promise<HttpAnswer> {
  return http(system, 'POST', notePath(id, '/resubmit'), { token: who.token, body: {} });
}

/** Edits the note as its reader last saw it (If-Match from the ETag). */
async function edit(system: TestSystem, who: SignedIn, id: string, body: Record<string, unknown>) {
  const read = must(await getNote(system, who, id));
  return must(
    await http(system, 'PATCH', notePath(id), {
      token: who.token,
      body,
      headers: { 'if-match': String(read.headers.etag) },
    }),
  );
}

/** A national note of `country`, endorsed by `rc` and so submitted at the clock's instant. */
async function submittedNote(
  system: TestSystem,
  lead: SignedIn,
  rc: SignedIn,
  country: string,
  overrides: Record<string, unknown> = {},
): Promise<{ id: string; note: Record<string, unknown> }> {
  const id = await readyDraft(system, lead.token, {
    scope: 'national',
    countryCodes: [country],
    ...overrides,
  });
  must(await http(system, 'POST', notePath(id, '/endorsement-requests'), { token: lead.token }));
  const endorsed = must(
    await http(system, 'POST', notePath(id, '/endorsements'), {
      token: rc.token,
      body: { decision: 'endorse' },
    }),
  );
  expect(endorsed.body.status).toBe('submitted');
  return { id, note: endorsed.body };
}

async function auditCount(system: TestSystem, noteId: string, action: string): Promise<number> {
  const [row] = await system.dataSource.query<{ n: number }[]>(
    `SELECT count(*)::int AS n FROM audit_events WHERE entity_type = 'concept_note' AND entity_id = $1 AND action = $2`,
    [noteId, action],
  );
  return row.n;
}

async function count(
  system: TestSystem,
  table: 'endorsements' | 'screenings',
  noteId: string,
): Promise<number> {
  const [row] = await system.dataSource.query<{ n: number }[]>(
    `SELECT count(*)::int AS n FROM ${table} WHERE note_id = $1`,
    [noteId],
  );
  return row.n;
}

/** A submitted review of the note's current revision, written straight into the tables of the reviews domain. */
async function insertSubmittedReview(
  system: TestSystem,
  noteId: string,
  reviewer: SignedIn,
  assignedBy: SignedIn,
): Promise<void> {
  const [assignment] = await system.dataSource.query<{ id: string }[]>(
    `INSERT INTO review_assignments (note_id, revision_id, reviewer_id, due_at, status, assigned_by_id)
     SELECT n.id, r.id, $2, now(), 'submitted', $3
       FROM concept_notes n JOIN concept_note_revisions r ON r.note_id = n.id AND r.number = n.current_revision
      WHERE n.id = $1
     RETURNING id`,
    [noteId, reviewer.user.id, assignedBy.user.id],
  );
  await system.dataSource.query(
    `INSERT INTO reviews (assignment_id, criteria_set_version, scores, recommendation, weighted_score, submitted_at, version)
     VALUES ($1, 1, '[]', 'approve', 75, now(), 1)`,
    [assignment.id],
  );
}

function notificationId(mail: ReceivedMail): string {
  const value = mail.headers.get('x-mptf-notification');
  return typeof value === 'string' ? value : '';
}

/** The e-mails of one template about one note, once the outbox says every one of them was sent. */
async function deliveredMails(system: TestSystem, noteId: string, template: string): Promise<ReceivedMail[]> {
  let ids: string[] = [];
  const deadline = Date.now() + 20_000;
  for (;;) {
    const rows = await system.dataSource.query<{ id: string; status: string; last_error: string | null }[]>(
      'SELECT id, status, last_error FROM notifications WHERE subject_id = $1 AND template = $2',
      [noteId, template],
    );
    ids = rows.map((r) => r.id);
    if (rows.length > 0 && rows.every((r) => r.status === 'sent')) break;
    if (Date.now() > deadline) {
      throw new Error(`${template} for ${noteId} not all sent: ${JSON.stringify(rows)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await system.smtp.waitFor((messages) => ids.every((id) => messages.some((m) => notificationId(m) === id)));
  return system.smtp.messages.filter((m) => ids.includes(notificationId(m)));
}

function perRecipient(mails: ReceivedMail[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const address of mails.flatMap((m) => m.to)) counts[address] = (counts[address] ?? 0) + 1;
  return counts;
}

const once = (...people: SignedIn[]) => Object.fromEntries(people.map((p) => [p.user.email, 1]));

interface MeetingView {
  id: string;
  title: string;
  startsAt: string;
  cutoffAt: string;
}

async function createMeeting(
  system: TestSystem,
  secretariat: SignedIn,
  title: string,
  startsLocal: string,
): Promise<MeetingView> {
  return must(
    await http(system, 'POST', '/api/v1/meetings', {
      token: secretariat.token,
      body: { title, kind: 'in_person', startsLocal, timeZone: 'Europe/Zurich' },
    }),
    201,
  ).body as MeetingView;
}

/** Closes a meeting's agenda at its cut-off, as the worker's job does (or has just done). */
async function closeAgenda(system: TestSystem, clock: TestClock, meeting: MeetingView): Promise<void> {
  clock.set(meeting.cutoffAt);
  await system.app.get(CutoffService).closeAgenda(meeting.id, Date.parse(meeting.cutoffAt));
  const [row] = await system.dataSource.query<{ status: string }[]>(
    'SELECT status FROM meetings WHERE id = $1',
    [meeting.id],
  );
  expect(row.status).toBe('agenda_closed');
}

interface AgendaItem {
  conceptNoteId: string;
  status: string;
  revision: number;
  carriedFromMeetingId: string | null;
}

async function agendaItems(system: TestSystem, who: SignedIn, meetingId: string): Promise<AgendaItem[]> {
  return must(await http(system, 'GET', `/api/v1/meetings/${meetingId}/agenda`, { token: who.token })).body
    .items as AgendaItem[];
}

/** Every active member of the secretariat: all of them hear of a resubmission. */
async function secretariatEmails(system: TestSystem): Promise<Record<string, number>> {
  const rows = await system.dataSource.query<{ email: string }[]>(
    `SELECT email FROM users WHERE active AND 'secretariat' = ANY(roles)`,
  );
  return Object.fromEntries(rows.map((r) => [r.email, 1]));
}

describe('screening', () => {
  let system: TestSystem;
  let secretariat: SignedIn;
  /** Two meetings: cut-offs 2027-01-27T09:00Z (March) and 2027-04-29T08:00Z (June). */
  let march: string;
  let june: string;
  const clock = new TestClock(new Date('2026-11-02T09:00:00.000Z'));

  beforeAll(async () => {
    system = await startTestSystem({ clock, worker: true });
    secretariat = await actor(system, ['secretariat']);
    const meeting = async (title: string, startsLocal: string) =>
      must(
        await http(system, 'POST', '/api/v1/meetings', {
          token: secretariat.token,
          body: { title, kind: 'in_person', startsLocal, timeZone: 'Europe/Zurich' },
        }),
        201,
      ).body as { id: string; cutoffAt: string };
    const first = await meeting('Steering Committee, March 2027', '2027-03-10T10:00');
    const second = await meeting('Steering Committee, June 2027', '2027-06-10T10:00');
    expect([first.cutoffAt, second.cutoffAt]).toEqual([
      '2027-01-27T09:00:00.000Z',
      '2027-04-29T08:00:00.000Z',
    ]);
    march = first.id;
    june = second.id;
  });
  afterAll(() => system.close());

  it('pre-fills the automatic criteria from the revision and refuses a checklist that is incomplete or names unknown codes', async () => {
    clock.set('2026-11-02T09:00:00.000Z');
    const lead = await actor(system, ['applicant'], { organizationCode: 'IOM' });
    const rc = await actor(system, ['resident_coordinator'], { countryCodes: ['SRB'] });
    // 40 months is outside the Fund's 12–36: a warning of the precheck, a failed criterion at screening.
    const { id } = await submittedNote(system, lead, rc, 'SRB', { durationMonths: 40 });

    const missing = await screen(system, secretariat, id, {
      outcome: 'eligible',
      checklist: MANUAL.slice(0, 2),
    });
    expect(problem(missing)).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', fields: ['checklist'] });
    expect(JSON.stringify(missing.body.errors)).toContain('E11');
    const unknown = await screen(system, secretariat, id, {
      outcome: 'eligible',
      checklist: [...MANUAL, { code: 'E99', result: 'pass' }],
    });
    expect(problem(unknown)).toMatchObject({ status: 400, fields: ['checklist'] });
    expect(JSON.stringify(unknown.body.errors)).toContain('E99');
    const badResult = await screen(system, secretariat, id, {
      outcome: 'eligible',
      checklist: [{ code: 'E9', result: 'maybe' }, ...MANUAL.slice(1)],
    });
    expect(problem(badResult)).toMatchObject({ status: 400, fields: ['checklist.0.result'] });
    expect(
      problem(await screen(system, secretariat, id, { outcome: 'revision_requested', points: ['x'] })),
    ).toMatchObject({ status: 400, fields: ['revisionKind'] });
    expect(
      problem(
        await screen(system, secretariat, id, { outcome: 'revision_requested', revisionKind: 'technical' }),
      ),
    ).toMatchObject({ status: 400, fields: ['points'] });
    expect(
      problem(
        await screen(system, secretariat, id, {
          outcome: 'revision_requested',
          revisionKind: 'technical',
          points: ['Fix the budget table.', '  '],
        }),
      ),
    ).toMatchObject({ status: 400, fields: ['points'] });
    expect(await count(system, 'screenings', id)).toBe(0);
    expect(must(await getNote(system, lead, id)).body.status).toBe('submitted');

    const screened = await screen(system, secretariat, id, {
      outcome: 'eligible',
      // The secretariat overrides one automatic criterion; the others are pre-filled.
      checklist: [...MANUAL, { code: 'E7', result: 'pass', comment: 'Checked by hand.' }],
      comment: 'Well prepared.',
    });
    expect(screened.status).toBe(201);
    expect(screened.body).toMatchObject({
      outcome: 'eligible',
      resultingStatus: 'in_review',
      revision: 1,
      criteriaSetVersion: 1,
      revisionKind: null,
      points: [],
      dueAt: null,
      comment: 'Well prepared.',
      reviewAgain: true,
      screenedBy: { id: secretariat.user.id },
    });
    const checklist = screened.body.checklist as {
      code: string;
      result: string;
      automatic: boolean;
      comment: string;
    }[];
    expect(checklist.map((c) => c.code)).toEqual([
      'E1',
      'E2',
      'E3',
      'E4',
      'E5',
      'E6',
      'E7',
      'E8',
      'E9',
      'E10',
      'E11',
    ]);
    expect(checklist.map((c) => [c.code, c.result, c.automatic])).toEqual([
      ['E1', 'pass', true],
      ['E2', 'pass', true],
      ['E3', 'pass', true],
      ['E4', 'pass', true],
      ['E5', 'pass', true],
      ['E6', 'fail', true],
      ['E7', 'pass', false],
      ['E8', 'pass', true],
      ['E9', 'pass', false],
      ['E10', 'pass', false],
      ['E11', 'n.a.', false],
    ]);
    expect(checklist[5].comment).toContain('40 months is outside the allowed 12–36 months');
    expect(checklist[6].comment).toBe('Checked by hand.');
    expect(must(await getNote(system, lead, id)).body.status).toBe('in_review');
    expect(await auditCount(system, id, 'concept_note.screened')).toBe(1);

    // The team sees the outcome, the feedback and the results, not the secretariat's notes per criterion.
    const seenByTeam = must(
      await http(system, 'GET', notePath(id, '/screening'), { token: lead.token }),
    ).body;
    expect(seenByTeam).toHaveLength(1);
    expect(seenByTeam[0]).toMatchObject({
      outcome: 'eligible',
      comment: 'Well prepared.',
      screenedBy: null,
      reviewAgain: null,
    });
    expect(seenByTeam[0].checklist[5]).toMatchObject({ code: 'E6', result: 'fail', comment: null });
    const seenBySecretariat = must(
      await http(system, 'GET', notePath(id, '/screening'), { token: secretariat.token }),
    );
    expect(seenBySecretariat.body[0].checklist[5].comment).toContain('40 months');

    // Screened once: a second screening finds it in review.
    expect(problem(await screen(system, secretariat, id, { outcome: 'eligible' }))).toMatchObject({
      status: 409,
      code: 'CONCEPT_NOTE.INVALID_TRANSITION',
    });
  });

  it('makes ineligible final: no withdrawal, screening or resubmission afterwards', async () => {
    clock.set('2026-11-03T09:00:00.000Z');
    const lead = await actor(system, ['applicant'], { organizationCode: 'IOM' });
    const rc = await actor(system, ['resident_coordinator'], { countryCodes: ['MKD'] });
    const { id } = await submittedNote(system, lead, rc, 'MKD');

    const screened = await screen(system, secretariat, id, {
      outcome: 'ineligible',
      comment: 'Outside the thematic scope of the Fund.',
    });
    expect(screened.status).toBe(201);
    expect(screened.body).toMatchObject({ outcome: 'ineligible', resultingStatus: 'ineligible' });
    expect(must(await getNote(system, lead, id)).body.status).toBe('ineligible');

    const withdraw = await http(system, 'POST', notePath(id, '/withdraw'), {
      token: lead.token,
      body: { reason: 'We disagree.' },
    });
    expect(problem(withdraw)).toMatchObject({ status: 409, code: 'CONCEPT_NOTE.INVALID_TRANSITION' });
    expect(problem(await screen(system, secretariat, id, { outcome: 'eligible' }))).toMatchObject({
      status: 409,
    });
    expect(problem(await resubmit(system, lead, id))).toMatchObject({ status: 409 });
    expect(problem(await answerPoints(system, lead, id, ['Done.'])).status).toBe(409);
    expect(must(await getNote(system, lead, id)).body.status).toBe('ineligible');
  });

  it('takes a technical revision back as submitted: same submission time and meeting, a new revision, no new endorsement', async () => {
    clock.set('2026-11-04T10:00:00.000Z');
    const lead = await actor(system, ['applicant'], { organizationCode: 'IOM' });
    const member = await actor(system, ['applicant'], { organizationCode: 'ILO' });
    const rc = await actor(system, ['resident_coordinator'], { countryCodes: ['BIH'] });
    const { id, note } = await submittedNote(system, lead, rc, 'BIH');
    must(
      await http(system, 'PUT', notePath(id, '/team'), {
        token: lead.token,
        body: { memberIds: [member.user.id] },
      }),
    );
    expect(note).toMatchObject({
      submittedAt: '2026-11-04T10:00:00.000Z',
      targetMeetingId: march,
      currentRevision: 1,
    });
    const endorsements = await count(system, 'endorsements', id);

    clock.set('2026-11-20T08:30:00.000Z');
    const screened = await screen(system, secretariat, id, {
      outcome: 'revision_requested',
      revisionKind: 'technical',
      points: ['  Attach the signed template.  ', 'Correct the ILO share in the budget table.'],
      comment: 'Two technical points.',
    });
    expect(screened.status).toBe(201);
    expect(screened.body).toMatchObject({
      outcome: 'revision_requested',
      resultingStatus: 'revision_requested',
      revisionKind: 'technical',
      points: ['Attach the signed template.', 'Correct the ILO share in the budget table.'],
      // Fund rules: a technical fix is due ten days after the request.
      dueAt: '2026-11-30T08:30:00.000Z',
    });
    expect(must(await getNote(system, lead, id)).body.status).toBe('revision_requested');
    expect(
      must(await http(system, 'GET', notePath(id, '/revision-request'), { token: lead.token })).body,
    ).toEqual({
      kind: 'technical',
      source: 'screening',
      points: ['Attach the signed template.', 'Correct the ILO share in the budget table.'],
      responses: [],
      unanswered: [1, 2],
      requestedAt: '2026-11-20T08:30:00.000Z',
      dueAt: '2026-11-30T08:30:00.000Z',
    });
    // The RC follows the note but is not of the team; the secretariat does not answer for the team.
    expect(problem(await answerPoints(system, rc, id, ['a', 'b']))).toMatchObject({ status: 403 });
    expect(problem(await answerPoints(system, secretariat, id, ['a', 'b']))).toMatchObject({ status: 403 });

    // The lead fixes the working copy.
    clock.set('2026-11-23T11:00:00.000Z');
    await edit(system, lead, id, { risks: 'Political turnover; mitigated by a multi-stakeholder board.' });
    expect(problem(await resubmit(system, lead, id))).toMatchObject({
      status: 409,
      code: 'CONCEPT_NOTE.POINTS_UNANSWERED',
    });
    expect(problem(await answerPoints(system, member, id, ['Attached.']))).toMatchObject({
      status: 400,
      fields: ['responses'],
    });
    expect(problem(await answerPoints(system, member, id, ['Attached.', ' ']))).toMatchObject({
      status: 400,
      fields: ['responses'],
    });
    // A team member answers; the lead alone resubmits.
    const answered = must(
      await answerPoints(system, member, id, ['Attached.', ' Corrected to USD 749,000. ']),
    );
    expect(answered.body).toMatchObject({
      responses: ['Attached.', 'Corrected to USD 749,000.'],
      unanswered: [],
    });
    expect(problem(await resubmit(system, member, id))).toMatchObject({
      status: 403,
      code: 'CONCEPT_NOTE.ACTION_FORBIDDEN',
    });

    const resubmitted = await resubmit(system, lead, id);
    expect(resubmitted.status).toBe(200);
    expect(resubmitted.body).toMatchObject({
      status: 'submitted',
      submittedAt: '2026-11-04T10:00:00.000Z',
      targetMeetingId: march,
      currentRevision: 2,
      referenceCode: note.referenceCode,
    });
    expect(await count(system, 'endorsements', id)).toBe(endorsements);
    expect(await auditCount(system, id, 'concept_note.resubmitted')).toBe(1);
    expect(await auditCount(system, id, 'concept_note.submitted')).toBe(1);
    expect(
      problem(await http(system, 'GET', notePath(id, '/revision-request'), { token: lead.token })).status,
    ).toBe(404);
    const [event] = await system.dataSource.query<{ before: { revisionRequest: { responses: string[] } } }[]>(
      `SELECT before FROM audit_events WHERE entity_id = $1 AND action = 'concept_note.resubmitted'`,
      [id],
    );
    expect(event.before.revisionRequest.responses).toEqual(['Attached.', 'Corrected to USD 749,000.']);
    expect(problem(await resubmit(system, lead, id))).toMatchObject({ status: 409 });

    // Screened again, on the new revision: the endorsements of the first revision still cover E1.
    const again = await screen(system, secretariat, id, { outcome: 'eligible' });
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ revision: 2, resultingStatus: 'in_review' });
    expect(again.body.checklist[0]).toMatchObject({ code: 'E1', result: 'pass', automatic: true });
    const history = must(await http(system, 'GET', notePath(id, '/screening'), { token: lead.token })).body;
    expect(history.map((s: { outcome: string; revision: number }) => [s.outcome, s.revision])).toEqual([
      ['eligible', 2],
      ['revision_requested', 1],
    ]);
    expect(history[1]).toMatchObject({ dueAt: '2026-11-30T08:30:00.000Z', comment: 'Two technical points.' });
  });

  it('lets the note skip a second review only when enough submitted reviews stand from before', async () => {
    clock.set('2026-11-05T09:00:00.000Z');
    const lead = await actor(system, ['applicant'], { organizationCode: 'IOM' });
    const rc = await actor(system, ['resident_coordinator'], { countryCodes: ['MNE'] });
    const reviewers = [
      await actor(system, ['reviewer'], { organizationCode: 'UNHCR' }),
      await actor(system, ['reviewer'], { organizationCode: 'UNDP' }),
    ];
    const { id } = await submittedNote(system, lead, rc, 'MNE');
    must(
      await screen(system, secretariat, id, {
        outcome: 'revision_requested',
        revisionKind: 'technical',
        points: ['Clarify the beneficiaries.'],
      }),
      201,
    );
    await edit(system, lead, id, { beneficiaries: 'Migrant workers, their families and host communities.' });
    must(await answerPoints(system, lead, id, ['Host communities added.']));
    must(await resubmit(system, lead, id));

    // Keeping the earlier reviews is a choice for an eligible note only.
    expect(
      problem(await screen(system, secretariat, id, { outcome: 'ineligible', reviewAgain: false })),
    ).toMatchObject({ status: 400, fields: ['reviewAgain'] });
    expect(
      problem(await screen(system, secretariat, id, { outcome: 'eligible', reviewAgain: false })),
    ).toMatchObject({
      status: 409,
      code: 'SCREENING.TOO_FEW_REVIEWS',
    });
    await insertSubmittedReview(system, id, reviewers[0], secretariat);
    expect(
      problem(await screen(system, secretariat, id, { outcome: 'eligible', reviewAgain: false })),
    ).toMatchObject({
      status: 409,
      code: 'SCREENING.TOO_FEW_REVIEWS',
    });
    expect(must(await getNote(system, lead, id)).body.status).toBe('submitted');

    await insertSubmittedReview(system, id, reviewers[1], secretariat);
    const skipped = await screen(system, secretariat, id, { outcome: 'eligible', reviewAgain: false });
    expect(skipped.status).toBe(201);
    expect(skipped.body).toMatchObject({ resultingStatus: 'ready_for_committee', reviewAgain: false });
    expect(must(await getNote(system, lead, id)).body.status).toBe('ready_for_committee');
  });

  it('e-mails the outcome once to the team and to the RCs and RC office of the note’s countries', async () => {
    clock.set('2026-11-06T09:00:00.000Z');
    const lead = await actor(system, ['applicant'], { organizationCode: 'IOM' });
    const member = await actor(system, ['applicant'], { organizationCode: 'ILO' });
    const rc = await actor(system, ['resident_coordinator'], { countryCodes: ['ALB'] });
    const office = await actor(system, ['rc_office'], { countryCodes: ['ALB'] });
    await actor(system, ['resident_coordinator'], { countryCodes: ['GRC', 'TUR'] });
    const { id } = await submittedNote(system, lead, rc, 'ALB');
    must(
      await http(system, 'PUT', notePath(id, '/team'), {
        token: lead.token,
        body: { memberIds: [member.user.id] },
      }),
    );

    clock.set('2026-11-09T14:00:00.000Z');
    must(
      await screen(system, secretariat, id, {
        outcome: 'revision_requested',
        revisionKind: 'technical',
        points: ['Add the theory of change diagram.', 'Align the results with objective 6.'],
        comment: 'Minor fixes.',
      }),
      201,
    );

    const mails = await deliveredMails(system, id, 'screening_outcome');
    expect(perRecipient(mails)).toEqual(once(lead, member, rc, office));
    for (const mail of mails) expect(mail.text).toContain('Align the results with objective 6.');
    const payloads = await system.dataSource.query<{ payload: Record<string, unknown> }[]>(
      `SELECT payload FROM notifications WHERE subject_id = $1 AND template = 'screening_outcome'`,
      [id],
    );
    for (const { payload } of payloads) {
      expect(payload).toMatchObject({
        eligible: false,
        revisionRequested: true,
        ineligible: false,
        revisionKind: 'technical',
        technical: true,
        substantive: false,
        points: ['Add the theory of change diagram.', 'Align the results with objective 6.'],
        dueAt: '2026-11-19T14:00:00.000Z',
        comment: 'Minor fixes.',
      });
    }
  });

  it('answers 403 to a reader who may not screen and 404 to one who cannot see the note', async () => {
    clock.set('2026-11-07T09:00:00.000Z');
    const lead = await actor(system, ['applicant'], { organizationCode: 'IOM' });
    const rc = await actor(system, ['resident_coordinator'], { countryCodes: ['KEN'] });
    const office = await actor(system, ['rc_office'], { countryCodes: ['KEN'] });
    const outsider = await actor(system, ['applicant'], { organizationCode: 'IOM' });
    const otherRc = await actor(system, ['resident_coordinator'], { countryCodes: ['UGA'] });
    const reviewer = await actor(system, ['reviewer'], { organizationCode: 'UNDP' });
    const committee = await actor(system, ['steering_committee']);
    const { id } = await submittedNote(system, lead, rc, 'KEN');

    for (const who of [lead, rc, office]) {
      expect(problem(await screen(system, who, id, { outcome: 'eligible' }))).toMatchObject({
        status: 403,
        code: 'CONCEPT_NOTE.ACTION_FORBIDDEN',
      });
      expect((await http(system, 'GET', notePath(id, '/screening'), { token: who.token })).status).toBe(200);
    }
    for (const who of [outsider, otherRc, reviewer, committee]) {
      expect(problem(await screen(system, who, id, { outcome: 'eligible' }))).toMatchObject({
        status: 404,
        code: 'NOT_FOUND',
      });
      expect(
        problem(await http(system, 'GET', notePath(id, '/screening'), { token: who.token })),
      ).toMatchObject({
        status: 404,
      });
      expect(problem(await resubmit(system, who, id)).status).toBe(404);
      expect(problem(await answerPoints(system, who, id, ['x'])).status).toBe(404);
    }
    expect(
      problem(await http(system, 'GET', notePath('not-a-uuid', '/screening'), { token: lead.token })),
    ).toMatchObject({ status: 400, fields: ['id'] });
    expect(await count(system, 'screenings', id)).toBe(0);
    expect(must(await getNote(system, lead, id)).body.status).toBe('submitted');
  });

  it('lets one of two concurrent screenings win; the other answers 409 and leaves nothing behind', async () => {
    clock.set('2026-11-08T09:00:00.000Z');
    const lead = await actor(system, ['applicant'], { organizationCode: 'IOM' });
    const rc = await actor(system, ['resident_coordinator'], { countryCodes: ['UKR'] });
    const other = await actor(system, ['secretariat']);
    const { id } = await submittedNote(system, lead, rc, 'UKR');

    const answers = await Promise.all([
      screen(system, secretariat, id, { outcome: 'eligible' }),
      screen(system, other, id, { outcome: 'ineligible', comment: 'Out of scope.' }),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
    const loser = answers.find((a) => a.status === 409)!;
    expect(loser.body.code).toBe('CONCEPT_NOTE.INVALID_TRANSITION');
    const winner = answers.find((a) => a.status === 201)!;
    expect(await count(system, 'screenings', id)).toBe(1);
    expect(await auditCount(system, id, 'concept_note.screened')).toBe(1);
    expect(must(await getNote(system, lead, id)).body.status).toBe(winner.body.resultingStatus);
  });

  it('sends a substantive revision through endorsement again: a new submission time, and the meeting whose cut-off it meets', async () => {
    clock.set('2026-11-10T09:00:00.000Z');
    const lead = await actor(system, ['applicant'], { organizationCode: 'IOM' });
    const rc = await actor(system, ['resident_coordinator'], { countryCodes: ['MDA'] });
    const { id, note } = await submittedNote(system, lead, rc, 'MDA');
    expect(note).toMatchObject({ submittedAt: '2026-11-10T09:00:00.000Z', targetMeetingId: march });

    must(
      await screen(system, secretariat, id, {
        outcome: 'revision_requested',
        revisionKind: 'substantive',
        points: ['Rework the theory of change around return and reintegration.'],
      }),
      201,
    );
    const request = must(
      await http(system, 'GET', notePath(id, '/revision-request'), { token: rc.token }),
    ).body;
    expect(request).toMatchObject({ kind: 'substantive', dueAt: null, unanswered: [1] });
    expect(problem(await resubmit(system, lead, id))).toMatchObject({
      status: 409,
      code: 'CONCEPT_NOTE.SUBSTANTIVE_REVISION',
    });

    // The team reworks it after the March cut-off.
    clock.set('2027-02-01T12:00:00.000Z');
    await edit(system, lead, id, {
      theoryOfChange: 'If returnees are reintegrated, then remigration falls.',
    });
    expect(
      problem(await http(system, 'POST', notePath(id, '/endorsement-requests'), { token: lead.token })),
    ).toMatchObject({ status: 409, code: 'CONCEPT_NOTE.POINTS_UNANSWERED' });
    must(await answerPoints(system, lead, id, ['Reworked around reintegration.']));
    const requested = must(
      await http(system, 'POST', notePath(id, '/endorsement-requests'), { token: lead.token }),
    );
    expect(requested.body).toMatchObject({ status: 'awaiting_endorsement', currentRevision: 2 });

    clock.set('2027-02-03T16:45:00.000Z');
    const endorsed = must(
      await http(system, 'POST', notePath(id, '/endorsements'), {
        token: rc.token,
        body: { decision: 'endorse' },
      }),
    );
    expect(endorsed.body).toMatchObject({
      status: 'submitted',
      submittedAt: '2027-02-03T16:45:00.000Z',
      targetMeetingId: june,
      referenceCode: note.referenceCode,
      currentRevision: 2,
    });
    expect(await auditCount(system, id, 'concept_note.submitted')).toBe(2);
    const [submitted] = await system.dataSource.query<{ after: { revisionRequest?: { kind: string } } }[]>(
      `SELECT after FROM audit_events WHERE entity_id = $1 AND action = 'concept_note.submitted' ORDER BY id DESC LIMIT 1`,
      [id],
    );
    expect(submitted.after.revisionRequest).toMatchObject({
      kind: 'substantive',
      responses: ['Reworked around reintegration.'],
    });
    expect(
      problem(await http(system, 'GET', notePath(id, '/revision-request'), { token: lead.token })).status,
    ).toBe(404);
    // Screened again as any submission.
    expect((await screen(system, secretariat, id, { outcome: 'eligible' })).body).toMatchObject({
      revision: 2,
      resultingStatus: 'in_review',
    });
  });

  it('lists a technical revision asked for before the cut-off and resubmitted after it on its meeting’s closed agenda, on the new revision, and tells the team, the RCs, the RC office and the secretariat once', async () => {
    clock.set('2027-10-01T09:00:00.000Z');
    const march = await createMeeting(
      system,
      secretariat,
      'Steering Committee, March 2028',
      '2028-03-10T10:00',
    );
    expect(march.cutoffAt).toBe('2028-01-28T09:00:00.000Z');
    const lead = await actor(system, ['applicant'], { organizationCode: 'IOM' });
    const member = await actor(system, ['applicant'], { organizationCode: 'ILO' });
    const rc = await actor(system, ['resident_coordinator'], { countryCodes: ['SEN'] });
    const office = await actor(system, ['rc_office'], { countryCodes: ['SEN'] });
    clock.set('2027-11-01T09:00:00.000Z');
    const { id, note } = await submittedNote(system, lead, rc, 'SEN');
    must(
      await http(system, 'PUT', notePath(id, '/team'), {
        token: lead.token,
        body: { memberIds: [member.user.id] },
      }),
    );
    expect(note).toMatchObject({ targetMeetingId: march.id, submittedAt: '2027-11-01T09:00:00.000Z' });
    // A second note is on the agenda when it closes, and is sent back for a fix only afterwards.
    clock.set('2027-11-02T09:00:00.000Z');
    const listed = (await submittedNote(system, lead, rc, 'SEN')).id;

    clock.set('2028-01-10T09:00:00.000Z');
    const fix = { outcome: 'revision_requested', revisionKind: 'technical', points: ['Sign the template.'] };
    must(await screen(system, secretariat, id, fix), 201);
    await closeAgenda(system, clock, march);
    expect((await agendaItems(system, secretariat, march.id)).map((i) => i.conceptNoteId)).toEqual([listed]);
    clock.set('2028-01-29T09:00:00.000Z');
    must(await screen(system, secretariat, listed, fix), 201);

    // Resubmitted after the agenda closed: it met the cut-off, so it joins that agenda.
    clock.set('2028-02-01T09:00:00.000Z');
    for (const noteId of [id, listed]) {
      await edit(system, lead, noteId, { risks: 'Mitigated by a multi-stakeholder board.' });
      must(await answerPoints(system, lead, noteId, ['Signed.']));
      expect(must(await resubmit(system, lead, noteId)).body).toMatchObject({
        status: 'submitted',
        targetMeetingId: march.id,
        currentRevision: 2,
      });
    }
    expect(must(await getNote(system, lead, id)).body.submittedAt).toBe('2027-11-01T09:00:00.000Z');
    const items = await agendaItems(system, secretariat, march.id);
    expect(items.map((i) => [i.conceptNoteId, i.status, i.revision])).toEqual([
      [listed, 'listed', 2],
      [id, 'listed', 2],
    ]);
    const [listings] = await system.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM audit_events WHERE entity_id = $1 AND action = 'agenda.resubmission_listed'`,
      [march.id],
    );
    expect(listings.n).toBe(2);

    const mails = await deliveredMails(system, id, 'note_resubmitted');
    expect(perRecipient(mails)).toEqual({
      ...once(lead, member, rc, office),
      ...(await secretariatEmails(system)),
    });
    for (const mail of mails) expect(mail.text).toContain(march.title);
    const payloads = await system.dataSource.query<{ payload: Record<string, unknown> }[]>(
      `SELECT payload FROM notifications WHERE subject_id = $1 AND template = 'note_resubmitted'`,
      [id],
    );
    for (const { payload } of payloads) {
      expect(payload).toMatchObject({
        submittedAt: '2027-11-01T09:00:00.000Z',
        meetingTitle: march.title,
        meetingStartsAt: march.startsAt,
        meetingLocal: '2028-03-10 10:00 Europe/Zurich',
        previousMeetingTitle: null,
      });
    }
  });

  it('sends a technical revision resubmitted after its meeting’s packet was issued, or after the meeting was held, to the next meeting with no cut-off check', async () => {
    clock.set('2028-04-01T09:00:00.000Z');
    const september = await createMeeting(
      system,
      secretariat,
      'Steering Committee, September 2028',
      '2028-09-10T10:00',
    );
    const december = await createMeeting(
      system,
      secretariat,
      'Steering Committee, December 2028',
      '2028-12-10T10:00',
    );
    const lead = await actor(system, ['applicant'], { organizationCode: 'IOM' });
    const rc = await actor(system, ['resident_coordinator'], { countryCodes: ['TZA'] });
    clock.set('2028-04-05T09:00:00.000Z');
    const afterPacket = (await submittedNote(system, lead, rc, 'TZA')).id;
    const afterHeld = (await submittedNote(system, lead, rc, 'TZA')).id;
    clock.set('2028-07-01T09:00:00.000Z');
    for (const noteId of [afterPacket, afterHeld]) {
      must(
        await screen(system, secretariat, noteId, {
          outcome: 'revision_requested',
          revisionKind: 'technical',
          points: ['Correct the budget table.'],
        }),
        201,
      );
    }
    await closeAgenda(system, clock, september);

    const fixAndResubmit = async (noteId: string) => {
      await edit(system, lead, noteId, { risks: 'Mitigated by a multi-stakeholder board.' });
      must(await answerPoints(system, lead, noteId, ['Corrected.']));
      return must(await resubmit(system, lead, noteId)).body;
    };
    const movedTo = async (noteId: string) => {
      const [row] = await system.dataSource.query<{ payload: Record<string, unknown> }[]>(
        `SELECT payload FROM notifications WHERE subject_id = $1 AND template = 'note_resubmitted' AND recipient_email = $2`,
        [noteId, lead.user.email],
      );
      return row.payload;
    };

    // The packet is issued: September's agenda is final.
    clock.set('2028-08-01T09:00:00.000Z');
    const packet = must(
      await http(system, 'POST', `/api/v1/meetings/${september.id}/packet`, { token: secretariat.token }),
      202,
    ).body.id as string;
    const deadline = Date.now() + 30_000;
    for (;;) {
      const [row] = await system.dataSource.query<{ status: string }[]>(
        'SELECT status FROM packets WHERE id = $1',
        [packet],
      );
      if (row.status === 'ready') break;
      if (Date.now() > deadline) throw new Error(`packet still ${row.status}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await fixAndResubmit(afterPacket)).toMatchObject({
      status: 'submitted',
      submittedAt: '2028-04-05T09:00:00.000Z',
      targetMeetingId: december.id,
    });
    expect(await movedTo(afterPacket)).toMatchObject({
      previousMeetingTitle: september.title,
      meetingTitle: december.title,
    });

    // The meeting is held (before the day after its start, when the worker would mark it so).
    clock.set('2028-09-10T12:00:00.000Z');
    must(await http(system, 'POST', `/api/v1/meetings/${september.id}/held`, { token: secretariat.token }));
    expect(await fixAndResubmit(afterHeld)).toMatchObject({
      status: 'submitted',
      submittedAt: '2028-04-05T09:00:00.000Z',
      targetMeetingId: december.id,
    });
    expect(await movedTo(afterHeld)).toMatchObject({
      previousMeetingTitle: september.title,
      meetingTitle: december.title,
    });

    expect((await agendaItems(system, secretariat, september.id)).map((i) => i.conceptNoteId)).toEqual([]);
    const next = await agendaItems(system, secretariat, december.id);
    expect(next.map((i) => [i.conceptNoteId, i.status, i.revision, i.carriedFromMeetingId])).toEqual([
      [afterPacket, 'listed', 2, september.id],
      [afterHeld, 'listed', 2, september.id],
    ]);
    // Carried with no cut-off check: a meeting created in between does not take them.
    const november = await createMeeting(
      system,
      secretariat,
      'Steering Committee, November 2028',
      '2028-11-20T10:00',
    );
    expect(november.cutoffAt < december.cutoffAt).toBe(true);
    for (const noteId of [afterPacket, afterHeld]) {
      expect(must(await getNote(system, lead, noteId)).body.targetMeetingId).toBe(december.id);
    }
  });
});
