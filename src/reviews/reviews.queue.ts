export const REVIEWS_QUEUE = 'reviews';

export const ReviewJobs = {
  /** Periodic: due-soon and overdue reminders to reviewers (each once per assignment and due date). */
  remindDue: 'remind-due',
} as const;
