import { CommonErrors, DomainError, type FieldProblem } from '../common/errors';
import type { PrecheckItem } from './concept-note.rules';
import type { ConceptNoteAction, ConceptNoteStatus } from './concept-note.state';

export const ConceptNoteErrors = {
  notFound: () => CommonErrors.notFound('Concept note'),
  notAllowed: (action: ConceptNoteAction) =>
    new DomainError(
      'CONCEPT_NOTE.ACTION_FORBIDDEN',
      403,
      `Your role on this note does not allow: ${action.replace(/_/g, ' ')}`,
    ),
  invalidTransition: (action: ConceptNoteAction, status: ConceptNoteStatus) =>
    CommonErrors.conflict(
      'CONCEPT_NOTE.INVALID_TRANSITION',
      `A note in status ${status} cannot be the object of: ${action.replace(/_/g, ' ')}`,
      { status },
    ),
  /** Lost a race: the note changed between reading and writing. */
  concurrentChange: () =>
    CommonErrors.conflict(
      'CONCEPT_NOTE.CONCURRENT_CHANGE',
      'The note changed meanwhile; reload it and try again',
    ),
  ifMatchRequired: () =>
    new DomainError(
      'CONCEPT_NOTE.IF_MATCH_REQUIRED',
      428,
      'Send the version you edited in an If-Match header',
      [{ field: 'If-Match', message: 'is required' }],
    ),
  staleVersion: (current: number) =>
    new DomainError(
      'CONCEPT_NOTE.STALE_VERSION',
      412,
      `The note has changed since you read it (now version ${current}); reload and edit again`,
      [{ field: 'If-Match', message: `does not match the current version ${current}` }],
      { currentVersion: current },
    ),
  precheckFailed: (blocking: PrecheckItem[]) =>
    new DomainError(
      'CONCEPT_NOTE.PRECHECK_FAILED',
      422,
      'The note is not ready: ' + blocking.flatMap((i) => i.reasons).join('; '),
      undefined,
      { blocking },
    ),
  invalidReference: (fields: FieldProblem[]) =>
    new DomainError(
      'VALIDATION_FAILED',
      400,
      `Invalid input: ${fields.map((f) => f.field).join(', ')}`,
      fields,
    ),
  wrongRoute: (message: string) => CommonErrors.conflict('CONCEPT_NOTE.WRONG_ROUTE', message),
  notSignedOff: () =>
    CommonErrors.conflict(
      'CONCEPT_NOTE.NOT_SIGNED_OFF',
      'A focal point of the convening organization must sign off the current content before submission',
    ),
  teamMember: (field: string, message: string) =>
    new DomainError('VALIDATION_FAILED', 400, `Invalid input: ${field}`, [{ field, message }]),
  revisionNotFound: () => CommonErrors.notFound('Revision'),
};
