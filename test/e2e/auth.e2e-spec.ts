import { http, signIn, startTestSystem, actor, createUser, type TestSystem } from '../harness';

describe('sign-in', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem();
  });
  afterAll(() => system.close());

  it('signs in with the right password and answers who I am', async () => {
    const user = await createUser(system, { roles: ['applicant'], organizationCode: 'IOM' });
    const token = await signIn(system, user);
    const me = await http(system, 'GET', '/api/v1/me', { token });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      id: user.id,
      email: user.email,
      roles: ['applicant'],
      organizationCode: 'IOM',
    });
  });

  it('refuses a wrong password with 401 and logs it in the security log', async () => {
    const user = await createUser(system, { roles: ['applicant'] });
    const answer = await http(system, 'POST', '/api/v1/auth/login', {
      body: { email: user.email, password: 'wrong password!' },
    });
    expect(answer.status).toBe(401);
    expect(answer.body.code).toBe('AUTH.INVALID_CREDENTIALS');
    const [row] = await system.dataSource.query(`SELECT kind, email FROM security_events WHERE email = $1`, [
      user.email,
    ]);
    expect(row).toEqual({ kind: 'sign_in_failed', email: user.email });
  });

  it('throttles repeated failures for an account, even with the right password afterwards', async () => {
    const user = await createUser(system, { roles: ['reviewer'] });
    for (let i = 0; i < 5; i++) {
      const answer = await http(system, 'POST', '/api/v1/auth/login', {
        body: { email: user.email, password: `wrong-${i}-password` },
      });
      expect(answer.status).toBe(401);
    }
    const blocked = await http(system, 'POST', '/api/v1/auth/login', {
      body: { email: user.email, password: user.password },
    });
    expect(blocked.status).toBe(429);
    expect(blocked.body.code).toBe('RATE_LIMITED');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    const logged = await system.dataSource.query(
      `SELECT detail FROM security_events WHERE kind = 'rate_limited'`,
    );
    expect(logged).toEqual([{ detail: `signInFailures ${user.email}` }]);
  });
});

describe('roles', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem();
  });
  afterAll(() => system.close());

  it('answers 403 to a role the route does not allow', async () => {
    const { token } = await actor(system, ['applicant']);
    const answer = await http(system, 'GET', '/api/v1/users', { token });
    expect(answer.status).toBe(403);
    expect(answer.headers['content-type']).toContain('application/problem+json');
  });
});
