export interface FieldProblem {
  field: string;
  message: string;
}

/**
 * An error a service throws on purpose: a stable code (`CONCEPT_NOTE.INVALID_TRANSITION`), the HTTP
 * status it maps to, and a sentence for people. The global filter turns it into problem details.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly fields?: FieldProblem[],
    readonly extra?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/**
 * The 404 of a scope check. Its answer is the very one a missing resource gets (DESIGN §1: no
 * existence leak); only the type differs, so that the security log records it as a denied request.
 */
export class OutOfScopeError extends DomainError {
  constructor(what: string) {
    super('NOT_FOUND', 404, `${what} was not found`);
    this.name = 'OutOfScopeError';
  }
}

export const CommonErrors = {
  validation: (fields: FieldProblem[]) =>
    new DomainError(
      'VALIDATION_FAILED',
      400,
      `Invalid input: ${[...new Set(fields.map((f) => f.field))].join(', ')}`,
      fields,
    ),
  notFound: (what: string) => new DomainError('NOT_FOUND', 404, `${what} was not found`),
  /** A resource that exists but lies outside the actor's scope: answered as not found, logged as denied. */
  outOfScope: (what: string) => new OutOfScopeError(what),
  forbidden: (message = 'Your role does not allow this action') => new DomainError('FORBIDDEN', 403, message),
  unauthenticated: (message = 'Sign in first') => new DomainError('UNAUTHENTICATED', 401, message),
  conflict: (code: string, message: string, extra?: Record<string, unknown>) =>
    new DomainError(code, 409, message, undefined, extra),
  unavailable: (message: string) => new DomainError('SERVICE_UNAVAILABLE', 503, message),
};
