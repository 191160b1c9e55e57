import { DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from './config/config';
import { CoreModule } from './core.module';
import { MeetingsModule } from './meetings/meetings.module';
import { MeetingsProcessor } from './meetings/meetings.processor';
import { NotificationsProcessor } from './notifications/notifications.processor';
import { PacketsModule } from './packets/packets.module';
import { PacketsProcessor } from './packets/packets.processor';
import { ReviewsModule } from './reviews/reviews.module';
import { ReviewsProcessor } from './reviews/reviews.processor';
import { StorageModule } from './storage/storage.module';

/** The worker: BullMQ processors only. Run as many replicas as the load needs. */
@Module({})
export class WorkerModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        CoreModule.register(config, 'worker'),
        StorageModule,
        MeetingsModule,
        ReviewsModule,
        PacketsModule,
      ],
      providers: [NotificationsProcessor, MeetingsProcessor, ReviewsProcessor, PacketsProcessor],
    };
  }
}
