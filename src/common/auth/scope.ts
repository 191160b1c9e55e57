import { CommonErrors } from '../errors';

/**
 * Scope checks answer 404 rather than 403, so that nothing outside one's scope is shown to exist.
 * Use it after loading a resource: `inScope(canSee(actor, note), 'Concept note')`.
 */
export function inScope(visible: boolean, what: string): void {
  if (!visible) throw CommonErrors.notFound(what);
}
