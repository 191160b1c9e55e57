import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { actor, http, startTestSystem, type HttpAnswer, type TestSystem } from '../harness';
import { PDF_BYTES, PNG_BYTES, readyDraft } from '../factories';

function expectProblem(answer: HttpAnswer, status: number, code: string): void {
  expect(answer.status).toBe(status);
  expect(answer.headers['content-type']).toContain('application/problem+json');
  expect(answer.body.code).toBe(code);
}

describe('Idempotency-Key on POST /users', () => {
  let system: TestSystem;
  let secretariat: Awaited<ReturnType<typeof actor>>;
  let sequence = 0;

  beforeAll(async () => {
    system = await startTestSystem();
    secretariat = await actor(system, ['secretariat']);
  });
  afterAll(() => system.close());

  function newUser(fields: Record<string, unknown> = {}) {
    sequence += 1;
    return {
      email: `idem${sequence}-${randomUUID().slice(0, 8)}@iom.int`,
      name: `Idempotent Invitee ${sequence}`,
      roles: ['reviewer'],
      organizationCode: 'IOM',
      thematicAreaCodes: ['TA2'],
      ...fields,
    };
  }

  function invite(body: unknown, key?: string, token = secretariat.token): Promise<HttpAnswer> {
    return http(system, 'POST', '/api/v1/users', {
      token,
      body,
      headers: key === undefined ? {} : { 'idempotency-key': key },
    });
  }

  async function usersWithEmail(email: string): Promise<number> {
    const [row] = await system.dataSource.query(`SELECT count(*)::int AS n FROM users WHERE email = $1`, [
      email,
    ]);
    return row.n as number;
  }

  async function storedKeys(key: string): Promise<{ state: string; response_status: number | null }[]> {
    return system.dataSource.query(`SELECT state, response_status FROM idempotency_keys WHERE key = $1`, [
      key,
    ]);
  }

  it('replays the first answer to a retry with the same key and body, creating one user', async () => {
    const key = randomUUID();
    const body = newUser();
    const first = await invite(body, key);
    expect(first.status).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();

    // The same body with its keys in another order is the same request.
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    const second = await invite(reordered, key);
    expect(second.status).toBe(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.headers['content-type']).toBe(first.headers['content-type']);
    expect(second.body).toEqual(first.body);
    expect(second.body.invitation.invitationId).toBe(first.body.invitation.invitationId);
    expect(await usersWithEmail(body.email)).toBe(1);
    expect(await storedKeys(key)).toEqual([{ state: 'completed', response_status: 201 }]);
  });

  it('answers 422 to the same key with another body and creates nothing', async () => {
    const key = randomUUID();
    const first = await invite(newUser(), key);
    expect(first.status).toBe(201);

    const other = newUser();
    const reused = await invite(other, key);
    expectProblem(reused, 422, 'IDEMPOTENCY.KEY_REUSED');
    expect(reused.body.detail).toContain('Idempotency-Key');
    expect(await usersWithEmail(other.email)).toBe(0);
  });

  it('keeps the keys of each user apart', async () => {
    const colleague = await actor(system, ['secretariat']);
    const key = 'shared-key-0001';
    const mine = newUser();
    const theirs = newUser();
    expect((await invite(mine, key)).status).toBe(201);
    const answer = await invite(theirs, key, colleague.token);
    expect(answer.status).toBe(201);
    expect(answer.headers['idempotent-replayed']).toBeUndefined();
    expect(answer.body.email).toBe(theirs.email);
    expect(await usersWithEmail(mine.email)).toBe(1);
    expect(await usersWithEmail(theirs.email)).toBe(1);
  });

  it('creates exactly one user when two requests with the same key and body arrive at once', async () => {
    const key = randomUUID();
    const body = newUser();
    const answers = await Promise.all([invite(body, key), invite(body, key)]);
    const statuses = answers.map((a) => a.status).sort();
    const fresh = answers.filter((a) => a.status === 201 && a.headers['idempotent-replayed'] === undefined);
    expect(fresh).toHaveLength(1);
    const other = answers.find((a) => a !== fresh[0])!;
    if (other.status === 201) {
      expect(other.headers['idempotent-replayed']).toBe('true');
      expect(other.body).toEqual(fresh[0].body);
    } else {
      expect(statuses).toEqual([201, 409]);
      expectProblem(other, 409, 'IDEMPOTENCY.IN_PROGRESS');
    }
    expect(await usersWithEmail(body.email)).toBe(1);
  });

  it('does not remember a failed request: the key may be retried with a corrected body', async () => {
    const key = randomUUID();
    const body = newUser();
    const invalid = await invite({ ...body, email: 'not an e-mail' }, key);
    expectProblem(invalid, 400, 'VALIDATION_FAILED');
    expect(await storedKeys(key)).toEqual([]);

    const corrected = await invite(body, key);
    expect(corrected.status).toBe(201);
    expect(corrected.headers['idempotent-replayed']).toBeUndefined();
    expect(await usersWithEmail(body.email)).toBe(1);
  });

  it('does not remember a refusal of the service either', async () => {
    const key = randomUUID();
    const body = newUser({ roles: ['admin'] });
    expectProblem(await invite(body, key), 403, 'USER.ADMIN_ROLE_RESTRICTED');
    expect(await storedKeys(key)).toEqual([]);
  });

  it('behaves as usual without the header', async () => {
    const body = newUser();
    const first = await invite(body);
    expect(first.status).toBe(201);
    const second = await invite(body);
    expectProblem(second, 409, 'USER.EMAIL_TAKEN');
    expect(second.headers['idempotent-replayed']).toBeUndefined();
    expect(await usersWithEmail(body.email)).toBe(1);
  });

  it.each([
    ['empty', ''],
    ['with a space', 'two words'],
    ['longer than 200 characters', 'k'.repeat(201)],
  ])('answers 400 naming Idempotency-Key to a key that is %s', async (_, key) => {
    const body = newUser();
    const answer = await invite(body, key);
    expectProblem(answer, 400, 'IDEMPOTENCY.INVALID_KEY');
    expect(answer.body.detail).toContain('Idempotency-Key');
    expect(answer.body.errors).toEqual([{ field: 'Idempotency-Key', message: expect.any(String) }]);
    expect(await usersWithEmail(body.email)).toBe(0);
  });

  it('accepts a key of exactly 200 visible characters', async () => {
    const key = `${'~!'.repeat(99)}ok`;
    expect(key).toHaveLength(200);
    expect((await invite(newUser(), key)).status).toBe(201);
  });

  it('ignores a record older than 24 hours: the key then starts afresh', async () => {
    const key = randomUUID();
    expect((await invite(newUser(), key)).status).toBe(201);
    await system.dataSource.query(
      `UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = $1`,
      [key],
    );
    const later = newUser();
    const answer = await invite(later, key);
    expect(answer.status).toBe(201);
    expect(answer.headers['idempotent-replayed']).toBeUndefined();
    expect(await usersWithEmail(later.email)).toBe(1);
    expect(await storedKeys(key)).toEqual([{ state: 'completed', response_status: 201 }]);
  });
});

/** Sends one file as multipart/form-data, with an Idempotency-Key when given. */
async function uploadWithKey(
  system: TestSystem,
  url: string,
  token: string,
  file: { filename: string; data: Buffer },
  key?: string,
): Promise<HttpAnswer> {
  const boundary = `----idem${randomBytes(8).toString('hex')}`;
  const payload = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    ),
    file.data,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const response = await system.app.inject({
    method: 'POST',
    url,
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': `multipart/form-data; boundary=${boundary}`,
      ...(key === undefined ? {} : { 'idempotency-key': key }),
    },
    payload,
  });
  const type = String(response.headers['content-type'] ?? '');
  return {
    status: response.statusCode,
    body: type.includes('json') && response.body ? JSON.parse(response.body) : response.body,
    headers: response.headers as HttpAnswer['headers'],
    raw: response.rawPayload,
  };
}

describe('Idempotency-Key on the creations around a concept note', () => {
  let system: TestSystem;
  let lead: Awaited<ReturnType<typeof actor>>;
  let secretariat: Awaited<ReturnType<typeof actor>>;
  let rc: Awaited<ReturnType<typeof actor>>;
  let noteId: string;

  beforeAll(async () => {
    system = await startTestSystem();
    lead = await actor(system, ['applicant'], { organizationCode: 'IOM' });
    secretariat = await actor(system, ['secretariat']);
    rc = await actor(system, ['resident_coordinator'], { countryCodes: ['SRB'] });
    noteId = await readyDraft(system, lead.token, { countryCodes: ['SRB', 'MKD'] });
  });
  afterAll(() => system.close());

  const notePath = (rest: string) => `/api/v1/concept-notes/${noteId}${rest}`;

  async function count(sql: string, params: unknown[]): Promise<number> {
    const [row] = await system.dataSource.query(`SELECT count(*)::int AS n FROM ${sql}`, params);
    return row.n as number;
  }

  describe('POST /concept-notes/:id/attachments (multipart: the key covers the kind, the file name and the bytes)', () => {
    const attachments = () => count('attachments WHERE note_id = $1', [noteId]);
    const url = (kind = 'annex') => notePath(`/attachments?kind=${kind}`);

    it('replays the first answer to a retry with the same file, storing it once', async () => {
      const key = randomUUID();
      const before = await attachments();
      const file = { filename: 'budget-annex.pdf', data: PDF_BYTES };
      const first = await uploadWithKey(system, url(), lead.token, file, key);
      expect(first.status).toBe(201);
      expect(first.headers['idempotent-replayed']).toBeUndefined();
      expect(first.body.sha256).toBe(createHash('sha256').update(PDF_BYTES).digest('hex'));

      const retry = await uploadWithKey(system, url(), lead.token, file, key);
      expect(retry.status).toBe(201);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(retry.body).toEqual(first.body);
      expect(await attachments()).toBe(before + 1);

      // Without the key, the same upload is a second attachment: the key is what makes the retry safe.
      expect((await uploadWithKey(system, url(), lead.token, file)).status).toBe(201);
      expect(await attachments()).toBe(before + 2);
    });

    it.each([
      [
        'other bytes',
        { filename: 'budget-annex.pdf', data: Buffer.concat([PDF_BYTES, Buffer.from('%x\n')]) },
        'annex',
      ],
      ['another file name', { filename: 'other-name.pdf', data: PDF_BYTES }, 'annex'],
      ['another kind', { filename: 'budget-annex.pdf', data: PDF_BYTES }, 'template'],
      ['another file type', { filename: 'budget-annex.png', data: PNG_BYTES }, 'annex'],
    ])('answers 422 to the same key with %s, storing nothing', async (_, file, kind) => {
      const key = randomUUID();
      expect(
        (
          await uploadWithKey(
            system,
            url(),
            lead.token,
            { filename: 'budget-annex.pdf', data: PDF_BYTES },
            key,
          )
        ).status,
      ).toBe(201);
      const before = await attachments();
      const reused = await uploadWithKey(system, url(kind), lead.token, file, key);
      expectProblem(reused, 422, 'IDEMPOTENCY.KEY_REUSED');
      expect(await attachments()).toBe(before);
    });

    it('does not remember a refused upload: the key may be retried with an accepted file', async () => {
      const key = randomUUID();
      const before = await attachments();
      const refused = await uploadWithKey(
        system,
        url(),
        lead.token,
        { filename: 'scan.pdf', data: PNG_BYTES },
        key,
      );
      expectProblem(refused, 415, 'ATTACHMENT.TYPE_MISMATCH');
      const accepted = await uploadWithKey(
        system,
        url(),
        lead.token,
        { filename: 'scan.png', data: PNG_BYTES },
        key,
      );
      expect(accepted.status).toBe(201);
      expect(accepted.headers['idempotent-replayed']).toBeUndefined();
      expect(await attachments()).toBe(before + 1);
    });
  });

  describe('POST /concept-notes/:id/comments', () => {
    const comments = (body: string) => count('comments WHERE note_id = $1 AND body = $2', [noteId, body]);
    const post = (body: Record<string, unknown>, key: string) =>
      http(system, 'POST', notePath('/comments'), {
        token: lead.token,
        body,
        headers: { 'idempotency-key': key },
      });

    it('replays a retried comment and answers 422 to the same key with another comment', async () => {
      const key = randomUUID();
      const body = { body: 'The budget annex is attached.', visibility: 'team' };
      const first = await post(body, key);
      expect(first.status).toBe(201);
      const retry = await post({ visibility: 'team', body: body.body }, key);
      expect(retry.status).toBe(201);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(retry.body).toEqual(first.body);
      expect(await comments(body.body)).toBe(1);

      const other = { body: 'A different comment.', visibility: 'team' };
      expectProblem(await post(other, key), 422, 'IDEMPOTENCY.KEY_REUSED');
      expect(await comments(other.body)).toBe(0);
    });
  });

  describe('POST /delegations', () => {
    it('replays a retried delegation and answers 422 to the same key with other dates', async () => {
      const deputy = await actor(system, ['rc_office'], { countryCodes: ['SRB'] });
      const delegations = () => count('delegations WHERE delegate_id = $1', [deputy.user.id]);
      const key = randomUUID();
      const create = (body: Record<string, unknown>) =>
        http(system, 'POST', '/api/v1/delegations', {
          token: rc.token,
          body,
          headers: { 'idempotency-key': key },
        });
      const body = { delegateId: deputy.user.id, startsOn: '2027-01-04', endsOn: '2027-01-15' };
      const first = await create(body);
      expect(first.status).toBe(201);
      const retry = await create(body);
      expect(retry.status).toBe(201);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(retry.body).toEqual(first.body);
      expect(await delegations()).toBe(1);

      expectProblem(await create({ ...body, endsOn: '2027-01-31' }), 422, 'IDEMPOTENCY.KEY_REUSED');
      expect(await delegations()).toBe(1);
    });
  });

  describe('POST /concept-notes/:id/offline-endorsements', () => {
    it('replays a retried offline endorsement, recording it once, and answers 422 to the same key with another body', async () => {
      const requested = await http(system, 'POST', notePath('/endorsement-requests'), { token: lead.token });
      expect(requested.status).toBe(200);
      const letter = await uploadWithKey(
        system,
        notePath('/attachments?kind=endorsement_letter'),
        secretariat.token,
        {
          filename: 'signed-letter.pdf',
          data: PDF_BYTES,
        },
      );
      expect(letter.status).toBe(201);
      const offline = (body: Record<string, unknown>, key?: string) =>
        http(system, 'POST', notePath('/offline-endorsements'), {
          token: secretariat.token,
          body,
          headers: key === undefined ? {} : { 'idempotency-key': key },
        });
      const recorded = () =>
        count(`endorsements WHERE note_id = $1 AND kind = 'offline' AND country_code = 'MKD'`, [noteId]);
      const body = {
        countryCode: 'MKD',
        letterAttachmentId: letter.body.id,
        reason: 'The RC signed on paper during a connectivity outage.',
      };
      const key = randomUUID();

      const first = await offline(body, key);
      expect(first.status).toBe(200);
      expect(first.body.status).toBe('awaiting_endorsement');
      const retry = await offline(body, key);
      expect(retry.status).toBe(200);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(retry.body).toEqual(first.body);
      expect(await recorded()).toBe(1);

      expectProblem(
        await offline({ ...body, reason: 'Another reason altogether.' }, key),
        422,
        'IDEMPOTENCY.KEY_REUSED',
      );
      // Without the key the retry is a second request, refused: the country is already covered.
      expectProblem(await offline(body), 409, 'ENDORSEMENT.ALREADY_COVERED');
      expect(await recorded()).toBe(1);

      // The replayed answer was the note as it stood then; the note itself moved on only by what was done.
      const endorsed = await http(system, 'POST', notePath('/endorsements'), {
        token: rc.token,
        body: { decision: 'endorse' },
      });
      expect(endorsed.body.status).toBe('submitted');
      const late = await offline(body, key);
      expect(late.headers['idempotent-replayed']).toBe('true');
      expect(late.body.status).toBe('awaiting_endorsement');
    });
  });
});
