import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { QueryFailedError } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { AuthenticatedRequest } from './auth/decorators';
import { DomainError, FieldProblem } from './errors';
import { redactUrl } from './redact';
import { logRefusal } from './security-log';

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance: string;
  requestId: string;
  errors?: FieldProblem[];
  [extra: string]: unknown;
}

const CODE_BY_STATUS: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  406: 'NOT_ACCEPTABLE',
  409: 'CONFLICT',
  412: 'PRECONDITION_FAILED',
  413: 'PAYLOAD_TOO_LARGE',
  414: 'URI_TOO_LONG',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE',
  428: 'PRECONDITION_REQUIRED',
  429: 'RATE_LIMITED',
  503: 'SERVICE_UNAVAILABLE',
};

const DATABASE_DOWN = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  '57P01',
  '57P03',
  '08006',
  '08001',
  '08003',
]);

/** What a 503 asks the client to wait before trying again. */
const DATABASE_RETRY_AFTER_SECONDS = 5;

/** Fastify's JSON parse errors, which Nest re-throws as plain HttpExceptions keeping only the message. */
const MALFORMED_JSON =
  /^Body (is not valid JSON but|cannot be empty when) content-type is set to 'application\/json'$/;

function titleFor(status: number): string {
  return (HttpStatus[status] ?? 'Error')
    .toLowerCase()
    .split('_')
    .map((w, i) => (i === 0 ? w.charAt(0).toUpperCase() + w.slice(1) : w))
    .join(' ');
}

/** Turns anything thrown into an RFC 9457 problem-details answer with a stable code. */
export function toProblem(error: unknown, request: { url: string; id: string }): ProblemDetails {
  const base = (status: number, code: string, detail: string): ProblemDetails => ({
    type: `about:blank`,
    title: titleFor(status),
    status,
    detail,
    code,
    instance: request.url,
    requestId: request.id,
  });

  if (error instanceof DomainError) {
    const problem = base(error.status, error.code, error.message);
    if (error.fields) problem.errors = error.fields;
    return { ...error.extra, ...problem };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const response = error.getResponse();
    const message =
      typeof response === 'string'
        ? response
        : typeof (response as { message?: unknown }).message === 'string'
          ? (response as { message: string }).message
          : error.message;
    const code =
      status === 404 && /^Cannot \w+ /.test(message)
        ? 'ROUTE_NOT_FOUND'
        : status === 400 && MALFORMED_JSON.test(message)
          ? 'MALFORMED_BODY'
          : (CODE_BY_STATUS[status] ?? 'ERROR');
    return base(status, code, message);
  }
  const fastifyError = error as { statusCode?: number; code?: string; message?: string };
  if (
    typeof fastifyError.statusCode === 'number' &&
    fastifyError.statusCode >= 400 &&
    fastifyError.statusCode < 500
  ) {
    const status = fastifyError.statusCode;
    const code =
      fastifyError.code === 'FST_ERR_CTP_INVALID_JSON_BODY' ||
      fastifyError.code === 'FST_ERR_CTP_EMPTY_JSON_BODY'
        ? 'MALFORMED_BODY'
        : fastifyError.code === 'FST_ERR_BAD_URL'
          ? 'MALFORMED_URL'
          : (CODE_BY_STATUS[status] ?? 'BAD_REQUEST');
    return base(status, code, fastifyError.message ?? titleFor(status));
  }
  const driverCode =
    (error as { code?: string; driverError?: { code?: string } }).driverError?.code ?? fastifyError.code;
  if (driverCode && DATABASE_DOWN.has(driverCode)) {
    return base(503, 'DATABASE_UNAVAILABLE', 'The database is unreachable; try again shortly');
  }
  if (error instanceof Error && /timeout exceeded when trying to connect/i.test(error.message)) {
    // Every pooled connection stayed busy for connectionTimeoutMillis (DATABASE_POOL_SIZE).
    return base(503, 'DATABASE_BUSY', 'Every database connection is in use; try again shortly');
  }
  if (
    error instanceof Error &&
    // The last: a database closed to connections (ALLOW_CONNECTIONS false), SQLSTATE 55000 at connect.
    /Connection terminated|connect ECONNREFUSED|is not currently accepting connections/i.test(error.message)
  ) {
    return base(503, 'DATABASE_UNAVAILABLE', 'The database is unreachable; try again shortly');
  }
  if (error instanceof QueryFailedError && driverCode === '23505') {
    return base(409, 'CONFLICT', 'This conflicts with a record that already exists');
  }
  // A serialization failure or a deadlock: one of two concurrent changes lost and nothing of it stayed.
  if (error instanceof QueryFailedError && (driverCode === '40001' || driverCode === '40P01')) {
    return base(409, 'CONFLICT', 'A concurrent change won; reload and try again');
  }
  return base(500, 'INTERNAL_ERROR', 'An unexpected error occurred');
}

@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  constructor(private readonly audit: AuditService) {}

  async catch(error: unknown, host: ArgumentsHost): Promise<void> {
    const http = host.switchToHttp();
    const request = http.getRequest<AuthenticatedRequest>();
    const reply = http.getResponse<FastifyReply>();
    const problem = toProblem(error, { url: request.url, id: String(request.id) });
    if (problem.status >= 500) {
      this.logger.error(
        { err: error, requestId: request.id },
        `${request.method} ${redactUrl(request.url)} failed`,
      );
    }
    // Written before the answer leaves, so a client that reads the log afterwards finds the row.
    await logRefusal(this.audit, request, error, problem);
    if (problem.status === 429 && typeof problem.retryAfterSeconds === 'number') {
      void reply.header('retry-after', String(problem.retryAfterSeconds));
    } else if (problem.status === 503) {
      // The database is gone or every connection is busy: a moment later it is likely back or free.
      void reply.header('retry-after', String(DATABASE_RETRY_AFTER_SECONDS));
    }
    void reply
      .status(problem.status)
      .header('content-type', 'application/problem+json; charset=utf-8')
      .send(problem);
  }
}
