import { InjectQueue, OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Job, Queue } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { runWithContext } from '../common/request-context';
import { EMAIL_QUEUE, EmailJobs, type DeliverEmailJob } from './notifications.queue';
import { NotificationsService } from './notifications.service';

/**
 * Delivers outbox rows, and every sweep interval re-enqueues rows left unsent. Sixteen at a time: a
 * delivery mostly waits (database, SMTP), and with four the five pooled SMTP connections sat idle
 * between messages (bench/email-drain.ts: 311 → 545 messages/s). Each job holds a database
 * connection only for its two short statements, and the SMTP pool still caps the connections at 5.
 */
@Processor(EMAIL_QUEUE, { concurrency: 16 })
export class NotificationsProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(NotificationsProcessor.name);

  constructor(
    private readonly notifications: NotificationsService,
    @InjectQueue(EMAIL_QUEUE) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.upsertJobScheduler(
      EmailJobs.sweep,
      { every: this.config.outboxSweepIntervalMs },
      { name: EmailJobs.sweep, opts: { removeOnComplete: true, removeOnFail: true } },
    );
    await this.notifications.sweep();
  }

  process(job: Job<Partial<DeliverEmailJob>>): Promise<unknown> {
    if (job.name === EmailJobs.sweep) return this.notifications.sweep();
    const { notificationId, requestId } = job.data;
    return runWithContext({ requestId: requestId ?? `job-${job.id}` }, () =>
      this.notifications.deliver(notificationId!),
    );
  }

  @OnWorkerEvent('failed')
  onFailed(job: Job | undefined, error: Error): void {
    this.logger.warn({ jobId: job?.id, attempt: job?.attemptsMade, err: error.message }, 'e-mail job failed');
  }
}
