import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { Client } from 'pg';
import { adminDatabaseUrl, databaseUrl, isStale, TEST_DATABASE_PREFIX } from './test-env';
import { ensureWebBuilt } from './web-build';

/**
 * Migrates a template database once per run; each test file copies it (CREATE DATABASE … TEMPLATE).
 * Databases left by runs whose process is gone are dropped; those of a run still going are kept.
 * The web application is built first when its sources changed, for the browser tests.
 */
export default async function globalSetup(): Promise<void> {
  ensureWebBuilt();
  const template = `${TEST_DATABASE_PREFIX}tpl_${process.pid}_${randomBytes(3).toString('hex')}`;
  process.env.MPTF_TEST_TEMPLATE = template;
  const client = new Client({ connectionString: adminDatabaseUrl() });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname LIKE $1`,
      [`${TEST_DATABASE_PREFIX}%`],
    );
    for (const { datname } of rows.filter((row) => isStale(row.datname))) {
      await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
    await client.query(`CREATE DATABASE "${template}"`);
  } finally {
    await client.end();
  }
  execFileSync('npx', ['typeorm-ts-node-commonjs', '-d', 'src/database/data-source.ts', 'migration:run'], {
    env: { ...process.env, DATABASE_URL: databaseUrl(template), TS_NODE_TRANSPILE_ONLY: 'true' },
    stdio: 'ignore',
  });
}
