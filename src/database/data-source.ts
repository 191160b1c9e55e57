import { DataSource } from 'typeorm';
import { databaseUrlFromEnvironment } from '../config/config';
import { dataSourceOptions } from './options';

/** The data source of the TypeORM CLI (migration:run, migration:generate) and of the scripts. */
export default new DataSource(dataSourceOptions({ databaseUrl: databaseUrlFromEnvironment() }));
