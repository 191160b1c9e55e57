import type { JobsOptions } from 'bullmq';

export const PACKETS_QUEUE = 'packets';

export const PacketJobs = { render: 'render-packet', automatic: 'automatic-packets' } as const;

export interface RenderPacketJob {
  packetId: string;
  requestId?: string;
}

/** One job per packet version: a retry or a duplicate add collapses into it. */
export const renderJobId = (packetId: string) => `packet-${packetId}`;

/**
 * The job that takes over a render abandoned by a dead worker: one per abandoned claim (its start
 * instant), so sweeps on several replicas, or one sweep after another, add it once.
 */
export const takeoverJobId = (packetId: string, renderingStartedAt: Date | null) =>
  `packet-${packetId}-takeover-${renderingStartedAt?.getTime() ?? 0}`;

export function renderJobOptions(packetId: string, jobId = renderJobId(packetId)): JobsOptions {
  return {
    jobId,
    attempts: 3,
    backoff: { type: 'exponential', delay: 2000 },
    removeOnComplete: { age: 3 * 24 * 3600 },
    removeOnFail: { age: 7 * 24 * 3600 },
  };
}
