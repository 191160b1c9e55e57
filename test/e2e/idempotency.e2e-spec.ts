import { randomUUID } from 'node:crypto';
import { actor, http, startTestSystem, type HttpAnswer, type TestSystem } from '../harness';

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
