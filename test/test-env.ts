/* Where the tests find PostgreSQL and Redis: the machine's own, unless DATABASE_URL / REDIS_URL say otherwise. */
export const BASE_DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const TEST_DATABASE_PREFIX = 'mptf_test_';

/** The migrated template of this Jest run (named by global setup, which Jest runs before the workers start). */
export function templateDatabase(): string {
  const name = process.env.MPTF_TEST_TEMPLATE;
  if (!name) throw new Error('MPTF_TEST_TEMPLATE is not set: run the tests through Jest (global setup)');
  return name;
}

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

/** The process that made a test database is part of its name; a database whose process is gone is stale. */
export function isStale(name: string): boolean {
  const pid = Number(/^mptf_test_(?:tpl_)?(\d+)_/.exec(name)?.[1]);
  if (!pid) return true;
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
}
