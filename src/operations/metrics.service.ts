import { getQueueToken } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Queue } from 'bullmq';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { NotificationsService } from '../notifications/notifications.service';
import { within } from './health.service';
import { ALL_QUEUES } from './queues';

const JOB_STATES = ['waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized'] as const;

/** Prometheus metrics: process defaults, HTTP latency, queue depths and the outbox backlog. */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  readonly httpErrors: Counter<'status'>;

  constructor(moduleRef: ModuleRef, notifications: NotificationsService) {
    collectDefaultMetrics({ register: this.registry, prefix: 'mptf_' });
    this.httpDuration = new Histogram({
      name: 'mptf_http_request_duration_seconds',
      help: 'HTTP request duration by route',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [this.registry],
    });
    this.httpErrors = new Counter({
      name: 'mptf_http_server_errors_total',
      help: 'HTTP answers with a 5xx status',
      labelNames: ['status'],
      registers: [this.registry],
    });
    const queues = ALL_QUEUES.map((name) => moduleRef.get<Queue>(getQueueToken(name), { strict: false }));
    new Gauge({
      name: 'mptf_queue_jobs',
      help: 'Jobs per queue and state',
      labelNames: ['queue', 'state'],
      registers: [this.registry],
      async collect() {
        for (const queue of queues) {
          try {
            const counts = await within(queue.getJobCounts(...JOB_STATES), 1000);
            for (const state of JOB_STATES) this.set({ queue: queue.name, state }, counts[state] ?? 0);
          } catch {
            // Redis unreachable: the depth is unknown rather than zero.
          }
        }
      },
    });
    new Gauge({
      name: 'mptf_outbox_backlog',
      help: 'E-mails in the outbox not sent yet, by status',
      labelNames: ['status'],
      registers: [this.registry],
      async collect() {
        const backlog = await notifications.backlog();
        for (const status of ['pending', 'sending', 'failed']) this.set({ status }, backlog[status] ?? 0);
      },
    });
  }
}
