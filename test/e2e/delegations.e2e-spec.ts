import ExcelJS from 'exceljs';
import { actor, http, startTestSystem, TestClock, type HttpAnswer, type TestSystem } from '../harness';
import { readyDraft } from '../factories';

/** GET /delegations (its content, pages and exports), DELETE /delegations/:id, and their audit trail. */

type SignedIn = Awaited<ReturnType<typeof actor>>;

const DELEGATIONS = '/api/v1/delegations';

function must(answer: HttpAnswer, status = 200): HttpAnswer {
  if (answer.status !== status) {
    throw new Error(`expected ${status}, got ${answer.status}: ${JSON.stringify(answer.body)}`);
  }
  return answer;
}

function ids(answer: HttpAnswer): string[] {
  return (answer.body.items as { id: string }[]).map((d) => d.id);
}

/** The export's rows: no value written here holds a comma, a quote or a line break. */
function csvRows(answer: HttpAnswer): string[][] {
  return answer.raw
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .filter((line) => line !== '')
    .map((line) => line.split(','));
}

async function xlsxRows(answer: HttpAnswer): Promise<string[][]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(answer.raw as unknown as ArrayBuffer);
  const sheet = workbook.worksheets[0];
  const rows: string[][] = [];
  sheet.eachRow((row) => {
    const cells: string[] = [];
    for (let i = 1; i <= sheet.columnCount; i++) {
      const value = row.getCell(i).value;
      // Every cell written here is text (or empty): anything else would not match the CSV.
      cells.push(
        typeof value === 'string'
          ? value
          : value === null || value === undefined
            ? ''
            : JSON.stringify(value),
      );
    }
    rows.push(cells);
  });
  return rows;
}

describe('delegations', () => {
  let system: TestSystem;
  const clock = new TestClock(new Date('2026-11-16T09:00:00.000Z'));
  beforeAll(async () => {
    system = await startTestSystem({ clock });
  });
  afterAll(() => system.close());

  const delegate = (rc: SignedIn, to: SignedIn, startsOn: string, endsOn: string) =>
    http(system, 'POST', DELEGATIONS, {
      token: rc.token,
      body: { delegateId: to.user.id, startsOn, endsOn },
    });
  const list = (who: SignedIn, query = '') =>
    http(system, 'GET', `${DELEGATIONS}${query}`, { token: who.token });
  const revoke = (who: SignedIn, id: string) =>
    http(system, 'DELETE', `${DELEGATIONS}/${id}`, { token: who.token });

  it('lists the delegations one gave or received (the secretariat: all), latest first, with names, dates and revocation', async () => {
    clock.set('2026-11-16T09:00:00.000Z');
    const amina = await actor(system, ['resident_coordinator'], { countryCodes: ['SRB'], name: 'Amina Rc' });
    const bruno = await actor(system, ['resident_coordinator'], { countryCodes: ['MKD'], name: 'Bruno Rc' });
    const deputy = await actor(system, ['rc_office'], { countryCodes: ['SRB'], name: 'Dana Deputy' });
    const omar = await actor(system, ['rc_office'], { name: 'Omar Office' });
    const unrelated = await actor(system, ['resident_coordinator'], { countryCodes: ['GEO'] });
    const secretariat = await actor(system, ['secretariat']);
    const applicant = await actor(system, ['applicant'], { organizationCode: 'IOM' });

    const first = must(await delegate(amina, deputy, '2026-12-01', '2026-12-05'), 201).body;
    clock.advance(60_000);
    const second = must(await delegate(amina, omar, '2026-11-20', '2026-11-25'), 201).body;
    clock.advance(60_000);
    const third = must(await delegate(bruno, deputy, '2026-11-18', '2026-11-19'), 201).body;
    clock.advance(60_000);
    must(await revoke(bruno, third.id));

    const byAmina = must(await list(amina));
    expect(byAmina.body).toEqual({
      items: [
        {
          id: first.id,
          residentCoordinatorId: amina.user.id,
          residentCoordinatorName: 'Amina Rc',
          delegateId: deputy.user.id,
          delegateName: 'Dana Deputy',
          startsOn: '2026-12-01',
          endsOn: '2026-12-05',
          createdAt: '2026-11-16T09:00:00.000Z',
          revokedAt: null,
        },
        {
          id: second.id,
          residentCoordinatorId: amina.user.id,
          residentCoordinatorName: 'Amina Rc',
          delegateId: omar.user.id,
          delegateName: 'Omar Office',
          startsOn: '2026-11-20',
          endsOn: '2026-11-25',
          createdAt: '2026-11-16T09:01:00.000Z',
          revokedAt: null,
        },
      ],
      page: 1,
      limit: 20,
      total: 2,
    });
    // Received ones too, revoked ones with their time.
    const byDeputy = must(await list(deputy)).body;
    expect(byDeputy.items.map((d: { id: string }) => d.id)).toEqual([first.id, third.id]);
    expect(byDeputy.items[1]).toMatchObject({
      residentCoordinatorName: 'Bruno Rc',
      revokedAt: '2026-11-16T09:03:00.000Z',
    });
    expect(ids(must(await list(omar)))).toEqual([second.id]);
    expect(must(await list(unrelated)).body).toEqual({ items: [], page: 1, limit: 20, total: 0 });
    expect(ids(must(await list(secretariat)))).toEqual([first.id, second.id, third.id]);
    expect(must(await list(applicant), 403).body.code).toBe('FORBIDDEN');
  });

  it('pages the list with page and limit (at most 100)', async () => {
    const rc = await actor(system, ['resident_coordinator'], { countryCodes: ['ALB'] });
    const deputy = await actor(system, ['rc_office']);
    const created: string[] = [];
    for (const day of ['10', '11', '12', '13', '14']) {
      created.push(must(await delegate(rc, deputy, `2027-01-${day}`, `2027-01-${day}`), 201).body.id);
    }
    const latestFirst = [...created].reverse();

    const first = must(await list(rc, '?limit=2'));
    expect({ page: first.body.page, limit: first.body.limit, total: first.body.total }).toEqual({
      page: 1,
      limit: 2,
      total: 5,
    });
    expect(ids(first)).toEqual(latestFirst.slice(0, 2));
    expect(ids(must(await list(rc, '?limit=2&page=2')))).toEqual(latestFirst.slice(2, 4));
    expect(ids(must(await list(rc, '?limit=2&page=3')))).toEqual(latestFirst.slice(4));
    expect(ids(must(await list(rc, '?limit=2&page=4')))).toEqual([]);

    for (const query of ['?limit=101', '?limit=0', '?page=0', '?format=pdf']) {
      const refused = await list(rc, query);
      expect(refused.status).toBe(400);
      expect(refused.body.code).toBe('VALIDATION_FAILED');
    }
  });

  it('exports the list as CSV and XLSX with the same rows, every one of them whatever the page', async () => {
    clock.set('2026-11-17T08:30:00.000Z');
    const rc = await actor(system, ['resident_coordinator'], { countryCodes: ['MNE'], name: 'Mila Rc' });
    const deputy = await actor(system, ['rc_office'], { name: 'Ivo Deputy' });
    const acting = await actor(system, ['resident_coordinator'], {
      countryCodes: ['BIH'],
      name: 'Lea Acting',
    });
    must(await delegate(rc, deputy, '2026-12-20', '2026-12-31'), 201);
    const revoked = must(await delegate(rc, acting, '2026-11-17', '2026-11-18'), 201).body;
    clock.set('2026-11-17T10:00:00.000Z');
    must(await revoke(rc, revoked.id));

    const csv = must(await list(rc, '?format=csv&limit=1'));
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.headers['content-disposition']).toBe('attachment; filename="delegations.csv"');
    const rows = csvRows(csv);
    expect(rows).toEqual([
      ['Resident Coordinator', 'Acting RC', 'From', 'To (inclusive)', 'Created', 'Revoked'],
      ['Mila Rc', 'Ivo Deputy', '2026-12-20', '2026-12-31', '2026-11-17T08:30:00.000Z', ''],
      [
        'Mila Rc',
        'Lea Acting',
        '2026-11-17',
        '2026-11-18',
        '2026-11-17T08:30:00.000Z',
        '2026-11-17T10:00:00.000Z',
      ],
    ]);

    const xlsx = must(await list(rc, '?format=xlsx'));
    expect(xlsx.headers['content-type']).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    expect(xlsx.headers['content-disposition']).toBe('attachment; filename="delegations.xlsx"');
    expect(await xlsxRows(xlsx)).toEqual(rows);
  });

  it('stops a revoked delegate acting at once, and records the creation and the revocation', async () => {
    clock.set('2026-11-18T09:00:00.000Z');
    const lead = await actor(system, ['applicant'], { organizationCode: 'IOM' });
    const rc = await actor(system, ['resident_coordinator'], { countryCodes: ['KGZ'], name: 'Rada Rc' });
    const otherRc = await actor(system, ['resident_coordinator'], { countryCodes: ['TJK'] });
    // No country of their own: the delegation is all that lets them see and act.
    const deputy = await actor(system, ['rc_office'], { name: 'Dima Deputy' });
    const before = await readyDraft(system, lead.token, { countryCodes: ['KGZ', 'TJK'] });
    const after = await readyDraft(system, lead.token, { countryCodes: ['KGZ', 'TJK'] });
    for (const id of [before, after]) {
      must(
        await http(system, 'POST', `/api/v1/concept-notes/${id}/endorsement-requests`, { token: lead.token }),
      );
    }
    const endorse = (id: string) =>
      http(system, 'POST', `/api/v1/concept-notes/${id}/endorsements`, {
        token: deputy.token,
        body: { decision: 'endorse' },
      });

    const created = must(await delegate(rc, deputy, '2026-11-18', '2026-11-30'), 201).body;
    const acted = must(await endorse(before));
    expect(acted.body.endorsements[0]).toMatchObject({
      countryCode: 'KGZ',
      state: 'endorsed',
      kind: 'acting',
      by: 'Dima Deputy for RC Rada Rc',
    });

    // Only the RC who gave it revokes it: another RC learns nothing of it, the delegate may not.
    expect(must(await revoke(otherRc, created.id), 404).body.code).toBe('NOT_FOUND');
    expect(must(await revoke(deputy, created.id), 403).body.code).toBe('FORBIDDEN');
    clock.set('2026-11-18T09:30:00.000Z');
    const revoked = must(await revoke(rc, created.id));
    expect(revoked.body).toMatchObject({ id: created.id, revokedAt: '2026-11-18T09:30:00.000Z' });

    expect(must(await endorse(after), 404).body.code).toBe('NOT_FOUND');
    const note = await http(system, 'GET', `/api/v1/concept-notes/${after}`, { token: deputy.token });
    expect(note.status).toBe(404);
    const seenByLead = must(
      await http(system, 'GET', `/api/v1/concept-notes/${after}`, { token: lead.token }),
    );
    expect(seenByLead.body.endorsements.map((e: { state: string }) => e.state)).toEqual([
      'pending',
      'pending',
    ]);
    // What the delegate did while the delegation stood, stands.
    const kept = must(await http(system, 'GET', `/api/v1/concept-notes/${before}`, { token: lead.token }));
    expect(kept.body.endorsements[0]).toMatchObject({
      countryCode: 'KGZ',
      state: 'endorsed',
      kind: 'acting',
    });

    // Revoking again changes nothing and records nothing.
    clock.set('2026-11-18T10:00:00.000Z');
    expect(must(await revoke(rc, created.id)).body.revokedAt).toBe('2026-11-18T09:30:00.000Z');

    const events = await system.dataSource.query<{ action: string; actor_id: string; after: unknown }[]>(
      `SELECT action, actor_id, after FROM audit_events
        WHERE entity_type = 'delegation' AND entity_id = $1 ORDER BY occurred_at, id`,
      [created.id],
    );
    expect(events).toEqual([
      {
        action: 'delegation.created',
        actor_id: rc.user.id,
        after: {
          delegateId: deputy.user.id,
          startsOn: '2026-11-18',
          endsOn: '2026-11-30',
          countryCodes: ['KGZ'],
        },
      },
      {
        action: 'delegation.revoked',
        actor_id: rc.user.id,
        after: { revokedAt: '2026-11-18T09:30:00.000Z' },
      },
    ]);
  });
});
