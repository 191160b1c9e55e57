import { QueryFailedError } from 'typeorm';
import { DomainError } from './errors';
import { toProblem } from './problem-details.filter';

const request = { url: '/api/v1/concept-notes', id: 'req-1' };
const driverError = (code: string, message = 'driver error') =>
  new QueryFailedError('UPDATE …', [], Object.assign(new Error(message), { code }));

describe('toProblem', () => {
  it.each([
    ['40001', 'a serialization failure'],
    ['40P01', 'a deadlock'],
  ])('answers 409 CONFLICT to %s (%s): one of two concurrent changes lost', (code) => {
    expect(toProblem(driverError(code), request)).toMatchObject({ status: 409, code: 'CONFLICT' });
  });

  it('answers 409 to a unique violation', () => {
    expect(toProblem(driverError('23505'), request)).toMatchObject({ status: 409, code: 'CONFLICT' });
  });

  it.each(['57P01', '08006', 'ECONNREFUSED'])(
    'answers 503 DATABASE_UNAVAILABLE when the database is gone (%s)',
    (code) => {
      expect(toProblem(driverError(code), request)).toMatchObject({
        status: 503,
        code: 'DATABASE_UNAVAILABLE',
      });
    },
  );

  it('answers 503 DATABASE_BUSY when no pooled connection freed in time', () => {
    const error = new Error('timeout exceeded when trying to connect');
    expect(toProblem(error, request)).toMatchObject({ status: 503, code: 'DATABASE_BUSY' });
  });

  it('keeps a domain error as it is, and hides anything else behind a 500 without its message', () => {
    const domain = new DomainError('NOTE.NOT_FOUND', 404, 'Concept note not found');
    expect(toProblem(domain, request)).toMatchObject({
      status: 404,
      code: 'NOTE.NOT_FOUND',
      requestId: 'req-1',
    });
    const other = toProblem(new Error('secret internals'), request);
    expect(other).toMatchObject({ status: 500, code: 'INTERNAL_ERROR' });
    expect(JSON.stringify(other)).not.toContain('secret internals');
  });
});
