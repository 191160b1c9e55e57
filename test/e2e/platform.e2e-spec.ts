import { randomBytes } from 'node:crypto';
import {
  actor,
  createUser,
  http,
  signIn,
  startTestSystem,
  type HttpAnswer,
  type TestSystem,
} from '../harness';

/** A PHC string of Argon2id with the parameters of ARGON2_OPTIONS (19 MiB, two passes, one lane), in any order. */
const ARGON2ID =
  /^\$argon2id\$v=19\$(?=[^$]*\bm=19456\b)(?=[^$]*\bt=2\b)(?=[^$]*\bp=1\b)[mtp=0-9,]+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/;
const ACCEPT_LINK = /http:\/\/mptf\.test\/accept-invitation\?token=([A-Za-z0-9_-]+)/;
const BOOTSTRAP_PASSWORD = 'first admin passphrase 2026';

/** A POST from a given client address (the rate limits count per address). */
async function postFrom(system: TestSystem, ip: string, url: string, body: unknown): Promise<HttpAnswer> {
  const response = await system.app.inject({
    method: 'POST',
    url,
    remoteAddress: ip,
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify(body),
  });
  return {
    status: response.statusCode,
    body: response.body ? JSON.parse(response.body) : undefined,
    headers: response.headers as HttpAnswer['headers'],
    raw: response.rawPayload,
  };
}

async function passwordHash(system: TestSystem, email: string): Promise<string | null> {
  const [row] = await system.dataSource.query(`SELECT password_hash FROM users WHERE email = $1`, [email]);
  return (row?.password_hash as string | null | undefined) ?? null;
}

function expectRateLimited(answer: HttpAnswer, windowSeconds: number): void {
  expect(answer.status).toBe(429);
  expect(answer.headers['content-type']).toContain('application/problem+json');
  expect(answer.body.code).toBe('RATE_LIMITED');
  const retryAfter = Number(answer.headers['retry-after']);
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(windowSeconds);
  expect(answer.body.retryAfterSeconds).toBe(retryAfter);
}

describe('the first administrator (BOOTSTRAP_ADMIN_EMAIL, BOOTSTRAP_ADMIN_PASSWORD)', () => {
  const env = {
    BOOTSTRAP_ADMIN_EMAIL: 'First.Admin@Test.mptf.org',
    BOOTSTRAP_ADMIN_PASSWORD: BOOTSTRAP_PASSWORD,
  };

  it('is created at boot when there is no user at all, with an Argon2id hash, and can sign in', async () => {
    const system = await startTestSystem({ env });
    try {
      const users = await system.dataSource.query(
        `SELECT id, email, name, roles, active, password_hash FROM users`,
      );
      expect(users).toEqual([
        {
          id: expect.any(String),
          email: 'first.admin@test.mptf.org',
          name: 'Administrator',
          roles: ['admin'],
          active: true,
          password_hash: expect.stringMatching(ARGON2ID),
        },
      ]);
      const audited = await system.dataSource.query(
        `SELECT actor_id, entity_id, row_to_json(a)::text AS raw FROM audit_events a WHERE action = 'user.bootstrapped'`,
      );
      expect(audited).toEqual([{ actor_id: null, entity_id: users[0].id, raw: expect.any(String) }]);
      expect(audited[0].raw).not.toContain(BOOTSTRAP_PASSWORD);
      expect(audited[0].raw).not.toContain('argon2');

      const token = await signIn(system, {
        email: 'first.admin@test.mptf.org',
        password: BOOTSTRAP_PASSWORD,
      });
      const me = await http(system, 'GET', '/api/v1/me', { token });
      expect(me.body).toMatchObject({ id: users[0].id, roles: ['admin'], activated: true });
    } finally {
      await system.close();
    }
  });

  it('is not created when users exist already, even none of them an administrator', async () => {
    const first = await startTestSystem();
    try {
      const existing = await createUser(first, { roles: ['secretariat'] });
      // A second boot of the API on the same database, this time with BOOTSTRAP_ADMIN_* set.
      const rebooted = await startTestSystem({ env: { ...env, DATABASE_URL: first.config.databaseUrl } });
      try {
        const users = await rebooted.dataSource.query(`SELECT id, roles FROM users`);
        expect(users).toEqual([{ id: existing.id, roles: ['secretariat'] }]);
        const [{ n }] = await rebooted.dataSource.query(
          `SELECT count(*)::int AS n FROM audit_events WHERE action = 'user.bootstrapped'`,
        );
        expect(n).toBe(0);
        const login = await http(rebooted, 'POST', '/api/v1/auth/login', {
          body: { email: env.BOOTSTRAP_ADMIN_EMAIL, password: BOOTSTRAP_PASSWORD },
        });
        expect(login.status).toBe(401);
      } finally {
        await rebooted.close();
      }
    } finally {
      await first.close();
    }
  });
});

describe('the sign-in limit per client address', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem();
  });
  afterAll(() => system.close());

  it('answers 429 with Retry-After to the 31st attempt in a minute from one address, whatever the account', async () => {
    const user = await createUser(system, { roles: ['secretariat'] });
    const ip = '10.20.30.40';
    // Thirty attempts on thirty different unknown accounts: only the per-address limit can trip.
    for (let i = 0; i < 30; i++) {
      const answer = await postFrom(system, ip, '/api/v1/auth/login', {
        email: `nobody-${i}@test.mptf.org`,
        password: 'not a password that works',
      });
      expect(answer.status).toBe(401);
    }
    const blocked = await postFrom(system, ip, '/api/v1/auth/login', {
      email: user.email,
      password: user.password,
    });
    expectRateLimited(blocked, 60);
    expect(blocked.body.accessToken).toBeUndefined();
    const logged = await system.dataSource.query(
      `SELECT kind, detail FROM security_events WHERE request_id = $1`,
      [blocked.headers['x-request-id']],
    );
    expect(logged).toEqual([{ kind: 'rate_limited', detail: `signInIp ${ip}` }]);

    // Another address signs the same account in.
    const elsewhere = await postFrom(system, '10.20.30.41', '/api/v1/auth/login', {
      email: user.email,
      password: user.password,
    });
    expect(elsewhere.status).toBe(200);
  });
});

describe('accepting invitations', () => {
  let system: TestSystem;
  let secretariat: Awaited<ReturnType<typeof actor>>;
  beforeAll(async () => {
    system = await startTestSystem({ worker: true });
    secretariat = await actor(system, ['secretariat']);
  });
  afterAll(() => system.close());

  async function invite(email: string): Promise<string> {
    const invited = await http(system, 'POST', '/api/v1/users', {
      token: secretariat.token,
      body: { email, name: 'Invited Person', roles: ['applicant'], organizationCode: 'IOM' },
    });
    expect(invited.status).toBe(201);
    await system.smtp.waitFor(() => system.smtp.to(email).length > 0);
    const match = ACCEPT_LINK.exec(system.smtp.to(email)[0].text);
    if (!match) throw new Error('no accept link in the invitation');
    return match[1];
  }

  it('answers 429 with Retry-After to the 11th attempt in a minute from one address, and the link survives it', async () => {
    const email = 'limited.invitee@test.mptf.org';
    const token = await invite(email);
    const ip = '10.40.30.20';
    for (let i = 0; i < 10; i++) {
      const guess = await postFrom(system, ip, '/api/v1/auth/invitations/accept', {
        token: randomBytes(32).toString('base64url'),
        password: 'a guessed passphrase',
      });
      expect(guess.status).toBe(400);
      expect(guess.body.code).toBe('AUTH.INVITATION_INVALID');
    }
    const blocked = await postFrom(system, ip, '/api/v1/auth/invitations/accept', {
      token,
      password: 'the real new passphrase',
    });
    expectRateLimited(blocked, 60);
    expect(await passwordHash(system, email)).toBeNull();
    const [invitation] = await system.dataSource.query(
      `SELECT i.accepted_at FROM invitations i JOIN users u ON u.id = i.user_id WHERE u.email = $1`,
      [email],
    );
    expect(invitation.accepted_at).toBeNull();

    const elsewhere = await postFrom(system, '10.40.30.21', '/api/v1/auth/invitations/accept', {
      token,
      password: 'the real new passphrase',
    });
    expect(elsewhere.status).toBe(200);
  });

  it('stores the password an invitee sets as an Argon2id hash, and never the password itself', async () => {
    const email = 'argon.invitee@test.mptf.org';
    const password = `passphrase ${randomBytes(6).toString('hex')}`;
    const token = await invite(email);
    const accepted = await postFrom(system, '10.50.0.1', '/api/v1/auth/invitations/accept', {
      token,
      password,
    });
    expect(accepted.status).toBe(200);
    const stored = await passwordHash(system, email);
    expect(stored).toMatch(ARGON2ID);
    expect(stored).not.toContain(password);
    expect(await signIn(system, { email, password })).toEqual(expect.any(String));
  });
});
