import { MEETINGS_QUEUE } from '../meetings/meetings.queue';
import { EMAIL_QUEUE } from '../notifications/notifications.queue';
import { PACKETS_QUEUE } from '../packets/packets.queue';
import { REVIEWS_QUEUE } from '../reviews/reviews.queue';

/** Every BullMQ queue of the system: the dashboard and the metrics list them all. */
export const ALL_QUEUES = [EMAIL_QUEUE, MEETINGS_QUEUE, REVIEWS_QUEUE, PACKETS_QUEUE] as const;
