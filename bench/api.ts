/*
 * API throughput and latency at 1,000 and 100,000 concept notes: the real API (AppModule through
 * configureApp, as main.ts starts it) beside a minimal Fastify + `pg` server sending the same SQL
 * (bench/api-raw.ts), both in this process, loaded in turn by autocannon from a child process
 * (bench/api-load.ts), 10 connections, on 127.0.0.1 only: three rounds of 5 s a side after a warm-up,
 * in alternating order. Besides requests/s and latencies it prints the CPU this process (the
 * servers) spent per request, a figure the machine's other load disturbs less.
 *
 * Routes: the secretariat's list (page 1, 20 a page), a filtered list (status and a word of text),
 * a note's page (500 notes in turn), and the endorsement that submits a note (an RC endorses the
 * last country of a national note; a fresh note for every request). Before measuring, the run
 * checks that both servers send the same statements and answer the same JSON.
 *
 *   npm run bench:api        (PostgreSQL and Redis on their default local ports)
 *   BENCH_API_SIZES=1000,100000  BENCH_API_SECONDS=5  BENCH_API_ROUNDS=3  BENCH_API_WRITES=1500
 */
import { fork } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { isDeepStrictEqual } from 'node:util';
import { NestFactory } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import { DataSource, type Logger as TypeOrmLogger } from 'typeorm';
import { configureApp, createFastifyAdapter } from '../src/app';
import { AppModule } from '../src/app.module';
import { TOKEN_AUDIENCE, TOKEN_ISSUER } from '../src/auth/tokens';
import { loadConfig } from '../src/config/config';
import { seedAwaiting, seedNotes, seedUsers } from './api-seed';
import { startRawServer } from './api-raw';
import type { LoadResult, LoadRun } from './api-load';
import { record } from './record';
import { deleteQueueKeys, dropDatabase, migratedDatabase, REDIS_URL } from './support';

const SIZES = (process.env.BENCH_API_SIZES ?? '1000,100000').split(',').map(Number);
/** Seconds of each measured round; each side runs ROUNDS rounds, in alternating order. */
const SECONDS = Number(process.env.BENCH_API_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_API_ROUNDS ?? 3);
const WARMUP_SECONDS = 3;
const WRITES = Number(process.env.BENCH_API_WRITES ?? 1500);
const CONNECTIONS = 10;
const JWT_SECRET = 'benchmark-secret-that-is-long-enough-to-use';
const PUBLIC_URL = 'http://mptf.bench';
const NAME = `mptf_bench_api_${process.pid}`;
const PREFIX = `bench-api-${process.pid}`;

const LIST = '/api/v1/concept-notes?page=1&limit=20';
const FILTERED = '/api/v1/concept-notes?page=1&limit=20&status=submitted&text=trafficking';

/** Records the statements TypeORM sends while `statements` is set. */
class Capture implements TypeOrmLogger {
  statements: { sql: string; parameters: unknown[] }[] | null = null;
  logQuery(sql: string, parameters?: unknown[]): void {
    this.statements?.push({ sql, parameters: parameters ?? [] });
  }
  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}

const normalize = (sql: string) => sql.replace(/\s+/g, ' ').trim();

/** The child process that runs autocannon. */
async function loadGenerator() {
  const child = fork(require.resolve('./api-load'), [], {
    execArgv: ['-r', 'ts-node/register/transpile-only'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('error', reject);
  });
  return {
    run(options: LoadRun): Promise<LoadResult> {
      return new Promise((resolve, reject) => {
        child.once('message', (message: { ok: boolean; result?: LoadResult; error?: string }) =>
          message.ok ? resolve(message.result!) : reject(new Error(message.error)),
        );
        child.send(options);
      });
    },
    stop() {
      child.disconnect();
    },
  };
}

/** A run's figures and the CPU this process (the servers) spent per request, in µs. */
type Measured = LoadResult & { cpuPerRequest: number };

interface Pair {
  scenario: string;
  size: number;
  ours: Measured;
  raw: Measured;
}

/** Rounds taken together: requests over time, the median round's latencies, CPU over requests. */
function combine(rounds: Measured[]): Measured {
  const sum = (f: (r: Measured) => number) => rounds.reduce((total, r) => total + f(r), 0);
  const median = (f: (r: Measured) => number) =>
    rounds.map(f).sort((a, b) => a - b)[Math.floor(rounds.length / 2)];
  const requests = sum((r) => r.requests);
  return {
    requestsPerSecond: requests / sum((r) => r.seconds),
    p50: median((r) => r.p50),
    p99: median((r) => r.p99),
    requests,
    non2xx: sum((r) => r.non2xx),
    errors: sum((r) => r.errors),
    timeouts: sum((r) => r.timeouts),
    seconds: sum((r) => r.seconds),
    cpuPerRequest: sum((r) => r.cpuPerRequest * r.requests) / Math.max(requests, 1),
  };
}

/** Runs a load and measures the CPU this process spends meanwhile (the load generator has its own). */
async function measured(run: () => Promise<LoadResult>): Promise<Measured> {
  const before = process.cpuUsage();
  const result = await run();
  const used = process.cpuUsage(before);
  return { ...result, cpuPerRequest: (used.user + used.system) / Math.max(result.requests, 1) };
}

async function main(): Promise<void> {
  console.log(
    `load average before: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} (${cpus().length} cores)`,
  );
  const url = await migratedDatabase(NAME);
  const db = new Client({ connectionString: url });
  await db.connect();
  const users = await seedUsers(db);

  const config = loadConfig({
    ...process.env,
    DATABASE_URL: url,
    REDIS_URL: REDIS_URL,
    JWT_SECRET,
    PUBLIC_URL,
    QUEUE_PREFIX: PREFIX,
    LOG_LEVEL: 'silent',
    SMTP_URL: 'smtp://127.0.0.1:9',
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.register(config),
    createFastifyAdapter(config),
    { logger: false },
  );
  await configureApp(app, config);
  await app.listen(0, '127.0.0.1');
  const ours = (await app.getUrl()).replace('localhost', '127.0.0.1').replace('[::1]', '127.0.0.1');
  const raw = await startRawServer({
    databaseUrl: url,
    jwtSecret: JWT_SECRET,
    publicUrl: PUBLIC_URL,
    mailDomain: /@([^>\s]+)/.exec(config.mailFrom)?.[1] ?? 'mptf.bench',
  });
  const jwt = app.get(JwtService);
  const token = (sub: string) =>
    jwt.sign({ sub }, { audience: TOKEN_AUDIENCE.api, issuer: TOKEN_ISSUER, expiresIn: 3600 });
  const secretariat = token(users.secretariatId);
  const rc = token(users.rcId);
  const dataSource = app.get(DataSource);
  const original = dataSource.logger;
  const capture = new Capture();
  const load = await loadGenerator();
  const pairs: Pair[] = [];
  let seeded = 0;

  try {
    for (const size of SIZES) {
      const t0 = performance.now();
      const [{ count }] = (await db.query<{ count: string }>('SELECT count(*) FROM concept_notes')).rows;
      const missing = size - Number(count);
      if (missing > 0) await seedNotes(db, seeded, missing);
      seeded += Math.max(missing, 0);
      await db.query('VACUUM ANALYZE');
      console.log(
        `\n=== ${size.toLocaleString('en')} concept notes (seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s)`,
      );
      const reads = (
        await db.query<{ id: string }>(
          `SELECT id FROM concept_notes WHERE title NOT LIKE 'Endorsement benchmark%' ORDER BY md5(id::text) LIMIT 500`,
        )
      ).rows.map((r) => `/api/v1/concept-notes/${r.id}`);

      // Same statements, same answers.
      dataSource.setOptions({ logger: capture });
      const sent: Record<string, { sql: string; parameters: unknown[] }[]> = {};
      const compare = async (label: string, path: string, auth: string, init: RequestInit = {}) => {
        const request = (server: string) =>
          fetch(server + path, {
            ...init,
            headers: { authorization: `Bearer ${auth}`, 'content-type': 'application/json' },
          });
        capture.statements = [];
        const a = await request(ours);
        const ourBody = (await a.json()) as Record<string, unknown>;
        sent[label] = capture.statements;
        capture.statements = null;
        raw.record(true);
        const b = await request(raw.url);
        const rawBody = (await b.json()) as Record<string, unknown>;
        const rawStatements = raw.record(false);
        const ourStatements = sent[label].map((s) => normalize(s.sql));
        if (a.status !== 200 || b.status !== 200)
          throw new Error(`${label}: ours answered ${a.status}, raw ${b.status}`);
        // Compared as sets of statements: the list sends its page and its count at once.
        if (!isDeepStrictEqual([...ourStatements].sort(), rawStatements.map(normalize).sort())) {
          console.error({ ours: ourStatements, raw: rawStatements.map(normalize) });
          throw new Error(`${label}: the raw server does not send the statements ours sends`);
        }
        return { ourBody, rawBody, statements: ourStatements.length };
      };
      for (const [label, path] of [
        ['list', LIST],
        ['filtered list', FILTERED],
        ['read', reads[0]],
      ] as const) {
        const { ourBody, rawBody, statements } = await compare(label, path, secretariat);
        if (!isDeepStrictEqual(ourBody, rawBody))
          throw new Error(`${label}: the raw server answers otherwise`);
        const total = (ourBody as { total?: number }).total;
        console.log(
          `${label}: ${statements} statements, same SQL and same JSON from both${total === undefined ? '' : ` (total ${total})`}`,
        );
      }
      const [first, second] = await seedAwaiting(db, 2, `check-${size}`);
      const endorse = { method: 'POST', body: JSON.stringify({ decision: 'endorse' }) };
      const check = await (async () => {
        capture.statements = [];
        const a = await fetch(`${ours}/api/v1/concept-notes/${first}/endorsements`, {
          ...endorse,
          headers: { authorization: `Bearer ${rc}`, 'content-type': 'application/json' },
        });
        const ourStatements = capture.statements.map((s) => normalize(s.sql));
        capture.statements = null;
        raw.record(true);
        const b = await fetch(`${raw.url}/api/v1/concept-notes/${second}/endorsements`, {
          ...endorse,
          headers: { authorization: `Bearer ${rc}`, 'content-type': 'application/json' },
        });
        const rawStatements = raw.record(false).map(normalize);
        const bodies = [(await a.json()) as { status: string }, (await b.json()) as { status: string }];
        if (a.status !== 200 || b.status !== 200 || bodies.some((body) => body.status !== 'submitted'))
          throw new Error(`endorsement: ours answered ${a.status}, raw ${b.status}`);
        if (!isDeepStrictEqual(ourStatements, rawStatements)) {
          console.error({ ours: ourStatements, raw: rawStatements });
          throw new Error('endorsement: the raw server does not send the statements ours sends');
        }
        return ourStatements.length;
      })();
      console.log(`endorsement (submits the note): ${check} statements, same SQL from both`);
      dataSource.setOptions({ logger: original });

      if (size === Math.max(...SIZES)) await explain(db, sent);

      const scenarios: { name: string; paths: string[]; token: string }[] = [
        { name: 'list (secretariat, page 1, 20 a page)', paths: [LIST], token: secretariat },
        { name: 'filtered list (status + text)', paths: [FILTERED], token: secretariat },
        { name: 'note read (500 notes in turn)', paths: reads, token: secretariat },
      ];
      for (const scenario of scenarios) {
        const run = (server: string, seconds: number) => () =>
          load.run({
            base: server,
            paths: scenario.paths,
            token: scenario.token,
            seconds,
            connections: CONNECTIONS,
          });
        await run(ours, WARMUP_SECONDS)();
        await run(raw.url, WARMUP_SECONDS)();
        // Rounds in alternating order, so that a change in the machine's load weighs on both sides.
        const rounds: { ours: Measured[]; raw: Measured[] } = { ours: [], raw: [] };
        for (let round = 0; round < ROUNDS; round++) {
          const order = round % 2 === 0 ? (['ours', 'raw'] as const) : (['raw', 'ours'] as const);
          for (const side of order)
            rounds[side].push(await measured(run(side === 'ours' ? ours : raw.url, SECONDS)));
        }
        const pair: Pair = {
          scenario: scenario.name,
          size,
          ours: combine(rounds.ours),
          raw: combine(rounds.raw),
        };
        pairs.push(pair);
        print(pair);
      }

      // Writes: a fresh note per request, so every request endorses and submits.
      const writes = async (server: string, count: number, tag: string) => {
        const ids = await seedAwaiting(db, count, `${tag}-${size}`);
        await db.query('ANALYZE concept_notes, concept_note_revisions, endorsements');
        return measured(() =>
          load.run({
            base: server,
            paths: ids.map((id) => `/api/v1/concept-notes/${id}/endorsements`),
            once: true,
            method: 'POST',
            body: JSON.stringify({ decision: 'endorse' }),
            token: rc,
            seconds: 120,
            connections: CONNECTIONS,
          }),
        );
      };
      await writes(ours, 200, 'warm-ours');
      await writes(raw.url, 200, 'warm-raw');
      const pair: Pair = {
        scenario: 'endorsement that submits a note (fresh note each)',
        size,
        ours: await writes(ours, WRITES, 'ours'),
        raw: await writes(raw.url, WRITES, 'raw'),
      };
      pairs.push(pair);
      print(pair);
    }
  } finally {
    load.stop();
    await app.close();
    await raw.close();
    await db.end();
    await dropDatabase(NAME);
    await deleteQueueKeys(PREFIX);
  }

  console.log(
    `\nload average after: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  summarize(pairs);
}

function print({ scenario, size, ours, raw }: Pair): void {
  for (const [side, r] of [
    ['ours', ours],
    ['raw ', raw],
  ] as const) {
    if (r.non2xx || r.errors || r.timeouts)
      throw new Error(
        `${scenario}, ${side}: ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts`,
      );
  }
  const row = (r: Measured) =>
    `${r.requestsPerSecond.toFixed(0).padStart(6)} req/s  p50 ${String(r.p50).padStart(3)} ms  p99 ${String(r.p99).padStart(4)} ms  server CPU ${(r.cpuPerRequest / 1000).toFixed(2)} ms/request  (${r.requests} requests)`;
  console.log(`\n${scenario}, ${size.toLocaleString('en')} notes`);
  console.log(`  ours ${row(ours)}`);
  console.log(`  raw  ${row(raw)}`);
  console.log(
    `  ratio ours/raw: ${(ours.requestsPerSecond / raw.requestsPerSecond).toFixed(2)}  (goal ≥ 0.5)`,
  );
}

/** EXPLAIN (ANALYZE, BUFFERS) of the list statements as ours sent them, with their parameters. */
async function explain(db: Client, sent: Record<string, { sql: string; parameters: unknown[] }[]>) {
  const listStatements = (label: string) => sent[label].filter((s) => /FROM "concept_notes" "n"/.test(s.sql));
  for (const label of ['list', 'filtered list']) {
    for (const statement of listStatements(label)) {
      const plan = (
        await db.query<{ 'QUERY PLAN': string }>(
          `EXPLAIN (ANALYZE, BUFFERS) ${statement.sql}`,
          statement.parameters,
        )
      ).rows
        .map((r) => r['QUERY PLAN'])
        .join('\n');
      const what = /COUNT\(\*\)/.test(statement.sql) ? 'count' : 'page';
      const sequential = /Seq Scan on concept_notes/.test(plan);
      console.log(
        `\nEXPLAIN (ANALYZE, BUFFERS), ${label} ${what}, ${SIZES.at(-1)?.toLocaleString('en')} notes:`,
      );
      console.log(plan.replace(/^/gm, '  '));
      console.log(sequential ? '  → reads every note (sequential scan)' : '  → served by indexes');
    }
  }
}

function summarize(pairs: Pair[]): void {
  const ratio = (a: number, b: number) => Number((a / Math.max(b, 0.001)).toFixed(2));
  const figures = pairs.flatMap(({ scenario, size, ours, raw }) => {
    const name = `api ${scenario}, ${size.toLocaleString('en')} notes`;
    return [
      {
        name: `${name}: throughput`,
        value: Math.round(ours.requestsPerSecond),
        unit: 'req/s',
        baseline: Math.round(raw.requestsPerSecond),
        ratio: ratio(ours.requestsPerSecond, raw.requestsPerSecond),
        goal: '≥ 0.5 × raw',
      },
      {
        name: `${name}: p50`,
        value: ours.p50,
        unit: 'ms',
        baseline: raw.p50,
        ratio: ratio(ours.p50, raw.p50),
      },
      {
        name: `${name}: p99`,
        value: ours.p99,
        unit: 'ms',
        baseline: raw.p99,
        ratio: ratio(ours.p99, raw.p99),
      },
      {
        name: `${name}: server CPU per request`,
        value: Number((ours.cpuPerRequest / 1000).toFixed(2)),
        unit: 'ms',
        baseline: Number((raw.cpuPerRequest / 1000).toFixed(2)),
        ratio: ratio(ours.cpuPerRequest, raw.cpuPerRequest),
      },
    ];
  });
  const lists = pairs.filter((p) => p.scenario.startsWith('list'));
  const small = lists.find((p) => p.size === Math.min(...SIZES));
  const large = lists.find((p) => p.size === Math.max(...SIZES));
  if (small && large && small !== large) {
    figures.push({
      name: `api list p99 at ${large.size.toLocaleString('en')} notes ÷ at ${small.size.toLocaleString('en')}`,
      value: ratio(large.ours.p99, small.ours.p99),
      unit: '×',
      baseline: ratio(large.raw.p99, small.raw.p99),
      ratio: ratio(large.ours.p99 / small.ours.p99, large.raw.p99 / small.raw.p99),
      goal: '≤ 2',
    });
  }
  console.log('');
  record(figures);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
