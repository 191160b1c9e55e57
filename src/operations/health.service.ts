import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { EMAIL_QUEUE } from '../notifications/notifications.queue';

export type CheckState = 'up' | 'down';

export async function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

@Injectable()
export class HealthService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectQueue(EMAIL_QUEUE) private readonly queue: Queue,
  ) {}

  async postgres(): Promise<CheckState> {
    try {
      await within(this.dataSource.query('SELECT 1'), 2000);
      return 'up';
    } catch {
      return 'down';
    }
  }

  async redis(): Promise<CheckState> {
    try {
      await within(this.queue.getJobCounts('waiting'), 1000);
      return 'up';
    } catch {
      return 'down';
    }
  }
}
