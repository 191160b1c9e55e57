import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import { IDEMPOTENCY_HEADER } from './idempotency.errors';

export const IDEMPOTENT = 'idempotency:enabled';

/**
 * The POST route accepts an `Idempotency-Key` header (see IdempotencyInterceptor): a retry with the
 * same key and body replays the first successful answer instead of running again. Only for routes
 * that need a signed-in user (keys are per user) and that return their body (no `@Res()` without
 * passthrough).
 */
export const Idempotent = () =>
  applyDecorators(
    SetMetadata(IDEMPOTENT, true),
    ApiHeader({
      name: IDEMPOTENCY_HEADER,
      required: false,
      description:
        'A key of your choice (1–200 visible ASCII characters, e.g. a UUID) that makes retries safe for 24 hours: ' +
        'the same key with the same body replays the first successful answer (with `Idempotent-Replayed: true`) ' +
        'without creating anything again; the same key with another body answers 422 ' +
        '(`IDEMPOTENCY.KEY_REUSED`); while the first request is still running, 409 (`IDEMPOTENCY.IN_PROGRESS`). ' +
        'Failed requests are not remembered, so the key can be retried after an error.',
      schema: { type: 'string', minLength: 1, maxLength: 200, pattern: '^[\\x21-\\x7E]+$' },
    }),
  );
