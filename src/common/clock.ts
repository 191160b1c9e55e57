/** The application clock. Rules take time from it, never from `new Date()`, so tests can pin it. */
export abstract class Clock {
  abstract now(): Date;
}

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}
