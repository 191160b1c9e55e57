import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, OnApplicationBootstrap } from '@nestjs/common';
import type { Job, Queue } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { CutoffService } from './cutoff.service';
import {
  MeetingJobs,
  MEETINGS_QUEUE,
  type CloseAgendaJob,
  type MarkHeldJob,
  type ReminderJob,
} from './meetings.queue';

/** Cut-offs, reminders, held marks, and the periodic reconciliation from PostgreSQL. */
@Processor(MEETINGS_QUEUE, { concurrency: 2 })
export class MeetingsProcessor extends WorkerHost implements OnApplicationBootstrap {
  constructor(
    private readonly cutoffs: CutoffService,
    @InjectQueue(MEETINGS_QUEUE) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.upsertJobScheduler(
      MeetingJobs.reconcile,
      { every: this.config.reconcileIntervalMs },
      { name: MeetingJobs.reconcile, opts: { removeOnComplete: true, removeOnFail: true } },
    );
    await this.cutoffs.reconcile();
  }

  process(job: Job): Promise<unknown> {
    switch (job.name) {
      case MeetingJobs.closeAgenda: {
        const { meetingId, cutoffMs } = job.data as CloseAgendaJob;
        return this.cutoffs.closeAgenda(meetingId, cutoffMs);
      }
      case MeetingJobs.reminder: {
        const { meetingId, cutoffMs, offset } = job.data as ReminderJob;
        return this.cutoffs.remind(meetingId, cutoffMs, offset);
      }
      case MeetingJobs.markHeld: {
        const { meetingId, startsMs } = job.data as MarkHeldJob;
        return this.cutoffs.markHeldIfDue(meetingId, startsMs);
      }
      case MeetingJobs.reconcile:
        return this.cutoffs.reconcile();
      default:
        throw new Error(`Unknown job ${job.name}`);
    }
  }
}
