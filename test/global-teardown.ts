import { Client } from 'pg';
import { adminDatabaseUrl, templateDatabase } from './test-env';

export default async function globalTeardown(): Promise<void> {
  const client = new Client({ connectionString: adminDatabaseUrl() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${templateDatabase()}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
