/* What the benchmarks share: a migrated database of their own, and cleaning up after themselves. */
import { execFileSync } from 'node:child_process';
import Redis from 'ioredis';
import { Client } from 'pg';

export const BASE_DATABASE_URL = new URL(
  process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
);
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

async function admin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: new URL('/postgres', BASE_DATABASE_URL).toString() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A fresh database named `name`, migrated by the TypeORM CLI as a deployment does; returns its URL. */
export async function migratedDatabase(name: string): Promise<string> {
  await admin(async (db) => {
    await db.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await db.query(`CREATE DATABASE "${name}"`);
  });
  const url = new URL(`/${name}`, BASE_DATABASE_URL).toString();
  execFileSync('npx', ['typeorm-ts-node-commonjs', '-d', 'src/database/data-source.ts', 'migration:run'], {
    env: { ...process.env, DATABASE_URL: url, TS_NODE_TRANSPILE_ONLY: 'true' },
    stdio: 'ignore',
  });
  return url;
}

export async function dropDatabase(name: string): Promise<void> {
  await admin((db) => db.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}

/** Deletes the Redis keys of a BullMQ prefix (queues, jobs, rate-limit counters). */
export async function deleteQueueKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
