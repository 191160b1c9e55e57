import { CommonErrors, DomainError } from '../common/errors';

const file = (code: string, status: number, message: string) =>
  new DomainError(code, status, message, [{ field: 'file', message }]);

export const AttachmentErrors = {
  tooLarge: (max: number) => file('ATTACHMENT.TOO_LARGE', 413, `is larger than the limit of ${max} bytes`),
  empty: () => file('ATTACHMENT.EMPTY', 400, 'is empty'),
  missing: () => file('ATTACHMENT.MISSING', 400, 'is required (multipart/form-data with one file)'),
  unreadable: () =>
    file('ATTACHMENT.UNREADABLE', 400, 'could not be read: the multipart body ends inside it'),
  typeNotAllowed: (extensions: string[]) =>
    file('ATTACHMENT.TYPE_NOT_ALLOWED', 415, `is not an accepted type (${extensions.join(', ')})`),
  typeMismatch: (extension: string, detected: string) =>
    file(
      'ATTACHMENT.TYPE_MISMATCH',
      415,
      `is named .${extension || '(none)'} but its content is ${detected}`,
    ),
  wrongKind: (kind: string, expected: string) =>
    file('ATTACHMENT.WRONG_KIND', 415, `a ${kind} must be a ${expected} file`),
  lettersBySecretariat: () =>
    new DomainError('ATTACHMENT.FORBIDDEN', 403, 'Only the secretariat uploads endorsement letters'),
  notFound: () => CommonErrors.notFound('Attachment'),
};
