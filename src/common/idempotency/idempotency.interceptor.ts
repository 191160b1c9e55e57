import { CallHandler, ExecutionContext, Injectable, Logger, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyReply } from 'fastify';
import { catchError, from, mergeMap, Observable, of, switchMap, throwError } from 'rxjs';
import { DataSource } from 'typeorm';
import type { AuthenticatedRequest } from '../auth/decorators';
import { Clock } from '../clock';
import { canonicalHash } from '../canonical-json';
import { IdempotencyRecord } from './idempotency-record.entity';
import { IdempotencyErrors } from './idempotency.errors';
import { IDEMPOTENT } from './idempotent.decorator';

/** How long a key is remembered; an older record is ignored and taken over by the next request. */
export const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;
const KEY = /^[\x21-\x7E]{1,200}$/;
/** The response headers a replay repeats (when the first answer set them). */
const REPLAYED_HEADERS = ['location', 'etag', 'content-type'] as const;
/** Attempts to claim a key whose record vanishes between our INSERT and our SELECT (a failed request released it). */
const CLAIM_ATTEMPTS = 3;

interface Claim {
  userId: string;
  key: string;
  method: string;
  path: string;
  requestHash: string;
}

/**
 * `Idempotency-Key` for routes marked @Idempotent(), when the request carries the header (without
 * it the request runs as usual). The first request claims (user, key) with an `in_progress` row;
 * on success its status, replayable headers and body are stored and the row is `completed`; on
 * failure the row is deleted, so errors are not remembered and the client may retry with the key.
 * A later request with the same key: same method, path and body → the stored answer is replayed
 * (with `Idempotent-Replayed: true`), or 409 while the first still runs; anything else → 422.
 *
 * The claim is one statement (INSERT … ON CONFLICT), so of two concurrent requests exactly one runs
 * the handler. The record is written outside the handler's transaction: should the process die (or
 * the database fail) between the handler's commit and the completion, the key stays `in_progress`
 * and answers 409 until it expires after 24 h — a duplicate is never created.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly logger = new Logger(IdempotencyInterceptor.name);

  constructor(
    private readonly reflector: Reflector,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    if (context.getType() !== 'http' || !this.reflector.get<boolean>(IDEMPOTENT, context.getHandler())) {
      return next.handle();
    }
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const header = request.headers['idempotency-key'];
    // Keys are per user: a route without a signed-in user runs as usual.
    if (header === undefined || !request.actor) return next.handle();
    if (typeof header !== 'string' || !KEY.test(header)) throw IdempotencyErrors.invalidKey();

    const claim: Claim = {
      userId: request.actor.id,
      key: header,
      method: request.method,
      path: request.url.split('?')[0],
      requestHash: canonicalHash(request.body),
    };
    const existing = await this.claim(claim);
    if (existing) return of(this.replay(existing, claim, reply));

    return next.handle().pipe(
      catchError((error: unknown) =>
        from(this.release(claim)).pipe(switchMap(() => throwError(() => error))),
      ),
      mergeMap(async (body: unknown) => {
        await this.complete(claim, reply, body);
        return body;
      }),
    );
  }

  /** Claims the key for this request (null), or answers the record another request holds. */
  private async claim(claim: Claim): Promise<IdempotencyRecord | null> {
    const now = this.clock.now();
    const expired = new Date(now.getTime() - IDEMPOTENCY_WINDOW_MS);
    for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
      // A fresh key is inserted; an expired record is taken over in the same statement.
      const claimed: unknown[] = await this.dataSource.query(
        `INSERT INTO idempotency_keys (user_id, key, method, path, request_hash, state, created_at)
         VALUES ($1, $2, $3, $4, $5, 'in_progress', $6)
         ON CONFLICT (user_id, key) DO UPDATE
           SET method = EXCLUDED.method, path = EXCLUDED.path, request_hash = EXCLUDED.request_hash,
               state = 'in_progress', response_status = NULL, response_body = NULL,
               response_headers = NULL, created_at = EXCLUDED.created_at
           WHERE idempotency_keys.created_at < $7
         RETURNING 1 AS claimed`,
        [claim.userId, claim.key, claim.method, claim.path, claim.requestHash, now, expired],
      );
      if (claimed.length > 0) return null;
      const existing = await this.dataSource
        .getRepository(IdempotencyRecord)
        .findOneBy({ userId: claim.userId, key: claim.key });
      if (existing) return existing;
    }
    throw IdempotencyErrors.inProgress();
  }

  private replay(record: IdempotencyRecord, claim: Claim, reply: FastifyReply): unknown {
    if (
      record.method !== claim.method ||
      record.path !== claim.path ||
      record.requestHash !== claim.requestHash
    ) {
      throw IdempotencyErrors.keyReused();
    }
    if (record.state !== 'completed' || record.responseStatus === null) throw IdempotencyErrors.inProgress();
    void reply.status(record.responseStatus);
    for (const [name, value] of Object.entries(record.responseHeaders ?? {})) void reply.header(name, value);
    void reply.header('idempotent-replayed', 'true');
    return record.responseBody ?? undefined;
  }

  /** Stores the answer. Failing here must not fail the request: the handler's work is already done. */
  private async complete(claim: Claim, reply: FastifyReply, body: unknown): Promise<void> {
    try {
      const headers: Record<string, string> = {};
      for (const name of REPLAYED_HEADERS) {
        const value = reply.getHeader(name);
        if (value !== undefined) headers[name] = String(value);
      }
      await this.dataSource.query(
        `UPDATE idempotency_keys
         SET state = 'completed', response_status = $3, response_body = $4::jsonb, response_headers = $5::jsonb
         WHERE user_id = $1 AND key = $2 AND state = 'in_progress'`,
        [
          claim.userId,
          claim.key,
          reply.statusCode,
          body === undefined ? null : JSON.stringify(body),
          JSON.stringify(headers),
        ],
      );
    } catch (error) {
      this.logger.error(
        { err: error, key: claim.key },
        'Could not store the answer of an idempotent request',
      );
    }
  }

  /** Forgets the claim of a request that failed, so the client may retry with the same key. */
  private async release(claim: Claim): Promise<void> {
    try {
      await this.dataSource.query(
        `DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND state = 'in_progress'`,
        [claim.userId, claim.key],
      );
    } catch (error) {
      this.logger.error({ err: error, key: claim.key }, 'Could not release the key of a failed request');
    }
  }
}
