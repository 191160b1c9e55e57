import { Client } from 'pg';
import type { ReceivedMail } from '../smtp-receiver';
import {
  actor,
  createUser,
  http,
  startTestSystem,
  TestClock,
  type HttpAnswer,
  type TestSystem,
} from '../harness';
import { readyDraft } from '../factories';
import { User } from '../../src/users/user.entity';

/**
 * DESIGN §4: "of two concurrent actions that cannot both apply, one wins and the other answers 409;
 * actions that can both apply both succeed and the submission happens once" — fifty at a time.
 *
 * Each race sends fifty requests at once (Promise.all over Fastify inject) at one note. Then:
 * - every answer is the action's success or a 409 problem with a stable code, nothing else;
 * - only what can apply succeeded (one winner, or one per RC, or all fifty for assignments of
 *   fifty different reviewers);
 * - the note moved exactly as the winning request(s) alone move it: each race has a twin note,
 *   prepared the same way for the same people, on which the winners' requests are replayed one at a
 *   time, and both notes must end in the same status having moved their version, revision number,
 *   audit events and e-mails by the same amounts;
 * - the winner's own audit event is there once, and its e-mails went to each recipient once;
 * - across the whole database: no duplicate endorsement, reference code, revision, screening, open
 *   review assignment, draft or released decision, agenda item or e-mail; reference codes gap-free.
 */

type SignedIn = Awaited<ReturnType<typeof actor>>;

const N = 50;
const DAY_MS = 24 * 60 * 60 * 1000;
const NOW = '2029-03-01T09:00:00.000Z';
const notePath = (id: string, rest = '') => `/api/v1/concept-notes/${id}${rest}`;
const meetingPath = (id: string, rest = '') => `/api/v1/meetings/${id}${rest}`;

/** The manual criteria of the screening checklist; the automatic ones are pre-filled from the revision. */
const MANUAL = [
  { code: 'E9', result: 'pass' },
  { code: 'E10', result: 'pass' },
  { code: 'E11', result: 'pass' },
];

/** Setup steps must work; a failure names the answer instead of failing later for an unclear reason. */
function must(answer: HttpAnswer, status = 200): HttpAnswer {
  if (answer.status !== status) {
    throw new Error(`expected ${status}, got ${answer.status}: ${JSON.stringify(answer.body)}`);
  }
  return answer;
}

/**
 * Every answer is `success` or a 409 problem whose code is one of `codes`; returns the indexes of
 * the successes. Anything else (a 5xx, a 400, a 409 of another kind) fails with the answers named.
 */
function contest(answers: HttpAnswer[], success: number, codes: string[]): number[] {
  const unexpected = answers
    .map((a, i) => ({
      i,
      status: a.status,
      problem: String(a.headers['content-type']).startsWith('application/problem+json'),
      body: a.body as unknown,
    }))
    .filter(
      (a) =>
        a.status !== success &&
        !(a.status === 409 && a.problem && codes.includes((a.body as { code?: string })?.code ?? '')),
    );
  expect(unexpected).toEqual([]);
  return answers.flatMap((a, i) => (a.status === success ? [i] : []));
}

/** What a race may change on a note, read from the database. */
interface NoteState {
  status: string;
  version: number;
  currentRevision: number;
  revisions: number;
  referenceCode: string | null;
  submittedAt: string | null;
  /** Audit events about the note, per action. */
  audit: Record<string, number>;
  /** Outbox rows about the note, per template. */
  mail: Record<string, number>;
}

function difference(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return Object.fromEntries(
    keys.map((k) => [k, (after[k] ?? 0) - (before[k] ?? 0)] as const).filter(([, n]) => n !== 0),
  );
}

/** How a note moved between two states: what must be the same for a raced note and its twin. */
function movement(before: NoteState, after: NoteState) {
  return {
    status: `${before.status} → ${after.status}`,
    version: after.version - before.version,
    currentRevision: after.currentRevision - before.currentRevision,
    revisions: after.revisions - before.revisions,
    referenceCode:
      before.referenceCode === null
        ? after.referenceCode === null
          ? 'none'
          : 'given'
        : after.referenceCode === before.referenceCode
          ? 'kept'
          : 'changed',
    submittedAt: after.submittedAt === before.submittedAt ? 'kept' : 'changed',
    audit: difference(before.audit, after.audit),
    mail: difference(before.mail, after.mail),
  };
}

/** Officials and a team working in countries of their own. */
interface Cast {
  countries: string[];
  lead: SignedIn;
  member: SignedIn;
  office: SignedIn;
  rcs: SignedIn[];
}

describe('fifty concurrent requests on one note', () => {
  const clock = new TestClock(new Date(NOW));
  let system: TestSystem;
  let secretariat: SignedIn;
  /** Written procedures decide between sessions on items placed by late exception: the race, its twin. */
  let procedure: string;
  let twinProcedure: string;
  /** A written procedure with a funding envelope of 1,000,000 USD. */
  let enveloped: string;
  /** A connection of its own that watches the others wait on locks while a race runs. */
  let monitor: Client;

  beforeAll(async () => {
    system = await startTestSystem({ clock, worker: true });
    monitor = new Client({ connectionString: system.config.databaseUrl });
    await monitor.connect();
    secretariat = await actor(system, ['secretariat']);
    const meeting = async (title: string, kind: string, startsLocal: string, envelopeUsd?: number) =>
      must(
        await http(system, 'POST', '/api/v1/meetings', {
          token: secretariat.token,
          body: { title, kind, startsLocal, timeZone: 'UTC', ...(envelopeUsd ? { envelopeUsd } : {}) },
        }),
        201,
      ).body.id as string;
    // A deferral carries the item to the next meeting: the raced procedure's is the twin's, the twin's the session.
    procedure = await meeting('Written procedure, September 2029', 'written_procedure', '2029-09-03T10:00');
    twinProcedure = await meeting(
      'Written procedure, mid-September 2029',
      'written_procedure',
      '2029-09-17T10:00',
    );
    await meeting('Steering Committee, October 2029', 'in_person', '2029-10-01T10:00');
    enveloped = await meeting(
      'Written procedure, November 2029',
      'written_procedure',
      '2029-11-05T10:00',
      1000000,
    );
  });
  afterAll(async () => {
    await monitor?.end();
    await system?.close();
  });

  /**
   * Fifty requests at once. While they run, another connection watches the database: a race in
   * which the requests never met there would prove nothing, so it fails.
   */
  async function race(
    request: (i: number) => Promise<HttpAnswer>,
    { contested = true }: { contested?: boolean } = {},
  ): Promise<HttpAnswer[]> {
    let settled = false;
    const answers = Promise.all(Array.from({ length: N }, (_, i) => request(i))).finally(() => {
      settled = true;
    });
    const seen = { waitingOnALock: 0, inTransaction: 0 };
    while (!settled) {
      const { rows } = await monitor.query<{ waiting: number; open: number }>(
        `SELECT count(*) FILTER (WHERE wait_event_type = 'Lock')::int AS waiting,
                count(*) FILTER (WHERE xact_start IS NOT NULL AND state <> 'idle')::int AS open
           FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
      );
      seen.waitingOnALock = Math.max(seen.waitingOnALock, rows[0].waiting);
      seen.inTransaction = Math.max(seen.inTransaction, rows[0].open);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    // Contested requests meet at a row lock (the note's, the meeting's, or an index entry's); requests
    // that can all apply at least overlap in their transactions.
    if (contested ? seen.waitingOnALock === 0 : seen.inTransaction < 2) {
      throw new Error(`the fifty requests never met in the database: ${JSON.stringify(seen)}`);
    }
    return answers;
  }

  async function cast(countries: string[]): Promise<Cast> {
    const [lead, member, office, ...rcs] = await Promise.all([
      actor(system, ['applicant'], { organizationCode: 'IOM' }),
      actor(system, ['applicant'], { organizationCode: 'ILO' }),
      actor(system, ['rc_office'], { countryCodes: [countries[0]] }),
      ...countries.map((country) => actor(system, ['resident_coordinator'], { countryCodes: [country] })),
    ]);
    return { countries, lead, member, office, rcs };
  }

  /** Everyone the status e-mails about a note of the cast go to: its team, its RCs and RC office. */
  const everyone = (who: Cast) => [who.lead, who.member, who.office, ...who.rcs];

  /** A complete draft of the cast's countries, with the member on its team. */
  async function draft(who: Cast, overrides: Record<string, unknown> = {}): Promise<string> {
    const id = await readyDraft(system, who.lead.token, {
      scope: who.countries.length > 1 ? 'multi_country' : 'national',
      countryCodes: who.countries,
      ...overrides,
    });
    must(
      await http(system, 'PUT', notePath(id, '/team'), {
        token: who.lead.token,
        body: { memberIds: [who.member.user.id] },
      }),
    );
    return id;
  }

  async function awaitingEndorsement(who: Cast): Promise<string> {
    const id = await draft(who);
    must(await http(system, 'POST', notePath(id, '/endorsement-requests'), { token: who.lead.token }));
    return id;
  }

  const endorse = (rc: SignedIn, id: string) =>
    http(system, 'POST', notePath(id, '/endorsements'), { token: rc.token, body: { decision: 'endorse' } });

  async function submitted(who: Cast): Promise<string> {
    const id = await awaitingEndorsement(who);
    for (const rc of who.rcs) must(await endorse(rc, id));
    return id;
  }

  const screen = (id: string, body: Record<string, unknown>) =>
    http(system, 'POST', notePath(id, '/screening'), {
      token: secretariat.token,
      body: { checklist: MANUAL, ...body },
    });

  async function inReview(who: Cast): Promise<string> {
    const id = await submitted(who);
    must(await screen(id, { outcome: 'eligible' }), 201);
    return id;
  }

  const closeReviews = (id: string) =>
    http(system, 'POST', notePath(id, '/reviews/close'), {
      token: secretariat.token,
      body: { reason: 'The committee meets by written procedure' },
    });

  async function readyForCommittee(who: Cast): Promise<string> {
    const id = await inReview(who);
    must(await closeReviews(id));
    return id;
  }

  const dueAt = () => new Date(clock.now().getTime() + 14 * DAY_MS).toISOString();
  const assign = (id: string, reviewerId: string) =>
    http(system, 'POST', notePath(id, '/review-assignments'), {
      token: secretariat.token,
      body: { reviewerId, dueAt: dueAt() },
    });

  /** Two notes prepared the same way for the same people: one to race, one to replay the winners on. */
  async function twins(prepare: () => Promise<string>): Promise<[string, string]> {
    return [await prepare(), await prepare()];
  }

  async function noteState(id: string): Promise<NoteState> {
    const [row] = await system.dataSource.query<
      {
        status: string;
        version: number;
        current_revision: number;
        revisions: number;
        reference_code: string | null;
        submitted_at: Date | null;
      }[]
    >(
      `SELECT n.status, n.version, n.current_revision, n.reference_code, n.submitted_at,
              (SELECT count(*)::int FROM concept_note_revisions r WHERE r.note_id = n.id) AS revisions
         FROM concept_notes n WHERE n.id = $1`,
      [id],
    );
    const counts = async (sql: string) =>
      Object.fromEntries(
        (await system.dataSource.query<{ key: string; n: number }[]>(sql, [id])).map((r) => [r.key, r.n]),
      );
    return {
      status: row.status,
      version: row.version,
      currentRevision: row.current_revision,
      revisions: row.revisions,
      referenceCode: row.reference_code,
      submittedAt: row.submitted_at?.toISOString() ?? null,
      audit: await counts(
        `SELECT action AS key, count(*)::int AS n FROM audit_events
          WHERE entity_type = 'concept_note' AND entity_id = $1 GROUP BY action`,
      ),
      mail: await counts(
        `SELECT template AS key, count(*)::int AS n FROM notifications WHERE subject_id = $1 GROUP BY template`,
      ),
    };
  }

  async function auditCount(entityId: string, action: string): Promise<number> {
    const [row] = await system.dataSource.query<{ n: number }[]>(
      'SELECT count(*)::int AS n FROM audit_events WHERE entity_id = $1 AND action = $2',
      [entityId, action],
    );
    return row.n;
  }

  function notificationId(mail: ReceivedMail): string {
    const value = mail.headers.get('x-mptf-notification');
    return typeof value === 'string' ? value : '';
  }

  /**
   * The note's e-mails of one template went to exactly these people, once each: one outbox row per
   * recipient, and (once the outbox says all are sent) one message per recipient at the SMTP server.
   */
  async function mailedOnce(noteId: string, template: string, people: SignedIn[]): Promise<void> {
    const expected = people.map((p) => p.user.email).sort();
    let rows: { id: string; recipient: string; status: string }[] = [];
    const deadline = Date.now() + 20_000;
    for (;;) {
      rows = await system.dataSource.query(
        `SELECT id, recipient_email AS recipient, status FROM notifications WHERE subject_id = $1 AND template = $2`,
        [noteId, template],
      );
      if (rows.length > 0 && rows.every((r) => r.status === 'sent')) break;
      if (Date.now() > deadline)
        throw new Error(`${template} for ${noteId} not all sent: ${JSON.stringify(rows)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(rows.map((r) => r.recipient).sort()).toEqual(expected);
    const ids = rows.map((r) => r.id);
    await system.smtp.waitFor((messages) =>
      ids.every((id) => messages.some((m) => notificationId(m) === id)),
    );
    const received = system.smtp.messages.filter((m) => ids.includes(notificationId(m)));
    expect(received.flatMap((m) => m.to).sort()).toEqual(expected);
  }

  /** Raced and twin notes moved the same way. */
  async function movedAlike(
    raced: string,
    racedBefore: NoteState,
    twin: string,
    twinBefore: NoteState,
  ): Promise<ReturnType<typeof movement>> {
    const moved = movement(racedBefore, await noteState(raced));
    expect(moved).toEqual(movement(twinBefore, await noteState(twin)));
    return moved;
  }

  /** Rows that must never be duplicated, over the whole database. */
  async function invariants(): Promise<void> {
    const none = async (what: string, sql: string) =>
      expect({ what, rows: await system.dataSource.query(sql) }).toEqual({ what, rows: [] });
    await none(
      'two active endorsements of one country on one revision',
      `SELECT revision_id, country_code FROM endorsements WHERE decision = 'endorsed' AND withdrawn_at IS NULL
        GROUP BY 1, 2 HAVING count(*) > 1`,
    );
    await none(
      'revision numbers that are not 1…current',
      `SELECT n.id FROM concept_notes n LEFT JOIN concept_note_revisions r ON r.note_id = n.id
        GROUP BY n.id HAVING count(r.id) <> n.current_revision OR COALESCE(max(r.number), 0) <> n.current_revision`,
    );
    await none(
      'two screenings of one revision',
      `SELECT revision_id FROM screenings GROUP BY 1 HAVING count(*) > 1`,
    );
    await none(
      'one reviewer assigned twice to a round',
      `SELECT note_id, revision_id, reviewer_id FROM review_assignments WHERE status IN ('assigned', 'submitted')
        GROUP BY 1, 2, 3 HAVING count(*) > 1`,
    );
    await none(
      'two drafts or two released decisions on one item',
      `SELECT meeting_id, note_id, status FROM decisions WHERE status IN ('draft', 'released')
        GROUP BY 1, 2, 3 HAVING count(*) > 1`,
    );
    await none(
      'a note twice on one agenda',
      `SELECT meeting_id, note_id FROM agenda_items GROUP BY 1, 2 HAVING count(*) > 1`,
    );
    await none(
      'one e-mail of one kind about one note twice to one person',
      `SELECT subject_id, template, recipient_email FROM notifications WHERE subject_type = 'concept_note'
        GROUP BY 1, 2, 3 HAVING count(*) > 1`,
    );
    // Reference codes: unique, and 1…last of the year's counter with no gap.
    const codes = await system.dataSource.query<{ reference_code: string }[]>(
      'SELECT reference_code FROM concept_notes WHERE reference_code IS NOT NULL ORDER BY reference_code',
    );
    const counters = await system.dataSource.query<{ year: number; last: number }[]>(
      'SELECT year, last FROM reference_counters ORDER BY year',
    );
    expect(codes.map((c) => c.reference_code)).toEqual(
      counters.flatMap(({ year, last }) =>
        Array.from({ length: last }, (_, i) => `MIG-CN-${year}-${String(i + 1).padStart(4, '0')}`),
      ),
    );
  }

  it('lets five RCs endorse once each out of fifty requests, submitting the note once', async () => {
    const who = await cast(['GHA', 'SEN', 'CIV', 'MLI', 'NER']);
    const [id, twin] = await twins(() => awaitingEndorsement(who));
    const [before, twinBefore] = [await noteState(id), await noteState(twin)];
    const rcOf = (i: number) => who.rcs[i % who.rcs.length];

    const answers = await race((i) => endorse(rcOf(i), id));

    const won = contest(answers, 200, ['ENDORSEMENT.ALREADY_COVERED', 'CONCEPT_NOTE.INVALID_TRANSITION']);
    // They can all apply, once per RC: five successes, one per country.
    expect(won.map((i) => i % who.rcs.length).sort()).toEqual([0, 1, 2, 3, 4]);
    for (const i of won) must(await endorse(rcOf(i), twin));
    const moved = await movedAlike(id, before, twin, twinBefore);
    expect(moved).toMatchObject({
      status: 'awaiting_endorsement → submitted',
      referenceCode: 'given',
      audit: { 'concept_note.endorsed': 5, 'concept_note.submitted': 1 },
    });
    const rows = await system.dataSource.query<{ country_code: string; decision: string }[]>(
      `SELECT country_code, decision FROM endorsements WHERE note_id = $1 AND withdrawn_at IS NULL ORDER BY country_code`,
      [id],
    );
    expect(rows).toEqual(
      [...who.countries].sort().map((country_code) => ({ country_code, decision: 'endorsed' })),
    );
    await mailedOnce(id, 'concept_note_submitted', everyone(who));
    await invariants();
  });

  it('lets the same RC endorse once out of fifty requests, which submits the national note once', async () => {
    const who = await cast(['KEN']);
    const [id, twin] = await twins(() => awaitingEndorsement(who));
    const [before, twinBefore] = [await noteState(id), await noteState(twin)];

    const answers = await race(() => endorse(who.rcs[0], id));

    const won = contest(answers, 200, ['ENDORSEMENT.ALREADY_COVERED', 'CONCEPT_NOTE.INVALID_TRANSITION']);
    expect(won).toHaveLength(1);
    const winner = answers[won[0]];
    expect(winner.body.status).toBe('submitted');
    const [{ n }] = await system.dataSource.query<{ n: number }[]>(
      'SELECT count(*)::int AS n FROM endorsements WHERE note_id = $1',
      [id],
    );
    expect(n).toBe(1);
    must(await endorse(who.rcs[0], twin));
    const moved = await movedAlike(id, before, twin, twinBefore);
    expect(moved).toMatchObject({
      status: 'awaiting_endorsement → submitted',
      audit: { 'concept_note.endorsed': 1, 'concept_note.submitted': 1 },
    });
    // The winner answered the note as it is now.
    const after = await noteState(id);
    expect([winner.body.version, winner.body.referenceCode]).toEqual([after.version, after.referenceCode]);
    await mailedOnce(id, 'concept_note_submitted', everyone(who));
    await invariants();
  });

  it('submits a signed-off regional note once out of fifty submissions by its lead', async () => {
    const who = await cast(['SRB', 'MKD', 'ALB']);
    const focalPoint = await actor(system, ['applicant'], { organizationCode: 'IOM' });
    must(
      await http(system, 'PATCH', '/api/v1/organizations/IOM', {
        token: secretariat.token,
        body: { focalPointUserIds: [focalPoint.user.id] },
      }),
    );
    const [id, twin] = await twins(async () => {
      const note = await draft(who, { scope: 'regional' });
      must(await http(system, 'POST', notePath(note, '/sign-off'), { token: focalPoint.token }));
      return note;
    });
    const [before, twinBefore] = [await noteState(id), await noteState(twin)];
    const submit = (note: string) =>
      http(system, 'POST', notePath(note, '/submit'), { token: who.lead.token, body: {} });

    const answers = await race(() => submit(id));

    const won = contest(answers, 200, ['CONCEPT_NOTE.INVALID_TRANSITION']);
    expect(won).toHaveLength(1);
    must(await submit(twin));
    const moved = await movedAlike(id, before, twin, twinBefore);
    expect(moved).toMatchObject({
      status: 'draft → submitted',
      referenceCode: 'given',
      // One revision frozen at submission, whatever the number of requests.
      currentRevision: 1,
      revisions: 1,
      audit: { 'concept_note.submitted': 1 },
    });
    const after = await noteState(id);
    expect([answers[won[0]].body.version, answers[won[0]].body.referenceCode]).toEqual([
      after.version,
      after.referenceCode,
    ]);
    await mailedOnce(id, 'concept_note_submitted', [who.lead, who.member]);
    await mailedOnce(id, 'regional_note_submitted', [who.office, ...who.rcs]);
    await invariants();
  });

  it('withdraws a note in review once out of fifty withdrawals by its lead, cancelling its review once', async () => {
    const who = await cast(['BGD']);
    const reviewer = await createUser(system, { roles: ['reviewer'], organizationCode: 'UNHCR' });
    const [id, twin] = await twins(async () => {
      const note = await inReview(who);
      must(await assign(note, reviewer.id), 201);
      return note;
    });
    const [before, twinBefore] = [await noteState(id), await noteState(twin)];
    const withdraw = (note: string) =>
      http(system, 'POST', notePath(note, '/withdraw'), {
        token: who.lead.token,
        body: { reason: 'Funded by a bilateral donor.' },
      });

    const answers = await race(() => withdraw(id));

    const won = contest(answers, 200, ['CONCEPT_NOTE.INVALID_TRANSITION']);
    expect(won).toHaveLength(1);
    expect(answers[won[0]].body).toMatchObject({
      status: 'withdrawn',
      withdrawalReason: 'Funded by a bilateral donor.',
    });
    must(await withdraw(twin));
    const moved = await movedAlike(id, before, twin, twinBefore);
    expect(moved).toMatchObject({ status: 'in_review → withdrawn', audit: { 'concept_note.withdrawn': 1 } });
    expect(answers[won[0]].body.version).toBe((await noteState(id)).version);
    const assignments = await system.dataSource.query<{ status: string }[]>(
      'SELECT status FROM review_assignments WHERE note_id = $1',
      [id],
    );
    expect(assignments).toEqual([{ status: 'cancelled' }]);
    await mailedOnce(id, 'concept_note_withdrawn', everyone(who));
    await invariants();
  });

  it('screens a note once out of fifty screenings with mixed outcomes; the note is where the winner sent it', async () => {
    const who = await cast(['UKR']);
    const [id, twin] = await twins(() => submitted(who));
    const [before, twinBefore] = [await noteState(id), await noteState(twin)];
    const outcomes: Record<string, unknown>[] = [
      { outcome: 'eligible' },
      { outcome: 'ineligible', comment: 'Outside the thematic scope of the Fund.' },
      { outcome: 'revision_requested', revisionKind: 'technical', points: ['Fix the budget table.'] },
      {
        outcome: 'revision_requested',
        revisionKind: 'substantive',
        points: ['Rework the theory of change.'],
      },
      { outcome: 'eligible', comment: 'Well prepared.' },
    ];
    const body = (i: number) => outcomes[i % outcomes.length];

    const answers = await race((i) => screen(id, body(i)));

    const won = contest(answers, 201, ['CONCEPT_NOTE.INVALID_TRANSITION', 'CONCEPT_NOTE.CONCURRENT_CHANGE']);
    expect(won).toHaveLength(1);
    const winner = answers[won[0]].body;
    expect(winner).toMatchObject({ outcome: body(won[0]).outcome, revision: 1 });
    must(await screen(twin, body(won[0])), 201);
    const moved = await movedAlike(id, before, twin, twinBefore);
    expect(moved).toMatchObject({
      status: `submitted → ${winner.resultingStatus}`,
      audit: { 'concept_note.screened': 1 },
    });
    const screenings = await system.dataSource.query<{ id: string }[]>(
      'SELECT id FROM screenings WHERE note_id = $1',
      [id],
    );
    expect(screenings).toEqual([{ id: winner.id }]);
    await mailedOnce(id, 'screening_outcome', everyone(who));
    await invariants();
  });

  it('takes a technical revision back once out of fifty resubmissions: one new revision, same submission', async () => {
    const who = await cast(['MDA']);
    const [id, twin] = await twins(async () => {
      const note = await submitted(who);
      must(
        await screen(note, {
          outcome: 'revision_requested',
          revisionKind: 'technical',
          points: ['Correct the ILO share in the budget table.'],
        }),
        201,
      );
      must(
        await http(system, 'PUT', notePath(note, '/revision-responses'), {
          token: who.member.token,
          body: { responses: ['Corrected.'] },
        }),
      );
      return note;
    });
    const [before, twinBefore] = [await noteState(id), await noteState(twin)];
    const resubmit = (note: string) =>
      http(system, 'POST', notePath(note, '/resubmit'), { token: who.lead.token, body: {} });

    const answers = await race(() => resubmit(id));

    const won = contest(answers, 200, ['CONCEPT_NOTE.INVALID_TRANSITION', 'CONCEPT_NOTE.CONCURRENT_CHANGE']);
    expect(won).toHaveLength(1);
    must(await resubmit(twin));
    const moved = await movedAlike(id, before, twin, twinBefore);
    expect(moved).toMatchObject({
      status: 'revision_requested → submitted',
      currentRevision: 1,
      revisions: 1,
      referenceCode: 'kept',
      submittedAt: 'kept',
      audit: { 'concept_note.resubmitted': 1 },
    });
    const after = await noteState(id);
    expect(answers[won[0]].body).toMatchObject({ version: after.version, currentRevision: 2 });
    await invariants();
  });

  it('assigns one reviewer once out of fifty assignments to the same note', async () => {
    const who = await cast(['GEO']);
    const reviewer = await createUser(system, { roles: ['reviewer'], organizationCode: 'UNICEF' });
    const [id, twin] = await twins(() => inReview(who));
    const [before, twinBefore] = [await noteState(id), await noteState(twin)];

    const answers = await race(() => assign(id, reviewer.id));

    const won = contest(answers, 201, ['REVIEW.ALREADY_ASSIGNED']);
    expect(won).toHaveLength(1);
    must(await assign(twin, reviewer.id), 201);
    const moved = await movedAlike(id, before, twin, twinBefore);
    expect(moved).toMatchObject({ status: 'in_review → in_review', audit: { 'review.assigned': 1 } });
    const rows = await system.dataSource.query<{ id: string }[]>(
      'SELECT id FROM review_assignments WHERE note_id = $1',
      [id],
    );
    expect(rows).toEqual([{ id: answers[won[0]].body.id }]);
    const [{ n }] = await system.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM notifications WHERE subject_id = $1 AND template = 'review_assigned'`,
      [id],
    );
    expect(n).toBe(1);
    await invariants();
  });

  it('assigns fifty different reviewers at once to one note, each once (no cap applies to assignments)', async () => {
    const who = await cast(['ARM']);
    // Reviewers who never sign in here: straight into the users table, without a password to hash.
    const repository = system.dataSource.getRepository(User);
    const reviewers = await repository.save(
      Array.from({ length: N }, (_, i) =>
        repository.create({
          email: `race-reviewer-${i}@test.mptf.org`,
          name: `Race Reviewer ${i}`,
          roles: ['reviewer'],
          organizationCode: 'UNDP',
        }),
      ),
    );
    const id = await inReview(who);
    const before = await noteState(id);

    const answers = await race((i) => assign(id, reviewers[i].id), { contested: false });

    expect(contest(answers, 201, [])).toHaveLength(N);
    const after = await noteState(id);
    // Assignments do not change the note itself.
    expect(movement(before, after)).toEqual({
      status: 'in_review → in_review',
      version: 0,
      currentRevision: 0,
      revisions: 0,
      referenceCode: 'kept',
      submittedAt: 'kept',
      audit: { 'review.assigned': N },
      mail: { review_assigned: N },
    });
    const rows = await system.dataSource.query<{ id: string; reviewer_id: string }[]>(
      'SELECT id, reviewer_id FROM review_assignments WHERE note_id = $1 ORDER BY id',
      [id],
    );
    expect(rows.map((r) => r.reviewer_id).sort()).toEqual(reviewers.map((r) => r.id).sort());
    expect(rows.map((r) => r.id).sort()).toEqual(answers.map((a) => a.body.id as string).sort());
    const mails = await system.dataSource.query<{ recipient: string }[]>(
      `SELECT recipient_email AS recipient FROM notifications WHERE subject_id = $1 AND template = 'review_assigned'`,
      [id],
    );
    expect(mails.map((m) => m.recipient).sort()).toEqual(reviewers.map((r) => r.email).sort());
    await invariants();
  });

  it('closes the reviews once out of fifty closings, cancelling the open assignment once', async () => {
    const who = await cast(['AZE']);
    const done = await actor(system, ['reviewer'], { organizationCode: 'UNHCR' });
    const late = await createUser(system, { roles: ['reviewer'], organizationCode: 'UNDP' });
    const [id, twin] = await twins(async () => {
      const note = await inReview(who);
      const assignment = must(await assign(note, done.user.id), 201).body.id as string;
      must(await assign(note, late.id), 201);
      must(
        await http(system, 'PUT', `/api/v1/review-assignments/${assignment}/review`, {
          token: done.token,
          body: {
            scores: [4, 3, 3, 2, 4, 3, 2, 1, 4].map((score, i) => ({ code: `Q${i + 1}`, score })),
            recommendation: 'approve',
            submit: true,
          },
        }),
      );
      return note;
    });
    const [before, twinBefore] = [await noteState(id), await noteState(twin)];

    const answers = await race(() => closeReviews(id));

    const won = contest(answers, 200, ['CONCEPT_NOTE.INVALID_TRANSITION']);
    expect(won).toHaveLength(1);
    must(await closeReviews(twin));
    const moved = await movedAlike(id, before, twin, twinBefore);
    expect(moved).toMatchObject({
      status: 'in_review → ready_for_committee',
      audit: { 'concept_note.reviews_closed': 1 },
    });
    expect(answers[won[0]].body.version).toBe((await noteState(id)).version);
    const assignments = await system.dataSource.query<{ reviewer_id: string; status: string }[]>(
      'SELECT reviewer_id, status FROM review_assignments WHERE note_id = $1 ORDER BY status',
      [id],
    );
    expect(assignments).toEqual([
      { reviewer_id: late.id, status: 'cancelled' },
      { reviewer_id: done.user.id, status: 'submitted' },
    ]);
    await invariants();
  });

  it('places a note on the agenda once, keeps one draft of fifty, and releases it once out of fifty releases', async () => {
    const who = await cast(['TUN']);
    const [id, twin] = await twins(() => readyForCommittee(who));
    const lateException = (meetingId: string, note: string) =>
      http(system, 'POST', meetingPath(meetingId, '/agenda'), {
        token: secretariat.token,
        body: { conceptNoteId: note, reason: 'Decided between sessions.' },
      });
    const outcomes: ({ outcome: string } & Record<string, unknown>)[] = [
      { outcome: 'approved' },
      { outcome: 'rejected' },
      { outcome: 'funded', totalAmountUsd: 1000000, fullProgrammeDueOn: '2030-06-30' },
      { outcome: 'revision_requested', points: ['Clarify the role of the municipalities.'] },
      { outcome: 'deferred' },
    ];
    const decision = (note: string, i: number) => ({
      conceptNoteId: note,
      rationale: `Decision number ${i}.`,
      ...outcomes[i % outcomes.length],
    });
    const decide = (meetingId: string, body: Record<string, unknown>) =>
      http(system, 'POST', meetingPath(meetingId, '/decisions'), { token: secretariat.token, body });
    const release = (meetingId: string) =>
      http(system, 'POST', meetingPath(meetingId, '/decisions/release'), { token: secretariat.token });

    // Fifty late exceptions for the same note: one agenda item. (The twin goes on another agenda, so
    // its target meeting changes where the raced note's does not: the twins are compared from here on.)
    const placements = await race(() => lateException(procedure, id));
    const placed = contest(placements, 201, ['MEETING.ALREADY_ON_AGENDA']);
    expect(placed).toHaveLength(1);
    must(await lateException(twinProcedure, twin), 201);
    const items = await system.dataSource.query<{ id: string }[]>(
      'SELECT id FROM agenda_items WHERE note_id = $1',
      [id],
    );
    expect(items).toEqual([{ id: placements[placed[0]].body.id }]);
    expect(await auditCount(id, 'concept_note.placed_on_agenda')).toBe(1);
    expect(await auditCount(procedure, 'agenda.late_exception')).toBe(1);
    const [before, twinBefore] = [await noteState(id), await noteState(twin)];

    // Fifty drafts for the same item: each replaces the one before; one draft remains, the last one written.
    const drafts = await race((i) => decide(procedure, decision(id, i)));
    expect(contest(drafts, 201, [])).toHaveLength(N);
    const rows = await system.dataSource.query<{ id: string; rationale: string; outcome: string }[]>(
      'SELECT id, rationale, outcome FROM decisions WHERE note_id = $1',
      [id],
    );
    expect(rows).toHaveLength(1);
    const [kept] = rows;
    expect(new Set(drafts.map((d) => d.body.id as string))).toEqual(new Set([kept.id]));
    expect(await auditCount(kept.id, 'decision.drafted')).toBe(1);
    expect(await auditCount(kept.id, 'decision.replaced')).toBe(N - 1);
    const last = Number(/\d+/.exec(kept.rationale)![0]);
    expect(kept.outcome).toBe(decision(id, last).outcome);
    must(await decide(twinProcedure, decision(twin, last)), 201);

    // Fifty releases: one releases the draft, the others find none left.
    const releases = await race(() => release(procedure));
    const won = contest(releases, 200, ['DECISION.NO_DRAFTS']);
    expect(won).toHaveLength(1);
    expect(releases[won[0]].body.released).toEqual([
      expect.objectContaining({ id: kept.id, status: 'released', noteStatusBefore: 'ready_for_committee' }),
    ]);
    must(await release(twinProcedure));

    const moved = await movedAlike(id, before, twin, twinBefore);
    const statusAfter: Record<string, string> = {
      approved: 'approved',
      rejected: 'rejected',
      funded: 'funded',
      revision_requested: 'revision_requested',
      deferred: 'ready_for_committee',
    };
    expect(moved).toMatchObject({
      status: `ready_for_committee → ${statusAfter[kept.outcome]}`,
      audit: { 'concept_note.decided': 1 },
    });
    expect(await auditCount(kept.id, 'decision.released')).toBe(1);
    const released = await system.dataSource.query<{ status: string }[]>(
      'SELECT status FROM decisions WHERE note_id = $1',
      [id],
    );
    expect(released).toEqual([{ status: 'released' }]);
    // A deferral carries the item to the next meeting once; any other outcome leaves it where it is.
    const agenda = await system.dataSource.query<{ meeting_id: string; status: string }[]>(
      'SELECT meeting_id, status FROM agenda_items WHERE note_id = $1 ORDER BY created_at',
      [id],
    );
    expect(agenda).toEqual(
      kept.outcome === 'deferred'
        ? [
            { meeting_id: procedure, status: 'carried_over' },
            { meeting_id: twinProcedure, status: 'listed' },
          ]
        : [{ meeting_id: procedure, status: 'listed' }],
    );
    await mailedOnce(id, 'decision_released', everyone(who));
    await invariants();
  });

  it('keeps fifty concurrent funding drafts on five notes within the envelope: three notes fit, the rest answer 409', async () => {
    const who = await cast(['MAR']);
    const notes: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const note = await readyForCommittee(who);
      must(
        await http(system, 'POST', meetingPath(enveloped, '/agenda'), {
          token: secretariat.token,
          body: { conceptNoteId: note, reason: 'Decided between sessions.' },
        }),
        201,
      );
      notes.push(note);
    }
    const noteOf = (i: number) => notes[i % notes.length];

    // 300,000 each on an envelope of 1,000,000: whichever three notes are drafted first fit; a fourth
    // would not. A note's own draft does not count against its replacement, so every request for those
    // three succeeds and every request for the other two is refused.
    const answers = await race((i) =>
      http(system, 'POST', meetingPath(enveloped, '/decisions'), {
        token: secretariat.token,
        body: {
          conceptNoteId: noteOf(i),
          outcome: 'funded',
          rationale: `Funding request ${i}.`,
          totalAmountUsd: 300000,
          fullProgrammeDueOn: '2030-06-30',
        },
      }),
    );

    const won = contest(answers, 201, ['DECISION.OVER_ENVELOPE']);
    const funded = [...new Set(won.map(noteOf))];
    expect(funded).toHaveLength(3);
    expect(won).toEqual(answers.flatMap((_, i) => (funded.includes(noteOf(i)) ? [i] : [])));
    const drafts = await system.dataSource.query<{ note_id: string; total: string }[]>(
      `SELECT note_id, total_amount_usd::text AS total FROM decisions WHERE meeting_id = $1 ORDER BY note_id`,
      [enveloped],
    );
    expect(drafts).toEqual([...funded].sort().map((note_id) => ({ note_id, total: '300000.00' })));

    // Fifty releases of the three drafts: one releases them all together, the others find none left.
    const versions = new Map(
      await Promise.all(notes.map(async (n) => [n, (await noteState(n)).version] as const)),
    );
    const releases = await race(() =>
      http(system, 'POST', meetingPath(enveloped, '/decisions/release'), { token: secretariat.token }),
    );
    const released = contest(releases, 200, ['DECISION.NO_DRAFTS']);
    expect(released).toHaveLength(1);
    expect(releases[released[0]].body.released).toHaveLength(3);
    for (const note of notes) {
      const state = await noteState(note);
      expect([
        state.status,
        state.audit['concept_note.decided'] ?? 0,
        state.mail.decision_released ?? 0,
      ]).toEqual(funded.includes(note) ? ['funded', 1, everyone(who).length] : ['ready_for_committee', 0, 0]);
      expect(state.version - versions.get(note)!).toBe(funded.includes(note) ? 1 : 0);
    }
    const [{ total }] = await system.dataSource.query<{ total: string }[]>(
      `SELECT sum(total_amount_usd)::text AS total FROM decisions WHERE meeting_id = $1 AND status = 'released'`,
      [enveloped],
    );
    expect(total).toBe('900000.00');
    await mailedOnce(funded[0], 'decision_released', everyone(who));
    await invariants();
  });
});
