import { execFileSync } from 'node:child_process';
import { Client } from 'pg';
import { adminDatabaseUrl, databaseUrl, TEMPLATE_DATABASE, TEST_DATABASE_PREFIX } from './test-env';

/** Migrates a template database once; each test file copies it (CREATE DATABASE … TEMPLATE). */
export default async function globalSetup(): Promise<void> {
  const client = new Client({ connectionString: adminDatabaseUrl() });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname LIKE $1`,
      [`${TEST_DATABASE_PREFIX}%`],
    );
    for (const { datname } of rows) {
      await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
    await client.query(`CREATE DATABASE "${TEMPLATE_DATABASE}"`);
  } finally {
    await client.end();
  }
  execFileSync('npx', ['typeorm-ts-node-commonjs', '-d', 'src/database/data-source.ts', 'migration:run'], {
    env: { ...process.env, DATABASE_URL: databaseUrl(TEMPLATE_DATABASE), TS_NODE_TRANSPILE_ONLY: 'true' },
    stdio: 'ignore',
  });
}
