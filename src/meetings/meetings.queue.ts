import type { JobsOptions } from 'bullmq';

export const MEETINGS_QUEUE = 'meetings';

export const MeetingJobs = {
  closeAgenda: 'close-agenda',
  reminder: 'cutoff-reminder',
  markHeld: 'mark-held',
  reconcile: 'reconcile',
} as const;

export interface CloseAgendaJob {
  meetingId: string;
  /** The cut-off this job was made for; a rescheduled meeting's old jobs find a different one and do nothing. */
  cutoffMs: number;
}

export interface ReminderJob extends CloseAgendaJob {
  /** ISO-8601 offset before the cut-off (P7D). */
  offset: string;
}

export interface MarkHeldJob {
  meetingId: string;
  startsMs: number;
}

/**
 * Deterministic ids, derived from the meeting and its current cut-off (epoch milliseconds; BullMQ
 * forbids `:`), so a duplicate collapses and a reschedule makes new ones.
 */
export const MeetingJobIds = {
  closeAgenda: (job: CloseAgendaJob) => `cutoff-${job.meetingId}-${job.cutoffMs}`,
  reminder: (job: ReminderJob) => `reminder-${job.meetingId}-${job.cutoffMs}-${job.offset}`,
  markHeld: (job: MarkHeldJob) => `held-${job.meetingId}-${job.startsMs}`,
};

export function delayedJob(jobId: string, delayMs: number): JobsOptions {
  return {
    jobId,
    delay: Math.max(0, delayMs),
    attempts: 5,
    backoff: { type: 'exponential', delay: 1000 },
    // Kept a few days: re-adding the id of a job that already ran is then a no-op, so the
    // reconciliation does not run a reminder again (the outbox's dedupe key would stop it anyway).
    removeOnComplete: { age: 3 * 24 * 3600 },
    removeOnFail: { age: 7 * 24 * 3600 },
  };
}
