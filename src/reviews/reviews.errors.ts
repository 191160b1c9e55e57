import { CommonErrors, DomainError, type FieldProblem } from '../common/errors';
import type { ConceptNoteStatus } from '../concept-notes/concept-note.state';
import type { AssignmentStatus } from './review.entity';

const invalid = (field: string, message: string) =>
  new DomainError('VALIDATION_FAILED', 400, `Invalid input: ${field}`, [{ field, message }]);

export const ReviewErrors = {
  assignmentNotFound: () => CommonErrors.notFound('Review assignment'),
  notInReview: (status: ConceptNoteStatus) =>
    CommonErrors.conflict(
      'REVIEW.NOTE_NOT_IN_REVIEW',
      `Reviews happen while a note is in review; this one is ${status}`,
      { status },
    ),
  notAReviewer: () => invalid('reviewerId', 'must be an active user with the reviewer role'),
  dueInThePast: () => invalid('dueAt', 'must be in the future'),
  alreadyAssigned: () =>
    CommonErrors.conflict('REVIEW.ALREADY_ASSIGNED', 'This reviewer is already assigned to this note'),
  conflictDeclared: () =>
    CommonErrors.conflict(
      'REVIEW.CONFLICT_DECLARED',
      'This reviewer declared a conflict of interest on this note',
    ),
  conflicted: (organizationCode: string | null) =>
    CommonErrors.conflict(
      'REVIEW.CONFLICTED',
      `The reviewer works for ${organizationCode}, the convening or a participating organization of this note; ` +
        'give a conflictOverrideReason to assign them anyway',
      { organizationCode },
    ),
  loadCapReached: (reviewerName: string, openAssignments: number, maxOpenAssignments: number) =>
    CommonErrors.conflict(
      'REVIEW.LOAD_CAP_REACHED',
      `${reviewerName} already has ${openAssignments} open review assignment(s), at the cap of ` +
        `${maxOpenAssignments} (REVIEWER_MAX_OPEN_ASSIGNMENTS); give a loadOverrideReason to assign them anyway`,
      { openAssignments, maxOpenAssignments },
    ),
  notYours: () =>
    new DomainError('REVIEW.NOT_YOUR_ASSIGNMENT', 403, 'Only the assigned reviewer may do this'),
  submitted: () =>
    CommonErrors.conflict('REVIEW.SUBMITTED', 'The review has been submitted and can no longer change'),
  assignmentClosed: (status: AssignmentStatus) =>
    CommonErrors.conflict('REVIEW.ASSIGNMENT_CLOSED', `The assignment is ${status.replace(/_/g, ' ')}`, {
      status,
    }),
  invalidReview: (fields: FieldProblem[]) => CommonErrors.validation(fields),
  reviewsForbidden: () =>
    new DomainError(
      'REVIEW.FORBIDDEN',
      403,
      'Individual reviews are for the secretariat and for the note’s reviewers',
    ),
  exportForbidden: () => new DomainError('REVIEW.FORBIDDEN', 403, 'Only the secretariat exports reviews'),
  summaryForbidden: (reason: string) => new DomainError('REVIEW.FORBIDDEN', 403, reason),
  reasonRequired: (submitted: number, minimum: number) =>
    invalid(
      'reason',
      `is required to close reviews with ${submitted} submitted review(s), under the minimum of ${minimum}`,
    ),
};
