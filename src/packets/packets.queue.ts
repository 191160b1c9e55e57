import type { JobsOptions } from 'bullmq';

export const PACKETS_QUEUE = 'packets';

export const PacketJobs = { render: 'render-packet', automatic: 'automatic-packets' } as const;

export interface RenderPacketJob {
  packetId: string;
  requestId?: string;
}

/** One job per packet version: a retry or a duplicate add collapses into it. */
export const renderJobId = (packetId: string) => `packet-${packetId}`;

export function renderJobOptions(packetId: string): JobsOptions {
  return {
    jobId: renderJobId(packetId),
    attempts: 3,
    backoff: { type: 'exponential', delay: 2000 },
    removeOnComplete: { age: 3 * 24 * 3600 },
    removeOnFail: { age: 7 * 24 * 3600 },
  };
}
