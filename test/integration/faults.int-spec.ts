import { randomBytes } from 'node:crypto';
import { getQueueToken } from '@nestjs/bullmq';
import { WORKER_METADATA } from '@nestjs/bullmq/dist/bull.constants';
import type { Queue } from 'bullmq';
import { Client } from 'pg';
import { NotificationsProcessor } from '../../src/notifications/notifications.processor';
import { NotificationsService, type OutgoingEmail } from '../../src/notifications/notifications.service';
import { ALL_QUEUES } from '../../src/operations/queues';
import { completeNote, readyDraft } from '../factories';
import { actor, http, startTestSystem, TEST_JWT_SECRET, type HttpAnswer, type TestSystem } from '../harness';
import { HoldingSmtpReceiver } from '../holding-smtp-receiver';
import { PrivateRedis } from '../private-redis';
import { adminDatabaseUrl } from '../test-env';
import { WorkerProcess } from '../worker-process';

/**
 * Faults the system must ride out (DESIGN §6): a worker killed mid-delivery, Redis stopped while
 * the API takes submissions, the database connection cut in the middle of a request, and the mail
 * server away for a while.
 */

const DAY = 24 * 60 * 60 * 1000;

interface OutboxRow {
  id: string;
  status: string;
  attempts: number;
  message_id: string;
  last_error: string | null;
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
    if (Date.now() > deadline) {
      throw new Error(`${what}: still ${JSON.stringify(value).slice(0, 2000)} after ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Setup steps must work; a failure names the answer instead of failing later for an unclear reason. */
function must(answer: HttpAnswer, status = 200): HttpAnswer {
  if (answer.status !== status) {
    throw new Error(`expected ${status}, got ${answer.status}: ${JSON.stringify(answer.body)}`);
  }
  return answer;
}

function outbox(system: TestSystem, ids?: string[]): Promise<OutboxRow[]> {
  return system.dataSource.query<OutboxRow[]>(
    `SELECT id, status, attempts, message_id, last_error FROM notifications
      WHERE $1::uuid[] IS NULL OR id = ANY($1::uuid[]) ORDER BY created_at, id`,
    [ids ?? null],
  );
}

const statuses = (rows: OutboxRow[]) => [...new Set(rows.map((r) => r.status))].sort();

function invitations(count: number, label: string): OutgoingEmail[] {
  const run = randomBytes(4).toString('hex');
  return Array.from({ length: count }, (_, i) => ({
    to: { email: `${label}-${i}-${run}@test.mptf.org`, locale: 'en' },
    template: 'invitation',
    payload: { name: `Invitee ${i}`, invitedBy: 'Fault tests', expiresAt: '2030-06-01T10:00:00Z' },
    dedupeKey: `${label}:${run}:${i}`,
  }));
}

/** Records e-mails in the outbox through the service, as a state change would, and wakes the worker. */
async function recordAndDispatch(system: TestSystem, emails: OutgoingEmail[]): Promise<string[]> {
  const notifications = system.app.get(NotificationsService);
  const ids = await system.dataSource.transaction((manager) => notifications.record(manager, emails));
  for (let i = 0; i < ids.length; i += 250) await notifications.dispatch(ids.slice(i, i + 250));
  return ids;
}

describe('a worker killed with SIGKILL five times during a drain of 1,000 e-mails', () => {
  const EMAILS = 1000;
  const KILLS = 5;
  /** The worker's delivery concurrency: the options of NotificationsProcessor's @Processor (4 when written). */
  const CONCURRENCY = (
    Reflect.getMetadata(WORKER_METADATA, NotificationsProcessor) as { concurrency: number }
  ).concurrency;
  let system: TestSystem;
  let smtp: HoldingSmtpReceiver;
  let worker: WorkerProcess;

  beforeAll(async () => {
    // The in-process system is only the API side here (a database, a queue prefix, the outbox service).
    system = await startTestSystem();
    smtp = await new HoldingSmtpReceiver().start();
    worker = new WorkerProcess({
      NODE_ENV: 'test',
      JWT_SECRET: TEST_JWT_SECRET,
      DATABASE_URL: system.config.databaseUrl,
      REDIS_URL: system.config.redisUrl,
      QUEUE_PREFIX: system.config.queuePrefix,
      SMTP_URL: smtp.url,
      PUBLIC_URL: system.config.publicUrl,
      LOG_LEVEL: 'warn',
      MAIL_RETRY_DELAY: 'PT0.2S',
      RECONCILE_INTERVAL: 'PT1H',
      // Short enough that what a killed worker held comes back within seconds, not minutes.
      OUTBOX_SWEEP_INTERVAL: 'PT1S',
      OUTBOX_CLAIM_DURATION: 'PT4S',
      WORKER_LOCK_DURATION: 'PT2S',
      WORKER_STALLED_INTERVAL: 'PT1S',
    });
  });
  afterAll(async () => {
    await worker?.dispose();
    await smtp?.stop();
    await system?.close();
  });

  it('delivers every e-mail, a duplicate only for a message whose acknowledgement died with the worker, with its Message-ID', async () => {
    worker.start();
    const ids = await recordAndDispatch(system, invitations(EMAILS, 'crash'));
    expect(ids).toHaveLength(EMAILS);

    let unacknowledged = 0;
    for (let kill = 1; kill <= KILLS; kill += 1) {
      // Spread the kills over the drain, each while deliveries are in flight.
      await smtp.waitForDistinct(kill * 150, 60000).catch((error: Error) => {
        worker.check();
        throw error;
      });
      worker.check();
      smtp.hold();
      await smtp.holdingAll();
      await worker.kill();
      unacknowledged += smtp.release().length;
      worker.start();
    }

    await waitUntil(
      async () => {
        worker.check();
        return statuses(await outbox(system, ids));
      },
      (s) => s.length === 1 && s[0] === 'sent',
      'outbox rows after the last restart',
      60000,
    );
    await smtp.waitForDistinct(EMAILS, 10000);
    await worker.stop();

    const rows = await outbox(system, ids);
    const messageIdOf = new Map(rows.map((r) => [r.id, r.message_id]));
    const receipts = smtp.receipts;
    expect(new Set(receipts.map((r) => r.notificationId))).toEqual(new Set(ids));
    for (const receipt of receipts) expect(receipt.messageId).toBe(messageIdOf.get(receipt.notificationId));

    const duplicates = receipts.length - EMAILS;
    // Each message the server had but never acknowledged was sent again (at least once) ...
    expect(unacknowledged).toBeGreaterThan(0);
    expect(duplicates).toBeGreaterThanOrEqual(unacknowledged);
    // ... and nothing else: a kill costs at most the deliveries the worker had in flight.
    expect(duplicates).toBeLessThanOrEqual(KILLS * CONCURRENCY);
  }, 120000);
});

/** Waits until each queue of the API answers again (its connection fails fast while Redis is away). */
async function queuesReconnected(system: TestSystem): Promise<void> {
  for (const name of ALL_QUEUES) {
    const queue = system.app.get<Queue>(getQueueToken(name), { strict: false });
    await waitUntil(
      () =>
        queue.getJobCounts('wait').then(
          () => true,
          () => false,
        ),
      (answered) => answered,
      `queue ${name} to reconnect`,
    );
  }
}

describe('Redis stopped while the API takes submissions', () => {
  let redis: PrivateRedis;
  let system: TestSystem;
  beforeAll(async () => {
    redis = await PrivateRedis.start();
    system = await startTestSystem({ env: { REDIS_URL: redis.url, RECONCILE_INTERVAL: 'PT1H' } });
  });
  afterAll(async () => {
    try {
      // Closing the API's queues needs their Redis back, and their connections (which fail fast
      // rather than wait) reconnected: a test failing right after the restart must not hang here.
      await redis?.start();
      if (system) await queuesReconnected(system);
      await system?.close();
    } finally {
      await redis?.stop();
    }
  });

  type Meeting = { id: string; cutoffAt: string };
  const cutoffJobId = (meeting: Meeting) => `cutoff-${meeting.id}-${Date.parse(meeting.cutoffAt)}`;

  it('submits notes and records their e-mails with Redis down; once Redis is back a worker sends them all and every cut-off job exists', async () => {
    const secretariat = await actor(system, ['secretariat']);
    const leads = [
      await actor(system, ['applicant'], { organizationCode: 'IOM' }),
      await actor(system, ['applicant'], { organizationCode: 'IOM' }),
    ];
    const rc = await actor(system, ['resident_coordinator'], { countryCodes: ['SRB'] });
    const schedule = async (title: string, days: number): Promise<Meeting> => {
      const startsMs = Math.floor(Date.now() / 60000) * 60000 + days * DAY;
      const answer = await http(system, 'POST', '/api/v1/meetings', {
        token: secretariat.token,
        body: {
          title,
          kind: 'in_person',
          startsLocal: new Date(startsMs).toISOString().slice(0, 16),
          timeZone: 'UTC',
        },
      });
      return must(answer, 201).body as Meeting;
    };
    const meetingsQueue = () => system.app.get<Queue>(getQueueToken('meetings'), { strict: false });

    // Scheduled while Redis is up: their jobs are on the queue, and go with Redis (it keeps nothing).
    const meetings = [
      await schedule('Steering Committee, in ten weeks', 70),
      await schedule('Steering Committee, in twenty weeks', 140),
    ];
    expect(await meetingsQueue().getJob(cutoffJobId(meetings[0]))).toBeDefined();

    await redis.stop();
    meetings.push(await schedule('Steering Committee, in fifteen weeks', 105));
    for (const lead of leads) {
      const id = await readyDraft(system, lead.token, { scope: 'national', countryCodes: ['SRB'] });
      must(
        await http(system, 'POST', `/api/v1/concept-notes/${id}/endorsement-requests`, { token: lead.token }),
      );
      const endorsed = await http(system, 'POST', `/api/v1/concept-notes/${id}/endorsements`, {
        token: rc.token,
        body: { decision: 'endorse' },
      });
      expect(must(endorsed).body).toMatchObject({ status: 'submitted', targetMeetingId: meetings[0].id });
    }

    const recorded = await system.dataSource.query<
      (OutboxRow & { template: string; recipient_email: string })[]
    >(`SELECT id, status, attempts, message_id, last_error, template, recipient_email FROM notifications`);
    // The e-mails of both steps, for each note, are in the outbox, none sent or even tried.
    const kinds = recorded.map((r) => [r.template, r.recipient_email]);
    for (const lead of leads) {
      expect(kinds).toContainEqual(['concept_note_submitted', lead.user.email]);
    }
    expect(kinds.filter(([t, to]) => t === 'endorsement_requested' && to === rc.user.email)).toHaveLength(
      leads.length,
    );
    expect(recorded.every((r) => r.status === 'pending' && r.attempts === 0)).toBe(true);
    expect(system.smtp.messages).toHaveLength(0);

    await redis.start(); // empty: every job made before the outage is gone
    const worker = await system.startWorker();
    // The worker's start-up reconciliation has run: each scheduled meeting has its cut-off job again.
    const workerQueue = worker.get<Queue>(getQueueToken('meetings'), { strict: false });
    for (const meeting of meetings) {
      expect({ meeting: meeting.id, job: (await workerQueue.getJob(cutoffJobId(meeting)))?.id }).toEqual({
        meeting: meeting.id,
        job: cutoffJobId(meeting),
      });
    }

    await waitUntil(
      () => outbox(system),
      (rows) => rows.every((r) => r.status === 'sent'),
      'e-mails',
      30000,
    );
    const ids = recorded.map((r) => r.id);
    const received = system.smtp.messages.map((m) => m.headers.get('x-mptf-notification'));
    expect(received.sort()).toEqual([...ids].sort());
  });
});

/** A statement on the server's maintenance database, outside the pool of the system under test. */
async function asAdmin<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: adminDatabaseUrl() });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

describe('the database connection dropped in the middle of a request', () => {
  let system: TestSystem;
  let database: string;
  beforeAll(async () => {
    system = await startTestSystem();
    database = new URL(system.config.databaseUrl).pathname.slice(1);
  });
  afterAll(async () => {
    if (database) await asAdmin(`ALTER DATABASE "${database}" WITH ALLOW_CONNECTIONS true`);
    await system?.close();
  });

  it('answers 503 DATABASE_UNAVAILABLE, leaves no half-written note, and serves again without a restart', async () => {
    const lead = await actor(system, ['applicant'], { organizationCode: 'IOM' });
    const title = `Cut off mid-request ${randomBytes(4).toString('hex')}`;
    const notesTitled = () =>
      system.dataSource.query<{ id: string }[]>(`SELECT id FROM concept_notes WHERE title = $1`, [title]);
    const createdEvents = async () =>
      (
        await system.dataSource.query<{ n: number }[]>(
          `SELECT count(*)::int AS n FROM audit_events WHERE action = 'concept_note.created' AND actor_id = $1`,
          [lead.user.id],
        )
      )[0].n;

    // A transaction of the test holds audit_events, so the create stops half-way: its note row is
    // written (uncommitted) and its audit event waits. Then every connection to the database goes.
    const blocker = new Client({ connectionString: system.config.databaseUrl });
    blocker.on('error', () => undefined); // terminated with the others
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE audit_events IN EXCLUSIVE MODE');
    const answering = http(system, 'POST', '/api/v1/concept-notes', {
      token: lead.token,
      body: completeNote({ title }),
    });
    await waitUntil(
      () =>
        asAdmin<{ query: string }>(
          `SELECT query FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'`,
          [database],
        ),
      (rows) => rows.some((r) => /INSERT INTO "audit_events"/i.test(r.query)),
      'the create to wait on its audit event',
    );
    await asAdmin(`ALTER DATABASE "${database}" WITH ALLOW_CONNECTIONS false`);
    await asAdmin(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
      [database],
    );
    await blocker.end().catch(() => undefined);

    const cut = await answering;
    expect(cut.status).toBe(503);
    expect(cut.headers['content-type']).toContain('application/problem+json');
    expect(cut.body).toMatchObject({ status: 503, code: 'DATABASE_UNAVAILABLE' });
    expect(cut.headers['retry-after']).toBe('5');
    // While the database refuses connections, other requests fail the same way.
    const refused = await http(system, 'GET', '/api/v1/concept-notes', { token: lead.token });
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({ status: 503, code: 'DATABASE_UNAVAILABLE' });

    await asAdmin(`ALTER DATABASE "${database}" WITH ALLOW_CONNECTIONS true`);
    expect(await notesTitled()).toEqual([]);
    expect(await createdEvents()).toBe(0);

    // Same process, same pool: the next requests just work.
    const again = await http(system, 'POST', '/api/v1/concept-notes', {
      token: lead.token,
      body: completeNote({ title }),
    });
    expect(again.status).toBe(201);
    const list = await http(system, 'GET', '/api/v1/concept-notes', { token: lead.token });
    expect(list.status).toBe(200);
    expect(list.body.items.map((n: { id: string }) => n.id)).toContain(again.body.id);
    expect(await notesTitled()).toEqual([{ id: again.body.id }]);
    expect(await createdEvents()).toBe(1);
  });
});

describe('every database connection busy', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({ env: { DATABASE_POOL_SIZE: '2', DATABASE_POOL_TIMEOUT: 'PT1S' } });
  });
  afterAll(() => system?.close());

  it('answers 503 DATABASE_BUSY with Retry-After once the pool has waited, and serves again when a connection frees', async () => {
    const lead = await actor(system, ['applicant'], { organizationCode: 'IOM' });
    // The pool of DATABASE_POOL_SIZE connections, both taken.
    const held = [system.dataSource.createQueryRunner(), system.dataSource.createQueryRunner()];
    for (const runner of held) await runner.connect();
    try {
      const busy = await http(system, 'GET', '/api/v1/concept-notes', { token: lead.token });
      expect(busy.status).toBe(503);
      expect(busy.body).toMatchObject({ status: 503, code: 'DATABASE_BUSY' });
      expect(busy.headers['retry-after']).toBe('5');
    } finally {
      for (const runner of held) await runner.release();
    }
    const served = await http(system, 'GET', '/api/v1/concept-notes', { token: lead.token });
    expect(served.status).toBe(200);
  });
});

describe('the mail server away for a while', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({ worker: true });
  });
  afterAll(() => system?.close());

  it('keeps e-mails pending while their attempts fail, and sends each exactly once when the server is back on its port', async () => {
    const port = Number(new URL(system.smtp.url).port);
    await system.smtp.stop();
    const ids = await recordAndDispatch(system, invitations(5, 'smtp-down'));

    const waiting = await waitUntil(
      () => outbox(system, ids),
      (rows) => rows.every((r) => r.attempts >= 3),
      'three attempts at each e-mail',
    );
    for (const row of waiting) {
      expect(['pending', 'sending']).toContain(row.status);
      if (row.status === 'pending') expect(row.last_error).toContain('ECONNREFUSED');
    }

    await system.smtp.start(port);
    const sent = await waitUntil(
      () => outbox(system, ids),
      (rows) => rows.every((r) => r.status === 'sent'),
      'e-mails sent',
    );
    // A second copy would come from a retry or a sweep after the first: give those time to run.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    for (const row of sent) {
      const copies = system.smtp.messages.filter((m) => m.headers.get('x-mptf-notification') === row.id);
      expect(copies.map((m) => m.messageId)).toEqual([row.message_id]);
    }
    expect(system.smtp.messages).toHaveLength(ids.length);
  });
});
