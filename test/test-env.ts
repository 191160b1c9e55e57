/* Where the tests find PostgreSQL and Redis: the machine's own, unless DATABASE_URL / REDIS_URL say otherwise. */
export const BASE_DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const TEMPLATE_DATABASE = 'mptf_test_template';
export const TEST_DATABASE_PREFIX = 'mptf_test_';

export function databaseUrl(name: string): string {
  if (!name.startsWith(TEST_DATABASE_PREFIX)) {
    throw new Error(`Refusing to use database "${name}": test databases are named ${TEST_DATABASE_PREFIX}*`);
  }
  const url = new URL(BASE_DATABASE_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export function adminDatabaseUrl(): string {
  const url = new URL(BASE_DATABASE_URL);
  url.pathname = '/postgres';
  return url.toString();
}
