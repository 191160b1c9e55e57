import { Processor, type WorkerHost } from '@nestjs/bullmq';
// The metadata keys of @Processor, to re-read a processor's own worker options (not re-exported at the top).
import { PROCESSOR_METADATA, WORKER_METADATA } from '@nestjs/bullmq/dist/bull.constants';
import { DynamicModule, Module, type Provider, type Type } from '@nestjs/common';
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
      providers: [NotificationsProcessor, MeetingsProcessor, ReviewsProcessor, PacketsProcessor].map((p) =>
        withLockSettings(p, config),
      ),
    };
  }
}

/**
 * A processor whose BullMQ worker also gets the configured lock duration and stalled-job interval
 * (a decorator cannot read the configuration): a subclass carrying its `@Processor` options plus
 * those, made per `register`, so two configurations in one process do not share settings.
 */
function withLockSettings(processor: Type<Pick<WorkerHost, 'process'>>, config: AppConfig): Provider {
  const queue = Reflect.getMetadata(PROCESSOR_METADATA, processor) as { name: string };
  const own = (Reflect.getMetadata(WORKER_METADATA, processor) ?? {}) as object;
  const Configured = class extends processor {};
  Object.defineProperty(Configured, 'name', { value: processor.name });
  Processor(queue, {
    ...own,
    lockDuration: config.worker.lockDurationMs,
    stalledInterval: config.worker.stalledIntervalMs,
  })(Configured);
  return { provide: processor, useClass: Configured };
}
