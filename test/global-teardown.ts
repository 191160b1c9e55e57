import { Client } from 'pg';
import { adminDatabaseUrl, TEMPLATE_DATABASE } from './test-env';

export default async function globalTeardown(): Promise<void> {
  const client = new Client({ connectionString: adminDatabaseUrl() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${TEMPLATE_DATABASE}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
