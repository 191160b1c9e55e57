import type { ReceivedMail } from '../smtp-receiver';
import { actor, http, startTestSystem, TestClock, type HttpAnswer, type TestSystem } from '../harness';
import { racing, readyDraft } from '../factories';
import { pdfText } from '../pdf-readback';
import { getQueueToken } from '@nestjs/bullmq';
import ExcelJS from 'exceljs';
import type { Queue } from 'bullmq';
import { ReviewsProcessor } from '../../src/reviews/reviews.processor';
import { ReviewJobs, REVIEWS_QUEUE } from '../../src/reviews/reviews.queue';
import { ReviewsService } from '../../src/reviews/reviews.service';

/**
 * Review assignment and review (DESIGN §1 reviewer and committee scope, §2, §3 "Reviews close",
 * "Reviewers get reminders"): conflicts and their override, suggestions, scoring against the
 * criteria set, the anonymized summary, closing, reminders, and deactivating a reviewer. Notes reach
 * in_review through the real route: endorsement by the RC of a country of their own, then screening
 * as eligible through POST /concept-notes/:id/screening.
 */

type SignedIn = Awaited<ReturnType<typeof actor>>;

const DAY_MS = 24 * 60 * 60 * 1000;
const START = '2027-01-04T09:00:00.000Z';
const notePath = (id: string, rest = '') => `/api/v1/concept-notes/${id}${rest}`;

/** The manual criteria of the screening checklist; the automatic ones are pre-filled from the revision. */
const MANUAL = [
  { code: 'E9', result: 'pass' },
  { code: 'E10', result: 'pass' },
  { code: 'E11', result: 'pass' },
];

/** Q1…Q9 scored in order, on the published 1–4 scale (weights 20, 15, 15, 10, 10, 10, 10, 5, 5). */
const scores = (...values: number[]) => values.map((score, i) => ({ code: `Q${i + 1}`, score }));
/**
 * Review A by hand: Σ weight × (score − 1) / 3
 *   = (20×3 + 15×2 + 15×2 + 10×1 + 10×3 + 10×2 + 10×1 + 5×0 + 5×3) / 3 = 205 / 3 = 68.333… → 68.33
 */
const REVIEW_A = [4, 3, 3, 2, 4, 3, 2, 1, 4];
/** Review B by hand: (20×2 + 15×2 + 15×1 + 10×2 + 10×1 + 10×1 + 10×2 + 5×1 + 5×1) / 3 = 155 / 3 → 51.67 */
const REVIEW_B = [3, 3, 2, 3, 2, 2, 3, 2, 2];

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

describe('reviews', () => {
  const clock = new TestClock(new Date(START));
  let system: TestSystem;
  let secretariat: SignedIn;
  let lead: SignedIn;
  let country = 0;
  /** A country of its own for each note, so its RC is the only official it reaches. */
  const COUNTRIES = [
    'GRC',
    'BGR',
    'ROU',
    'MDA',
    'UKR',
    'TUR',
    'GEO',
    'ARM',
    'AZE',
    'KAZ',
    'UZB',
    'KGZ',
    'TJK',
    'TKM',
    'MNG',
    'BLR',
    'LTU',
    'LVA',
    'EST',
    'SVK',
    'HUN',
    'CZE',
    'POL',
    'SVN',
  ];

  beforeAll(async () => {
    system = await startTestSystem({ clock, worker: true, env: { REVIEWER_MAX_OPEN_ASSIGNMENTS: '2' } });
    secretariat = await actor(system, ['secretariat'], { name: 'Fund Secretariat' });
    lead = await actor(system, ['applicant'], { organizationCode: 'IOM' });
  });
  afterAll(() => system.close());
  beforeEach(() => clock.set(START));

  /** A national note led by `lead` (IOM convening; IOM and ILO participating), endorsed and screened eligible. */
  async function inReviewNote(
    overrides: Record<string, unknown> = {},
    checklist: { code: string; result: string }[] = MANUAL,
  ): Promise<{ id: string; rc: SignedIn; country: string }> {
    const code = COUNTRIES[country++];
    const rc = await actor(system, ['resident_coordinator'], { countryCodes: [code] });
    const id = await readyDraft(system, lead.token, {
      scope: 'national',
      countryCodes: [code],
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
    must(
      await http(system, 'POST', notePath(id, '/screening'), {
        token: secretariat.token,
        body: { checklist, outcome: 'eligible' },
      }),
      201,
    );
    const note = must(await http(system, 'GET', notePath(id), { token: secretariat.token }));
    expect(note.body.status).toBe('in_review');
    return { id, rc, country: code };
  }

  const reviewer = (organizationCode: string, fields: Record<string, unknown> = {}) =>
    actor(system, ['reviewer'], { organizationCode, ...fields });

  const dueIn = (days: number) => new Date(clock.now().getTime() + days * DAY_MS).toISOString();

  function assign(noteId: string, who: SignedIn, body: Record<string, unknown> = {}): Promise<HttpAnswer> {
    return http(system, 'POST', notePath(noteId, '/review-assignments'), {
      token: secretariat.token,
      body: { reviewerId: who.user.id, dueAt: dueIn(14), ...body },
    });
  }

  async function assigned(
    noteId: string,
    who: SignedIn,
    body: Record<string, unknown> = {},
  ): Promise<string> {
    return must(await assign(noteId, who, body), 201).body.id as string;
  }

  function saveReview(
    who: SignedIn,
    assignmentId: string,
    body: Record<string, unknown>,
  ): Promise<HttpAnswer> {
    return http(system, 'PUT', `/api/v1/review-assignments/${assignmentId}/review`, {
      token: who.token,
      body,
    });
  }

  function submit(
    who: SignedIn,
    assignmentId: string,
    values: number[],
    extra: Record<string, unknown> = {},
  ) {
    return saveReview(who, assignmentId, {
      scores: scores(...values),
      recommendation: 'approve',
      submit: true,
      ...extra,
    });
  }

  const reviews = (who: SignedIn, noteId: string, query = '') =>
    http(system, 'GET', notePath(noteId, `/reviews${query}`), { token: who.token });
  const reviewSummary = (who: SignedIn, noteId: string) =>
    http(system, 'GET', notePath(noteId, '/review-summary'), { token: who.token });
  const close = (noteId: string, body: Record<string, unknown> = {}) =>
    http(system, 'POST', notePath(noteId, '/reviews/close'), { token: secretariat.token, body });

  async function auditEvents(noteId: string, action: string): Promise<{ after: Record<string, unknown> }[]> {
    return system.dataSource.query(
      `SELECT after FROM audit_events WHERE entity_type = 'concept_note' AND entity_id = $1 AND action = $2 ORDER BY id`,
      [noteId, action],
    );
  }

  async function assignmentStatus(id: string): Promise<string> {
    const [row] = await system.dataSource.query<{ status: string }[]>(
      'SELECT status FROM review_assignments WHERE id = $1',
      [id],
    );
    return row.status;
  }

  /**
   * The e-mails of one template to one address, once the outbox says every one of them was sent (so
   * no more can arrive for them): the rows and the messages the SMTP receiver got for them.
   */
  async function delivered(
    template: string,
    email: string,
  ): Promise<{ rows: OutboxRow[]; mails: ReceivedMail[] }> {
    const deadline = Date.now() + 20_000;
    let rows: OutboxRow[] = [];
    for (;;) {
      rows = await system.dataSource.query<OutboxRow[]>(
        `SELECT id, status, dedupe_key AS "dedupeKey", payload FROM notifications
          WHERE template = $1 AND recipient_email = $2 ORDER BY created_at`,
        [template, email],
      );
      if (rows.every((r) => r.status === 'sent')) break;
      if (Date.now() > deadline)
        throw new Error(`${template} to ${email} not all sent: ${JSON.stringify(rows)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const ids = rows.map((r) => r.id);
    const header = (m: ReceivedMail) => {
      const value = m.headers.get('x-mptf-notification');
      return typeof value === 'string' ? value : '';
    };
    await system.smtp.waitFor((messages) => ids.every((id) => messages.some((m) => header(m) === id)));
    return { rows, mails: system.smtp.messages.filter((m) => ids.includes(header(m))) };
  }

  /** What must not appear anywhere in an answer about a reviewer kept anonymous. */
  const identity = (who: SignedIn) => [who.user.id, who.user.name, who.user.email];
  function expectAnonymous(body: unknown, ...people: SignedIn[]): void {
    const text = JSON.stringify(body);
    for (const value of people.flatMap(identity)) expect(text).not.toContain(value);
  }

  it('never suggests a conflicted reviewer and refuses to assign one without an override reason; with one it is audited and stated in the summary', async () => {
    const { id } = await inReviewNote({ primaryThematicAreaCode: 'TA4' });
    const other = await inReviewNote();
    const third = await inReviewNote();
    const conveningExpert = await reviewer('IOM', { thematicAreaCodes: ['TA4'], name: 'Ines Convening' });
    const participating = await reviewer('ILO', { thematicAreaCodes: ['TA4'] });
    const expertFree = await reviewer('UNICEF', { thematicAreaCodes: ['TA4'] });
    const expertBusy = await reviewer('UNDP', { thematicAreaCodes: ['TA2', 'TA4'] });
    const generalist = await reviewer('UNHCR');
    const atCap = await reviewer('WHO', { thematicAreaCodes: ['TA4'] });
    await assigned(other.id, expertBusy);
    await assigned(other.id, atCap);
    await assigned(third.id, atCap);

    const suggestions = must(
      await http(system, 'GET', notePath(id, '/review-assignments/suggestions'), {
        token: secretariat.token,
      }),
    );
    const mine = [conveningExpert, participating, expertFree, expertBusy, generalist, atCap].map(
      (r) => r.user.id,
    );
    const ranked = (suggestions.body as { id: string }[]).filter((s) => mine.includes(s.id));
    // Experts first, the least loaded first; never the conflicted ones, nor one at the cap of 2.
    expect(ranked).toEqual([
      expect.objectContaining({ id: expertFree.user.id, expertise: true, openAssignments: 0 }),
      expect.objectContaining({ id: expertBusy.user.id, expertise: true, openAssignments: 1 }),
      expect.objectContaining({ id: generalist.user.id, expertise: false, openAssignments: 0 }),
    ]);

    const refused = await assign(id, conveningExpert);
    expect(problem(refused)).toMatchObject({ status: 409, code: 'REVIEW.CONFLICTED' });
    expect(problem(await assign(id, participating))).toMatchObject({
      status: 409,
      code: 'REVIEW.CONFLICTED',
    });
    const [{ n }] = await system.dataSource.query<{ n: number }[]>(
      'SELECT count(*)::int AS n FROM review_assignments WHERE note_id = $1',
      [id],
    );
    expect(n).toBe(0);

    const reason = 'Only available expert on labour corridors; no role in this programme';
    const overridden = await assign(id, conveningExpert, { conflictOverrideReason: reason });
    expect(overridden.status).toBe(201);
    expect(overridden.body).toMatchObject({
      noteId: id,
      status: 'assigned',
      conflictOverrideReason: reason,
      reviewer: { id: conveningExpert.user.id, organizationCode: 'IOM' },
    });
    expect(await auditEvents(id, 'review.conflict_overridden')).toEqual([
      {
        after: expect.objectContaining({
          assignmentId: overridden.body.id,
          reviewerId: conveningExpert.user.id,
          organizationCode: 'IOM',
          reason,
        }),
      },
    ]);
    expect(await auditEvents(id, 'review.assigned')).toHaveLength(1);

    const { mails } = await delivered('review_assigned', conveningExpert.user.email);
    expect(mails).toHaveLength(1);
    expect(mails[0].text).toContain(`http://mptf.test/review-assignments/${overridden.body.id}`);

    const summary = must(await reviewSummary(secretariat, id));
    expect(summary.body.conflictOverrides).toEqual({
      count: 1,
      reasons: [reason],
      text: `1 conflict overridden: ${reason}`,
    });
    expectAnonymous(summary.body, conveningExpert);

    // The same reviewer twice, a reviewer who is not one, a due date already passed.
    expect(problem(await assign(id, conveningExpert, { conflictOverrideReason: reason }))).toMatchObject({
      status: 409,
      code: 'REVIEW.ALREADY_ASSIGNED',
    });
    expect(problem(await assign(id, lead))).toMatchObject({ status: 400, fields: ['reviewerId'] });
    expect(problem(await assign(id, generalist, { dueAt: dueIn(-1) }))).toMatchObject({
      status: 400,
      fields: ['dueAt'],
    });
    expect(problem(await assign(id, generalist, { dueAt: '2027-02-01' }))).toMatchObject({
      status: 400,
      fields: ['dueAt'],
    });

    // A retry with the same Idempotency-Key replays the assignment instead of answering 409.
    const headers = { 'idempotency-key': `assign-${expertFree.user.id}` };
    const body = { reviewerId: expertFree.user.id, dueAt: dueIn(14) };
    const first = await http(system, 'POST', notePath(id, '/review-assignments'), {
      token: secretariat.token,
      body,
      headers,
    });
    const retry = await http(system, 'POST', notePath(id, '/review-assignments'), {
      token: secretariat.token,
      body,
      headers,
    });
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.body.id).toBe(first.body.id);

    // Suggestions leave out the reviewers the note now has.
    const after = must(
      await http(system, 'GET', notePath(id, '/review-assignments/suggestions'), {
        token: secretariat.token,
      }),
    );
    expect((after.body as { id: string }[]).map((s) => s.id).filter((s) => mine.includes(s))).toEqual([
      expertBusy.user.id,
      generalist.user.id,
    ]);
    expect(
      problem(
        await http(system, 'GET', notePath(id, '/review-assignments/suggestions'), { token: lead.token }),
      ),
    ).toMatchObject({ status: 403 });
  });

  it('refuses to assign a reviewer at the cap of open assignments, naming their load, unless the secretariat gives a reason; audited', async () => {
    const [first, second, third] = [await inReviewNote(), await inReviewNote(), await inReviewNote()];
    const busy = await reviewer('UNICEF', { name: 'Busy Bea' });
    const spare = await reviewer('UNDP');
    await assigned(first.id, busy);
    // A reason given for a reviewer under the cap overrides nothing and is not kept.
    const under = must(await assign(second.id, busy, { loadOverrideReason: 'Not needed yet' }), 201);
    expect(under.body.loadOverrideReason).toBeNull();
    expect(await auditEvents(second.id, 'review.load_cap_overridden')).toEqual([]);

    // Two open assignments: at the cap of 2 (REVIEWER_MAX_OPEN_ASSIGNMENTS).
    const refused = await assign(third.id, busy);
    expect(problem(refused)).toMatchObject({ status: 409, code: 'REVIEW.LOAD_CAP_REACHED' });
    expect(refused.body).toMatchObject({ openAssignments: 2, maxOpenAssignments: 2 });
    expect(refused.body.detail).toContain(
      'Busy Bea already has 2 open review assignment(s), at the cap of 2',
    );
    expect(refused.body.detail).toContain('loadOverrideReason');
    const count = async (noteId: string) =>
      (
        await system.dataSource.query<{ n: number }[]>(
          'SELECT count(*)::int AS n FROM review_assignments WHERE note_id = $1',
          [noteId],
        )
      )[0].n;
    expect(await count(third.id)).toBe(0);
    expect(await auditEvents(third.id, 'review.assigned')).toEqual([]);
    // A reviewer under the cap is assigned to the same note as usual.
    expect(must(await assign(third.id, spare), 201).body.loadOverrideReason).toBeNull();

    const reason = 'Only reviewer with Central Asian labour-market expertise this round';
    const overridden = must(await assign(third.id, busy, { loadOverrideReason: reason }), 201);
    expect(overridden.body).toMatchObject({
      noteId: third.id,
      status: 'assigned',
      loadOverrideReason: reason,
      conflictOverrideReason: null,
      reviewer: { id: busy.user.id },
    });
    expect(await auditEvents(third.id, 'review.load_cap_overridden')).toEqual([
      {
        after: expect.objectContaining({
          assignmentId: overridden.body.id,
          reviewerId: busy.user.id,
          openAssignments: 2,
          maxOpenAssignments: 2,
          reason,
        }),
      },
    ]);
    expect(await auditEvents(third.id, 'review.assigned')).toEqual([
      expect.anything(),
      { after: expect.objectContaining({ assignmentId: overridden.body.id, loadOverrideReason: reason }) },
    ]);
    const listed = must(await reviews(secretariat, third.id));
    expect(listed.body.items).toEqual(
      expect.arrayContaining([expect.objectContaining({ assignmentId: overridden.body.id })]),
    );

    // Assignments of one reviewer to two notes at once cannot both slip under the cap: inserts are
    // held back until both requests are inside their transactions (or one waits on the reviewer).
    const [fourth, fifth] = [await inReviewNote(), await inReviewNote()];
    const halfBusy = await reviewer('UNHCR');
    await assigned(first.id, halfBusy);
    const answers = await racing(system, 'review_assignments', [
      assign(fourth.id, halfBusy),
      assign(fifth.id, halfBusy),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
    expect(answers.find((a) => a.status === 409)!.body).toMatchObject({
      code: 'REVIEW.LOAD_CAP_REACHED',
      openAssignments: 2,
    });
  });

  it('refuses a score outside the scale, an unknown criterion and an incomplete submission, naming the field; a draft may be partial', async () => {
    const { id } = await inReviewNote();
    const expert = await reviewer('UNICEF');
    const assignmentId = await assigned(id, expert);

    expect(
      problem(await saveReview(expert, assignmentId, { scores: [{ code: 'Q1', score: 5 }] })),
    ).toMatchObject({
      status: 400,
      code: 'VALIDATION_FAILED',
      fields: ['scores.0.score'],
    });
    const below = await saveReview(expert, assignmentId, { scores: scores(3, 3, 3, 0) });
    expect(problem(below)).toMatchObject({ status: 400, fields: ['scores.3.score'] });
    expect(below.body.errors[0].message).toBe('must be a whole number from 1 to 4');
    expect(problem(await saveReview(expert, assignmentId, { scores: scores(2.5) }))).toMatchObject({
      status: 400,
      fields: ['scores.0.score'],
    });
    expect(
      problem(await saveReview(expert, assignmentId, { scores: [{ code: 'Q1', score: 'three' }] })),
    ).toMatchObject({ status: 400, fields: ['scores.0.score'] });
    expect(
      problem(await saveReview(expert, assignmentId, { scores: [{ code: 'Q10', score: 2 }] })),
    ).toMatchObject({
      status: 400,
      fields: ['scores.0.code'],
    });

    const incomplete = await submit(expert, assignmentId, REVIEW_A.slice(0, 7));
    expect(problem(incomplete)).toMatchObject({ status: 400, fields: ['scores'] });
    expect(incomplete.body.errors[0].message).toBe('every criterion must be scored; missing Q8, Q9');
    expect(
      problem(await saveReview(expert, assignmentId, { scores: scores(...REVIEW_A), submit: true })),
    ).toMatchObject({ status: 400, fields: ['recommendation'] });
    expect(await assignmentStatus(assignmentId)).toBe('assigned');

    const draft = await saveReview(expert, assignmentId, {
      scores: [
        { code: 'Q3', score: 2, comment: 'Results lack baselines.' },
        { code: 'Q1', score: 4 },
      ],
      overallComment: 'Promising.',
    });
    expect(draft.status).toBe(200);
    expect(draft.body).toMatchObject({
      mine: true,
      state: 'draft',
      label: null,
      criteriaSetVersion: 1,
      weightedScore: null,
      submittedAt: null,
      // Kept in the order of the criteria set.
      scores: [
        { code: 'Q1', score: 4, comment: null },
        { code: 'Q3', score: 2, comment: 'Results lack baselines.' },
      ],
      overallComment: 'Promising.',
    });
    const listed = must(
      await http(system, 'GET', '/api/v1/review-assignments?mine=true', { token: expert.token }),
    );
    expect(listed.body.items).toEqual([
      expect.objectContaining({
        id: assignmentId,
        status: 'assigned',
        review: expect.objectContaining({ state: 'draft' }),
      }),
    ]);
  });

  it('computes the weighted score and the summary as by hand, keeps a submitted review unchanged, and hides other reviews and every name', async () => {
    const { id } = await inReviewNote();
    const first = await reviewer('UNICEF', { name: 'Okafor Nnamdi' });
    const second = await reviewer('UNDP', { name: 'Lindqvist Sara' });
    const third = await reviewer('UNHCR', { name: 'Tanaka Hiro' });
    // Assigned in another order than they submit: labels, lists and comments follow the submissions.
    const secondId = await assigned(id, second);
    const thirdId = await assigned(id, third);
    const firstId = await assigned(id, first);

    clock.set('2027-01-05T10:00:00.000Z');
    const a = await submit(first, firstId, REVIEW_A, {
      recommendation: 'fund',
      overallComment: 'Strong national ownership.',
      scores: scores(...REVIEW_A).map((s) => (s.code === 'Q8' ? { ...s, comment: 'No exit strategy.' } : s)),
    });
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({
      state: 'submitted',
      label: 'Reviewer A',
      weightedScore: 68.33,
      submittedAt: '2027-01-05T10:00:00.000Z',
      recommendation: 'fund',
    });
    expect(await assignmentStatus(firstId)).toBe('submitted');
    expect(await auditEvents(id, 'review.submitted')).toEqual([
      {
        after: expect.objectContaining({
          assignmentId: firstId,
          weightedScore: 68.33,
          recommendation: 'fund',
        }),
      },
    ]);

    // A submitted review never changes, and its reviewer can no longer declare a conflict.
    expect(problem(await submit(first, firstId, REVIEW_B))).toMatchObject({
      status: 409,
      code: 'REVIEW.SUBMITTED',
    });
    expect(problem(await saveReview(first, firstId, { scores: [] }))).toMatchObject({
      status: 409,
      code: 'REVIEW.SUBMITTED',
    });
    expect(
      problem(
        await http(system, 'POST', `/api/v1/review-assignments/${firstId}/conflict`, {
          token: first.token,
          body: { reason: 'Second thoughts' },
        }),
      ),
    ).toMatchObject({ status: 409, code: 'REVIEW.SUBMITTED' });
    expect(must(await reviews(secretariat, id)).body.items[0]).toMatchObject({ weightedScore: 68.33 });

    // Before submitting, the second reviewer sees their own draft only, and no summary.
    must(await saveReview(second, secondId, { scores: scores(3, 3) }));
    const before = must(await reviews(second, id));
    expect(before.body.items).toEqual([
      expect.objectContaining({ mine: true, state: 'draft', assignmentId: secondId }),
    ]);
    expect(JSON.stringify(before.body)).not.toContain('68.33');
    expectAnonymous(before.body, first);
    expect(problem(await reviewSummary(second, id))).toMatchObject({ status: 403, code: 'REVIEW.FORBIDDEN' });

    clock.set('2027-01-06T10:00:00.000Z');
    const b = await submit(second, secondId, REVIEW_B, {
      recommendation: 'revise',
      overallComment: 'Budget heavy.',
    });
    expect(b.body).toMatchObject({ state: 'submitted', label: 'Reviewer B', weightedScore: 51.67 });

    // After submitting: the others' submitted reviews under a label, without any id, name or time.
    const afterwards = must(await reviews(second, id));
    expect(afterwards.body.items).toEqual([
      {
        label: 'Reviewer A',
        mine: false,
        state: 'submitted',
        criteriaSetVersion: 1,
        scores: scores(...REVIEW_A).map((s) => ({
          ...s,
          comment: s.code === 'Q8' ? 'No exit strategy.' : null,
        })),
        recommendation: 'fund',
        overallComment: 'Strong national ownership.',
        weightedScore: 68.33,
      },
      expect.objectContaining({
        label: 'Reviewer B',
        mine: true,
        assignmentId: secondId,
        weightedScore: 51.67,
      }),
    ]);
    expectAnonymous(afterwards.body, first, third);

    // The summary, by hand: mean (68.33 + 51.67) / 2 = 60, median 60, spread 68.33 − 51.67 = 16.66;
    // criterion means Q1 (4 + 3) / 2 = 3.5, Q2 3, Q3 2.5, Q4 2.5, Q5 3, Q6 2.5, Q7 2.5, Q8 1.5, Q9 3.
    const summary = must(await reviewSummary(second, id));
    expect(summary.body).toMatchObject({
      noteId: id,
      revisionNumber: 1,
      count: 2,
      outstanding: 1,
      mean: 60,
      median: 60,
      spread: 16.66,
      recommendations: { fund: 1, approve: 0, revise: 1, reject: 0 },
      conflictOverrides: { count: 0, reasons: [], text: null },
      comments: [
        {
          label: 'Reviewer A',
          recommendation: 'fund',
          overallComment: 'Strong national ownership.',
          criterionComments: [{ code: 'Q8', comment: 'No exit strategy.' }],
        },
        {
          label: 'Reviewer B',
          recommendation: 'revise',
          overallComment: 'Budget heavy.',
          criterionComments: [],
        },
      ],
    });
    expect(summary.body.perCriterion.map((c: { code: string; mean: number }) => [c.code, c.mean])).toEqual([
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
    expectAnonymous(summary.body, first, second, third);

    // The third reviewer, not submitted yet, still sees only their own (empty) review.
    const thirdView = must(await reviews(third, id));
    expect(thirdView.body.items).toEqual([
      expect.objectContaining({ mine: true, state: 'not_started', label: null }),
    ]);
    expectAnonymous(thirdView.body, first, second);

    // The secretariat sees everything, named; it exports one row per review and criterion.
    const all = must(await reviews(secretariat, id));
    expect(
      all.body.items.map((r: { reviewer: { name: string }; state: string }) => [r.reviewer.name, r.state]),
    ).toEqual([
      ['Okafor Nnamdi', 'submitted'],
      ['Lindqvist Sara', 'submitted'],
      ['Tanaka Hiro', 'not_started'],
    ]);
    const csv = await reviews(secretariat, id, '?format=csv');
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = String(csv.body)
      .replace(/^\uFEFF/, '')
      .trim()
      .split(/\r?\n/);
    expect(lines).toHaveLength(1 + 9 + 9);
    expect(lines[0]).toContain('Reviewer,Organization,Label');
    expect(lines[1]).toMatch(/^Okafor Nnamdi,UNICEF,Reviewer A,submitted,1,Q1,/);
    const xlsx = await reviews(secretariat, id, '?format=xlsx');
    expect(xlsx.status).toBe(200);
    expect(xlsx.raw.subarray(0, 2).toString()).toBe('PK');
    expect(problem(await reviews(second, id, '?format=csv'))).toMatchObject({ status: 403 });

    // A committee member of a meeting whose agenda lists the note reads the summary, not the reviews.
    const committee = await actor(system, ['steering_committee']);
    const meeting = must(
      await http(system, 'POST', '/api/v1/meetings', {
        token: secretariat.token,
        body: {
          title: 'Written procedure, January 2027',
          kind: 'written_procedure',
          startsLocal: '2027-06-15T10:00',
          timeZone: 'Europe/Zurich',
        },
      }),
      201,
    );
    must(
      await http(system, 'POST', `/api/v1/meetings/${meeting.body.id}/agenda`, {
        token: secretariat.token,
        body: { conceptNoteId: id, reason: 'Decided between sessions' },
      }),
      201,
    );
    const seenByCommittee = must(await reviewSummary(committee, id));
    expect(seenByCommittee.body).toMatchObject({ count: 2, mean: 60 });
    expectAnonymous(seenByCommittee.body, first, second, third);
    expect(problem(await reviews(committee, id))).toMatchObject({ status: 403, code: 'REVIEW.FORBIDDEN' });

    // Two reviews meet the minimum: closing needs no reason and cancels the third assignment.
    const closed = must(await close(id));
    expect(closed.body.status).toBe('ready_for_committee');
    expect(await assignmentStatus(thirdId)).toBe('cancelled');
  });

  it('refuses to close reviews under the minimum without a reason, naming it, and closes with one', async () => {
    const { id, rc, country } = await inReviewNote();
    const arabicOffice = await actor(system, ['rc_office'], { countryCodes: [country], locale: 'ar' });
    const done = await reviewer('UNICEF', { name: 'Haruki Done' });
    const late = await reviewer('UNDP', { name: 'Leila Late' });
    const doneId = await assigned(id, done);
    const lateId = await assigned(id, late);
    must(await submit(done, doneId, REVIEW_A));

    const refused = await close(id);
    expect(problem(refused)).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', fields: ['reason'] });
    expect(refused.body.errors[0].message).toContain('1 submitted review(s), under the minimum of 2');
    expect(must(await http(system, 'GET', notePath(id), { token: secretariat.token })).body.status).toBe(
      'in_review',
    );
    expect(await auditEvents(id, 'concept_note.reviews_closed')).toEqual([]);
    expect(
      problem(await http(system, 'POST', notePath(id, '/reviews/close'), { token: lead.token, body: {} })),
    ).toMatchObject({
      status: 403,
    });

    const reason = 'The second reviewer is unavailable until after the meeting';
    const closed = await close(id, { reason });
    expect(closed.status).toBe(200);
    expect(closed.body.status).toBe('ready_for_committee');
    expect(await assignmentStatus(lateId)).toBe('cancelled');
    expect(await auditEvents(id, 'concept_note.reviews_closed')).toEqual([
      {
        after: expect.objectContaining({
          status: 'ready_for_committee',
          submittedReviews: 1,
          minimumSubmittedReviews: 2,
          reason,
          cancelledAssignmentIds: [lateId],
        }),
      },
    ]);

    // The team and the note's RC and RC office are told of the new status once, each in their
    // language, with nothing of the reviews: no reviewer, score or reason for closing.
    const closedMails = await Promise.all(
      [lead, rc, arabicOffice].map(async (who) => {
        const { rows, mails } = await delivered('reviews_closed', who.user.email);
        const about = rows.filter((r) => r.dedupeKey.includes(id));
        expect(about).toHaveLength(1);
        const mail = mails.find((m) => m.headers.get('x-mptf-notification') === about[0].id)!;
        expect(mail.text).toContain(`http://mptf.test/concept-notes/${id}`);
        return { mail, payload: about[0].payload };
      }),
    );
    expect(closedMails[0].mail.subject).toMatch(/^Review completed: /);
    expect(closedMails[1].mail.subject).toMatch(/^Review completed: /);
    expect(closedMails[2].mail.subject).toMatch(/^اكتمال مراجعة المذكرة المفاهيمية: /);
    for (const { mail, payload } of closedMails) {
      for (const text of [mail.text, mail.html, JSON.stringify(payload)]) {
        expect(text).not.toContain(reason);
        expect(text).not.toContain('Haruki Done');
        expect(text).not.toContain('Leila Late');
        expect(text).not.toContain('68.33');
      }
    }

    // Closed: no second closing, no new assignment, no more scoring.
    expect(problem(await close(id, { reason }))).toMatchObject({
      status: 409,
      code: 'CONCEPT_NOTE.INVALID_TRANSITION',
    });
    expect(problem(await assign(id, await reviewer('UNHCR')))).toMatchObject({
      status: 409,
      code: 'REVIEW.NOTE_NOT_IN_REVIEW',
    });
    expect(problem(await submit(late, lateId, REVIEW_B))).toMatchObject({
      status: 409,
      code: 'REVIEW.ASSIGNMENT_CLOSED',
    });
  });

  it('reminds the reviewer once before the due date and once after it, whatever the number of runs', async () => {
    const { id } = await inReviewNote();
    const slow = await reviewer('UNICEF');
    const quick = await reviewer('UNDP');
    const due = new Date(clock.now().getTime() + 5 * DAY_MS);
    const slowId = await assigned(id, slow, { dueAt: due.toISOString() });
    const quickId = await assigned(id, quick, { dueAt: due.toISOString() });
    must(await submit(quick, quickId, REVIEW_B));
    const service = system.worker!.get(ReviewsService);
    // The worker (and only the worker) runs the reminders every RECONCILE_INTERVAL.
    expect(() => system.app.get(ReviewsProcessor)).toThrow();
    const queue = system.worker!.get<Queue>(getQueueToken(REVIEWS_QUEUE));
    expect(await queue.getJobScheduler(ReviewJobs.remindDue)).toMatchObject({
      every: system.config.reconcileIntervalMs,
    });

    await service.remindDue();
    expect((await delivered('review_due_soon', slow.user.email)).rows).toHaveLength(0);

    clock.set(new Date(due.getTime() - DAY_MS));
    await service.remindDue();
    await service.remindDue();
    const soon = await delivered('review_due_soon', slow.user.email);
    expect(soon.rows.map((r) => r.dedupeKey)).toEqual([`review-due-soon:${slowId}:${due.getTime()}`]);
    expect(soon.mails).toHaveLength(1);
    expect(soon.mails[0].text).toContain(`http://mptf.test/review-assignments/${slowId}`);
    expect(soon.rows[0].payload).toMatchObject({
      dueAt: due.toISOString(),
      reviewUrl: `http://mptf.test/review-assignments/${slowId}`,
    });
    expect((await delivered('review_overdue', slow.user.email)).rows).toHaveLength(0);

    clock.set(new Date(due.getTime() + 60 * 60 * 1000));
    await service.remindDue();
    await service.remindDue();
    const overdue = await delivered('review_overdue', slow.user.email);
    expect(overdue.rows.map((r) => r.dedupeKey)).toEqual([`review-overdue:${slowId}:${due.getTime()}`]);
    expect(overdue.mails).toHaveLength(1);
    expect((await delivered('review_due_soon', slow.user.email)).mails).toHaveLength(1);

    // Nothing for the reviewer who submitted.
    expect((await delivered('review_due_soon', quick.user.email)).rows).toHaveLength(0);
    expect((await delivered('review_overdue', quick.user.email)).rows).toHaveLength(0);
  });

  it('answers 403 to the team and RCs, 404 outside one’s scope, and lets a reviewer declare a conflict', async () => {
    const { id, rc } = await inReviewNote();
    const outsider = await actor(system, ['applicant'], { organizationCode: 'IOM' });
    const assignedReviewer = await reviewer('UNICEF', { name: 'Mbeki Thandi' });
    const otherReviewer = await reviewer('UNDP');
    const assignmentId = await assigned(id, assignedReviewer);

    for (const who of [lead, rc]) {
      expect(problem(await reviews(who, id))).toMatchObject({ status: 403, code: 'REVIEW.FORBIDDEN' });
      expect(problem(await reviewSummary(who, id))).toMatchObject({ status: 403, code: 'REVIEW.FORBIDDEN' });
    }
    expect(problem(await reviews(outsider, id)).status).toBe(404);
    expect(problem(await reviewSummary(outsider, id)).status).toBe(404);

    // A reviewer sees only the notes assigned to them.
    expect(problem(await http(system, 'GET', notePath(id), { token: otherReviewer.token })).status).toBe(404);
    expect(problem(await reviews(otherReviewer, id)).status).toBe(404);
    expect(problem(await reviewSummary(otherReviewer, id)).status).toBe(404);
    expect(problem(await submit(otherReviewer, assignmentId, REVIEW_A)).status).toBe(404);
    expect(must(await http(system, 'GET', notePath(id), { token: assignedReviewer.token })).body.id).toBe(id);
    expect(problem(await submit(secretariat, assignmentId, REVIEW_A)).status).toBe(403);

    const mine = must(
      await http(system, 'GET', '/api/v1/review-assignments?mine=true', { token: assignedReviewer.token }),
    );
    expect(mine.body).toMatchObject({ page: 1, total: 1 });
    expect(mine.body.items).toEqual([
      {
        id: assignmentId,
        noteId: id,
        noteTitle: 'Safe labour migration corridors in the Western Balkans',
        referenceCode: expect.stringMatching(/^MIG-CN-2027-\d{4}$/),
        noteStatus: 'in_review',
        dueAt: dueIn(14),
        status: 'assigned',
        conflictReason: null,
        review: { state: 'not_started', weightedScore: null, submittedAt: null, savedAt: null },
      },
    ]);
    expect(
      problem(await http(system, 'GET', '/api/v1/review-assignments', { token: assignedReviewer.token })),
    ).toMatchObject({ status: 400, fields: ['mine'] });
    expect(
      problem(await http(system, 'GET', '/api/v1/review-assignments?mine=true', { token: lead.token }))
        .status,
    ).toBe(403);

    const reason = 'My spouse works for the Ministry of Labour named as a partner';
    const declared = await http(system, 'POST', `/api/v1/review-assignments/${assignmentId}/conflict`, {
      token: assignedReviewer.token,
      body: { reason },
    });
    expect(declared.status).toBe(200);
    expect(declared.body).toMatchObject({
      id: assignmentId,
      status: 'conflict_declared',
      conflictReason: reason,
    });
    expect(await auditEvents(id, 'review.conflict_declared')).toEqual([
      { after: expect.objectContaining({ assignmentId, status: 'conflict_declared', reason }) },
    ]);
    const { mails } = await delivered('review_conflict_declared', secretariat.user.email);
    const aboutThis = mails.filter((m) => m.text.includes('Mbeki Thandi'));
    expect(aboutThis).toHaveLength(1);
    expect(aboutThis[0].text).toContain(reason);

    // The reviewer no longer sees the note, and is not assigned again.
    expect(problem(await http(system, 'GET', notePath(id), { token: assignedReviewer.token })).status).toBe(
      404,
    );
    expect(problem(await assign(id, assignedReviewer))).toMatchObject({
      status: 409,
      code: 'REVIEW.CONFLICT_DECLARED',
    });
    expect(problem(await submit(assignedReviewer, assignmentId, REVIEW_A))).toMatchObject({
      status: 409,
      code: 'REVIEW.ASSIGNMENT_CLOSED',
    });
  });

  it('refuses to deactivate a reviewer with an open assignment, listing it, until the reviews are closed', async () => {
    const { id } = await inReviewNote();
    const busy = await reviewer('UNICEF');
    const assignmentId = await assigned(id, busy);
    const deactivate = () =>
      http(system, 'PATCH', `/api/v1/users/${busy.user.id}`, {
        token: secretariat.token,
        body: { active: false },
      });

    const refused = await deactivate();
    expect(problem(refused)).toMatchObject({ status: 409, code: 'USER.HAS_OPEN_WORK' });
    expect(refused.body.openWork).toEqual([
      {
        kind: 'review_assignment',
        id: assignmentId,
        title: 'Safe labour migration corridors in the Western Balkans',
      },
    ]);

    must(await close(id, { reason: 'Reviewer leaving the roster' }));
    const done = await deactivate();
    expect(done.status).toBe(200);
    expect(done.body.active).toBe(false);
  });

  it('never shows an applicant or an RC an individual review or score, through any route', async () => {
    const { id, rc } = await inReviewNote();
    const expert = await reviewer('UNHCR');
    const assignmentId = await assigned(id, expert);
    const secret = 'PRIVATE-REVIEWER-REMARK-7731';
    must(await submit(expert, assignmentId, [4, 3, 4, 2, 3, 4, 3, 2, 4], { overallComment: secret }));
    const weighted = (await reviews(secretariat, id)).body;
    expect(JSON.stringify(weighted)).toContain(secret);
    for (const reader of [lead, rc]) {
      expect((await reviews(reader, id)).status).toBe(403);
      expect((await reviewSummary(reader, id)).status).toBe(403);
      const routes = [
        notePath(id),
        notePath(id, '/history'),
        notePath(id, '/comments'),
        notePath(id, '/revisions'),
        notePath(id, '/screening'),
        '/api/v1/concept-notes?format=csv',
        '/api/v1/concept-notes',
      ];
      for (const route of routes) {
        const answer = await http(system, 'GET', route, { token: reader.token });
        expect(answer.status).toBe(200);
        const body = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
        expect(body).not.toContain(secret);
        expect(body).not.toContain(expert.user.name);
        expect(body).not.toMatch(/weightedScore|"scores"/);
      }
      const pdf = await http(system, 'GET', notePath(id, '/pdf'), { token: reader.token });
      expect(pdf.status).toBe(200);
      const text = pdfText(pdf.raw);
      expect(text).not.toContain(secret);
      expect(text).not.toContain(expert.user.name);
    }

    // The committee decides and the decision is released: the team and the RC now read the outcome
    // and the rationale, and still never a review, a score or a reviewer, by any route or e-mail.
    must(await close(id, { reason: `Only ${expert.user.name} could review in time` }));
    const meeting = must(
      await http(system, 'POST', '/api/v1/meetings', {
        token: secretariat.token,
        body: {
          title: 'Written procedure, September 2027',
          kind: 'written_procedure',
          startsLocal: '2027-09-15T10:00',
          timeZone: 'Europe/Zurich',
        },
      }),
      201,
    );
    const meetingId = meeting.body.id as string;
    must(
      await http(system, 'POST', `/api/v1/meetings/${meetingId}/agenda`, {
        token: secretariat.token,
        body: { conceptNoteId: id, reason: 'Decided between sessions' },
      }),
      201,
    );
    const rationale = 'Well aligned with the national migration strategy.';
    must(
      await http(system, 'POST', `/api/v1/meetings/${meetingId}/decisions`, {
        token: secretariat.token,
        body: { conceptNoteId: id, outcome: 'approved', rationale },
      }),
      201,
    );
    must(
      await http(system, 'POST', `/api/v1/meetings/${meetingId}/decisions/release`, {
        token: secretariat.token,
      }),
    );
    // By hand: (20×3 + 15×2 + 15×3 + 10×1 + 10×2 + 10×3 + 10×2 + 5×1 + 5×3) / 3 = 235 / 3 → 78.33.
    expect(must(await reviews(secretariat, id)).body.items[0].weightedScore).toBe(78.33);
    const leaks = [
      secret,
      expert.user.name,
      expert.user.email,
      expert.user.id,
      '78.33',
      '78,33',
      'Reviewer A',
    ];
    const expectNothingOfTheReviews = (where: string, text: string) => {
      for (const leak of leaks)
        expect({ where, leaks: text.includes(leak) }).toEqual({ where, leaks: false });
      expect({ where, scores: /weightedScore|"scores"|perCriterion/.test(text) }).toEqual({
        where,
        scores: false,
      });
    };

    for (const reader of [lead, rc]) {
      for (const format of ['', '?format=csv', '?format=xlsx']) {
        const answer = await reviews(reader, id, format);
        expect({ format, status: answer.status, code: answer.body?.code }).toEqual({
          format,
          status: 403,
          code: 'REVIEW.FORBIDDEN',
        });
        expectNothingOfTheReviews(`reviews${format}`, answer.raw.toString('latin1'));
      }
      expect(problem(await reviewSummary(reader, id))).toMatchObject({
        status: 403,
        code: 'REVIEW.FORBIDDEN',
      });

      const decisions = must(await http(system, 'GET', notePath(id, '/decisions'), { token: reader.token }));
      expect(decisions.body).toEqual([expect.objectContaining({ outcome: 'approved', rationale })]);
      const routes = [
        notePath(id),
        notePath(id, '/decisions'),
        notePath(id, '/history'),
        notePath(id, '/comments'),
        notePath(id, '/revisions'),
        notePath(id, '/screening'),
        `/api/v1/meetings/${meetingId}/agenda`,
        '/api/v1/concept-notes',
        '/api/v1/concept-notes?format=csv',
      ];
      for (const route of routes) {
        const answer = await http(system, 'GET', route, { token: reader.token });
        expect({ route, status: answer.status }).toEqual({ route, status: 200 });
        expectNothingOfTheReviews(
          route,
          typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body),
        );
      }
      const xlsx = await http(system, 'GET', '/api/v1/concept-notes?format=xlsx', { token: reader.token });
      expect(xlsx.status).toBe(200);
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(xlsx.raw as unknown as ArrayBuffer);
      const cells: string[] = [];
      book.eachSheet((sheet) =>
        sheet.eachRow((row) => row.eachCell((cell) => cells.push(String(cell.text)))),
      );
      expect(cells.join('\n')).toContain('Safe labour migration corridors in the Western Balkans');
      expectNothingOfTheReviews('concept-notes?format=xlsx', cells.join('\n'));
      const pdf = await http(system, 'GET', notePath(id, '/pdf'), { token: reader.token });
      expect(pdf.status).toBe(200);
      expectNothingOfTheReviews('pdf', pdfText(pdf.raw));

      // The decision e-mail: the outcome and the rationale, nothing of the reviews.
      const { rows, mails } = await delivered('decision_released', reader.user.email);
      const about = rows.filter((r) => r.dedupeKey.includes(id));
      expect(about).toHaveLength(1);
      const mail = mails.find((m) => m.headers.get('x-mptf-notification') === about[0].id)!;
      expect(mail.text).toContain(rationale);
      for (const [part, text] of [
        ['subject', mail.subject],
        ['text', mail.text],
        ['html', mail.html],
        ['payload', JSON.stringify(about[0].payload)],
      ])
        expectNothingOfTheReviews(`decision_released ${part}`, text);
    }
  });

  // Last in this file: it publishes version 2 of the criteria, which the tests above do not expect.
  it('keeps a review begun under criteria set 1 on version 1 after version 2 is published; new reviews and screenings use version 2', async () => {
    const { id } = await inReviewNote();
    const early = await reviewer('UNICEF');
    const newcomer = await reviewer('UNDP');
    const earlyId = await assigned(id, early);
    const newcomerId = await assigned(id, newcomer);
    must(await saveReview(early, earlyId, { scores: scores(4, 3) }));

    const [v1] = must(await http(system, 'GET', '/api/v1/criteria-sets', { token: secretariat.token })).body;
    // Version 2: Q1 unchanged, Q3 weighs 30 instead of 15, Q10 is new, the others are gone; and a
    // manual screening criterion E12.
    const v2 = {
      screeningCriteria: [
        ...v1.screening,
        { code: 'E12', title: 'Local authorities consulted in the design', automatic: false },
      ],
      qualityScale: v1.quality.scale,
      qualityCriteria: [
        v1.quality.criteria[0],
        { ...v1.quality.criteria[2], weight: 30 },
        { code: 'Q10', title: 'Learning, evidence and data', weight: 50 },
      ],
    };
    const published = await http(system, 'POST', '/api/v1/criteria-sets', {
      token: secretariat.token,
      body: v2,
    });
    expect(published.status).toBe(201);
    expect(published.body).toMatchObject({ version: 2, current: true });

    // The draft begun under version 1 is submitted against version 1: its criteria, its weights.
    clock.set('2027-01-05T10:00:00.000Z');
    const early1 = must(await submit(early, earlyId, REVIEW_A));
    expect(early1.body).toMatchObject({ criteriaSetVersion: 1, weightedScore: 68.33, state: 'submitted' });

    // A review begun now is scored against version 2: version 1's criteria are refused by name.
    const old = await submit(newcomer, newcomerId, REVIEW_B);
    expect(problem(old)).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    expect(problem(old).fields).toEqual(expect.arrayContaining(['scores.1.code', 'scores.3.code']));
    // By hand under version 2: (20×3 + 30×2 + 50×1) / 3 = 170 / 3 → 56.67.
    clock.set('2027-01-06T10:00:00.000Z');
    const fresh = must(
      await saveReview(newcomer, newcomerId, {
        scores: [
          { code: 'Q1', score: 4 },
          { code: 'Q3', score: 3 },
          { code: 'Q10', score: 2 },
        ],
        recommendation: 'approve',
        submit: true,
      }),
    );
    expect(fresh.body).toMatchObject({ criteriaSetVersion: 2, weightedScore: 56.67 });

    // The summary takes both weighted scores (each 0–100 under its version) and pools a criterion's
    // scores only across versions where it is the same criterion: Q1 (unchanged) pools both reviews,
    // Q3 (re-weighted) has a row per version.
    const summary = must(await reviewSummary(secretariat, id)).body;
    expect(summary).toMatchObject({
      count: 2,
      mean: 62.5,
      median: 62.5,
      spread: 11.66,
      criteriaSetVersions: [2, 1],
    });
    expect(
      (
        summary.perCriterion as {
          code: string;
          weight: number;
          criteriaSetVersions: number[];
          count: number;
          mean: number;
        }[]
      ).map((c) => [c.code, c.weight, c.criteriaSetVersions, c.count, c.mean]),
    ).toEqual([
      ['Q1', 20, [2, 1], 2, 4],
      ['Q3', 30, [2], 1, 3],
      ['Q10', 50, [2], 1, 2],
      ['Q2', 15, [1], 1, 3],
      ['Q3', 15, [1], 1, 3],
      ['Q4', 10, [1], 1, 2],
      ['Q5', 10, [1], 1, 4],
      ['Q6', 10, [1], 1, 3],
      ['Q7', 10, [1], 1, 2],
      ['Q8', 5, [1], 1, 1],
      ['Q9', 5, [1], 1, 4],
    ]);
    expect(
      (summary.comments as { label: string; criteriaSetVersion: number }[]).map((c) => [
        c.label,
        c.criteriaSetVersion,
      ]),
    ).toEqual([
      ['Reviewer A', 1],
      ['Reviewer B', 2],
    ]);

    // A screening from now on goes through version 2's checklist, E12 included.
    await expect(inReviewNote({}, MANUAL)).rejects.toThrow('misses the criteria E12');
    const { id: screened } = await inReviewNote({}, [...MANUAL, { code: 'E12', result: 'pass' }]);
    const screening = must(
      await http(system, 'GET', notePath(screened, '/screening'), { token: secretariat.token }),
    );
    expect(JSON.stringify(screening.body)).toContain('"criteriaSetVersion":2');
  });
});

interface OutboxRow {
  id: string;
  status: string;
  dedupeKey: string;
  payload: Record<string, unknown>;
}
