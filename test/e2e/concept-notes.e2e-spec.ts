import { randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import { createUser, http, startTestSystem, type HttpAnswer, type TestSystem } from '../harness';
import { completeNote, readyDraft } from '../factories';

type Actor = Awaited<ReturnType<typeof actor>>;

let clientAddress = 0;

/**
 * A user of the given roles, signed in through POST /auth/login like `actor` in the harness, but each
 * from an address of their own: these suites sign in more people than the per-address limit allows
 * in a minute.
 */
async function actor(
  system: TestSystem,
  roles: Parameters<typeof createUser>[1]['roles'],
  fields: Omit<Parameters<typeof createUser>[1], 'roles'> = {},
) {
  const user = await createUser(system, { ...fields, roles });
  clientAddress += 1;
  const answer = await system.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    remoteAddress: `10.0.${clientAddress >> 8}.${clientAddress & 255}`,
    payload: { email: user.email, password: user.password },
  });
  if (answer.statusCode !== 200) throw new Error(`sign-in failed: ${answer.statusCode} ${answer.body}`);
  return { user, token: answer.json<{ accessToken: string }>().accessToken };
}

const NOTES = '/api/v1/concept-notes';

function expectProblem(answer: HttpAnswer, status: number, code: string): void {
  expect(answer.status).toBe(status);
  expect(answer.headers['content-type']).toContain('application/problem+json');
  expect(answer.body.code).toBe(code);
}

function problemFields(answer: HttpAnswer): string[] {
  return ((answer.body.errors ?? []) as { field: string }[]).map((e) => e.field);
}

function codes(items: { code: string }[]): string[] {
  return items.map((i) => i.code).sort();
}

function ids(answer: HttpAnswer): string[] {
  return (answer.body.items as { id: string }[]).map((n) => n.id).sort();
}

/** RFC 4180 as csv-stringify writes it: quoted fields may hold commas, quotes and newlines. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else if (c !== '\r') field += c;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
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
      // Numbers stay numbers in the sheet; anything richer (dates, formulas) would not match the CSV.
      cells.push(
        value === null || value === undefined
          ? ''
          : typeof value === 'string' || typeof value === 'number'
            ? String(value)
            : JSON.stringify(value),
      );
    }
    rows.push(cells);
  });
  return rows;
}

async function count(system: TestSystem, table: string): Promise<number> {
  const [row] = await system.dataSource.query(`SELECT count(*)::int AS n FROM ${table}`);
  return row.n as number;
}

describe('concept notes', () => {
  let system: TestSystem;
  let secretariat: Actor;

  beforeAll(async () => {
    system = await startTestSystem({ worker: true });
    secretariat = await actor(system, ['secretariat'], { name: 'Sofia Secretariat' });
  });
  afterAll(() => system.close());

  const applicant = (organizationCode: string, fields: { name?: string } = {}) =>
    actor(system, ['applicant'], { organizationCode, ...fields });

  const create = (token: string, body: unknown, headers: Record<string, string> = {}) =>
    http(system, 'POST', NOTES, { token, body, headers });

  const patch = (token: string, id: string, body: unknown, version?: number | string) =>
    http(system, 'PATCH', `${NOTES}/${id}`, {
      token,
      body,
      headers: version === undefined ? {} : { 'if-match': `"${version}"` },
    });

  const read = (token: string, id: string) => http(system, 'GET', `${NOTES}/${id}`, { token });

  const requestEndorsement = (token: string, id: string) =>
    http(system, 'POST', `${NOTES}/${id}/endorsement-requests`, { token });

  describe('drafting', () => {
    it('creates a draft led by its author, with ETag and Location, and shares at 7% exact to the cent', async () => {
      const lead = await applicant('IOM', { name: 'Amina Lead' });
      const created = await create(
        lead.token,
        completeNote({
          participatingOrganizations: [
            { organizationCode: 'IOM', directCostsUsd: 123456.78 },
            // 7% of 1000.50 is 70.035: rounded half up to 70.04.
            { organizationCode: 'ILO', directCostsUsd: 1000.5 },
          ],
          totalBudgetUsd: 133169.29,
        }),
      );
      expect(created.status).toBe(201);
      const note = created.body;
      expect(note.status).toBe('draft');
      expect(created.headers.etag).toBe(`"${note.version}"`);
      expect(created.headers.location).toBe(`${NOTES}/${note.id}`);
      expect(note.participatingOrganizations).toEqual([
        {
          organizationCode: 'IOM',
          directCostsUsd: 123456.78,
          indirectSupportCostsUsd: 8641.97,
          totalUsd: 132098.75,
        },
        {
          organizationCode: 'ILO',
          directCostsUsd: 1000.5,
          indirectSupportCostsUsd: 70.04,
          totalUsd: 1070.54,
        },
      ]);
      expect(note.sharesTotalUsd).toBe(133169.29);
      expect(note.totalBudgetUsd).toBe(133169.29);
      const person = {
        id: lead.user.id,
        name: 'Amina Lead',
        email: lead.user.email,
        organizationCode: 'IOM',
      };
      expect(note.lead).toEqual(person);
      expect(note.team).toEqual([person]);
      expect(note.conveningOrganizationCode).toBe('IOM');
      expect(note.referenceCode).toBeNull();
      expect(note.currentRevision).toBe(0);

      const fetched = await read(lead.token, note.id);
      expect(fetched.status).toBe(200);
      expect(fetched.headers.etag).toBe(`"${note.version}"`);
      expect(fetched.body).toEqual(note);
    });

    it('refuses invalid drafts with 400 naming the field, and stores nothing', async () => {
      const lead = await applicant('IOM');
      const cases: [string, Record<string, unknown>][] = [
        ['countryCodes', completeNote({ countryCodes: ['SRB', 'XXX'] })],
        [
          'participatingOrganizations.1.organizationCode',
          completeNote({
            participatingOrganizations: [
              { organizationCode: 'IOM', directCostsUsd: 700000 },
              { organizationCode: 'NOTANORG', directCostsUsd: 700000 },
            ],
          }),
        ],
        // Arabic is a UN language (users may read in it) but not one the Fund accepts for notes.
        ['language', completeNote({ language: 'ar' })],
        [
          'participatingOrganizations.0.directCostsUsd',
          completeNote({
            participatingOrganizations: [
              { organizationCode: 'IOM', directCostsUsd: 700000.125 },
              { organizationCode: 'ILO', directCostsUsd: 700000 },
            ],
          }),
        ],
        ['gcmObjectiveNumbers', completeNote({ gcmObjectiveNumbers: [24] })],
        ['colour', completeNote({ colour: 'blue' })],
      ];
      const notesBefore = await count(system, 'concept_notes');
      const eventsBefore = await count(system, 'audit_events');
      for (const [field, body] of cases) {
        const answer = await create(lead.token, body);
        expectProblem(answer, 400, 'VALIDATION_FAILED');
        expect({ field, fields: problemFields(answer) }).toEqual({ field, fields: [field] });
      }
      expect(await count(system, 'concept_notes')).toBe(notesBefore);
      expect(await count(system, 'audit_events')).toBe(eventsBefore);
    });

    it('answers 403 to a user who is not an applicant (a reviewer), and stores nothing', async () => {
      const reviewer = await actor(system, ['reviewer'], { organizationCode: 'IOM' });
      const before = await count(system, 'concept_notes');
      const answer = await create(reviewer.token, completeNote());
      expect(answer.status).toBe(403);
      expect(await count(system, 'concept_notes')).toBe(before);
    });
  });

  describe('editing with If-Match', () => {
    it('answers 428 naming If-Match without it, 412 on a stale version changing nothing, 200 and a new ETag on the current one', async () => {
      const lead = await applicant('IOM');
      const { body: note } = await create(lead.token, completeNote({ title: 'Original title' }));

      const missing = await patch(lead.token, note.id, { title: 'No precondition' });
      expectProblem(missing, 428, 'CONCEPT_NOTE.IF_MATCH_REQUIRED');
      expect(problemFields(missing)).toEqual(['If-Match']);

      for (const stale of [note.version - 1, note.version + 1, 'abc']) {
        const answer = await patch(lead.token, note.id, { title: 'Stale edit' }, stale);
        expectProblem(answer, 412, 'CONCEPT_NOTE.STALE_VERSION');
        expect(problemFields(answer)).toEqual(['If-Match']);
      }
      const unchanged = await read(lead.token, note.id);
      expect(unchanged.body.title).toBe('Original title');
      expect(unchanged.body.version).toBe(note.version);
      expect(unchanged.body.updatedAt).toBe(note.updatedAt);

      const edited = await patch(lead.token, note.id, { title: 'Edited title' }, note.version);
      expect(edited.status).toBe(200);
      expect(edited.body.title).toBe('Edited title');
      expect(edited.body.version).toBe(note.version + 1);
      expect(edited.headers.etag).toBe(`"${note.version + 1}"`);

      // The version just used is stale now.
      const again = await patch(lead.token, note.id, { title: 'Lost update' }, note.version);
      expectProblem(again, 412, 'CONCEPT_NOTE.STALE_VERSION');
      expect(again.body.currentVersion).toBe(note.version + 1);
      expect((await read(lead.token, note.id)).body.title).toBe('Edited title');
    });

    it('lets a team member who is not the lead edit, and answers 404 to an applicant of the same organization outside the team', async () => {
      const lead = await applicant('IOM');
      const member = await applicant('IOM');
      const outsider = await applicant('IOM');
      const { body: note } = await create(lead.token, completeNote());
      const team = await http(system, 'PUT', `${NOTES}/${note.id}/team`, {
        token: lead.token,
        body: { memberIds: [member.user.id] },
      });
      expect(team.status).toBe(200);

      const byMember = await patch(
        member.token,
        note.id,
        { summary: 'Edited by a member' },
        team.body.version,
      );
      expect(byMember.status).toBe(200);
      expect(byMember.body.summary).toBe('Edited by a member');
      expect(byMember.body.lead.id).toBe(lead.user.id);

      const byOutsider = await patch(
        outsider.token,
        note.id,
        { summary: 'Edited by an outsider' },
        byMember.body.version,
      );
      expectProblem(byOutsider, 404, 'NOT_FOUND');
      expect((await read(lead.token, note.id)).body.summary).toBe('Edited by a member');
    });

    it('lets one of two simultaneous edits of the same version win; the other answers 412', async () => {
      const lead = await applicant('IOM');
      const { body: note } = await create(lead.token, completeNote());
      const answers = await Promise.all(
        ['First writer', 'Second writer'].map((risks) => patch(lead.token, note.id, { risks }, note.version)),
      );
      expect(answers.map((a) => a.status).sort()).toEqual([200, 412]);
      const winner = answers.find((a) => a.status === 200)!;
      const current = await read(lead.token, note.id);
      expect(current.body.risks).toBe(winner.body.risks);
      expect(current.body.version).toBe(note.version + 1);
    });
  });

  describe('Idempotency-Key on POST /concept-notes', () => {
    it('creates one note for a retry with the same key and body, and answers it the same', async () => {
      const lead = await applicant('IOM');
      const key = randomUUID();
      const title = `Idempotent note ${key}`;
      const first = await create(lead.token, completeNote({ title }), { 'idempotency-key': key });
      expect(first.status).toBe(201);
      const second = await create(lead.token, completeNote({ title }), { 'idempotency-key': key });
      expect(second.status).toBe(201);
      expect(second.headers['idempotent-replayed']).toBe('true');
      expect(second.body).toEqual(first.body);
      expect(second.headers.location).toBe(first.headers.location);
      expect(second.headers.etag).toBe(first.headers.etag);
      const [row] = await system.dataSource.query(
        `SELECT count(*)::int AS n FROM concept_notes WHERE title = $1`,
        [title],
      );
      expect(row.n).toBe(1);

      const other = `Another body ${key}`;
      const reused = await create(lead.token, completeNote({ title: other }), { 'idempotency-key': key });
      expectProblem(reused, 422, 'IDEMPOTENCY.KEY_REUSED');
      const [none] = await system.dataSource.query(
        `SELECT count(*)::int AS n FROM concept_notes WHERE title = $1`,
        [other],
      );
      expect(none.n).toBe(0);
    });
  });

  describe('precheck', () => {
    const blockingCases: [string, string, (token: string) => Promise<string>][] = [
      [
        'a single participating organization',
        'E2',
        (token) =>
          readyDraft(system, token, {
            participatingOrganizations: [{ organizationCode: 'IOM', directCostsUsd: 700000 }],
            totalBudgetUsd: 749000,
          }),
      ],
      [
        'no completed template attached',
        'E3',
        async (token) => (await create(token, completeNote())).body.id as string,
      ],
      [
        'objectives of another thematic area only (TA4 with objectives 2 and 7 of TA2)',
        'E4',
        (token) => readyDraft(system, token, { primaryThematicAreaCode: 'TA4', gcmObjectiveNumbers: [2, 7] }),
      ],
    ];

    it.each(blockingCases)(
      'blocks the endorsement request of a note with %s (%s): 422 listing it, nothing frozen',
      async (_what, code, make) => {
        const lead = await applicant('IOM');
        const id = await make(lead.token);

        const precheck = await http(system, 'GET', `${NOTES}/${id}/precheck`, { token: lead.token });
        expect(precheck.status).toBe(200);
        expect(precheck.body.ready).toBe(false);
        expect(codes(precheck.body.blocking)).toEqual([code]);
        expect(precheck.body.blocking[0].reasons.length).toBeGreaterThan(0);

        const requested = await requestEndorsement(lead.token, id);
        expectProblem(requested, 422, 'CONCEPT_NOTE.PRECHECK_FAILED');
        expect(codes(requested.body.blocking)).toEqual([code]);

        const note = await read(lead.token, id);
        expect(note.body.status).toBe('draft');
        expect(note.body.currentRevision).toBe(0);
        const revisions = await http(system, 'GET', `${NOTES}/${id}/revisions`, { token: lead.token });
        expect(revisions.body).toEqual([]);
      },
    );

    const warningCases: [string, string, Record<string, unknown>][] = [
      [
        'a budget above the multi-country band (USD 5,992,000 > 5,000,000)',
        'E5',
        {
          participatingOrganizations: [
            { organizationCode: 'IOM', directCostsUsd: 2800000 },
            { organizationCode: 'ILO', directCostsUsd: 2800000 },
          ],
          totalBudgetUsd: 5992000,
        },
      ],
      [
        'a gender marker under the minimum (1 < 2)',
        'E7',
        {
          markers: {
            gender: { marker: 1, justification: 'Limited contribution.' },
            humanRights: { marker: 2, justification: 'Rights-based.' },
            childSensitivity: { marker: 1, justification: 'Considered.' },
          },
        },
      ],
    ];

    it.each(warningCases)(
      'only warns about %s (%s): the endorsement request succeeds',
      async (_what, code, overrides) => {
        const lead = await applicant('IOM');
        const id = await readyDraft(system, lead.token, overrides);

        const precheck = await http(system, 'GET', `${NOTES}/${id}/precheck`, { token: lead.token });
        expect(precheck.body.ready).toBe(true);
        expect(precheck.body.blocking).toEqual([]);
        expect(codes(precheck.body.warnings)).toEqual([code]);

        const requested = await requestEndorsement(lead.token, id);
        expect(requested.status).toBe(200);
        expect(requested.body.status).toBe('awaiting_endorsement');
        expect(requested.body.currentRevision).toBe(1);
      },
    );
  });

  describe('scope', () => {
    it('hides a draft from applicants outside its team (read, list, precheck, history: 404) and from RCs before endorsement is requested', async () => {
      const lead = await applicant('IOM');
      const outsider = await applicant('IOM');
      const rc = await actor(system, ['resident_coordinator'], { countryCodes: ['SRB'] });
      const id = await readyDraft(system, lead.token, { title: 'A draft for the team alone' });

      const unknown = await read(outsider.token, randomUUID());
      expectProblem(unknown, 404, 'NOT_FOUND');
      for (const reader of [outsider, rc]) {
        for (const path of ['', '/precheck', '/history', '/revisions', '/attachments', '/comments']) {
          const answer = await http(system, 'GET', `${NOTES}/${id}${path}`, { token: reader.token });
          expectProblem(answer, 404, 'NOT_FOUND');
        }
        // The same answer as for a note that does not exist: nothing leaks.
        const answer = await read(reader.token, id);
        expect(answer.body.detail).toBe(unknown.body.detail);
        const list = await http(system, 'GET', `${NOTES}?limit=100`, { token: reader.token });
        expect(list.status).toBe(200);
        expect(ids(list)).not.toContain(id);
      }
      expect(ids(await http(system, 'GET', `${NOTES}?limit=100`, { token: lead.token }))).toContain(id);
    });

    it('answers 404 to a guessed id and 400 naming id to a malformed one', async () => {
      const lead = await applicant('IOM');
      expectProblem(await read(lead.token, randomUUID()), 404, 'NOT_FOUND');
      expectProblem(await read(secretariat.token, randomUUID()), 404, 'NOT_FOUND');
      const malformed = await read(lead.token, 'not-a-note');
      expectProblem(malformed, 400, 'VALIDATION_FAILED');
      expect(problemFields(malformed)).toEqual(['id']);
    });

    it('lets the secretariat read and list every note, drafts included', async () => {
      const lead = await applicant('UNHCR');
      const { body: note } = await create(
        lead.token,
        completeNote({
          title: 'A draft the secretariat sees',
          conveningOrganizationCode: 'UNHCR',
          participatingOrganizations: [
            { organizationCode: 'UNHCR', directCostsUsd: 700000 },
            { organizationCode: 'UNICEF', directCostsUsd: 700000 },
          ],
        }),
      );
      const answer = await read(secretariat.token, note.id);
      expect(answer.status).toBe(200);
      expect(answer.body.title).toBe('A draft the secretariat sees');
      const list = await http(system, 'GET', `${NOTES}?status=draft&limit=100`, { token: secretariat.token });
      expect(ids(list)).toContain(note.id);
    });
  });

  describe('team and lead', () => {
    it('adds an applicant of a participating organization, who can then read and edit', async () => {
      const lead = await applicant('IOM');
      const ilo = await applicant('ILO');
      const { body: note } = await create(lead.token, completeNote());
      expectProblem(await read(ilo.token, note.id), 404, 'NOT_FOUND');

      const team = await http(system, 'PUT', `${NOTES}/${note.id}/team`, {
        token: lead.token,
        body: { memberIds: [ilo.user.id] },
      });
      expect(team.status).toBe(200);
      expect(team.body.team.map((p: { id: string }) => p.id).sort()).toEqual(
        [lead.user.id, ilo.user.id].sort(),
      );

      const readByIlo = await read(ilo.token, note.id);
      expect(readByIlo.status).toBe(200);
      const edited = await patch(ilo.token, note.id, { risks: 'Added by ILO' }, readByIlo.body.version);
      expect(edited.status).toBe(200);
      expect(edited.body.risks).toBe('Added by ILO');
      expect(ids(await http(system, 'GET', `${NOTES}?limit=100`, { token: ilo.token }))).toEqual([note.id]);
    });

    it('refuses a member of an unrelated organization naming memberIds.0, and only the lead sets the team', async () => {
      const lead = await applicant('IOM');
      const member = await applicant('IOM');
      const unrelated = await applicant('WFP');
      const { body: note } = await create(lead.token, completeNote());

      const refused = await http(system, 'PUT', `${NOTES}/${note.id}/team`, {
        token: lead.token,
        body: { memberIds: [unrelated.user.id] },
      });
      expectProblem(refused, 400, 'VALIDATION_FAILED');
      expect(problemFields(refused)).toEqual(['memberIds.0']);
      expectProblem(await read(unrelated.token, note.id), 404, 'NOT_FOUND');

      await http(system, 'PUT', `${NOTES}/${note.id}/team`, {
        token: lead.token,
        body: { memberIds: [member.user.id] },
      });
      const byMember = await http(system, 'PUT', `${NOTES}/${note.id}/team`, {
        token: member.token,
        body: { memberIds: [] },
      });
      expectProblem(byMember, 403, 'CONCEPT_NOTE.ACTION_FORBIDDEN');
      const team = (await read(lead.token, note.id)).body.team.map((p: { id: string }) => p.id).sort();
      expect(team).toEqual([lead.user.id, member.user.id].sort());
    });

    it('hands the lead over; deactivating the former lead answers 409 USER.HAS_OPEN_WORK until then', async () => {
      const lead = await applicant('IOM');
      const successor = await applicant('IOM');
      const id = await readyDraft(system, lead.token, { title: 'A note changing hands' });
      await http(system, 'PUT', `${NOTES}/${id}/team`, {
        token: lead.token,
        body: { memberIds: [successor.user.id] },
      });

      const deactivate = () =>
        http(system, 'PATCH', `/api/v1/users/${lead.user.id}`, {
          token: secretariat.token,
          body: { active: false },
        });
      const refused = await deactivate();
      expectProblem(refused, 409, 'USER.HAS_OPEN_WORK');
      expect(refused.body.openWork).toEqual([
        { kind: 'concept_note_lead', id, title: 'A note changing hands' },
      ]);
      const [stillActive] = await system.dataSource.query(`SELECT active FROM users WHERE id = $1`, [
        lead.user.id,
      ]);
      expect(stillActive.active).toBe(true);

      // A member who is not the lead cannot hand the role over.
      const notLead = await http(system, 'POST', `${NOTES}/${id}/lead`, {
        token: successor.token,
        body: { userId: successor.user.id },
      });
      expectProblem(notLead, 403, 'CONCEPT_NOTE.ACTION_FORBIDDEN');

      const handedOver = await http(system, 'POST', `${NOTES}/${id}/lead`, {
        token: lead.token,
        body: { userId: successor.user.id },
      });
      expect(handedOver.status).toBe(200);
      expect(handedOver.body.lead.id).toBe(successor.user.id);

      const back = await http(system, 'POST', `${NOTES}/${id}/lead`, {
        token: lead.token,
        body: { userId: lead.user.id },
      });
      expectProblem(back, 403, 'CONCEPT_NOTE.ACTION_FORBIDDEN');
      expectProblem(await requestEndorsement(lead.token, id), 403, 'CONCEPT_NOTE.ACTION_FORBIDDEN');

      const requested = await requestEndorsement(successor.token, id);
      expect(requested.status).toBe(200);
      expect(requested.body.status).toBe('awaiting_endorsement');

      const deactivated = await deactivate();
      expect(deactivated.status).toBe(200);
      expect(deactivated.body.active).toBe(false);

      const withdrawn = await http(system, 'POST', `${NOTES}/${id}/withdraw`, {
        token: successor.token,
        body: { reason: 'Funding found elsewhere' },
      });
      expect(withdrawn.status).toBe(200);
      expect(withdrawn.body.status).toBe('withdrawn');

      // A withdrawn note is final: leading it is no open work.
      const successorDeactivated = await http(system, 'PATCH', `/api/v1/users/${successor.user.id}`, {
        token: secretariat.token,
        body: { active: false },
      });
      expect(successorDeactivated.status).toBe(200);
    });

    it('refuses to hand the lead to someone outside the team, naming userId', async () => {
      const lead = await applicant('IOM');
      const colleague = await applicant('IOM');
      const { body: note } = await create(lead.token, completeNote());
      const answer = await http(system, 'POST', `${NOTES}/${note.id}/lead`, {
        token: lead.token,
        body: { userId: colleague.user.id },
      });
      expectProblem(answer, 400, 'VALIDATION_FAILED');
      expect(problemFields(answer)).toEqual(['userId']);
      expect((await read(lead.token, note.id)).body.lead.id).toBe(lead.user.id);
    });
  });

  describe('titles in Arabic, Chinese and Russian', () => {
    const titles = [
      'الهجرة الآمنة والمنظمة والنظامية في غرب البلقان',
      '西巴尔干地区安全、有序和正常的移民',
      'Безопасная, упорядоченная и легальная миграция на Западных Балканах',
    ];

    it('survive create, read, list and CSV export byte for byte, and appear in the endorsement e-mails', async () => {
      const lead = await applicant('IOM');
      const rcSerbia = await actor(system, ['resident_coordinator'], { countryCodes: ['SRB'], locale: 'ru' });
      const rcMacedonia = await actor(system, ['resident_coordinator'], {
        countryCodes: ['MKD'],
        locale: 'en',
      });
      const byTitle = new Map<string, string>();
      for (const title of titles) {
        const id = await readyDraft(system, lead.token, { title });
        byTitle.set(title, id);
        const fetched = await read(lead.token, id);
        expect(Buffer.from(fetched.body.title as string, 'utf8')).toEqual(Buffer.from(title, 'utf8'));
      }

      const list = await http(system, 'GET', `${NOTES}?limit=100`, { token: lead.token });
      const listed = new Map(
        (list.body.items as { id: string; title: string }[]).map((n) => [n.id, n.title]),
      );
      for (const [title, id] of byTitle) expect(listed.get(id)).toBe(title);

      const csv = await http(system, 'GET', `${NOTES}?format=csv`, { token: lead.token });
      expect(csv.status).toBe(200);
      for (const title of titles) expect(csv.raw.includes(Buffer.from(title, 'utf8'))).toBe(true);
      const rows = parseCsv(csv.raw.toString('utf8').replace(/^\uFEFF/, ''));
      const titleColumn = rows[0].indexOf('Title');
      expect(
        rows
          .slice(1)
          .map((r) => r[titleColumn])
          .sort(),
      ).toEqual([...titles].sort());

      for (const id of byTitle.values()) expect((await requestEndorsement(lead.token, id)).status).toBe(200);
      await system.smtp.waitFor((messages) =>
        [rcSerbia, rcMacedonia].every((rc) =>
          titles.every((title) =>
            messages.some((m) => m.to.includes(rc.user.email) && m.subject.includes(title)),
          ),
        ),
      );
      for (const rc of [rcSerbia, rcMacedonia]) {
        for (const title of titles) {
          const mail = system.smtp.to(rc.user.email).find((m) => m.subject.includes(title))!;
          expect(mail.text).toContain(title);
        }
      }
      const russian = system.smtp.to(rcSerbia.user.email).find((m) => m.subject.includes(titles[2]))!;
      expect(russian.subject).toBe(`Запрос на одобрение: ${titles[2]}`);
    });
  });

  describe('history and revisions', () => {
    it('lists the history with actor names, hiding secretariat-only comments from the team', async () => {
      const lead = await applicant('IOM', { name: 'Leila Lead' });
      const member = await applicant('IOM', { name: 'Marco Member' });
      const id = await readyDraft(system, lead.token);
      await http(system, 'PUT', `${NOTES}/${id}/team`, {
        token: lead.token,
        body: { memberIds: [member.user.id] },
      });
      const current = await read(member.token, id);
      await patch(member.token, id, { durationMonths: 30 }, current.body.version);
      expect((await requestEndorsement(lead.token, id)).status).toBe(200);
      const comment = (visibility: string, body: string) =>
        http(system, 'POST', `${NOTES}/${id}/comments`, {
          token: secretariat.token,
          body: { body, visibility },
        });
      expect((await comment('team', 'Thank you, received.')).status).toBe(201);
      expect((await comment('secretariat', 'Internal: check the budget lines.')).status).toBe(201);

      const byMember = await http(system, 'GET', `${NOTES}/${id}/history`, { token: member.token });
      expect(byMember.status).toBe(200);
      const entries = byMember.body as { action: string; actorName: string; details: unknown }[];
      expect(entries.map((e) => [e.action, e.actorName])).toEqual([
        ['concept_note.created', 'Leila Lead'],
        ['concept_note.attachment_added', 'Leila Lead'],
        ['concept_note.team_changed', 'Leila Lead'],
        ['concept_note.edited', 'Marco Member'],
        ['concept_note.endorsement_requested', 'Leila Lead'],
        ['comment.added', 'Sofia Secretariat'],
      ]);
      expect(entries[3].details).toEqual({ fields: ['durationMonths'] });

      const bySecretariat = await http(system, 'GET', `${NOTES}/${id}/history`, { token: secretariat.token });
      const comments = (
        bySecretariat.body as { action: string; details: { after: { visibility: string } } }[]
      )
        .filter((e) => e.action === 'comment.added')
        .map((e) => e.details.after.visibility);
      expect(comments).toEqual(['team', 'secretariat']);
    });

    it('compares two revisions field by field after an edit and a new endorsement request', async () => {
      const lead = await applicant('IOM');
      const id = await readyDraft(system, lead.token, { summary: 'First summary.' });
      expect((await requestEndorsement(lead.token, id)).status).toBe(200);
      const recalled = await http(system, 'POST', `${NOTES}/${id}/endorsement-requests/recall`, {
        token: lead.token,
      });
      expect(recalled.body.status).toBe('draft');
      const edited = await patch(
        lead.token,
        id,
        { summary: 'Second summary.', durationMonths: 30 },
        recalled.body.version,
      );
      expect(edited.status).toBe(200);
      const again = await requestEndorsement(lead.token, id);
      expect(again.body.currentRevision).toBe(2);

      const revisions = await http(system, 'GET', `${NOTES}/${id}/revisions`, { token: lead.token });
      expect(revisions.body.map((r: { number: number }) => r.number)).toEqual([1, 2]);

      const compared = await http(system, 'GET', `${NOTES}/${id}/revisions/1/compare/2`, {
        token: lead.token,
      });
      expect(compared.status).toBe(200);
      expect(compared.body).toEqual({
        from: 1,
        to: 2,
        changes: [
          { field: 'summary', before: 'First summary.', after: 'Second summary.' },
          { field: 'durationMonths', before: 24, after: 30 },
        ],
      });
      const same = await http(system, 'GET', `${NOTES}/${id}/revisions/2/compare/2`, { token: lead.token });
      expect(same.body.changes).toEqual([]);

      const missing = await http(system, 'GET', `${NOTES}/${id}/revisions/1/compare/3`, {
        token: lead.token,
      });
      expectProblem(missing, 404, 'NOT_FOUND');
      const malformed = await http(system, 'GET', `${NOTES}/${id}/revisions/1/compare/two`, {
        token: lead.token,
      });
      expectProblem(malformed, 400, 'VALIDATION_FAILED');
      expect(problemFields(malformed)).toEqual(['b']);
    });
  });
});

describe('the concept-note list', () => {
  let system: TestSystem;
  let secretariat: Actor;
  const notes: Record<'balkans' | 'americas' | 'kenya' | 'albania', string> = {
    balkans: '',
    americas: '',
    kenya: '',
    albania: '',
  };

  beforeAll(async () => {
    system = await startTestSystem();
    secretariat = await actor(system, ['secretariat']);
    const iom = await actor(system, ['applicant'], { organizationCode: 'IOM' });
    const unhcr = await actor(system, ['applicant'], { organizationCode: 'UNHCR' });
    notes.balkans = await readyDraft(system, iom.token, {
      title: 'Fair Recruitment corridors',
      summary: 'Labour mobility between Serbia and North Macedonia.',
    });
    notes.americas = (
      await http(system, 'POST', NOTES, {
        token: unhcr.token,
        body: completeNote({
          title: 'Children on the move',
          summary: 'Protection along the Mesoamerican route.',
          countryCodes: ['MEX', 'GTM'],
          primaryThematicAreaCode: 'TA2',
          gcmObjectiveNumbers: [2, 7],
          conveningOrganizationCode: 'UNHCR',
          participatingOrganizations: [
            { organizationCode: 'UNHCR', directCostsUsd: 700000 },
            { organizationCode: 'UNICEF', directCostsUsd: 700000 },
          ],
        }),
      })
    ).body.id;
    notes.kenya = await readyDraft(system, iom.token, {
      title: 'Data for 100% of migration policies',
      summary: 'Evidence for national planning.',
      scope: 'national',
      countryCodes: ['KEN'],
      primaryThematicAreaCode: 'TA1',
      gcmObjectiveNumbers: [1, 3],
      participatingOrganizations: [
        { organizationCode: 'IOM', directCostsUsd: 700000 },
        { organizationCode: 'UNDP', directCostsUsd: 700000 },
      ],
    });
    const requested = await http(system, 'POST', `${NOTES}/${notes.kenya}/endorsement-requests`, {
      token: iom.token,
    });
    expect(requested.status).toBe(200);
    notes.albania = await readyDraft(system, unhcr.token, {
      title: 'Return and reintegration',
      summary: 'Sustainable reintegration of returnees.',
      scope: 'national',
      countryCodes: ['ALB'],
      primaryThematicAreaCode: 'TA3',
      gcmObjectiveNumbers: [9, 21],
      conveningOrganizationCode: 'UNHCR',
      participatingOrganizations: [
        { organizationCode: 'UNHCR', directCostsUsd: 700000 },
        { organizationCode: 'IOM', directCostsUsd: 700000 },
      ],
    });
    const withdrawn = await http(system, 'POST', `${NOTES}/${notes.albania}/withdraw`, {
      token: unhcr.token,
      body: { reason: 'Merged into another programme' },
    });
    expect(withdrawn.status).toBe(200);
  });
  afterAll(() => system.close());

  const list = (query: string) =>
    http(system, 'GET', `${NOTES}?limit=100&${query}`, { token: secretariat.token });

  it.each([
    ['status=awaiting_endorsement', ['kenya']],
    ['status=withdrawn', ['albania']],
    ['status=draft', ['balkans', 'americas']],
    ['thematicArea=TA2', ['americas']],
    ['thematicArea=TA5', []],
    ['country=SRB', ['balkans']],
    ['country=KEN', ['kenya']],
    ['region=150', ['balkans', 'albania']],
    ['region=039', ['balkans', 'albania']],
    ['region=019', ['americas']],
    ['region=002', ['kenya']],
    ['organization=ILO', ['balkans']],
    ['organization=UNHCR', ['americas', 'albania']],
    ['organization=IOM', ['balkans', 'kenya', 'albania']],
    ['organization=UNICEF', ['americas']],
    ['text=RECRUITMENT', ['balkans']],
    ['text=mesoamerican', ['americas']],
    ['text=fair%20corridors', ['balkans']],
    ['text=fair%20children', []],
    ['text=%25', ['kenya']],
    ['text=_', []],
    ['region=150&organization=UNHCR', ['albania']],
  ] as [string, (keyof typeof notes)[]][])('filters by %s', async (query, expected) => {
    const answer = await list(query);
    expect(answer.status).toBe(200);
    expect(ids(answer)).toEqual(expected.map((k) => notes[k]).sort());
    expect(answer.body.total).toBe(expected.length);
  });

  it('paginates with page and limit, reporting the total on every page', async () => {
    const pages = await Promise.all(
      [1, 2, 3].map((page) =>
        http(system, 'GET', `${NOTES}?limit=3&page=${page}`, { token: secretariat.token }),
      ),
    );
    expect(pages.map((p) => p.body.total)).toEqual([4, 4, 4]);
    expect(pages.map((p) => p.body.items.length)).toEqual([3, 1, 0]);
    expect(pages.map((p) => [p.body.page, p.body.limit])).toEqual([
      [1, 3],
      [2, 3],
      [3, 3],
    ]);
    const seen = pages.flatMap((p) => ids(p));
    expect(seen.sort()).toEqual(Object.values(notes).sort());
    const tooMany = await http(system, 'GET', `${NOTES}?limit=101`, { token: secretariat.token });
    expectProblem(tooMany, 400, 'VALIDATION_FAILED');
    expect(problemFields(tooMany)).toEqual(['limit']);
  });

  it('exports the filtered list as CSV and XLSX with the same rows as the JSON list', async () => {
    const query = 'organization=IOM';
    const json = await list(query);
    const expected = (json.body.items as Record<string, unknown>[]).map((n) => [
      '',
      n.title,
      n.status,
      n.scope,
      (n.countryCodes as string[]).join(' '),
      n.primaryThematicAreaCode,
      n.conveningOrganizationCode,
      (n.participatingOrganizationCodes as string[]).join(' '),
      String(n.totalBudgetUsd),
      n.leadName,
      '',
      n.updatedAt,
    ]);
    expect(expected).toHaveLength(3);
    const header = [
      'Reference',
      'Title',
      'Status',
      'Scope',
      'Countries',
      'Thematic area',
      'Convening organization',
      'Participating organizations',
      'Total budget (USD)',
      'Lead',
      'Submitted',
      'Updated',
    ];

    const csv = await http(system, 'GET', `${NOTES}?${query}&format=csv`, { token: secretariat.token });
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.headers['content-disposition']).toBe('attachment; filename="concept-notes.csv"');
    const csvRows = parseCsv(csv.raw.toString('utf8').replace(/^\uFEFF/, ''));
    expect(csvRows).toEqual([header, ...expected]);

    const xlsx = await http(system, 'GET', `${NOTES}?${query}&format=xlsx`, { token: secretariat.token });
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers['content-type']).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    expect(await xlsxRows(xlsx)).toEqual(csvRows);
  });

  it('lists to an RC the notes of their countries once endorsement is requested, with the filters applied', async () => {
    const rcKenya = await actor(system, ['resident_coordinator'], { countryCodes: ['KEN'] });
    const rcSerbia = await actor(system, ['resident_coordinator'], { countryCodes: ['SRB'] });
    const listFor = (who: Actor, query = '') =>
      http(system, 'GET', `${NOTES}?${query}`, { token: who.token });
    expect(ids(await listFor(rcKenya))).toEqual([notes.kenya]);
    expect(ids(await listFor(rcKenya, 'status=draft'))).toEqual([]);
    // The Serbian note is still a draft: the team's alone.
    expect(ids(await listFor(rcSerbia))).toEqual([]);
  });

  it('exports only what the reader may see', async () => {
    const outsider = await actor(system, ['applicant'], { organizationCode: 'IOM' });
    const csv = await http(system, 'GET', `${NOTES}?format=csv`, { token: outsider.token });
    expect(csv.status).toBe(200);
    expect(parseCsv(csv.raw.toString('utf8').replace(/^\uFEFF/, ''))).toHaveLength(1);
  });
});
