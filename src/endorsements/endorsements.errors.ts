import { CommonErrors, DomainError } from '../common/errors';

export const EndorsementErrors = {
  alreadyCovered: () =>
    CommonErrors.conflict(
      'ENDORSEMENT.ALREADY_COVERED',
      'Every country you can endorse for is already endorsed on this revision',
    ),
  nothingToWithdraw: () =>
    CommonErrors.conflict(
      'ENDORSEMENT.NOTHING_TO_WITHDRAW',
      'You have no endorsement of the current revision to withdraw',
    ),
  commentRequired: () =>
    new DomainError('VALIDATION_FAILED', 400, 'Invalid input: comment', [
      { field: 'comment', message: 'is required when returning a note' },
    ]),
  countryNotListed: (code: string) =>
    new DomainError('VALIDATION_FAILED', 400, 'Invalid input: countryCode', [
      { field: 'countryCode', message: `${code} is not a country of this note` },
    ]),
  letterInvalid: () =>
    new DomainError('VALIDATION_FAILED', 400, 'Invalid input: letterAttachmentId', [
      { field: 'letterAttachmentId', message: 'must be an endorsement letter uploaded to this note' },
    ]),
  delegateInvalid: () =>
    new DomainError('VALIDATION_FAILED', 400, 'Invalid input: delegateId', [
      {
        field: 'delegateId',
        message: 'must be an active Resident Coordinator or RC office member other than yourself',
      },
    ]),
  dateRange: () =>
    new DomainError('VALIDATION_FAILED', 400, 'Invalid input: endsOn', [
      { field: 'endsOn', message: 'must not be before startsOn' },
    ]),
  delegationNotFound: () => CommonErrors.notFound('Delegation'),
};
