import type { ReceivedMail } from '../smtp-receiver';
import { actor, http, startTestSystem, TestClock, type HttpAnswer, type TestSystem } from '../harness';
import { PDF_BYTES, readyDraft, upload } from '../factories';

/**
 * Endorsement is submission (DESIGN §3), the regional/global route, and the scope rules of §1/§4
 * around them. Each test uses countries of its own, so the RCs and RC office it creates are the only
 * officials its notes can reach.
 */

type SignedIn = Awaited<ReturnType<typeof actor>>;

const notePath = (id: string, rest = '') => `/api/v1/concept-notes/${id}${rest}`;

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

function getNote(system: TestSystem, who: SignedIn, id: string): Promise<HttpAnswer> {
  return http(system, 'GET', notePath(id), { token: who.token });
}

function endorse(
  system: TestSystem,
  who: SignedIn,
  id: string,
  body: Record<string, unknown> = { decision: 'endorse' },
): Promise<HttpAnswer> {
  return http(system, 'POST', notePath(id, '/endorsements'), { token: who.token, body });
}

async function requestEndorsement(system: TestSystem, lead: SignedIn, id: string): Promise<HttpAnswer> {
  return must(await http(system, 'POST', notePath(id, '/endorsement-requests'), { token: lead.token }));
}

/** Edits the note as its reader last saw it (If-Match from the ETag). */
async function edit(
  system: TestSystem,
  who: SignedIn,
  id: string,
  body: Record<string, unknown>,
): Promise<HttpAnswer> {
  const read = must(await getNote(system, who, id));
  return http(system, 'PATCH', notePath(id), {
    token: who.token,
    body,
    headers: { 'if-match': String(read.headers.etag) },
  });
}

type CountryState = { countryCode: string; state: string; by?: string; kind?: string };

/** countryCode → state, from the note as its reader sees it. */
function states(note: { endorsements: CountryState[] }): Record<string, string> {
  return Object.fromEntries(note.endorsements.map((e) => [e.countryCode, e.state]));
}

async function auditCount(system: TestSystem, noteId: string, action: string): Promise<number> {
  const [row] = await system.dataSource.query<{ n: number }[]>(
    `SELECT count(*)::int AS n FROM audit_events WHERE entity_type = 'concept_note' AND entity_id = $1 AND action = $2`,
    [noteId, action],
  );
  return row.n;
}

type AuditRow = { actorId: string | null; before: unknown; after: Record<string, unknown> | null };

/** The audit events of one entity and action, oldest first. */
async function auditEvents(system: TestSystem, entityId: string, action: string): Promise<AuditRow[]> {
  return system.dataSource.query(
    `SELECT actor_id AS "actorId", before, after FROM audit_events
      WHERE entity_id = $1 AND action = $2 ORDER BY occurred_at, id`,
    [entityId, action],
  );
}

function ids(answer: HttpAnswer): string[] {
  return (answer.body.items as { id: string }[]).map((n) => n.id);
}

async function referenceCounter(system: TestSystem, year: number): Promise<number> {
  const rows = await system.dataSource.query<{ last: number }[]>(
    'SELECT last FROM reference_counters WHERE year = $1',
    [year],
  );
  return rows[0]?.last ?? 0;
}

/** Active (endorsed, not withdrawn) endorsements of a note per revision and country. */
async function activeEndorsements(
  system: TestSystem,
  noteId: string,
): Promise<{ revision: number; countryCode: string; n: number }[]> {
  return system.dataSource.query(
    `SELECT r.number AS revision, e.country_code AS "countryCode", count(*)::int AS n
       FROM endorsements e JOIN concept_note_revisions r ON r.id = e.revision_id
      WHERE e.note_id = $1 AND e.decision = 'endorsed' AND e.withdrawn_at IS NULL
      GROUP BY r.number, e.country_code
      ORDER BY r.number, e.country_code`,
    [noteId],
  );
}

function notificationId(mail: ReceivedMail): string {
  const value = mail.headers.get('x-mptf-notification');
  return typeof value === 'string' ? value : '';
}

/**
 * The e-mails of one template about one note, once the outbox says every one of them was sent: no
 * more can arrive for it afterwards, so counts per recipient are final.
 */
async function deliveredMails(system: TestSystem, noteId: string, template: string): Promise<ReceivedMail[]> {
  let ids: string[] = [];
  const deadline = Date.now() + 20_000;
  for (;;) {
    const rows = await system.dataSource.query<{ id: string; status: string }[]>(
      'SELECT id, status FROM notifications WHERE subject_id = $1 AND template = $2',
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

/** How many of `mails` each address received. */
function perRecipient(mails: ReceivedMail[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const address of mails.flatMap((m) => m.to)) counts[address] = (counts[address] ?? 0) + 1;
  return counts;
}

const once = (...people: SignedIn[]) => Object.fromEntries(people.map((p) => [p.user.email, 1]));

describe('endorsement is submission', () => {
  let system: TestSystem;
  const clock = new TestClock(new Date('2026-11-02T09:00:00.000Z'));
  beforeAll(async () => {
    system = await startTestSystem({ clock, worker: true });
  });
  afterAll(() => system.close());

  it('submits a multi-country note when its last country is covered, at that instant, with the first code of the year', async () => {
    clock.set('2026-11-02T09:00:00.000Z');
    const lead = await actor(system, ['applicant'], { organizationCode: 'IOM' });
    const rcSerbia = await actor(system, ['resident_coordinator'], { countryCodes: ['SRB'] });
    const rcMacedonia = await actor(system, ['resident_coordinator'], { countryCodes: ['MKD'] });
    const id = await readyDraft(system, lead.token, { countryCodes: ['SRB', 'MKD'] });

    const requested = await requestEndorsement(system, lead, id);
    expect(requested.body).toMatchObject({ status: 'awaiting_endorsement', referenceCode: null });

    clock.set('2026-11-02T15:00:00.000Z');
    const first = await endorse(system, rcSerbia, id);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      status: 'awaiting_endorsement',
      referenceCode: null,
      submittedAt: null,
    });
    expect(states(first.body)).toEqual({ SRB: 'endorsed', MKD: 'pending' });
    const meanwhile = must(await getNote(system, lead, id));
    expect(meanwhile.body).toMatchObject({ status: 'awaiting_endorsement', referenceCode: null });

    clock.set('2026-11-03T10:15:30.123Z');
    const last = await endorse(system, rcMacedonia, id);
    expect(last.status).toBe(200);
    expect(last.body).toMatchObject({
      status: 'submitted',
      submittedAt: '2026-11-03T10:15:30.123Z',
      referenceCode: 'MIG-CN-2026-0001',
    });
    expect(states(last.body)).toEqual({ SRB: 'endorsed', MKD: 'endorsed' });
  });

  it('lets an RC covering both listed countries endorse once for both, which submits the note', async () => {
    const lead = await actor(system, ['applicant'], { organizationCode: 'IOM' });
    const rcBoth = await actor(system, ['resident_coordinator'], {
      countryCodes: ['BIH', 'MNE', 'HRV'],
      name: 'Rada Both',
    });
    const id = await readyDraft(system, lead.token, { countryCodes: ['BIH', 'MNE'] });
    await requestEndorsement(system, lead, id);

    const answer = await endorse(system, rcBoth, id);
    expect(answer.status).toBe(200);
    expect(answer.body.status).toBe('submitted');
    expect(answer.body.referenceCode).toMatch(/^MIG-CN-2026-\d{4}$/);
    expect(answer.body.endorsements).toEqual([
      expect.objectContaining({ countryCode: 'BIH', state: 'endorsed', by: 'Rada Both' }),
      expect.objectContaining({ countryCode: 'MNE', state: 'endorsed', by: 'Rada Both' }),
    ]);
    expect(await auditCount(system, id, 'concept_note.endorsed')).toBe(1);
    expect(await auditCount(system, id, 'concept_note.submitted')).toBe(1);
    expect(problem(await endorse(system, rcBoth, id)).status).toBe(409);
  });

  it('shows a draft to its team alone, and a requested note only to the officials of its countries', async () => {
    const lead = await actor(system, ['applicant'], { organizationCode: 'IOM' });
    const rcMoldova = await actor(system, ['resident_coordinator'], { countryCodes: ['MDA'] });
    const officeMoldova = await actor(system, ['rc_office'], { countryCodes: ['MDA'] });
    const rcElsewhere = await actor(system, ['resident_coordinator'], { countryCodes: ['GEO'] });
    const otherApplicant = await actor(system, ['applicant'], { organizationCode: 'IOM' });
    const secretariat = await actor(system, ['secretariat']);
    const id = await readyDraft(system, lead.token, { countryCodes: ['MDA', 'UKR'] });

    // A draft: the team's alone (the secretariat sees everything, DESIGN §1).
    expect((await getNote(system, lead, id)).status).toBe(200);
    for (const outsider of [rcMoldova, officeMoldova, rcElsewhere, otherApplicant]) {
      expect(problem(await getNote(system, outsider, id))).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    }
    expect(problem(await endorse(system, rcMoldova, id)).status).toBe(404);
    expect((await getNote(system, secretariat, id)).status).toBe(200);

    await requestEndorsement(system, lead, id);

    // The RC of another country still learns nothing about it.
    expect(problem(await getNote(system, rcElsewhere, id))).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    expect(problem(await endorse(system, rcElsewhere, id))).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    expect(
      problem(await http(system, 'DELETE', notePath(id, '/endorsements/mine'), { token: rcElsewhere.token }))
        .status,
    ).toBe(404);
    expect(problem(await getNote(system, otherApplicant, id)).status).toBe(404);

    // The RC office of a listed country follows it, but endorses only under a delegation.
    const seen = await getNote(system, officeMoldova, id);
    expect(seen.status).toBe(200);
    expect(states(seen.body)).toEqual({ MDA: 'pending', UKR: 'pending' });
    expect(problem(await endorse(system, officeMoldova, id))).toMatchObject({
      status: 403,
      code: 'CONCEPT_NOTE.ACTION_FORBIDDEN',
    });
    expect(
      problem(await endorse(system, officeMoldova, id, { decision: 'return', comment: 'No.' })).status,
    ).toBe(403);
    expect(states(must(await getNote(system, lead, id)).body)).toEqual({ MDA: 'pending', UKR: 'pending' });

    // Its own RC sees it and may endorse.
    expect((await getNote(system, rcMoldova, id)).status).toBe(200);
    expect((await endorse(system, rcMoldova, id)).status).toBe(200);
  });

  it('submits once when the RCs of different countries endorse at the same time', async () => {
    const lead = await actor(system, ['applicant'], { organizationCode: 'IOM' });
    const rcKenya = await actor(system, ['resident_coordinator'], { countryCodes: ['KEN'] });
    const rcUganda = await actor(system, ['resident_coordinator'], { countryCodes: ['UGA'] });
    const id = await readyDraft(system, lead.token, { countryCodes: ['KEN', 'UGA'] });
    await requestEndorsement(system, lead, id);
    const counterBefore = await referenceCounter(system, 2026);

    const answers = await Promise.all([endorse(system, rcKenya, id), endorse(system, rcUganda, id)]);

    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    const note = must(await getNote(system, lead, id)).body;
    expect(note.status).toBe('submitted');
    expect(states(note)).toEqual({ KEN: 'endorsed', UGA: 'endorsed' });
    expect(await auditCount(system, id, 'concept_note.submitted')).toBe(1);
    expect(await referenceCounter(system, 2026)).toBe(counterBefore + 1);
    expect(note.referenceCode).toBe(`MIG-CN-2026-${String(counterBefore + 1).padStart(4, '0')}`);

    const mails = await deliveredMails(system, id, 'concept_note_submitted');
    expect(perRecipient(mails)).toEqual(once(lead, rcKenya, rcUganda));
    for (const mail of mails) expect(mail.subject).toContain(note.referenceCode);
  });

  it('leaves one consistent state after fifty concurrent endorsements, withdrawals and recalls', async () => {
    const lead = await actor(system, ['applicant'], { organizationCode: 'IOM' });
    const countries = ['GHA', 'SEN', 'CIV', 'MLI', 'NER'];
    const rcs: SignedIn[] = [];
    for (const country of countries) {
      rcs.push(await actor(system, ['resident_coordinator'], { countryCodes: [country] }));
    }
    const id = await readyDraft(system, lead.token, { countryCodes: countries });
    await requestEndorsement(system, lead, id);

    type Op = 'endorse' | 'withdraw' | 'recall';
    const ops: Op[] = Array.from({ length: 50 }, (_, i) =>
      i === 23 || i === 41 ? 'recall' : i % 3 === 2 ? 'withdraw' : 'endorse',
    );
    const answers = await Promise.all(
      ops.map((op, i) => {
        const rc = rcs[i % rcs.length];
        // Every request carries a JSON body, so none reaches the note's lock sooner for having none.
        if (op === 'recall') {
          return http(system, 'POST', notePath(id, '/endorsement-requests/recall'), {
            token: lead.token,
            body: {},
          });
        }
        if (op === 'withdraw') {
          return http(system, 'DELETE', notePath(id, '/endorsements/mine'), { token: rc.token, body: {} });
        }
        return endorse(system, rc, id);
      }),
    );

    expect([...new Set(answers.map((a) => a.status))].filter((s) => s !== 200 && s !== 409)).toEqual([]);
    const succeeded = (op: Op) => answers.filter((a, i) => ops[i] === op && a.status === 200).length;

    // Every answer told the truth: each success left its audit event, each refusal none.
    expect(await auditCount(system, id, 'concept_note.endorsed')).toBe(succeeded('endorse'));
    expect(await auditCount(system, id, 'concept_note.endorsement_withdrawn')).toBe(succeeded('withdraw'));
    expect(await auditCount(system, id, 'concept_note.recalled')).toBe(succeeded('recall'));

    const [row] = await system.dataSource.query<
      { status: string; reference_code: string | null; current_revision: number }[]
    >('SELECT status, reference_code, current_revision FROM concept_notes WHERE id = $1', [id]);
    const active = await activeEndorsements(system, id);
    expect(active.filter((a) => a.n !== 1)).toEqual([]);
    // Each RC covers one country: each accepted endorsement added one, each accepted withdrawal took one.
    expect(active.length).toBe(succeeded('endorse') - succeeded('withdraw'));
    const covered = active.filter((a) => a.revision === row.current_revision).map((a) => a.countryCode);
    const submissions = await auditCount(system, id, 'concept_note.submitted');

    expect(['submitted', 'awaiting_endorsement', 'draft']).toContain(row.status);
    if (row.status === 'submitted') {
      expect(covered.sort()).toEqual([...countries].sort());
      expect(row.reference_code).toMatch(/^MIG-CN-2026-\d{4}$/);
      expect(submissions).toBe(1);
      expect(succeeded('recall')).toBe(0);
    } else {
      expect(row.reference_code).toBeNull();
      expect(submissions).toBe(0);
      // Still waiting means some country is uncovered; draft means the lead's recall won once.
      if (row.status === 'awaiting_endorsement') expect(covered.length).toBeLessThan(countries.length);
      expect(succeeded('recall')).toBe(row.status === 'draft' ? 1 : 0);
    }
  });

  it('refuses, in the database, a second active endorsement of one country on one revision', async () => {
    const lead = await actor(system, ['applicant'], { organizationCode: 'IOM' });
    const rc = await actor(system, ['resident_coordinator'], { countryCodes: ['MAR'] });
    const id = await readyDraft(system, lead.token, { scope: 'national', countryCodes: ['MAR'] });
    await requestEndorsement(system, lead, id);
    must(await endorse(system, rc, id));
    const [existing] = await system.dataSource.query<Record<string, string>[]>(
      'SELECT revision_id, endorser_id FROM endorsements WHERE note_id = $1',
      [id],
    );
    const insert = (decision: string, withdrawnAt: Date | null) =>
      system.dataSource.query(
        `INSERT INTO endorsements (note_id, revision_id, country_code, decision, kind, endorser_id, withdrawn_at)
         VALUES ($1, $2, 'MAR', $3, 'resident_coordinator', $4, $5)`,
        [id, existing.revision_id, decision, existing.endorser_id, withdrawnAt],
      );

    await expect(insert('endorsed', null)).rejects.toMatchObject({ code: '23505' });
    // The index is partial: returns and withdrawn endorsements of the same country may pile up.
    await expect(insert('returned', null)).resolves.toBeDefined();
    await expect(insert('endorsed', new Date())).resolves.toBeDefined();
    expect(await activeEndorsements(system, id)).toEqual([{ revision: 1, countryCode: 'MAR', n: 1 }]);
  });

  it('voids every endorsement when the returned note is edited, and keeps them when it is asked again unchanged', async () => {
    const lead = await actor(system, ['applicant'], { organizationCode: 'IOM' });
    const rcEthiopia = await actor(system, ['resident_coordinator'], { countryCodes: ['ETH'] });
    const rcSomalia = await actor(system, ['resident_coordinator'], { countryCodes: ['SOM'] });
    const countries = { countryCodes: ['ETH', 'SOM'] };

    const returned = async (title: string) => {
      const id = await readyDraft(system, lead.token, { ...countries, title });
      expect((await requestEndorsement(system, lead, id)).body.currentRevision).toBe(1);
      must(await endorse(system, rcEthiopia, id));
      expect(problem(await endorse(system, rcSomalia, id, { decision: 'return' }))).toEqual({
        status: 400,
        code: 'VALIDATION_FAILED',
        fields: ['comment'],
      });
      expect(
        problem(await endorse(system, rcSomalia, id, { decision: 'return', comment: '   ' })).fields,
      ).toEqual(['comment']);
      const back = await endorse(system, rcSomalia, id, {
        decision: 'return',
        comment: 'Please involve the Ministry of Interior.',
      });
      expect(back.status).toBe(200);
      expect(back.body.status).toBe('draft');
      return id;
    };

    // Edited: a new revision, both countries pending again, the earlier endorsement void.
    const edited = await returned('Return then edit');
    const changed = await edit(system, lead, edited, { summary: 'Now with the Ministry of Interior.' });
    expect(changed.status).toBe(200);
    const again = await requestEndorsement(system, lead, edited);
    expect(again.body.status).toBe('awaiting_endorsement');
    expect(again.body.currentRevision).toBe(2);
    expect(states(again.body)).toEqual({ ETH: 'pending', SOM: 'pending' });
    const afterSomalia = await endorse(system, rcSomalia, edited);
    expect(afterSomalia.body.status).toBe('awaiting_endorsement');
    expect((await endorse(system, rcEthiopia, edited)).body.status).toBe('submitted');

    // Unchanged: same revision, Ethiopia's endorsement stands, only Somalia is asked.
    const unchanged = await returned('Return then ask again');
    const same = await requestEndorsement(system, lead, unchanged);
    expect(same.body.status).toBe('awaiting_endorsement');
    expect(same.body.currentRevision).toBe(1);
    expect(states(same.body)).toEqual({ ETH: 'endorsed', SOM: 'pending' });
    expect((await endorse(system, rcSomalia, unchanged)).body.status).toBe('submitted');
  });

  it('gives gap-free reference codes to twenty notes submitted at the same time', async () => {
    clock.set('2027-01-15T08:00:00.000Z');
    const lead = await actor(system, ['applicant'], { organizationCode: 'IOM' });
    const rcTunisia = await actor(system, ['resident_coordinator'], { countryCodes: ['TUN'] });
    const ids: string[] = [];
    for (let i = 0; i < 20; i += 1) {
      const id = await readyDraft(system, lead.token, {
        scope: 'national',
        countryCodes: ['TUN'],
        title: `Parallel note ${i + 1}`,
      });
      await requestEndorsement(system, lead, id);
      ids.push(id);
    }

    const answers = await Promise.all(ids.map((id) => endorse(system, rcTunisia, id)));

    expect(answers.map((a) => a.status)).toEqual(ids.map(() => 200));
    const codes = await Promise.all(
      ids.map(async (id) => must(await getNote(system, lead, id)).body.referenceCode as string),
    );
    expect([...codes].sort()).toEqual(
      Array.from({ length: 20 }, (_, i) => `MIG-CN-2027-${String(i + 1).padStart(4, '0')}`),
    );
  });
});

describe('acting RCs, offline endorsements and frozen revisions', () => {
  let system: TestSystem;
  const clock = new TestClock(new Date('2026-11-02T09:00:00.000Z'));
  beforeAll(async () => {
    system = await startTestSystem({ clock });
  });
  afterAll(() => system.close());

  it('lets a delegate endorse as acting RC only within the delegation, in the RC’s time zone', async () => {
    clock.set('2026-11-02T09:00:00.000Z');
    const lead = await actor(system, ['applicant'], { organizationCode: 'IOM' });
    // Belgrade is UTC+1 in November: its days start at 23:00 UTC the evening before.
    const rc = await actor(system, ['resident_coordinator'], {
      countryCodes: ['SRB'],
      name: 'Amina Rc',
      timeZone: 'Europe/Belgrade',
    });
    const office = await actor(system, ['rc_office'], { countryCodes: ['SRB'], name: 'Marko Office' });
    const stranger = await actor(system, ['rc_office'], { countryCodes: [], name: 'Lena Elsewhere' });
    const id = await readyDraft(system, lead.token, { countryCodes: ['SRB', 'MKD'] });
    await requestEndorsement(system, lead, id);

    const delegate = (delegateId: string, startsOn: string, endsOn: string) =>
      http(system, 'POST', '/api/v1/delegations', {
        token: rc.token,
        body: { delegateId, startsOn, endsOn },
      });
    expect(problem(await delegate(office.user.id, '2026-11-10', '2026-11-09'))).toEqual({
      status: 400,
      code: 'VALIDATION_FAILED',
      fields: ['endsOn'],
    });
    const created = await delegate(office.user.id, '2026-11-10', '2026-11-12');
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ delegateName: 'Marko Office', residentCoordinatorName: 'Amina Rc' });
    must(await delegate(stranger.user.id, '2026-11-10', '2026-11-12'), 201);

    // 23:30 on 9 November in Belgrade: the day before. The office member sees the note, may not act.
    clock.set('2026-11-09T22:30:00.000Z');
    expect(problem(await endorse(system, office, id))).toMatchObject({
      status: 403,
      code: 'CONCEPT_NOTE.ACTION_FORBIDDEN',
    });
    // Someone who sees the note only through the delegation does not see it outside it.
    expect(problem(await endorse(system, stranger, id)).status).toBe(404);
    expect(problem(await getNote(system, stranger, id)).status).toBe(404);

    // 00:30 on 13 November in Belgrade: the day after.
    clock.set('2026-11-12T23:30:00.000Z');
    expect(problem(await endorse(system, office, id)).status).toBe(403);
    expect(problem(await endorse(system, stranger, id)).status).toBe(404);
    expect(states(must(await getNote(system, lead, id)).body)).toEqual({ SRB: 'pending', MKD: 'pending' });

    // 00:30 on 10 November in Belgrade: the first day.
    clock.set('2026-11-09T23:30:00.000Z');
    expect((await getNote(system, stranger, id)).status).toBe(200);
    const acting = await endorse(system, office, id);
    expect(acting.status).toBe(200);
    expect(acting.body.status).toBe('awaiting_endorsement');
    expect(acting.body.endorsements).toEqual([
      expect.objectContaining({
        countryCode: 'SRB',
        state: 'endorsed',
        kind: 'acting',
        by: 'Marko Office for RC Amina Rc',
      }),
      expect.objectContaining({ countryCode: 'MKD', state: 'pending' }),
    ]);
  });

  it('records an offline endorsement by the secretariat only with a letter it uploaded and a reason', async () => {
    clock.set('2026-11-04T09:00:00.000Z');
    const lead = await actor(system, ['applicant'], { organizationCode: 'IOM' });
    const rcZambia = await actor(system, ['resident_coordinator'], { countryCodes: ['ZMB'] });
    const secretariat = await actor(system, ['secretariat'], { name: 'Sofia Secretariat' });
    const id = await readyDraft(system, lead.token, { countryCodes: ['ZMB', 'MWI'] });
    const requested = await requestEndorsement(system, lead, id);
    // The secretariat covers a country only offline: its role may not endorse as an RC.
    expect(problem(await endorse(system, secretariat, id))).toMatchObject({
      status: 403,
      code: 'CONCEPT_NOTE.ACTION_FORBIDDEN',
    });
    const letterUrl = notePath(id, '/attachments?kind=endorsement_letter');
    const letterFile = { filename: 'signed-letter.pdf', data: PDF_BYTES };

    expect(problem(await upload(system, letterUrl, lead.token, letterFile))).toMatchObject({
      status: 403,
      code: 'ATTACHMENT.FORBIDDEN',
    });
    const letter = await upload(system, letterUrl, secretariat.token, letterFile);
    expect(letter.status).toBe(201);
    expect(letter.body.kind).toBe('endorsement_letter');

    const offline = (body: Record<string, unknown>) =>
      http(system, 'POST', notePath(id, '/offline-endorsements'), { token: secretariat.token, body });
    const reason = 'The RC signed on paper during a connectivity outage.';
    expect(problem(await offline({ countryCode: 'MWI', reason }))).toEqual({
      status: 400,
      code: 'VALIDATION_FAILED',
      fields: ['letterAttachmentId'],
    });
    expect(problem(await offline({ countryCode: 'MWI', letterAttachmentId: letter.body.id }))).toEqual({
      status: 400,
      code: 'VALIDATION_FAILED',
      fields: ['reason'],
    });
    // The template is no letter.
    expect(
      problem(await offline({ countryCode: 'MWI', letterAttachmentId: requested.body.template.id, reason })),
    ).toEqual({ status: 400, code: 'VALIDATION_FAILED', fields: ['letterAttachmentId'] });
    expect(
      problem(await offline({ countryCode: 'ZWE', letterAttachmentId: letter.body.id, reason })).fields,
    ).toEqual(['countryCode']);
    expect(states(must(await getNote(system, lead, id)).body)).toEqual({ ZMB: 'pending', MWI: 'pending' });

    must(await endorse(system, rcZambia, id));
    const last = await offline({ countryCode: 'MWI', letterAttachmentId: letter.body.id, reason });
    expect(last.status).toBe(200);
    expect(last.body.status).toBe('submitted');
    expect(last.body.referenceCode).toMatch(/^MIG-CN-2026-\d{4}$/);
    expect(last.body.endorsements).toEqual([
      expect.objectContaining({ countryCode: 'ZMB', state: 'endorsed', kind: 'resident_coordinator' }),
      expect.objectContaining({
        countryCode: 'MWI',
        state: 'endorsed',
        kind: 'offline',
        by: 'Sofia Secretariat',
      }),
    ]);
  });

  it('never changes a submitted revision: not through the API, not in the database', async () => {
    const lead = await actor(system, ['applicant'], { organizationCode: 'IOM' });
    const rcNepal = await actor(system, ['resident_coordinator'], { countryCodes: ['NPL'] });
    const title = 'Safer foreign employment from Nepal';
    const id = await readyDraft(system, lead.token, { scope: 'national', countryCodes: ['NPL'], title });
    await requestEndorsement(system, lead, id);
    expect((await endorse(system, rcNepal, id)).body.status).toBe('submitted');

    expect(problem(await edit(system, lead, id, { title: 'Rewritten after submission' }))).toMatchObject({
      status: 409,
      code: 'CONCEPT_NOTE.INVALID_TRANSITION',
    });
    await expect(
      system.dataSource.query(`UPDATE concept_note_revisions SET content = '{}'::jsonb WHERE note_id = $1`, [
        id,
      ]),
    ).rejects.toThrow(/concept_note_revisions is append-only: UPDATE refused/);
    await expect(
      system.dataSource.query('DELETE FROM concept_note_revisions WHERE note_id = $1', [id]),
    ).rejects.toThrow(/concept_note_revisions is append-only: DELETE refused/);

    const revisions = await http(system, 'GET', notePath(id, '/revisions'), { token: rcNepal.token });
    expect(revisions.status).toBe(200);
    expect(revisions.body).toHaveLength(1);
    expect(revisions.body[0]).toMatchObject({
      number: 1,
      content: { title, scope: 'national', countryCodes: ['NPL'] },
    });
    expect(must(await getNote(system, lead, id)).body.title).toBe(title);
  });
});

describe('withdrawal, the regional route and their e-mails', () => {
  let system: TestSystem;
  const clock = new TestClock(new Date('2026-11-05T09:00:00.000Z'));
  beforeAll(async () => {
    system = await startTestSystem({ clock, worker: true });
  });
  afterAll(() => system.close());

  it('lets the lead alone withdraw a note once, and tells its team and RCs why', async () => {
    const lead = await actor(system, ['applicant'], { organizationCode: 'IOM' });
    const member = await actor(system, ['applicant'], { organizationCode: 'ILO' });
    const rcBangladesh = await actor(system, ['resident_coordinator'], { countryCodes: ['BGD'] });
    const rcSriLanka = await actor(system, ['resident_coordinator'], { countryCodes: ['LKA'], locale: 'fr' });
    const officeBangladesh = await actor(system, ['rc_office'], { countryCodes: ['BGD'] });
    await actor(system, ['resident_coordinator'], { countryCodes: ['IND'] });
    const id = await readyDraft(system, lead.token, { countryCodes: ['BGD', 'LKA'] });
    must(
      await http(system, 'PUT', notePath(id, '/team'), {
        token: lead.token,
        body: { memberIds: [member.user.id] },
      }),
    );
    await requestEndorsement(system, lead, id);
    const withdraw = (who: SignedIn, body: Record<string, unknown>) =>
      http(system, 'POST', notePath(id, '/withdraw'), { token: who.token, body });
    const reason = 'The programme is now funded by a bilateral donor.';

    expect(problem(await withdraw(member, { reason }))).toMatchObject({
      status: 403,
      code: 'CONCEPT_NOTE.ACTION_FORBIDDEN',
    });
    expect(problem(await withdraw(lead, {})).fields).toEqual(['reason']);
    const withdrawn = await withdraw(lead, { reason });
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body).toMatchObject({ status: 'withdrawn', withdrawalReason: reason });
    expect(problem(await withdraw(lead, { reason }))).toMatchObject({
      status: 409,
      code: 'CONCEPT_NOTE.INVALID_TRANSITION',
    });

    const mails = await deliveredMails(system, id, 'concept_note_withdrawn');
    expect(perRecipient(mails)).toEqual(once(lead, member, rcBangladesh, rcSriLanka, officeBangladesh));
    for (const mail of mails) expect(mail.text).toContain(reason);
    expect(mails.find((m) => m.to.includes(rcSriLanka.user.email))?.subject).toMatch(
      /^Note conceptuelle retirée/,
    );
  });

  it('routes a regional note through a focal point’s sign-off and the lead’s submission, informing the RCs and RC office', async () => {
    const lead = await actor(system, ['applicant'], { organizationCode: 'IOM' });
    const focalPoint = await actor(system, ['applicant'], { organizationCode: 'IOM' });
    const secretariat = await actor(system, ['secretariat']);
    const rcSerbia = await actor(system, ['resident_coordinator'], { countryCodes: ['SRB'] });
    const rcMacedonia = await actor(system, ['resident_coordinator'], {
      countryCodes: ['MKD'],
      locale: 'fr',
    });
    const rcAlbania = await actor(system, ['resident_coordinator'], { countryCodes: ['ALB'] });
    const officeSerbia = await actor(system, ['rc_office'], { countryCodes: ['SRB'] });
    const title = 'Regional labour mobility in the Western Balkans';
    const id = await readyDraft(system, lead.token, {
      title,
      scope: 'regional',
      countryCodes: ['SRB', 'MKD', 'ALB'],
      conveningOrganizationCode: 'IOM',
    });
    const submit = () => http(system, 'POST', notePath(id, '/submit'), { token: lead.token });
    const signOff = () => http(system, 'POST', notePath(id, '/sign-off'), { token: focalPoint.token });

    expect(
      problem(await http(system, 'POST', notePath(id, '/endorsement-requests'), { token: lead.token })),
    ).toMatchObject({ status: 409, code: 'CONCEPT_NOTE.WRONG_ROUTE' });
    expect(problem(await submit())).toMatchObject({ status: 409, code: 'CONCEPT_NOTE.NOT_SIGNED_OFF' });
    expect(problem(await signOff()).status).toBe(404);
    expect(problem(await http(system, 'POST', notePath(id, '/sign-off'), { token: lead.token })).status).toBe(
      403,
    );

    must(
      await http(system, 'PATCH', '/api/v1/organizations/IOM', {
        token: secretariat.token,
        body: { focalPointUserIds: [focalPoint.user.id] },
      }),
    );
    expect((await signOff()).status).toBe(200);
    // An edit after the sign-off voids it.
    must(await edit(system, lead, id, { summary: 'A regional programme, revised after the sign-off.' }));
    expect(problem(await submit())).toMatchObject({ status: 409, code: 'CONCEPT_NOTE.NOT_SIGNED_OFF' });
    expect(problem(await getNote(system, rcSerbia, id)).status).toBe(404);

    expect((await signOff()).status).toBe(200);
    const submitted = await submit();
    expect(submitted.status).toBe(200);
    expect(submitted.body.status).toBe('submitted');
    expect(submitted.body.currentRevision).toBe(1);
    const code = submitted.body.referenceCode as string;
    expect(code).toMatch(/^MIG-CN-2026-\d{4}$/);
    expect((await getNote(system, rcSerbia, id)).status).toBe(200);

    const mails = await deliveredMails(system, id, 'regional_note_submitted');
    // DESIGN §3: the RCs and the RC office of the note's countries.
    expect(perRecipient(mails)).toEqual(once(rcSerbia, rcMacedonia, rcAlbania, officeSerbia));
    const subjectOf = (who: SignedIn) => mails.find((m) => m.to.includes(who.user.email))?.subject;
    expect(subjectOf(rcMacedonia)).toBe(`Pour information – note conceptuelle soumise : ${title} (${code})`);
    expect(subjectOf(rcSerbia)).toBe(`For information – concept note submitted: ${title} (${code})`);
  });

  it('writes the endorsement request in Arabic, right to left, with the Arabic title intact', async () => {
    const lead = await actor(system, ['applicant'], { organizationCode: 'IOM' });
    const rcJordan = await actor(system, ['resident_coordinator'], { countryCodes: ['JOR'], locale: 'ar' });
    const title = 'برنامج الهجرة الآمنة';
    const id = await readyDraft(system, lead.token, { title, countryCodes: ['JOR', 'LBN'] });
    await requestEndorsement(system, lead, id);

    const mails = await deliveredMails(system, id, 'endorsement_requested');
    expect(perRecipient(mails)).toEqual(once(rcJordan));
    const [mail] = mails;
    expect(mail.subject).toContain(title);
    expect(mail.subject).toMatch(/^طلب تأييد/);
    expect(mail.html).toContain('dir="rtl"');
    expect(mail.html).toContain(title);
  });
});

describe('acting RCs, returns, withdrawals and the global route: who hears, who sees, what is recorded', () => {
  let system: TestSystem;
  const clock = new TestClock(new Date('2026-11-09T09:00:00.000Z'));
  const DAY = 24 * 60 * 60 * 1000;
  beforeAll(async () => {
    system = await startTestSystem({ clock, worker: true });
  });
  afterAll(() => system.close());

  it('asks an acting RC under a delegation in force, in their language, and no delegate whose delegation is over, revoked or yet to begin', async () => {
    clock.set('2026-11-09T09:00:00.000Z');
    const lead = await actor(system, ['applicant'], { organizationCode: 'IOM' });
    const rcChad = await actor(system, ['resident_coordinator'], {
      countryCodes: ['TCD'],
      name: 'Halima Rc',
    });
    const rcCameroon = await actor(system, ['resident_coordinator'], { countryCodes: ['CMR'] });
    const officeCameroon = await actor(system, ['rc_office'], { countryCodes: ['CMR'] });
    // Delegates with no country of their own: only a delegation makes them officials of Chad.
    const actingNow = await actor(system, ['rc_office'], { locale: 'es', name: 'Ana Acting' });
    const actingOver = await actor(system, ['resident_coordinator'], { countryCodes: ['GAB'] });
    const actingRevoked = await actor(system, ['rc_office']);
    const actingLater = await actor(system, ['rc_office']);
    const delegate = (who: SignedIn, startsOn: string, endsOn: string) =>
      http(system, 'POST', '/api/v1/delegations', {
        token: rcChad.token,
        body: { delegateId: who.user.id, startsOn, endsOn },
      });
    must(await delegate(actingNow, '2026-11-09', '2026-11-20'), 201);
    must(await delegate(actingOver, '2026-11-01', '2026-11-08'), 201);
    const revoked = must(await delegate(actingRevoked, '2026-11-01', '2026-11-30'), 201);
    must(await delegate(actingLater, '2026-11-10', '2026-11-12'), 201);
    must(await http(system, 'DELETE', `/api/v1/delegations/${revoked.body.id}`, { token: rcChad.token }));

    const title = 'Pastoral mobility across the Lake Chad basin';
    const id = await readyDraft(system, lead.token, { title, countryCodes: ['TCD', 'CMR'] });
    await requestEndorsement(system, lead, id);

    const mails = await deliveredMails(system, id, 'endorsement_requested');
    expect(perRecipient(mails)).toEqual(once(rcChad, rcCameroon, officeCameroon, actingNow));
    const toActing = mails.find((m) => m.to.includes(actingNow.user.email))!;
    expect(toActing.subject).toBe(`Solicitud de aval: ${title}`);
    expect(toActing.text).toContain('Hola, Ana Acting');
    // The link leads somewhere: the acting RC sees the note and may endorse it for Chad.
    const acted = await endorse(system, actingNow, id);
    expect(acted.status).toBe(200);
    expect(acted.body.endorsements).toEqual([
      expect.objectContaining({ countryCode: 'TCD', state: 'endorsed', by: 'Ana Acting for RC Halima Rc' }),
      expect.objectContaining({ countryCode: 'CMR', state: 'pending' }),
    ]);
  });

  it('e-mails a return to the team and the officials of every listed country, each in their language, with the RC’s comment', async () => {
    clock.set('2026-11-10T09:00:00.000Z');
    const lead = await actor(system, ['applicant'], { organizationCode: 'IOM' });
    const member = await actor(system, ['applicant'], { organizationCode: 'ILO' });
    const rcPeru = await actor(system, ['resident_coordinator'], { countryCodes: ['PER'] });
    const rcEcuador = await actor(system, ['resident_coordinator'], {
      countryCodes: ['ECU'],
      locale: 'fr',
      name: 'Rosa Équateur',
    });
    const officeEcuador = await actor(system, ['rc_office'], { countryCodes: ['ECU'], locale: 'es' });
    await actor(system, ['resident_coordinator'], { countryCodes: ['COL'] });
    await actor(system, ['secretariat']);
    const title = 'Andean labour mobility';
    const id = await readyDraft(system, lead.token, { title, countryCodes: ['PER', 'ECU'] });
    must(
      await http(system, 'PUT', notePath(id, '/team'), {
        token: lead.token,
        body: { memberIds: [member.user.id] },
      }),
    );
    await requestEndorsement(system, lead, id);
    must(await endorse(system, rcPeru, id));
    const comment = 'Merci d’associer le ministère de l’Intérieur au comité de pilotage.';
    const back = must(await endorse(system, rcEcuador, id, { decision: 'return', comment }));
    expect(back.body.status).toBe('draft');

    const mails = await deliveredMails(system, id, 'endorsement_returned');
    expect(perRecipient(mails)).toEqual(once(lead, member, rcPeru, rcEcuador, officeEcuador));
    for (const mail of mails) {
      expect(mail.text).toContain(comment);
      expect(mail.text).toContain('Rosa Équateur');
    }
    const to = (who: SignedIn) => mails.find((m) => m.to.includes(who.user.email))!;
    expect(to(lead).subject).toBe(`Concept note returned to draft: ${title}`);
    expect(to(lead).text).toContain('Countries concerned: Ecuador.');
    expect(to(rcEcuador).subject).toBe(`Note conceptuelle renvoyée à l’état de brouillon : ${title}`);
    expect(to(officeEcuador).subject).toBe(`Nota conceptual devuelta a borrador: ${title}`);

    expect(await auditEvents(system, id, 'concept_note.returned')).toEqual([
      {
        actorId: rcEcuador.user.id,
        before: { status: 'awaiting_endorsement' },
        after: { status: 'draft', comment, countryCodes: ['ECU'], revision: 1 },
      },
    ]);
  });

  it('lets an RC withdraw their own endorsement, making the country pending again, and answers 409 once the note is submitted', async () => {
    clock.set('2026-11-11T09:00:00.000Z');
    const lead = await actor(system, ['applicant'], { organizationCode: 'IOM' });
    const rcParaguay = await actor(system, ['resident_coordinator'], { countryCodes: ['PRY'] });
    const rcBolivia = await actor(system, ['resident_coordinator'], { countryCodes: ['BOL'] });
    const id = await readyDraft(system, lead.token, { countryCodes: ['PRY', 'BOL'] });
    await requestEndorsement(system, lead, id);
    const withdrawMine = (who: SignedIn) =>
      http(system, 'DELETE', notePath(id, '/endorsements/mine'), { token: who.token });

    must(await endorse(system, rcParaguay, id));
    // Only one's own endorsement: Bolivia has none to take back.
    expect(problem(await withdrawMine(rcBolivia))).toMatchObject({
      status: 409,
      code: 'ENDORSEMENT.NOTHING_TO_WITHDRAW',
    });
    const withdrawn = await withdrawMine(rcParaguay);
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body.status).toBe('awaiting_endorsement');
    expect(states(withdrawn.body)).toEqual({ PRY: 'pending', BOL: 'pending' });
    expect(await activeEndorsements(system, id)).toEqual([]);
    expect(await auditEvents(system, id, 'concept_note.endorsement_withdrawn')).toEqual([
      { actorId: rcParaguay.user.id, before: null, after: { countryCodes: ['PRY'], revision: 1 } },
    ]);
    // Bolivia's endorsement no longer completes the note: Paraguay is pending again.
    expect((await endorse(system, rcBolivia, id)).body.status).toBe('awaiting_endorsement');

    expect((await endorse(system, rcParaguay, id)).body.status).toBe('submitted');
    expect(problem(await withdrawMine(rcParaguay))).toMatchObject({
      status: 409,
      code: 'CONCEPT_NOTE.INVALID_TRANSITION',
    });
    const after = must(await getNote(system, lead, id)).body;
    expect(after.status).toBe('submitted');
    expect(states(after)).toEqual({ PRY: 'endorsed', BOL: 'endorsed' });
    expect(await auditCount(system, id, 'concept_note.endorsement_withdrawn')).toBe(1);
  });

  it('routes a global note through the focal point’s sign-off and the lead’s submission, end to end', async () => {
    clock.set('2026-11-12T09:00:00.000Z');
    const lead = await actor(system, ['applicant'], { organizationCode: 'IOM' });
    const focalPoint = await actor(system, ['applicant'], { organizationCode: 'IOM' });
    const secretariat = await actor(system, ['secretariat']);
    const rcPhilippines = await actor(system, ['resident_coordinator'], { countryCodes: ['PHL'] });
    const rcIndonesia = await actor(system, ['resident_coordinator'], {
      countryCodes: ['IDN'],
      locale: 'fr',
    });
    const officeIndonesia = await actor(system, ['rc_office'], { countryCodes: ['IDN'] });
    const rcThailand = await actor(system, ['resident_coordinator'], { countryCodes: ['THA'] });
    const title = 'Global guidance on climate-related displacement';
    const id = await readyDraft(system, lead.token, {
      title,
      scope: 'global',
      countryCodes: ['PHL', 'IDN'],
      conveningOrganizationCode: 'IOM',
    });
    must(
      await http(system, 'PATCH', '/api/v1/organizations/IOM', {
        token: secretariat.token,
        body: { focalPointUserIds: [focalPoint.user.id] },
      }),
    );
    const submit = () => http(system, 'POST', notePath(id, '/submit'), { token: lead.token });

    expect(
      problem(await http(system, 'POST', notePath(id, '/endorsement-requests'), { token: lead.token })),
    ).toMatchObject({ status: 409, code: 'CONCEPT_NOTE.WRONG_ROUTE' });
    expect(problem(await submit())).toMatchObject({ status: 409, code: 'CONCEPT_NOTE.NOT_SIGNED_OFF' });
    expect(problem(await getNote(system, rcPhilippines, id)).status).toBe(404);

    clock.set('2026-11-12T10:00:00.000Z');
    const signed = await http(system, 'POST', notePath(id, '/sign-off'), { token: focalPoint.token });
    expect(signed.status).toBe(200);
    expect(signed.body).toMatchObject({ status: 'draft', signedOffAt: '2026-11-12T10:00:00.000Z' });
    const [signOff] = await auditEvents(system, id, 'concept_note.signed_off');
    expect(signOff).toEqual({
      actorId: focalPoint.user.id,
      before: null,
      after: { contentHash: expect.stringMatching(/^[0-9a-f]{64}$/), organization: 'IOM' },
    });
    // Signing off is not submitting: the RCs are not told yet and still see nothing.
    expect(problem(await getNote(system, rcPhilippines, id)).status).toBe(404);

    clock.set('2026-11-12T11:30:00.000Z');
    const submitted = await submit();
    expect(submitted.status).toBe(200);
    expect(submitted.body).toMatchObject({
      status: 'submitted',
      submittedAt: '2026-11-12T11:30:00.000Z',
      currentRevision: 1,
      endorsements: [],
    });
    const code = submitted.body.referenceCode as string;
    expect(code).toMatch(/^MIG-CN-2026-\d{4}$/);
    const revisions = must(await http(system, 'GET', notePath(id, '/revisions'), { token: lead.token }));
    expect(revisions.body[0].contentHash).toBe(signOff.after!.contentHash);
    expect(await auditCount(system, id, 'concept_note.submitted')).toBe(1);

    for (const official of [rcPhilippines, rcIndonesia, officeIndonesia]) {
      expect((await getNote(system, official, id)).status).toBe(200);
    }
    expect(problem(await getNote(system, rcThailand, id)).status).toBe(404);
    const informed = await deliveredMails(system, id, 'regional_note_submitted');
    expect(perRecipient(informed)).toEqual(once(rcPhilippines, rcIndonesia, officeIndonesia));
    expect(informed.find((m) => m.to.includes(rcIndonesia.user.email))?.subject).toBe(
      `Pour information – note conceptuelle soumise : ${title} (${code})`,
    );
    expect(perRecipient(await deliveredMails(system, id, 'concept_note_submitted'))).toEqual(once(lead));
    expect(problem(await submit())).toMatchObject({ status: 409, code: 'CONCEPT_NOTE.INVALID_TRANSITION' });
  });

  it('records the lead hand-over and the offline endorsement in the audit trail', async () => {
    clock.set('2026-11-13T09:00:00.000Z');
    const lead = await actor(system, ['applicant'], { organizationCode: 'IOM' });
    const successor = await actor(system, ['applicant'], { organizationCode: 'IOM' });
    const secretariat = await actor(system, ['secretariat']);
    const id = await readyDraft(system, lead.token, { countryCodes: ['NAM', 'BWA'] });
    must(
      await http(system, 'PUT', notePath(id, '/team'), {
        token: lead.token,
        body: { memberIds: [successor.user.id] },
      }),
    );
    must(
      await http(system, 'POST', notePath(id, '/lead'), {
        token: lead.token,
        body: { userId: successor.user.id },
      }),
    );
    expect(await auditEvents(system, id, 'concept_note.lead_handed_over')).toEqual([
      {
        actorId: lead.user.id,
        before: { leadUserId: lead.user.id },
        after: { leadUserId: successor.user.id },
      },
    ]);

    await requestEndorsement(system, successor, id);
    const letter = await upload(
      system,
      notePath(id, '/attachments?kind=endorsement_letter'),
      secretariat.token,
      {
        filename: 'namibia-letter.pdf',
        data: PDF_BYTES,
      },
    );
    expect(letter.status).toBe(201);
    const reason = 'The RC signed the letter on paper during a mission.';
    must(
      await http(system, 'POST', notePath(id, '/offline-endorsements'), {
        token: secretariat.token,
        body: { countryCode: 'NAM', letterAttachmentId: letter.body.id, reason },
      }),
    );
    expect(await auditEvents(system, id, 'concept_note.endorsed_offline')).toEqual([
      {
        actorId: secretariat.user.id,
        before: null,
        after: { countryCodes: ['NAM'], reason, letterAttachmentId: letter.body.id, revision: 1 },
      },
    ]);
  });

  it('shows the age of each country’s endorsement in whole days, from the request or from the decision', async () => {
    clock.set('2026-12-01T08:00:00.000Z');
    const lead = await actor(system, ['applicant'], { organizationCode: 'IOM' });
    const rcCambodia = await actor(system, ['resident_coordinator'], { countryCodes: ['KHM'] });
    const id = await readyDraft(system, lead.token, { countryCodes: ['KHM', 'LAO'] });
    const ages = async () =>
      Object.fromEntries(
        (
          must(await getNote(system, lead, id)).body.endorsements as {
            countryCode: string;
            ageDays: number;
          }[]
        ).map((e) => [e.countryCode, e.ageDays]),
      );
    expect(await ages()).toEqual({ KHM: 0, LAO: 0 });
    await requestEndorsement(system, lead, id);

    clock.advance(3 * DAY - 1);
    expect(await ages()).toEqual({ KHM: 2, LAO: 2 });
    clock.advance(1);
    expect(await ages()).toEqual({ KHM: 3, LAO: 3 });
    must(await endorse(system, rcCambodia, id));
    expect(await ages()).toEqual({ KHM: 0, LAO: 3 });

    clock.advance(2 * DAY + 5 * 60 * 60 * 1000);
    const note = must(await getNote(system, lead, id)).body;
    expect(note.endorsements).toEqual([
      expect.objectContaining({ countryCode: 'KHM', state: 'endorsed', ageDays: 2 }),
      expect.objectContaining({ countryCode: 'LAO', state: 'pending', ageDays: 5 }),
    ]);
  });

  it('shows a returned draft to the officials asked before, and to those of a country added since only once a request covers it', async () => {
    clock.set('2026-12-10T09:00:00.000Z');
    const lead = await actor(system, ['applicant'], { organizationCode: 'IOM' });
    const rcUruguay = await actor(system, ['resident_coordinator'], { countryCodes: ['URY'] });
    const officeArgentina = await actor(system, ['rc_office'], { countryCodes: ['ARG'] });
    const rcChile = await actor(system, ['resident_coordinator'], {
      countryCodes: ['CHL'],
      name: 'Carla Rc',
    });
    const officeChile = await actor(system, ['rc_office'], { countryCodes: ['CHL'] });
    const actingChile = await actor(system, ['rc_office']);
    must(
      await http(system, 'POST', '/api/v1/delegations', {
        token: rcChile.token,
        body: { delegateId: actingChile.user.id, startsOn: '2026-12-01', endsOn: '2026-12-31' },
      }),
      201,
    );
    const id = await readyDraft(system, lead.token, { countryCodes: ['URY', 'ARG'] });
    await requestEndorsement(system, lead, id);
    must(await endorse(system, rcUruguay, id, { decision: 'return', comment: 'Add Chile, please.' }));
    const added = await edit(system, lead, id, { countryCodes: ['URY', 'ARG', 'CHL'] });
    expect(added.status).toBe(200);
    expect(added.body.status).toBe('draft');

    const listed = async (who: SignedIn) =>
      ids(must(await http(system, 'GET', '/api/v1/concept-notes?limit=100', { token: who.token })));
    // Asked before: they keep following the note while it is back in draft.
    for (const asked of [rcUruguay, officeArgentina]) {
      expect((await getNote(system, asked, id)).status).toBe(200);
      expect(await listed(asked)).toContain(id);
    }
    // Chile was never asked: its RC, acting RC and office learn nothing of the draft.
    for (const notYet of [rcChile, actingChile, officeChile]) {
      expect(problem(await getNote(system, notYet, id))).toMatchObject({ status: 404, code: 'NOT_FOUND' });
      expect(problem(await endorse(system, notYet, id)).status).toBe(404);
      expect(await listed(notYet)).not.toContain(id);
    }

    await requestEndorsement(system, lead, id);
    for (const official of [rcChile, actingChile, officeChile]) {
      expect((await getNote(system, official, id)).status).toBe(200);
      expect(await listed(official)).toContain(id);
    }
    // Asked once is enough: after a recall, Chile keeps seeing the draft too.
    must(await http(system, 'POST', notePath(id, '/endorsement-requests/recall'), { token: lead.token }));
    expect((await getNote(system, rcChile, id)).status).toBe(200);
    expect(states(must(await getNote(system, rcChile, id)).body)).toEqual({
      URY: 'pending',
      ARG: 'pending',
      CHL: 'pending',
    });
  });

  it('tells of a withdrawn draft only the officials a request covered, not those of a country added since', async () => {
    const lead = await actor(system, ['applicant'], { organizationCode: 'IOM' });
    const rcMongolia = await actor(system, ['resident_coordinator'], { countryCodes: ['MNG'] });
    const rcKyrgyzstan = await actor(system, ['resident_coordinator'], { countryCodes: ['KGZ'] });
    await actor(system, ['resident_coordinator'], { countryCodes: ['TJK'] });
    await actor(system, ['rc_office'], { countryCodes: ['TJK'] });
    const id = await readyDraft(system, lead.token, { countryCodes: ['MNG', 'KGZ'] });
    await requestEndorsement(system, lead, id);
    must(await endorse(system, rcMongolia, id, { decision: 'return', comment: 'Add Tajikistan, please.' }));
    expect((await edit(system, lead, id, { countryCodes: ['MNG', 'KGZ', 'TJK'] })).status).toBe(200);
    must(
      await http(system, 'POST', notePath(id, '/withdraw'), {
        token: lead.token,
        body: { reason: 'Merged with a regional programme.' },
      }),
    );
    const mails = await deliveredMails(system, id, 'concept_note_withdrawn');
    expect(perRecipient(mails)).toEqual(once(lead, rcMongolia, rcKyrgyzstan));
  });
});
