import { CommonErrors, DomainError } from '../common/errors';

export const PacketErrors = {
  notFound: () => CommonErrors.notFound('Packet'),
  agendaNotClosed: () =>
    CommonErrors.conflict(
      'PACKET.AGENDA_NOT_CLOSED',
      'A packet is issued once the agenda is closed (or for a written procedure)',
    ),
  notReady: (status: string) =>
    CommonErrors.conflict('PACKET.NOT_READY', `The latest packet is ${status}; try again shortly`, {
      status,
    }),
  linkInvalid: () => new DomainError('PACKET.LINK_INVALID', 401, 'This packet link is invalid'),
  linkExpired: () =>
    new DomainError(
      'PACKET.LINK_EXPIRED',
      410,
      'This packet link has expired; ask the secretariat for a new one',
    ),
};
