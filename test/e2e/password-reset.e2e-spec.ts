import { createHash } from 'node:crypto';
import {
  createUser,
  http,
  signIn,
  startTestSystem,
  TestClock,
  type HttpAnswer,
  type TestSystem,
} from '../harness';
import type { ReceivedMail } from '../smtp-receiver';

const RESET_LINK = /http:\/\/mptf\.test\/reset-password\?token=([A-Za-z0-9_-]+)/;
const NEW_PASSWORD = 'a passphrase chosen after forgetting';
const GENERIC = {
  message: 'If an active account uses this address, a link to choose a new password is on its way',
};

function tokenFrom(mail: ReceivedMail): string {
  const match = RESET_LINK.exec(mail.text);
  if (!match) throw new Error(`no reset link in: ${mail.text}`);
  return match[1];
}

describe('password reset ("forgot my password")', () => {
  const clock = new TestClock(new Date('2031-02-03T08:00:00.000Z'));
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({ worker: true, clock });
  });
  afterAll(() => system?.close());

  const ask = (email: string): Promise<HttpAnswer> =>
    http(system, 'POST', '/api/v1/auth/password-reset', { body: { email } });
  const confirm = (token: string, password = NEW_PASSWORD): Promise<HttpAnswer> =>
    http(system, 'POST', '/api/v1/auth/password-reset/confirm', { body: { token, password } });
  const mailsTo = async (email: string, count: number): Promise<ReceivedMail[]> => {
    await system.smtp.waitFor(() => system.smtp.to(email).length >= count);
    return system.smtp.to(email);
  };

  it('e-mails a one-time link in the user’s language; the link sets the password once and signs in', async () => {
    const user = await createUser(system, { roles: ['applicant'], organizationCode: 'IOM', locale: 'fr' });
    const asked = await ask(`  ${user.email.toUpperCase()} `);
    expect(asked.status).toBe(202);
    expect(asked.body).toEqual(GENERIC);

    const [mail] = await mailsTo(user.email, 1);
    expect(mail.subject).toBe(
      'Choisissez un nouveau mot de passe pour le système de notes conceptuelles du Fonds pour les migrations',
    );
    const token = tokenFrom(mail);
    // Only the SHA-256 of the token is kept, and the outbox forgets the link once it is sent.
    const [row] = await system.dataSource.query<{ token_hash: string; expires_at: Date }[]>(
      `SELECT token_hash, expires_at FROM password_resets WHERE user_id = $1`,
      [user.id],
    );
    expect(row.token_hash).toBe(createHash('sha256').update(token).digest('hex'));
    expect(row.expires_at.toISOString()).toBe('2031-02-03T09:00:00.000Z');
    const [outbox] = await system.dataSource.query<{ payload: Record<string, unknown> }[]>(
      `SELECT payload FROM notifications WHERE recipient_email = $1 AND template = 'password_reset'`,
      [user.email],
    );
    expect(outbox.payload.secret).toBeUndefined();

    const before = await signIn(system, user);
    expect((await http(system, 'GET', '/api/v1/me', { token: before })).status).toBe(200);
    const reset = await confirm(token);
    expect(reset.status).toBe(200);
    // Every session signed in with the old password ends.
    const ended = await http(system, 'GET', '/api/v1/me', { token: before });
    expect(ended.status).toBe(401);
    expect(ended.body.code).toBe('AUTH.SESSION_ENDED');
    expect(reset.body).toMatchObject({ tokenType: 'Bearer', user: { id: user.id } });
    const me = await http(system, 'GET', '/api/v1/me', { token: reset.body.accessToken });
    expect(me.body.id).toBe(user.id);

    const again = await confirm(token, 'yet another passphrase here');
    expect(again.status).toBe(400);
    expect(again.body).toMatchObject({ code: 'AUTH.PASSWORD_RESET_INVALID', errors: [{ field: 'token' }] });

    const oldPassword = await http(system, 'POST', '/api/v1/auth/login', {
      body: { email: user.email, password: user.password },
    });
    expect(oldPassword.status).toBe(401);
    await expect(signIn(system, { email: user.email, password: NEW_PASSWORD })).resolves.toEqual(
      expect.any(String),
    );
    const events = await system.dataSource.query<{ action: string; actor_id: string }[]>(
      `SELECT action, actor_id FROM audit_events WHERE entity_id = $1 AND action LIKE 'password_reset.%' ORDER BY id`,
      [user.id],
    );
    expect(events).toEqual([
      { action: 'password_reset.requested', actor_id: user.id },
      { action: 'password_reset.completed', actor_id: user.id },
    ]);
  });

  it('answers an unknown or deactivated address exactly as a known one, and sends nothing', async () => {
    const gone = await createUser(system, { roles: ['reviewer'], organizationCode: 'ILO', active: false });
    const unknown = await ask('nobody-here@test.mptf.org');
    const inactive = await ask(gone.email);
    for (const answer of [unknown, inactive]) {
      expect(answer.status).toBe(202);
      expect(answer.body).toEqual(GENERIC);
    }
    const rows = await system.dataSource.query(
      `SELECT 1 FROM notifications WHERE recipient_email IN ($1, $2)`,
      ['nobody-here@test.mptf.org', gone.email],
    );
    expect(rows).toEqual([]);
    const logged = await system.dataSource.query<{ email: string }[]>(
      `SELECT email FROM security_events WHERE kind = 'password_reset_refused' ORDER BY id`,
    );
    expect(logged.map((r) => r.email)).toEqual(
      expect.arrayContaining(['nobody-here@test.mptf.org', gone.email]),
    );
  });

  it('voids an earlier link when a newer one is sent, and refuses a link past PASSWORD_RESET_TTL', async () => {
    const user = await createUser(system, { roles: ['applicant'], organizationCode: 'UNICEF' });
    expect((await ask(user.email)).status).toBe(202);
    expect((await ask(user.email)).status).toBe(202);
    const [first, second] = (await mailsTo(user.email, 2)).map(tokenFrom);
    expect(first).not.toBe(second);
    const voided = await confirm(first);
    expect(voided.status).toBe(400);
    expect(voided.body.code).toBe('AUTH.PASSWORD_RESET_INVALID');

    clock.advance(60 * 60 * 1000); // exactly the TTL: expires_at is no longer after now
    const late = await confirm(second);
    expect(late.status).toBe(400);
    expect(late.body.code).toBe('AUTH.PASSWORD_RESET_INVALID');
    // Nothing changed: the old password still signs in.
    await expect(signIn(system, user)).resolves.toEqual(expect.any(String));
  });

  it('sends a mailbox at most three links an hour (429 with Retry-After), and names the field of a bad request', async () => {
    const user = await createUser(system, { roles: ['applicant'], organizationCode: 'IOM' });
    for (let i = 0; i < 3; i++) expect((await ask(user.email)).status).toBe(202);
    const fourth = await ask(user.email);
    expect(fourth.status).toBe(429);
    expect(Number(fourth.headers['retry-after'])).toBeGreaterThan(0);
    expect(await mailsTo(user.email, 3)).toHaveLength(3);

    const badEmail = await ask('not an address');
    expect(badEmail.status).toBe(400);
    expect(badEmail.body.errors).toEqual([expect.objectContaining({ field: 'email' })]);
    const shortPassword = await confirm('x'.repeat(43), 'short');
    expect(shortPassword.status).toBe(400);
    expect(shortPassword.body.errors).toEqual([expect.objectContaining({ field: 'password' })]);
  });

  it('changes the password of a signed-in user who gives the current one, ending their other sessions', async () => {
    const user = await createUser(system, {
      roles: ['reviewer'],
      organizationCode: 'ILO',
      thematicAreaCodes: ['TA1'],
    });
    const here = await signIn(system, user);
    const elsewhere = await signIn(system, user);
    const change = (currentPassword: string, newPassword: string) =>
      http(system, 'POST', '/api/v1/me/password', { token: here, body: { currentPassword, newPassword } });

    const wrong = await change('not my password at all', NEW_PASSWORD);
    expect(wrong.status).toBe(400);
    expect(wrong.body).toMatchObject({
      code: 'AUTH.CURRENT_PASSWORD_WRONG',
      errors: [{ field: 'currentPassword' }],
    });
    const short = await change(user.password, 'short');
    expect(short.status).toBe(400);
    expect(short.body.errors).toEqual([expect.objectContaining({ field: 'newPassword' })]);
    expect((await http(system, 'GET', '/api/v1/me', { token: here })).status).toBe(200);

    const changed = await change(user.password, NEW_PASSWORD);
    expect(changed.status).toBe(200);
    expect((await http(system, 'GET', '/api/v1/me', { token: changed.body.accessToken })).status).toBe(200);
    for (const old of [here, elsewhere]) {
      const answer = await http(system, 'GET', '/api/v1/me', { token: old });
      expect(answer.status).toBe(401);
      expect(answer.body.code).toBe('AUTH.SESSION_ENDED');
    }
    await expect(signIn(system, { email: user.email, password: NEW_PASSWORD })).resolves.toEqual(
      expect.any(String),
    );
    const [event] = await system.dataSource.query<{ action: string }[]>(
      `SELECT action FROM audit_events WHERE entity_id = $1 AND action = 'user.password_changed'`,
      [user.id],
    );
    expect(event).toEqual({ action: 'user.password_changed' });
  });

  it('refreshes a valid token for SESSION_MAX_AGE after the sign-in, keeping its start, then asks to sign in again', async () => {
    const user = await createUser(system, { roles: ['applicant'], organizationCode: 'IOM' });
    const signedInAt = clock.now().getTime();
    const first = await signIn(system, user);
    const refresh = (token: string) => http(system, 'POST', '/api/v1/auth/refresh', { token });

    clock.set(new Date(signedInAt + 11 * 60 * 60 * 1000));
    const renewed = await refresh(first);
    expect(renewed.status).toBe(200);
    expect(renewed.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900, user: { id: user.id } });
    expect((await http(system, 'GET', '/api/v1/me', { token: renewed.body.accessToken })).status).toBe(200);

    // The renewed token keeps the time of the sign-in: 12 hours after it, no more refreshing.
    clock.set(new Date(signedInAt + 12 * 60 * 60 * 1000 + 1000));
    const tooOld = await refresh(renewed.body.accessToken);
    expect(tooOld.status).toBe(401);
    expect(tooOld.body.code).toBe('AUTH.SESSION_TOO_OLD');
    // The token itself still serves until it expires; a new sign-in starts a new session.
    expect((await http(system, 'GET', '/api/v1/me', { token: renewed.body.accessToken })).status).toBe(200);
    expect((await refresh(await signIn(system, user))).status).toBe(200);

    expect((await refresh('not-a-token')).status).toBe(401);
  });
});
