import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, OnApplicationBootstrap } from '@nestjs/common';
import type { Job, Queue } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { ReviewJobs, REVIEWS_QUEUE } from './reviews.queue';
import { ReviewsService } from './reviews.service';

/** Reviewers' due-date reminders, every RECONCILE_INTERVAL. Provided by the worker only (see WorkerModule). */
@Processor(REVIEWS_QUEUE)
export class ReviewsProcessor extends WorkerHost implements OnApplicationBootstrap {
  constructor(
    private readonly reviews: ReviewsService,
    @InjectQueue(REVIEWS_QUEUE) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.upsertJobScheduler(
      ReviewJobs.remindDue,
      { every: this.config.reconcileIntervalMs },
      { name: ReviewJobs.remindDue, opts: { removeOnComplete: true, removeOnFail: true } },
    );
  }

  process(job: Job): Promise<unknown> {
    switch (job.name) {
      case ReviewJobs.remindDue:
        return this.reviews.remindDue();
      default:
        throw new Error(`Unknown job ${job.name}`);
    }
  }
}
