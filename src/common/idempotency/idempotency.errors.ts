import { DomainError } from '../errors';

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';

export const IdempotencyErrors = {
  invalidKey: () =>
    new DomainError(
      'IDEMPOTENCY.INVALID_KEY',
      400,
      `The ${IDEMPOTENCY_HEADER} header must be 1 to 200 visible ASCII characters`,
      [{ field: IDEMPOTENCY_HEADER, message: 'must be 1 to 200 visible ASCII characters' }],
    ),
  inProgress: () =>
    new DomainError(
      'IDEMPOTENCY.IN_PROGRESS',
      409,
      `A request with this ${IDEMPOTENCY_HEADER} is still being processed; retry in a moment`,
    ),
  keyReused: () =>
    new DomainError(
      'IDEMPOTENCY.KEY_REUSED',
      422,
      `This ${IDEMPOTENCY_HEADER} was already used for a different request (another body, method or path); use a new key`,
    ),
};
