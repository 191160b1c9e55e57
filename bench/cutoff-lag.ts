/*
 * Cut-off lag: how late after `cutoffAt` the agenda of a meeting with 1,000 targeted notes is
 * closed by a real worker on a real BullMQ delayed job, with a confirmation e-mail to each team
 * recorded in the outbox. Baseline: the same closing transaction run
 * directly (no queue), i.e. the part of the lag that is database work.
 *
 *   npm run bench:cutoff            (PostgreSQL and Redis on their default local ports)
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { NestFactory } from '@nestjs/core';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { AppModule } from '../src/app.module';
import { loadConfig } from '../src/config/config';
import { CutoffService } from '../src/meetings/cutoff.service';
import { MeetingScheduler } from '../src/meetings/meetings.scheduler';
import { Meeting } from '../src/meetings/meeting.entity';
import { WorkerModule } from '../src/worker.module';
import { record } from './record';
import { deleteQueueKeys } from './support';

const NOTES = Number(process.env.BENCH_NOTES ?? 1000);
const base = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');

async function database(name: string): Promise<string> {
  const admin = new Client({ connectionString: new URL('/postgres', base).toString() });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(`/${name}`, base).toString();
  execFileSync('npx', ['typeorm-ts-node-commonjs', '-d', 'src/database/data-source.ts', 'migration:run'], {
    env: { ...process.env, DATABASE_URL: url, TS_NODE_TRANSPILE_ONLY: 'true' },
    stdio: 'ignore',
  });
  return url;
}

/** A meeting whose cut-off is `inMs` from now, with NOTES submitted notes targeting it. */
async function seed(dataSource: DataSource, inMs: number): Promise<Meeting> {
  const cutoffAt = new Date(Date.now() + inMs);
  const startsAt = new Date(cutoffAt.getTime() + 42 * 24 * 3600_000);
  const [meeting] = await dataSource.query<{ id: string }[]>(
    `INSERT INTO meetings (title, kind, starts_local, time_zone, starts_at, cutoff_at, version)
     VALUES ('Benchmark meeting', 'virtual', to_char($1::timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS'), 'UTC', $1, $2, 1) RETURNING id`,
    [startsAt, cutoffAt],
  );
  const [lead] = await dataSource.query<{ id: string }[]>(
    `INSERT INTO users (email, name, roles, organization_code, version) VALUES ($1, 'Bench Lead', '{applicant}', 'IOM', 1) RETURNING id`,
    [`bench-${randomBytes(4).toString('hex')}@bench.test`],
  );
  await dataSource.query(
    `WITH notes AS (
       INSERT INTO concept_notes (title, summary, status, scope, country_codes, primary_thematic_area_code, convening_organization_code,
                                  lead_user_id, current_revision, submitted_at, target_meeting_id, version)
       SELECT 'Benchmark note ' || i, 'Summary ' || i, 'submitted', 'national', '{SRB}', 'TA' || (1 + i % 5), 'IOM',
              $1, 1, now() - interval '1 day', $2, 1
         FROM generate_series(1, $3) i
       RETURNING id)
     , revisions AS (
       INSERT INTO concept_note_revisions (note_id, number, content, content_hash)
       SELECT id, 1, '{}'::jsonb, md5(id::text) FROM notes)
     INSERT INTO concept_note_members (note_id, user_id) SELECT id, $1 FROM notes`,
    [lead.id, meeting.id, NOTES],
  );
  return dataSource.getRepository(Meeting).findOneByOrFail({ id: meeting.id });
}

async function main(): Promise<void> {
  const url = await database(`mptf_bench_${process.pid}`);
  const config = loadConfig({
    ...process.env,
    DATABASE_URL: url,
    JWT_SECRET: 'benchmark-secret-that-is-long-enough-to-use',
    QUEUE_PREFIX: `bench-${process.pid}`,
    LOG_LEVEL: 'silent',
    SMTP_URL: 'smtp://127.0.0.1:9',
    RECONCILE_INTERVAL: 'PT1H',
  });
  // Baseline: the closing transaction alone, called directly once the cut-off has passed, in a
  // process with no worker (the API's modules), so that nothing else closes it first.
  const api = await NestFactory.createApplicationContext(AppModule.register(config), { logger: false });
  const direct = await seed(api.get(DataSource), -1);
  const t0 = performance.now();
  const outcome = await api.get(CutoffService).closeAgenda(direct.id, direct.cutoffAt.getTime());
  const directMs = performance.now() - t0;
  const [{ count }] = await api
    .get(DataSource)
    .query<{ count: string }[]>('SELECT count(*) FROM agenda_items WHERE meeting_id = $1', [direct.id]);
  if (outcome !== 'closed' || Number(count) !== NOTES)
    throw new Error(`the direct closing did not close (${outcome}, ${count} items)`);
  await api.close();

  const worker = await NestFactory.createApplicationContext(WorkerModule.register(config), { logger: false });
  const dataSource = worker.get(DataSource);

  // Ours: the delayed BullMQ job wakes the worker at the cut-off.
  const lags: number[] = [];
  for (let run = 0; run < 3; run += 1) {
    const meeting = await seed(dataSource, 3000);
    await worker.get(MeetingScheduler).schedule(meeting);
    for (;;) {
      const [row] = await dataSource.query<{ status: string; lag: string | null; items: string }[]>(
        `SELECT m.status, extract(epoch FROM (m.agenda_closed_at - m.cutoff_at)) * 1000 AS lag,
                (SELECT count(*) FROM agenda_items a WHERE a.meeting_id = m.id) AS items
           FROM meetings m WHERE m.id = $1`,
        [meeting.id],
      );
      if (row.status === 'agenda_closed') {
        if (Number(row.items) !== NOTES) throw new Error(`agenda has ${row.items} items, expected ${NOTES}`);
        // agenda_closed_at is when the closing began; the lag counted is when it was seen committed
        // (an upper bound: the polling adds up to 20 ms).
        const committedLag = Date.now() - meeting.cutoffAt.getTime();
        lags.push(committedLag);
        console.log(
          `run ${run + 1}: closing began ${Number(row.lag).toFixed(0)} ms after the cut-off, committed by ${committedLag} ms`,
        );
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  const worst = Math.max(...lags);
  record([
    {
      name: `cutoff lag, ${NOTES} notes (worst of 3)`,
      value: Math.round(worst),
      unit: 'ms',
      baseline: Math.round(directMs),
      ratio: Number((worst / Math.max(directMs, 1)).toFixed(2)),
      goal: '< 1000 ms',
    },
  ]);
  await worker.close();
  const admin = new Client({ connectionString: new URL('/postgres', base).toString() });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "mptf_bench_${process.pid}" WITH (FORCE)`);
  await admin.end();
  await deleteQueueKeys(`bench-${process.pid}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
