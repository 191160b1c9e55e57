import { randomBytes, randomUUID } from 'node:crypto';
import { actor, http, TEST_PASSWORD, startTestSystem, type HttpAnswer, type TestSystem } from '../harness';
import { completeNote } from '../factories';

interface SecurityRow {
  kind: string;
  user_id: string | null;
  method: string | null;
  path: string | null;
  detail: string | null;
}

/**
 * DESIGN §2: failed sign-ins and denied requests go to the security log. Every refusal for want of
 * permission lands there once (401, 403 from the role guard or from a service, and the 404 of a
 * scope check), and nothing in it is a credential.
 */
describe('the security log', () => {
  let system: TestSystem;
  let secretariat: Awaited<ReturnType<typeof actor>>;
  let lead: Awaited<ReturnType<typeof actor>>;
  let outsider: Awaited<ReturnType<typeof actor>>;
  let noteId: string;

  beforeAll(async () => {
    system = await startTestSystem();
    [secretariat, lead, outsider] = await Promise.all([
      actor(system, ['secretariat']),
      actor(system, ['applicant'], { organizationCode: 'IOM' }),
      actor(system, ['applicant'], { organizationCode: 'ILO' }),
    ]);
    const created = await http(system, 'POST', '/api/v1/concept-notes', {
      token: lead.token,
      body: completeNote({ title: 'A draft only its team may see' }),
    });
    expect(created.status).toBe(201);
    noteId = created.body.id as string;
  });
  afterAll(() => system.close());

  /** The rows written while answering one request, found by the request id the answer carries. */
  async function logged(answer: HttpAnswer): Promise<SecurityRow[]> {
    return system.dataSource.query(
      `SELECT kind, user_id, method, path, detail FROM security_events WHERE request_id = $1 ORDER BY id`,
      [answer.headers['x-request-id']],
    );
  }

  it('records a 403 a service answers (past the role guard) with the user, method, path and code', async () => {
    const answer = await http(system, 'POST', '/api/v1/users', {
      token: secretariat.token,
      body: { email: 'would-be-admin@test.mptf.org', name: 'Would Be', roles: ['admin'] },
    });
    expect(answer.status).toBe(403);
    expect(answer.body.code).toBe('USER.ADMIN_ROLE_RESTRICTED');
    expect(await logged(answer)).toEqual([
      {
        kind: 'access_denied',
        user_id: secretariat.user.id,
        method: 'POST',
        path: '/api/v1/users',
        detail: '403 USER.ADMIN_ROLE_RESTRICTED',
      },
    ]);
  });

  it('records the 404 of a scope check, which answers exactly like a note that does not exist', async () => {
    const hidden = await http(system, 'GET', `/api/v1/concept-notes/${noteId}`, { token: outsider.token });
    const missing = await http(system, 'GET', `/api/v1/concept-notes/${randomUUID()}`, {
      token: outsider.token,
    });
    expect(hidden.status).toBe(404);
    expect(missing.status).toBe(404);
    const answer = ({ code, detail, title, type, status }: Record<string, unknown>) => ({
      code,
      detail,
      title,
      type,
      status,
    });
    expect(answer(hidden.body)).toEqual(answer(missing.body));
    expect(hidden.body.code).toBe('NOT_FOUND');

    expect(await logged(hidden)).toEqual([
      {
        kind: 'access_denied',
        user_id: outsider.user.id,
        method: 'GET',
        path: `/api/v1/concept-notes/${noteId}`,
        detail: '404 NOT_FOUND outside scope',
      },
    ]);
    // The team still sees it: the scope check refused the outsider, not the note.
    expect((await http(system, 'GET', `/api/v1/concept-notes/${noteId}`, { token: lead.token })).status).toBe(
      200,
    );
  });

  it('does not record ordinary 404s: an unknown id, an unknown user, an unknown route', async () => {
    const answers = await Promise.all([
      http(system, 'GET', `/api/v1/concept-notes/${randomUUID()}`, { token: lead.token }),
      http(system, 'GET', `/api/v1/users/${randomUUID()}`, { token: secretariat.token }),
      http(system, 'GET', '/api/v1/no-such-route', { token: lead.token }),
      http(system, 'GET', '/api/v1/no-such-route'),
    ]);
    for (const answer of answers) {
      expect(answer.status).toBe(404);
      expect(await logged(answer)).toEqual([]);
    }
  });

  it('records a request that comes without a token (401)', async () => {
    const answer = await http(system, 'PATCH', `/api/v1/concept-notes/${noteId}`, { body: { title: 'x' } });
    expect(answer.status).toBe(401);
    expect(await logged(answer)).toEqual([
      {
        kind: 'access_denied',
        user_id: null,
        method: 'PATCH',
        path: `/api/v1/concept-notes/${noteId}`,
        detail: '401 UNAUTHENTICATED',
      },
    ]);
  });

  it('records each refusal once, by whoever knew it best', async () => {
    const byRole = await http(system, 'GET', '/api/v1/users', { token: outsider.token });
    expect(byRole.status).toBe(403);
    expect(await logged(byRole)).toEqual([
      {
        kind: 'access_denied',
        user_id: outsider.user.id,
        method: 'GET',
        path: '/api/v1/users',
        detail: 'needs one of admin, secretariat',
      },
    ]);

    const signIn = await http(system, 'POST', '/api/v1/auth/login', {
      body: { email: lead.user.email, password: 'not the password at all' },
    });
    expect(signIn.status).toBe(401);
    expect((await logged(signIn)).map((row) => row.kind)).toEqual(['sign_in_failed']);

    const badToken = await http(system, 'GET', '/api/v1/me', { token: 'not.a.token' });
    expect(badToken.status).toBe(401);
    expect((await logged(badToken)).map((row) => row.kind)).toEqual(['token_rejected']);
  });

  it('never keeps a token or a password', async () => {
    const wrongPassword = `Wrong-${randomBytes(8).toString('hex')}`;
    const forged = `eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.${randomBytes(16).toString('base64url')}`;
    const calendarToken = randomBytes(32).toString('base64url');

    const refusals = [
      await http(system, 'POST', '/api/v1/auth/login', {
        body: { email: outsider.user.email, password: wrongPassword },
      }),
      await http(system, 'GET', '/api/v1/me', { token: forged }),
      await http(system, 'GET', `/api/v1/calendar.ics?token=${calendarToken}`),
      await http(system, 'GET', `/api/v1/concept-notes/${noteId}?token=${calendarToken}`, {
        token: outsider.token,
      }),
      await http(system, 'GET', '/api/v1/users', { token: outsider.token }),
      await http(system, 'POST', '/api/v1/users', {
        token: secretariat.token,
        body: { email: 'another-admin@test.mptf.org', name: 'Another', roles: ['admin'] },
      }),
    ];
    expect(refusals.map((a) => a.status)).toEqual([401, 401, 401, 404, 403, 403]);
    for (const answer of refusals) expect((await logged(answer)).length).toBe(1);

    const [calendar] = await logged(refusals[2]);
    expect(calendar).toMatchObject({
      kind: 'access_denied',
      path: '/api/v1/calendar.ics?token=[redacted]',
      detail: '401 UNAUTHENTICATED',
    });

    const rows: { row: string }[] = await system.dataSource.query(
      `SELECT row_to_json(s)::text AS row FROM security_events s`,
    );
    const everything = rows.map((r) => r.row).join('\n');
    const tokens = [secretariat.token, lead.token, outsider.token, forged];
    const secrets = [
      wrongPassword,
      TEST_PASSWORD,
      calendarToken,
      ...tokens,
      // Each token's signature alone, in case a token were ever cut up.
      ...tokens.map((token) => token.split('.')[2]),
    ];
    for (const secret of secrets) expect(everything).not.toContain(secret);
  });
});
