import { DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from './config/config';
import { CoreModule } from './core.module';
import { MeetingsModule } from './meetings/meetings.module';
import { MeetingsProcessor } from './meetings/meetings.processor';
import { NotificationsProcessor } from './notifications/notifications.processor';
import { ReviewsModule } from './reviews/reviews.module';
import { ReviewsProcessor } from './reviews/reviews.processor';
import { StorageModule } from './storage/storage.module';

/** The worker: BullMQ processors only. Run as many replicas as the load needs. */
@Module({})
export class WorkerModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [CoreModule.register(config, 'worker'), StorageModule, MeetingsModule, ReviewsModule],
      providers: [NotificationsProcessor, MeetingsProcessor, ReviewsProcessor],
    };
  }
}
