/*
 * E-mail drain: 10,000 outbox rows (three templates, six languages, one in ten an invitation with
 * a one-time link) delivered by the real worker (WorkerModule: BullMQ jobs, claim, render, send,
 * mark sent and erase the secret) to a local SMTP receiver, beside raw pooled nodemailer sending
 * the same 10,000 messages, rendered beforehand, to the same receiver. The receiver runs in a
 * process of its own and only counts what it accepts. Everything stays on 127.0.0.1.
 *
 *   npm run bench:email        (PostgreSQL and Redis on their default local ports)
 *   BENCH_EMAILS=10000
 */
import { fork } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import { createTransport } from 'nodemailer';
import { Client } from 'pg';
import { SMTPServer } from 'smtp-server';
import { loadConfig } from '../src/config/config';
import { NotificationsService } from '../src/notifications/notifications.service';
import { EmailTemplates } from '../src/notifications/templates';
import { WorkerModule } from '../src/worker.module';
import { record } from './record';
import { deleteQueueKeys, dropDatabase, migratedDatabase, REDIS_URL } from './support';

const EMAILS = Number(process.env.BENCH_EMAILS ?? 10000);
const WARMUP = 200;
const NAME = `mptf_bench_email_${process.pid}`;
const PREFIX = `bench-email-${process.pid}`;
const MAIL_FROM = 'Migration MPTF <no-reply@migration-mptf.example.org>';
const PUBLIC_URL = 'http://mptf.bench';

/** The receiver process: accepts every message, counts them, answers `count` on its IPC channel. */
function receiver(): void {
  let count = 0;
  let bytes = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      stream.on('data', (chunk: Buffer) => (bytes += chunk.length));
      stream.on('end', () => {
        count += 1;
        callback();
      });
    },
  });
  server.listen(0, '127.0.0.1', () => {
    process.send!({ port: (server.server.address() as AddressInfo).port });
  });
  process.on('message', () => process.send!({ count, bytes }));
  process.on('disconnect', () => server.close(() => process.exit(0)));
}

async function startReceiver() {
  const child = fork(__filename, ['receiver'], {
    execArgv: ['-r', 'ts-node/register/transpile-only'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message: { port: number }) => resolve(message.port));
    child.once('error', reject);
  });
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    received: () =>
      new Promise<{ count: number; bytes: number }>((resolve) => {
        child.once('message', (message: { count: number; bytes: number }) => resolve(message));
        child.send('count');
      }),
    stop: () => child.disconnect(),
  };
}

/** `count` pending outbox rows as the application records them; returns their ids in order. */
async function seed(db: Client, count: number, tag: string): Promise<string[]> {
  const rows = await db.query<{ id: string }>(
    `WITH s AS (
       SELECT i, gen_random_uuid() AS id,
              (ARRAY['en', 'fr', 'es', 'ar', 'ru', 'zh'])[1 + i % 6] AS locale,
              CASE WHEN i % 10 = 0 THEN 'invitation' WHEN i % 10 < 4 THEN 'endorsement_requested'
                   ELSE 'concept_note_submitted' END AS template
         FROM generate_series(1, $1::int) i)
     INSERT INTO notifications (id, recipient_email, template, locale, payload, message_id, dedupe_key,
                                subject_type, subject_id, next_attempt_at)
     SELECT id, 'person' || i || '@' || $2 || '.bench.test', template, locale,
            CASE template
              WHEN 'invitation' THEN jsonb_build_object(
                'name', 'Person ' || i, 'invitedBy', 'Amina Secretariat', 'roles', jsonb_build_array('applicant'),
                'expiresAt', to_char(now() + interval '7 days', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                'secret', jsonb_build_object('acceptUrl', $3 || '/accept-invitation?token=' || md5(i || $2)),
                '_timeZone', 'Africa/Nairobi')
              ELSE jsonb_build_object(
                'recipientName', 'Person ' || i,
                'noteTitle', 'Labour migration governance and fair recruitment in the Horn of Africa (' || i || ')',
                'referenceCode', 'MIG-CN-2027-' || lpad(i::text, 4, '0'),
                'noteUrl', $3 || '/concept-notes/' || gen_random_uuid(),
                'submittedAt', to_char(now(), 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                'leadName', 'Maria Okafor', 'conveningOrganization', 'IOM',
                'countries', 'Kenya, Ethiopia, Somalia', '_timeZone', 'Europe/Zurich')
            END,
            '<' || id || '@migration-mptf.example.org>', $2 || ':' || i, 'concept_note', gen_random_uuid(),
            now() - interval '1 minute'
       FROM s
     ORDER BY i
     RETURNING id`,
    [count, tag, PUBLIC_URL],
  );
  return rows.rows.map((r) => r.id);
}

/** The messages the worker would send for these rows, rendered now (outside the raw timing). */
async function rendered(db: Client, ids: string[]) {
  const templates = new EmailTemplates();
  const rows = (
    await db.query<{
      id: string;
      recipient_email: string;
      template: string;
      locale: string;
      payload: Record<string, unknown>;
      message_id: string;
    }>(
      'SELECT id, recipient_email, template, locale, payload, message_id FROM notifications WHERE id = ANY($1::uuid[])',
      [ids],
    )
  ).rows;
  return rows.map((row) => {
    const { _timeZone, ...payload } = row.payload as { _timeZone?: string };
    const email = templates.render(row.template, row.locale, payload, _timeZone);
    return {
      from: MAIL_FROM,
      to: row.recipient_email,
      subject: email.subject,
      html: email.html,
      text: email.text,
      messageId: row.message_id,
      headers: { 'Content-Language': email.locale, 'X-MPTF-Notification': row.id },
    };
  });
}

async function main(): Promise<void> {
  const receiver = await startReceiver();
  const url = await migratedDatabase(NAME);
  const db = new Client({ connectionString: url });
  await db.connect();
  const config = loadConfig({
    ...process.env,
    DATABASE_URL: url,
    REDIS_URL: REDIS_URL,
    JWT_SECRET: 'benchmark-secret-that-is-long-enough-to-use',
    QUEUE_PREFIX: PREFIX,
    LOG_LEVEL: 'silent',
    SMTP_URL: receiver.url,
    MAIL_FROM,
    PUBLIC_URL,
    OUTBOX_SWEEP_INTERVAL: 'PT1H',
    RECONCILE_INTERVAL: 'PT1H',
  });
  try {
    // Raw: one pooled transport (nodemailer's defaults, as ours: 5 connections), every message at once.
    const transport = createTransport({ host: '127.0.0.1', port: receiver.port, pool: true });
    const rawSend = async (count: number, tag: string) => {
      const messages = await rendered(db, await seed(db, count, tag));
      await db.query('DELETE FROM notifications WHERE dedupe_key LIKE $1', [`${tag}:%`]);
      const before = (await receiver.received()).count;
      const t0 = performance.now();
      await Promise.all(messages.map((m) => transport.sendMail(m)));
      const ms = performance.now() - t0;
      if ((await receiver.received()).count - before !== count)
        throw new Error('raw: the receiver missed messages');
      return ms;
    };
    await rawSend(WARMUP, 'raw-warm');
    const rawMs = await rawSend(EMAILS, 'raw');
    transport.close();
    console.log(`raw pooled nodemailer: ${EMAILS} messages in ${(rawMs / 1000).toFixed(2)} s`);

    // Ours: the worker, woken up as the API wakes it after a commit (NotificationsService.dispatch).
    const worker = await NestFactory.createApplicationContext(WorkerModule.register(config), {
      logger: false,
    });
    const notifications = worker.get(NotificationsService);
    const drain = async (count: number, tag: string) => {
      const ids = await seed(db, count, tag);
      await db.query('ANALYZE notifications');
      const before = (await receiver.received()).count;
      const t0 = performance.now();
      for (let i = 0; i < ids.length; i += 1000) await notifications.dispatch(ids.slice(i, i + 1000));
      for (;;) {
        const [{ sent, failed }] = (
          await db.query<{ sent: string; failed: string }>(
            `SELECT count(*) FILTER (WHERE status = 'sent') AS sent, count(*) FILTER (WHERE status = 'failed') AS failed
               FROM notifications WHERE dedupe_key LIKE $1`,
            [`${tag}:%`],
          )
        ).rows;
        if (Number(failed) > 0) throw new Error(`ours: ${failed} e-mails failed`);
        if (Number(sent) === count) break;
        if (performance.now() - t0 > 10 * 60_000)
          throw new Error(`ours: only ${sent} of ${count} sent in 10 min`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const ms = performance.now() - t0;
      const received = (await receiver.received()).count - before;
      if (received !== count)
        throw new Error(`ours: the receiver got ${received} messages, expected ${count}`);
      const [{ secrets }] = (
        await db.query<{ secrets: string }>(
          `SELECT count(*) AS secrets FROM notifications WHERE dedupe_key LIKE $1 AND payload ? 'secret'`,
          [`${tag}:%`],
        )
      ).rows;
      if (Number(secrets) > 0)
        throw new Error(`ours: ${secrets} sent e-mails still hold their one-time link`);
      return ms;
    };
    await drain(WARMUP, 'ours-warm');
    const oursMs = await drain(EMAILS, 'ours');
    await worker.close();
    console.log(
      `worker: ${EMAILS} outbox rows delivered in ${(oursMs / 1000).toFixed(2)} s (one-time links erased)`,
    );

    const oursRate = EMAILS / (oursMs / 1000);
    const rawRate = EMAILS / (rawMs / 1000);
    record([
      {
        name: `e-mail drain, ${EMAILS.toLocaleString('en')} outbox rows → local SMTP`,
        value: Math.round(oursRate),
        unit: 'messages/s',
        baseline: Math.round(rawRate),
        ratio: Number((oursRate / rawRate).toFixed(2)),
        goal: '≥ 0.5 × raw',
      },
    ]);
  } finally {
    receiver.stop();
    await db.end();
    await dropDatabase(NAME);
    await deleteQueueKeys(PREFIX);
  }
}

if (process.argv[2] === 'receiver') {
  receiver();
} else {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
