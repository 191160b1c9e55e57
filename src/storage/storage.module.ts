import { Global, Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { LocalDiskStorage, Storage } from './storage';

@Global()
@Module({
  providers: [
    { provide: Storage, inject: [APP_CONFIG], useFactory: (config: AppConfig) => new LocalDiskStorage(config.storageDir) },
  ],
  exports: [Storage],
})
export class StorageModule {}
