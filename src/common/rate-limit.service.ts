import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import Redis from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { redisOptions } from '../config/redis';
import { AuditService } from '../audit/audit.service';
import { DomainError } from './errors';

/** Fixed windows: the cost of a check does not grow with traffic. */
const BUCKETS = {
  /** Every sign-in attempt, per client address. */
  signInIp: { points: 30, duration: 60 },
  /** Failed sign-ins per account: the sixth failure in 15 minutes locks the account for that window. */
  signInFailures: { points: 5, duration: 15 * 60 },
  /** Accepting invitations, per client address. */
  invitationAccept: { points: 10, duration: 60 },
  /** Asking for a password-reset link, per client address. */
  passwordResetIp: { points: 10, duration: 60 * 60 },
  /** Asking for a password-reset link, per e-mail address: a mailbox gets at most three an hour. */
  passwordResetEmail: { points: 3, duration: 60 * 60 },
  /** Sending invitations, per signed-in user. */
  invitationSend: { points: 60, duration: 60 * 60 },
} as const;
export type Bucket = keyof typeof BUCKETS;

/**
 * Rate limits kept in Redis (shared by every API replica). Should Redis be unreachable, each
 * replica falls back to an in-memory limiter of the same shape rather than refusing sign-ins.
 */
@Injectable()
export class RateLimitService implements OnModuleDestroy {
  private readonly redis: Redis;
  private readonly limiters: Record<Bucket, RateLimiterRedis>;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly audit: AuditService,
  ) {
    this.redis = new Redis({
      ...redisOptions(config.redisUrl),
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      lazyConnect: false,
    });
    this.redis.on('error', () => undefined);
    this.limiters = Object.fromEntries(
      Object.entries(BUCKETS).map(([name, shape]) => [
        name,
        new RateLimiterRedis({
          storeClient: this.redis,
          keyPrefix: `${config.queuePrefix}-rl-${name}`,
          ...shape,
          insuranceLimiter: new RateLimiterMemory({ keyPrefix: `rl-${name}`, ...shape }),
        }),
      ]),
    ) as Record<Bucket, RateLimiterRedis>;
  }

  /** Counts one attempt; throws 429 once the bucket is empty. */
  async consume(bucket: Bucket, key: string): Promise<void> {
    try {
      await this.limiters[bucket].consume(key);
    } catch (result) {
      if (result instanceof RateLimiterRes) {
        await this.audit.security('rate_limited', { detail: `${bucket} ${key}` });
        throw rateLimited(Math.ceil(result.msBeforeNext / 1000));
      }
      throw result;
    }
  }

  /** Throws 429 if the bucket is already empty, without counting. */
  async check(bucket: Bucket, key: string): Promise<void> {
    const state = await this.limiters[bucket].get(key).catch(() => null);
    if (state && state.consumedPoints >= BUCKETS[bucket].points) {
      await this.audit.security('rate_limited', { detail: `${bucket} ${key}` });
      throw rateLimited(Math.ceil(state.msBeforeNext / 1000));
    }
  }

  async reset(bucket: Bucket, key: string): Promise<void> {
    await this.limiters[bucket].delete(key).catch(() => undefined);
  }

  onModuleDestroy(): void {
    this.redis.disconnect();
  }
}

function rateLimited(retryAfterSeconds: number): DomainError {
  return new DomainError(
    'RATE_LIMITED',
    429,
    `Too many attempts; try again in ${retryAfterSeconds} seconds`,
    undefined,
    {
      retryAfterSeconds,
    },
  );
}
