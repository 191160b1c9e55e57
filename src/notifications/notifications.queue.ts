import type { JobsOptions } from 'bullmq';

export const EMAIL_QUEUE = 'email';

export const EmailJobs = {
  deliver: 'deliver',
  sweep: 'sweep-outbox',
} as const;

export interface DeliverEmailJob {
  notificationId: string;
  requestId?: string;
}

/** One job id per notification: a retry, a sweep or a duplicate add collapses into the same job. */
export const deliverJobId = (notificationId: string) => `email-${notificationId}`;

export function deliverJobOptions(
  notificationId: string,
  retryDelayMs: number,
  maxAttempts: number,
): JobsOptions {
  return {
    jobId: deliverJobId(notificationId),
    attempts: maxAttempts,
    backoff: { type: 'exponential', delay: retryDelayMs },
    removeOnComplete: true,
    removeOnFail: true,
  };
}
