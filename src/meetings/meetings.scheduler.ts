import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { Clock } from '../common/clock';
import { APP_CONFIG, type AppConfig } from '../config/config';
import type { Meeting } from './meeting.entity';
import { reminders } from './meeting.rules';
import { delayedJob, MeetingJobIds, MeetingJobs, MEETINGS_QUEUE } from './meetings.queue';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Puts a meeting's jobs on the queue: closing the agenda at the cut-off, the reminders before it,
 * and marking it held a day after its start. Ids are deterministic, so adding twice is harmless;
 * the reconciliation in the worker calls this for every meeting, which re-creates whatever Redis lost.
 */
@Injectable()
export class MeetingScheduler {
  private readonly logger = new Logger(MeetingScheduler.name);

  constructor(
    @InjectQueue(MEETINGS_QUEUE) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  /** The jobs a meeting should have now. */
  jobsFor(meeting: Meeting) {
    const now = this.clock.now().getTime();
    const cutoffMs = meeting.cutoffAt.getTime();
    const jobs: { name: string; data: object; opts: ReturnType<typeof delayedJob> }[] = [];
    if (meeting.status === 'scheduled') {
      const close = { meetingId: meeting.id, cutoffMs };
      jobs.push({
        name: MeetingJobs.closeAgenda,
        data: close,
        opts: delayedJob(MeetingJobIds.closeAgenda(close), cutoffMs - now),
      });
      for (const reminder of reminders(meeting.cutoffAt, this.config.cutoffReminderOffsets)) {
        if (reminder.at.getTime() <= now - DAY_MS) continue;
        const data = { ...close, offset: reminder.offset };
        jobs.push({
          name: MeetingJobs.reminder,
          data,
          opts: delayedJob(MeetingJobIds.reminder(data), reminder.at.getTime() - now),
        });
      }
    }
    if (meeting.status === 'scheduled' || meeting.status === 'agenda_closed') {
      const held = { meetingId: meeting.id, startsMs: meeting.startsAt.getTime() };
      jobs.push({
        name: MeetingJobs.markHeld,
        data: held,
        opts: delayedJob(MeetingJobIds.markHeld(held), held.startsMs + DAY_MS - now),
      });
    }
    return jobs;
  }

  /** Best effort: with Redis away, the reconciliation schedules them once it is back. */
  async schedule(meeting: Meeting, previous?: { cutoffAt: Date; startsAt: Date }): Promise<void> {
    try {
      if (previous) await this.unschedule(meeting.id, previous);
      const jobs = this.jobsFor(meeting);
      if (jobs.length) await this.queue.addBulk(jobs);
    } catch (error) {
      this.logger.warn(
        { err: (error as Error).message, meetingId: meeting.id },
        'could not schedule meeting jobs now; the reconciliation will',
      );
    }
  }

  /** Removes the jobs made for an earlier cut-off and start (their handlers would skip them anyway). */
  private async unschedule(meetingId: string, previous: { cutoffAt: Date; startsAt: Date }): Promise<void> {
    const cutoffMs = previous.cutoffAt.getTime();
    const ids = [
      MeetingJobIds.closeAgenda({ meetingId, cutoffMs }),
      ...this.config.cutoffReminderOffsets.map((o) =>
        MeetingJobIds.reminder({ meetingId, cutoffMs, offset: o.toISO() ?? '' }),
      ),
      MeetingJobIds.markHeld({ meetingId, startsMs: previous.startsAt.getTime() }),
    ];
    await Promise.all(ids.map((id) => this.queue.remove(id)));
  }
}
