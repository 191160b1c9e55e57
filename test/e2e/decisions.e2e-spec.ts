import { existsSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { applyRate, centsToNumber, sumCents, toCents } from '../../src/common/money';
import { proRata } from '../../src/decisions/decision.rules';
import { CutoffService } from '../../src/meetings/cutoff.service';
import { EmailTemplates, TEMPLATE_ROOT } from '../../src/notifications/templates';
import type { ReceivedMail } from '../smtp-receiver';
import { actor, http, startTestSystem, TestClock, type HttpAnswer, type TestSystem } from '../harness';
import { racing, readyDraft } from '../factories';

/**
 * Decisions, the pipeline and the figures over HTTP (DESIGN §3 "Decisions", "pipeline"; §4 decisions,
 * pipeline, stats). Notes reach the committee through the real API (draft → endorsement request →
 * RC endorsement = submission → the cut-off closes the agenda). Most tests then set their notes to
 * ready_for_committee with SQL, as screening and reviews are not what they test; the deferral goes
 * through screening and reviews over HTTP, since its reviews are what it checks. Every test works in a year
 * of its own, later than the previous test's, so the newest meetings are always the current test's,
 * and in countries of its own, so the RCs and RC office it creates are the only officials its notes
 * can reach.
 */

type SignedIn = Awaited<ReturnType<typeof actor>>;

interface Meeting {
  id: string;
  title: string;
  startsAt: string;
  cutoffAt: string;
  status: string;
}

/**
 * The decision_released and decision_corrected templates are being written alongside this work.
 * Until they land, the worker renders a plain stand-in for them, so delivery (and the counts below)
 * can be checked; once the files exist, the real templates render.
 */
const PENDING_TEMPLATES = ['decision_released', 'decision_corrected'].filter(
  (name) => !existsSync(join(TEMPLATE_ROOT, 'en', `${name}.subject.hbs`)),
);
if (PENDING_TEMPLATES.length > 0) {
  // eslint-disable-next-line @typescript-eslint/unbound-method -- called below with the instance as `this`
  const original = EmailTemplates.prototype.render;
  jest.spyOn(EmailTemplates.prototype, 'render').mockImplementation(function (
    this: EmailTemplates,
    name,
    locale,
    payload,
    timeZone,
  ) {
    if (!PENDING_TEMPLATES.includes(name)) return original.call(this, name, locale, payload, timeZone);
    const text = `${name}: ${String(payload.referenceCode)}\n${JSON.stringify(payload)}`;
    return {
      subject: `${name} ${String(payload.referenceCode)}`,
      html: `<pre>${text}</pre>`,
      text,
      locale: 'en',
    };
  });
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

function notificationId(mail: ReceivedMail): string {
  const value = mail.headers.get('x-mptf-notification');
  return typeof value === 'string' ? value : '';
}

/** How many of `mails` each address received. */
function perRecipient(mails: ReceivedMail[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const address of mails.flatMap((m) => m.to)) counts[address] = (counts[address] ?? 0) + 1;
  return counts;
}

const once = (...people: SignedIn[]) => Object.fromEntries(people.map((p) => [p.user.email, 1]));

/** A note's budget shares as precheck and the fund's 7% indirect support cost rate make them. */
function shareTotal(directUsd: number): bigint {
  const direct = toCents(directUsd);
  return direct + applyRate(direct, 0.07);
}

/** Officials and a team working in one country of their own. */
interface Cast {
  country: string;
  lead: SignedIn;
  member: SignedIn;
  rc: SignedIn;
  office: SignedIn;
}

describe('decisions, the pipeline and the figures', () => {
  let system: TestSystem;
  const clock = new TestClock(new Date('2031-01-05T09:00:00.000Z'));
  let secretariat: SignedIn;
  let committee: SignedIn;

  beforeAll(async () => {
    system = await startTestSystem({ clock, worker: true });
    secretariat = await actor(system, ['secretariat']);
    committee = await actor(system, ['steering_committee']);
  });
  afterAll(() => system.close());

  const meetingPath = (id: string, rest = '') => `/api/v1/meetings/${id}${rest}`;

  async function cast(country: string): Promise<Cast> {
    return {
      country,
      lead: await actor(system, ['applicant'], { organizationCode: 'IOM' }),
      member: await actor(system, ['applicant'], { organizationCode: 'ILO' }),
      rc: await actor(system, ['resident_coordinator'], { countryCodes: [country] }),
      office: await actor(system, ['rc_office'], { countryCodes: [country] }),
    };
  }

  async function schedule(
    title: string,
    startsLocal: string,
    fields: { envelopeUsd?: number; kind?: string } = {},
  ): Promise<Meeting> {
    return must(
      await http(system, 'POST', '/api/v1/meetings', {
        token: secretariat.token,
        body: { title, kind: fields.kind ?? 'in_person', startsLocal, timeZone: 'UTC', ...fields },
      }),
      201,
    ).body as Meeting;
  }

  /** A national note of the cast's country, drafted, endorsed by its RC (= submitted now). */
  async function submitted(who: Cast, overrides: Record<string, unknown> = {}): Promise<string> {
    const id = await readyDraft(system, who.lead.token, {
      scope: 'national',
      countryCodes: [who.country],
      ...overrides,
    });
    must(
      await http(system, 'PUT', `/api/v1/concept-notes/${id}/team`, {
        token: who.lead.token,
        body: { memberIds: [who.member.user.id] },
      }),
    );
    must(
      await http(system, 'POST', `/api/v1/concept-notes/${id}/endorsement-requests`, {
        token: who.lead.token,
      }),
    );
    const endorsed = must(
      await http(system, 'POST', `/api/v1/concept-notes/${id}/endorsements`, {
        token: who.rc.token,
        body: { decision: 'endorse' },
      }),
    );
    expect(endorsed.body.status).toBe('submitted');
    clock.advance(60_000);
    return id;
  }

  /** Past the cut-off, the agenda closes (here, or already by the worker's reconciliation). */
  async function closeAgenda(meeting: Meeting): Promise<void> {
    clock.set(new Date(Date.parse(meeting.cutoffAt) + 60 * 60 * 1000));
    await system.app.get(CutoffService).closeAgenda(meeting.id, Date.parse(meeting.cutoffAt));
    const read = must(await http(system, 'GET', meetingPath(meeting.id), { token: secretariat.token }));
    expect(read.body.status).toBe('agenda_closed');
  }

  /** For tests not about screening and reviews: the notes skip to ready_for_committee. */
  async function readyForCommittee(ids: string[]): Promise<void> {
    await system.dataSource.query(
      `UPDATE concept_notes SET status = 'ready_for_committee' WHERE id = ANY($1) AND status = 'submitted'`,
      [ids],
    );
  }

  /** A meeting in `year` whose agenda lists `count` notes of the cast, all ready for the committee. */
  async function committeeMeeting(
    year: number,
    who: Cast,
    count: number,
    options: {
      envelopeUsd?: number;
      later?: boolean;
      overrides?: Record<string, unknown>[];
      /** false: the notes stay submitted, to go through screening and reviews over HTTP. */
      ready?: boolean;
    } = {},
  ): Promise<{ meeting: Meeting; later?: Meeting; notes: string[] }> {
    clock.set(`${year}-01-05T09:00:00.000Z`);
    const meeting = await schedule(`Steering Committee ${year}/1`, `${year}-06-01T10:00`, {
      ...(options.envelopeUsd !== undefined ? { envelopeUsd: options.envelopeUsd } : {}),
    });
    const later = options.later
      ? await schedule(`Steering Committee ${year}/2`, `${year}-10-01T10:00`)
      : undefined;
    const notes: string[] = [];
    for (let i = 0; i < count; i += 1) notes.push(await submitted(who, options.overrides?.[i]));
    await closeAgenda(meeting);
    if (options.ready !== false) await readyForCommittee(notes);
    const agenda = must(
      await http(system, 'GET', meetingPath(meeting.id, '/agenda'), { token: secretariat.token }),
    );
    expect((agenda.body.items as { conceptNoteId: string }[]).map((i) => i.conceptNoteId).sort()).toEqual(
      [...notes].sort(),
    );
    return { meeting, later, notes };
  }

  /** Q1…Q9 scored in order on the published 1–4 scale (weights 20, 15, 15, 10, 10, 10, 10, 5, 5). */
  const scores = (values: number[]) => values.map((score, i) => ({ code: `Q${i + 1}`, score }));

  /**
   * A submitted note screened eligible, scored by one reviewer per list of scores and closed to
   * ready_for_committee, all through the API (the screening's manual criteria pass; the automatic
   * ones are pre-filled from the revision).
   */
  async function reviewedThroughTheApi(id: string, reviews: number[][]): Promise<void> {
    must(
      await http(system, 'POST', `/api/v1/concept-notes/${id}/screening`, {
        token: secretariat.token,
        body: {
          checklist: ['E9', 'E10', 'E11'].map((code) => ({ code, result: 'pass' })),
          outcome: 'eligible',
        },
      }),
      201,
    );
    for (const values of reviews) {
      const reviewer = await actor(system, ['reviewer'], { organizationCode: 'UNICEF' });
      const assignment = must(
        await http(system, 'POST', `/api/v1/concept-notes/${id}/review-assignments`, {
          token: secretariat.token,
          body: {
            reviewerId: reviewer.user.id,
            dueAt: new Date(clock.now().getTime() + 14 * 24 * 60 * 60 * 1000).toISOString(),
          },
        }),
        201,
      );
      must(
        await http(system, 'PUT', `/api/v1/review-assignments/${assignment.body.id}/review`, {
          token: reviewer.token,
          body: { scores: scores(values), recommendation: 'approve', submit: true },
        }),
      );
    }
    const closed = must(
      await http(system, 'POST', `/api/v1/concept-notes/${id}/reviews/close`, {
        token: secretariat.token,
        body: {},
      }),
    );
    expect(closed.body.status).toBe('ready_for_committee');
  }

  function decide(meetingId: string, body: Record<string, unknown>, token = secretariat.token) {
    return http(system, 'POST', meetingPath(meetingId, '/decisions'), { token, body });
  }

  function release(meetingId: string, token = secretariat.token) {
    return http(system, 'POST', meetingPath(meetingId, '/decisions/release'), { token });
  }

  async function noteStatus(id: string): Promise<string> {
    const [row] = await system.dataSource.query<{ status: string }[]>(
      'SELECT status FROM concept_notes WHERE id = $1',
      [id],
    );
    return row.status;
  }

  async function outbox(noteId: string, template: string) {
    return system.dataSource.query<{ id: string; status: string; payload: Record<string, unknown> }[]>(
      'SELECT id, status, payload FROM notifications WHERE subject_id = $1 AND template = $2',
      [noteId, template],
    );
  }

  /**
   * The e-mails of one template about one note, once the outbox says every one of them was sent: no
   * more can arrive for it afterwards, so counts per recipient are final.
   */
  async function deliveredMails(noteId: string, template: string): Promise<ReceivedMail[]> {
    let ids: string[] = [];
    const deadline = Date.now() + 20_000;
    for (;;) {
      const rows = await outbox(noteId, template);
      ids = rows.map((r) => r.id);
      if (rows.length > 0 && rows.every((r) => r.status === 'sent')) break;
      if (Date.now() > deadline)
        throw new Error(`${template} for ${noteId} not all sent: ${JSON.stringify(rows)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await system.smtp.waitFor((messages) =>
      ids.every((id) => messages.some((m) => notificationId(m) === id)),
    );
    return system.smtp.messages.filter((m) => ids.includes(notificationId(m)));
  }

  async function auditCount(entityId: string, action: string): Promise<number> {
    const [row] = await system.dataSource.query<{ n: number }[]>(
      'SELECT count(*)::int AS n FROM audit_events WHERE entity_id = $1 AND action = $2',
      [entityId, action],
    );
    return row.n;
  }

  it('e-mails nothing for drafts, then releases them together: each recipient gets exactly one e-mail per decision', async () => {
    const who = await cast('SRB');
    const { meeting, notes } = await committeeMeeting(2031, who, 3);
    const [approved, rejected, revised] = notes;

    const first = must(
      await decide(meeting.id, { conceptNoteId: approved, outcome: 'rejected', rationale: 'First thought.' }),
      201,
    );
    // A second POST for the same note replaces the draft (same decision, audited as replaced).
    const replaced = must(
      await decide(meeting.id, {
        conceptNoteId: approved,
        outcome: 'approved',
        rationale: 'Strong fit with the thematic area.',
      }),
      201,
    );
    expect(replaced.body).toMatchObject({ id: first.body.id, outcome: 'approved', status: 'draft' });
    expect(await auditCount(first.body.id, 'decision.drafted')).toBe(1);
    expect(await auditCount(first.body.id, 'decision.replaced')).toBe(1);
    must(
      await decide(meeting.id, {
        conceptNoteId: rejected,
        outcome: 'rejected',
        rationale: 'Not migration-specific.',
      }),
      201,
    );
    const points = [
      'Clarify the role of the municipalities.',
      'Align the budget with the results framework.',
    ];
    const revision = must(
      await decide(meeting.id, {
        conceptNoteId: revised,
        outcome: 'revision_requested',
        rationale: 'Promising, with gaps.',
        points,
      }),
      201,
    );
    expect(revision.body).toMatchObject({ status: 'draft', points, outcome: 'revision_requested' });

    // A draft changes no note and e-mails no one.
    for (const id of notes) {
      expect(await noteStatus(id)).toBe('ready_for_committee');
      expect(await outbox(id, 'decision_released')).toEqual([]);
    }
    // The committee reads the drafts; applicants and RCs do not read the record of decisions.
    const read = must(
      await http(system, 'GET', meetingPath(meeting.id, '/decisions'), { token: committee.token }),
    );
    expect(read.body.total).toBe(3);
    expect(
      problem(await http(system, 'GET', meetingPath(meeting.id, '/decisions'), { token: who.lead.token }))
        .status,
    ).toBe(403);
    expect(
      problem(await http(system, 'GET', meetingPath(meeting.id, '/decisions'), { token: who.rc.token }))
        .status,
    ).toBe(403);
    expect(
      problem(
        await decide(
          meeting.id,
          { conceptNoteId: approved, outcome: 'approved', rationale: 'x y z' },
          committee.token,
        ),
      ).status,
    ).toBe(403);

    clock.set('2031-06-01T15:00:00.000Z');
    const released = must(await release(meeting.id));
    expect(released.body.released).toHaveLength(3);
    for (const decision of released.body.released) {
      expect(decision).toMatchObject({
        status: 'released',
        releasedAt: '2031-06-01T15:00:00.000Z',
        releasedById: secretariat.user.id,
        noteStatusBefore: 'ready_for_committee',
      });
    }
    expect(await noteStatus(approved)).toBe('approved');
    expect(await noteStatus(rejected)).toBe('rejected');
    expect(await noteStatus(revised)).toBe('revision_requested');

    // The committee's revision request: substantive, its numbered points, from the committee.
    const [note] = await system.dataSource.query<
      {
        revision_kind: string;
        revision_points: string[];
        revision_source: string;
        revision_requested_at: Date;
      }[]
    >(
      'SELECT revision_kind, revision_points, revision_source, revision_requested_at FROM concept_notes WHERE id = $1',
      [revised],
    );
    expect(note).toEqual({
      revision_kind: 'substantive',
      revision_points: points,
      revision_source: 'committee',
      revision_requested_at: new Date('2031-06-01T15:00:00.000Z'),
    });

    for (const id of notes) {
      const mails = await deliveredMails(id, 'decision_released');
      expect(perRecipient(mails)).toEqual(once(who.lead, who.member, who.rc, who.office));
    }
    const [payload] = (await outbox(revised, 'decision_released')).map((r) => r.payload);
    expect(payload).toMatchObject({
      meetingTitle: 'Steering Committee 2031/1',
      approved: false,
      funded: false,
      revisionRequested: true,
      rejected: false,
      deferred: false,
      rationale: 'Promising, with gaps.',
      points,
      amounts: [],
      totalAmountUsd: null,
      fullProgrammeDueOn: null,
    });
    expect(await auditCount(approved, 'concept_note.decided')).toBe(1);
    expect(await auditCount(first.body.id, 'decision.released')).toBe(1);

    // The team reads the outcome, rationale and points through the note.
    const seen = must(
      await http(system, 'GET', `/api/v1/concept-notes/${revised}/decisions`, { token: who.lead.token }),
    );
    expect(seen.body).toEqual([
      expect.objectContaining({ outcome: 'revision_requested', rationale: 'Promising, with gaps.', points }),
    ]);
    expect(seen.body[0]).not.toHaveProperty('envelopeOverrideReason');
    expect(seen.body[0]).not.toHaveProperty('recordedByName');

    // Nothing left to release, and a released decision is corrected, not drafted again.
    expect(problem(await release(meeting.id))).toMatchObject({ status: 409, code: 'DECISION.NO_DRAFTS' });
    expect(
      problem(await decide(meeting.id, { conceptNoteId: approved, outcome: 'funded', rationale: 'x y z' }))
        .status,
    ).toBe(409);
  });

  it('refuses drafts that cannot apply: before the agenda closes, off the agenda, or missing what the outcome needs', async () => {
    const who = await cast('MKD');
    const { meeting, notes } = await committeeMeeting(2032, who, 2);
    const unclosed = await schedule('Steering Committee 2032/2', '2032-12-01T10:00');
    const [id, other] = notes;
    const stranger = await readyDraft(system, who.lead.token, { scope: 'national', countryCodes: ['MKD'] });

    expect(
      problem(await decide(unclosed.id, { conceptNoteId: id, outcome: 'approved', rationale: 'Fine.' })),
    ).toMatchObject({
      status: 409,
      code: 'DECISION.MEETING_NOT_OPEN',
    });
    expect(
      problem(await decide(meeting.id, { conceptNoteId: stranger, outcome: 'approved', rationale: 'Fine.' })),
    ).toMatchObject({
      status: 409,
      code: 'DECISION.NOT_ON_AGENDA',
    });
    expect(
      problem(
        await decide(meeting.id, { conceptNoteId: id, outcome: 'revision_requested', rationale: 'Fine.' }),
      ),
    ).toMatchObject({
      status: 400,
      fields: ['points'],
    });
    expect(
      problem(
        await decide(meeting.id, {
          conceptNoteId: id,
          outcome: 'funded',
          rationale: 'Fine.',
          totalAmountUsd: 5,
        }),
      ),
    ).toMatchObject({ status: 400, fields: ['fullProgrammeDueOn'] });
    expect(
      problem(
        await decide(meeting.id, {
          conceptNoteId: id,
          outcome: 'approved',
          rationale: 'Fine.',
          totalAmountUsd: 5,
        }),
      ),
    ).toMatchObject({ status: 400, fields: ['totalAmountUsd'] });
    expect(problem(await decide(meeting.id, { conceptNoteId: id, outcome: 'approved' }))).toMatchObject({
      status: 400,
      fields: ['rationale'],
    });

    // A draft whose note moved meanwhile stops the whole release, which names the note.
    must(await decide(meeting.id, { conceptNoteId: id, outcome: 'approved', rationale: 'Good.' }), 201);
    must(await decide(meeting.id, { conceptNoteId: other, outcome: 'rejected', rationale: 'Weak.' }), 201);
    await system.dataSource.query(`UPDATE concept_notes SET status = 'in_review' WHERE id = $1`, [other]);
    const refused = await release(meeting.id);
    expect(problem(refused)).toMatchObject({ status: 409, code: 'DECISION.CANNOT_RELEASE' });
    expect(refused.body.conceptNoteId).toBe(other);
    expect(refused.body.detail).toContain(refused.body.referenceCode);
    expect(await noteStatus(id)).toBe('ready_for_committee');
    const drafts = must(
      await http(system, 'GET', meetingPath(meeting.id, '/decisions?status=draft'), {
        token: secretariat.token,
      }),
    );
    expect(drafts.body.total).toBe(2);
    expect(await outbox(id, 'decision_released')).toEqual([]);

    // The stale draft is discarded (a released decision cannot be), and the rest is released.
    const stale = (drafts.body.items as { id: string; conceptNoteId: string }[]).find(
      (d) => d.conceptNoteId === other,
    )!;
    const discard = (decisionId: string) =>
      http(system, 'DELETE', meetingPath(meeting.id, `/decisions/${decisionId}`), {
        token: secretariat.token,
      });
    expect((await discard(stale.id)).status).toBe(204);
    expect(await auditCount(stale.id, 'decision.discarded')).toBe(1);
    const released = must(await release(meeting.id));
    expect(released.body.released.map((d: { conceptNoteId: string }) => d.conceptNoteId)).toEqual([id]);
    expect(problem(await discard(released.body.released[0].id))).toMatchObject({
      status: 409,
      code: 'DECISION.NOT_DRAFT',
    });
    expect(problem(await discard(stale.id)).status).toBe(404);
  });

  it('keeps a corrected decision as superseded and sends a new notice', async () => {
    const who = await cast('ALB');
    const { meeting, notes } = await committeeMeeting(2033, who, 1);
    const [id] = notes;
    const drafted = must(
      await decide(meeting.id, { conceptNoteId: id, outcome: 'approved', rationale: 'Good.' }),
      201,
    );
    must(await release(meeting.id));
    await deliveredMails(id, 'decision_released');

    expect(
      problem(
        await http(system, 'POST', `/api/v1/decisions/${drafted.body.id}/corrections`, {
          token: secretariat.token,
          body: {},
        }),
      ),
    ).toMatchObject({ status: 400, fields: ['reason'] });
    expect(
      problem(
        await http(system, 'POST', `/api/v1/decisions/${drafted.body.id}/corrections`, {
          token: secretariat.token,
          body: { reason: 'Wrong outcome recorded.', outcome: 'revision_requested', points: ['x'] },
        }),
      ),
    ).toMatchObject({ status: 409, code: 'DECISION.OUTCOME_NOT_CORRECTABLE' });

    clock.set('2033-06-03T08:00:00.000Z');
    const corrected = must(
      await http(system, 'POST', `/api/v1/decisions/${drafted.body.id}/corrections`, {
        token: secretariat.token,
        body: {
          reason: 'The record of decisions says funded.',
          outcome: 'funded',
          totalAmountUsd: 1000000,
          fullProgrammeDueOn: '2034-03-31',
        },
      }),
      201,
    );
    expect(corrected.body).toMatchObject({
      status: 'released',
      outcome: 'funded',
      correctionOfId: drafted.body.id,
      correctionReason: 'The record of decisions says funded.',
      rationale: 'Good.',
      totalAmountUsd: 1000000,
      amounts: [
        { organizationCode: 'IOM', amountUsd: 500000 },
        { organizationCode: 'ILO', amountUsd: 500000 },
      ],
      releasedAt: '2033-06-03T08:00:00.000Z',
      noteStatusBefore: 'ready_for_committee',
    });
    expect(await noteStatus(id)).toBe('funded');
    const all = must(
      await http(system, 'GET', meetingPath(meeting.id, '/decisions'), { token: secretariat.token }),
    );
    expect(all.body.items.map((d: { id: string; status: string }) => [d.id, d.status])).toEqual([
      [drafted.body.id, 'superseded'],
      [corrected.body.id, 'released'],
    ]);
    expect(await auditCount(corrected.body.id, 'decision.corrected')).toBe(1);
    expect(await auditCount(id, 'concept_note.decision_corrected')).toBe(1);

    const mails = await deliveredMails(id, 'decision_corrected');
    expect(perRecipient(mails)).toEqual(once(who.lead, who.member, who.rc, who.office));
    const [payload] = (await outbox(id, 'decision_corrected')).map((r) => r.payload);
    expect(payload).toMatchObject({
      funded: true,
      approved: false,
      correctionReason: 'The record of decisions says funded.',
      totalAmountUsd: 1000000,
      fullProgrammeDueOn: '2034-03-31',
      amounts: [
        { organizationCode: 'IOM', amountUsd: 500000 },
        { organizationCode: 'ILO', amountUsd: 500000 },
      ],
    });
    // The release e-mail is not sent again.
    expect(await outbox(id, 'decision_released')).toHaveLength(4);

    // Only the decision in force is corrected.
    expect(
      problem(
        await http(system, 'POST', `/api/v1/decisions/${drafted.body.id}/corrections`, {
          token: secretariat.token,
          body: { reason: 'Again.' },
        }),
      ),
    ).toMatchObject({ status: 409, code: 'DECISION.NOT_RELEASED' });
    const history = must(
      await http(system, 'GET', `/api/v1/concept-notes/${id}/decisions`, { token: who.rc.token }),
    );
    expect(history.body.map((d: { status: string; outcome: string }) => [d.status, d.outcome])).toEqual([
      ['superseded', 'approved'],
      ['released', 'funded'],
    ]);
  });

  it('never lets two concurrent funding decisions exceed the envelope together without a reason', async () => {
    const who = await cast('MNE');
    const { meeting, notes } = await committeeMeeting(2034, who, 4, { envelopeUsd: 1000000 });
    const [a, b, c, d] = notes;
    const fund = (conceptNoteId: string, totalAmountUsd: number, extra: Record<string, unknown> = {}) =>
      decide(meeting.id, {
        conceptNoteId,
        outcome: 'funded',
        rationale: 'Fund it.',
        totalAmountUsd,
        fullProgrammeDueOn: '2035-06-30',
        ...extra,
      });

    // Each alone fits (600,000 ≤ 1,000,000); together they would not. To make the race real, the
    // test holds inserts into decisions back until both requests are inside their transactions: both
    // have read what is committed by then, unless the meeting lock makes the second wait for the first.
    const answers = await racing(system, 'decisions', [fund(a, 600000), fund(b, 600000)]);
    expect(answers.map((x) => x.status).sort()).toEqual([201, 409]);
    const lost = answers.find((x) => x.status === 409)!;
    expect(lost.body).toMatchObject({
      code: 'DECISION.OVER_ENVELOPE',
      overByUsd: 200000,
      envelopeUsd: 1000000,
    });
    expect(lost.body.detail).toContain('by 200,000.00 USD');

    // What fits goes through, together.
    const loser = answers[0].status === 409 ? a : b;
    const fits = await racing(system, 'decisions', [fund(loser, 250000), fund(c, 150000)]);
    expect(fits.map((x) => x.status)).toEqual([201, 201]);
    // Reaching the envelope exactly is within it; one cent more needs a reason.
    expect(problem(await fund(d, 0.01))).toMatchObject({ status: 409, code: 'DECISION.OVER_ENVELOPE' });
    const over = must(
      await fund(d, 50000, { envelopeOverrideReason: 'Exceptional co-financing pledged.' }),
      201,
    );
    expect(over.body.envelopeOverrideReason).toBe('Exceptional co-financing pledged.');

    must(await release(meeting.id));
    const [{ total }] = await system.dataSource.query<{ total: string }[]>(
      `SELECT sum(total_amount_usd)::text AS total FROM decisions WHERE meeting_id = $1 AND status = 'released'`,
      [meeting.id],
    );
    expect(total).toBe('1050000.00');
  });

  it('splits funded amounts pro rata to the cent, summing exactly to the total', async () => {
    const who = await cast('BIH');
    const directs = { IOM: 100000.01, ILO: 200000.02, UNDP: 33333.33 };
    const shares = Object.entries(directs).map(([organizationCode, direct]) => ({
      organizationCode,
      cents: shareTotal(direct),
    }));
    const requested = sumCents(shares.map((s) => s.cents));
    const { meeting, notes } = await committeeMeeting(2035, who, 2, {
      overrides: [0, 1].map(() => ({
        participatingOrganizations: Object.entries(directs).map(([organizationCode, directCostsUsd]) => ({
          organizationCode,
          directCostsUsd,
        })),
        totalBudgetUsd: centsToNumber(requested),
      })),
    });
    const [split, whole] = notes;

    const answer = must(
      await decide(meeting.id, {
        conceptNoteId: split,
        outcome: 'funded',
        rationale: 'Partly funded.',
        totalAmountUsd: 99999.99,
        fullProgrammeDueOn: '2036-01-31',
      }),
      201,
    );
    const amounts = answer.body.amounts as { organizationCode: string; amountUsd: number }[];
    expect(sumCents(amounts.map((x) => toCents(x.amountUsd)))).toBe(toCents(99999.99));
    expect(answer.body.totalAmountUsd).toBe(99999.99);
    expect(amounts).toEqual(
      proRata(toCents(99999.99), shares).map((p) => ({
        organizationCode: p.organizationCode,
        amountUsd: centsToNumber(p.cents),
      })),
    );
    // 9,999,999 cents over shares of 10,700,001 : 21,400,002 : 3,566,666 cents (35,666,669 in all):
    // floors 2,999,999 · 5,999,999 · 999,999 with remainders 27,966,668 · 20,266,667 · 23,100,003;
    // the 2 cents left go to IOM and UNDP, the largest remainders.
    expect(amounts).toEqual([
      { organizationCode: 'IOM', amountUsd: 30000 },
      { organizationCode: 'ILO', amountUsd: 59999.99 },
      { organizationCode: 'UNDP', amountUsd: 10000 },
    ]);

    // By default, the whole requested budget: each organization its share.
    const all = must(
      await decide(meeting.id, {
        conceptNoteId: whole,
        outcome: 'funded',
        rationale: 'Fully.',
        fullProgrammeDueOn: '2036-01-31',
      }),
      201,
    );
    expect(all.body.totalAmountUsd).toBe(centsToNumber(requested));
    expect(all.body.amounts).toEqual(
      shares.map((s) => ({ organizationCode: s.organizationCode, amountUsd: centsToNumber(s.cents) })),
    );

    // Explicit amounts: participating organizations only, and a total given with them is their sum.
    const explicit = (amountsUsd: unknown[], extra: Record<string, unknown> = {}) =>
      decide(meeting.id, {
        conceptNoteId: whole,
        outcome: 'funded',
        rationale: 'Explicitly.',
        fullProgrammeDueOn: '2036-01-31',
        amountsUsd,
        ...extra,
      });
    expect(problem(await explicit([{ organizationCode: 'WHO', amountUsd: 10 }]))).toMatchObject({
      status: 400,
      fields: ['amountsUsd'],
    });
    expect(
      problem(await explicit([{ organizationCode: 'IOM', amountUsd: 10 }], { totalAmountUsd: 11 })),
    ).toMatchObject({ status: 400, fields: ['totalAmountUsd'] });
    const chosen = must(
      await explicit([
        { organizationCode: 'UNDP', amountUsd: 0.1 },
        { organizationCode: 'IOM', amountUsd: 0.2 },
      ]),
      201,
    );
    expect(chosen.body).toMatchObject({
      totalAmountUsd: 0.3,
      amounts: [
        { organizationCode: 'IOM', amountUsd: 0.2 },
        { organizationCode: 'UNDP', amountUsd: 0.1 },
      ],
    });
  });

  it('carries a deferred note to the next meeting’s agenda, keeping its revision and its reviews', async () => {
    const who = await cast('MDA');
    const { meeting, later, notes } = await committeeMeeting(2036, who, 1, { later: true, ready: false });
    const [id] = notes;
    // Review A by hand: (20×3 + 15×2 + 15×2 + 10×1 + 10×3 + 10×2 + 10×1 + 5×0 + 5×3) / 3 = 205 / 3 → 68.33.
    // Review B by hand: (20×2 + 15×2 + 15×1 + 10×2 + 10×1 + 10×1 + 10×2 + 5×1 + 5×1) / 3 = 155 / 3 → 51.67.
    await reviewedThroughTheApi(id, [
      [4, 3, 3, 2, 4, 3, 2, 1, 4],
      [3, 3, 2, 3, 2, 2, 3, 2, 2],
    ]);
    const summaryBefore = must(
      await http(system, 'GET', `/api/v1/concept-notes/${id}/review-summary`, { token: committee.token }),
    );
    expect(summaryBefore.body).toMatchObject({ count: 2, mean: 60, median: 60, spread: 16.66 });
    const revisionBefore = summaryBefore.body.revisionNumber as number;

    must(
      await decide(meeting.id, { conceptNoteId: id, outcome: 'deferred', rationale: 'More time needed.' }),
      201,
    );
    must(await release(meeting.id));

    expect(await noteStatus(id)).toBe('ready_for_committee');
    const first = must(
      await http(system, 'GET', meetingPath(meeting.id, '/agenda'), { token: secretariat.token }),
    );
    expect(first.body.items).toEqual([
      expect.objectContaining({
        conceptNoteId: id,
        status: 'carried_over',
        statusReason: expect.stringContaining('Deferred'),
      }),
    ]);
    const [payload] = (await outbox(id, 'decision_released')).map((r) => r.payload);
    expect(payload).toMatchObject({ deferred: true, approved: false, rationale: 'More time needed.' });

    const note = must(await http(system, 'GET', `/api/v1/concept-notes/${id}`, { token: who.lead.token }));
    expect(note.body).toMatchObject({ targetMeetingId: later!.id, currentRevision: revisionBefore });

    // At the next meeting, once its agenda closes (not before), the committee finds the note listed
    // with the same revision, and reads the same reviews in its summary.
    expect(
      problem(await decide(later!.id, { conceptNoteId: id, outcome: 'approved', rationale: 'Now.' })).code,
    ).toBe('DECISION.MEETING_NOT_OPEN');
    await closeAgenda(later!);
    const next = must(
      await http(system, 'GET', meetingPath(later!.id, '/agenda'), { token: committee.token }),
    );
    expect(next.body.items).toEqual([
      expect.objectContaining({
        conceptNoteId: id,
        status: 'listed',
        carriedFromMeetingId: meeting.id,
        revision: revisionBefore,
        noteStatus: 'ready_for_committee',
      }),
    ]);
    const summaryAfter = must(
      await http(system, 'GET', `/api/v1/concept-notes/${id}/review-summary`, { token: committee.token }),
    );
    expect(summaryAfter.body).toEqual(summaryBefore.body);
    expect(summaryAfter.body).toMatchObject({
      revisionNumber: revisionBefore,
      count: 2,
      outstanding: 0,
      mean: 60,
      recommendations: { fund: 0, approve: 2, revise: 0, reject: 0 },
    });
    expect(
      (summaryAfter.body.perCriterion as { code: string; mean: number }[]).map((c) => [c.code, c.mean]),
    ).toEqual([
      ['Q1', 3.5],
      ['Q2', 3],
      ['Q3', 2.5],
      ['Q4', 2.5],
      ['Q5', 3],
      ['Q6', 2.5],
      ['Q7', 2.5],
      ['Q8', 1.5],
      ['Q9', 3],
    ]);

    // Decided there; the pipeline shows the kept reviews' mean score.
    must(await decide(later!.id, { conceptNoteId: id, outcome: 'approved', rationale: 'Now ready.' }), 201);
    must(await release(later!.id));
    const pipeline = must(
      await http(system, 'GET', `/api/v1/pipeline?meeting=${later!.id}`, { token: committee.token }),
    );
    expect(pipeline.body.items).toEqual([
      expect.objectContaining({ conceptNoteId: id, status: 'approved', meanScore: 60, reviewCount: 2 }),
    ]);
  });

  it('funds a pipeline note at a later meeting by late exception, removes another with a reason, and exports both lists', async () => {
    const who = await cast('GEO');
    const { meeting, later, notes } = await committeeMeeting(2037, who, 2, { later: true });
    const [funded, removed] = notes;
    for (const id of notes)
      must(
        await decide(meeting.id, { conceptNoteId: id, outcome: 'approved', rationale: 'In the pipeline.' }),
        201,
      );
    clock.set('2037-06-01T16:00:00.000Z');
    must(await release(meeting.id));

    const pipeline = must(
      await http(system, 'GET', '/api/v1/pipeline?status=approved', { token: committee.token }),
    );
    const mine = (pipeline.body.items as { conceptNoteId: string }[]).filter((e) =>
      notes.includes(e.conceptNoteId),
    );
    expect(mine).toHaveLength(2);
    expect(mine[0]).toMatchObject({
      status: 'approved',
      countryCodes: ['GEO'],
      primaryThematicAreaCode: 'TA4',
      requestedTotalUsd: 1498000,
      fundedAmounts: [],
      fundedTotalUsd: null,
      meanScore: null,
      decidedAt: '2037-06-01T16:00:00.000Z',
      meetingId: meeting.id,
      meetingTitle: 'Steering Committee 2037/1',
    });
    expect(problem(await http(system, 'GET', '/api/v1/pipeline', { token: who.lead.token })).status).toBe(
      403,
    );

    // The later meeting's agenda closes without it; the secretariat places it by late exception.
    await closeAgenda(later!);
    expect(
      problem(
        await decide(later!.id, {
          conceptNoteId: funded,
          outcome: 'funded',
          rationale: 'x y z',
          fullProgrammeDueOn: '2038-12-31',
        }),
      ).code,
    ).toBe('DECISION.NOT_ON_AGENDA');
    must(
      await http(system, 'POST', meetingPath(later!.id, '/agenda'), {
        token: secretariat.token,
        body: { conceptNoteId: funded, reason: 'Funding became available.' },
      }),
      201,
    );
    must(
      await decide(later!.id, {
        conceptNoteId: funded,
        outcome: 'funded',
        rationale: 'Funded from the new envelope.',
        fullProgrammeDueOn: '2038-12-31',
      }),
      201,
    );
    clock.set('2037-10-01T16:00:00.000Z');
    const released = must(await release(later!.id));
    expect(released.body.released[0]).toMatchObject({ outcome: 'funded', noteStatusBefore: 'approved' });
    expect(await noteStatus(funded)).toBe('funded');

    const fundedEntry = must(
      await http(system, 'GET', `/api/v1/pipeline?status=funded&meeting=${later!.id}`, {
        token: secretariat.token,
      }),
    );
    expect(fundedEntry.body).toMatchObject({ total: 1 });
    expect(fundedEntry.body.items[0]).toMatchObject({
      conceptNoteId: funded,
      status: 'funded',
      fundedTotalUsd: 1498000,
      fundedAmounts: [
        { organizationCode: 'IOM', amountUsd: 749000 },
        { organizationCode: 'ILO', amountUsd: 749000 },
      ],
      fullProgrammeDueOn: '2038-12-31',
      decidedAt: '2037-10-01T16:00:00.000Z',
      meetingId: later!.id,
    });

    // Officials of the note's country who read another language.
    const arabicOffice = await actor(system, ['rc_office'], { countryCodes: ['GEO'], locale: 'ar' });
    const chineseRc = await actor(system, ['resident_coordinator'], { countryCodes: ['GEO'], locale: 'zh' });

    // Removal from the pipeline needs a reason, and only an approved note leaves it.
    const removal = (id: string, body: unknown, token = secretariat.token) =>
      http(system, 'POST', `/api/v1/pipeline/${id}/removal`, { token, body });
    expect(problem(await removal(removed, {}))).toMatchObject({ status: 400, fields: ['reason'] });
    expect(problem(await removal(removed, { reason: 'Not now.' }, committee.token)).status).toBe(403);
    expect(problem(await removal(funded, { reason: 'Not now.' }))).toMatchObject({
      status: 409,
      code: 'CONCEPT_NOTE.INVALID_TRANSITION',
    });
    const gone = must(await removal(removed, { reason: 'The government changed its priorities.' }));
    expect(gone.body).toEqual({
      conceptNoteId: removed,
      status: 'removed_from_pipeline',
      removedFromPipelineAt: '2037-10-01T16:00:00.000Z',
      removalReason: 'The government changed its priorities.',
    });
    expect(await auditCount(removed, 'concept_note.removed_from_pipeline')).toBe(1);
    expect(problem(await removal(removed, { reason: 'Again.' })).status).toBe(409);

    // The team and the RCs and RC office of its country are told once, each in their language, with the reason.
    const removalMails = await deliveredMails(removed, 'removed_from_pipeline');
    expect(perRecipient(removalMails)).toEqual(
      once(who.lead, who.member, who.rc, who.office, arabicOffice, chineseRc),
    );
    const mailTo = (person: SignedIn) => removalMails.find((m) => m.to.includes(person.user.email))!;
    expect(mailTo(who.lead).subject).toMatch(/^Concept note removed from the pipeline: /);
    expect(mailTo(arabicOffice).subject).toMatch(/^إخراج المذكرة المفاهيمية من قائمة المذكرات المعتمدة/);
    expect(mailTo(chineseRc).subject).toMatch(/^概念说明已移出储备库：/);
    for (const mail of removalMails) {
      expect(mail.text).toContain('The government changed its priorities.');
      expect(mail.text).toContain(`http://mptf.test/concept-notes/${removed}`);
    }
    expect(await outbox(funded, 'removed_from_pipeline')).toEqual([]);
    const after = must(
      await http(system, 'GET', `/api/v1/pipeline?meeting=${meeting.id}`, { token: secretariat.token }),
    );
    expect(after.body.items).toEqual([]);

    // Exports: the record of decisions and the pipeline report, as CSV and XLSX.
    const csv = must(
      await http(system, 'GET', meetingPath(meeting.id, '/decisions?format=csv'), {
        token: secretariat.token,
      }),
    );
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = String(csv.body)
      .replace(/^\uFEFF/, '')
      .trim()
      .split(/\r?\n/);
    expect(lines[0]).toContain('Reference,Title,Revision,Outcome,Status,Rationale');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain('approved,released,In the pipeline.');

    const xlsx = must(
      await http(system, 'GET', meetingPath(later!.id, '/decisions?format=xlsx'), { token: committee.token }),
    );
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.raw as unknown as ArrayBuffer);
    const sheet = book.worksheets[0];
    expect(sheet.getRow(1).getCell(1).value).toBe('Reference');
    expect(sheet.rowCount).toBe(2);
    expect(sheet.getRow(2).getCell(4).value).toBe('funded');
    expect(sheet.getRow(2).getCell(9).value).toBe(1498000);

    const report = must(
      await http(system, 'GET', `/api/v1/pipeline?format=xlsx&meeting=${later!.id}`, {
        token: secretariat.token,
      }),
    );
    const pipelineBook = new ExcelJS.Workbook();
    await pipelineBook.xlsx.load(report.raw as unknown as ArrayBuffer);
    const rows = pipelineBook.worksheets[0];
    expect(rows.getRow(1).getCell(1).value).toBe('Reference');
    expect(rows.rowCount).toBe(2);
    expect(rows.getRow(2).getCell(3).value).toBe('funded');
    expect(rows.getRow(2).getCell(9).value).toBe('IOM: 749000.00; ILO: 749000.00');
    const pipelineCsv = must(
      await http(system, 'GET', '/api/v1/pipeline?format=csv&status=funded', { token: committee.token }),
    );
    expect(String(pipelineCsv.body)).toContain('Safe labour migration corridors');
  });

  it('defers a note with no later meeting scheduled: it waits untargeted and joins the next meeting created', async () => {
    const who = await cast('ARM');
    const { meeting, notes } = await committeeMeeting(2038, who, 1);
    const [id] = notes;
    must(
      await decide(meeting.id, { conceptNoteId: id, outcome: 'deferred', rationale: 'Await the census.' }),
      201,
    );
    must(await release(meeting.id));
    const agenda = must(
      await http(system, 'GET', meetingPath(meeting.id, '/agenda'), { token: secretariat.token }),
    );
    expect(agenda.body.items).toEqual([
      expect.objectContaining({ conceptNoteId: id, status: 'carried_over' }),
    ]);
    const target = async () =>
      (
        await system.dataSource.query<{ target_meeting_id: string | null }[]>(
          'SELECT target_meeting_id FROM concept_notes WHERE id = $1',
          [id],
        )
      )[0].target_meeting_id;
    expect(await target()).toBeNull();
    expect(await noteStatus(id)).toBe('ready_for_committee');

    const next = await schedule('Steering Committee 2038/2', '2038-11-01T10:00');
    expect(await target()).toBe(next.id);
    await closeAgenda(next);
    const nextAgenda = must(
      await http(system, 'GET', meetingPath(next.id, '/agenda'), { token: secretariat.token }),
    );
    expect(nextAgenda.body.items).toEqual([expect.objectContaining({ conceptNoteId: id, status: 'listed' })]);
  });

  it('re-checks the envelope at release for every draft without a reason, whatever another draft’s reason', async () => {
    const who = await cast('AZE');
    const { meeting, notes } = await committeeMeeting(2039, who, 2, { envelopeUsd: 1000000 });
    const [fits, over] = notes;
    const fund = (conceptNoteId: string, totalAmountUsd: number, extra: Record<string, unknown> = {}) =>
      decide(meeting.id, {
        conceptNoteId,
        outcome: 'funded',
        rationale: 'Fund it.',
        totalAmountUsd,
        fullProgrammeDueOn: '2040-06-30',
        ...extra,
      });
    // 600,000 fits the envelope of 1,000,000; the 500,000 on top goes over it, with a reason.
    must(await fund(fits, 600000), 201);
    must(await fund(over, 500000, { envelopeOverrideReason: 'Exceptional co-financing pledged.' }), 201);

    // The envelope is then lowered to 500,000: the 600,000 drafted without a reason no longer fits,
    // and the other draft's reason does not excuse it.
    must(
      await http(system, 'PATCH', meetingPath(meeting.id), {
        token: secretariat.token,
        body: { envelopeUsd: 500000 },
      }),
    );
    const refused = await release(meeting.id);
    expect(problem(refused)).toMatchObject({ status: 409, code: 'DECISION.OVER_ENVELOPE' });
    expect(refused.body).toMatchObject({
      envelopeUsd: 500000,
      committedUsd: 0,
      requestedUsd: 600000,
      overByUsd: 100000,
      conceptNoteIds: [fits],
    });
    expect(refused.body.detail).toContain('by 100,000.00 USD');
    // Nothing was released: the notes, the drafts and the outbox are as they were.
    for (const id of notes) {
      expect(await noteStatus(id)).toBe('ready_for_committee');
      expect(await outbox(id, 'decision_released')).toEqual([]);
    }
    const drafts = must(
      await http(system, 'GET', meetingPath(meeting.id, '/decisions'), { token: secretariat.token }),
    );
    expect((drafts.body.items as { status: string }[]).map((d) => d.status)).toEqual(['draft', 'draft']);

    // With a reason of its own (the draft is posted again), the release goes through.
    must(
      await fund(fits, 600000, { envelopeOverrideReason: 'Envelope cut after the meeting agreed it.' }),
      201,
    );
    const released = must(await release(meeting.id));
    expect(released.body.released).toHaveLength(2);
    expect(await noteStatus(fits)).toBe('funded');
    expect(await noteStatus(over)).toBe('funded');
  });

  it('saves the secretariat’s consolidated assessment of an agenda item, which the committee reads', async () => {
    const who = await cast('KAZ');
    const { meeting, notes } = await committeeMeeting(2040, who, 1);
    const [id] = notes;
    const agenda = (token: string) => http(system, 'GET', meetingPath(meeting.id, '/agenda'), { token });
    const itemId = must(await agenda(secretariat.token)).body.items[0].id as string;
    const patch = (body: Record<string, unknown>, token = secretariat.token) =>
      http(system, 'PATCH', meetingPath(meeting.id, `/agenda/${itemId}`), { token, body });
    const assessment = {
      assessmentSummary:
        'Strong national ownership and a clear theory of change; the budget for the second year is heavy.',
      assessmentRecommendation: 'Approve for the pipeline; fund when the envelope allows.',
    };

    const saved = must(await patch(assessment));
    expect(saved.body).toMatchObject({ id: itemId, conceptNoteId: id, ...assessment });
    const read = must(await agenda(committee.token));
    expect(read.body.items).toEqual([
      expect.objectContaining({ id: itemId, conceptNoteId: id, ...assessment }),
    ]);

    // The committee reads it but does not write it; nor does the team.
    for (const token of [committee.token, who.lead.token]) {
      expect(problem(await patch({ assessmentSummary: 'Rewritten.' }, token)).status).toBe(403);
    }
    expect(must(await agenda(committee.token)).body.items[0]).toMatchObject(assessment);
    // Written for the committee: the team sees its item on the agenda, not the assessment.
    expect(must(await agenda(who.lead.token)).body.items).toEqual([
      expect.objectContaining({ id: itemId, assessmentSummary: null, assessmentRecommendation: null }),
    ]);

    // A later edit replaces one part and keeps the other; null clears a part.
    const revised = 'Approve; ask the team to phase the second-year budget.';
    must(await patch({ assessmentRecommendation: revised }));
    expect(must(await agenda(committee.token)).body.items[0]).toMatchObject({
      assessmentSummary: assessment.assessmentSummary,
      assessmentRecommendation: revised,
    });
    must(await patch({ assessmentRecommendation: null }));
    expect(must(await agenda(committee.token)).body.items[0]).toMatchObject({
      assessmentSummary: assessment.assessmentSummary,
      assessmentRecommendation: null,
    });
    // Every edit of the assessment is in the audit trail, before and after.
    const edits = await system.dataSource.query<
      {
        before: { assessmentRecommendation: string | null };
        after: { assessmentRecommendation: string | null };
      }[]
    >(
      `SELECT before, after FROM audit_events WHERE action = 'agenda.item_updated' AND after->>'itemId' = $1 ORDER BY id`,
      [itemId],
    );
    expect(edits.map((e) => [e.before.assessmentRecommendation, e.after.assessmentRecommendation])).toEqual([
      [null, assessment.assessmentRecommendation],
      [assessment.assessmentRecommendation, revised],
      [revised, null],
    ]);
  });
});

describe('the figures', () => {
  let system: TestSystem;
  const clock = new TestClock(new Date('2040-01-01T09:00:00.000Z'));
  let secretariat: SignedIn;

  beforeAll(async () => {
    system = await startTestSystem({ clock });
    secretariat = await actor(system, ['secretariat']);
  });
  afterAll(() => system.close());

  it('counts notes by status, meeting, thematic area, region and organization, with the backlog, overdue reviews and money exact', async () => {
    const lead = await actor(system, ['applicant'], { organizationCode: 'IOM' });
    const rcs = await Promise.all(
      ['SRB', 'MKD', 'MAR'].map((country) =>
        actor(system, ['resident_coordinator'], { countryCodes: [country] }),
      ),
    );
    const endorseAll = async (id: string) => {
      for (const rc of rcs) {
        const answer = await http(system, 'POST', `/api/v1/concept-notes/${id}/endorsements`, {
          token: rc.token,
          body: { decision: 'endorse' },
        });
        if (answer.status === 404) continue;
        must(answer);
      }
    };
    const request = async (id: string) =>
      must(
        await http(system, 'POST', `/api/v1/concept-notes/${id}/endorsement-requests`, { token: lead.token }),
      );

    // Awaiting endorsement since 1 and 31 January.
    clock.set('2040-01-01T09:00:00.000Z');
    const old = await readyDraft(system, lead.token, { countryCodes: ['SRB'], scope: 'national' });
    await request(old);
    clock.set('2040-01-31T09:00:00.000Z');
    const recent = await readyDraft(system, lead.token, { countryCodes: ['MKD'], scope: 'national' });
    await request(recent);

    clock.set('2040-02-01T09:00:00.000Z');
    const meeting = must(
      await http(system, 'POST', '/api/v1/meetings', {
        token: secretariat.token,
        body: {
          title: 'Figures 2040',
          kind: 'virtual',
          startsLocal: '2040-06-01T10:00',
          timeZone: 'UTC',
          envelopeUsd: 2000000,
        },
      }),
      201,
    ).body as Meeting;

    // Submitted: Serbia + Morocco (Europe and Africa), Serbia + North Macedonia (Europe once), one with
    // odd cents to keep the sums honest.
    const europeAfrica = await readyDraft(system, lead.token, {
      countryCodes: ['SRB', 'MAR'],
      primaryThematicAreaCode: 'TA4',
    });
    const europe = await readyDraft(system, lead.token, {
      countryCodes: ['SRB', 'MKD'],
      participatingOrganizations: [
        { organizationCode: 'IOM', directCostsUsd: 100000.01 },
        { organizationCode: 'UNDP', directCostsUsd: 200000.02 },
      ],
      totalBudgetUsd: centsToNumber(shareTotal(100000.01) + shareTotal(200000.02)),
    });
    for (const id of [europeAfrica, europe]) {
      await request(id);
      await endorseAll(id);
    }
    // A draft, which only the count by status sees.
    clock.set('2040-02-10T09:00:00.000Z');
    await readyDraft(system, lead.token, { countryCodes: ['MAR'], scope: 'national' });

    // The agenda closes; one note is funded with odd cents, the other still waits.
    clock.set('2040-04-21T00:00:00.000Z');
    await system.app.get(CutoffService).closeAgenda(meeting.id, Date.parse(meeting.cutoffAt));
    await system.dataSource.query(
      `UPDATE concept_notes SET status = 'ready_for_committee' WHERE id = ANY($1)`,
      [[europeAfrica, europe]],
    );
    must(
      await http(system, 'POST', `/api/v1/meetings/${meeting.id}/decisions`, {
        token: secretariat.token,
        body: {
          conceptNoteId: europeAfrica,
          outcome: 'funded',
          rationale: 'Funded in part.',
          totalAmountUsd: 1234567.89,
          fullProgrammeDueOn: '2041-01-31',
        },
      }),
      201,
    );
    must(
      await http(system, 'POST', `/api/v1/meetings/${meeting.id}/decisions/release`, {
        token: secretariat.token,
      }),
    );

    // Two assigned reviews, one past its due date, and one submitted late (not overdue).
    const reviewer = await actor(system, ['reviewer']);
    const [{ revision_id: revisionId }] = await system.dataSource.query<{ revision_id: string }[]>(
      `SELECT r.id AS revision_id FROM concept_notes n JOIN concept_note_revisions r ON r.note_id = n.id AND r.number = n.current_revision WHERE n.id = $1`,
      [europe],
    );
    const assign = (dueAt: string, status: string, reviewerId: string) =>
      system.dataSource.query(
        `INSERT INTO review_assignments (note_id, revision_id, reviewer_id, due_at, status, assigned_by_id) VALUES ($1, $2, $3, $4, $5, $6)`,
        [europe, revisionId, reviewerId, dueAt, status, secretariat.user.id],
      );
    await assign('2040-04-11T00:00:00.000Z', 'assigned', reviewer.user.id);
    await assign('2040-04-11T00:00:00.000Z', 'submitted', (await actor(system, ['reviewer'])).user.id);
    await assign('2040-05-11T00:00:00.000Z', 'assigned', (await actor(system, ['reviewer'])).user.id);

    const committee = await actor(system, ['steering_committee']);
    const stats = must(await http(system, 'GET', '/api/v1/stats', { token: committee.token })).body;
    expect(problem(await http(system, 'GET', '/api/v1/stats', { token: lead.token })).status).toBe(403);

    const byStatus = Object.fromEntries(
      (stats.byStatus as { status: string; count: number }[]).map((s) => [s.status, s.count]),
    );
    expect(byStatus).toMatchObject({
      draft: 1,
      awaiting_endorsement: 2,
      ready_for_committee: 1,
      funded: 1,
      approved: 0,
      submitted: 0,
    });
    expect(Object.values(byStatus).reduce((a, b) => a + b, 0)).toBe(5);

    expect(stats.byMeeting).toEqual([
      expect.objectContaining({
        meetingId: meeting.id,
        status: 'agenda_closed',
        agendaItems: 2,
        targeted: 0,
        decisions: { approved: 0, funded: 1, revisionRequested: 0, rejected: 0, deferred: 0 },
        fundedUsd: 1234567.89,
        envelopeUsd: 2000000,
      }),
    ]);
    expect(stats.byThematicArea).toEqual([{ thematicAreaCode: 'TA4', count: 2 }]);

    // Serbia and North Macedonia are both in Europe: the note with both counts there once.
    const [morocco, serbia] = await system.dataSource.query<{ region_code: string; region_name: string }[]>(
      `SELECT region_code, region_name FROM countries WHERE code IN ('SRB', 'MAR') ORDER BY code`,
    );
    expect(serbia.region_name).toBe('Europe');
    expect(morocco.region_name).toBe('Africa');
    expect(stats.byRegion).toEqual(
      [
        { regionCode: serbia.region_code, regionName: 'Europe', count: 2 },
        { regionCode: morocco.region_code, regionName: 'Africa', count: 1 },
      ].sort((x, y) => x.regionCode.localeCompare(y.regionCode)),
    );
    expect(stats.byOrganization).toEqual([
      { organizationCode: 'ILO', convening: 0, participating: 1 },
      { organizationCode: 'IOM', convening: 2, participating: 2 },
      { organizationCode: 'UNDP', convening: 0, participating: 1 },
    ]);
    expect(stats.endorsementBacklog).toEqual([
      { bucket: '0-7', count: 0 },
      { bucket: '8-14', count: 0 },
      { bucket: '15-30', count: 0 },
      { bucket: '>30', count: 2 },
    ]);
    expect(stats.overdueReviews).toMatchObject({ count: 1 });
    expect(stats.overdueReviews.items[0]).toEqual(
      expect.objectContaining({ conceptNoteId: europe, dueAt: '2040-04-11T00:00:00.000Z', daysOverdue: 10 }),
    );
    expect(stats.overdueReviews.items[0]).not.toHaveProperty('reviewerId');
    const requested = toCents(1498000) + shareTotal(100000.01) + shareTotal(200000.02);
    expect(stats.funding).toEqual({
      requestedUsd: centsToNumber(requested),
      requestedNotes: 2,
      allocatedUsd: 1234567.89,
      fundedNotes: 1,
    });

    // The backlog by age at other instants (whole days since the request, by the application clock).
    const backlogAt = async (instant: string) => {
      clock.set(instant);
      const body = must(await http(system, 'GET', '/api/v1/stats', { token: secretariat.token })).body;
      return body.endorsementBacklog.map((b: { count: number }) => b.count);
    };
    expect(await backlogAt('2040-02-05T09:00:00.000Z')).toEqual([1, 0, 0, 1]); // 5 and 35 days
    expect(await backlogAt('2040-02-08T08:59:59.999Z')).toEqual([1, 0, 0, 1]); // 7 days and a bit
    expect(await backlogAt('2040-02-08T09:00:00.000Z')).toEqual([0, 1, 0, 1]); // 8 days
    expect(await backlogAt('2040-02-16T09:00:00.000Z')).toEqual([0, 0, 1, 1]); // 16 and 46 days
    expect(await backlogAt('2040-01-31T09:00:00.000Z')).toEqual([1, 0, 1, 0]); // 0 and 30 days
  });
});
