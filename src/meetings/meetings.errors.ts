import { CommonErrors, DomainError } from '../common/errors';

export const MeetingErrors = {
  notFound: () => CommonErrors.notFound('Meeting'),
  itemNotFound: () => CommonErrors.notFound('Agenda item'),
  invalidStatus: (status: string, action: string) =>
    CommonErrors.conflict(
      'MEETING.INVALID_STATUS',
      `A ${status.replace(/_/g, ' ')} meeting cannot be ${action}`,
      { status },
    ),
  noNextMeeting: () =>
    CommonErrors.conflict(
      'MEETING.NO_NEXT_MEETING',
      'There is no later meeting to carry the agenda over to; schedule the next meeting first',
    ),
  agendaNotClosed: () =>
    CommonErrors.conflict(
      'MEETING.AGENDA_NOT_CLOSED',
      'The agenda is not closed yet; notes are placed by the cut-off rule until then',
    ),
  reasonRequired: (field = 'reason') =>
    new DomainError('VALIDATION_FAILED', 400, `Invalid input: ${field}`, [{ field, message: 'is required' }]),
  noteNotEligible: (message: string) =>
    new DomainError('VALIDATION_FAILED', 400, 'Invalid input: conceptNoteId', [
      { field: 'conceptNoteId', message },
    ]),
  packetIssued: () =>
    CommonErrors.conflict(
      'MEETING.PACKET_ISSUED',
      'The packet of this meeting has been issued: its agenda is final. Items can no longer be added, reordered, regrouped, carried over or removed (the assessment of an item can still be written)',
    ),
  alreadyOnAgenda: () =>
    CommonErrors.conflict('MEETING.ALREADY_ON_AGENDA', 'The note is already on this agenda'),
  invalidLocalTime: (field: string, message: string) =>
    new DomainError('VALIDATION_FAILED', 400, `Invalid input: ${field}`, [{ field, message }]),
};
