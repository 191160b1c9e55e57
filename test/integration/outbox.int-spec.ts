import { randomBytes } from 'node:crypto';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { EMAIL_QUEUE, deliverJobId } from '../../src/notifications/notifications.queue';
import { NotificationsService, type OutgoingEmail } from '../../src/notifications/notifications.service';
import { actor, http, startTestSystem, type TestSystem } from '../harness';
import { PrivateRedis } from '../private-redis';

interface NotificationRow {
  id: string;
  status: string;
  attempts: number;
  message_id: string;
  last_error: string | null;
  sent_at: Date | null;
  payload: Record<string, unknown>;
}

/** Polls until `read` returns something `done` accepts (a wait, not a timing assertion). */
async function waitUntil<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  what: string,
  timeoutMs = 20000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`${what}: still ${JSON.stringify(value)} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const uniqueEmail = (label: string) => `${label}-${randomBytes(4).toString('hex')}@test.mptf.org`;

async function notificationsTo(system: TestSystem, email: string): Promise<NotificationRow[]> {
  return system.dataSource.query(
    `SELECT id, status, attempts, message_id, last_error, sent_at, payload
       FROM notifications WHERE recipient_email = $1 ORDER BY created_at`,
    [email],
  );
}

async function notificationOf(system: TestSystem, id: string): Promise<NotificationRow> {
  const [row] = await system.dataSource.query<NotificationRow[]>(
    `SELECT id, status, attempts, message_id, last_error, sent_at, payload FROM notifications WHERE id = $1`,
    [id],
  );
  return row;
}

/** Waits until the notification has reached `status` (or any final status, to fail with its state). */
function waitForStatus(system: TestSystem, id: string, status: string): Promise<NotificationRow> {
  return waitUntil(
    () => notificationOf(system, id),
    (row) => row.status === status,
    `notification ${id} to become ${status}`,
  );
}

/** The secretariat invites a new user through the API; answers the HTTP status and the invitee's address. */
async function invite(system: TestSystem, token: string, label: string) {
  const email = uniqueEmail(label);
  const answer = await http(system, 'POST', '/api/v1/users', {
    token,
    body: { email, name: `Invitee ${label}`, roles: ['applicant'], organizationCode: 'IOM' },
  });
  return { email, answer };
}

describe('outbox while Redis is down', () => {
  let redis: PrivateRedis;
  let system: TestSystem;
  beforeAll(async () => {
    redis = await PrivateRedis.start();
    system = await startTestSystem({ env: { REDIS_URL: redis.url } });
  });
  afterAll(async () => {
    await redis.start(); // closing the queues needs their Redis back
    await system?.close();
    await redis.stop();
  });

  it('takes an invitation while Redis is unreachable and delivers its e-mail once Redis is back', async () => {
    const secretariat = await actor(system, ['secretariat']);
    await redis.stop();

    const { email, answer } = await invite(system, secretariat.token, 'redis-down');
    expect(answer.status).toBe(201);
    const [pending] = await notificationsTo(system, email);
    expect(pending).toMatchObject({ status: 'pending', attempts: 0 });
    expect(system.smtp.to(email)).toHaveLength(0);

    await redis.start();
    await system.startWorker();
    await system.smtp.waitFor((messages) => messages.some((m) => m.to.includes(email)), 30000);
    const [mail] = system.smtp.to(email);
    expect(system.smtp.to(email)).toHaveLength(1);
    expect(mail.subject).toBe('Your invitation to the Migration MPTF concept-note system');
    const sent = await waitForStatus(system, pending.id, 'sent');
    expect(sent.attempts).toBe(1);
    expect(mail.messageId).toBe(sent.message_id);
  });
});

describe('outbox delivery', () => {
  let system: TestSystem;
  let notifications: NotificationsService;
  let secretariat: Awaited<ReturnType<typeof actor>>;
  beforeAll(async () => {
    system = await startTestSystem({ worker: true });
    notifications = system.app.get(NotificationsService);
    secretariat = await actor(system, ['secretariat']);
  });
  afterAll(() => system?.close());

  it('delivers an e-mail whose first SMTP attempts fail exactly once, with the same Message-ID', async () => {
    system.smtp.refuse(2);
    const { email, answer } = await invite(system, secretariat.token, 'retried');
    expect(answer.status).toBe(201);
    const [row] = await notificationsTo(system, email);

    const sent = await waitForStatus(system, row.id, 'sent');
    expect(system.smtp.refusals).toBe(2);
    expect(sent.attempts).toBe(3);
    expect(sent.last_error).toBeNull();
    const received = system.smtp.to(email);
    expect(received).toHaveLength(1);
    expect(received[0].messageId).toBe(sent.message_id);
    expect(received[0].headers.get('x-mptf-notification')).toBe(row.id);
    // The one-time link leaves the outbox once the e-mail is out.
    expect(sent.payload).not.toHaveProperty('secret');
  });

  it('treats a duplicate dispatch or a second delivery of a sent e-mail as a no-op', async () => {
    const { email } = await invite(system, secretariat.token, 'duplicate');
    const [row] = await notificationsTo(system, email);
    const sent = await waitForStatus(system, row.id, 'sent');
    await system.smtp.waitFor((messages) => messages.some((m) => m.to.includes(email)));

    await expect(notifications.deliver(row.id)).resolves.toBe('skipped');
    await expect(notifications.deliver(row.id)).resolves.toBe('skipped');

    // A duplicate job reaches the worker, which must skip it too.
    const queue = system.app.get<Queue>(getQueueToken(EMAIL_QUEUE), { strict: false });
    await notifications.dispatch([row.id]);
    await notifications.dispatch([row.id]);
    await waitUntil(
      () => queue.getJob(deliverJobId(row.id)),
      (job) => job === undefined,
      'the duplicate job to be processed',
    );

    expect(system.smtp.to(email)).toHaveLength(1);
    expect(await notificationOf(system, row.id)).toMatchObject({
      status: 'sent',
      attempts: sent.attempts,
      sent_at: sent.sent_at,
    });
  });

  it('records one row per dedupe key', async () => {
    const email = uniqueEmail('dedupe');
    const dedupeKey = `test:${randomBytes(6).toString('hex')}`;
    const outgoing: OutgoingEmail = {
      to: { email, locale: 'en' },
      template: 'invitation',
      payload: { name: 'Dedupe', invitedBy: 'Test', expiresAt: new Date().toISOString() },
      dedupeKey,
    };
    const first = await system.dataSource.transaction((manager) =>
      notifications.record(manager, [outgoing, { ...outgoing }]),
    );
    const second = await system.dataSource.transaction((manager) =>
      notifications.record(manager, [outgoing]),
    );
    expect(first).toHaveLength(1);
    expect(second).toEqual([]);
    const [{ count }] = await system.dataSource.query<{ count: string }[]>(
      `SELECT count(*) AS count FROM notifications WHERE dedupe_key = $1`,
      [dedupeKey],
    );
    expect(Number(count)).toBe(1);
    await notifications.dispatch(first);
    await waitForStatus(system, first[0], 'sent');
  });

  it('sweeps a committed row that never got a job into the queue and delivers it', async () => {
    const email = uniqueEmail('swept');
    const [id] = await system.dataSource.transaction((manager) =>
      notifications.record(manager, [
        {
          to: { email, locale: 'fr', timeZone: 'Europe/Paris' },
          template: 'invitation',
          payload: {
            name: 'Balayée',
            invitedBy: 'Test',
            expiresAt: '2030-06-01T10:00:00Z',
            secret: { acceptUrl: 'http://mptf.test/accept-invitation?token=swept' },
          },
          dedupeKey: `test:${randomBytes(6).toString('hex')}`,
        },
      ]),
    );
    const queue = system.app.get<Queue>(getQueueToken(EMAIL_QUEUE), { strict: false });
    expect(await queue.getJob(deliverJobId(id))).toBeUndefined();

    await system.smtp.waitFor((messages) => messages.some((m) => m.to.includes(email)), 30000);
    const [mail] = system.smtp.to(email);
    expect(mail.text).toContain('http://mptf.test/accept-invitation?token=swept');
    expect(mail.text).toContain('1 juin 2030 à 12:00');
    const sent = await waitForStatus(system, id, 'sent');
    expect(sent.attempts).toBe(1);
    expect(system.smtp.to(email)).toHaveLength(1);
  });
});

describe('outbox giving up', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({ worker: true, env: { MAIL_MAX_ATTEMPTS: '2' } });
  });
  afterAll(() => system?.close());

  it('marks an e-mail failed after MAIL_MAX_ATTEMPTS and shows it in the e-mail log', async () => {
    const secretariat = await actor(system, ['secretariat']);
    const applicant = await actor(system, ['applicant'], { organizationCode: 'IOM' });

    system.smtp.refuse(2);
    const failing = await invite(system, secretariat.token, 'failing');
    expect(failing.answer.status).toBe(201);
    const [failingRow] = await notificationsTo(system, failing.email);
    const failed = await waitForStatus(system, failingRow.id, 'failed');
    expect(failed.attempts).toBe(2);
    expect(failed.last_error).toContain('451');
    expect(failed.sent_at).toBeNull();
    expect(system.smtp.refusals).toBe(2);
    expect(system.smtp.to(failing.email)).toHaveLength(0);

    const working = await invite(system, secretariat.token, 'working');
    const [workingRow] = await notificationsTo(system, working.email);
    await waitForStatus(system, workingRow.id, 'sent');

    const list = (query: string, token = secretariat.token) =>
      http(system, 'GET', `/api/v1/notifications${query}`, { token });

    const byStatus = await list('?status=failed');
    expect(byStatus.status).toBe(200);
    expect(byStatus.body.items).toEqual([
      expect.objectContaining({
        id: failingRow.id,
        recipientEmail: failing.email,
        template: 'invitation',
        status: 'failed',
        attempts: 2,
        lastError: expect.stringContaining('451'),
        sentAt: null,
      }),
    ]);
    expect(byStatus.body.total).toBe(1);

    const sentOnes = await list('?status=sent');
    expect(sentOnes.body.items.map((n: { id: string }) => n.id)).toEqual([workingRow.id]);

    const byRecipient = await list(`?recipient=${encodeURIComponent(working.email.split('@')[0])}`);
    expect(byRecipient.status).toBe(200);
    expect(byRecipient.body.items).toEqual([
      expect.objectContaining({ id: workingRow.id, recipientEmail: working.email, status: 'sent' }),
    ]);

    const all = await list('');
    expect(all.body.items.map((n: { id: string }) => n.id).sort()).toEqual(
      [failingRow.id, workingRow.id].sort(),
    );

    const forbidden = await list('', applicant.token);
    expect(forbidden.status).toBe(403);
  });
});
