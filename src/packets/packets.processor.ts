import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, OnApplicationBootstrap } from '@nestjs/common';
import type { Job, Queue } from 'bullmq';
import { runWithContext } from '../common/request-context';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { PACKETS_QUEUE, PacketJobs, type RenderPacketJob } from './packets.queue';
import { PacketsService } from './packets.service';

/** Renders packets, one at a time per worker (bounded memory), and issues the automatic ones. */
@Processor(PACKETS_QUEUE, { concurrency: 1 })
export class PacketsProcessor extends WorkerHost implements OnApplicationBootstrap {
  constructor(
    private readonly packets: PacketsService,
    @InjectQueue(PACKETS_QUEUE) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.upsertJobScheduler(
      PacketJobs.automatic,
      { every: this.config.reconcileIntervalMs },
      { name: PacketJobs.automatic, opts: { removeOnComplete: true, removeOnFail: true } },
    );
  }

  process(job: Job<RenderPacketJob>): Promise<unknown> {
    if (job.name === PacketJobs.automatic) return this.packets.automatic();
    return runWithContext({ requestId: job.data.requestId ?? `job-${job.id}` }, () =>
      this.packets.render(job.data.packetId),
    );
  }
}
