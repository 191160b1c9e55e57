import { CommonErrors } from '../errors';

/**
 * Scope checks answer 404 rather than 403, so that nothing outside one's scope is shown to exist;
 * the security log still records the refusal.
 * Use it after loading a resource: `inScope(canSee(actor, note), 'Concept note')`.
 */
export function inScope(visible: boolean, what: string): void {
  if (!visible) throw CommonErrors.outOfScope(what);
}
