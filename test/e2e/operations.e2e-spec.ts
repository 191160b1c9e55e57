import { Client } from 'pg';
import { actor, http, type TestSystem, startTestSystem } from '../harness';
import { adminDatabaseUrl } from '../test-env';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Runs SQL on the server's maintenance database (not the system's own). */
async function asAdmin(sql: string): Promise<void> {
  const client = new Client({ connectionString: adminDatabaseUrl() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** The value of one sample of a Prometheus text exposition, or undefined if absent. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+)\{([^}]*)\} (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = match[2].split(',');
    if (wanted.every((label) => present.includes(label))) return Number(match[3]);
  }
  return undefined;
}

describe('health, metrics and HTTP conventions', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem();
  });
  afterAll(() => system.close());

  it('answers liveness without a token', async () => {
    const answer = await http(system, 'GET', '/api/v1/health');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ status: 'ok' });
  });

  it('answers readiness with Postgres and Redis up', async () => {
    const answer = await http(system, 'GET', '/api/v1/health/ready');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ status: 'ready', checks: { postgres: 'up', redis: 'up' } });
  });

  it('exposes Prometheus metrics: HTTP latency by route, queue depths and the outbox backlog', async () => {
    await http(system, 'GET', '/api/v1/health');
    const answer = await http(system, 'GET', '/api/v1/metrics');
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toContain('text/plain');
    const text = String(answer.body);
    expect(text).toContain('# TYPE mptf_http_request_duration_seconds histogram');
    expect(
      sample(text, 'mptf_http_request_duration_seconds_count', {
        method: 'GET',
        route: '/api/v1/health',
        status: '200',
      }),
    ).toBeGreaterThanOrEqual(1);
    expect(text).toContain('# TYPE mptf_queue_jobs gauge');
    for (const state of ['waiting', 'active', 'delayed', 'failed']) {
      expect(sample(text, 'mptf_queue_jobs', { queue: 'email', state })).toBe(0);
    }
    expect(text).toContain('# TYPE mptf_outbox_backlog gauge');
    for (const status of ['pending', 'sending', 'failed']) {
      expect(sample(text, 'mptf_outbox_backlog', { status })).toBe(0);
    }
    expect(text).toMatch(/^mptf_process_cpu_seconds_total /m);
  });

  it('counts the e-mails waiting in the outbox', async () => {
    const metrics = async () => String((await http(system, 'GET', '/api/v1/metrics')).body);
    const before = sample(await metrics(), 'mptf_outbox_backlog', { status: 'failed' });
    await system.dataSource.query(
      `INSERT INTO notifications (recipient_email, template, locale, payload, message_id, dedupe_key, status)
       VALUES ('someone@test.mptf.org', 'invitation', 'en', '{}', '<metrics-test@mptf.test>', 'metrics-test', 'failed')`,
    );
    expect(sample(await metrics(), 'mptf_outbox_backlog', { status: 'failed' })).toBe(before! + 1);
  });

  it('serves the OpenAPI document', async () => {
    const answer = await http(system, 'GET', '/docs/json');
    expect(answer.status).toBe(200);
    expect(answer.body.openapi).toMatch(/^3\./);
    expect(Object.keys(answer.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/health',
        '/api/v1/health/ready',
        '/api/v1/fund-rules',
        '/api/v1/auth/login',
      ]),
    );
  });

  it('answers an unknown route with 404 problem details, code ROUTE_NOT_FOUND and the request id', async () => {
    const answer = await http(system, 'GET', '/api/v1/no-such-thing');
    expect(answer.status).toBe(404);
    expect(answer.headers['content-type']).toContain('application/problem+json');
    expect(answer.body).toMatchObject({
      status: 404,
      code: 'ROUTE_NOT_FOUND',
      instance: '/api/v1/no-such-thing',
      requestId: answer.headers['x-request-id'],
    });
    expect(answer.body.requestId).toMatch(UUID);
  });

  it('answers a malformed JSON body with 400 problem details', async () => {
    const answer = await http(system, 'POST', '/api/v1/auth/login', { body: '{"email": "a@b.org", ' });
    expect(answer.status).toBe(400);
    expect(answer.headers['content-type']).toContain('application/problem+json');
    expect(answer.body).toMatchObject({
      status: 400,
      code: 'MALFORMED_BODY',
      requestId: answer.headers['x-request-id'],
    });
    const empty = await http(system, 'POST', '/api/v1/auth/login', { body: '' });
    expect(empty.status).toBe(400);
    expect(empty.body.code).toBe('MALFORMED_BODY');
  });

  it('sends security headers and a request id on every answer', async () => {
    for (const path of ['/api/v1/health', '/api/v1/no-such-thing', '/api/v1/me']) {
      const answer = await http(system, 'GET', path);
      expect(answer.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(answer.headers['content-security-policy']).toContain("default-src 'self'");
      expect(answer.headers['x-content-type-options']).toBe('nosniff');
      expect(answer.headers['x-frame-options']).toMatch(/^(DENY|SAMEORIGIN)$/);
      expect(answer.headers['x-request-id']).toMatch(UUID);
    }
  });

  it('keeps a well-formed request id from the caller and replaces a malformed one', async () => {
    const kept = await http(system, 'GET', '/api/v1/me', { headers: { 'x-request-id': 'trace-1234abcd' } });
    expect(kept.headers['x-request-id']).toBe('trace-1234abcd');
    expect(kept.body.requestId).toBe('trace-1234abcd');
    const replaced = await http(system, 'GET', '/api/v1/me', {
      headers: { 'x-request-id': 'bad id <script>' },
    });
    expect(replaced.headers['x-request-id']).toMatch(UUID);
  });
});

describe('the queue dashboard', () => {
  let system: TestSystem;
  let secretariat: Awaited<ReturnType<typeof actor>>;
  let admin: Awaited<ReturnType<typeof actor>>;
  let applicant: Awaited<ReturnType<typeof actor>>;
  beforeAll(async () => {
    system = await startTestSystem();
    [secretariat, admin, applicant] = await Promise.all([
      actor(system, ['secretariat']),
      actor(system, ['admin']),
      actor(system, ['applicant'], { organizationCode: 'IOM' }),
    ]);
  });

  /** The security-log rows written while answering one request. */
  const logged = (answer: { headers: Record<string, unknown> }) =>
    system.dataSource.query(
      `SELECT kind, user_id, method, path, detail FROM security_events WHERE request_id = $1 ORDER BY id`,
      [answer.headers['x-request-id']],
    );
  afterAll(() => system.close());

  const dashboardCookie = async (token: string) => {
    const answer = await http(system, 'POST', '/api/v1/auth/dashboard-session', { token });
    const header = answer.headers['set-cookie'];
    return { answer, cookie: String(Array.isArray(header) ? header[0] : (header ?? '')) };
  };

  it('refuses an unauthenticated request with 401 problem details', async () => {
    const answer = await http(system, 'GET', '/admin/queues');
    expect(answer.status).toBe(401);
    expect(answer.headers['content-type']).toContain('application/problem+json');
    expect(answer.body.code).toBe('UNAUTHENTICATED');
    expect(await logged(answer)).toEqual([
      {
        kind: 'access_denied',
        user_id: null,
        method: 'GET',
        path: '/admin/queues',
        detail: '401 UNAUTHENTICATED',
      },
    ]);
    const api = await http(system, 'GET', '/admin/queues/api/queues');
    expect(api.status).toBe(401);
  });

  it("refuses an applicant's bearer token with 403 problem details, logged as denied", async () => {
    const answer = await http(system, 'GET', '/admin/queues', { token: applicant.token });
    expect(answer.status).toBe(403);
    expect(answer.headers['content-type']).toContain('application/problem+json');
    expect(answer.body.code).toBe('FORBIDDEN');
    const rows = await system.dataSource.query(
      `SELECT kind FROM security_events WHERE user_id = $1 AND path = '/admin/queues'`,
      [applicant.user.id],
    );
    expect(rows).toEqual([{ kind: 'access_denied' }]);
  });

  it('refuses a forged cookie, and an API token passed off as the cookie', async () => {
    const forged = await http(system, 'GET', '/admin/queues', {
      headers: { cookie: 'mptf_dashboard=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl' },
    });
    expect(forged.status).toBe(401);
    expect(forged.headers['content-type']).toContain('application/problem+json');
    // Logged once, as the rejected token it is.
    expect((await logged(forged)).map((row: { kind: string }) => row.kind)).toEqual(['token_rejected']);
    const apiToken = await http(system, 'GET', '/admin/queues', {
      headers: { cookie: `mptf_dashboard=${secretariat.token}` },
    });
    expect(apiToken.status).toBe(401);
  });

  it('gives the secretariat an HttpOnly, SameSite=Strict cookie scoped to /admin/queues that opens the dashboard', async () => {
    const { answer, cookie } = await dashboardCookie(secretariat.token);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ url: '/admin/queues', expiresAt: expect.any(String) });
    expect(cookie).toMatch(/^mptf_dashboard=[^;]+;/);
    expect(cookie).toMatch(/; Path=\/admin\/queues(;|$)/);
    expect(cookie).toMatch(/; HttpOnly(;|$)/);
    expect(cookie).toMatch(/; SameSite=Strict(;|$)/);
    expect(cookie).toMatch(/; Max-Age=\d+(;|$)/);

    const value = cookie.split(';')[0];
    const page = await http(system, 'GET', '/admin/queues', { headers: { cookie: value } });
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    const queues = await http(system, 'GET', '/admin/queues/api/queues', { headers: { cookie: value } });
    expect(queues.status).toBe(200);
    expect(queues.body.queues.map((q: { name: string }) => q.name)).toContain('email');

    // The dashboard cookie is no API token.
    const me = await http(system, 'GET', '/api/v1/me', { token: value.split('=')[1] });
    expect(me.status).toBe(401);
  });

  it('lets the secretariat in with a bearer token too', async () => {
    const answer = await http(system, 'GET', '/admin/queues', { token: secretariat.token });
    expect(answer.status).toBe(200);
  });

  it('lets an administrator in, with a bearer token and with the dashboard cookie', async () => {
    const bearer = await http(system, 'GET', '/admin/queues', { token: admin.token });
    expect(bearer.status).toBe(200);
    expect(bearer.headers['content-type']).toContain('text/html');

    const { answer, cookie } = await dashboardCookie(admin.token);
    expect(answer.status).toBe(200);
    const value = cookie.split(';')[0];
    expect(value).toMatch(/^mptf_dashboard=[^;]+$/);
    const queues = await http(system, 'GET', '/admin/queues/api/queues', { headers: { cookie: value } });
    expect(queues.status).toBe(200);
    expect(queues.body.queues.map((q: { name: string }) => q.name)).toContain('email');
    const [{ n }] = await system.dataSource.query(
      `SELECT count(*)::int AS n FROM security_events WHERE user_id = $1`,
      [admin.user.id],
    );
    expect(n).toBe(0);
  });

  it('refuses a dashboard session to an applicant', async () => {
    const { answer, cookie } = await dashboardCookie(applicant.token);
    expect(answer.status).toBe(403);
    expect(answer.body.code).toBe('FORBIDDEN');
    expect(cookie).toBe('');
  });
});

describe('readiness when Postgres is unreachable', () => {
  let system: TestSystem;
  let database: string;
  beforeAll(async () => {
    system = await startTestSystem();
    database = new URL(system.config.databaseUrl).pathname.slice(1);
  });
  afterAll(async () => {
    await asAdmin(`ALTER DATABASE "${database}" WITH ALLOW_CONNECTIONS true`);
    await system.close();
  });

  it('answers 503 NOT_READY with postgres down, and 200 again once it is back', async () => {
    expect((await http(system, 'GET', '/api/v1/health/ready')).status).toBe(200);

    await asAdmin(`ALTER DATABASE "${database}" WITH ALLOW_CONNECTIONS false`);
    await asAdmin(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${database}' AND pid <> pg_backend_pid()`,
    );
    const down = await http(system, 'GET', '/api/v1/health/ready');
    expect(down.status).toBe(503);
    expect(down.headers['content-type']).toContain('application/problem+json');
    expect(down.body).toMatchObject({
      status: 503,
      code: 'NOT_READY',
      checks: { postgres: 'down', redis: 'up' },
      requestId: down.headers['x-request-id'],
    });
    // Liveness does not depend on the database.
    expect((await http(system, 'GET', '/api/v1/health')).status).toBe(200);

    await asAdmin(`ALTER DATABASE "${database}" WITH ALLOW_CONNECTIONS true`);
    const back = await http(system, 'GET', '/api/v1/health/ready');
    expect(back.status).toBe(200);
    expect(back.body.checks).toEqual({ postgres: 'up', redis: 'up' });
  });
});

describe('with Redis unreachable', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({ env: { REDIS_URL: 'redis://127.0.0.1:1' } });
  });
  afterAll(() => system.close());

  it('stays ready, reporting redis down', async () => {
    const answer = await http(system, 'GET', '/api/v1/health/ready');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ status: 'ready', checks: { postgres: 'up', redis: 'down' } });
  });

  it('still takes writes: a secretariat edit of the fund rules succeeds', async () => {
    const { token } = await actor(system, ['secretariat']);
    const before = await http(system, 'GET', '/api/v1/fund-rules', { token });
    const rules = { ...before.body.rules, technicalRevisionDays: 12 };
    const answer = await http(system, 'PUT', '/api/v1/fund-rules', { token, body: rules });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ version: before.body.version + 1, rules });
  });

  it('still serves metrics, with the queue depths unknown rather than zero', async () => {
    const answer = await http(system, 'GET', '/api/v1/metrics');
    expect(answer.status).toBe(200);
    const text = String(answer.body);
    expect(text).toContain('# TYPE mptf_queue_jobs gauge');
    expect(sample(text, 'mptf_queue_jobs', { queue: 'email', state: 'waiting' })).toBeUndefined();
    expect(sample(text, 'mptf_outbox_backlog', { status: 'pending' })).toBe(0);
  });
});
