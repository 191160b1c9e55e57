import { join } from 'node:path';
import { DataSourceOptions } from 'typeorm';
import { SnakeNamingStrategy } from 'typeorm-naming-strategies';
import type { AppConfig } from '../config/config';
import { ENTITIES } from './entities';

/** Compiled, migrations live in dist/migrations; under ts-node, in migrations/ at the root. */
const MIGRATIONS = __filename.endsWith('.js')
  ? join(__dirname, '..', 'migrations', '*.js')
  : join(__dirname, '..', '..', 'migrations', '*.ts');

export function dataSourceOptions(
  config: Pick<AppConfig, 'databaseUrl'> &
    Partial<Pick<AppConfig, 'databasePoolSize' | 'databasePoolTimeoutMs'>>,
): DataSourceOptions {
  return {
    type: 'postgres',
    url: config.databaseUrl,
    entities: ENTITIES,
    migrations: [MIGRATIONS],
    migrationsTableName: 'migrations',
    namingStrategy: new SnakeNamingStrategy(),
    uuidExtension: 'pgcrypto',
    synchronize: false,
    migrationsRun: false,
    // A request that waits longer than connectionTimeoutMillis for a connection answers 503.
    extra: {
      max: config.databasePoolSize ?? 10,
      connectionTimeoutMillis: config.databasePoolTimeoutMs ?? 10_000,
    },
  };
}
