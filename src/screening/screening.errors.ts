import { CommonErrors, DomainError, type FieldProblem } from '../common/errors';

const invalid = (fields: FieldProblem[]) =>
  new DomainError(
    'VALIDATION_FAILED',
    400,
    `Invalid input: ${[...new Set(fields.map((f) => f.field))].join(', ')}`,
    fields,
  );

export const ScreeningErrors = {
  /** The checklist does not match the screening criteria of the latest criteria set. */
  checklist: (problems: { missing: string[]; unknown: string[]; repeated: string[] }) =>
    invalid(
      [
        problems.missing.length > 0
          ? { field: 'checklist', message: `misses the criteria ${problems.missing.join(', ')}` }
          : null,
        problems.unknown.length > 0
          ? {
              field: 'checklist',
              message: `names codes that are not screening criteria: ${problems.unknown.join(', ')}`,
            }
          : null,
        problems.repeated.length > 0
          ? {
              field: 'checklist',
              message: `names a criterion more than once: ${problems.repeated.join(', ')}`,
            }
          : null,
      ].filter((p): p is FieldProblem => p !== null),
    ),
  revisionKindRequired: () =>
    invalid([{ field: 'revisionKind', message: 'is required when the outcome is revision_requested' }]),
  pointsRequired: () =>
    invalid([
      { field: 'points', message: 'must list at least one point when the outcome is revision_requested' },
    ]),
  onlyForRevision: (field: 'revisionKind' | 'points') =>
    invalid([{ field, message: 'applies only when the outcome is revision_requested' }]),
  reviewAgainOnlyWhenEligible: () =>
    invalid([{ field: 'reviewAgain', message: 'can be false only when the outcome is eligible' }]),
  tooFewReviews: (submitted: number, minimum: number) =>
    CommonErrors.conflict(
      'SCREENING.TOO_FEW_REVIEWS',
      `The note has ${submitted} submitted review(s) from before; skipping the review needs at least ${minimum}`,
      { submitted, minimum },
    ),
  noCriteria: () =>
    CommonErrors.conflict('SCREENING.NO_CRITERIA', 'No criteria set is published; publish one first'),
  responsesCount: (expected: number, given: number) =>
    invalid([
      {
        field: 'responses',
        message: `must hold one answer per point, in order: ${expected} expected, ${given} given`,
      },
    ]),
  noRevisionRequest: () =>
    CommonErrors.conflict(
      'CONCEPT_NOTE.NO_REVISION_REQUEST',
      'The note has no open revision request to answer',
    ),
  revisionRequestNotFound: () => CommonErrors.notFound('Open revision request'),
  substantiveRevision: () =>
    CommonErrors.conflict(
      'CONCEPT_NOTE.SUBSTANTIVE_REVISION',
      'A substantive revision is endorsed again: request endorsement (regional and global notes: sign-off, then submit)',
    ),
};
