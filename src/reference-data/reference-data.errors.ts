import { CommonErrors, DomainError } from '../common/errors';

export const ReferenceDataErrors = {
  organizationExists: (code: string) =>
    CommonErrors.conflict(
      'REFERENCE.ORGANIZATION_EXISTS',
      `An organization with the code ${code} already exists`,
    ),
  organizationNotFound: () => CommonErrors.notFound('Organization'),
  unknownFocalPoints: (ids: string[]) =>
    new DomainError('VALIDATION_FAILED', 400, 'Invalid input: focalPointUserIds', [
      { field: 'focalPointUserIds', message: `unknown or inactive users: ${ids.join(', ')}` },
    ]),
  invalidRange: (field: string) =>
    new DomainError('VALIDATION_FAILED', 400, `Invalid input: ${field}`, [
      { field, message: 'min must not exceed max' },
    ]),
};
