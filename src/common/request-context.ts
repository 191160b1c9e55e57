import { AsyncLocalStorage } from 'node:async_hooks';

export interface RequestContext {
  requestId: string;
  ip?: string;
  userAgent?: string;
  /** Set once this request has written to the security log, so a refusal is recorded once. */
  securityLogged?: boolean;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** Runs `fn` with a request context (an HTTP request, or a job carrying the request id it came from). */
export function runWithContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

export function currentContext(): RequestContext | undefined {
  return storage.getStore();
}

export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}
