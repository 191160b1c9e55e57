import { CommonErrors, DomainError } from '../common/errors';
import { centsToDecimal, centsToNumber, type Cents } from '../common/money';

/** "MIG-CN-2026-0042 “Safe corridors”": how an error names a note. */
function named(note: { referenceCode: string | null; title: string }): string {
  return `${note.referenceCode ?? 'note'} “${note.title}”`;
}

function usd(cents: Cents): string {
  const [whole, fraction] = centsToDecimal(cents).split('.');
  return `${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${fraction} USD`;
}

export const DecisionErrors = {
  notFound: () => CommonErrors.notFound('Decision'),
  meetingNotFound: () => CommonErrors.notFound('Meeting'),
  invalid: (field: string, message: string) =>
    new DomainError('VALIDATION_FAILED', 400, `Invalid input: ${field}`, [{ field, message }]),
  meetingNotDeciding: (status: string) =>
    CommonErrors.conflict(
      'DECISION.MEETING_NOT_OPEN',
      status === 'scheduled'
        ? 'Decisions are recorded once the agenda is closed'
        : `A ${status.replace(/_/g, ' ')} meeting takes no decisions`,
      { meetingStatus: status },
    ),
  notOnAgenda: () =>
    CommonErrors.conflict(
      'DECISION.NOT_ON_AGENDA',
      'The note is not a listed item of this meeting’s agenda (place it there by late exception first)',
    ),
  alreadyReleased: () =>
    CommonErrors.conflict(
      'DECISION.ALREADY_RELEASED',
      'This meeting has already released a decision on the note; correct that decision instead',
    ),
  notApplicable: (outcome: string, status: string) =>
    CommonErrors.conflict(
      'DECISION.NOT_APPLICABLE',
      `A note in status ${status} cannot be ${outcome.replace(/_/g, ' ')} by the committee`,
      { status, outcome },
    ),
  overEnvelope: (envelope: Cents, committed: Cents, requested: Cents, overBy: Cents) =>
    CommonErrors.conflict(
      'DECISION.OVER_ENVELOPE',
      `Funding ${usd(requested)} would exceed the meeting’s envelope of ${usd(envelope)} ` +
        `(${usd(committed)} already committed) by ${usd(overBy)}; give an envelopeOverrideReason to go over`,
      {
        envelopeUsd: centsToNumber(envelope),
        committedUsd: centsToNumber(committed),
        requestedUsd: centsToNumber(requested),
        overByUsd: centsToNumber(overBy),
      },
    ),
  overEnvelopeAtRelease: (
    envelope: Cents,
    released: Cents,
    unexplained: Cents,
    overBy: Cents,
    notes: { id: string; referenceCode: string | null; title: string }[],
  ) =>
    CommonErrors.conflict(
      'DECISION.OVER_ENVELOPE',
      `Nothing was released: the funding drafted without an envelopeOverrideReason (${usd(unexplained)}, for ` +
        `${notes.map(named).join(', ')}) and the ${usd(released)} already released exceed the meeting’s ` +
        `envelope of ${usd(envelope)} by ${usd(overBy)}; lower the amounts, or draft them again with a reason`,
      {
        envelopeUsd: centsToNumber(envelope),
        committedUsd: centsToNumber(released),
        requestedUsd: centsToNumber(unexplained),
        overByUsd: centsToNumber(overBy),
        conceptNoteIds: notes.map((n) => n.id),
      },
    ),
  noDrafts: () =>
    CommonErrors.conflict('DECISION.NO_DRAFTS', 'This meeting has no draft decisions to release'),
  cannotRelease: (note: { id: string; referenceCode: string | null; title: string }, why: string) =>
    CommonErrors.conflict('DECISION.CANNOT_RELEASE', `Nothing was released: ${named(note)} ${why}`, {
      conceptNoteId: note.id,
      referenceCode: note.referenceCode,
    }),
  notDraft: () =>
    CommonErrors.conflict(
      'DECISION.NOT_DRAFT',
      'Only a draft is discarded; a released decision is corrected, and stays on record',
    ),
  notReleased: (status: string) =>
    CommonErrors.conflict(
      'DECISION.NOT_RELEASED',
      status === 'draft'
        ? 'A draft is replaced by posting it again, not corrected'
        : 'This decision was superseded; correct the decision that replaced it',
      { status },
    ),
  outcomeNotCorrectable: (from: string, to: string) =>
    CommonErrors.conflict(
      'DECISION.OUTCOME_NOT_CORRECTABLE',
      `A correction may change the outcome only among approved, funded and rejected (not ${from} → ${to})`,
      { from, to },
    ),
  noteMovedOn: (status: string, expected: string) =>
    CommonErrors.conflict(
      'DECISION.NOTE_MOVED_ON',
      `The note is now ${status}, no longer ${expected} as the decision left it; this correction no longer applies`,
      { status, expected },
    ),
};
