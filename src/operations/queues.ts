import { MEETINGS_QUEUE } from '../meetings/meetings.queue';
import { EMAIL_QUEUE } from '../notifications/notifications.queue';

/** Every BullMQ queue of the system: the dashboard and the metrics list them all. */
export const ALL_QUEUES = [EMAIL_QUEUE, MEETINGS_QUEUE] as const;
