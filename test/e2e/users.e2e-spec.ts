import { createHash, randomUUID } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import ExcelJS from 'exceljs';
import {
  actor,
  createUser,
  http,
  signIn,
  startTestSystem,
  TEST_JWT_SECRET,
  TestClock,
  type HttpAnswer,
  type TestSystem,
} from '../harness';
import type { ReceivedMail } from '../smtp-receiver';

/** The scope a reviewer needs (DESIGN §1): an organization and at least one thematic area. */
const REVIEWER_SCOPE = { organizationCode: 'UNDP', thematicAreaCodes: ['TA2'] };

const ACCEPT_LINK = /http:\/\/mptf\.test\/accept-invitation\?token=([A-Za-z0-9_-]+)/;
const NEW_PASSWORD = 'a brand new passphrase 42';

function expectProblem(answer: HttpAnswer, status: number, code?: string): void {
  expect(answer.status).toBe(status);
  expect(answer.headers['content-type']).toContain('application/problem+json');
  expect(answer.body.status).toBe(status);
  if (code) expect(answer.body.code).toBe(code);
}

function problemFields(answer: HttpAnswer): string[] {
  return ((answer.body.errors ?? []) as { field: string }[]).map((e) => e.field).sort();
}

/** Waits for the `count`-th e-mail to an address and returns it. */
async function nthMailTo(system: TestSystem, email: string, count: number): Promise<ReceivedMail> {
  await system.smtp.waitFor(() => system.smtp.to(email).length >= count);
  return system.smtp.to(email)[count - 1];
}

function tokenFrom(mail: ReceivedMail): string {
  const match = ACCEPT_LINK.exec(mail.text);
  if (!match) throw new Error(`no accept link in: ${mail.text}`);
  return match[1];
}

/** Polls until `probe` answers something other than undefined (the outbox is updated just after SMTP). */
async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 15000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function countUsers(system: TestSystem): Promise<number> {
  const [row] = await system.dataSource.query(`SELECT count(*)::int AS n FROM users`);
  return row.n as number;
}

function accept(system: TestSystem, token: string, password = NEW_PASSWORD): Promise<HttpAnswer> {
  return http(system, 'POST', '/api/v1/auth/invitations/accept', { body: { token, password } });
}

function base64url(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

// Every request comes from one address, and accepting invitations allows 10 a minute per address:
// this block uses 9. Add accepting tests in a block (a system) of their own.
describe('invitations', () => {
  const clock = new TestClock(new Date('2026-05-04T09:00:00.000Z'));
  let system: TestSystem;
  let secretariat: Awaited<ReturnType<typeof actor>>;

  beforeAll(async () => {
    system = await startTestSystem({ worker: true, clock });
    secretariat = await actor(system, ['secretariat'], { name: 'Sofia Secretariat' });
  });
  afterAll(() => system.close());

  it('e-mails a French invitation whose one-time link sets the password and signs the user in', async () => {
    const email = 'camille.martin@test.mptf.org';
    const invited = await http(system, 'POST', '/api/v1/users', {
      token: secretariat.token,
      body: {
        email,
        name: 'Camille Martin',
        roles: ['applicant'],
        organizationCode: 'IOM',
        locale: 'fr',
        timeZone: 'Europe/Paris',
      },
    });
    expect(invited.status).toBe(201);
    expect(invited.body).toMatchObject({ email, locale: 'fr', activated: false, active: true });

    const mail = await nthMailTo(system, email, 1);
    expect(mail.subject).toBe(
      'Votre invitation au système de notes conceptuelles du Fonds pour les migrations',
    );
    expect(mail.headers.get('content-language')).toBe('fr');
    expect(mail.text).toContain('Bonjour Camille Martin,');
    expect(mail.text).toContain('Sofia Secretariat vous invite à rejoindre');
    expect(mail.text).not.toContain('Set your password');
    // Sent on 4 May 2026 at 09:00 UTC, valid seven days: 11 May, 11:00 in Paris (summer time), in French.
    expect(mail.text).toMatch(/expire le 11 mai 2026\D+11:00/);
    expect(mail.html).toContain('<html lang="fr" dir="ltr">');
    expect(mail.html).toContain('Choisir votre mot de passe');

    const token = tokenFrom(mail);
    expect(mail.text).toContain(
      `Choisir votre mot de passe: http://mptf.test/accept-invitation?token=${token}`,
    );
    expect(mail.html.replace(/&#x3D;/g, '=')).toContain(
      `href="http://mptf.test/accept-invitation?token=${token}"`,
    );
    expect(JSON.stringify(invited.body)).not.toContain(token);

    const accepted = await accept(system, token);
    expect(accepted.status).toBe(200);
    expect(accepted.body.user).toMatchObject({ id: invited.body.id, email, activated: true });
    const me = await http(system, 'GET', '/api/v1/me', { token: accepted.body.accessToken });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: invited.body.id, email, locale: 'fr', timeZone: 'Europe/Paris' });

    const again = await accept(system, token, 'another passphrase entirely');
    expectProblem(again, 400, 'AUTH.INVITATION_INVALID');
    expect(problemFields(again)).toEqual(['token']);

    // The refused second use changed nothing: the first password still works, the second does not.
    expect(await signIn(system, { email, password: NEW_PASSWORD })).toEqual(expect.any(String));
    const wrong = await http(system, 'POST', '/api/v1/auth/login', {
      body: { email, password: 'another passphrase entirely' },
    });
    expect(wrong.status).toBe(401);
  });

  it('keeps only the SHA-256 of the token, and erases the link from the outbox once the e-mail is sent', async () => {
    const email = 'hash.only@test.mptf.org';
    const invited = await http(system, 'POST', '/api/v1/users', {
      token: secretariat.token,
      body: {
        email,
        name: 'Hash Only',
        roles: ['reviewer'],
        organizationCode: 'UNDP',
        thematicAreaCodes: ['TA1'],
      },
    });
    expect(invited.status).toBe(201);
    const token = tokenFrom(await nthMailTo(system, email, 1));

    const [invitation] = await system.dataSource.query(
      `SELECT token_hash, strpos(row_to_json(i)::text, $2) AS found FROM invitations i WHERE user_id = $1`,
      [invited.body.id, token],
    );
    expect(invitation.token_hash).toBe(createHash('sha256').update(token).digest('hex'));
    expect(invitation.found).toBe(0);

    const notification = await eventually(async () => {
      const [row] = await system.dataSource.query(
        `SELECT status, payload ? 'secret' AS has_secret, payload, strpos(row_to_json(n)::text, $2) AS found
           FROM notifications n WHERE recipient_email = $1 AND template = 'invitation'`,
        [email, token],
      );
      return row?.status === 'sent' ? row : undefined;
    });
    expect(notification.has_secret).toBe(false);
    expect(notification.found).toBe(0);
    expect(notification.payload).toMatchObject({ name: 'Hash Only', invitedBy: 'Sofia Secretariat' });

    const [{ found }] = await system.dataSource.query(
      `SELECT count(*)::int AS found FROM audit_events a WHERE strpos(row_to_json(a)::text, $1) > 0`,
      [token],
    );
    expect(found).toBe(0);

    // Two simultaneous uses of the link: exactly one sets the password.
    const answers = await Promise.all([accept(system, token), accept(system, token, 'the other passphrase')]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 400]);
    const winner = answers.find((a) => a.status === 200)!;
    const password = winner === answers[0] ? NEW_PASSWORD : 'the other passphrase';
    expect(await signIn(system, { email, password })).toEqual(expect.any(String));
  });

  it('e-mails an Arabic invitation right to left, and its link works', async () => {
    const email = 'layla.haddad@test.mptf.org';
    const invited = await http(system, 'POST', '/api/v1/users', {
      token: secretariat.token,
      body: {
        email,
        name: 'Layla Haddad',
        roles: ['reviewer'],
        organizationCode: 'UNHCR',
        thematicAreaCodes: ['TA3'],
        locale: 'ar',
        timeZone: 'Asia/Amman',
      },
    });
    expect(invited.status).toBe(201);

    const mail = await nthMailTo(system, email, 1);
    expect(mail.subject).toBe('دعوتك إلى نظام المذكرات المفاهيمية للصندوق الاستئماني للهجرة');
    expect(mail.headers.get('content-language')).toBe('ar');
    expect(mail.html).toContain('<html lang="ar" dir="rtl">');
    expect(mail.html).toContain('dir="rtl"');
    expect(mail.html).toContain('تعيين كلمة المرور');
    expect(mail.text).toContain('مرحبًا Layla Haddad،');
    expect(mail.text).toContain('تعيين كلمة المرور: http://mptf.test/accept-invitation?token=');

    const accepted = await accept(system, tokenFrom(mail));
    expect(accepted.status).toBe(200);
    expect(accepted.body.user).toMatchObject({ id: invited.body.id, locale: 'ar', activated: true });
    expect(await signIn(system, { email, password: NEW_PASSWORD })).toEqual(expect.any(String));
  });

  it('re-inviting makes the earlier link stop working, and is refused once the password is set', async () => {
    const email = 'reinvited@test.mptf.org';
    const invited = await http(system, 'POST', '/api/v1/users', {
      token: secretariat.token,
      body: { email, name: 'Re Invited', roles: ['applicant'], organizationCode: 'UNDP' },
    });
    expect(invited.status).toBe(201);
    const first = tokenFrom(await nthMailTo(system, email, 1));

    const reinvited = await http(system, 'POST', `/api/v1/users/${invited.body.id}/invitations`, {
      token: secretariat.token,
    });
    expect(reinvited.status).toBe(201);
    expect(reinvited.body.invitation.invitationId).not.toBe(invited.body.invitation.invitationId);
    const second = tokenFrom(await nthMailTo(system, email, 2));
    expect(second).not.toBe(first);

    const stale = await accept(system, first);
    expectProblem(stale, 400, 'AUTH.INVITATION_INVALID');
    expect(problemFields(stale)).toEqual(['token']);

    expect((await accept(system, second)).status).toBe(200);

    const late = await http(system, 'POST', `/api/v1/users/${invited.body.id}/invitations`, {
      token: secretariat.token,
    });
    expectProblem(late, 409, 'USER.ALREADY_ACTIVATED');
  });

  it('refuses an invitation at its expiry instant, and the refusal does not use it up', async () => {
    const email = 'expiring@test.mptf.org';
    const invited = await http(system, 'POST', '/api/v1/users', {
      token: secretariat.token,
      body: { email, name: 'Expiring Invitee', roles: ['steering_committee'] },
    });
    expect(invited.status).toBe(201);
    const expiresAt = new Date(invited.body.invitation.expiresAt as string);
    expect(expiresAt.getTime() - clock.now().getTime()).toBe(7 * 24 * 3600 * 1000);
    const token = tokenFrom(await nthMailTo(system, email, 1));

    const start = clock.now();
    try {
      clock.set(expiresAt);
      expectProblem(await accept(system, token), 400, 'AUTH.INVITATION_INVALID');
      clock.set(new Date(expiresAt.getTime() - 1));
      expect((await accept(system, token)).status).toBe(200);
    } finally {
      clock.set(start);
    }
  });
});

describe('access tokens', () => {
  const jwt = new JwtService({ secret: TEST_JWT_SECRET });
  let system: TestSystem;
  let secretariat: Awaited<ReturnType<typeof actor>>;

  beforeAll(async () => {
    system = await startTestSystem();
    secretariat = await actor(system, ['secretariat']);
  });
  afterAll(() => system.close());

  it("refuses a deactivated user's existing token at once, and audits the deactivation", async () => {
    const { user, token } = await actor(system, ['applicant'], { organizationCode: 'IOM' });
    expect((await http(system, 'GET', '/api/v1/me', { token })).status).toBe(200);

    const patched = await http(system, 'PATCH', `/api/v1/users/${user.id}`, {
      token: secretariat.token,
      body: { active: false },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.active).toBe(false);

    expectProblem(await http(system, 'GET', '/api/v1/me', { token }), 401, 'AUTH.ACCOUNT_INACTIVE');
    const login = await http(system, 'POST', '/api/v1/auth/login', {
      body: { email: user.email, password: user.password },
    });
    expectProblem(login, 401, 'AUTH.ACCOUNT_INACTIVE');

    const events = await system.dataSource.query(
      `SELECT actor_id, before->>'active' AS before_active, after->>'active' AS after_active
         FROM audit_events WHERE action = 'user.deactivated' AND entity_type = 'user' AND entity_id = $1`,
      [user.id],
    );
    expect(events).toEqual([{ actor_id: secretariat.user.id, before_active: 'true', after_active: 'false' }]);
    const [{ leaks }] = await system.dataSource.query(
      `SELECT count(*)::int AS leaks FROM audit_events
        WHERE entity_id = $1 AND (before ? 'passwordHash' OR after ? 'passwordHash')`,
      [user.id],
    );
    expect(leaks).toBe(0);
    const rejected = await system.dataSource.query(
      `SELECT kind, detail FROM security_events WHERE user_id = $1 AND kind = 'token_rejected'`,
      [user.id],
    );
    expect(rejected).toEqual([{ kind: 'token_rejected', detail: 'deactivated or deleted user' }]);
    const [{ deactivated_at }] = await system.dataSource.query(
      `SELECT deactivated_at FROM users WHERE id = $1`,
      [user.id],
    );
    expect(deactivated_at).toBeInstanceOf(Date);
  });

  it('refuses to let a user deactivate themselves', async () => {
    const answer = await http(system, 'PATCH', `/api/v1/users/${secretariat.user.id}`, {
      token: secretariat.token,
      body: { active: false },
    });
    expectProblem(answer, 409, 'USER.CANNOT_DEACTIVATE_SELF');
    expect((await http(system, 'GET', '/api/v1/me', { token: secretariat.token })).status).toBe(200);
  });

  it('accepts a token signed with the test secret for the API audience (control for the refusals below)', async () => {
    const token = jwt.sign(
      { sub: secretariat.user.id },
      { audience: 'mptf-api', issuer: 'mptf', algorithm: 'HS256', expiresIn: 60 },
    );
    const me = await http(system, 'GET', '/api/v1/me', { token });
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(secretariat.user.id);
  });

  it('refuses an expired token with 401 AUTH.TOKEN_EXPIRED', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = jwt.sign(
      { sub: secretariat.user.id, iat: now - 3600, exp: now - 60 },
      { audience: 'mptf-api', issuer: 'mptf', algorithm: 'HS256' },
    );
    expectProblem(await http(system, 'GET', '/api/v1/me', { token }), 401, 'AUTH.TOKEN_EXPIRED');
    const [event] = await system.dataSource.query(
      `SELECT kind, detail FROM security_events WHERE kind = 'token_rejected' AND detail = 'expired'`,
    );
    expect(event).toEqual({ kind: 'token_rejected', detail: 'expired' });
  });

  it('refuses a token signed with another secret with 401 AUTH.TOKEN_INVALID', async () => {
    const token = jwt.sign(
      { sub: secretariat.user.id },
      {
        secret: 'another-secret-that-is-also-long-enough',
        audience: 'mptf-api',
        issuer: 'mptf',
        algorithm: 'HS256',
        expiresIn: 60,
      },
    );
    expectProblem(await http(system, 'GET', '/api/v1/me', { token }), 401, 'AUTH.TOKEN_INVALID');
  });

  it("refuses an unsigned token (alg 'none') with 401 AUTH.TOKEN_INVALID", async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = [
      base64url({ alg: 'none', typ: 'JWT' }),
      base64url({ sub: secretariat.user.id, aud: 'mptf-api', iss: 'mptf', iat: now, exp: now + 60 }),
      '',
    ].join('.');
    expectProblem(await http(system, 'GET', '/api/v1/me', { token }), 401, 'AUTH.TOKEN_INVALID');
  });

  it('refuses a dashboard-audience token on the API', async () => {
    const forged = jwt.sign(
      { sub: secretariat.user.id },
      { audience: 'mptf-dashboard', issuer: 'mptf', algorithm: 'HS256', expiresIn: 60 },
    );
    expectProblem(await http(system, 'GET', '/api/v1/me', { token: forged }), 401, 'AUTH.TOKEN_INVALID');

    const session = await http(system, 'POST', '/api/v1/auth/dashboard-session', {
      token: secretariat.token,
    });
    expect(session.status).toBe(200);
    const cookie = /mptf_dashboard=([^;]+)/.exec(String(session.headers['set-cookie']));
    expect(cookie).not.toBeNull();
    const issued = await http(system, 'GET', '/api/v1/me', { token: cookie![1] });
    expectProblem(issued, 401, 'AUTH.TOKEN_INVALID');
  });
});

describe('the admin role', () => {
  let system: TestSystem;
  let secretariat: Awaited<ReturnType<typeof actor>>;
  let admin: Awaited<ReturnType<typeof actor>>;

  beforeAll(async () => {
    system = await startTestSystem();
    secretariat = await actor(system, ['secretariat']);
    admin = await actor(system, ['admin']);
  });
  afterAll(() => system.close());

  it('cannot be granted by the secretariat, by invitation or by edit', async () => {
    const before = await countUsers(system);
    const invited = await http(system, 'POST', '/api/v1/users', {
      token: secretariat.token,
      body: { email: 'would-be-admin@test.mptf.org', name: 'Would Be', roles: ['secretariat', 'admin'] },
    });
    expectProblem(invited, 403, 'USER.ADMIN_ROLE_RESTRICTED');
    expect(await countUsers(system)).toBe(before);

    const target = await createUser(system, { roles: ['secretariat'] });
    const promoted = await http(system, 'PATCH', `/api/v1/users/${target.id}`, {
      token: secretariat.token,
      body: { roles: ['secretariat', 'admin'] },
    });
    expectProblem(promoted, 403, 'USER.ADMIN_ROLE_RESTRICTED');
    const [row] = await system.dataSource.query(`SELECT roles FROM users WHERE id = $1`, [target.id]);
    expect(row.roles).toEqual(['secretariat']);

    const demoted = await http(system, 'PATCH', `/api/v1/users/${admin.user.id}`, {
      token: secretariat.token,
      body: { active: false },
    });
    expectProblem(demoted, 403, 'USER.ADMIN_ROLE_RESTRICTED');
    expect((await http(system, 'GET', '/api/v1/me', { token: admin.token })).status).toBe(200);
  });

  it('can be granted by an administrator', async () => {
    const invited = await http(system, 'POST', '/api/v1/users', {
      token: admin.token,
      body: { email: 'second-admin@test.mptf.org', name: 'Second Admin', roles: ['admin'] },
    });
    expect(invited.status).toBe(201);
    expect(invited.body.roles).toEqual(['admin']);

    const target = await createUser(system, { roles: ['secretariat'] });
    const promoted = await http(system, 'PATCH', `/api/v1/users/${target.id}`, {
      token: admin.token,
      body: { roles: ['secretariat', 'admin'] },
    });
    expect(promoted.status).toBe(200);
    const [row] = await system.dataSource.query(`SELECT roles FROM users WHERE id = $1`, [target.id]);
    expect(row.roles).toEqual(['secretariat', 'admin']);
  });
});

describe('user input', () => {
  let system: TestSystem;
  let secretariat: Awaited<ReturnType<typeof actor>>;
  const valid = {
    email: 'valid.invitee@test.mptf.org',
    name: 'Valid Invitee',
    roles: ['applicant'],
    organizationCode: 'IOM',
  };

  beforeAll(async () => {
    system = await startTestSystem();
    secretariat = await actor(system, ['secretariat']);
  });
  afterAll(() => system.close());

  it.each([
    ['a bad e-mail', { email: 'not-an-email' }, 'email'],
    ['an unknown role', { roles: ['applicant', 'wizard'] }, 'roles'],
    ['an unknown organization code', { organizationCode: 'NOPE' }, 'organizationCode'],
    ['an unknown extra field', { isAdmin: true }, 'isAdmin'],
    ['a bad time zone', { timeZone: 'Mars/Olympus_Mons' }, 'timeZone'],
    ['an unknown language', { locale: 'de' }, 'locale'],
    ['an unknown country', { countryCodes: ['XXX'] }, 'countryCodes'],
  ])('refuses an invitation with %s, naming the field and storing nothing', async (_what, change, field) => {
    const before = await countUsers(system);
    const answer = await http(system, 'POST', '/api/v1/users', {
      token: secretariat.token,
      body: { ...valid, ...change },
    });
    expectProblem(answer, 400, 'VALIDATION_FAILED');
    expect(problemFields(answer)).toEqual([field]);
    expect(await countUsers(system)).toBe(before);
  });

  it('names every bad field of one invitation at once', async () => {
    const before = await countUsers(system);
    const answer = await http(system, 'POST', '/api/v1/users', {
      token: secretariat.token,
      body: { email: 'nope', name: 'X', roles: ['wizard'], timeZone: 'Nowhere/Land', extra: 1 },
    });
    expectProblem(answer, 400, 'VALIDATION_FAILED');
    expect(new Set(problemFields(answer))).toEqual(new Set(['email', 'roles', 'timeZone', 'extra']));
    expect(await countUsers(system)).toBe(before);
  });

  it('refuses an e-mail already taken, whatever its case, with 409 USER.EMAIL_TAKEN', async () => {
    await createUser(system, { roles: ['applicant'], organizationCode: 'IOM', email: 'taken@test.mptf.org' });
    const before = await countUsers(system);
    const answer = await http(system, 'POST', '/api/v1/users', {
      token: secretariat.token,
      body: { ...valid, email: '  Taken@TEST.mptf.org ' },
    });
    expectProblem(answer, 409, 'USER.EMAIL_TAKEN');
    expect(await countUsers(system)).toBe(before);
  });

  it('answers 409 USER.EMAIL_TAKEN to the loser of two simultaneous invitations of one e-mail', async () => {
    const before = await countUsers(system);
    const answers = await Promise.all(
      ['Race@test.mptf.org', 'race@TEST.mptf.org'].map((email) =>
        http(system, 'POST', '/api/v1/users', { token: secretariat.token, body: { ...valid, email } }),
      ),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
    expectProblem(
      answers.find((a) => a.status === 409)!,
      409,
      'USER.EMAIL_TAKEN',
    );
    expect(await countUsers(system)).toBe(before + 1);
  });

  it('stores a new e-mail lower-cased and trimmed', async () => {
    const answer = await http(system, 'POST', '/api/v1/users', {
      token: secretariat.token,
      body: { ...valid, email: ' Mixed.Case@Test.MPTF.org' },
    });
    expect(answer.status).toBe(201);
    expect(answer.body.email).toBe('mixed.case@test.mptf.org');
  });

  it('answers 403 to an applicant who tries to invite, and stores nothing', async () => {
    const applicant = await actor(system, ['applicant'], { organizationCode: 'IOM' });
    const before = await countUsers(system);
    const answer = await http(system, 'POST', '/api/v1/users', {
      token: applicant.token,
      body: { ...valid, email: 'by-applicant@test.mptf.org' },
    });
    expectProblem(answer, 403, 'FORBIDDEN');
    expect(await countUsers(system)).toBe(before);
    const denied = await system.dataSource.query(
      `SELECT kind, method, path FROM security_events WHERE user_id = $1`,
      [applicant.user.id],
    );
    expect(denied).toEqual([{ kind: 'access_denied', method: 'POST', path: '/api/v1/users' }]);
  });

  it('answers 404 problem details for a user id that does not exist', async () => {
    const answer = await http(system, 'GET', `/api/v1/users/${randomUUID()}`, { token: secretariat.token });
    expectProblem(answer, 404, 'NOT_FOUND');
    expect(answer.body.detail).toBe('User was not found');
  });

  it('answers 400 naming the id parameter for a malformed user id', async () => {
    const answer = await http(system, 'GET', '/api/v1/users/not-a-uuid', { token: secretariat.token });
    expectProblem(answer, 400, 'VALIDATION_FAILED');
    expect(answer.body.errors).toEqual([{ field: 'id', message: 'must be a UUID' }]);
  });

  it('lets a user change their own language and time zone, and names a bad time zone', async () => {
    const { user, token } = await actor(system, ['reviewer'], REVIEWER_SCOPE);
    const changed = await http(system, 'PATCH', '/api/v1/me', {
      token,
      body: { locale: 'es', timeZone: 'America/Guatemala' },
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ id: user.id, locale: 'es', timeZone: 'America/Guatemala' });
    expect((await http(system, 'GET', '/api/v1/me', { token })).body).toMatchObject({
      locale: 'es',
      timeZone: 'America/Guatemala',
    });

    const bad = await http(system, 'PATCH', '/api/v1/me', { token, body: { timeZone: 'Guatemala City' } });
    expectProblem(bad, 400, 'VALIDATION_FAILED');
    expect(problemFields(bad)).toEqual(['timeZone']);
    expect((await http(system, 'GET', '/api/v1/me', { token })).body.timeZone).toBe('America/Guatemala');
  });

  it('does not let a user give themselves roles through PATCH /me', async () => {
    const { user, token } = await actor(system, ['reviewer'], REVIEWER_SCOPE);
    const answer = await http(system, 'PATCH', '/api/v1/me', { token, body: { roles: ['admin'] } });
    expectProblem(answer, 400, 'VALIDATION_FAILED');
    expect(problemFields(answer)).toEqual(['roles']);
    const [row] = await system.dataSource.query(`SELECT roles FROM users WHERE id = $1`, [user.id]);
    expect(row.roles).toEqual(['reviewer']);
  });
});

describe('the scope a role needs', () => {
  let system: TestSystem;
  let secretariat: Awaited<ReturnType<typeof actor>>;

  beforeAll(async () => {
    system = await startTestSystem();
    secretariat = await actor(system, ['secretariat']);
  });
  afterAll(() => system.close());

  const invite = (body: Record<string, unknown>) =>
    http(system, 'POST', '/api/v1/users', {
      token: secretariat.token,
      body: { email: `scoped.${randomUUID().slice(0, 8)}@test.mptf.org`, name: 'Scoped Invitee', ...body },
    });
  const patch = (id: string, body: Record<string, unknown>) =>
    http(system, 'PATCH', `/api/v1/users/${id}`, { token: secretariat.token, body });
  const stored = async (id: string) => {
    const [row] = await system.dataSource.query(
      `SELECT roles, organization_code, country_codes, thematic_area_codes FROM users WHERE id = $1`,
      [id],
    );
    return row as { roles: string[]; organization_code: string | null; country_codes: string[] };
  };

  it.each([
    ['an applicant without an organization', { roles: ['applicant'] }, ['organizationCode']],
    [
      'a reviewer without an organization or a thematic area',
      { roles: ['reviewer'] },
      ['organizationCode', 'thematicAreaCodes'],
    ],
    [
      'a reviewer with an organization and an empty list of thematic areas',
      { roles: ['reviewer'], organizationCode: 'IOM', thematicAreaCodes: [] },
      ['thematicAreaCodes'],
    ],
    [
      'a reviewer with thematic areas and no organization',
      { roles: ['reviewer'], thematicAreaCodes: ['TA2'] },
      ['organizationCode'],
    ],
    ['a resident coordinator without countries', { roles: ['resident_coordinator'] }, ['countryCodes']],
    [
      'an RC office member with an empty country list',
      { roles: ['rc_office'], countryCodes: [] },
      ['countryCodes'],
    ],
    [
      'an applicant whose organization code is blank',
      { roles: ['applicant'], organizationCode: '  ' },
      ['organizationCode'],
    ],
    [
      'a secretariat member who is also an applicant without an organization',
      { roles: ['secretariat', 'applicant'], countryCodes: ['SRB'] },
      ['organizationCode'],
    ],
  ])(
    'refuses to invite %s with 400 naming the field, storing and sending nothing',
    async (_what, body, fields) => {
      const before = await countUsers(system);
      const [{ mails: mailsBefore }] = await system.dataSource.query(
        `SELECT count(*)::int AS mails FROM notifications`,
      );
      const answer = await invite(body);
      expectProblem(answer, 400, 'VALIDATION_FAILED');
      expect(problemFields(answer)).toEqual(fields);
      for (const error of answer.body.errors as { message: string }[]) {
        expect(error.message).toMatch(/is required for the roles? /);
      }
      expect(await countUsers(system)).toBe(before);
      const [{ mails }] = await system.dataSource.query(`SELECT count(*)::int AS mails FROM notifications`);
      expect(mails).toBe(mailsBefore);
    },
  );

  it('says which role needs the missing field', async () => {
    const answer = await invite({
      roles: ['resident_coordinator', 'rc_office', 'reviewer'],
      ...REVIEWER_SCOPE,
    });
    expect(answer.body.errors).toEqual([
      {
        field: 'countryCodes',
        message: 'at least one country is required for the roles resident_coordinator, rc_office',
      },
    ]);
  });

  it.each([
    ['an applicant with an organization', { roles: ['applicant'], organizationCode: 'IOM' }],
    ['a reviewer with an organization and a thematic area', { roles: ['reviewer'], ...REVIEWER_SCOPE }],
    ['a resident coordinator with a country', { roles: ['resident_coordinator'], countryCodes: ['SRB'] }],
    ['an RC office member with countries', { roles: ['rc_office'], countryCodes: ['SRB', 'MKD'] }],
    ['a secretariat member, who needs no scope', { roles: ['secretariat'] }],
    ['a committee member, who needs no scope', { roles: ['steering_committee'] }],
  ])('invites %s', async (_what, body) => {
    const answer = await invite(body);
    expect(answer.status).toBe(201);
    expect(answer.body.roles).toEqual(body.roles);
  });

  it('stores a blank organization code as none for a role that needs no organization', async () => {
    const answer = await invite({ roles: ['secretariat'], organizationCode: '' });
    expect(answer.status).toBe(201);
    expect(answer.body.organizationCode).toBeNull();
    expect((await stored(answer.body.id as string)).organization_code).toBeNull();
  });

  it('refuses to add a role to a user who lacks its scope, and accepts it with the scope in the same edit', async () => {
    const target = await createUser(system, { roles: ['secretariat'] });
    const refused = await patch(target.id, { roles: ['secretariat', 'reviewer'] });
    expectProblem(refused, 400, 'VALIDATION_FAILED');
    expect(problemFields(refused)).toEqual(['organizationCode', 'thematicAreaCodes']);
    expect((await stored(target.id)).roles).toEqual(['secretariat']);

    const rc = await patch(target.id, { roles: ['secretariat', 'resident_coordinator'] });
    expectProblem(rc, 400, 'VALIDATION_FAILED');
    expect(problemFields(rc)).toEqual(['countryCodes']);

    const granted = await patch(target.id, { roles: ['secretariat', 'reviewer'], ...REVIEWER_SCOPE });
    expect(granted.status).toBe(200);
    expect(granted.body).toMatchObject({ roles: ['secretariat', 'reviewer'], ...REVIEWER_SCOPE });
  });

  type UserFields = Parameters<typeof createUser>[1];
  it.each<[string, UserFields, Record<string, unknown>, string]>([
    [
      'the organization of an applicant',
      { roles: ['applicant'], organizationCode: 'IOM' },
      { organizationCode: null },
      'organizationCode',
    ],
    [
      'the organization of a reviewer, as a blank code',
      { roles: ['reviewer'], ...REVIEWER_SCOPE },
      { organizationCode: '' },
      'organizationCode',
    ],
    [
      'the thematic areas of a reviewer',
      { roles: ['reviewer'], ...REVIEWER_SCOPE },
      { thematicAreaCodes: [] },
      'thematicAreaCodes',
    ],
    [
      'the countries of a resident coordinator',
      { roles: ['resident_coordinator'], countryCodes: ['SRB'] },
      { countryCodes: [] },
      'countryCodes',
    ],
    [
      'the countries of an RC office member',
      { roles: ['rc_office'], countryCodes: ['MKD'] },
      { countryCodes: [] },
      'countryCodes',
    ],
  ])(
    'refuses to remove %s while the role is held, changing nothing',
    async (_what, fields, change, field) => {
      const target = await createUser(system, fields);
      const before = await stored(target.id);
      const answer = await patch(target.id, { ...change, name: 'Renamed Along The Way' });
      expectProblem(answer, 400, 'VALIDATION_FAILED');
      expect(problemFields(answer)).toEqual([field]);
      expect(await stored(target.id)).toEqual(before);
      const [{ name }] = await system.dataSource.query(`SELECT name FROM users WHERE id = $1`, [target.id]);
      expect(name).toBe(target.name);
    },
  );

  it('lets the scope go together with the role that needed it', async () => {
    const target = await createUser(system, { roles: ['applicant'], organizationCode: 'IOM' });
    const answer = await patch(target.id, { roles: ['steering_committee'], organizationCode: null });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ roles: ['steering_committee'], organizationCode: null });
  });

  it('still lets an edit that touches neither roles nor scope through for a user recorded without scope', async () => {
    // A user from before the rule (written straight to the database): renaming and deactivating
    // them must not wait for someone to fill in a scope.
    const legacy = await createUser(system, { roles: ['reviewer'] });
    const renamed = await patch(legacy.id, { name: 'Legacy Reviewer' });
    expect(renamed.status).toBe(200);
    const deactivated = await patch(legacy.id, { active: false });
    expect(deactivated.status).toBe(200);
    expect(deactivated.body).toMatchObject({ name: 'Legacy Reviewer', active: false });
    // Touching the scope, though, asks for all of it.
    const partial = await patch(legacy.id, { organizationCode: 'IOM' });
    expectProblem(partial, 400, 'VALIDATION_FAILED');
    expect(problemFields(partial)).toEqual(['thematicAreaCodes']);
  });
});

describe('the user list', () => {
  let system: TestSystem;
  let secretariat: Awaited<ReturnType<typeof actor>>;
  const marker = `zq${randomUUID().slice(0, 6)}`;
  const reviewerNames = [`Alpha ${marker}`, `Bravo ${marker}`, `Charlie ${marker}`];

  beforeAll(async () => {
    system = await startTestSystem();
    secretariat = await actor(system, ['secretariat']);
    // Created out of name order, so the ordering is the list's own.
    for (const name of [reviewerNames[2], reviewerNames[0], reviewerNames[1]]) {
      await createUser(system, {
        name,
        roles: ['reviewer'],
        organizationCode: 'IOM',
        thematicAreaCodes: ['TA2', 'TA3'],
        locale: 'fr',
        timeZone: 'Europe/Zurich',
      });
    }
    await createUser(system, { name: `Delta ${marker}`, roles: ['applicant'], organizationCode: 'IOM' });
    await createUser(system, {
      name: 'Echo Other',
      roles: ['reviewer'],
      organizationCode: 'UNDP',
      thematicAreaCodes: ['TA1'],
      email: `echo.${marker}@test.mptf.org`,
    });
    await createUser(system, {
      name: 'Foxtrot Unrelated',
      roles: ['reviewer'],
      organizationCode: 'UNDP',
      thematicAreaCodes: ['TA5'],
    });
  });
  afterAll(() => system.close());

  it('filters by role and by text in the name or e-mail', async () => {
    const reviewers = await http(system, 'GET', `/api/v1/users?role=reviewer&q=${marker}`, {
      token: secretariat.token,
    });
    expect(reviewers.status).toBe(200);
    expect(reviewers.body.total).toBe(4);
    expect(reviewers.body.items.map((u: { name: string }) => u.name)).toEqual([
      ...reviewerNames,
      'Echo Other',
    ]);

    const applicants = await http(system, 'GET', `/api/v1/users?role=applicant&q=${marker.toUpperCase()}`, {
      token: secretariat.token,
    });
    expect(applicants.body.items.map((u: { name: string }) => u.name)).toEqual([`Delta ${marker}`]);

    const byEmail = await http(system, 'GET', `/api/v1/users?q=echo.${marker}`, { token: secretariat.token });
    expect(byEmail.body.items.map((u: { name: string }) => u.name)).toEqual(['Echo Other']);

    const wildcard = await http(system, 'GET', '/api/v1/users?q=%25', { token: secretariat.token });
    expect(wildcard.status).toBe(200);
    expect(wildcard.body.total).toBe(0);
  });

  it('paginates with limit and page and reports the total', async () => {
    const url = (page: number) => `/api/v1/users?role=reviewer&q=${marker}&limit=3&page=${page}`;
    const first = await http(system, 'GET', url(1), { token: secretariat.token });
    expect(first.body).toMatchObject({ page: 1, limit: 3, total: 4 });
    expect(first.body.items.map((u: { name: string }) => u.name)).toEqual(reviewerNames);
    const second = await http(system, 'GET', url(2), { token: secretariat.token });
    expect(second.body).toMatchObject({ page: 2, limit: 3, total: 4 });
    expect(second.body.items.map((u: { name: string }) => u.name)).toEqual(['Echo Other']);
    const third = await http(system, 'GET', url(3), { token: secretariat.token });
    expect(third.body).toMatchObject({ page: 3, total: 4, items: [] });
  });

  it('refuses limit=101, naming limit', async () => {
    const answer = await http(system, 'GET', '/api/v1/users?limit=101', { token: secretariat.token });
    expectProblem(answer, 400, 'VALIDATION_FAILED');
    expect(problemFields(answer)).toEqual(['limit']);
    expect((await http(system, 'GET', '/api/v1/users?limit=100', { token: secretariat.token })).status).toBe(
      200,
    );
  });

  it('exports the filtered list as CSV and as XLSX with the same rows', async () => {
    const query = `role=reviewer&q=${encodeURIComponent(marker)}`;
    const listed = await http(system, 'GET', `/api/v1/users?${query}`, { token: secretariat.token });
    const expected = (listed.body.items as Record<string, unknown>[]).map((u) => [
      u.name,
      u.email,
      (u.roles as string[]).join(' '),
      u.organizationCode ?? '',
      (u.countryCodes as string[]).join(' '),
      (u.thematicAreaCodes as string[]).join(' '),
      u.locale,
      u.timeZone,
    ]);
    expect(expected[0]).toEqual([
      `Alpha ${marker}`,
      expect.stringMatching(/@test\.mptf\.org$/),
      'reviewer',
      'IOM',
      '',
      'TA2 TA3',
      'fr',
      'Europe/Zurich',
    ]);
    const header = [
      'Name',
      'E-mail',
      'Roles',
      'Organization',
      'Countries',
      'Thematic areas',
      'Language',
      'Time zone',
      'Active',
      'Activated',
    ];

    const csv = await http(system, 'GET', `/api/v1/users?${query}&format=csv`, { token: secretariat.token });
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.headers['content-disposition']).toBe('attachment; filename="users.csv"');
    const lines = String(csv.body)
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\n');
    // Values here hold no commas or quotes, so splitting on commas reads the CSV faithfully.
    const csvRows = lines.map((line) => line.split(','));
    expect(csvRows[0]).toEqual(header);
    expect(csvRows.slice(1).map((row) => row.slice(0, 8))).toEqual(expected);
    expect(csvRows.slice(1).map((row) => row.slice(8))).toEqual(
      (listed.body.items as { active: boolean; activated: boolean }[]).map((u) => [
        String(u.active),
        String(u.activated),
      ]),
    );

    const xlsx = await http(system, 'GET', `/api/v1/users?${query}&format=xlsx`, {
      token: secretariat.token,
    });
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers['content-type']).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.raw as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0];
    const xlsxRows: unknown[][] = [];
    sheet.eachRow((row) => {
      xlsxRows.push(header.map((_, i) => row.getCell(i + 1).value ?? ''));
    });
    expect(xlsxRows[0]).toEqual(header);
    expect(xlsxRows.slice(1).map((row) => row.slice(0, 8))).toEqual(
      csvRows.slice(1).map((row) => row.slice(0, 8)),
    );
    expect(xlsxRows.slice(1).map((row) => row.slice(8))).toEqual(
      (listed.body.items as { active: boolean; activated: boolean }[]).map((u) => [u.active, u.activated]),
    );
  });
});

describe('invitation rate limit', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await startTestSystem();
  });
  afterAll(() => system.close());

  it('allows a sender 60 invitations an hour, then answers 429 without issuing one; other senders are unaffected', async () => {
    const sender = await actor(system, ['secretariat']);
    const invited = await http(system, 'POST', '/api/v1/users', {
      token: sender.token,
      body: {
        email: 'often-invited@test.mptf.org',
        name: 'Often Invited',
        roles: ['reviewer'],
        organizationCode: 'IOM',
        thematicAreaCodes: ['TA2'],
      },
    });
    expect(invited.status).toBe(201);
    const reinvite = (token: string) =>
      http(system, 'POST', `/api/v1/users/${invited.body.id}/invitations`, { token });
    for (let i = 2; i <= 60; i++) expect((await reinvite(sender.token)).status).toBe(201);

    const refused = await reinvite(sender.token);
    expectProblem(refused, 429, 'RATE_LIMITED');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    const [{ n }] = await system.dataSource.query(
      `SELECT count(*)::int AS n FROM invitations WHERE user_id = $1`,
      [invited.body.id],
    );
    expect(n).toBe(60);

    const other = await actor(system, ['secretariat']);
    expect((await reinvite(other.token)).status).toBe(201);
  });
});
