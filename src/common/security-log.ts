import type { AuditService } from '../audit/audit.service';
import type { AuthenticatedRequest } from './auth/decorators';
import { OutOfScopeError } from './errors';
import { redactUrl } from './redact';
import { currentContext } from './request-context';

/**
 * Whether an answer refuses a request for want of permission: 401 (not signed in, or a credential
 * refused), 403 (a role or rule that does not allow it), and the 404 of a scope check. A 404 for
 * what does not exist (an unknown id, an unknown route) is no refusal.
 */
export function isRefusal(error: unknown, status: number): boolean {
  return status === 401 || status === 403 || error instanceof OutOfScopeError;
}

/**
 * Records a refused request in the security log (DESIGN §2), unless something already logged this
 * request more precisely (a failed sign-in, a rejected token, a role the route does not allow).
 * Only the actor, the method, the path with any credential in its query redacted and the code are
 * kept: never a header, a body or a token.
 */
export async function logRefusal(
  audit: AuditService,
  request: Pick<AuthenticatedRequest, 'method' | 'url'> & { actor?: AuthenticatedRequest['actor'] },
  error: unknown,
  answer: { status: number; code: string },
): Promise<void> {
  if (!isRefusal(error, answer.status) || currentContext()?.securityLogged) return;
  const outOfScope = error instanceof OutOfScopeError;
  await audit.security('access_denied', {
    userId: request.actor?.id ?? null,
    email: request.actor?.email ?? null,
    method: request.method,
    path: redactUrl(request.url),
    detail: `${answer.status} ${answer.code}${outOfScope ? ' outside scope' : ''}`,
  });
}
