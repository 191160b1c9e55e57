import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Test } from '@nestjs/testing';
import type { INestApplicationContext } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { hash } from 'argon2';
import Redis from 'ioredis';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { AppModule } from '../src/app.module';
import { configureApp, createFastifyAdapter } from '../src/app';
import type { Role } from '../src/common/auth/roles';
import { Clock } from '../src/common/clock';
import { loadConfig, type AppConfig } from '../src/config/config';
import { User } from '../src/users/user.entity';
import { ARGON2_OPTIONS } from '../src/users/users.service';
import { WorkerModule } from '../src/worker.module';
import { SmtpReceiver } from './smtp-receiver';
import { adminDatabaseUrl, databaseUrl, REDIS_URL, templateDatabase, TEST_DATABASE_PREFIX } from './test-env';

export const TEST_PASSWORD = 'correct horse battery staple';
export const TEST_JWT_SECRET = 'test-secret-that-is-long-enough-for-hs256';

/** A clock the tests move by hand. */
export class TestClock extends Clock {
  constructor(private current = new Date()) {
    super();
  }
  now(): Date {
    return new Date(this.current);
  }
  set(instant: Date | string): void {
    this.current = new Date(instant);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

/** A database of its own, copied from the migrated template, for one test file. */
export async function createTestDatabase(): Promise<{
  name: string;
  url: string;
  drop: () => Promise<void>;
}> {
  const name = `${TEST_DATABASE_PREFIX}${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: adminDatabaseUrl() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${templateDatabase()}"`);
  } finally {
    await admin.end();
  }
  return {
    name,
    url: databaseUrl(name),
    drop: async () => {
      const client = new Client({ connectionString: adminDatabaseUrl() });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

export interface TestSystemOptions {
  env?: Record<string, string>;
  worker?: boolean;
  api?: boolean;
  smtp?: SmtpReceiver;
  clock?: Clock;
}

export interface TestSystem {
  config: AppConfig;
  app: NestFastifyApplication;
  worker?: INestApplicationContext;
  smtp: SmtpReceiver;
  dataSource: DataSource;
  startWorker(): Promise<INestApplicationContext>;
  stopWorker(): Promise<void>;
  close(): Promise<void>;
}

export function testConfig(env: Record<string, string>): AppConfig {
  return loadConfig({
    NODE_ENV: 'test',
    JWT_SECRET: TEST_JWT_SECRET,
    REDIS_URL,
    LOG_LEVEL: 'silent',
    PUBLIC_URL: 'http://mptf.test',
    OUTBOX_SWEEP_INTERVAL: 'PT1S',
    MAIL_RETRY_DELAY: 'PT0.2S',
    // The API alone; the browser tests serve the built web application (WEB_DIST).
    WEB_DIR: '/nonexistent-web-dist',
    ...env,
  });
}

/**
 * The whole system for one test file: its own database and BullMQ prefix, a real SMTP receiver,
 * the API through configureApp, and (on request) the worker in the same process.
 */
export async function startTestSystem(options: TestSystemOptions = {}): Promise<TestSystem> {
  const database = await createTestDatabase();
  const smtp = options.smtp ?? (await new SmtpReceiver().start());
  const prefix = `test-${randomBytes(5).toString('hex')}`;
  // Attachments and packets of this system only, removed with it.
  const storageDir = join(tmpdir(), `mptf-storage-${prefix}`);
  const config = testConfig({
    DATABASE_URL: database.url,
    QUEUE_PREFIX: prefix,
    SMTP_URL: smtp.url,
    STORAGE_DIR: storageDir,
    ...options.env,
  });

  const builder = Test.createTestingModule({ imports: [AppModule.register(config)] });
  // Tests that pin time replace the application clock everywhere it is injected.
  if (options.clock) builder.overrideProvider(Clock).useValue(options.clock);
  const moduleRef = await builder.compile();
  const apiModule = moduleRef.createNestApplication<NestFastifyApplication>(createFastifyAdapter(config), {
    logger: false,
    abortOnError: false,
  });
  const app = await configureApp(apiModule, config);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();

  const system: TestSystem = {
    config,
    app,
    smtp,
    dataSource: app.get(DataSource),
    async startWorker() {
      const builder = Test.createTestingModule({ imports: [WorkerModule.register(config)] });
      if (options.clock) builder.overrideProvider(Clock).useValue(options.clock);
      const worker = await builder.compile();
      await worker.init();
      system.worker = worker;
      return worker;
    },
    async stopWorker() {
      await system.worker?.close();
      system.worker = undefined;
    },
    async close() {
      await system.stopWorker();
      await app.close();
      if (!options.smtp) await smtp.stop();
      await database.drop();
      await deleteQueueKeys(prefix);
      await rm(storageDir, { recursive: true, force: true });
    },
  };
  if (options.worker) await system.startWorker();
  return system;
}

async function deleteQueueKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } catch {
    // Redis already gone (a test that stopped its own instance): nothing to clean.
  } finally {
    redis.disconnect();
  }
}

let sequence = 0;

/** A user straight in the database, with a password, for tests that are not about invitations. */
export async function createUser(
  system: TestSystem,
  fields: Partial<
    Pick<
      User,
      'name' | 'organizationCode' | 'countryCodes' | 'thematicAreaCodes' | 'locale' | 'timeZone' | 'active'
    >
  > & {
    roles: Role[];
    email?: string;
    password?: string;
  },
): Promise<User & { password: string }> {
  sequence += 1;
  const password = fields.password ?? TEST_PASSWORD;
  const repository = system.dataSource.getRepository(User);
  const user = await repository.save(
    repository.create({
      email: fields.email ?? `user${sequence}-${randomBytes(3).toString('hex')}@test.mptf.org`,
      name: fields.name ?? `Test User ${sequence}`,
      roles: fields.roles,
      organizationCode: fields.organizationCode ?? null,
      countryCodes: fields.countryCodes ?? [],
      thematicAreaCodes: fields.thematicAreaCodes ?? [],
      locale: fields.locale ?? 'en',
      timeZone: fields.timeZone ?? 'UTC',
      active: fields.active ?? true,
      passwordHash: await hash(password, ARGON2_OPTIONS),
    }),
  );
  return Object.assign(user, { password });
}

export interface HttpAnswer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are read field by field in tests
  body: any;
  headers: Record<string, string | string[] | undefined>;
  raw: Buffer;
}

/** Sends a request through Fastify's inject (the whole HTTP stack, no socket). */
export async function http(
  system: TestSystem,
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
  url: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<HttpAnswer> {
  const response = await system.app.inject({
    method,
    url,
    headers: {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...options.headers,
    },
    payload:
      options.body === undefined
        ? undefined
        : typeof options.body === 'string'
          ? options.body
          : JSON.stringify(options.body),
  });
  const type = String(response.headers['content-type'] ?? '');
  return {
    status: response.statusCode,
    body: type.includes('json') && response.body ? JSON.parse(response.body) : response.body,
    headers: response.headers as HttpAnswer['headers'],
    raw: response.rawPayload,
  };
}

let clientAddress = 0;

/**
 * Signs a user in through the real endpoint. Each sign-in comes from its own client address, so a
 * test with many users does not run into the per-address sign-in limit (tests of that limit send
 * their own requests).
 */
export async function signIn(system: TestSystem, user: { email: string; password: string }): Promise<string> {
  clientAddress += 1;
  const response = await system.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    remoteAddress: `127.1.${Math.floor(clientAddress / 250) % 250}.${(clientAddress % 250) + 1}`,
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify({ email: user.email, password: user.password }),
  });
  if (response.statusCode !== 200) throw new Error(`sign-in failed: ${response.statusCode} ${response.body}`);
  return (JSON.parse(response.body) as { accessToken: string }).accessToken;
}

/** A user of the given roles, signed in. */
export async function actor(
  system: TestSystem,
  roles: Role[],
  fields: Parameters<typeof createUser>[1] extends infer F ? Partial<F> : never = {},
) {
  const user = await createUser(system, { ...fields, roles });
  return { user, token: await signIn(system, user) };
}
